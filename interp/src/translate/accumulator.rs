//! The accumulator (see [`Instr`]): which temporaries pass from one
//! instruction to the next in a register instead of a slot, decided as
//! instructions are emitted ([`link_acc`](Translator::link_acc)), and the
//! post-pass that adds write-through links
//! ([`write_through`](Translator::write_through)).

use super::*;

/// If `op`, run in accumulator mode `mode`, may sit between a result left
/// in the accumulator and that result's reader (a copy or constant, which
/// leaves the accumulator alone): the slot it writes and the one it reads.
/// The reader's slot must be neither (see `emit_with_mode`).
pub(super) fn acc_neutral(op: Op, mode: u8) -> Option<(Slot, Option<Slot>)> {
    match op {
        _ if mode != 0 => None,
        Op::Copy(d, s) => Some((d, Some(s))),
        Op::Const32(d, _) | Op::Const32S(d, _) | Op::Const64(d, _) => Some((d, None)),
        _ => None,
    }
}

impl Translator<'_> {
    /// The instructions and their modes, with write-through links added
    /// ([`ACC_W`]): where an instruction reads a slot (a local, say) as
    /// operand `A` or `B` and every instruction leading to it writes that
    /// slot, the value comes through the accumulator as well. If no branch
    /// lands on the reader, that is just the previous instruction. If
    /// branches do, they must all write the slot (a loop counter stepped
    /// and tested, branching back); then, unless the previous instruction
    /// writes it too, a copy of the slot to the accumulator goes before the
    /// reader, run once on entering the loop: the counter stays in the
    /// register from one iteration to the next, with no store-to-load
    /// forwarding in between. A catch clause's label is never such a
    /// reader: an exception lands there with nothing in the accumulator.
    ///
    /// Also returns the handlers, their instruction indices moved past the
    /// copies.
    pub(super) fn write_through(&self) -> (Cow<'_, [Op]>, Vec<u8>, Cow<'_, [Handler]>) {
        let mut modes = self.modes.clone();
        if !self.narrow {
            return (
                Cow::Borrowed(&self.ops),
                modes,
                Cow::Borrowed(&self.handlers),
            );
        }
        let mut caught: Vec<usize> = (self.handlers.iter())
            .flat_map(|h| h.clauses.iter().map(|c| c.target as usize))
            .collect();
        caught.sort_unstable();
        // (target, branch) pairs, by target.
        let mut into: Vec<(usize, usize)> = (self.ops.iter().enumerate())
            .filter_map(|(j, &op)| {
                let mut op = op;
                op.target_mut().map(|&mut t| (t as usize, j))
            })
            .collect();
        into.sort_unstable();
        // The instructions that sit between a result left in the
        // accumulator and its reader: they must not write it.
        let mut carrying = vec![false; self.ops.len()];
        let mut live = false;
        for (c, (&op, &mode)) in self.ops.iter().zip(&modes).enumerate() {
            live &= acc_neutral(op, mode).is_some();
            carrying[c] = live;
            live |= mode & ACC_D != 0;
        }
        let writes = |modes: &[u8], j: usize, l: Slot| {
            !carrying[j]
                && modes[j] & ACC_D == 0
                && ACC_MASKS[self.ops[j].tag()] & ACC_W != 0
                && self.ops[j].acc_fields()[0] == Some(l)
        };
        // (reader, slot) pairs that get a copy to the accumulator before them.
        let mut preloads = Vec::new();
        for c in 0..self.ops.len() {
            if modes[c] & (ACC_A | ACC_B) != 0 || caught.binary_search(&c).is_ok() {
                continue;
            }
            let (lo, hi) = (
                into.partition_point(|&(t, _)| t < c),
                into.partition_point(|&(t, _)| t <= c),
            );
            let sources = &into[lo..hi];
            let [_, a, b] = self.ops[c].acc_fields();
            for (l, role) in [(a, ACC_A), (b, ACC_B)] {
                let Some(l) = l else { continue };
                let from_prev = c > 0 && writes(&modes, c - 1, l);
                if !sources.iter().all(|&(_, j)| writes(&modes, j, l)) {
                    continue;
                }
                if !from_prev {
                    if carrying[c] || !sources.iter().any(|&(_, j)| j >= c) {
                        continue;
                    }
                    preloads.push((c, l));
                } else {
                    modes[c - 1] |= ACC_W;
                }
                for &(_, j) in sources {
                    modes[j] |= ACC_W;
                }
                modes[c] |= role;
                break;
            }
        }
        if preloads.is_empty() {
            return (
                Cow::Borrowed(&self.ops),
                modes,
                Cow::Borrowed(&self.handlers),
            );
        }
        // Insert the copies; branches to a reader land after its copy.
        let shift = |t: Target| t + preloads.partition_point(|&(c, _)| c <= t as usize) as Target;
        let mut ops = Vec::with_capacity(self.ops.len() + preloads.len());
        let mut new_modes = Vec::with_capacity(ops.capacity());
        let mut next = preloads.iter().peekable();
        for (i, (&op, mode)) in self.ops.iter().zip(modes).enumerate() {
            if let Some(&(_, l)) = next.next_if(|&&(c, _)| c == i) {
                ops.push(Op::Copy(l, l));
                new_modes.push(ACC_D);
            }
            let mut op = op;
            if let Some(t) = op.target_mut() {
                *t = shift(*t);
            }
            ops.push(op);
            new_modes.push(mode);
        }
        let mut handlers = self.handlers.clone();
        for h in &mut handlers {
            (h.start, h.end) = (shift(h.start), shift(h.end));
            for c in h.clauses.iter_mut() {
                c.target = shift(c.target);
            }
        }
        (Cow::Owned(ops), new_modes, Cow::Owned(handlers))
    }

    pub(super) fn emit_with_mode(&mut self, op: Op, mode: u8) -> usize {
        self.last_producer = None;
        let slots = acc_neutral(op, mode);
        self.acc_producer = self
            .acc_producer
            .filter(|&(_, t)| slots.is_some_and(|(d, s)| d != t && s != Some(t)));
        self.ops.push(op);
        self.modes.push(mode);
        self.ops.len() - 1
    }

    /// Removes the last instruction; returns it with its mode.
    pub(super) fn take_last(&mut self) -> Option<(Op, u8)> {
        self.last_producer = None;
        let last = (self.ops.pop()?, self.modes.pop()?);
        let len = self.ops.len();
        self.acc_producer = self.acc_producer.filter(|&(at, _)| at < len);
        Some(last)
    }

    /// A label: what comes after may be reached from elsewhere, so nothing
    /// before it fuses with or passes values to what follows.
    pub(super) fn fence(&mut self) {
        self.last_producer = None;
        self.acc_producer = None;
        self.label_at = self.ops.len();
    }

    /// Lets a temporary pass to `op`, about to be emitted, through the
    /// accumulator (see [`Instr`]) when that is safe: its producer is the
    /// [`acc_producer`](Self::acc_producer) (so what came after it leaves
    /// the accumulator and the temporary's slot alone, and is no label), the
    /// temporary has been popped (so no one reads its slot later), and `op`
    /// reads it in exactly one of its `A`/`B` fields (its other slot fields
    /// are its result or also `A`/`B`). Marks the producer [`ACC_D`];
    /// returns `op`'s mode.
    pub(super) fn link_acc(&mut self, op: &Op) -> u8 {
        let Some((at, t)) = self.acc_producer else {
            return 0;
        };
        if !self.narrow || t < self.next_slot() || ACC_MASKS[self.ops[at].tag()] & ACC_D == 0 {
            return 0;
        }
        let [_, a, b] = op.acc_fields();
        let role = match (a == Some(t), b == Some(t)) {
            (true, false) => ACC_A,
            (false, true) => ACC_B,
            _ => return 0,
        };
        self.modes[at] |= ACC_D;
        role
    }
}
