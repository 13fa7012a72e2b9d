//! Peephole fusion: pairs of operators that become one instruction (a
//! compare and its branch, `local.set` of a fresh result, multiply-add,
//! selects on the accumulator, masks), each checked against what was just
//! emitted.

use super::*;

/// The comparison of `a` and `b` that `a ^ b` or `a - b` (an `i32`
/// instruction `op`) is zero (`eq`) or non-zero exactly when.
pub(super) fn difference_compare(op: Op, eq: bool) -> Option<Op> {
    Some(match (op, eq) {
        (Op::I32Xor(d, a, b) | Op::I32Sub(d, a, b), true) => Op::I32Eq(d, a, b),
        (Op::I32Xor(d, a, b) | Op::I32Sub(d, a, b), false) => Op::I32Ne(d, a, b),
        (Op::I32XorImm(d, a, i), true) => Op::I32EqImm(d, a, i),
        (Op::I32XorImm(d, a, i), false) => Op::I32NeImm(d, a, i),
        _ => return None,
    })
}

impl Translator<'_> {
    /// The fusion of the conditional branch `op` (target not yet set), about
    /// to be emitted with `mode`, with the last instruction, if they fuse: a
    /// loop counter stepped in its local (`local.tee`, or `local.set` then
    /// `local.get`) and tested against zero, a copy (a value the branch
    /// carries, or a local moved along; slots below 256 if not the tested
    /// one), or a load at offset 0 of the tested value.
    pub(super) fn fuse_with_last(&self, op: Op, mode: u8) -> Option<Op> {
        let at = self.ops.len().checked_sub(1)?;
        if !self.fuse || mode != 0 || self.modes[at] != 0 || at < self.label_at {
            return None;
        }
        // The tested slot, whether the branch is taken on non-zero, and
        // whether it tests an `i64`.
        let (s, nez, wide) = match op {
            Op::BrIfNez(s, _) | Op::BrIfI32NeImm(s, 0, _) => (s, true, false),
            Op::BrIfEqz(s, _) | Op::BrIfI32EqImm(s, 0, _) => (s, false, false),
            Op::BrIfNez64(s, _) | Op::BrIfI64NeImm(s, 0, _) => (s, true, true),
            Op::BrIfEqz64(s, _) | Op::BrIfI64EqImm(s, 0, _) => (s, false, true),
            _ => return None,
        };
        let counter = |d, a| s < self.locals_end && d == s && a == s;
        Some(match (self.ops[at], nez, wide) {
            (Op::I32AddImm(d, a, i), true, false) if counter(d, a) => Op::I32AddImmBrNez(s, i, 0),
            (Op::I32AddImm(d, a, i), false, false) if counter(d, a) => Op::I32AddImmBrEqz(s, i, 0),
            (Op::I64AddImm(d, a, i), true, true) if counter(d, a) => Op::I64AddImmBrNez(s, i, 0),
            (Op::I64AddImm(d, a, i), false, true) if counter(d, a) => Op::I64AddImmBrEqz(s, i, 0),
            (Op::Copy(d, src), true, false) if src == s && d != s => Op::CopyBrNez(d, s, 0),
            (Op::Copy(d, src), true, false) if d == s => Op::CopyBrNez(d, src, 0),
            (Op::Copy(d, src), true, false) => Op::CopyBrIfNez(pack_slots(d, src)?, s, 0),
            (Op::Load32(d, a, 0), true, false) if d == s => Op::Load32BrNez(d, a, 0),
            _ => return None,
        })
    }

    /// For `copy c, l; br_if l` (a value computed into local `l`, then
    /// carried to a label's slot `c`), with the copy taken back: if the last
    /// instruction computed `l`, makes it write `c` instead, so that the
    /// branch becomes `copy l, c; br_if c`. Either way both slots end up
    /// with the value, but a loop reading `c` next no longer waits for the
    /// copy (one store-to-load forwarding less per iteration).
    pub(super) fn retarget_last(&mut self, l: Slot, c: Slot) -> bool {
        let Some(at) = self.ops.len().checked_sub(1) else {
            return false;
        };
        if at < self.label_at || self.modes[at] & ACC_D != 0 || l >= self.locals_end {
            return false;
        }
        match self.ops[at].dst_mut() {
            Some(d) if *d == l => {
                *d = c;
                true
            }
            _ => false,
        }
    }

    /// Fuses the last instruction, just written to a local, with the one
    /// before it if they make a pair: two `i32` steps of locals in place (a
    /// loop's pointers and counters), a copy of an address and a load from
    /// it (a list walk), or two copies (the second may read the
    /// accumulator). Slots below 256 (see [`pack_slots`]).
    pub(super) fn fuse_pair(&mut self) {
        let Some(p) = self.ops.len().checked_sub(2) else {
            return;
        };
        let mode = self.modes[p + 1];
        let copies = matches!(self.ops[p + 1], Op::Copy(..)) && mode & !ACC_A == 0;
        if p < self.label_at || self.modes[p] != 0 || mode != 0 && !copies {
            return;
        }
        let fused = match (self.ops[p], self.ops[p + 1]) {
            (Op::Copy(d1, s1), Op::Copy(d2, s2)) => {
                pack_slots(d1, s1).map(|q| Op::Copy2(q, d2, s2))
            }
            (Op::I32AddImm(x, x1, i), Op::I32AddImm(y, y1, j)) if x == x1 && y == y1 => {
                pack_slots(x, y).map(|s| Op::I32AddImm2(s, i, j))
            }
            (Op::I32AddImm(x, x1, i), Op::I32Add(y, a, b)) if x == x1 && (y == a || y == b) => {
                let z = if y == a { b } else { a };
                pack_slots(x, y).map(|s| Op::I32AddImmAdd(s, i, z))
            }
            (Op::Copy(keep, s), Op::Load32(d, a, o)) if s == a => {
                pack_slots(d, keep).map(|q| Op::Load32Keep(q, a, o))
            }
            _ => None,
        };
        if let Some(op) = fused {
            self.take_last();
            self.take_last();
            self.emit_with_mode(op, mode);
        }
    }

    /// A (one-slot) `select` whose condition was computed by the
    /// [`acc_producer`](Self::acc_producer): the condition passes through
    /// the accumulator, and the operands are read where they are, so the
    /// result may be retargeted (`SelectAcc`). Returns whether it applied.
    pub(super) fn select_acc(&mut self) -> Result<bool> {
        let len = self.stack.len();
        let cond = self.stack[len - 1];
        let linkable = |t: &Translator| match t.acc_producer {
            Some((at, slot)) => {
                t.narrow
                    && cond.val == Val::Temp
                    && slot == cond.slot
                    && ACC_MASKS[t.ops[at].tag()] & ACC_D != 0
            }
            None => false,
        };
        if !linkable(self) {
            return Ok(false);
        }
        self.truncate(len - 1);
        let b = self.pop_operand()?;
        let a = self.pop()?;
        let ty = a.ty;
        let a = self.operand(a);
        // Constants the operands needed went to their canonical slots, below
        // the condition's: the link still holds.
        debug_assert!(linkable(self));
        let (at, _) = self.acc_producer.expect("checked above");
        // A condition `x & 1` with `x` in the accumulator is tested there,
        // and if `x` is `acc ^ s`, computed right before, so is that.
        let odd = at + 1 == self.ops.len()
            && self.modes[at] & ACC_A != 0
            && matches!(self.ops[at], Op::I32AndImm(_, _, 1));
        let xor = |t: &Self| {
            let x = at.checked_sub(1).filter(|&x| x >= t.label_at)?;
            let s = match (t.ops[x], t.modes[x] & !ACC_D) {
                (Op::I32Xor(_, _, s), ACC_A) | (Op::I32Xor(_, s, _), ACC_B) => s,
                _ => return None,
            };
            Some((s, pack_slots(a, b)?))
        };
        if let (true, Some((s, packed))) = (odd, xor(self)) {
            self.take_last();
            self.take_last();
            self.emit_result(ty, |d| Op::SelectOddXor(d, packed, s));
        } else if odd {
            self.take_last();
            self.emit_result(ty, |d| Op::SelectAccOdd(d, a, b));
        } else {
            self.modes[at] |= ACC_D;
            self.emit_result(ty, |d| Op::SelectAcc(d, a, b));
        }
        Ok(true)
    }

    /// `i32.add` of a local or temporary and the product computed by the
    /// last instruction, an `i32.mul` with one factor from the accumulator:
    /// one [`Op::I32MulAdd`] instead. Returns whether it applied.
    pub(super) fn mul_add(&mut self) -> bool {
        let len = self.stack.len();
        let Some((at, t)) = self.acc_producer else {
            return false;
        };
        let (Op::I32Mul(_, x, y), mode) = (self.ops[at], self.modes[at]) else {
            return false;
        };
        if !self.narrow || len < 2 || at + 1 != self.ops.len() || mode & (ACC_A | ACC_B) == 0 {
            return false;
        }
        let product = |e: &Entry| e.val == Val::Temp && e.slot == t;
        let (ea, eb) = (self.stack[len - 2], self.stack[len - 1]);
        let addend = match (product(&ea), product(&eb)) {
            (false, true) => ea,
            (true, false) => eb,
            _ => return false,
        };
        let a = match addend.val {
            Val::Temp => addend.slot,
            Val::Local(s) => s,
            _ => return false,
        };
        let factor = if mode & ACC_A != 0 { y } else { x };
        self.truncate(len - 2);
        self.take_last();
        // The accumulator's producer, already linked to the product, now
        // feeds the fused instruction at the same place.
        self.emit_result_with(ValType::I32, |d| Op::I32MulAdd(d, a, factor), Some(0));
        true
    }

    /// `i32.eqz` of `a ^ b` or `a - b` computed by the last instruction
    /// (into a temporary): `a == b` instead, which a branch then fuses with.
    /// Returns whether it applied.
    pub(super) fn eqz_of_difference(&mut self) -> bool {
        let Some(e) = self.stack.last().copied() else {
            return false;
        };
        let Some(at) = self.producer_of(&e) else {
            return false;
        };
        let Some(eq) = difference_compare(self.ops[at], true) else {
            return false;
        };
        // Same fields in the same roles: the mode carries over.
        self.ops[at] = eq;
        true
    }

    /// An `i32` `select` with one constant operand that fits a narrow
    /// immediate, the condition and the other operand in slots below 256:
    /// `SelectImmA`/`SelectImmB`, retargetable like any result. Returns
    /// whether it applied.
    pub(super) fn select_imm(&mut self) -> Result<bool> {
        let len = self.stack.len();
        let imm = |e: &Entry| match e.val {
            Val::Const(c) => i16::try_from(c as u32 as i32).ok(),
            _ => None,
        };
        let (a, b) = (self.stack[len - 3], self.stack[len - 2]);
        let (first, k, other) = match (imm(&a), imm(&b)) {
            (Some(k), _) => (true, k, b),
            (None, Some(k)) => (false, k, a),
            (None, None) => return Ok(false),
        };
        // Where `operand` leaves each value: a local's slot, else its own.
        let slot = |e: &Entry| match e.val {
            Val::Local(s) => s,
            _ => e.slot,
        };
        let Some(packed) = pack_slots(slot(&self.stack[len - 1]), slot(&other)) else {
            return Ok(false);
        };
        let cond = self.pop()?;
        self.operand(cond);
        self.truncate(len - 3);
        self.operand(other);
        let k = k as i32 as u32;
        self.emit_result(ValType::I32, |d| match first {
            true => Op::SelectImmA(d, packed, k),
            false => Op::SelectImmB(d, packed, k),
        });
        Ok(true)
    }

    /// `i32.and` with a constant mask `2^k - 1` (`k <= 16`) on the result of
    /// the last instruction, if that is an `i32.shr_u` by a constant (a bit
    /// field: one [`Op::I32ShrUMask`] instead) or an `i32.add` of a constant
    /// that fits an `i8` (one [`Op::I32AddMask`]). Otherwise only a mask
    /// that `I32AndImm`'s signed immediate cannot hold (`0xffff`) becomes an
    /// `I32ShrUMask` (shifting by 0). Returns whether it applied.
    pub(super) fn and_mask(&mut self) -> Result<bool> {
        let len = self.stack.len();
        if len < 2 {
            return Ok(false);
        }
        let Val::Const(c) = self.stack[len - 1].val else {
            return Ok(false);
        };
        let c = c as u32;
        let k = c.count_ones();
        if c == 0 || c & c.wrapping_add(1) != 0 || k > 16 {
            return Ok(false);
        }
        let e = self.stack[len - 2];
        // The fused form and its operand, by the producer of `e`.
        let producer = self.producer_of(&e).and_then(|at| match self.ops[at] {
            Op::I32ShrUImm(_, x, s) => Some((Op::I32ShrUMask as CtorImm, x, s & 31)),
            Op::I32AddImm(_, x, i) if self.narrow && i8::try_from(i as i32).is_ok() => {
                Some((Op::I32AddMask as CtorImm, x, i & 0xff))
            }
            _ => None,
        });
        if producer.is_none() && k < 16 {
            return Ok(false);
        }
        self.truncate(len - 2);
        let (make, x, low, mode) = match producer {
            Some((make, x, low)) => {
                // The producer's operand keeps its place (and accumulator role).
                let (_, mode) = self.take_last().expect("the producer");
                (make, x, low, Some(mode))
            }
            None => (Op::I32ShrUMask as CtorImm, self.operand(e), 0, None),
        };
        let imm = low | (32 - k) << 8;
        self.emit_result_with(ValType::I32, |d| make(d, x, imm), mode);
        Ok(true)
    }
}
