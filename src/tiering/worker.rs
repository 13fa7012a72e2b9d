//! A compile thread: takes plans from the queue, compiles them in batches
//! (one module's plans together, in the order they got hot), and installs
//! the code. A failure or a panic while compiling leaves the functions
//! interpreted and is reported through `tracing`; it never stops execution.

use super::Plan;
use crossbeam_channel::Receiver;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use tandem_jit::JitCode;

/// What the queue carries.
pub(crate) enum Msg {
    Plan(Plan),
    /// The engine is going away: exit without compiling more.
    Stop,
}

/// Most functions compiled into one image (one mapping, one install).
const BATCH: usize = 16;

pub(crate) fn run(rx: &Receiver<Msg>) {
    // Plans taken from the queue, oldest (so hottest) first.
    let mut pending: Vec<Plan> = Vec::new();
    loop {
        if pending.is_empty() {
            match rx.recv() {
                Ok(Msg::Plan(p)) => pending.push(p),
                Ok(Msg::Stop) | Err(_) => return,
            }
        }
        while let Ok(msg) = rx.try_recv() {
            match msg {
                Msg::Plan(p) => pending.push(p),
                Msg::Stop => return,
            }
        }
        // The oldest plan, and more of its module's.
        let module = pending[0].module.clone();
        let mut batch = Vec::new();
        pending.retain(|p| {
            if batch.len() < BATCH && Arc::ptr_eq(&p.module, &module) {
                batch.push(p.func_index);
                false
            } else {
                true
            }
        });
        compile(&module, &batch);
    }
}

/// Compiles `funcs` of `module` and installs them; if the batch fails, each
/// function on its own, so one that cannot be compiled keeps no other from
/// being installed.
fn compile(module: &super::TieredModule, funcs: &[u32]) {
    let start = std::time::Instant::now();
    match try_compile(module, funcs) {
        Ok(code) => {
            let stats = code.stats();
            module.install(code);
            tracing::debug!(
                funcs = ?funcs,
                wasm_bytes = stats.wasm_bytes,
                machine_bytes = stats.code_bytes,
                micros = start.elapsed().as_micros() as u64,
                "jit compile"
            );
        }
        Err(_) if funcs.len() > 1 => {
            for &f in funcs {
                compile(module, &[f]);
            }
        }
        Err(reason) => {
            tracing::info!(func = funcs[0], %reason, "stays interpreted");
            module.failed(funcs[0]);
        }
    }
}

fn try_compile(module: &super::TieredModule, funcs: &[u32]) -> Result<JitCode, String> {
    let _span = tracing::debug_span!("jit_compile", funcs = ?funcs).entered();
    match catch_unwind(AssertUnwindSafe(|| {
        JitCode::compile(module.env(), funcs, 1)
    })) {
        Ok(Ok(code)) => Ok(code),
        Ok(Err(e)) => Err(e.0),
        Err(_) => {
            tracing::error!(funcs = ?funcs, "the JIT panicked compiling");
            Err("the JIT panicked".into())
        }
    }
}
