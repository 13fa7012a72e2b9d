//! A compiled function's stack frame: its layout, the callee-saved
//! registers it keeps, and the prologue and epilogue that build and tear
//! it down.
//!
//! ```text
//! [rbp + 16 + 8k]  stack parameter k
//! [rbp + 8]        return address
//! [rbp]            caller's rbp
//! [rbp - 8]        VMContext
//! [rbp - 16 ...]   the callee-saved registers the function uses (r15 and,
//!                  with a memory, r14 always), `saved` of them
//! then             the callee of the call being made,
//!                  the caller's return area (functions with 2+ results),
//!                  spill slots (8 bytes each), vector spill slots (16)
//! [rsp + 8k]       outgoing stack argument k, then the callees' return area
//! ```
//!
//! The `VMContext` slot and the saved `rbp` chain are what
//! `tandem_vm::unwind` walks to build a trap's backtrace.

// The slot the prologue pushes the VMContext into, first below `rbp`.
const _: () = assert!(tandem_vm::unwind::FRAME_VMCTX == -8);

use super::abi::{self, Place};
use super::masm::{Alu, Cc, Masm, Mem, Size};
use super::regalloc::Loc;
use super::regs::*;
use crate::ir::*;
use tandem_vm::offsets::*;
use tandem_vm::{ModuleEnv, TrapCode};

pub struct Frame {
    /// The callee-saved registers the prologue saves, in push order.
    saved: Vec<Gpr>,
    /// Offset from `rsp` of the return area for callees with 2+ results
    /// (above the outgoing stack arguments).
    out_ret_area: i32,
    /// Bytes from `rbp` down to `rsp` in the body, 16-byte aligned.
    below: i32,
    /// How many 8-byte spill slots there are.
    slots: u32,
}

impl Frame {
    /// The frame of `f`, whose values the register allocator put in
    /// `locs`, `slots` spill slots and `vector_slots` vector ones.
    pub fn new(
        f: &Function,
        env: &ModuleEnv,
        locs: &[Loc],
        slots: u32,
        vector_slots: u32,
    ) -> Frame {
        // The outgoing area: stack arguments, then a return area.
        let (mut out_args, mut out_rets) = (0u32, 0u32);
        for inst in &f.insts {
            let ty = match &inst.kind {
                InstKind::Call(func, _) => env.func_type(*func),
                InstKind::CallIndirect { ty, .. } => &env.types[*ty as usize],
                _ => continue,
            };
            let (params, results) = abi::signature(ty);
            let (_, stack) = abi::arg_places(&params, results > 1);
            out_args = out_args.max(stack);
            if results > 1 {
                out_rets = out_rets.max(results as u32);
            }
        }
        let mut saved: Vec<Gpr> = CALLEE_SAVED
            .into_iter()
            .filter(|&r| locs.contains(&Loc::Gpr(r)))
            .collect();
        if !env.memories.is_empty() {
            saved.push(HEAP);
        }
        saved.push(VMCTX);
        let mut frame = Frame {
            saved,
            out_ret_area: (8 * out_args as i32 + 15) & !15,
            below: 0,
            slots,
        };
        let below = frame.pushed()
            + 24
            + 8 * slots as i32
            + 16 * vector_slots as i32
            + frame.out_ret_area
            + 16 * out_rets as i32;
        frame.below = (below + 15) & !15;
        frame
    }

    /// Bytes the prologue pushes below `rbp` (the VMContext and the saved
    /// registers).
    fn pushed(&self) -> i32 {
        8 + 8 * self.saved.len() as i32
    }

    /// Where `call_indirect` keeps its callee while the arguments move.
    pub fn callee_slot(&self) -> Mem {
        Mem::base(RBP, -self.pushed() - 8)
    }

    /// Where the function keeps its caller's return area.
    pub fn ret_area_slot(&self) -> Mem {
        Mem::base(RBP, -self.pushed() - 16)
    }

    /// Spill slot `n` for a value of type `ty`.
    pub fn slot(&self, n: u32, ty: Ty) -> Place {
        match ty {
            Ty::V128 => Place::Mem128(
                RBP,
                -self.pushed() - 24 - 8 * self.slots as i32 - 16 * (n as i32 + 1),
            ),
            _ => Place::Mem(RBP, -self.pushed() - 24 - 8 * n as i32),
        }
    }

    /// The return area this function's callees with 2+ results write.
    pub fn out_ret_area(&self) -> i32 {
        self.out_ret_area
    }

    /// Builds the frame: saves registers, loads the function's context
    /// registers, checks the stack. `multi_result`: the caller passed a
    /// return area. Parameters are still where the caller put them.
    pub fn prologue(&self, m: &mut Masm, has_memory: bool, multi_result: bool) {
        m.push(RBP);
        m.mov(RBP, RSP, Size::S64);
        m.load(RAX, Mem::base(abi::CALLEE, FUNC_VMCTX), Size::S64);
        m.push(RAX);
        for &r in &self.saved {
            m.push(r);
        }
        m.mov(VMCTX, RAX, Size::S64);
        m.alu_imm(Alu::Sub, RSP, self.below - self.pushed(), Size::S64);
        m.load(RAX, Mem::base(VMCTX, VMCTX_STORE), Size::S64);
        m.cmp_load(RSP, Mem::base(RAX, STORE_STACK_LIMIT), Size::S64);
        let overflow = m.trap_label(TrapCode::StackOverflow);
        m.jcc(Cc::B, overflow);
        if has_memory {
            m.load(HEAP, Mem::base(VMCTX, VMCTX_MEMORY0), Size::S64);
            m.load(HEAP, Mem::base(HEAP, MEMORY_BASE), Size::S64);
        }
        if multi_result {
            m.store(self.ret_area_slot(), abi::RET_AREA, Size::S64);
        }
    }

    /// Restores the caller's registers and returns.
    pub fn epilogue(&self, m: &mut Masm) {
        m.lea(RSP, Mem::base(RBP, -self.pushed()), Size::S64);
        for &r in self.saved.iter().rev() {
            m.pop(r);
        }
        m.leave();
        m.ret();
    }
}
