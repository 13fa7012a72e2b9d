//! Live ranges: where in the layout each value is live, as a list of
//! disjoint position ranges with holes between them.
//!
//! A single interval from a value's definition to its last use in layout
//! order covers every block laid out in between, whether or not the value
//! is live there. Code laid out cold (an early return, an error path moved
//! to the end) would then keep values "live" over the whole function: a
//! byte loaded at the top and used only by an early return placed last
//! would hold a register everywhere. With holes, a register is free
//! wherever its value is dead, and other values take it there.

use super::Numbering;
use crate::ir::*;
use crate::lists::Lists;

/// Each value's ranges, as `(first, last)` positions (both live), sorted
/// and disjoint, with at least one dead position between two ranges.
pub struct LiveRanges {
    ranges: Vec<(u32, u32)>,
    /// Per value, where its ranges sit in `ranges`.
    of: Vec<(u32, u32)>,
    /// Per value, how much keeping it in a register saves: its uses, a use
    /// in a loop worth 8 outside it (per level, up to 4).
    pub weight: Vec<f32>,
}

impl LiveRanges {
    /// `v`'s ranges (empty for a value never materialised).
    pub fn of(&self, v: usize) -> &[(u32, u32)] {
        let (at, len) = self.of[v];
        &self.ranges[at as usize..(at + len) as usize]
    }

    /// The first position and the last of `v`'s life.
    pub fn hull(&self, v: usize) -> Option<(u32, u32)> {
        let r = self.of(v);
        Some((r.first()?.0, r.last()?.1))
    }

    /// How many positions `v` is live at.
    pub fn len(&self, v: usize) -> u32 {
        self.of(v).iter().map(|&(a, b)| b - a + 1).sum()
    }

    /// Builds the ranges of every value of `f`, laid out in `order`; values
    /// `folded` into their users have none.
    ///
    /// Within a block a value is live from its definition (or the block's
    /// start, if live in) to its last use (or the block's end, if live
    /// out). Which blocks it is live in or out of comes from walking
    /// predecessors from each block that uses it up to its definition.
    pub fn build(f: &Function, order: &[Block], n: &Numbering, folded: &[bool]) -> LiveRanges {
        let nv = f.types.len();
        let mut weight = vec![0f32; nv];
        // Every definition and use, as (value, position, block).
        let mut points: Vec<(u32, u32, u32)> = Vec::new();
        let mut def_block = vec![u32::MAX; nv];
        for &b in order {
            let bi = b.0 as usize;
            let block = f.block(b);
            let w = block.weight();
            for &p in &block.params {
                points.push((p.0, n.block_start[bi], b.0));
                def_block[p.0 as usize] = b.0;
            }
            for &i in &block.insts {
                let inst = f.inst(i);
                let pos = n.inst_pos[i.0 as usize];
                if inst.results().any(|r| folded[r.0 as usize]) {
                    continue;
                }
                super::inst_uses(f, &inst.kind, folded, |a| {
                    if !folded[a.0 as usize] {
                        weight[a.0 as usize] += w;
                        points.push((a.0, pos, b.0));
                    }
                });
                for r in inst.results() {
                    points.push((r.0, pos + 1, b.0));
                    def_block[r.0 as usize] = b.0;
                }
            }
            super::terminator_uses(f, b, folded, |a| {
                if !folded[a.0 as usize] {
                    weight[a.0 as usize] += w;
                    points.push((a.0, n.block_end[bi] - 1, b.0));
                }
            });
        }
        let preds = Lists::new(f.blocks.len(), || {
            order
                .iter()
                .flat_map(|&b| (f.block(b).term.targets().iter()).map(move |t| (t.block.0, b.0)))
        });
        // Grouped by value, stably: each value's points stay in layout
        // order.
        let by_value = Lists::new(nv, || points.iter().map(|&(v, pos, b)| (v, (pos, b))));
        let mut ranges = Vec::new();
        let mut of = vec![(0, 0); nv];
        // Per block, the first and last position of the value at hand in
        // it, valid where `stamp` names that value.
        let mut stamp = vec![u32::MAX; f.blocks.len()];
        // Per block, the value whose walk has reached it.
        let mut walked = vec![u32::MAX; f.blocks.len()];
        let mut span = vec![(0u32, 0u32); f.blocks.len()];
        let mut touched: Vec<(u32, u32)> = Vec::new();
        let mut work = Vec::new();
        for v in 0..nv as u32 {
            let mine = by_value.get(v as usize);
            let d = def_block[v as usize];
            if mine.is_empty() || d == u32::MAX {
                continue;
            }
            let at = ranges.len() as u32;
            // Most values live in the block that defines them: one range.
            if mine.iter().all(|&(_, b)| b == d) {
                ranges.push((mine[0].0, mine[mine.len() - 1].0));
                of[v as usize] = (at, 1);
                continue;
            }
            touched.clear();
            let mut touch = |b: u32, pos: u32, touched: &mut Vec<(u32, u32)>| {
                let s = &mut span[b as usize];
                if stamp[b as usize] != v {
                    stamp[b as usize] = v;
                    *s = (pos, pos);
                    touched.push((n.block_start[b as usize], b));
                } else {
                    *s = (s.0.min(pos), s.1.max(pos));
                }
            };
            for &(pos, b) in mine {
                touch(b, pos, &mut touched);
            }
            // From each block that uses it, up to its definition: live
            // into each block on the way, and out of its predecessors.
            for &(_, b) in &touched {
                if b != d && walked[b as usize] != v {
                    walked[b as usize] = v;
                    work.push(b);
                }
            }
            while let Some(b) = work.pop() {
                touch(b, n.block_start[b as usize], &mut touched);
                for &p in preds.get(b as usize) {
                    touch(p, n.block_end[p as usize], &mut touched);
                    if p != d && walked[p as usize] != v {
                        walked[p as usize] = v;
                        work.push(p);
                    }
                }
            }
            // One range per block, merged with the next where nothing lies
            // between them.
            touched.sort_unstable();
            for &(_, b) in &touched {
                let (lo, hi) = span[b as usize];
                match ranges[at as usize..].last_mut() {
                    Some((_, last)) if lo <= *last + 1 => *last = hi,
                    _ => ranges.push((lo, hi)),
                }
            }
            of[v as usize] = (at, ranges.len() as u32 - at);
        }
        LiveRanges { ranges, of, weight }
    }
}
