//! Exceptions: raising one, the landing pads of covered calls, and the
//! catch clauses that take an exception there.
//!
//! A throw calls a builtin that raises the exception and returns its
//! status; in a `try_table` the code goes straight to the landing pad,
//! elsewhere it unwinds. A call a `try_table` covers costs nothing more
//! than any call: its return address is registered with an out-of-line
//! pad, where the unwinder (`tandem_vm::unwind`) resumes the frame if the
//! call lets an exception through; the pad reloads the context registers
//! and makes the edge's moves into the landing block, whose clauses ask
//! the runtime whether the exception's tag is theirs.

use super::Emitter;
use crate::builtins::RuntimeFn;
use crate::ir::*;
use crate::x64::abi::{self, Place};
use crate::x64::masm::*;
use crate::x64::regs::*;
use tandem_vm::offsets::*;
use tandem_vm::unwind::FRAME_VMCTX;
use tandem_vm::TrapCode;

impl Emitter<'_> {
    /// Raises an exception, leaving its status in `rdx`.
    pub(super) fn raise(&mut self, raise: &Raise) {
        let b = match raise {
            Raise::Tag(tag, payload) => {
                let area = Mem::base(RSP, self.frame.out_ret_area());
                self.m.lea(RAX, area, Size::S64);
                self.store_cells(payload);
                self.m.mov(RCX, RAX, Size::S64);
                Builtin::Throw(*tag, payload.len() as u32)
            }
            Raise::Ref(r) => {
                let src = self.place(*r);
                self.mov(src, abi::BUILTIN_OPERANDS[0]);
                Builtin::ThrowRef
            }
            Raise::Again => Builtin::Rethrow,
        };
        self.call_builtin(b);
    }

    /// After a raise: to the landing pad if there is one and an exception
    /// was raised, else unwinding with the status.
    pub(super) fn throw(&mut self, landing: Option<&Target>) {
        let mut unwind = self.m.label();
        if let Some(t) = landing {
            self.m
                .alu_imm(Alu::Cmp, RDX, TrapCode::Exception as i32, Size::S32);
            self.m.jcc(Cc::Ne, unwind);
            self.jump_to(t, None);
        }
        self.m.bind(&mut unwind);
        self.unwind(RDX, RuntimeFn::RaisedInCompiledCode);
    }

    /// Takes the exception in flight for a catch clause: its payload (of
    /// tag `tag`) into `results`, then its `exnref` if `with_ref`.
    pub(super) fn catch(&mut self, tag: Option<u32>, with_ref: bool, results: &[Value]) {
        let area = self.frame.out_ret_area();
        self.m.lea(RCX, Mem::base(RSP, area), Size::S64);
        self.call_builtin(Builtin::Catch(tag.unwrap_or(u32::MAX), with_ref as u32));
        let (payload, exnref) = match with_ref {
            true => (&results[..results.len() - 1], results.last()),
            false => (results, None),
        };
        if let Some(&r) = exnref.filter(|&&r| self.is_live(r)) {
            let d = self.place(r);
            self.mov(Place::Gpr(RAX), d);
        }
        self.read_cells(area, payload);
    }

    /// The landing pads of the covered calls, out of line: each reloads
    /// the context registers (the unwinder restores only `rbp` and `rsp`)
    /// and makes its edge's moves into the landing block.
    pub(super) fn landing_pads(&mut self) {
        for (ret, t) in std::mem::take(&mut self.landings) {
            let pad = self.m.position();
            self.m.load(VMCTX, Mem::base(RBP, FRAME_VMCTX), Size::S64);
            if !self.env.memories.is_empty() {
                self.m
                    .load(HEAP, Mem::base(VMCTX, VMCTX_MEMORY0_BASE), Size::S64);
            }
            self.jump_to(&t, None);
            self.m.landing_site(ret, pad, self.frame.below() as u32);
        }
    }
}
