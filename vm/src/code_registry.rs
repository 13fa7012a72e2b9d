//! Where compiled code lives, and what each address in it means.
//!
//! A tier that makes machine code registers each region it maps with the
//! functions in it and its trap table (the offsets of every instruction
//! that may fault or that traps on purpose, with the trap it stands for).
//! The fault handler recognises a fault in compiled code by its program
//! counter here, and the unwinder names compiled frames by their return
//! addresses. Regions unregister when their code is freed.

use crate::TrapCode;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

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
    /// (adapters) is not a Wasm frame.
    pub funcs: Vec<FuncRange>,
    /// `(offset, trap)` for each instruction that may trap, sorted.
    pub traps: Vec<(u32, TrapCode)>,
}

impl CodeRegion {
    fn func_at(&self, offset: u32) -> Option<u32> {
        let i = self.funcs.partition_point(|f| f.start <= offset);
        let f = self.funcs.get(i.checked_sub(1)?)?;
        (offset < f.end).then_some(f.func_index)
    }

    fn trap_at(&self, offset: u32) -> Option<TrapCode> {
        let i = self.traps.binary_search_by_key(&offset, |t| t.0).ok()?;
        Some(self.traps[i].1)
    }
}

/// Regions by their end address, so the region holding `pc` is the first
/// whose end lies above it.
static REGIONS: RwLock<BTreeMap<usize, Arc<CodeRegion>>> = RwLock::new(BTreeMap::new());

fn with_region<R>(pc: usize, f: impl FnOnce(&CodeRegion, u32) -> Option<R>) -> Option<R> {
    let regions = REGIONS.read().unwrap_or_else(|e| e.into_inner());
    let (_, region) = regions.range(pc + 1..).next()?;
    if pc < region.start {
        return None;
    }
    f(region, (pc - region.start) as u32)
}

/// Makes a region's addresses known to the fault handler and unwinder.
pub fn register(region: Arc<CodeRegion>) {
    let mut regions = REGIONS.write().unwrap_or_else(|e| e.into_inner());
    regions.insert(region.start + region.len, region);
}

/// Forgets the region that starts at `start` (its code is being freed).
pub fn unregister(start: usize, len: usize) {
    let mut regions = REGIONS.write().unwrap_or_else(|e| e.into_inner());
    regions.remove(&(start + len));
}

/// The trap that the instruction at `pc` stands for, if it is a trap site
/// of compiled code.
///
/// Called from the fault handler: it takes a read lock, which cannot
/// deadlock there, because the faulting thread is running compiled code,
/// which never holds the lock (a writer on another thread finishes first).
pub fn trap_at(pc: usize) -> Option<TrapCode> {
    with_region(pc, |r, off| r.trap_at(off))
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
        }));
        assert_eq!(func_at(start + 0x8), None, "adapter code is no Wasm frame");
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
}
