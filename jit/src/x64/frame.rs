//! A compiled function's stack frame: its layout, the callee-saved
//! registers it keeps, and the prologue and epilogue that build and tear
//! it down.
//!
//! ```text
//! [rbp + 16 + 8k]  stack parameter k (the area the function pops as it
//!                  returns, see `abi`)
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
//! A tail call tears the frame down without returning: the callee's stack
//! arguments, staged at the bottom of the frame like any call's, move to
//! the top of the function's own incoming area (which is as large, or
//! extends below it, over the frame), the return address goes right
//! below them, and the callee is jumped to. It returns to the caller, and
//! pops its own arguments, leaving the stack pointer where the caller's
//! call of this function would have.
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
    /// Bytes of stack arguments the caller passed, which the epilogue pops.
    incoming: i32,
    /// How many 8-byte spill slots there are.
    slots: u32,
    /// Whether the prologue checks the stack limit (see [`UNCHECKED_FRAME`]).
    checks_stack: bool,
}

/// The largest frame a function that calls no Wasm function builds without
/// checking the stack limit. Such a function adds one bounded frame below
/// its caller, which checked, as the runtime's builtins it calls do: the
/// stack below the limit has room for those (the host's own functions run
/// there), and no recursion can go on through it. Only functions that call
/// Wasm functions, or build large frames, need the check.
const UNCHECKED_FRAME: i32 = 4096;

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
        let tail_calls = f.blocks.iter().filter_map(|b| match b.term {
            Terminator::ReturnCall(callee, _) => Some(callee.ty(env)),
            _ => None,
        });
        let calls = f.insts.iter().filter_map(|inst| match inst.kind {
            InstKind::Call(callee, _) => Some(callee.ty(env)),
            _ => None,
        });
        let mut calls_wasm = false;
        for ty in calls.chain(tail_calls) {
            calls_wasm = true;
            let (params, results) = abi::signature(ty);
            let (_, stack) = abi::arg_places(&params, results > 1);
            out_args = out_args.max(stack);
            if results > 1 {
                out_rets = out_rets.max(results as u32);
            }
        }
        // A throw writes its payload where the return area is, and a catch
        // clause reads it from there.
        for inst in &f.insts {
            let payload = match inst.kind {
                InstKind::Raise(Raise::Tag(_, ref payload)) => payload.len(),
                InstKind::Catch(Some(tag), _) => {
                    let ty = env.tags[tag as usize] as usize;
                    env.types[ty].params().len()
                }
                _ => 0,
            };
            out_rets = out_rets.max(payload as u32);
        }
        // A function with landing pads saves them all: the frames an
        // exception skips on its way there restore none.
        let mut saved: Vec<Gpr> = CALLEE_SAVED
            .into_iter()
            .filter(|&r| f.catches || locs.contains(&Loc::Gpr(r)))
            .collect();
        if !env.memories.is_empty() || f.catches {
            saved.push(HEAP);
        }
        saved.push(VMCTX);
        let entry = f.block(Block(0));
        let params: Vec<Ty> = entry.params.iter().map(|&p| f.ty(p)).collect();
        let (_, incoming) = abi::arg_places(&params, f.results.len() > 1);
        let mut frame = Frame {
            saved,
            out_ret_area: abi::stack_area(out_args),
            below: 0,
            incoming: abi::stack_area(incoming),
            slots,
            checks_stack: true,
        };
        let below = frame.pushed()
            + 24
            + 8 * slots as i32
            + 16 * vector_slots as i32
            + frame.out_ret_area
            + 16 * out_rets as i32;
        frame.below = (below + 15) & !15;
        frame.checks_stack = calls_wasm || frame.below > UNCHECKED_FRAME;
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

    /// Bytes from `rbp` down to `rsp` in the body.
    pub fn below(&self) -> i32 {
        self.below
    }

    /// The return area this function's callees with 2+ results write.
    pub fn out_ret_area(&self) -> i32 {
        self.out_ret_area
    }

    /// Builds the frame: saves registers, loads the function's context
    /// registers, checks the stack. `multi_result`: the caller passed a
    /// return area. Parameters are still where the caller put them.
    ///
    /// A caller passes the callee's record (`rdi`), whose `VMContext` the
    /// first instruction takes into `rsi`; a caller of the same instance
    /// passes its own `VMContext` in `rsi` anyway, and calls the function
    /// right after that instruction, at its local entry.
    pub fn prologue(&self, m: &mut Masm, has_memory: bool, multi_result: bool) {
        m.load(
            abi::CALLER_VMCTX,
            Mem::base(abi::CALLEE, FUNC_VMCTX),
            Size::S64,
        );
        m.local_entry();
        m.push(RBP);
        m.mov(RBP, RSP, Size::S64);
        m.push(abi::CALLER_VMCTX);
        for &r in &self.saved {
            m.push(r);
        }
        m.mov(VMCTX, abi::CALLER_VMCTX, Size::S64);
        m.alu_imm(Alu::Sub, RSP, self.below - self.pushed(), Size::S64);
        if self.checks_stack {
            m.load(RAX, Mem::base(VMCTX, VMCTX_STORE), Size::S64);
            m.cmp_load(RSP, Mem::base(RAX, STORE_STACK_LIMIT), Size::S64);
            let overflow = m.trap_label(TrapCode::StackOverflow);
            m.jcc(Cc::B, overflow);
        }
        if has_memory {
            m.load(HEAP, Mem::base(VMCTX, VMCTX_MEMORY0_BASE), Size::S64);
        }
        if multi_result {
            m.store(self.ret_area_slot(), abi::RET_AREA, Size::S64);
        }
    }

    /// Restores the caller's registers and returns, popping the stack
    /// arguments.
    pub fn epilogue(&self, m: &mut Masm) {
        m.lea(RSP, Mem::base(RBP, -self.pushed()), Size::S64);
        for &r in self.saved.iter().rev() {
            m.pop(r);
        }
        m.leave();
        m.ret_pop(self.incoming);
    }

    /// Tears the frame down for a tail call and jumps to the callee (in
    /// `rdi`, with `rsi` and the argument registers set), whose `out` bytes
    /// of stack arguments are staged at `rsp`. Clobbers `rax`, `r10` and
    /// `r11` only.
    pub fn tail_call(&self, m: &mut Masm, out: i32) {
        // The caller's registers back, by loads: `rsp` stays below the
        // staged arguments until they have moved.
        for (i, &r) in self.saved.iter().enumerate() {
            m.load(r, Mem::base(RBP, -16 - 8 * i as i32), Size::S64);
        }
        // The arguments' place ends where the incoming ones end. It lies
        // above the staging area (the frame holds that area and more), so
        // copying from the last word down never overwrites one not yet
        // copied.
        let at = 16 + self.incoming - out;
        if out != self.incoming {
            m.load(RAX, Mem::base(RBP, 8), Size::S64);
            m.load(R11, Mem::base(RBP, 0), Size::S64);
        }
        for k in (0..out / 8).rev() {
            m.load(R10, Mem::base(RSP, 8 * k), Size::S64);
            m.store(Mem::base(RBP, at + 8 * k), R10, Size::S64);
        }
        if out == self.incoming {
            m.leave();
        } else {
            m.lea(RSP, Mem::base(RBP, at - 8), Size::S64);
            m.store(Mem::base(RSP, 0), RAX, Size::S64);
            m.mov(RBP, R11, Size::S64);
        }
        m.jmp_mem(Mem::base(abi::CALLEE, FUNC_NATIVE_CALL));
    }
}
