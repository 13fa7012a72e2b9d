//! tandem's optimising tier: validated Wasm → SSA ([`ir`], built by
//! [`build`]) → [`passes`] → x86-64 ([`x64`]: instruction selection,
//! linear-scan register allocation, emission through iced-x86), mapped
//! executable by [`code_memory`].
//!
//! Compiled functions call each other through the native entry of their
//! callee's `VMFunc` (see `tandem_vm::callconv`), so a later swap of that
//! entry is seen by the next call; [`x64::trampolines`] connect the
//! native convention with the array convention of the host and the interpreter.
//! Traps in compiled code are recognised by their address in the code
//! registry and unwound to the innermost array-call entry (see
//! `tandem_vm::unwind`).

// The docs are read with `--document-private-items`: the module docs link
// to the private modules that hold each concept.
#![allow(rustdoc::private_intra_doc_links)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod build;
pub mod builtins;
pub mod code_memory;
pub mod ir;
pub mod lists;
pub mod passes;
pub mod perf_map;
pub mod x64;

use code_memory::CodeMemory;
use ir::Ty;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use tandem_vm::code_registry::FuncRange;
use tandem_vm::code_registry::Landing;
use tandem_vm::osr::OsrFrame;
use tandem_vm::{CodeStats, CpuFeatures, EntryPoints, ModuleEnv, Tier, TierError, TierModule};
use wasmparser::FuncType;
use x64::masm::{Assembled, Masm};
use x64::trampolines;

/// The JIT, as the runtime sees a tier.
pub struct Jit {
    /// Native entries of host functions, by signature (trampolines that
    /// call the host's array-call entry); kept as long as the engine.
    host_trampolines: Mutex<HashMap<FuncType, CodeMemory>>,
}

impl Jit {
    /// Whether this machine can run the JIT.
    pub fn is_supported() -> bool {
        supported()
    }

    /// The extensions beyond the baseline that this machine has, which
    /// compiled code may use.
    pub fn cpu_features() -> CpuFeatures {
        detected()
    }

    /// The JIT for this machine; an error where it cannot run (it needs
    /// x86-64 Linux with SSE4.1, POPCNT, LZCNT and BMI1).
    pub fn new() -> Result<Jit, TierError> {
        if !supported() {
            return Err(TierError(
                "the JIT needs x86-64 Linux with SSE4.1, POPCNT, LZCNT and BMI1".into(),
            ));
        }
        Ok(Jit {
            host_trampolines: Mutex::new(HashMap::new()),
        })
    }
}

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn supported() -> bool {
    std::arch::is_x86_feature_detected!("sse4.1")
        && std::arch::is_x86_feature_detected!("popcnt")
        && std::arch::is_x86_feature_detected!("lzcnt")
        && std::arch::is_x86_feature_detected!("bmi1")
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
fn supported() -> bool {
    false
}

/// The extensions beyond the baseline that this machine has.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn detected() -> CpuFeatures {
    CpuFeatures {
        avx: std::arch::is_x86_feature_detected!("avx"),
    }
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
fn detected() -> CpuFeatures {
    CpuFeatures::default()
}

fn types(list: &[wasmparser::ValType]) -> Vec<Ty> {
    list.iter().map(|&t| Ty::of(t)).collect()
}

impl Tier for Jit {
    fn name(&self) -> &'static str {
        "jit"
    }

    fn prepare(&self, env: Arc<ModuleEnv>) -> Result<Arc<dyn TierModule>, TierError> {
        Ok(Arc::new(JitModule::compile(env)?))
    }

    fn host_native_call(&self, ty: &FuncType) -> *const () {
        let mut host_trampolines = self.host_trampolines.lock();
        if let Some(mem) = host_trampolines.get(ty) {
            return mem.addr(0).cast();
        }
        let (params, results) = (types(ty.params()), types(ty.results()));
        let mut m = Masm::new();
        trampolines::native_to_array(&mut m, &params, &results);
        let code = m.finish();
        let Ok(mem) = CodeMemory::new(&code.code, Vec::new(), Vec::new()) else {
            return std::ptr::null();
        };
        let addr = mem.addr(0).cast();
        host_trampolines.insert(ty.clone(), mem);
        addr
    }
}

/// What to compile of a local function: the function, entered at its
/// start, or an entry into it at one of its loops, for on-stack
/// replacement of a running interpreted call (see [`build::build_osr`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Unit {
    /// In the module's function index space.
    pub func_index: u32,
    /// The loop an OSR entry enters, by its number among the body's
    /// `loop` operators; `None` for the function itself.
    pub osr_loop: Option<u32>,
}

impl Unit {
    pub fn func(func_index: u32) -> Unit {
        Unit {
            func_index,
            osr_loop: None,
        }
    }

    pub fn osr(func_index: u32, loop_index: u32) -> Unit {
        Unit {
            func_index,
            osr_loop: Some(loop_index),
        }
    }
}

/// `7` for function 7, `7@loop2` for its OSR entry into loop 2.
impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.osr_loop {
            None => write!(f, "{}", self.func_index),
            Some(l) => write!(f, "{}@loop{l}", self.func_index),
        }
    }
}

/// Machine code for some units of a module in one mapped image: the units,
/// then per signature among them an array-call trampoline and stub. The
/// JIT tier compiles a whole module into one; the tiering engine compiles
/// each batch of hot functions (and OSR entries) into one.
pub struct JitCode {
    code: CodeMemory,
    units: Vec<CompiledUnit>,
    stats: CodeStats,
    /// The runtime functions the code calls by address, by name.
    symbols: HashMap<u64, &'static str>,
}

/// Where one unit's code lies in its image.
struct CompiledUnit {
    unit: Unit,
    /// Offset of its native entry.
    native: usize,
    /// Offset of its array-call entry (its signature's stub).
    array: usize,
    len: usize,
    /// Where its instructions end, and its constant pool starts (offsets
    /// from its native entry).
    code_end: usize,
    pool_start: usize,
    /// How many arguments its entry takes.
    params: usize,
}

/// The parameter and result types of a unit's entry: an OSR entry's
/// parameters are the frame's values at its loop.
type Signature = (Vec<Ty>, Vec<Ty>);

/// Bytes of local function `func_index`'s body.
fn body_len(env: &ModuleEnv, func_index: u32) -> usize {
    env.bodies[(func_index - env.num_imported_funcs) as usize].len()
}

/// The name of a function for messages: its index, and its name if the
/// module has one.
fn describe(env: &ModuleEnv, func_index: u32) -> String {
    match env.func_names.get(&func_index) {
        Some(name) => format!("function {func_index} ({name})"),
        None => format!("function {func_index}"),
    }
}

impl JitCode {
    /// Compiles `units` on up to `threads` threads, and maps them
    /// executable.
    pub fn compile(env: &ModuleEnv, units: &[Unit], threads: usize) -> Result<JitCode, TierError> {
        let mut code = Vec::new();
        let mut ranges = Vec::new();
        let mut traps = Vec::new();
        let mut landings = Vec::new();
        let mut compiled = Vec::new();
        let mut sigs = Vec::new();
        let mut wasm_bytes = 0;
        let mut symbols = HashMap::new();
        for (&unit, (asm, sig)) in units.iter().zip(compile_units(env, units, threads)?) {
            symbols.extend(asm.symbols.iter().copied());
            align(&mut code);
            let start = code.len();
            traps.extend(asm.traps.iter().map(|&(off, t)| (off + start as u32, t)));
            landings.extend(asm.landings.iter().map(|&l| Landing {
                ret: l.ret + start as u32,
                pad: l.pad + start as u32,
                below: l.below,
            }));
            code.extend_from_slice(&asm.code);
            ranges.push(FuncRange {
                start: start as u32,
                end: code.len() as u32,
                func_index: unit.func_index,
            });
            compiled.push(CompiledUnit {
                unit,
                native: start,
                array: 0,
                len: asm.code.len(),
                code_end: asm.code_end as usize,
                pool_start: asm.pool_start as usize,
                params: sig.0.len(),
            });
            sigs.push(sig);
            wasm_bytes += body_len(env, unit.func_index);
        }
        let machine_bytes = code.len();
        // Trampolines and stubs after the units: one trampoline per
        // signature, which calls the callee's native entry, and one per
        // OSR entry, which calls it by address. Addresses are known once
        // the image is mapped, so what holds them is laid out then, in
        // room reserved now: the OSR entries' trampolines, then the stubs,
        // which name their trampolines.
        let trampoline = |sig: &Signature, target: Option<u64>| {
            let mut m = Masm::new();
            trampolines::array_to_native(&mut m, &sig.0, &sig.1, target);
            m.finish().code
        };
        let mut sig_of: HashMap<&Signature, usize> = HashMap::new();
        // Each trampoline's offset, and the unit it calls by address with
        // the room it has.
        let mut tramp_slots: Vec<(usize, Option<(usize, usize)>)> = Vec::new();
        let mut trampoline_of = Vec::with_capacity(sigs.len());
        for (k, sig) in sigs.iter().enumerate() {
            let t = if compiled[k].unit.osr_loop.is_some() {
                let len = trampoline(sig, Some(FAR)).len();
                align(&mut code);
                tramp_slots.push((code.len(), Some((k, len))));
                code.resize(code.len() + len, 0xcc);
                tramp_slots.len() - 1
            } else {
                *sig_of.entry(sig).or_insert_with(|| {
                    align(&mut code);
                    tramp_slots.push((code.len(), None));
                    code.extend_from_slice(&trampoline(sig, None));
                    tramp_slots.len() - 1
                })
            };
            trampoline_of.push(t);
        }
        let stub_len = stub_size();
        let mut stub_offsets = Vec::new();
        for _ in &tramp_slots {
            align(&mut code);
            stub_offsets.push(code.len());
            code.resize(code.len() + stub_len, 0xcc);
        }
        let mem = CodeMemory::with_patch(&code, ranges, traps, landings, |image, base| {
            let mut put = |at: usize, room: usize, bytes: Vec<u8>| {
                assert!(bytes.len() <= room, "a trampoline outgrew its room");
                image[at..at + bytes.len()].copy_from_slice(&bytes);
            };
            for &(at, unit) in &tramp_slots {
                if let Some((k, room)) = unit {
                    let target = (base + compiled[k].native) as u64;
                    put(at, room, trampoline(&sigs[k], Some(target)));
                }
            }
            for (&(tramp, _), &at) in tramp_slots.iter().zip(&stub_offsets) {
                let mut m = Masm::new();
                trampolines::array_entry_stub(&mut m, (base + tramp) as u64);
                put(at, stub_len, m.finish().code);
            }
        })
        .map_err(|e| TierError(format!("cannot map code memory: {e}")))?;
        for (u, &t) in compiled.iter_mut().zip(&trampoline_of) {
            u.array = stub_offsets[t];
        }
        perf_map::record(compiled.iter().map(|u| {
            let f = u.unit.func_index;
            let name = match env.func_names.get(&f) {
                Some(name) => format!("wasm::{name}"),
                None => format!("wasm::function[{f}]"),
            };
            let name = match u.unit.osr_loop {
                Some(l) => format!("{name}::osr_loop[{l}]"),
                None => name,
            };
            (mem.addr(u.native) as usize, u.len, name)
        }));
        Ok(JitCode {
            stats: CodeStats {
                funcs: units.len(),
                wasm_bytes,
                code_bytes: machine_bytes,
            },
            code: mem,
            units: compiled,
            symbols,
        })
    }

    /// What was compiled: functions, Wasm bytes in, machine bytes out.
    pub fn stats(&self) -> CodeStats {
        self.stats
    }

    /// The units compiled, in the order given.
    pub fn units(&self) -> impl Iterator<Item = Unit> + '_ {
        self.units.iter().map(|u| u.unit)
    }

    /// What the `k`th unit takes over, if it is an OSR entry.
    pub fn osr_frame(&self, k: usize) -> Option<OsrFrame> {
        let u = &self.units[k];
        Some(OsrFrame {
            loop_index: u.unit.osr_loop?,
            values: u.params as u32,
        })
    }

    /// The entry points of the `k`th unit compiled.
    pub fn entry_points(&self, k: usize) -> EntryPoints {
        let f = &self.units[k];
        EntryPoints {
            // SAFETY: a code address and a function pointer have the same
            // size, and the stub at this address follows the `ArrayCallFn`
            // ABI: it puts its trampoline in the fourth argument register
            // and jumps to `trampolines::enter`, an `extern "C"` function
            // whose first three parameters are `ArrayCallFn`'s. The stub
            // lives in `self.code`, mapped executable for as long as `self`.
            array_call: unsafe {
                std::mem::transmute::<*const u8, tandem_vm::ArrayCallFn>(self.code.addr(f.array))
            },
            native_call: self.code.addr(f.native).cast(),
        }
    }

    /// The machine code of the `k`th unit compiled.
    pub fn code_of(&self, k: usize) -> &[u8] {
        let f = &self.units[k];
        // SAFETY: the unit's `len` bytes from its native entry lie inside
        // the mapped region, which lives as long as `self` and is never
        // written once mapped executable.
        unsafe { std::slice::from_raw_parts(self.code.addr(f.native), f.len) }
    }

    /// The `k`th unit's code as assembly text (iced's Intel syntax),
    /// one line per instruction with its offset; the runtime functions it
    /// calls by address appear by name, and its constants follow as
    /// `v128` lines.
    pub fn disassemble(&self, k: usize) -> String {
        use iced_x86::{Decoder, DecoderOptions, Formatter, IntelFormatter};
        let (code, f) = (self.code_of(k), &self.units[k]);
        let mut decoder = Decoder::with_ip(64, &code[..f.code_end], 0, DecoderOptions::NONE);
        let names = Symbols(self.symbols.clone());
        let mut formatter = IntelFormatter::with_options(Some(Box::new(names)), None);
        let options = formatter.options_mut();
        options.set_first_operand_char_index(8);
        options.set_show_branch_size(false);
        options.set_branch_leading_zeros(false);
        let mut out = String::new();
        let mut text = String::new();
        for instr in &mut decoder {
            text.clear();
            formatter.format(&instr, &mut text);
            out.push_str(&format!("  {:6x}  {text}\n", instr.ip()));
        }
        for (i, c) in code[f.pool_start..].chunks_exact(16).enumerate() {
            let bits = u128::from_le_bytes(c.try_into().expect("16 bytes"));
            let at = f.pool_start + 16 * i;
            out.push_str(&format!("  {at:6x}  v128    {bits:#034x}\n"));
        }
        out
    }
}

/// Names 64-bit immediates that are the addresses of runtime functions.
struct Symbols(HashMap<u64, &'static str>);

impl iced_x86::SymbolResolver for Symbols {
    fn symbol(
        &mut self,
        _: &iced_x86::Instruction,
        _: u32,
        _: Option<u32>,
        address: u64,
        size: u32,
    ) -> Option<iced_x86::SymbolResult<'_>> {
        let name = self.0.get(&address).filter(|_| size == 8)?;
        Some(iced_x86::SymbolResult::with_str(address, name))
    }
}

/// A module's compiled code for the JIT tier: every local function,
/// compiled when the module is.
pub struct JitModule {
    env: Arc<ModuleEnv>,
    code: JitCode,
}

impl JitModule {
    fn compile(env: Arc<ModuleEnv>) -> Result<JitModule, TierError> {
        let _span = tracing::debug_span!("jit_compile_module").entered();
        let first = env.num_imported_funcs;
        let units: Vec<Unit> = (first..first + env.bodies.len() as u32)
            .map(Unit::func)
            .collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let code = JitCode::compile(&env, &units, threads)?;
        Ok(JitModule { env, code })
    }

    fn local(&self, func_index: u32) -> usize {
        (func_index - self.env.num_imported_funcs) as usize
    }
}

/// Compiles one unit to machine code at offset 0; returns it with its
/// entry's signature.
fn compile_unit(env: &ModuleEnv, unit: Unit) -> Result<(Assembled, Signature), TierError> {
    let func_index = unit.func_index;
    let built = match unit.osr_loop {
        None => build::build(env, func_index),
        Some(l) => build::build_osr(env, func_index, l),
    };
    let mut f = built.map_err(|e| TierError(format!("{}: {e}", describe(env, func_index))))?;
    passes::optimize(&mut f);
    let entry = f.block(ir::Block(0));
    let params = entry.params.iter().map(|&p| f.ty(p)).collect();
    let sig = (params, f.results.clone());
    Ok((x64::compile(&f, env), sig))
}

/// Compiles `units` on up to `threads` threads (units are independent
/// until they are laid out together); the first error in `units` order
/// wins.
fn compile_units(
    env: &ModuleEnv,
    units: &[Unit],
    threads: usize,
) -> Result<Vec<(Assembled, Signature)>, TierError> {
    let count = units.len();
    let threads = threads.min(count.div_ceil(16)).max(1);
    // Largest first, so that no big function is left for one thread at the end.
    let mut by_size: Vec<usize> = (0..count).collect();
    by_size.sort_by_key(|&k| std::cmp::Reverse(body_len(env, units[k].func_index)));
    let next = std::sync::atomic::AtomicUsize::new(0);
    type Compiled = Result<(Assembled, Signature), TierError>;
    let results: Mutex<Vec<Option<Compiled>>> = Mutex::new((0..count).map(|_| None).collect());
    let work = || loop {
        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if k >= count {
            break;
        }
        let k = by_size[k];
        let r = compile_unit(env, units[k]);
        results.lock()[k] = Some(r);
    };
    if threads <= 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(work);
            }
        });
    }
    results
        .into_inner()
        .into_iter()
        .map(|r| r.expect("every unit was compiled"))
        .collect()
}

fn align(code: &mut Vec<u8>) {
    while !code.len().is_multiple_of(16) {
        code.push(0xcc);
    }
}

/// An address as high as mapped code gets: trampolines assembled with it are
/// as long as with any real one.
const FAR: u64 = 0x7fff_ffff_f000;

/// The size of an array-call stub: two `mov r64, imm64` and a `jmp`.
fn stub_size() -> usize {
    let mut m = Masm::new();
    trampolines::array_entry_stub(&mut m, FAR);
    m.finish().code.len()
}

impl TierModule for JitModule {
    fn entry_points(&self, func_index: u32) -> EntryPoints {
        self.code.entry_points(self.local(func_index))
    }

    fn tier_state(&self) -> *const () {
        std::ptr::null()
    }

    fn compile_all(&self) -> Result<(), TierError> {
        Ok(())
    }

    fn stats(&self) -> CodeStats {
        self.code.stats()
    }

    fn disassemble(&self, func_index: u32) -> Option<String> {
        Some(self.code.disassemble(self.local(func_index)))
    }
}
