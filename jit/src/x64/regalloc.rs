//! Register allocation over the whole function: linear scan (Poletto and
//! Sarkar) over one live interval per SSA value.
//!
//! Instructions are numbered in layout order, two positions each (operands
//! are read at the even one, results written at the odd one, so a result
//! may take the register of an operand that dies there). Liveness across
//! blocks comes from the usual backward data flow; a value's interval runs
//! from its definition to its last use, stretched over every block it is
//! live through. A value live across a call gets a callee-saved register
//! or a stack slot; stack slots are reused once their value is dead.
//! Vectors have slots of their own, of 16 bytes.

use super::analysis;
use super::regs::*;
use crate::ir::*;
use crate::lists::Lists;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

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

impl Loc {
    /// The register's bit in a set of registers (none for the others).
    fn bit(self) -> u32 {
        match self {
            Loc::Gpr(r) => 1 << r.0,
            Loc::Xmm(x) => 1 << (16 + x.0),
            Loc::None | Loc::Slot(_) => 0,
        }
    }
}

pub struct Allocation {
    pub locs: Vec<Loc>,
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

/// Calls `f` on each value a block's terminator reads, including the
/// operands of a comparison folded into it.
fn terminator_uses(f: &Function, b: Block, folded: &[bool], mut visit: impl FnMut(Value)) {
    let term = &f.block(b).term;
    term.for_each_arg(&mut visit);
    if let Terminator::Branch(c, _) = term {
        if folded[c.0 as usize] {
            if let Def::Result(i, _) = f.defs[c.0 as usize] {
                f.inst(i).kind.for_each_arg(visit);
            }
        }
    }
}

pub fn allocate(f: &Function, order: &[Block], n: &Numbering, folded: &[bool]) -> Allocation {
    let nv = f.types.len();
    let mut start = vec![u32::MAX; nv];
    let mut end = vec![0u32; nv];
    let touch = |v: usize, p: u32, start: &mut Vec<u32>, end: &mut Vec<u32>| {
        start[v] = start[v].min(p);
        end[v] = end[v].max(p);
    };
    // Definitions and uses within blocks; the block of each definition
    // and the blocks of each use, for the liveness walk below.
    let mut def_block = vec![u32::MAX; nv];
    // (value, block) for every use, grouped by value below.
    let mut uses: Vec<(u32, u32)> = Vec::new();
    let preds = Lists::new(f.blocks.len(), || {
        order
            .iter()
            .flat_map(|&b| (f.block(b).term.targets().iter()).map(move |t| (t.block.0, b.0)))
    });
    let mut calls = Vec::new();
    // How much keeping each value in a register saves: its uses, a use in
    // a loop worth 8 outside it (per level, up to 4).
    let mut weight = vec![0f32; nv];
    // (value, value) pairs joined by an edge move, both ways: a value
    // prefers its partner's register.
    let mut partners: Vec<(u32, u32)> = Vec::new();
    for &b in order {
        let bi = b.0 as usize;
        let block = f.block(b);
        // An edge's moves write the target's parameters at the end of this
        // block, on the path to that target only: a value live there is
        // live into the target, so it overlaps the parameters at the
        // target's start and never shares their registers. The parameters'
        // intervals need not reach back here, which lets an argument and
        // its parameter share a register (then the move vanishes).
        for t in block.term.targets() {
            for (&a, &p) in t.args.iter().zip(&f.block(t.block).params) {
                partners.push((a.0, p.0));
                partners.push((p.0, a.0));
            }
        }
        for &p in &block.params {
            touch(p.0 as usize, n.block_start[bi], &mut start, &mut end);
            def_block[p.0 as usize] = b.0;
        }
        for &i in &block.insts {
            let inst = f.inst(i);
            let pos = n.inst_pos[i.0 as usize];
            if inst.results().any(|r| folded[r.0 as usize]) {
                continue;
            }
            if inst.kind.is_call() || analysis::needs_call(&inst.kind) {
                calls.push(pos);
            }
            let w = 8f32.powi(block.loop_depth.min(4) as i32);
            inst.kind.for_each_arg(|a| {
                if folded[a.0 as usize] {
                    return;
                }
                weight[a.0 as usize] += w;
                touch(a.0 as usize, pos, &mut start, &mut end);
                uses.push((a.0, b.0));
            });
            for r in inst.results() {
                touch(r.0 as usize, pos + 1, &mut start, &mut end);
                def_block[r.0 as usize] = b.0;
            }
        }
        let w = 8f32.powi(block.loop_depth.min(4) as i32);
        terminator_uses(f, b, folded, |a| {
            if folded[a.0 as usize] {
                return;
            }
            weight[a.0 as usize] += w;
            touch(a.0 as usize, n.block_end[bi] - 1, &mut start, &mut end);
            uses.push((a.0, b.0));
        });
    }
    // Liveness, one value at a time: from each block that uses it, walk
    // predecessors up to its definition; the value is live through every
    // block on the way, so its interval covers them.
    uses.sort_unstable();
    uses.dedup();
    let mut seen = vec![u32::MAX; f.blocks.len()];
    let mut work = Vec::new();
    for group in uses.chunk_by(|a, b| a.0 == b.0) {
        let v = group[0].0 as usize;
        let d = def_block[v];
        if d == u32::MAX {
            continue;
        }
        for &(_, u) in group {
            if u != d && seen[u as usize] != v as u32 {
                seen[u as usize] = v as u32;
                work.push(u);
            }
        }
        while let Some(b) = work.pop() {
            touch(v, n.block_start[b as usize], &mut start, &mut end);
            for &p in preds.get(b as usize) {
                touch(v, n.block_end[p as usize], &mut start, &mut end);
                if p != d && seen[p as usize] != v as u32 {
                    seen[p as usize] = v as u32;
                    work.push(p);
                }
            }
        }
    }
    calls.sort_unstable();
    partners.sort_unstable();
    let crosses_call = |v: usize| {
        let i = calls.partition_point(|&c| c < start[v]);
        i < calls.len() && calls[i] + 1 < end[v]
    };

    let mut order_by_start: Vec<usize> = (0..nv).filter(|&v| start[v] != u32::MAX).collect();
    order_by_start.sort_by_key(|&v| start[v]);
    let mut locs = vec![Loc::None; nv];
    // Active values in registers: (end, value).
    let mut active: Vec<(u32, usize)> = Vec::new();
    let (mut slots, mut vector_slots) = (Slots::default(), Slots::default());
    let mut take_slot = |v: usize, from: u32, to: u32| match f.types[v] {
        Ty::V128 => vector_slots.take(from, to),
        _ => slots.take(from, to),
    };
    for v in order_by_start {
        let s = start[v];
        active.retain(|&(e, _)| e >= s);
        let busy = active.iter().fold(0, |m, &(_, a)| m | locs[a].bit());
        let float = f.types[v].in_xmm();
        let across = crosses_call(v);
        let taken = |loc: Loc| busy & loc.bit() != 0;
        let candidates: &[Loc] = match (float, across) {
            (true, true) => &[],
            (true, false) => &XMM_POOL,
            // A landing pad finds no callee-saved register as it was.
            (false, true) if f.catches => &[],
            (false, true) => &INT_ACROSS_CALLS,
            (false, false) => &INT_POOL,
        };
        let lo = partners.partition_point(|&(x, _)| (x as usize) < v);
        let hi = lo + partners[lo..].partition_point(|&(x, _)| x as usize == v);
        let partners = &partners[lo..hi];
        let preferred = partners
            .iter()
            .map(|&(_, p)| locs[p as usize])
            .find(|&l| l != Loc::None && candidates.contains(&l) && !taken(l));
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
            candidates.iter().copied().find(|&l| !taken(l) && !avoid(l))
        };
        if let Some(loc) = preferred
            .or_else(|| free(&edge_written))
            .or_else(|| free(&|_| false))
        {
            locs[v] = loc;
            active.push((end[v], v));
            continue;
        }
        // No register free: spill whichever of this value and the active
        // ones holding a suitable register saves least per position it
        // occupies (use weight over interval length).
        let density = |x: usize| weight[x] / (end[x] - start[x] + 1) as f32;
        let victim = active
            .iter()
            .enumerate()
            .filter(|(_, &(_, a))| candidates.contains(&locs[a]))
            .min_by(|(_, &(_, a)), (_, &(_, b))| density(a).total_cmp(&density(b)))
            .map(|(k, &(e, a))| (k, e, a));
        match victim {
            Some((k, e, a)) if density(a) < density(v) => {
                locs[v] = locs[a];
                locs[a] = Loc::Slot(take_slot(a, start[a], e));
                active[k] = (end[v], v);
            }
            _ => locs[v] = Loc::Slot(take_slot(v, s, end[v])),
        }
    }
    for (v, loc) in locs.iter_mut().enumerate() {
        if folded[v] {
            *loc = Loc::None;
        }
    }
    Allocation {
        locs,
        slots: slots.count,
        vector_slots: vector_slots.count,
    }
}
