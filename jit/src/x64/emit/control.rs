//! Control flow: block terminators and the conditions they branch on,
//! `select`, traps, and the checks made for the embedder (fuel, epochs)
//! with their out-of-line slow paths.

use super::int::cc_of;
use super::Emitter;
use crate::builtins::RuntimeFn;
use crate::ir::*;
use crate::x64::abi::{self, Place};
use crate::x64::masm::*;
use crate::x64::regs::*;
use tandem_vm::offsets::*;
use tandem_vm::TrapCode;

/// The function's epoch checks: each branches to a slow path of its own,
/// which pushes where it goes back to and jumps to one shared path.
#[derive(Default)]
pub(super) struct EpochChecks {
    /// Per check whose slow path is emitted at the end: where that starts
    /// and where it goes back.
    far: Vec<(Label, Label)>,
    /// The slow path of the check the block being emitted starts with,
    /// emitted just before that block, and where it goes back.
    near: Option<(Label, Label)>,
    /// The slow path every check goes through.
    shared: Option<Label>,
}

impl Emitter<'_> {
    /// The label a jump to `b` goes to (past empty forwarding blocks).
    pub(super) fn label_of(&self, b: Block) -> Label {
        self.labels[self.dest[b.0 as usize].0 as usize]
    }

    /// Whether a jump to `b` would go to `next`, the block emitted next.
    fn falls_into(&self, b: Block, next: Option<Block>) -> bool {
        Some(self.dest[b.0 as usize]) == next
    }

    pub(super) fn jump_to(&mut self, t: &Target, next: Option<Block>) {
        let moves = self.moves_of(t);
        self.parallel_move(moves);
        if !self.falls_into(t.block, next) {
            let l = self.label_of(t.block);
            self.m.jmp(l);
        }
    }

    /// The moves an edge makes: its arguments into the target's parameters
    /// (none where they share a location).
    pub(super) fn moves_of(&self, t: &Target) -> Vec<(Place, Place)> {
        let params = &self.f.block(t.block).params;
        t.args
            .iter()
            .zip(params)
            .filter(|(_, &p)| self.is_live(p))
            .map(|(&a, &p)| (self.place(a), self.place(p)))
            .filter(|(s, d)| s != d)
            .collect()
    }

    /// Ends block `b`; `next` is the block emitted after it, if a jump to
    /// it may fall through.
    pub(super) fn terminator(&mut self, b: Block, next: Option<Block>) {
        let f = self.f;
        match &f.block(b).term {
            Terminator::Jump(t) => self.jump_to(t, next),
            Terminator::Branch(c, [t, e]) => {
                let cc = self.condition(*c);
                if self.moves_of(t).is_empty() && self.moves_of(e).is_empty() {
                    let lt = self.label_of(t.block);
                    if self.falls_into(t.block, next) {
                        let le = self.label_of(e.block);
                        self.m.jcc(!cc, le);
                    } else {
                        self.m.jcc(cc, lt);
                        self.jump_to(e, next);
                    }
                } else {
                    let mut other = self.m.label();
                    self.m.jcc(!cc, other);
                    self.jump_to(t, None);
                    self.m.bind(&mut other);
                    self.jump_to(e, next);
                }
            }
            Terminator::Table(index, targets) => {
                let r = self.gpr(*index, RAX);
                self.m.mov(RAX, r, Size::S32);
                let n = targets.len() - 1;
                let mut stubs = Vec::new();
                let mut labels = Vec::new();
                for t in targets {
                    if self.moves_of(t).is_empty() {
                        labels.push(self.label_of(t.block));
                    } else {
                        let l = self.m.label();
                        labels.push(l);
                        stubs.push((l, t));
                    }
                }
                self.m.alu_imm(Alu::Cmp, RAX, n as i32, Size::S32);
                self.m.jcc(Cc::Ae, labels[n]);
                if n <= 3 {
                    self.compare_each(&labels[..n]);
                } else {
                    self.m.jump_table(RAX, R11, &labels[..n]);
                }
                for (mut l, t) in stubs {
                    self.m.bind(&mut l);
                    self.jump_to(t, None);
                }
            }
            Terminator::Return(values) => {
                if f.results.len() > 1 {
                    let area = self.frame.ret_area_slot();
                    self.m.load(RAX, area, Size::S64);
                    self.store_cells(values);
                } else if let Some(&v) = values.first() {
                    let src = self.place(v);
                    self.mov(src, abi::result_place(f.ty(v)));
                }
                self.frame.epilogue(&mut self.m);
            }
            Terminator::ReturnCall(callee, args) => self.return_call(*callee, args),
            Terminator::Trap(code) => {
                let l = self.m.trap_label(*code);
                self.m.jmp(l);
            }
            Terminator::Throw(landing) => self.throw(landing.as_ref()),
            Terminator::MayThrow([t, landing]) => {
                self.landings.push((self.last_call, landing.clone()));
                self.jump_to(t, next);
            }
        }
    }

    /// Writes `values` into the 16-byte cells at `rax`, through `rcx`, an
    /// `f32` zero-extended as a `ValRaw` is.
    pub(super) fn store_cells(&mut self, values: &[Value]) {
        for (i, &v) in values.iter().enumerate() {
            match self.f.ty(v) {
                Ty::V128 => {
                    let x = self.xmm(v, XMM_SCRATCH[1]);
                    self.m.store_v128(Mem::base(RAX, 16 * i as i32), x);
                    continue;
                }
                ty @ (Ty::F32 | Ty::F64) => {
                    let x = self.xmm(v, XMM_SCRATCH[1]);
                    self.m.xmm_to_gpr(RCX, x, Size::of(ty.is_64()));
                }
                _ => {
                    let r = self.gpr(v, RCX);
                    self.copy_gpr(RCX, r);
                }
            }
            self.m.store(Mem::base(RAX, 16 * i as i32), RCX, Size::S64);
        }
    }

    /// Jumps to `labels[eax]` (`eax` is below `labels.len()`, at most 3)
    /// by comparing: for so few a jump table's load and indirect jump
    /// cost more.
    fn compare_each(&mut self, labels: &[Label]) {
        for (i, &l) in labels.iter().enumerate() {
            if i + 1 == labels.len() {
                self.m.jmp(l);
            } else {
                self.m.alu_imm(Alu::Cmp, RAX, i as i32, Size::S32);
                self.m.jcc(Cc::E, l);
            }
        }
    }

    /// Sets the flags for branching on `c` and says which condition means
    /// "non-zero".
    fn condition(&mut self, c: Value) -> Cc {
        if self.folded[c.0 as usize] {
            let Def::Result(i, _) = self.f.defs[c.0 as usize] else {
                unreachable!()
            };
            let f = self.f;
            match f.inst(i).kind {
                InstKind::Cmp(op @ (CmpOp::Eq | CmpOp::Ne), a, b)
                    if self.imm(b) == Some(0) && self.zf_holds(a) =>
                {
                    return cc_of(op);
                }
                InstKind::Cmp(op, a, b) => {
                    self.int_compare(a, b);
                    return cc_of(op);
                }
                InstKind::Un(UnOp::Eqz, a) if self.zf_holds(a) => return Cc::E,
                InstKind::Un(UnOp::Eqz, a) => {
                    let r = self.gpr(a, R11);
                    self.m.test(r, r, Size::of(self.f.ty(a).is_64()));
                    return Cc::E;
                }
                _ => unreachable!("only comparisons are folded"),
            }
        }
        if self.zf_holds(c) {
            return Cc::Ne;
        }
        let r = self.gpr(c, R11);
        self.m.test(r, r, Size::S32);
        Cc::Ne
    }

    pub(super) fn select(&mut self, v: Value, c: Value, a: Value, b: Value) {
        // `a` where `cc` holds: a comparison folded into the select sets
        // the flags itself.
        let cc = self.condition(c);
        if self.f.ty(v).in_xmm() {
            let d = self.dst_xmm(v);
            let ra = self.xmm(a, XMM_SCRATCH[0]);
            let rb = self.xmm(b, XMM_SCRATCH[1]);
            let mut done = self.m.label();
            if d == ra {
                self.m.jcc(cc, done);
                self.m.movaps(d, rb);
            } else if d == rb {
                self.m.jcc(!cc, done);
                self.m.movaps(d, ra);
            } else {
                self.m.movaps(d, rb);
                self.m.jcc(!cc, done);
                self.m.movaps(d, ra);
            }
            self.m.bind(&mut done);
            self.m.nop();
            self.store_xmm(v, d);
        } else {
            let d = self.dst_gpr(v);
            // Loads of spilled operands use `mov`, which keeps the flags.
            let ra = self.gpr(a, RCX);
            let rb = self.gpr(b, RDX);
            if d == ra {
                self.m.cmov(!cc, d, rb);
            } else {
                if d != rb {
                    self.m.mov(d, rb, Size::S64);
                }
                self.m.cmov(cc, d, ra);
            }
            self.store_gpr(v, d);
        }
    }

    /// Charges a block's fuel as it starts: out of fuel once the store's
    /// counter goes negative.
    pub(super) fn fuel(&mut self, cost: u64) {
        if cost == 0 {
            return;
        }
        self.m.load(RAX, Mem::base(VMCTX, VMCTX_STORE), Size::S64);
        let fuel = Mem::base(RAX, STORE_FUEL);
        match i32::try_from(cost) {
            Ok(k) => self.m.sub_store_imm(fuel, k, Size::S64),
            Err(_) => {
                self.m.mov_imm64(RCX, cost);
                self.m.sub_store(fuel, RCX);
            }
        }
        let out = self.m.trap_label(TrapCode::OutOfFuel);
        self.m.jcc(Cc::L, out);
    }

    /// Whether block `b` starts with an epoch check (it is a loop header).
    pub(super) fn starts_with_check(&self, b: Block) -> bool {
        let first = self.f.block(b).insts.first();
        first.is_some_and(|&i| self.f.inst(i).kind == InstKind::CheckEpoch)
    }

    /// An epoch check: one compare of the instance's flag, and a branch to
    /// a slow path out of line.
    pub(super) fn check_epoch(&mut self) {
        self.m
            .cmp_mem_imm(Mem::base(VMCTX, VMCTX_EPOCH_FLAG), 0, Size::S8);
        let (slow, mut back) = match self.epoch.near.take() {
            Some(near) => near,
            None => {
                let far = (self.m.label(), self.m.label());
                self.epoch.far.push(far);
                far
            }
        };
        self.m.jcc(Cc::Ne, slow);
        self.m.bind(&mut back);
    }

    /// Emits the slow path of the epoch check the next block starts with,
    /// here, where nothing falls into it: just before the loop header, the
    /// check's branch to it can be short (an 8-bit displacement), which
    /// keeps the check inside the loop smaller than a branch to the end of
    /// the function would.
    pub(super) fn near_epoch_slow_path(&mut self) {
        let (mut slow, back) = (self.m.label(), self.m.label());
        self.m.bind(&mut slow);
        self.epoch_slow_path(back);
        self.epoch.near = Some((slow, back));
    }

    /// One epoch check's slow path: pushes where it goes back to and jumps
    /// to the shared path (see `epoch_slow_paths`).
    fn epoch_slow_path(&mut self, back: Label) {
        let shared = match self.epoch.shared {
            Some(l) => l,
            None => *self.epoch.shared.insert(self.m.label()),
        };
        self.m.lea_label(RAX, back);
        self.m.push(RAX);
        self.m.jmp(shared);
    }

    /// The out-of-line halves of the function's epoch checks: each pushes
    /// where it goes back to and jumps to one shared path, which calls
    /// the runtime with every allocatable caller-saved register saved (so
    /// a check costs its values no registers) and returns there, or
    /// continues the trap the runtime raised.
    pub(super) fn epoch_slow_paths(&mut self) {
        for (mut slow, back) in std::mem::take(&mut self.epoch.far) {
            self.m.bind(&mut slow);
            self.epoch_slow_path(back);
        }
        let Some(mut shared) = self.epoch.shared else {
            return;
        };
        self.m.bind(&mut shared);
        // The pushed address and these five keep `rsp` 16-byte aligned, as
        // it is in the body.
        const XMMS: usize = XMM_ALLOCATABLE.len();
        for r in CALLER_SAVED {
            self.m.push(r);
        }
        self.m.alu_imm(Alu::Sub, RSP, 16 * XMMS as i32, Size::S64);
        for (i, x) in XMM_ALLOCATABLE.into_iter().enumerate() {
            self.m.store_v128(Mem::base(RSP, 16 * i as i32), x);
        }
        self.m.mov(RDI, VMCTX, Size::S64);
        self.m.call_fn(RuntimeFn::Interrupt);
        self.m.test(RAX, RAX, Size::S32);
        let mut trapped = self.m.label();
        self.m.jcc(Cc::Ne, trapped);
        for (i, x) in XMM_ALLOCATABLE.into_iter().enumerate() {
            self.m.load_v128(x, Mem::base(RSP, 16 * i as i32));
        }
        self.m.alu_imm(Alu::Add, RSP, 16 * XMMS as i32, Size::S64);
        for r in CALLER_SAVED.into_iter().rev() {
            self.m.pop(r);
        }
        self.m.ret();
        self.m.bind(&mut trapped);
        self.unwind(RAX, RuntimeFn::RaisedInCompiledCode);
    }

    /// Leaves the function for the innermost landing, calling `unwinder`
    /// (`fn(status, pc, fp) -> !`) with the trap status in `status`.
    pub(super) fn unwind(&mut self, status: Gpr, unwinder: RuntimeFn) {
        self.m.mov(RDI, status, Size::S32);
        let mut here = self.m.label();
        self.m.bind(&mut here);
        self.m.lea_label(RSI, here);
        self.m.mov(RDX, RBP, Size::S64);
        self.m.alu_imm(Alu::And, RSP, -16, Size::S64);
        self.m.call_fn(unwinder);
    }
}
