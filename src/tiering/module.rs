//! A module in the tiered tier: the interpreter's translations, the code
//! compiled for it so far, and the instances whose callees a new
//! compilation swaps.

use super::worker::Msg;
use super::Plan;
use crossbeam_channel::Sender;
use parking_lot::Mutex;
use std::collections::HashSet;
use std::sync::atomic::{AtomicPtr, AtomicU8, Ordering};
use std::sync::{Arc, Weak};
use tandem_interp::{ModuleCode, TierUp};
use tandem_jit::{Jit, JitCode, Unit};
use tandem_vm::{
    CodeStats, EntryPoints, ModuleEnv, SerializedCode, Tier, TierError, TierModule, VMFunc,
};

/// Where a function stands.
const INTERPRETED: u8 = 0;
const QUEUED: u8 = 1;
const COMPILED: u8 = 2;
/// The JIT cannot compile it (v128, for now): it stays interpreted.
const FAILED: u8 = 3;

pub(crate) struct TieredModule {
    env: Arc<ModuleEnv>,
    interp: ModuleCode,
    jit: Arc<Jit>,
    /// This module, for the plans it queues.
    me: Weak<TieredModule>,
    /// Where plans go; `None` where the asking thread compiles them.
    queue: Option<Sender<Msg>>,
    /// The OSR entries asked for, as (function, loop).
    osr_asked: Mutex<HashSet<(u32, u32)>>,
    /// Per local function, one of the states above.
    state: Box<[AtomicU8]>,
    installed: Arc<Mutex<Installed>>,
    /// Per type index, the JIT's trampoline from the native calling
    /// convention to the interpreter's array-call entry, once asked for:
    /// found once per type, not per function of every instance.
    native_calls: Box<[AtomicPtr<()>]>,
}

/// What installs touch, under one lock: a new instance and a new
/// compilation never miss each other.
struct Installed {
    /// Compiled code, kept as long as the module (instances, tables and
    /// entries may reach it until then).
    code: Vec<JitCode>,
    /// Per local function, its compiled entry points once installed.
    entries: Vec<Option<EntryPoints>>,
    /// The local functions installed, in order: what a new instance needs.
    installed_funcs: Vec<u32>,
    /// Live instances: an id and the first of their local functions' records.
    instances: Vec<(u64, *const VMFunc)>,
    next_id: u64,
    /// How many of `code` came saved by an earlier run.
    saved: usize,
}

// SAFETY: the `VMFunc` pointers are only dereferenced under the lock, to
// install entry points (atomic stores), and an instance's are removed (by
// its `Attached` guard, under the lock) before its functions are freed.
unsafe impl Send for Installed {}

impl TieredModule {
    pub(crate) fn new(
        env: Arc<ModuleEnv>,
        jit: Arc<Jit>,
        threshold: u32,
        queue: Option<Sender<Msg>>,
    ) -> Arc<TieredModule> {
        let n = env.bodies.len();
        Arc::new_cyclic(|me: &Weak<TieredModule>| {
            let hot = me.clone();
            let request = move |func_index: u32, l: Option<u32>| {
                if let Some(module) = hot.upgrade() {
                    module.request(func_index, threshold, l);
                }
            };
            TieredModule {
                me: me.clone(),
                queue,
                osr_asked: Mutex::new(HashSet::new()),
                interp: ModuleCode::with_tier_up(
                    env.clone(),
                    TierUp {
                        threshold,
                        request: Box::new(request),
                    },
                ),
                native_calls: (env.types.iter())
                    .map(|_| AtomicPtr::new(std::ptr::null_mut()))
                    .collect(),
                env,
                jit,
                state: (0..n).map(|_| AtomicU8::new(INTERPRETED)).collect(),
                installed: Arc::new(Mutex::new(Installed {
                    code: Vec::new(),
                    entries: vec![None; n],
                    installed_funcs: Vec::new(),
                    instances: Vec::new(),
                    next_id: 0,
                    saved: 0,
                })),
            }
        })
    }

    pub(crate) fn env(&self) -> &ModuleEnv {
        &self.env
    }

    fn local(&self, func_index: u32) -> usize {
        (func_index - self.env.num_imported_funcs) as usize
    }

    /// Queues `func_index`, once: it got hot after `count` calls and loop
    /// iterations, or the embedder asked (`count` 0); and the OSR entry
    /// into loop `l` if a running frame is there, once.
    fn request(&self, func_index: u32, count: u32, l: Option<u32>) {
        let state = &self.state[self.local(func_index)];
        let Some(module) = self.me.upgrade() else {
            return;
        };
        if state
            .compare_exchange(INTERPRETED, QUEUED, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            tracing::debug!(func = func_index, count, "tier-up request");
            if !self.send(&module, Unit::func(func_index)) {
                state.store(INTERPRETED, Ordering::Relaxed);
            }
        }
        let Some(l) = l else {
            return;
        };
        if state.load(Ordering::Relaxed) == FAILED || !self.osr_asked.lock().insert((func_index, l))
        {
            return;
        }
        tracing::debug!(func = func_index, r#loop = l, count, "osr request");
        if !self.send(&module, Unit::osr(func_index, l)) {
            self.osr_asked.lock().remove(&(func_index, l));
        }
    }

    /// The OSR plan `unit` was dropped unbuilt: its frame may ask again.
    pub(super) fn osr_dropped(&self, unit: Unit) {
        if let Some(l) = unit.osr_loop {
            self.osr_asked.lock().remove(&(unit.func_index, l));
        }
    }

    /// Queues `unit`, or compiles it now if this thread is to; false if the
    /// compile threads are gone (the engine is being dropped).
    fn send(&self, module: &Arc<TieredModule>, unit: Unit) -> bool {
        let Some(queue) = &self.queue else {
            super::worker::compile(module, &[unit], 1);
            return true;
        };
        let plan = Plan {
            module: module.clone(),
            unit,
        };
        queue.send(Msg::Plan(plan)).is_ok()
    }

    /// Makes the functions of `code` the ones every instance, present and
    /// future, calls.
    pub(crate) fn install(&self, code: JitCode) {
        self.install_units(code, true);
    }

    /// As [`install`](Self::install); OSR entries only `with_osr`.
    fn install_units(&self, code: JitCode, with_osr: bool) {
        let mut installed = self.installed.lock();
        for (k, unit) in code.units().enumerate() {
            let func_index = unit.func_index;
            let entry = code.entry_points(k);
            if let Some(frame) = code.osr_frame(k) {
                if !with_osr {
                    continue;
                }
                let l = frame.loop_index;
                // SAFETY: the entry is the unit's array-call entry, which
                // takes `frame`'s values, kept with the module's code
                // below.
                let installed = unsafe {
                    self.interp
                        .install_osr(func_index, entry.array_call as *const (), frame)
                };
                match installed {
                    true => tracing::debug!(func = func_index, r#loop = l, "install osr entry"),
                    false => tracing::error!(
                        func = func_index,
                        r#loop = l,
                        values = frame.values,
                        "an OSR entry does not take the frame's values"
                    ),
                }
                continue;
            }
            let local = self.local(func_index);
            if installed.entries[local].replace(entry).is_none() {
                installed.installed_funcs.push(local as u32);
            }
            for &(_, funcs) in &installed.instances {
                // SAFETY: attached instances' functions are live (see
                // `Installed`), one record per local function.
                unsafe { (*funcs.add(local)).install(entry) };
            }
            self.state[local].store(COMPILED, Ordering::Relaxed);
            // Frames still running it in a loop may move to the new code.
            self.interp.look_for_osr_entries(func_index);
            tracing::debug!(func = func_index, "install");
        }
        installed.code.push(code);
    }

    /// Installs code an earlier run compiled, before any instance exists:
    /// its functions, not its OSR entries, which only a frame that started
    /// in the interpreter before its function was compiled would take.
    ///
    /// The functions that got hot in that run too late to be compiled are
    /// compiled now, on every core, before the module is handed out: a
    /// second run starts with all its hot functions compiled. Queued
    /// instead, they would be called before their compile ends, and a
    /// long-running one (a compressor's main loop, an interpreter's
    /// dispatch) would stay in the interpreter for the whole call, asking
    /// for an OSR entry into each of its loops in turn.
    pub(crate) fn install_saved(&self, codes: Vec<JitCode>, hot: &[u32]) {
        let n = codes.len();
        for code in codes {
            self.install_units(code, false);
        }
        self.installed.lock().saved = n;
        let units: Vec<Unit> = (hot.iter())
            .filter(|&&f| {
                let state = &self.state[self.local(f)];
                (state.compare_exchange(INTERPRETED, QUEUED, Ordering::Relaxed, Ordering::Relaxed))
                    .is_ok()
            })
            .map(|&f| Unit::func(f))
            .collect();
        if !units.is_empty() {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            super::worker::compile(self, &units, threads);
        }
    }

    /// The JIT cannot compile `unit`: its function stays interpreted, or
    /// frames running its loop do (its entry is never asked for again).
    pub(crate) fn failed(&self, unit: Unit) {
        if unit.osr_loop.is_none() {
            self.state[self.local(unit.func_index)].store(FAILED, Ordering::Relaxed);
            self.interp.stop_counting(unit.func_index);
        }
    }

    /// How hot queued function `func_index` has been since it asked.
    pub(crate) fn heat(&self, func_index: u32) -> u32 {
        self.interp.heat(func_index)
    }
}

/// Keeps an instance's functions in its module's list until dropped.
struct Attached {
    installed: Arc<Mutex<Installed>>,
    id: u64,
}

impl Drop for Attached {
    fn drop(&mut self) {
        self.installed
            .lock()
            .instances
            .retain(|(id, _)| *id != self.id);
    }
}

impl TierModule for TieredModule {
    /// The interpreter's entry points: code compiled already is installed
    /// by [`attach`](TierModule::attach), under the lock installs take.
    fn entry_points(&self, func_index: u32) -> EntryPoints {
        let ty_index = self.env.funcs[func_index as usize] as usize;
        let cached = &self.native_calls[ty_index];
        let mut native_call = cached.load(Ordering::Acquire).cast_const();
        if native_call.is_null() {
            // Compiled callers reach the interpreter through the JIT's
            // trampoline to the array-call entry (the same for every
            // function of the type, so a race only finds it twice).
            native_call = self.jit.host_native_call(&self.env.types[ty_index]);
            cached.store(native_call.cast_mut(), Ordering::Release);
        }
        EntryPoints {
            array_call: tandem_interp::entry,
            native_call,
        }
    }

    fn tier_state(&self) -> *const () {
        self.interp.tier_state()
    }

    fn request_all(&self) {
        let first = self.env.num_imported_funcs;
        for func_index in first..first + self.state.len() as u32 {
            self.request(func_index, 0, None);
        }
    }

    fn compile_all(&self) -> Result<(), TierError> {
        self.interp.compile_all()
    }

    fn stats(&self) -> CodeStats {
        self.interp.stats()
    }

    fn disassemble(&self, func_index: u32) -> Option<String> {
        let installed = self.installed.lock();
        installed.code.iter().find_map(|code| {
            let k = code.units().position(|u| u == Unit::func(func_index))?;
            Some(code.disassemble(k))
        })
    }

    /// Everything installed (what was saved, and what this run compiled),
    /// and as hot the functions queued or compiling: it waits for no
    /// compile, so that a run that saves its code ends as soon as one that
    /// does not.
    fn serialize(&self) -> Option<SerializedCode> {
        let installed = self.installed.lock();
        let first = self.env.num_imported_funcs;
        let hot: Vec<u32> = (self.state.iter().enumerate())
            .filter(|(_, s)| s.load(Ordering::Relaxed) == QUEUED)
            .map(|(local, _)| first + local as u32)
            .collect();
        Some(SerializedCode {
            fresh: installed.code.len() > installed.saved || !hot.is_empty(),
            bytes: JitCode::serialize_all(&installed.code, &hot),
        })
    }

    fn attach(&self, funcs: &[VMFunc]) -> Option<Box<dyn Send + Sync>> {
        let mut installed = self.installed.lock();
        // Code installed between the module's first instance and now.
        for &local in &installed.installed_funcs {
            if let Some(entry) = installed.entries[local as usize] {
                funcs[local as usize].install(entry);
            }
        }
        let id = installed.next_id;
        installed.next_id += 1;
        installed.instances.push((id, funcs.as_ptr()));
        Some(Box::new(Attached {
            installed: self.installed.clone(),
            id,
        }))
    }
}
