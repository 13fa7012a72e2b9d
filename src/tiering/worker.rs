//! A compile thread: takes plans from the queue, compiles them in batches
//! (the hottest waiting function first, with more of its module's, hottest
//! first), and installs the code. A failure or a panic while compiling
//! leaves the functions interpreted and is reported through `tracing`; it
//! never stops execution.
//!
//! The compile threads share one list of the plans taken from the channel,
//! so "hottest first" holds across them and none keeps plans another could
//! compile: a thread that leaves plans in the list after taking its batch
//! wakes another.

use super::Plan;
use crossbeam_channel::{Receiver, Sender};
use parking_lot::Mutex;
use std::cmp::Reverse;
use std::collections::HashMap;
use std::hash::Hash;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use tandem_jit::{JitCode, Unit};

/// What the queue carries.
pub(crate) enum Msg {
    Plan(Plan),
    /// Plans wait in the shared list.
    Wake,
    /// The engine is going away: exit without compiling more.
    Stop,
}

/// Most functions compiled into one image (one mapping, one install).
const BATCH: usize = 16;

/// A compile thread's loop, until `Stop` (or the channel closes). `pending`
/// is the list the compile threads share; `wake`, the channel's sending
/// end where there are other threads to wake.
pub(crate) fn run(rx: &Receiver<Msg>, wake: Option<&Sender<Msg>>, pending: &Mutex<Vec<Plan>>) {
    loop {
        let batch = {
            let mut pending = pending.lock();
            while let Ok(msg) = rx.try_recv() {
                match msg {
                    Msg::Plan(p) => pending.push(p),
                    Msg::Wake => {}
                    Msg::Stop => return,
                }
            }
            for p in drop_replaced_osr(&mut pending, |p| {
                let l = p.unit.osr_loop?;
                Some((Arc::as_ptr(&p.module), p.unit.func_index, l))
            }) {
                p.module.osr_dropped(p.unit);
            }
            if pending.is_empty() {
                None
            } else {
                let batch = next_batch(
                    &mut pending,
                    |p| Arc::as_ptr(&p.module),
                    |p| p.module.heat(p.unit.func_index),
                );
                if let (false, Some(wake)) = (pending.is_empty(), wake) {
                    let _ = wake.send(Msg::Wake);
                }
                Some(batch)
            }
        };
        match batch {
            Some(batch) => {
                let units: Vec<Unit> = batch.iter().map(|p| p.unit).collect();
                compile(&batch[0].module, &units, 1);
            }
            None => match rx.recv() {
                Ok(Msg::Plan(p)) => pending.lock().push(p),
                Ok(Msg::Wake) => {}
                Ok(Msg::Stop) | Err(_) => return,
            },
        }
    }
}

/// Takes the next batch out of `pending` (not empty): the hottest plan and
/// up to `BATCH - 1` more of the same module, hottest first; among equally
/// hot plans the older goes first. Functions keep getting hotter while they
/// wait (see `tandem_interp::TierUp`), so the order is decided afresh for
/// every batch, in time linear in the plans waiting.
fn next_batch<P, M: PartialEq>(
    pending: &mut Vec<P>,
    module: impl Fn(&P) -> M,
    heat: impl Fn(&P) -> u32,
) -> Vec<P> {
    let heats: Vec<u32> = pending.iter().map(heat).collect();
    let rank = |&i: &usize| (Reverse(heats[i]), i);
    let hottest = (0..pending.len()).min_by_key(rank).expect("a plan");
    let first = module(&pending[hottest]);
    let mut picked: Vec<usize> = (0..pending.len())
        .filter(|&i| module(&pending[i]) == first)
        .collect();
    if picked.len() > BATCH {
        picked.select_nth_unstable_by_key(BATCH - 1, rank);
        picked.truncate(BATCH);
    }
    picked.sort_unstable_by_key(rank);
    let mut slots: Vec<Option<P>> = pending.drain(..).map(Some).collect();
    let batch = picked.iter().filter_map(|&i| slots[i].take()).collect();
    pending.extend(slots.into_iter().flatten());
    batch
}

/// Takes out of `pending` every OSR plan that a newer plan (later in the
/// list) for another loop of the same function replaces, and returns them.
/// A frame asks for the loop it is running, so once it has asked for a
/// later one the older entry would come too late; and each OSR entry is a
/// compile of the whole function, so a function with thousands of loops
/// that each run a while must not queue thousands of them. `osr` gives a
/// plan's module, function and loop, if it is an OSR plan.
fn drop_replaced_osr<P, M: Eq + Hash>(
    pending: &mut Vec<P>,
    osr: impl Fn(&P) -> Option<(M, u32, u32)>,
) -> Vec<P> {
    let mut newest: HashMap<(M, u32), u32> = HashMap::new();
    let keep: Vec<bool> = (pending.iter().rev())
        .map(|p| match osr(p) {
            Some((m, f, l)) => *newest.entry((m, f)).or_insert(l) == l,
            None => true,
        })
        .collect();
    let mut dropped = Vec::new();
    let mut kept = Vec::with_capacity(pending.len());
    for (p, keep) in pending.drain(..).zip(keep.into_iter().rev()) {
        match keep {
            true => kept.push(p),
            false => dropped.push(p),
        }
    }
    *pending = kept;
    dropped
}

/// Compiles `units` of `module` on `threads` threads and installs them; if
/// the batch fails, each unit on its own, so one that cannot be compiled
/// keeps no other from being installed.
pub(super) fn compile(module: &super::TieredModule, units: &[Unit], threads: usize) {
    let start = std::time::Instant::now();
    match try_compile(module, units, threads) {
        Ok(code) => {
            let stats = code.stats();
            module.install(code);
            tracing::debug!(
                funcs = %list(units),
                wasm_bytes = stats.wasm_bytes,
                machine_bytes = stats.code_bytes,
                micros = start.elapsed().as_micros() as u64,
                "jit compile"
            );
        }
        Err(_) if units.len() > 1 => {
            for &u in units {
                compile(module, &[u], 1);
            }
        }
        Err(reason) => {
            tracing::info!(func = %units[0], %reason, "stays interpreted");
            module.failed(units[0]);
        }
    }
}

fn try_compile(
    module: &super::TieredModule,
    units: &[Unit],
    threads: usize,
) -> Result<JitCode, String> {
    let _span = tracing::debug_span!("jit_compile", funcs = %list(units)).entered();
    match catch_unwind(AssertUnwindSafe(|| {
        JitCode::compile(module.env(), units, threads)
    })) {
        Ok(Ok(code)) => Ok(code),
        Ok(Err(e)) => Err(e.0),
        Err(_) => {
            tracing::error!(funcs = %list(units), "the JIT panicked compiling");
            Err("the JIT panicked".into())
        }
    }
}

/// `[3, 7@loop0]`: units as the trace shows them.
fn list(units: &[Unit]) -> String {
    let names: Vec<String> = units.iter().map(Unit::to_string).collect();
    format!("[{}]", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::{drop_replaced_osr, next_batch, BATCH};

    /// Plans as `(module, function, heat)`.
    fn take(pending: &mut Vec<(u8, u32, u32)>) -> Vec<u32> {
        next_batch(pending, |p| p.0, |p| p.2)
            .iter()
            .map(|p| p.1)
            .collect()
    }

    #[test]
    fn the_hottest_plan_goes_first_with_its_module_hottest_first() {
        let mut pending = vec![(0, 1, 5), (1, 2, 90), (0, 3, 40), (1, 4, 7), (1, 5, 7)];
        assert_eq!(take(&mut pending), [2, 4, 5]);
        assert_eq!(take(&mut pending), [3, 1]);
        assert!(pending.is_empty());
    }

    #[test]
    fn equally_hot_plans_go_in_the_order_they_came() {
        let mut pending: Vec<_> = (0..3).map(|f| (0, f, 0)).collect();
        assert_eq!(take(&mut pending), [0, 1, 2]);
    }

    #[test]
    fn a_batch_holds_at_most_batch_plans() {
        let mut pending: Vec<_> = (0..BATCH as u32 + 3).map(|f| (0, f, f)).collect();
        let batch = take(&mut pending);
        assert_eq!(batch.len(), BATCH);
        assert_eq!(batch[0], BATCH as u32 + 2);
        assert_eq!(pending.len(), 3);
    }

    #[test]
    fn a_newer_osr_plan_replaces_older_ones_for_the_same_function() {
        // Plans as `(module, function, loop)`; `None` for a function.
        let mut pending = vec![
            (0, 1, Some(0)),
            (0, 1, None),
            (0, 2, Some(0)),
            (0, 1, Some(3)),
            (1, 1, Some(5)),
            (0, 1, Some(3)),
        ];
        let dropped = drop_replaced_osr(&mut pending, |&(m, f, l)| Some((m, f, l?)));
        assert_eq!(dropped, [(0, 1, Some(0))]);
        assert_eq!(
            pending,
            [
                (0, 1, None),
                (0, 2, Some(0)),
                (0, 1, Some(3)),
                (1, 1, Some(5)),
                (0, 1, Some(3))
            ]
        );
    }
}
