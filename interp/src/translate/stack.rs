//! The virtual operand stack: where each entry's value is (its canonical
//! slot, a local's slot, or a constant not yet written), and moving values
//! into their canonical slots when something needs them there.

use super::*;

impl Translator<'_> {
    pub(super) fn next_slot(&self) -> Slot {
        self.stack
            .last()
            .map_or(self.locals_end, |e| e.slot + slots_of(e.ty))
    }

    pub(super) fn push(&mut self, ty: ValType, val: Val) -> Slot {
        let slot = self.next_slot();
        self.max_slot = self.max_slot.max(slot + slots_of(ty));
        self.stack.push(Entry { ty, slot, val });
        slot
    }

    pub(super) fn pop(&mut self) -> Result<Entry> {
        let e = self
            .stack
            .pop()
            .ok_or_else(|| TranslateError("operand stack underflow".into()))?;
        self.clean = self.clean.min(self.stack.len());
        Ok(e)
    }

    /// Writes constant bits of type `ty` into `dst`.
    pub(super) fn emit_const(&mut self, dst: Slot, bits: u64) {
        if bits >> 32 == 0 {
            self.emit(Op::Const32(dst, bits as u32));
        } else if bits as i64 == bits as i32 as i64 {
            self.emit(Op::Const32S(dst, bits as u32));
        } else {
            let at = self.aux_push(&[bits as u32, (bits >> 32) as u32]);
            self.emit(Op::Const64(dst, at));
        }
    }

    pub(super) fn emit_const128(&mut self, dst: Slot, v: u128) {
        let words = [
            v as u32,
            (v >> 32) as u32,
            (v >> 64) as u32,
            (v >> 96) as u32,
        ];
        let at = self.aux_push(&words);
        self.emit(Op::ConstV128(dst, at));
    }

    pub(super) fn emit_copy(&mut self, ty: ValType, dst: Slot, src: Slot) {
        if dst != src {
            if ty == ValType::V128 {
                self.emit(Op::Copy128(dst, src));
            } else {
                self.emit(Op::Copy(dst, src));
            }
        }
    }

    /// Writes the value of `e` into `dst`.
    pub(super) fn emit_move(&mut self, e: Entry, dst: Slot) {
        match e.val {
            Val::Temp => self.emit_copy(e.ty, dst, e.slot),
            Val::Local(s) => self.emit_copy(e.ty, dst, s),
            Val::Const(c) => self.emit_const(dst, c),
            Val::ConstV128(v) => self.emit_const128(dst, v),
        }
    }

    /// The slot holding the value of a popped entry, writing a constant
    /// into the entry's (now free) canonical slot if needed.
    pub(super) fn operand(&mut self, e: Entry) -> Slot {
        match e.val {
            Val::Temp => e.slot,
            Val::Local(s) => s,
            Val::Const(_) | Val::ConstV128(_) => {
                self.emit_move(e, e.slot);
                e.slot
            }
        }
    }

    pub(super) fn pop_operand(&mut self) -> Result<Slot> {
        let e = self.pop()?;
        Ok(self.operand(e))
    }

    pub(super) fn materialize(&mut self, i: usize) {
        let e = self.stack[i];
        if e.val != Val::Temp {
            self.emit_move(e, e.slot);
            self.stack[i].val = Val::Temp;
        }
    }

    pub(super) fn materialize_from(&mut self, height: usize) {
        for i in height.max(self.clean)..self.stack.len() {
            self.materialize(i);
        }
        if height <= self.clean {
            self.clean = self.stack.len();
        }
    }

    pub(super) fn truncate(&mut self, len: usize) {
        self.stack.truncate(len);
        self.clean = self.clean.min(len);
    }

    /// Materializes the top `n` entries and pops them; returns the canonical
    /// slot of the first (where an instruction reading them in place starts).
    pub(super) fn pop_in_place(&mut self, n: usize) -> Result<Slot> {
        let len = self.stack.len();
        let height = len
            .checked_sub(n)
            .ok_or_else(|| TranslateError("operand stack underflow".into()))?;
        self.materialize_from(height);
        self.truncate(height);
        Ok(self.next_slot())
    }

    /// Before `local` is overwritten: copies out the entries still reading it.
    pub(super) fn materialize_local(&mut self, local: Slot) {
        for i in self.clean..self.stack.len() {
            if self.stack[i].val == Val::Local(local) {
                self.materialize(i);
            }
        }
    }

    /// If the last instruction produced the popped `e`, returns its index.
    pub(super) fn producer_of(&self, e: &Entry) -> Option<usize> {
        let at = self.last_producer?;
        let mut op = self.ops[at];
        (e.val == Val::Temp && at + 1 == self.ops.len() && op.dst_mut().copied() == Some(e.slot))
            .then_some(at)
    }

    pub(super) fn local(&self, index: u32) -> Result<(Slot, ValType)> {
        self.locals
            .get(index as usize)
            .copied()
            .ok_or_else(|| TranslateError("bad local index".into()))
    }
}
