//! Where compiled code lives, and what each address in it means.
//!
//! A tier that makes machine code registers each region it maps with the
//! functions in it and its trap table (the offsets of every instruction
//! that may fault or that traps on purpose, with the trap it stands for).
//! The fault handler recognises a fault in compiled code by its program
//! counter here, and the unwinder names compiled frames by their return
//! addresses. Regions unregister when their code is freed.
//!
//! Lookups take no lock, so that the fault handler can make them whatever
//! the thread it interrupted was doing. Registration does not wait for
//! Wasm execution to stop: with in-caller tiering, a thread running Wasm
//! compiles and registers code in the middle of it, inside the landing of
//! its interpreted frames, so a fault on that thread during a registration
//! (its stack's guard page, say) reaches the handler, which must not wait
//! for a lock the thread itself holds. Readers therefore load the current
//! snapshot of all regions through an atomic pointer and never block;
//! writers serialise on a mutex, build a new snapshot, publish it, and free
//! a superseded one only once no reader can still be using it.

use crate::TrapCode;
use std::collections::BTreeMap;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// One function's code in a region, as offsets from the region's start.
#[derive(Clone, Copy, Debug)]
pub struct FuncRange {
    pub start: u32,
    pub end: u32,
    /// Index in its module's function index space.
    pub func_index: u32,
}

/// A region of compiled code and what its addresses mean.
#[derive(Debug, Default)]
pub struct CodeRegion {
    /// The region's first byte.
    pub start: usize,
    /// Its length in bytes.
    pub len: usize,
    /// The Wasm functions in it, sorted by start; code between them
    /// (trampolines and stubs) is not a Wasm frame.
    pub funcs: Vec<FuncRange>,
    /// `(offset, trap)` for each instruction that may trap, sorted.
    pub traps: Vec<(u32, TrapCode)>,
    /// The calls a `try_table` covers, by return address, sorted.
    pub landings: Vec<Landing>,
}

/// Where an exception that a covered call lets through goes on: the
/// landing pad of the calling function, entered with `rbp` the caller's
/// frame and `rsp` that frame's body's, `below` bytes under it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Landing {
    /// The call's return address, as an offset in the region.
    pub ret: u32,
    /// The landing pad's offset.
    pub pad: u32,
    pub below: u32,
}

impl CodeRegion {
    fn func_at(&self, offset: u32) -> Option<u32> {
        let i = self.funcs.partition_point(|f| f.start <= offset);
        let f = self.funcs.get(i.checked_sub(1)?)?;
        (offset < f.end).then_some(f.func_index)
    }

    fn landing_at(&self, offset: u32) -> Option<(usize, u32)> {
        let i = self
            .landings
            .binary_search_by_key(&offset, |l| l.ret)
            .ok()?;
        let l = self.landings[i];
        Some((self.start + l.pad as usize, l.below))
    }

    fn trap_at(&self, offset: u32) -> Option<TrapCode> {
        let i = self.traps.binary_search_by_key(&offset, |t| t.0).ok()?;
        Some(self.traps[i].1)
    }
}

/// Regions by their end address, so the region holding `pc` is the first
/// whose end lies above it. Never changed once published.
type Snapshot = BTreeMap<usize, Arc<CodeRegion>>;

/// The current snapshot; null until the first registration.
static CURRENT: AtomicPtr<Snapshot> = AtomicPtr::new(ptr::null_mut());

/// How many lookups are between announcing themselves (before they load
/// [`CURRENT`]) and finishing with the snapshot they loaded.
static READERS: AtomicUsize = AtomicUsize::new(0);

/// Serialises writers, and holds the snapshots they superseded that a
/// reader may still be using.
static WRITER: Mutex<Retired> = Mutex::new(Retired(Vec::new()));

/// Superseded snapshots, from `Box::into_raw`, not yet freed.
struct Retired(Vec<*mut Snapshot>);

// SAFETY: the pointers are owned boxes of `Snapshot`s, which are `Send`
// (`Arc<CodeRegion>` is); only the writer holding `WRITER` touches them.
unsafe impl Send for Retired {}

/// Counts a lookup in [`READERS`] while it lives.
struct Reading;

impl Reading {
    fn start() -> Reading {
        READERS.fetch_add(1, Ordering::SeqCst);
        Reading
    }
}

impl Drop for Reading {
    fn drop(&mut self) {
        READERS.fetch_sub(1, Ordering::Release);
    }
}

fn with_region<R>(pc: usize, f: impl FnOnce(&CodeRegion, u32) -> Option<R>) -> Option<R> {
    let _reading = Reading::start();
    let snapshot = CURRENT.load(Ordering::SeqCst);
    if snapshot.is_null() {
        return None;
    }
    // SAFETY: `snapshot` came from `Box::into_raw` in `update`. A writer
    // frees a snapshot only after replacing it in `CURRENT` and then seeing
    // `READERS` at zero (the store and that load `SeqCst`, like this
    // lookup's increment and load; a lookup's decrement releases to that
    // load). If that zero came before this lookup's increment, so did the
    // replacement, and the load above cannot have returned the snapshot;
    // if after, the count includes this lookup until `_reading` drops. So
    // the snapshot stays allocated while it is used here, and published
    // snapshots are never changed.
    let regions = unsafe { &*snapshot };
    let (_, region) = regions.range(pc + 1..).next()?;
    if pc < region.start {
        return None;
    }
    f(region, (pc - region.start) as u32)
}

/// Publishes a copy of the current snapshot with `change` made to it, and
/// frees the superseded snapshots if no lookup is running (else a later
/// update frees them: lookups run only in the fault handler and while a
/// trap unwinds).
fn update(change: impl FnOnce(&mut Snapshot)) {
    let mut retired = WRITER.lock().unwrap_or_else(|e| e.into_inner());
    let old = CURRENT.load(Ordering::SeqCst);
    let mut next = if old.is_null() {
        Snapshot::new()
    } else {
        // SAFETY: only writers, which hold `WRITER`, replace or free the
        // current snapshot; this one holds it.
        unsafe { (*old).clone() }
    };
    change(&mut next);
    CURRENT.store(Box::into_raw(Box::new(next)), Ordering::SeqCst);
    if !old.is_null() {
        retired.0.push(old);
    }
    // Zero here means every lookup counted before this load has finished
    // (its decrement is acquired here), and every lookup counted after it
    // loads `CURRENT` after the store above: none can be using a retired
    // snapshot.
    if READERS.load(Ordering::SeqCst) == 0 {
        for snapshot in retired.0.drain(..) {
            // SAFETY: `snapshot` came from `Box::into_raw` and is no longer
            // in `CURRENT`, and no lookup that may have loaded it is running
            // (see `with_region`).
            drop(unsafe { Box::from_raw(snapshot) });
        }
    }
}

/// Makes a region's addresses known to the fault handler and unwinder.
pub fn register(region: Arc<CodeRegion>) {
    update(|regions| {
        regions.insert(region.start + region.len, region);
    });
}

/// Forgets the region that starts at `start` (its code is being freed).
pub fn unregister(start: usize, len: usize) {
    update(|regions| {
        regions.remove(&(start + len));
    });
}

/// The trap that the instruction at `pc` stands for, if it is a trap site
/// of compiled code.
///
/// Async-signal-safe, for the fault handler: it takes no lock and does not
/// allocate (it loads and counts with atomics, and searches a snapshot).
pub fn trap_at(pc: usize) -> Option<TrapCode> {
    with_region(pc, |r, off| r.trap_at(off))
}

/// For a return address `ret` in a Wasm function's compiled code, the
/// landing pad (its address, and its frame's depth below `rbp`) of the
/// call before it, if a `try_table` covers it; `None` if `ret` is not in
/// a Wasm function. One lookup, for the unwinder's walk.
pub fn landing_at(ret: usize) -> Option<Option<(usize, u32)>> {
    with_region(ret, |r, off| r.func_at(off).map(|_| r.landing_at(off)))
}

/// The Wasm function whose compiled code contains `pc`.
pub fn func_at(pc: usize) -> Option<u32> {
    with_region(pc, |r, off| r.func_at(off))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_by_address() {
        let start = 0x7000_0000_0000;
        register(Arc::new(CodeRegion {
            start,
            len: 0x100,
            funcs: vec![
                FuncRange {
                    start: 0x10,
                    end: 0x40,
                    func_index: 3,
                },
                FuncRange {
                    start: 0x40,
                    end: 0x80,
                    func_index: 4,
                },
            ],
            traps: vec![
                (0x20, TrapCode::Unreachable),
                (0x44, TrapCode::MemoryOutOfBounds),
            ],
            landings: vec![Landing {
                ret: 0x30,
                pad: 0x3a,
                below: 64,
            }],
        }));
        assert_eq!(landing_at(start + 0x30), Some(Some((start + 0x3a, 64))));
        assert_eq!(landing_at(start + 0x31), Some(None));
        assert_eq!(landing_at(start + 0x8), None);
        assert_eq!(
            func_at(start + 0x8),
            None,
            "trampoline code is no Wasm frame"
        );
        assert_eq!(func_at(start + 0x10), Some(3));
        assert_eq!(func_at(start + 0x40), Some(4));
        assert_eq!(func_at(start + 0x90), None);
        assert_eq!(func_at(start + 0x100), None);
        assert_eq!(trap_at(start + 0x20), Some(TrapCode::Unreachable));
        assert_eq!(trap_at(start + 0x21), None);
        assert_eq!(trap_at(start + 0x44), Some(TrapCode::MemoryOutOfBounds));
        unregister(start, 0x100);
        assert_eq!(func_at(start + 0x10), None);
    }

    #[test]
    fn lookups_while_regions_come_and_go() {
        let region = |start: usize, func_index: u32| {
            Arc::new(CodeRegion {
                start,
                len: 0x100,
                funcs: vec![FuncRange {
                    start: 0,
                    end: 0x100,
                    func_index,
                }],
                traps: Vec::new(),
                landings: Vec::new(),
            })
        };
        let stable = 0x7100_0000_0000;
        register(region(stable, 7));
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    while !done.load(Ordering::Relaxed) {
                        assert_eq!(func_at(stable + 0x10), Some(7));
                    }
                });
            }
            for k in 0..1000 {
                let start = 0x7200_0000_0000 + 0x1000 * (k % 8);
                register(region(start, k as u32));
                assert_eq!(func_at(start + 0x10), Some(k as u32));
                unregister(start, 0x100);
            }
            done.store(true, Ordering::Relaxed);
        });
        unregister(stable, 0x100);
    }
}
