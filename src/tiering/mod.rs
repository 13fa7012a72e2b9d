//! The tiering engine (`Tier::Tiered`): every function starts in the
//! interpreter at once; one that gets hot is compiled by the JIT on a
//! background thread and installed by swapping its callee's entry points,
//! so no caller ever waits for the compiler.
//!
//! In JavaScriptCore's words: the interpreter counts calls and loop
//! iterations per function and, past the threshold, asks for a [`Plan`]
//! (deduplicated here; it asks again now and then while it waits, which
//! is how its heat grows); compile threads take plans from a queue
//! (crossbeam-channel), hottest first, compile them in batches per module,
//! and install the new callees in every instance of the module
//! ([`TieredModule`]). Frames already running in the interpreter finish
//! there, unless one is in a loop: at the loop's next iteration it asks
//! for an OSR entry into that loop (one is compiled with the function when
//! a loop made it hot) and, once it is installed, moves there with its
//! values, and the compiled code finishes the call. The next call, from any
//! tier, the host or a table, runs the compiled code.

mod module;
mod worker;

use crossbeam_channel::Sender;
use module::TieredModule;
use std::sync::Arc;
use std::thread::JoinHandle;
use tandem_jit::{Jit, JitCode, Unit};
use tandem_vm::{ModuleEnv, Tier, TierError, TierModule};
use wasmparser::FuncType;
use worker::Msg;

/// A request to compile one function of a module, or an OSR entry into it.
pub(crate) struct Plan {
    module: Arc<TieredModule>,
    unit: Unit,
}

/// The tiered tier: the interpreter, the JIT, and the compile threads.
pub(crate) struct Tiered {
    jit: Arc<Jit>,
    threshold: u32,
    /// Whether the asking thread compiles (see `Config::tier_up_in_caller`).
    in_caller: bool,
    queue: Sender<Msg>,
    workers: Vec<JoinHandle<()>>,
}

impl Tiered {
    /// Starts `threads` compile threads (at least one; none if `in_caller`,
    /// where the thread that asks compiles); functions ask to be compiled
    /// after `threshold` calls and loop iterations.
    pub(crate) fn new(
        jit: Jit,
        threshold: u32,
        threads: usize,
        in_caller: bool,
    ) -> Result<Tiered, TierError> {
        let jit = Arc::new(jit);
        let (queue, rx) = crossbeam_channel::unbounded();
        let threads = if in_caller { 0 } else { threads.max(1) };
        let pending = Arc::new(parking_lot::Mutex::new(Vec::new()));
        let workers = (0..threads)
            .map(|i| {
                let (rx, pending) = (rx.clone(), pending.clone());
                let wake = (threads > 1).then(|| queue.clone());
                std::thread::Builder::new()
                    .name(format!("tandem-compile-{i}"))
                    .spawn(move || worker::run(&rx, wake.as_ref(), &pending))
                    .map_err(|e| TierError(format!("cannot start a compile thread: {e}")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Tiered {
            jit,
            threshold: threshold.max(1),
            in_caller,
            queue,
            workers,
        })
    }
}

impl Drop for Tiered {
    /// Stops the compile threads: each finishes the batch it is compiling
    /// (if any), installs nothing more, and exits; plans still queued are
    /// dropped.
    fn drop(&mut self) {
        for _ in &self.workers {
            let _ = self.queue.send(Msg::Stop);
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

impl Tier for Tiered {
    fn name(&self) -> &'static str {
        "tiered"
    }

    /// Code saved by an earlier run is installed at once: those functions
    /// start compiled, the others in the interpreter; those that run had
    /// asked for but not got are asked for now.
    fn prepare(
        &self,
        env: Arc<ModuleEnv>,
        saved: Option<&[u8]>,
    ) -> Result<Arc<dyn TierModule>, TierError> {
        let (saved, hot) = match saved {
            Some(bytes) => JitCode::deserialize_all(&env, bytes)?,
            None => Default::default(),
        };
        let module = TieredModule::new(
            env,
            self.jit.clone(),
            self.threshold,
            match self.in_caller {
                true => None,
                false => Some(self.queue.clone()),
            },
        );
        module.install_saved(saved, &hot);
        Ok(module)
    }

    fn host_native_call(&self, ty: &FuncType) -> *const () {
        self.jit.host_native_call(ty)
    }
}
