//! Trampolines between the two calling conventions, generated per
//! signature.
//!
//! *Into* compiled code: a function's array-call entry is a stub that
//! names its signature's trampoline and jumps to [`enter`], which checks
//! the stack, opens a landing (where a trap in compiled code returns to)
//! and runs the trampoline inside it; the trampoline loads the argument
//! buffer into registers, calls the native entry and stores the results.
//!
//! *Out of* compiled code: a callee without native code (a host function)
//! gets a native entry that spills its register arguments into a buffer,
//! calls the callee's array-call entry, and either loads the results or,
//! on a trap status, continues the trap through the compiled frames.

use super::abi::{self, arg_places, Place};
use super::masm::*;
use super::regs::*;
use crate::ir::Ty;
use std::mem::offset_of;
use tandem_vm::fault::{self, Landing};
use tandem_vm::offsets::{FUNC_ARRAY_CALL, FUNC_NATIVE_CALL};
use tandem_vm::{callconv, trap, TrapCode, VMContext, VMFunc, ValRaw};

/// What [`enter`] hands the trampoline.
#[repr(C)]
struct EnterArgs {
    callee: *const VMFunc,
    caller: *mut VMContext,
    values: *mut ValRaw,
}

/// The array-call entry shared by all compiled functions, reached from a
/// per-signature stub that passes the signature's trampoline in `rcx`.
///
/// # Safety
/// As for any [`ArrayCallFn`](tandem_vm::ArrayCallFn) (`callee` a live
/// compiled function, `values` its argument and result buffer);
/// `trampoline` must be the trampoline of the callee's signature.
unsafe extern "C" fn enter(
    callee: *const VMFunc,
    caller: *mut VMContext,
    values: *mut ValRaw,
    trampoline: fault::Catchable,
) -> u32 {
    // SAFETY: the caller guarantees `callee` is a live `VMFunc`.
    let vmctx = unsafe { (*callee).vmctx };
    // SAFETY: a compiled function's `vmctx` is its live defining instance.
    if !unsafe { callconv::native_stack_ok(vmctx) } {
        let status = trap::raise(TrapCode::StackOverflow);
        // SAFETY: `callee` is live (above).
        trap::push_frame(vmctx, unsafe { (*callee).func_index });
        return status;
    }
    let mut args = EnterArgs {
        callee,
        caller,
        values,
    };
    // Faults of compiled code are recognised by their address, so the
    // landing names no memory.
    let mut landing = Landing::new();
    // SAFETY: `trampoline` is the callee's signature's (as the caller
    // guarantees), which takes the `EnterArgs` given, and `args` and
    // `landing` live on this frame until the call returns. The frames a
    // trap abandons are the trampoline's and compiled code's, which own
    // nothing that needs dropping.
    unsafe {
        fault::catch_memory_faults(
            trampoline,
            (&mut args as *mut EnterArgs).cast(),
            &mut landing,
        )
    }
}

/// Emits the stub that is a compiled function's array-call entry for a
/// signature whose trampoline is at `trampoline`.
pub fn array_entry_stub(m: &mut Masm, trampoline: u64) {
    m.mov_imm64(RCX, trampoline);
    m.mov_imm64(RAX, enter as *const () as u64);
    m.jmp_reg(RAX);
}

/// Emits the trampoline `fn(*mut EnterArgs) -> u32` for a signature: it
/// calls the callee's native entry, or the code at `target` (an OSR entry,
/// which no `VMFunc` names; its address in full, so the trampoline's size
/// does not depend on it).
pub fn array_to_native(m: &mut Masm, params: &[Ty], results: &[Ty], target: Option<u64>) {
    let multi = results.len() > 1;
    let (places, stack) = arg_places(params, multi);
    // rbx: the EnterArgs; r12: the buffer of values.
    m.push(RBP);
    m.mov(RBP, RSP, Size::S64);
    m.push(RBX);
    m.push(R12);
    m.mov(RBX, RDI, Size::S64);
    m.load(
        R12,
        Mem::base(RBX, offset_of!(EnterArgs, values) as i32),
        Size::S64,
    );
    let area = (8 * stack as i32 + 15) & !15;
    if area > 0 {
        m.alu_imm(Alu::Sub, RSP, area, Size::S64);
    }
    for (i, (p, t)) in places.iter().zip(params).enumerate() {
        let src = Mem::base(R12, 16 * i as i32);
        match (*p, t) {
            (Place::Gpr(r), _) => m.load(r, src, Size::S64),
            (Place::Xmm(x), Ty::V128) => m.load_v128(x, src),
            (Place::Xmm(x), _) => m.load_float(x, src, Size::S64),
            (Place::Mem(_, off), _) => {
                m.load(RAX, src, Size::S64);
                m.store(Mem::base(RSP, off), RAX, Size::S64);
            }
            (Place::Mem128(_, off), _) => {
                m.load_v128(XMM_SCRATCH[0], src);
                m.store_v128(Mem::base(RSP, off), XMM_SCRATCH[0]);
            }
        }
    }
    if multi {
        // The buffer is the return area: results land in their ValRaws.
        m.mov(abi::RET_AREA, R12, Size::S64);
    }
    m.load(
        abi::CALLEE,
        Mem::base(RBX, offset_of!(EnterArgs, callee) as i32),
        Size::S64,
    );
    m.load(
        abi::CALLER_VMCTX,
        Mem::base(RBX, offset_of!(EnterArgs, caller) as i32),
        Size::S64,
    );
    match target {
        None => m.call_mem(Mem::base(abi::CALLEE, FUNC_NATIVE_CALL)),
        Some(addr) => {
            m.mov_imm64(RAX, addr);
            m.call_reg(RAX);
        }
    }
    if !multi {
        if let Some(&t) = results.first() {
            match t {
                Ty::I32 | Ty::I64 => m.store(Mem::base(R12, 0), abi::INT_RESULT, Size::S64),
                Ty::F32 => {
                    m.xmm_to_gpr(RAX, abi::FLOAT_RESULT, Size::S32);
                    m.store(Mem::base(R12, 0), RAX, Size::S64);
                }
                Ty::F64 => m.store_float(Mem::base(R12, 0), abi::FLOAT_RESULT, Size::S64),
                Ty::V128 => m.store_v128(Mem::base(R12, 0), abi::FLOAT_RESULT),
            }
        }
    }
    // A scalar's `ValRaw` is its bits zero-extended.
    for (i, &t) in results.iter().enumerate() {
        if t != Ty::V128 {
            m.store_imm(Mem::base(R12, 16 * i as i32 + 8), 0, Size::S64);
        }
    }
    m.alu(Alu::Xor, RAX, RAX, Size::S32);
    m.lea(RSP, Mem::base(RBP, -16), Size::S64);
    m.pop(R12);
    m.pop(RBX);
    m.pop(RBP);
    m.ret();
}

/// Emits a native entry for a signature that calls the callee's array-call
/// entry (`rdi` is the callee, `rsi` the caller, as the convention has it).
pub fn native_to_array(m: &mut Masm, params: &[Ty], results: &[Ty]) {
    let multi = results.len() > 1;
    let (places, _) = arg_places(params, multi);
    let n = params.len().max(results.len());
    m.push(RBP);
    m.mov(RBP, RSP, Size::S64);
    // [rbp - 8]: the return area; the buffer below, 16 bytes a value.
    m.alu_imm(Alu::Sub, RSP, 16 + 16 * n as i32, Size::S64);
    if multi {
        m.store(Mem::base(RBP, -8), abi::RET_AREA, Size::S64);
    }
    for (i, (p, t)) in places.iter().zip(params).enumerate() {
        let dst = Mem::base(RSP, 16 * i as i32);
        match (*p, t) {
            (Place::Gpr(r), _) => m.store(dst, r, Size::S64),
            (Place::Xmm(x), Ty::F32) => {
                m.xmm_to_gpr(RAX, x, Size::S32);
                m.store(dst, RAX, Size::S64);
            }
            (Place::Xmm(x), Ty::V128) => {
                m.store_v128(dst, x);
                continue;
            }
            (Place::Xmm(x), _) => m.store_float(dst, x, Size::S64),
            (Place::Mem(_, off), _) => {
                m.load(RAX, Mem::base(RBP, 16 + off), Size::S64);
                m.store(dst, RAX, Size::S64);
            }
            (Place::Mem128(_, off), _) => {
                m.load_v128(XMM_SCRATCH[0], Mem::base(RBP, 16 + off));
                m.store_v128(dst, XMM_SCRATCH[0]);
                continue;
            }
        }
        m.store_imm(Mem::base(RSP, 16 * i as i32 + 8), 0, Size::S64);
    }
    for i in params.len()..n {
        m.alu(Alu::Xor, RAX, RAX, Size::S32);
        m.store(Mem::base(RSP, 16 * i as i32), RAX, Size::S64);
        m.store(Mem::base(RSP, 16 * i as i32 + 8), RAX, Size::S64);
    }
    m.mov(RDX, RSP, Size::S64);
    m.call_mem(Mem::base(abi::CALLEE, FUNC_ARRAY_CALL));
    m.test(RAX, RAX, Size::S32);
    let mut trapped = m.label();
    m.jcc(Cc::Ne, trapped);
    if multi {
        m.load(RCX, Mem::base(RBP, -8), Size::S64);
        for (i, &t) in results.iter().enumerate() {
            let (src, dst) = (Mem::base(RSP, 16 * i as i32), Mem::base(RCX, 16 * i as i32));
            if t == Ty::V128 {
                m.load_v128(XMM_SCRATCH[0], src);
                m.store_v128(dst, XMM_SCRATCH[0]);
            } else {
                m.load(RAX, src, Size::S64);
                m.store(dst, RAX, Size::S64);
            }
        }
    } else if let Some(&t) = results.first() {
        if t == Ty::V128 {
            m.load_v128(abi::FLOAT_RESULT, Mem::base(RSP, 0));
        } else if t.is_float() {
            m.load_float(abi::FLOAT_RESULT, Mem::base(RSP, 0), Size::S64);
        } else {
            m.load(abi::INT_RESULT, Mem::base(RSP, 0), Size::S64);
        }
    }
    m.leave();
    m.ret();
    m.bind(&mut trapped);
    m.mov(RDI, RAX, Size::S32);
    m.mov(RSI, RBP, Size::S64);
    m.alu_imm(Alu::And, RSP, -16, Size::S64);
    let unwinder = tandem_vm::unwind::continue_trap;
    m.call_fn("continue_trap", unwinder as *const () as u64);
}
