//! Adapters between the two calling conventions, generated per signature.
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

use crate::ir::Ty;
use crate::x64::lower::{arg_places, Place};
use crate::x64::masm::*;
use iced_x86::code_asm::*;
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
/// As for any [`ArrayCallFn`](tandem_vm::ArrayCallFn); `trampoline` must be
/// the trampoline of the callee's signature.
unsafe extern "C" fn enter(
    callee: *const VMFunc,
    caller: *mut VMContext,
    values: *mut ValRaw,
    trampoline: fault::Catchable,
) -> u32 {
    let vmctx = (*callee).vmctx;
    if !callconv::native_stack_ok(vmctx) {
        let status = trap::raise(TrapCode::StackOverflow);
        trap::push_frame(vmctx, (*callee).func_index);
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
    fault::catch_memory_faults(
        trampoline,
        (&mut args as *mut EnterArgs).cast(),
        &mut landing,
    )
}

/// Emits the stub that is a compiled function's array-call entry for a
/// signature whose trampoline is at `trampoline`.
pub fn array_entry_stub(m: &mut Masm, trampoline: u64) {
    ok(m.a.mov(rcx, trampoline));
    ok(m.a.mov(rax, enter as *const () as u64));
    ok(m.a.jmp(rax));
}

/// Emits the trampoline `fn(*mut EnterArgs) -> u32` for a signature: it
/// calls the callee's native entry, or the code at `target` (an OSR entry,
/// which no `VMFunc` names; its address in full, so the trampoline's size
/// does not depend on it).
pub fn array_to_native(m: &mut Masm, params: &[Ty], results: &[Ty], target: Option<u64>) {
    let multi = results.len() > 1;
    let (places, stack) = arg_places(params, multi);
    let a = &mut m.a;
    ok(a.push(rbp));
    ok(a.mov(rbp, rsp));
    ok(a.push(rbx));
    ok(a.push(r12));
    ok(a.mov(rbx, rdi));
    ok(a.mov(r12, qword_ptr(rbx + 16)));
    let area = (8 * stack as i32 + 15) & !15;
    if area > 0 {
        ok(a.sub(rsp, area));
    }
    for (i, p) in places.iter().enumerate() {
        let src = qword_ptr(r12 + 16 * i as i32);
        match *p {
            Place::Gpr(r) => ok(a.mov(r.q(), src)),
            Place::Xmm(x) => ok(a.movsd_2(x.x(), src)),
            Place::Mem(_, off) => {
                ok(a.mov(rax, src));
                ok(a.mov(qword_ptr(rsp + off), rax));
            }
        }
    }
    if multi {
        // The buffer is the return area: results land in their ValRaws.
        ok(a.mov(rdx, r12));
    }
    ok(a.mov(rdi, qword_ptr(rbx)));
    ok(a.mov(rsi, qword_ptr(rbx + 8)));
    match target {
        None => ok(a.call(qword_ptr(rdi + FUNC_NATIVE_CALL))),
        Some(addr) => {
            ok(a.mov(rax, addr));
            ok(a.call(rax));
        }
    }
    if !multi {
        if let Some(&t) = results.first() {
            match t {
                Ty::I32 | Ty::I64 => ok(a.mov(qword_ptr(r12), rax)),
                Ty::F32 => {
                    ok(a.movd(eax, xmm0));
                    ok(a.mov(qword_ptr(r12), rax));
                }
                Ty::F64 => ok(a.movsd_2(qword_ptr(r12), xmm0)),
            }
        }
    }
    for i in 0..results.len() {
        ok(a.mov(qword_ptr(r12 + (16 * i as i32 + 8)), 0));
    }
    ok(a.xor(eax, eax));
    ok(a.lea(rsp, qword_ptr(rbp - 16)));
    ok(a.pop(r12));
    ok(a.pop(rbx));
    ok(a.pop(rbp));
    ok(a.ret());
}

/// Emits a native entry for a signature that calls the callee's array-call
/// entry (`rdi` is the callee, `rsi` the caller, as the convention has it).
pub fn native_to_array(m: &mut Masm, params: &[Ty], results: &[Ty]) {
    let multi = results.len() > 1;
    let (places, _) = arg_places(params, multi);
    let n = params.len().max(results.len());
    let a = &mut m.a;
    ok(a.push(rbp));
    ok(a.mov(rbp, rsp));
    // [rbp - 8]: the return area; the buffer below, 16 bytes a value.
    ok(a.sub(rsp, 16 + 16 * n as i32));
    if multi {
        ok(a.mov(qword_ptr(rbp - 8), rdx));
    }
    for (i, (p, t)) in places.iter().zip(params).enumerate() {
        let dst = qword_ptr(rsp + 16 * i as i32);
        match (*p, t) {
            (Place::Gpr(r), _) => ok(a.mov(dst, r.q())),
            (Place::Xmm(x), Ty::F32) => {
                ok(a.movd(eax, x.x()));
                ok(a.mov(dst, rax));
            }
            (Place::Xmm(x), _) => ok(a.movsd_2(dst, x.x())),
            (Place::Mem(_, off), _) => {
                ok(a.mov(rax, qword_ptr(rbp + (16 + off))));
                ok(a.mov(dst, rax));
            }
        }
        ok(a.mov(qword_ptr(rsp + (16 * i as i32 + 8)), 0));
    }
    for i in params.len()..n {
        ok(a.xor(eax, eax));
        ok(a.mov(qword_ptr(rsp + 16 * i as i32), rax));
        ok(a.mov(qword_ptr(rsp + (16 * i as i32 + 8)), rax));
    }
    ok(a.mov(rdx, rsp));
    ok(a.call(qword_ptr(rdi + FUNC_ARRAY_CALL)));
    ok(a.test(eax, eax));
    let mut trapped = a.create_label();
    ok(a.jne(trapped));
    if multi {
        ok(a.mov(rcx, qword_ptr(rbp - 8)));
        for i in 0..results.len() {
            ok(a.mov(rax, qword_ptr(rsp + 16 * i as i32)));
            ok(a.mov(qword_ptr(rcx + 16 * i as i32), rax));
        }
    } else if let Some(&t) = results.first() {
        if t.is_float() {
            ok(a.movsd_2(xmm0, qword_ptr(rsp)));
        } else {
            ok(a.mov(rax, qword_ptr(rsp)));
        }
    }
    ok(a.leave());
    ok(a.ret());
    m.bind(&mut trapped);
    let a = &mut m.a;
    ok(a.mov(edi, eax));
    ok(a.mov(rsi, rbp));
    ok(a.and(rsp, -16));
    ok(a.mov(rax, tandem_vm::unwind::continue_trap as *const () as u64));
    ok(a.call(rax));
}
