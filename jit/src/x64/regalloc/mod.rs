//! Register allocation over the whole function: linear scan (Poletto and
//! Sarkar) over SSA values, each with its live ranges ([`ranges`]), holes
//! included, and one location for its whole life.
//!
//! Instructions are numbered in layout order, two positions each (operands
//! are read at the even one, results written at the odd one, so a result
//! may take the register of an operand that dies there). Values are taken
//! in the order they start; each register keeps the ranges of the values
//! given it ([`Occupancy`]), so a value takes a register wherever the
//! register's other values are dead for all of its ranges, holes between
//! them included (Traub, Holloway and Smith's second-chance binpacking,
//! without the splitting). A value live across a call gets a callee-saved
//! register, or a caller-saved one that the calls it crosses save and
//! reload (where that costs less than its uses would from memory), or a
//! stack slot; stack slots are reused once their value is dead. Vectors
//! have slots of their own, of 16 bytes.

mod ranges;

use super::analysis;
use super::regs::*;
use crate::ir::*;
use ranges::LiveRanges;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// Where a value lives for its whole life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loc {
    /// Never materialised (dead, or folded into its user).
    None,
    Gpr(Gpr),
    Xmm(Xmm),
    /// A spill slot in the frame: of 8 bytes, or of 16 for a vector (the
    /// two are numbered apart).
    Slot(u32),
}

/// Each register of a list as a location.
macro_rules! locs {
    ($regs:expr, $loc:path) => {{
        let mut locs = [Loc::None; $regs.len()];
        let mut i = 0;
        while i < locs.len() {
            locs[i] = $loc($regs[i]);
            i += 1;
        }
        locs
    }};
}
// The allocatable registers of each kind, as locations (see
// [`super::regs`] for the others' roles).
const XMM_POOL: [Loc; XMM_ALLOCATABLE.len()] = locs!(XMM_ALLOCATABLE, Loc::Xmm);
/// Integer registers for values that live across a call.
const INT_ACROSS_CALLS: [Loc; CALLEE_SAVED.len()] = locs!(CALLEE_SAVED, Loc::Gpr);
const INT_POOL: [Loc; ALLOCATABLE.len()] = locs!(ALLOCATABLE, Loc::Gpr);
/// Integer registers for values that live across calls that may save and
/// reload them: callee-saved first, which cost no call anything.
const INT_SAVED_ACROSS_CALLS: [Loc; ALLOCATABLE.len()] = {
    let mut locs = INT_POOL;
    let mut i = 0;
    while i < locs.len() {
        locs[i] = INT_POOL[(i + CALLER_SAVED.len()) % INT_POOL.len()];
        i += 1;
    }
    locs
};

impl Loc {
    /// The register's number among all registers (none for the others).
    fn register(self) -> Option<usize> {
        match self {
            Loc::Gpr(r) => Some(r.0 as usize),
            Loc::Xmm(x) => Some(16 + x.0 as usize),
            Loc::None | Loc::Slot(_) => None,
        }
    }
}

/// Per register, the ranges of the values given it: first position to
/// (last position, value). The values of one register never overlap, so
/// its ranges are disjoint, and sorted by their start they are sorted by
/// their end too.
struct Occupancy {
    maps: Vec<BTreeMap<u32, (u32, u32)>>,
    /// Per register, an upper bound of the last position it is taken at:
    /// a register free from before a value's start needs no lookup.
    until: [u32; 32],
}

impl Occupancy {
    fn new() -> Occupancy {
        Occupancy {
            maps: vec![BTreeMap::new(); 32],
            until: [0; 32],
        }
    }

    /// Whether `reg` is free at every position of `ranges`.
    fn fits(&self, reg: Loc, ranges: &[(u32, u32)]) -> bool {
        let Some(r) = reg.register() else {
            return false;
        };
        if ranges.first().is_none_or(|&(lo, _)| lo > self.until[r]) {
            return true;
        }
        let map = &self.maps[r];
        ranges.iter().all(|&(lo, hi)| {
            // The last range starting before `hi` ends latest of those.
            map.range(..=hi)
                .next_back()
                .is_none_or(|(_, &(end, _))| end < lo)
        })
    }

    /// The one value of `reg` live somewhere in `ranges`: `None` if there
    /// are none or several (only a lone value may make way for another).
    fn lone_conflict(&self, reg: Loc, ranges: &[(u32, u32)]) -> Option<u32> {
        let map = &self.maps[reg.register().expect("a register")];
        let mut found = None;
        for &(lo, hi) in ranges {
            let overlapping = map
                .range(..=hi)
                .rev()
                .take_while(|(_, &(end, _))| end >= lo);
            for (_, &(_, v)) in overlapping {
                match found {
                    None => found = Some(v),
                    Some(w) if w == v => {}
                    Some(_) => return None,
                }
            }
        }
        found
    }

    fn give(&mut self, reg: Loc, v: usize, ranges: &[(u32, u32)]) {
        let r = reg.register().expect("a register");
        let map = &mut self.maps[r];
        if let Some(&(_, hi)) = ranges.last() {
            self.until[r] = self.until[r].max(hi);
        }
        for &(lo, hi) in ranges {
            map.insert(lo, (hi, v as u32));
        }
    }

    fn take_back(&mut self, reg: Loc, ranges: &[(u32, u32)]) {
        let map = &mut self.maps[reg.register().expect("a register")];
        for &(lo, _) in ranges {
            map.remove(&lo);
        }
    }
}

pub struct Allocation {
    pub locs: Vec<Loc>,
    /// Per call, the values in caller-saved registers live across it, each
    /// with its home slot: the call saves them there first and reloads them
    /// after.
    pub around_calls: FxHashMap<Inst, Vec<(Value, u32)>>,
    /// How many 8-byte spill slots the frame needs.
    pub slots: u32,
    /// How many 16-byte spill slots (for vectors) the frame needs.
    pub vector_slots: u32,
}

/// The spill slots of one size: each is given to intervals that do not
/// overlap. A slot may go to an interval only if the end of the last one
/// given it lies before the interval's start: a value spilled after the
/// fact has lived since before the current position.
#[derive(Default)]
struct Slots {
    /// Per slot, the end of the last interval given it, earliest first.
    ends: BinaryHeap<Reverse<(u32, u32)>>,
    count: u32,
}

impl Slots {
    /// A slot for the interval `from..=to`.
    fn take(&mut self, from: u32, to: u32) -> u32 {
        let k = match self.ends.peek() {
            Some(&Reverse((e, k))) if e < from => {
                self.ends.pop();
                k
            }
            _ => {
                self.count += 1;
                self.count - 1
            }
        };
        self.ends.push(Reverse((to, k)));
        k
    }
}

/// Numbers positions: per block, its start, then two per instruction, then
/// two for its terminator.
pub struct Numbering {
    pub block_start: Vec<u32>,
    pub block_end: Vec<u32>,
    pub inst_pos: Vec<u32>,
}

pub fn number(f: &Function, order: &[Block]) -> Numbering {
    let mut n = Numbering {
        block_start: vec![0; f.blocks.len()],
        block_end: vec![0; f.blocks.len()],
        inst_pos: vec![0; f.insts.len()],
    };
    let mut p = 0;
    for &b in order {
        n.block_start[b.0 as usize] = p;
        p += 2;
        for &i in &f.block(b).insts {
            n.inst_pos[i.0 as usize] = p;
            p += 2;
        }
        n.block_end[b.0 as usize] = p + 1;
        p += 2;
    }
    n
}

/// Calls `visit` on `v`, or, for a comparison folded into its user, on
/// the comparison's operands, which the user reads instead.
fn read(f: &Function, folded: &[bool], v: Value, visit: &mut impl FnMut(Value)) {
    match f.defs[v.0 as usize] {
        Def::Result(i, _) if folded[v.0 as usize] && f.inst(i).kind.is_condition() => {
            f.inst(i).kind.for_each_arg(&mut *visit)
        }
        _ => visit(v),
    }
}

/// Calls `visit` on each value instruction `inst` reads, including the
/// operands of a comparison folded into it.
fn inst_uses(f: &Function, inst: &InstKind, folded: &[bool], mut visit: impl FnMut(Value)) {
    inst.for_each_arg(|a| read(f, folded, a, &mut visit));
}

/// Calls `visit` on each value a block's terminator reads, including the
/// operands of a comparison folded into it.
fn terminator_uses(f: &Function, b: Block, folded: &[bool], mut visit: impl FnMut(Value)) {
    (f.block(b).term).for_each_arg(|a| read(f, folded, a, &mut visit));
}

pub fn allocate(f: &Function, order: &[Block], n: &Numbering, folded: &[bool]) -> Allocation {
    let nv = f.types.len();
    let live = LiveRanges::build(f, order, n, folded);
    let mut calls = Vec::new();
    // (value, value) pairs joined by an edge move, both ways: a value
    // prefers its partner's register.
    let mut partners: Vec<(u32, u32)> = Vec::new();
    for &b in order {
        let block = f.block(b);
        // An edge's moves write the target's parameters at the end of this
        // block, on the path to that target only: a value live there is
        // live into the target, so it overlaps the parameters at the
        // target's start and never shares their registers. The parameters'
        // ranges need not reach back here, which lets an argument and its
        // parameter share a register (then the move vanishes).
        for t in block.term.targets() {
            for (&a, &p) in t.args.iter().zip(&f.block(t.block).params) {
                partners.push((a.0, p.0));
                partners.push((p.0, a.0));
            }
        }
        for &i in &block.insts {
            let inst = f.inst(i);
            if inst.results().any(|r| folded[r.0 as usize]) {
                continue;
            }
            if inst.kind.is_call() || analysis::needs_call(&inst.kind) {
                let w = block.weight();
                calls.push((n.inst_pos[i.0 as usize], w, i));
            }
        }
    }
    calls.sort_unstable_by_key(|c| c.0);
    partners.sort_unstable();
    // The calls `v` is live across (live before each and after it), as
    // runs of `calls`.
    let crossed = |v: usize| {
        live.of(v).iter().map(|&(lo, hi)| {
            let from = calls.partition_point(|c| c.0 < lo);
            let to = calls.partition_point(|c| c.0 + 1 < hi);
            from..to.max(from)
        })
    };
    // Per call, the weight of the calls before it: what saving a value
    // around a run of calls costs is a difference of two, whatever the
    // number of calls a long-lived value crosses.
    let before: Vec<f32> = std::iter::once(0.0)
        .chain(calls.iter().scan(0.0, |sum, c| {
            *sum += c.1;
            Some(*sum)
        }))
        .collect();
    // What keeping a value in a register saves per position it occupies.
    let density: Vec<f32> = (0..nv)
        .map(|x| live.weight[x] / live.len(x).max(1) as f32)
        .collect();

    let mut order_by_start: Vec<(u32, usize)> =
        (0..nv).filter_map(|v| Some((live.hull(v)?.0, v))).collect();
    order_by_start.sort_unstable();
    let mut locs = vec![Loc::None; nv];
    let mut occupancy = Occupancy::new();
    let (mut slots, mut vector_slots) = (Slots::default(), Slots::default());
    let mut take_slot = |v: usize| {
        let (from, to) = live.hull(v).expect("a live value");
        match f.types[v] {
            Ty::V128 => vector_slots.take(from, to),
            _ => slots.take(from, to),
        }
    };
    for (_, v) in order_by_start {
        let ranges = live.of(v);
        let float = f.types[v].in_xmm();
        // Saving and reloading around each call it crosses, against a load
        // at each use; a landing pad finds neither a callee-saved register
        // as it was nor a reloaded one.
        let (across, call_cost) = crossed(v).fold((false, 0f32), |(any, w), r| {
            (
                any || !r.is_empty(),
                w + 2.0 * (before[r.end] - before[r.start]),
            )
        });
        let save = !f.catches && call_cost < live.weight[v];
        let candidates: &[Loc] = match (float, across) {
            (true, true) if save => &XMM_POOL,
            (true, true) => &[],
            (true, false) => &XMM_POOL,
            (false, true) if f.catches => &[],
            (false, true) if save => &INT_SAVED_ACROSS_CALLS,
            (false, true) => &INT_ACROSS_CALLS,
            (false, false) => &INT_POOL,
        };
        let fits = |l: Loc| candidates.contains(&l) && occupancy.fits(l, ranges);
        let lo = partners.partition_point(|&(x, _)| (x as usize) < v);
        let hi = lo + partners[lo..].partition_point(|&(x, _)| x as usize == v);
        let partners = &partners[lo..hi];
        let preferred = (partners.iter())
            .map(|&(_, p)| locs[p as usize])
            .find(|&l| fits(l));
        // Failing that, a register no parameter of a block this value
        // flows into holds: an edge writes those, and this value in one of
        // them would make the edge's moves a cycle (a swap through a
        // scratch register where two moves would do).
        let edge_written = |l: Loc| {
            partners.iter().any(|&(_, p)| match f.defs[p as usize] {
                Def::Param(b, _) => {
                    let params = &f.block(b).params;
                    params.len() <= 16 && params.iter().any(|&q| locs[q.0 as usize] == l)
                }
                Def::Result(..) => false,
            })
        };
        let free = |avoid: &dyn Fn(Loc) -> bool| {
            candidates
                .iter()
                .copied()
                .find(|&l| !avoid(l) && occupancy.fits(l, ranges))
        };
        if let Some(loc) = preferred
            .or_else(|| free(&edge_written))
            .or_else(|| free(&|_| false))
        {
            locs[v] = loc;
            occupancy.give(loc, v, ranges);
            continue;
        }
        // No register free: spill whichever saves least per position it
        // occupies, this value or one that alone stands in its way in a
        // suitable register.
        let victim = (candidates.iter())
            .filter_map(|&l| Some((l, occupancy.lone_conflict(l, ranges)? as usize)))
            .min_by(|&(_, a), &(_, b)| density[a].total_cmp(&density[b]));
        match victim {
            Some((l, a)) if density[a] < density[v] => {
                occupancy.take_back(l, live.of(a));
                locs[a] = Loc::Slot(take_slot(a));
                locs[v] = l;
                occupancy.give(l, v, ranges);
            }
            _ => locs[v] = Loc::Slot(take_slot(v)),
        }
    }
    for (v, loc) in locs.iter_mut().enumerate() {
        if folded[v] {
            *loc = Loc::None;
        }
    }
    // Each value a call clobbers, with a home to keep it in meanwhile.
    let mut around_calls: FxHashMap<Inst, Vec<(Value, u32)>> = FxHashMap::default();
    for (v, &loc) in locs.iter().enumerate() {
        let clobbered = match loc {
            Loc::Gpr(r) => CALLER_SAVED.contains(&r),
            Loc::Xmm(_) => true,
            Loc::None | Loc::Slot(_) => false,
        };
        if clobbered && crossed(v).any(|r| !r.is_empty()) {
            let home = take_slot(v);
            for c in crossed(v).flat_map(|r| &calls[r]) {
                around_calls
                    .entry(c.2)
                    .or_default()
                    .push((Value(v as u32), home));
            }
        }
    }
    Allocation {
        locs,
        around_calls,
        slots: slots.count,
        vector_slots: vector_slots.count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x64::blockorder;

    /// A diamond, laid out 0, 1, 2, 3: `x`, defined in 0, is used only in
    /// 2; `y` lives only in 1, inside `x`'s hole.
    fn diamond() -> (Function, Value, Value) {
        let mut f = Function::from_successors(&[vec![1, 2], vec![3], vec![3], vec![]]);
        let x = f.add_param(Block(0), Ty::I32);
        let c = f.push(Block(0), InstKind::Cmp(CmpOp::Eq, x, x), &[Ty::I32]);
        let c = f.result(c);
        if let Terminator::Branch(cond, _) = &mut f.block_mut(Block(0)).term {
            *cond = c;
        }
        let y = f.push(Block(1), InstKind::Const(7), &[Ty::I32]);
        let y = f.result(y);
        f.push(Block(1), InstKind::Bin(BinOp::Add, y, y), &[Ty::I32]);
        f.push(Block(2), InstKind::Bin(BinOp::Add, x, x), &[Ty::I32]);
        (f, x, y)
    }

    #[test]
    fn a_value_dead_in_a_block_laid_out_between_its_uses_has_a_hole_there() {
        let (f, x, y) = diamond();
        let order = blockorder::layout(&f);
        assert_eq!(order, [0, 1, 2, 3].map(Block));
        let n = number(&f, &order);
        let live = LiveRanges::build(&f, &order, &n, &vec![false; f.types.len()]);
        let &[(a, b), (c, _)] = live.of(x.0 as usize) else {
            panic!("two ranges: {:?}", live.of(x.0 as usize));
        };
        assert_eq!((a, b), (n.block_start[0], n.block_end[0]));
        assert_eq!(c, n.block_start[2]);
        let &[(lo, hi)] = live.of(y.0 as usize) else {
            panic!("one range");
        };
        assert!(n.block_start[1] < lo && hi < n.block_end[1]);
    }

    #[test]
    fn a_value_takes_the_register_of_one_in_a_hole() {
        let (f, x, y) = diamond();
        let order = blockorder::layout(&f);
        let n = number(&f, &order);
        let alloc = allocate(&f, &order, &n, &vec![false; f.types.len()]);
        let (lx, ly) = (alloc.locs[x.0 as usize], alloc.locs[y.0 as usize]);
        assert!(matches!(lx, Loc::Gpr(_)), "{lx:?}");
        assert_eq!(lx, ly);
    }

    #[test]
    fn occupancy_finds_the_values_a_range_overlaps() {
        let mut o = Occupancy::new();
        let r = Loc::Gpr(RSI);
        o.give(r, 1, &[(0, 3), (20, 25)]);
        o.give(r, 2, &[(5, 9)]);
        assert!(o.fits(r, &[(10, 19)]));
        assert!(o.fits(r, &[(4, 4), (10, 12), (26, 30)]));
        assert!(!o.fits(r, &[(12, 20)]));
        assert_eq!(o.lone_conflict(r, &[(3, 6)]), None);
        assert_eq!(o.lone_conflict(r, &[(6, 7), (24, 30)]), None);
        assert_eq!(o.lone_conflict(r, &[(0, 2), (22, 30)]), Some(1));
        assert_eq!(o.lone_conflict(r, &[(4, 4), (10, 19)]), None);
        o.take_back(r, &[(0, 3), (20, 25)]);
        assert!(o.fits(r, &[(0, 4), (10, 30)]));
        assert!(!o.fits(r, &[(9, 9)]));
    }
}
