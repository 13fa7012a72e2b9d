//! Structured control flow: blocks, loops and `if`s, branches (fused with
//! the comparison before them where possible), `br_table`, returns and
//! calls.

use super::*;

/// The condition of a `br_if`/`if`, after peeking at the instruction that
/// computed it so compares fuse with the branch.
#[derive(Clone, Copy, Debug)]
pub(super) enum Cond {
    Const(bool),
    Nez(Slot),
    Eqz(Slot),
    Eqz64(Slot),
    Nez64(Slot),
    /// A removed integer comparison (value form), to fuse.
    Cmp(Op),
}

macro_rules! cmp_helpers {
    ($($V:ident $VI:ident $B:ident $BI:ident $NB:ident $NBI:ident : $t:ident $o:tt;)*) => {
        /// The compare-and-branch form of the value comparison `op`, on the
        /// opposite condition if `negate`.
        fn fused_branch(op: Op, negate: bool, target: Target) -> Option<Op> {
            Some(match (op, negate) {
                $(
                    (Op::$V(_, a, b), false) => Op::$B(a, b, target),
                    (Op::$V(_, a, b), true) => Op::$NB(a, b, target),
                    (Op::$VI(_, a, i), false) => Op::$BI(a, i, target),
                    (Op::$VI(_, a, i), true) => Op::$NBI(a, i, target),
                )*
                _ => return None,
            })
        }
    };
}
for_each_int_cmp!(cmp_helpers);

impl Cond {
    /// The instruction that jumps to `target` when the condition holds (or
    /// fails, if `negate`); `None` if it never jumps.
    fn branch(self, negate: bool, target: Target) -> Option<Op> {
        Some(match self {
            Cond::Const(c) if c != negate => Op::Br(target),
            Cond::Const(_) => return None,
            Cond::Nez(s) if negate => Op::BrIfEqz(s, target),
            Cond::Nez(s) => Op::BrIfNez(s, target),
            Cond::Eqz(s) if negate => Op::BrIfNez(s, target),
            Cond::Eqz(s) => Op::BrIfEqz(s, target),
            Cond::Eqz64(s) if negate => Op::BrIfNez64(s, target),
            Cond::Eqz64(s) => Op::BrIfEqz64(s, target),
            Cond::Nez64(s) if negate => Op::BrIfEqz64(s, target),
            Cond::Nez64(s) => Op::BrIfNez64(s, target),
            Cond::Cmp(op) => fused_branch(op, negate, target)?,
        })
    }
}

impl Translator<'_> {
    pub(super) fn block_type(&self, bt: BlockType) -> (Vec<ValType>, Vec<ValType>) {
        match bt {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Type(t) => (Vec::new(), vec![t]),
            BlockType::FuncType(i) => {
                let ft = &self.env.types[i as usize];
                (ft.params().to_vec(), ft.results().to_vec())
            }
        }
    }

    pub(super) fn push_ctrl(&mut self, kind: CtrlKind, bt: BlockType, else_patch: Option<usize>) {
        let (params, results) = self.block_type(bt);
        let height = self.stack.len() - params.len();
        let base = self.stack.get(height).map_or(self.next_slot(), |e| e.slot);
        // A block boundary is a label: nothing before it may be fused with
        // what follows.
        self.fence();
        self.last_global_set = None;
        self.ctrls.push(Ctrl {
            kind,
            height,
            base,
            params,
            results,
            start: self.here(),
            patches: Vec::new(),
            else_patch,
            handler: None,
            catches: Vec::new(),
            legacy: Vec::new(),
            handlers_before: self.handlers.len(),
        });
    }

    /// `try_table`: a block whose calls and throws its catch clauses cover.
    /// A clause's label is looked up outside the block; it gets the
    /// payload (and the `exnref`) in its slots, as a branch would.
    pub(super) fn try_table(&mut self, try_table: wasmparser::TryTable) -> Result<()> {
        self.materialize_from(0);
        let handler = self.handlers.len();
        let mut clauses = Vec::with_capacity(try_table.catches.len());
        for (k, catch) in try_table.catches.iter().enumerate() {
            use wasmparser::Catch as C;
            let (tag, with_ref, label) = match *catch {
                C::One { tag, label } => (Some(tag), false, label),
                C::OneRef { tag, label } => (Some(tag), true, label),
                C::All { label } => (None, false, label),
                C::AllRef { label } => (None, true, label),
            };
            let i = self.ctrl_index(label)?;
            let ctrl = &mut self.ctrls[i];
            let (target, dst) = match ctrl.kind {
                CtrlKind::Loop => (ctrl.start, ctrl.base),
                // The results of a return go to the first slots.
                CtrlKind::Func => (0, 0),
                _ => (0, ctrl.base),
            };
            if ctrl.kind != CtrlKind::Loop {
                ctrl.catches.push((handler, k));
            }
            let payload = match tag {
                Some(tag) => self.tag_params(tag)?.iter().map(|&t| slots_of(t)).sum(),
                None => 0,
            };
            clauses.push(Catch {
                tag,
                target,
                dst,
                exn: with_ref.then_some(dst + payload),
            });
        }
        self.open_handler(clauses.into(), CtrlKind::Block, try_table.ty);
        Ok(())
    }

    /// Opens a block of `kind` whose code handler `clauses` cover.
    fn open_handler(&mut self, clauses: Box<[Catch]>, kind: CtrlKind, bt: BlockType) {
        let handler = self.handlers.len();
        self.handlers.push(Handler {
            start: 0,
            end: 0,
            clauses,
            delegate: None,
        });
        self.push_ctrl(kind, bt, None);
        let start = self.here();
        let ctrl = self.ctrls.last_mut().expect("just pushed");
        ctrl.handler = Some(handler);
        self.handlers[handler].start = start;
    }

    /// A legacy `try`: a block whose calls and throws its handler covers
    /// until the first `catch`; the clauses come as they are reached.
    pub(super) fn try_(&mut self, bt: BlockType) {
        self.materialize_from(0);
        self.open_handler(Box::new([]), CtrlKind::Try, bt);
    }

    /// A legacy `catch` of `tag` (or `catch_all`, for `None`): ends the
    /// `try`'s body (or the clause before), and starts a clause, where an
    /// exception from the body lands with its payload on the stack and,
    /// under it in the block's first slot, the exception itself as an
    /// `exnref` that only `rethrow` sees (if one may: `rethrown`).
    pub(super) fn catch(&mut self, tag: Option<u32>, rethrown: bool) -> Result<()> {
        if !self.unreachable {
            self.branch_to(0)?;
        }
        let i = self.ctrls.len() - 1;
        let ctrl = &mut self.ctrls[i];
        if ctrl.kind == CtrlKind::Try {
            let h = ctrl.handler.expect("a try has a handler");
            self.handlers[h].end = self.here();
        }
        let ctrl = &mut self.ctrls[i];
        ctrl.kind = CtrlKind::Catch;
        let (height, base) = (ctrl.height, ctrl.base);
        self.truncate(height);
        self.push(ValType::Ref(wasmparser::RefType::EXNREF), Val::Temp);
        let payload = match tag {
            Some(tag) => self.tag_params(tag)?,
            None => Vec::new(),
        };
        for ty in payload {
            self.push(ty, Val::Temp);
        }
        self.unreachable = false;
        self.fence();
        self.last_global_set = None;
        let target = self.here();
        self.ctrls[i].legacy.push(Catch {
            tag,
            target,
            dst: base + 1,
            exn: rethrown.then_some(base),
        });
        Ok(())
    }

    /// A legacy `try ... delegate depth`: ends the `try`, whose handler
    /// sends what its body throws to the handlers enclosing label `depth`
    /// (counted from outside the `try`).
    pub(super) fn delegate(&mut self, depth: u32) -> Result<()> {
        let outer = self.ctrls[self.ctrl_index(depth + 1)?].handlers_before;
        let ctrl = self.ctrls.last().expect("validated: delegate ends a try");
        let h = ctrl.handler.expect("a try has a handler");
        self.handlers[h].delegate = Some(outer as u32);
        self.end()
    }

    /// `rethrow depth`: throws again the exception of the legacy catch
    /// clause `depth` out.
    pub(super) fn rethrow(&mut self, depth: u32) -> Result<()> {
        let ctrl = &self.ctrls[self.ctrl_index(depth)?];
        debug_assert_eq!(ctrl.kind, CtrlKind::Catch, "validated");
        self.emit(Op::ThrowRef(ctrl.base));
        self.unreachable = true;
        Ok(())
    }

    /// The payload types of tag `tag`.
    fn tag_params(&self, tag: u32) -> Result<Vec<ValType>> {
        let ty = self.env.tags.get(tag as usize).copied();
        let ty = ty.ok_or_else(|| TranslateError("bad tag index".into()))?;
        Ok(self.env.types[ty as usize].params().to_vec())
    }

    /// Points the catch clauses `catches` at `target`.
    fn link_catches(&mut self, catches: &[(usize, usize)], target: Target) {
        for &(h, k) in catches {
            self.handlers[h].clauses[k].target = target;
        }
    }

    /// `throw`: the payload goes to the next slots, like a call's arguments.
    pub(super) fn throw(&mut self, tag: u32) -> Result<()> {
        let n = self.tag_params(tag)?.len();
        let base = self.pop_in_place(n)?;
        self.emit(Op::Throw(base, tag));
        self.unreachable = true;
        Ok(())
    }

    pub(super) fn ctrl_index(&self, depth: u32) -> Result<usize> {
        (self.ctrls.len())
            .checked_sub(depth as usize + 1)
            .ok_or_else(|| TranslateError("bad branch depth".into()))
    }

    /// Points a branch instruction at its label: a loop's start now, a
    /// block's end when it is reached.
    pub(super) fn link(&mut self, patch: usize, depth: u32) -> Result<()> {
        let i = self.ctrl_index(depth)?;
        let ctrl = &mut self.ctrls[i];
        if ctrl.kind == CtrlKind::Loop {
            let start = ctrl.start;
            self.patch(patch, start);
        } else {
            ctrl.patches.push(patch);
        }
        Ok(())
    }

    /// Points the branch instruction (or `br_table` entry) at `at` to `target`.
    pub(super) fn patch(&mut self, at: usize, target: Target) {
        if let Some(t) = self.ops[at].target_mut() {
            *t = target;
        }
    }

    /// Whether a branch to `depth` must copy values (or return) first.
    pub(super) fn branch_needs_moves(&self, depth: u32) -> Result<bool> {
        let ctrl = &self.ctrls[self.ctrl_index(depth)?];
        if ctrl.kind == CtrlKind::Func {
            return Ok(true);
        }
        let n = ctrl.label_types().len();
        let mut dst = ctrl.base;
        for e in &self.stack[self.stack.len() - n..] {
            if e.val != Val::Temp || e.slot != dst {
                return Ok(true);
            }
            dst += slots_of(e.ty);
        }
        Ok(false)
    }

    /// Emits an unconditional branch to `depth`, moving the carried values
    /// into the label's slots (or returning, for the function label).
    pub(super) fn branch_to(&mut self, depth: u32) -> Result<()> {
        let i = self.ctrl_index(depth)?;
        if self.ctrls[i].kind == CtrlKind::Func {
            return self.emit_return();
        }
        self.carry_to(depth)?;
        let at = self.emit(Op::Br(0));
        self.link(at, depth)
    }

    /// Moves the values a branch to `depth` (not the function's label)
    /// carries into the label's slots.
    fn carry_to(&mut self, depth: u32) -> Result<()> {
        let i = self.ctrl_index(depth)?;
        let n = self.ctrls[i].label_types().len();
        let mut dst = self.ctrls[i].base;
        // Sources sit at or above their destinations (canonical slots of the
        // same values, or locals below all temporaries), so copying in order
        // never clobbers a value not yet copied.
        for k in self.stack.len() - n..self.stack.len() {
            let e = self.stack[k];
            self.emit_move(e, dst);
            dst += slots_of(e.ty);
        }
        Ok(())
    }

    pub(super) fn emit_return(&mut self) -> Result<()> {
        let n = self.results.len();
        let len = self.stack.len();
        if n == 1 && self.results[0] != ValType::V128 {
            let e = self.pop()?;
            let src = self.operand(e);
            // Emitted while the result is popped, so that it may come from
            // the accumulator: code after a return that is not on the
            // taken path of a `br_if` is unreachable, and on that path a
            // branch, not the producer, comes right before the return.
            self.emit(Op::Return1(src));
            self.stack.push(e);
            return Ok(());
        }
        // Results go to the first slots, which hold parameters and locals
        // that a result may still be reading: move them to their canonical
        // slots first. (The virtual stack is left as is: after a `br_if`
        // these moves only happen on the taken path.)
        for k in len - n..len {
            let e = self.stack[k];
            if e.val != Val::Temp {
                self.emit_move(e, e.slot);
            }
        }
        let mut dst = 0;
        for k in len - n..len {
            let e = self.stack[k];
            self.emit_copy(e.ty, dst, e.slot);
            dst += slots_of(e.ty);
        }
        self.emit(Op::Return);
        Ok(())
    }

    /// Pops the condition of a `br_if`/`if`, taking back the comparison that
    /// computed it (if it was the last instruction) so the branch can fuse
    /// it; with the accumulator mode the branch inherits from it.
    pub(super) fn pop_cond(&mut self) -> Result<(Cond, u8)> {
        let e = self.pop()?;
        if let Val::Const(c) = e.val {
            return Ok((Cond::Const(c as u32 != 0), 0));
        }
        if let Some(at) = self.producer_of(&e) {
            let op = self.ops[at];
            let cond = match op {
                Op::I32Eqz(_, s) => Some(Cond::Eqz(s)),
                Op::I64Eqz(_, s) => Some(Cond::Eqz64(s)),
                _ if !self.fuse => None,
                _ => difference_compare(op, false)
                    .or(fused_branch(op, false, 0).map(|_| op))
                    .map(Cond::Cmp),
            };
            if let Some(cond) = cond {
                // The branch reads the operands of the comparison in the
                // same roles, so it inherits its accumulator mode.
                let (_, mode) = self.take_last().expect("the producer");
                return Ok((cond, mode));
            }
        }
        Ok((Cond::Nez(self.operand(e)), 0))
    }

    /// Emits a conditional branch that jumps when `cond` holds (or fails,
    /// with `negate`) to a target patched later; returns its index.
    pub(super) fn emit_cond_branch(
        &mut self,
        (cond, mode): (Cond, u8),
        negate: bool,
    ) -> Option<usize> {
        let op = cond.branch(negate, 0)?;
        if let Some(fused) = self.fuse_with_last(op, mode) {
            self.take_last();
            let fused = match fused {
                Op::CopyBrNez(c, l, t) if self.retarget_last(l, c) => {
                    // A counter stepped in the label's slot fuses further.
                    let step = match (self.ops.last(), self.modes.last()) {
                        (Some(&Op::I32AddImm(x, y, i)), Some(0)) if x == c && y == c => {
                            i8::try_from(i as i32).ok()
                        }
                        _ => None,
                    };
                    match step.and_then(|i| pack_slots(l, i as u8 as u32)) {
                        Some(p) => {
                            self.take_last();
                            Op::I32AddImmCopyBrNez(c, p, t)
                        }
                        None => Op::CopyBrNez(l, c, t),
                    }
                }
                _ => fused,
            };
            return Some(self.emit(fused));
        }
        Some(if mode != 0 {
            self.emit_with_mode(op, mode)
        } else {
            self.emit(op)
        })
    }

    /// Whether a branch to `depth` carries values into their own canonical
    /// slots (the label's results sit right at the top of the stack).
    pub(super) fn carries_to_own_slots(&self, depth: u32) -> Result<bool> {
        let ctrl = &self.ctrls[self.ctrl_index(depth)?];
        let n = ctrl.label_types().len();
        let len = self.stack.len();
        Ok(ctrl.kind != CtrlKind::Func
            && n > 0
            && len >= n
            && self.stack[len - n].slot == ctrl.base)
    }

    pub(super) fn br_if(&mut self, depth: u32) -> Result<()> {
        let cond = self.pop_cond()?;
        self.br_if_cond(depth, cond)
    }

    /// A branch to `depth` taken when `cond` holds.
    pub(super) fn br_if_cond(&mut self, depth: u32, cond: (Cond, u8)) -> Result<()> {
        if self.carries_to_own_slots(depth)? {
            // Writing the carried values to their canonical slots is harmless
            // when the branch is not taken (those slots are theirs on both
            // paths), and it lets the branch itself jump straight to the
            // label. The condition reads no canonical slot below its own.
            let n = self.ctrls[self.ctrl_index(depth)?].label_types().len();
            self.materialize_from(self.stack.len() - n);
        }
        if !self.branch_needs_moves(depth)? {
            if let Some(at) = self.emit_cond_branch(cond, false) {
                self.link(at, depth)?;
            }
        } else {
            let skip = self.emit_cond_branch(cond, true);
            self.branch_to(depth)?;
            if let Some(at) = skip {
                let here = self.here();
                self.patch(at, here);
            }
            self.fence();
        }
        Ok(())
    }

    /// `br_on_null`: branches if the reference is null, dropping it.
    pub(super) fn br_on_null(&mut self, depth: u32) -> Result<()> {
        let e = self.pop()?;
        let cond = match e.val {
            Val::Const(c) => Cond::Const(c == 0),
            _ => Cond::Eqz64(self.operand(e)),
        };
        self.br_if_cond(depth, (cond, 0))?;
        self.push(e.ty, e.val);
        Ok(())
    }

    /// `br_on_non_null`: branches with the reference if it is not null;
    /// the fall-through drops it.
    pub(super) fn br_on_non_null(&mut self, depth: u32) -> Result<()> {
        let e = *self
            .stack
            .last()
            .ok_or_else(|| TranslateError("operand stack underflow".into()))?;
        let cond = match e.val {
            Val::Const(c) => Cond::Const(c != 0),
            Val::Local(s) => Cond::Nez64(s),
            _ => Cond::Nez64(e.slot),
        };
        self.br_if_cond(depth, (cond, 0))?;
        self.pop()?;
        Ok(())
    }

    pub(super) fn br_table(&mut self, targets: &wasmparser::BrTable) -> Result<()> {
        let index = self.pop_operand()?;
        let mut depths = targets
            .targets()
            .collect::<std::result::Result<Vec<_>, _>>()?;
        depths.push(targets.default());
        self.emit(Op::BrTable(index, depths.len() as u32));
        let first = self.ops.len();
        for _ in &depths {
            self.emit(Op::BrTarget(0));
        }
        // Targets that need values moved get a trampoline (one per label).
        let mut trampolines: Vec<(u32, Target)> = Vec::new();
        for (k, &depth) in depths.iter().enumerate() {
            if !self.branch_needs_moves(depth)? {
                self.link(first + k, depth)?;
            } else if let Some(&(_, t)) = trampolines.iter().find(|(d, _)| *d == depth) {
                self.patch(first + k, t);
            } else {
                let t = self.here();
                trampolines.push((depth, t));
                self.patch(first + k, t);
                self.branch_to(depth)?;
            }
        }
        Ok(())
    }

    pub(super) fn else_(&mut self) -> Result<()> {
        let i = self.ctrls.len() - 1;
        if !self.unreachable {
            let height = self.ctrls[i].height;
            self.materialize_from(height);
            let at = self.emit(Op::Br(0));
            self.ctrls[i].patches.push(at);
        }
        if let Some(at) = self.ctrls[i].else_patch.take() {
            let here = self.here();
            self.patch(at, here);
        }
        let ctrl = &mut self.ctrls[i];
        ctrl.kind = CtrlKind::Else;
        let height = ctrl.height;
        let params = ctrl.params.clone();
        self.truncate(height);
        for ty in params {
            self.push(ty, Val::Temp);
        }
        self.unreachable = false;
        self.fence();
        self.last_global_set = None;
        Ok(())
    }

    pub(super) fn end(&mut self) -> Result<()> {
        if self.ctrls.last().is_some_and(|c| c.kind == CtrlKind::Catch) && !self.unreachable {
            // The results, above the caught exception, go down to the
            // block's slots.
            self.carry_to(0)?;
            self.unreachable = true;
        }
        let Some(ctrl) = self.ctrls.pop() else {
            return Err(TranslateError("unbalanced end".into()));
        };
        if let Some(h) = ctrl.handler {
            if ctrl.kind != CtrlKind::Catch {
                self.handlers[h].end = self.here();
            }
            if !ctrl.legacy.is_empty() {
                self.handlers[h].clauses = ctrl.legacy.into();
            }
        }
        if ctrl.kind == CtrlKind::Func {
            if !self.unreachable {
                self.emit_return()?;
            }
            if !ctrl.catches.is_empty() {
                // Clauses that target the function's label return, their
                // payload in place as the results.
                self.fence();
                let at = self.here();
                self.emit(Op::Return);
                self.link_catches(&ctrl.catches, at);
            }
            return Ok(());
        }
        if !self.unreachable {
            self.materialize_from(ctrl.height);
        }
        let here = self.here();
        for p in ctrl.else_patch.into_iter().chain(ctrl.patches) {
            self.patch(p, here);
        }
        self.link_catches(&ctrl.catches, here);
        self.truncate(ctrl.height);
        for ty in ctrl.results {
            self.push(ty, Val::Temp);
        }
        self.unreachable = false;
        self.fence();
        self.last_global_set = None;
        Ok(())
    }

    /// The type index of function `func`.
    pub(super) fn func_type_index(&self, func: u32) -> Result<u32> {
        self.env
            .funcs
            .get(func as usize)
            .copied()
            .ok_or_else(|| TranslateError("bad function index".into()))
    }

    /// Emits the call `make(base)` of a callee of type `type_index`, its
    /// arguments at `base`; a tail call (`tail`) ends the block's code. A
    /// tail call pushes the callee's results too: that reserves their slots
    /// at the base, where a callee of another tier leaves them.
    pub(super) fn call_typed(
        &mut self,
        type_index: u32,
        tail: bool,
        make: impl FnOnce(Slot) -> Op,
    ) -> Result<()> {
        let ft = &self.env.types[type_index as usize];
        let (params, results) = (ft.params().len(), ft.results().to_vec());
        let base = self.pop_in_place(params)?;
        self.emit(make(base));
        for ty in results {
            self.push(ty, Val::Temp);
        }
        if tail {
            self.unreachable = true;
        }
        Ok(())
    }
}
