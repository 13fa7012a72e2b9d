//! tandem's interpreter tier.
//!
//! A function is translated lazily, on its first call, from its validated
//! Wasm body into register-addressed bytecode ([`bytecode`]), and cached in
//! its module's [`ModuleCode`]. The executor runs that bytecode on a
//! per-thread value stack, with an accumulator value kept in a register
//! between instructions (see [`bytecode::Instr`]). In optimised builds its
//! dispatch is threaded: one handler per instruction and accumulator mode,
//! each tail-calling the next one's; elsewhere a loop runs the same
//! instruction bodies (`build.rs` chooses). Calls between interpreted
//! functions (of any instance) stay in the interpreter, other callees are
//! reached through the shared calling convention.
//!
//! The runtime reaches it through [`Interp`], its
//! [`tandem_vm::Tier`]: every local function's array-call entry is
//! [`entry`], and `VMContext::tier_state` points at the module's
//! [`ModuleCode`].

// The docs are read with `--document-private-items`: the module docs link
// to the private modules that hold each concept.
#![allow(rustdoc::private_intra_doc_links)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod bytecode;
mod exec;
mod num;
pub mod simd;
mod translate;

use bytecode::Code;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use tandem_vm::osr::OsrFrame;
use tandem_vm::{CodeStats, EntryPoints, ModuleEnv, Tier, TierError, TierModule};

pub use exec::entry;
pub use translate::TranslateError;

/// The frame an OSR entry into each loop of local function `func_index`
/// would take over from the interpreter, by loop number (see
/// [`tandem_vm::osr`]).
pub fn osr_frames(env: &ModuleEnv, func_index: u32) -> Result<Vec<OsrFrame>, TranslateError> {
    let frames = match translate::translate(env, func_index, true)? {
        Code::Narrow(code) => frames_of(&code),
        Code::Wide(code) => frames_of(&code),
    };
    Ok(frames)
}

fn frames_of<W: bytecode::Width>(code: &bytecode::FuncCode<W>) -> Vec<OsrFrame> {
    (code.loops.iter().enumerate())
        .map(|(l, osr)| osr.frame(l as u32))
        .collect()
}

/// The per-module translation cache, shared by all instances of the module
/// (and all threads running them).
pub struct ModuleCode {
    env: Arc<ModuleEnv>,
    /// By local function index; filled on first call.
    funcs: Box<[OnceLock<Result<Code, TranslateError>>]>,
    tier_up: Option<TierUp>,
}

/// How a module's functions ask to be compiled by a faster tier: each
/// counts its calls and loop iterations, and after `threshold` of them (1:
/// at the first call) calls `request` with its function index, and the
/// loop whose iteration it was, if any, for an OSR entry into it. It goes
/// on counting, and asks again every [`RECHECK`] calls and iterations: so
/// the heat of a function waiting for the compiler grows
/// ([`ModuleCode::heat`]), and a frame running a loop looks for its OSR
/// entry at least that often, until told to stop
/// ([`ModuleCode::stop_counting`]).
pub struct TierUp {
    pub threshold: u32,
    pub request: Box<dyn Fn(u32, Option<u32>) + Send + Sync>,
}

impl ModuleCode {
    pub fn new(env: Arc<ModuleEnv>) -> ModuleCode {
        Self::build(env, None)
    }

    /// A cache whose functions ask `tier_up` to compile them once hot.
    pub fn with_tier_up(env: Arc<ModuleEnv>, tier_up: TierUp) -> ModuleCode {
        Self::build(env, Some(tier_up))
    }

    fn build(env: Arc<ModuleEnv>, tier_up: Option<TierUp>) -> ModuleCode {
        let funcs = (0..env.bodies.len()).map(|_| OnceLock::new()).collect();
        ModuleCode {
            env,
            funcs,
            tier_up,
        }
    }

    /// A function whose countdown ran out, at a call or at an iteration of
    /// loop `l` (whose OSR entry is not there yet): asks for it to be
    /// compiled, and for that entry (if anyone listens), and counts on from
    /// [`RECHECK`]. Never inlined: a call through a pointer must not appear
    /// in the handlers or `call_slow` (see `check-tail-calls.sh`).
    #[cold]
    #[inline(never)]
    pub(crate) fn ran_out(&self, func_index: u32, l: Option<u32>, countdown: &AtomicU32) {
        let (Some(t), Some(code)) = (&self.tier_up, self.translated(func_index)) else {
            countdown.store(bytecode::NOT_COUNTING, Ordering::Relaxed);
            return;
        };
        // The first time, 1: asked, and not hot yet.
        let heat = code.heat();
        let h = heat.load(Ordering::Relaxed);
        heat.store(
            if h == 0 { 1 } else { h.saturating_add(RECHECK) },
            Ordering::Relaxed,
        );
        countdown.store(RECHECK, Ordering::Relaxed);
        (t.request)(func_index, l);
    }

    /// Installs `entry`, the array-call entry of an OSR entry into the loop
    /// `frame` names in `func_index`, and makes frames running the function
    /// in the interpreter look for it (see
    /// [`look_for_osr_entries`](Self::look_for_osr_entries)).
    ///
    /// Refuses (false) an entry whose frame is not the one the interpreter
    /// has at that loop (see [`tandem_vm::osr`]).
    ///
    /// # Safety
    /// `entry` must be a `tandem_vm::ArrayCallFn` taking `frame`'s values,
    /// as `tandem_vm::osr` says, and live as long as the module.
    pub unsafe fn install_osr(&self, func_index: u32, entry: *const (), frame: OsrFrame) -> bool {
        let l = frame.loop_index;
        let Some(osr) = self
            .translated(func_index)
            .and_then(|code| code.loops().get(l as usize))
        else {
            return false;
        };
        if osr.frame(l) != frame {
            return false;
        }
        osr.entry.store(entry.cast_mut(), Ordering::Release);
        self.look_for_osr_entries(func_index);
        true
    }

    /// Makes the countdown of `func_index` run out, so that a frame running
    /// one of its loops in the interpreter, at the loop's next iteration,
    /// moves to the loop's OSR entry or asks for it: for a function whose
    /// compiled code is installed, or an OSR entry into it. (A racing
    /// iteration may overwrite it, which only delays the move until the
    /// countdown runs out again, within [`RECHECK`] iterations.)
    pub fn look_for_osr_entries(&self, func_index: u32) {
        if let Some(code) = self.translated(func_index) {
            code.countdown().store(0, Ordering::Relaxed);
        }
    }

    /// Roughly the calls and loop iterations of `func_index` counted since
    /// it asked to be compiled, in steps of [`RECHECK`] (0 if it has not
    /// asked).
    pub fn heat(&self, func_index: u32) -> u32 {
        self.translated(func_index)
            .map_or(0, |code| code.heat().load(Ordering::Relaxed))
    }

    /// Stops counting the calls and iterations of `func_index` (compiled,
    /// or never to be): they then write nothing to the shared translation.
    pub fn stop_counting(&self, func_index: u32) {
        if let Some(code) = self.translated(func_index) {
            code.countdown()
                .store(bytecode::NOT_COUNTING, Ordering::Relaxed);
        }
    }

    /// The translation of local function `func_index`, if made already.
    fn translated(&self, func_index: u32) -> Option<&Code> {
        let local = func_index.checked_sub(self.env.num_imported_funcs)?;
        self.funcs.get(local as usize)?.get()?.as_ref().ok()
    }

    pub fn env(&self) -> &ModuleEnv {
        &self.env
    }

    /// The translation of local function `func_index` (an index in the
    /// module's function index space), translating it on first use.
    pub fn func(&self, func_index: u32) -> Result<&Code, &TranslateError> {
        let local = func_index
            .checked_sub(self.env.num_imported_funcs)
            .and_then(|i| self.funcs.get(i as usize));
        match local {
            Some(cell) => match cell.get() {
                Some(code) => code.as_ref(),
                None => self.translate_into(cell, func_index).as_ref(),
            },
            None => Err(&NOT_LOCAL),
        }
    }

    /// Translates a function on its first call. Out of line: the closure
    /// handed to `get_or_init` lives on the stack, and a stack address
    /// passed on from the interpreter's `call_slow` would keep LLVM from
    /// making its calls to handlers tail calls.
    #[cold]
    #[inline(never)]
    fn translate_into<'a>(
        &'a self,
        cell: &'a OnceLock<Result<Code, TranslateError>>,
        func_index: u32,
    ) -> &'a Result<Code, TranslateError> {
        cell.get_or_init(|| {
            let _span = tracing::debug_span!("translate", func_index).entered();
            let code = translate::translate(&self.env, func_index, self.tier_up.is_some())?;
            if let Some(t) = &self.tier_up {
                let events = t.threshold.clamp(1, bytecode::NOT_COUNTING) - 1;
                code.countdown().store(events, Ordering::Relaxed);
            }
            Ok(code)
        })
    }
}

/// The interpreter, as the runtime sees a tier.
#[derive(Clone, Copy, Debug, Default)]
pub struct Interp;

impl Tier for Interp {
    fn name(&self) -> &'static str {
        "interp"
    }

    fn prepare(
        &self,
        env: Arc<ModuleEnv>,
        _saved: Option<&[u8]>,
    ) -> Result<Arc<dyn TierModule>, TierError> {
        Ok(Arc::new(ModuleCode::new(env)))
    }

    fn host_native_call(&self, _ty: &wasmparser::FuncType) -> *const () {
        std::ptr::null()
    }
}

impl TierModule for ModuleCode {
    fn entry_points(&self, _func_index: u32) -> EntryPoints {
        EntryPoints {
            array_call: entry,
            native_call: std::ptr::null(),
        }
    }

    fn tier_state(&self) -> *const () {
        (self as *const ModuleCode).cast()
    }

    fn compile_all(&self) -> Result<(), TierError> {
        let first = self.env.num_imported_funcs;
        for index in first..first + self.funcs.len() as u32 {
            self.func(index)
                .map_err(|e| TierError(format!("function {index}: {}", e.0)))?;
        }
        Ok(())
    }

    fn stats(&self) -> CodeStats {
        let mut stats = CodeStats::default();
        for (body, cell) in self.env.bodies.iter().zip(self.funcs.iter()) {
            if let Some(Ok(code)) = cell.get() {
                stats.funcs += 1;
                stats.wasm_bytes += body.len();
                stats.code_bytes += code.byte_size();
            }
        }
        stats
    }
}

/// How many calls and loop iterations pass between two requests of a
/// function that asked to be compiled: it measures its heat in these steps
/// (see [`TierUp`]); its frames find new OSR entries at least this often.
pub const RECHECK: u32 = 1 << 12;

static NOT_LOCAL: TranslateError =
    TranslateError(std::borrow::Cow::Borrowed("not a local function"));
