//! Trampolines between the two calling conventions, generated per
//! signature.
//!
//! *Into* compiled code: a function's array-call entry is a stub that
//! names its signature's trampoline and jumps to [`enter`], which checks
//! the stack, opens a landing (where a trap in compiled code returns to)
//! and runs the trampoline inside it; the trampoline loads the argument
//! buffer into registers, calls the native entry and stores the results.
//!
//! *Out of* compiled code: a callee without native code (a host or an
//! interpreted function) gets a native entry that spills its register
//! arguments into a buffer, calls the callee's array-call entry, and either
//! loads the results or, on a trap status, continues the trap through the
//! compiled frames. An interpreted callee may instead leave a tail call
//! pending (`tandem_vm::tail`): the entry then makes it in its own place,
//! by jumping to the pending callee's native entry as compiled code's
//! tail calls do.

use super::abi::{self, arg_places, Place};
use super::masm::*;
use super::regs::*;
use super::reloc::Reloc;
use crate::builtins::RuntimeFn;
use crate::ir::Ty;
use std::mem::offset_of;
use tandem_vm::fault::{self, Landing};
use tandem_vm::offsets::{FUNC_ARRAY_CALL, FUNC_NATIVE_CALL};
use tandem_vm::{callconv, tail, trap, TrapCode, VMContext, VMFunc, ValRaw};

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
pub(crate) unsafe extern "C" fn enter(
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
pub fn array_entry_stub(m: &mut Masm, trampoline: Reloc) {
    m.mov_addr(RCX, trampoline);
    m.mov_addr(RAX, Reloc::Runtime(RuntimeFn::Enter));
    m.jmp_reg(RAX);
}

/// Emits the trampoline `fn(*mut EnterArgs) -> u32` for a signature: it
/// calls the callee's native entry, or the code at `target` (an OSR entry,
/// which no `VMFunc` names).
pub fn array_to_native(m: &mut Masm, params: &[Ty], results: &[Ty], target: Option<Reloc>) {
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
    let area = abi::stack_area(stack);
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
            m.mov_addr(RAX, addr);
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
    let (places, stack) = arg_places(params, multi);
    let incoming = abi::stack_area(stack);
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
    m.ret_pop(incoming);
    m.bind(&mut trapped);
    m.alu_imm(Alu::Cmp, RAX, tail::TAIL_CALL as i32, Size::S32);
    let mut pending = m.label();
    m.jcc(Cc::E, pending);
    m.mov(RDI, RAX, Size::S32);
    m.mov(RSI, RBP, Size::S64);
    m.alu_imm(Alu::And, RSP, -16, Size::S64);
    m.call_fn(RuntimeFn::ContinueTrap);
    m.bind(&mut pending);
    pending_tail_call(m, incoming, multi);
}

/// The integer argument registers, in the order of [`NativeTailCall::ints`].
const INT_REGS: [Gpr; 4] = [RDX, RCX, R8, R9];

/// The arguments of a pending tail call, laid out by [`native_tail_call`]
/// for the native convention.
#[repr(C)]
pub(crate) struct NativeTailCall {
    callee: *const VMFunc,
    caller: *mut VMContext,
    /// `rdx`, `rcx`, `r8`, `r9` (from `rcx` on with a return area).
    ints: [u64; 4],
    xmms: [[u64; 2]; 8],
    /// The stack arguments' area: its size, and its words.
    stack_bytes: u64,
    stack: *const u64,
}

thread_local! {
    static TAIL_CALL_ARGS: std::cell::UnsafeCell<(NativeTailCall, Vec<u64>)> =
        const { std::cell::UnsafeCell::new((
            NativeTailCall {
                callee: std::ptr::null(),
                caller: std::ptr::null_mut(),
                ints: [0; 4],
                xmms: [[0; 2]; 8],
                stack_bytes: 0,
                stack: std::ptr::null(),
            },
            Vec::new(),
        )) };
}

/// Lays out this thread's pending tail call for the native convention, in
/// a thread-local that lives until the next one.
pub(crate) extern "C" fn native_tail_call() -> *const NativeTailCall {
    TAIL_CALL_ARGS.with(|cell| {
        // SAFETY: only this function touches the thread-local, and it is
        // not reentrant; the pointer it returns is read before the next
        // call on this thread.
        let (args, stack) = unsafe { &mut *cell.get() };
        tail::with_pending(|p| {
            // SAFETY: `ty` belongs to the module of the function that left
            // the call, whose instance lives as long as the store running.
            let ty = unsafe { &*p.ty };
            let params: Vec<Ty> = ty.params().iter().map(|&t| Ty::of(t)).collect();
            let (places, slots) = arg_places(&params, ty.results().len() > 1);
            args.callee = p.callee;
            args.caller = p.caller;
            stack.clear();
            stack.resize(abi::stack_area(slots) as usize / 8, 0);
            for (v, place) in p.args.iter().zip(places) {
                let bits = [v.0 as u64, (v.0 >> 64) as u64];
                match place {
                    Place::Gpr(r) => {
                        let i = INT_REGS.iter().position(|&g| g == r);
                        args.ints[i.expect("an argument register")] = bits[0];
                    }
                    Place::Xmm(x) => args.xmms[x.0 as usize] = bits,
                    Place::Mem(_, off) => stack[off as usize / 8] = bits[0],
                    Place::Mem128(_, off) => {
                        stack[off as usize / 8..][..2].copy_from_slice(&bits);
                    }
                }
            }
            args.stack_bytes = 8 * stack.len() as u64;
            args.stack = stack.as_ptr();
        });
        args as *const NativeTailCall
    })
}

/// Emits the path of a native entry whose callee left a tail call pending:
/// the entry's frame (of `incoming` bytes of stack arguments; `multi`: with
/// a return area, at `[rbp - 8]`) makes way for the pending callee, which
/// is jumped to with the entry's return address, as a compiled tail call
/// does (see `frame.rs`).
fn pending_tail_call(m: &mut Masm, incoming: i32, multi: bool) {
    let at = |field| Mem::base(R10, field as i32);
    m.call_fn(RuntimeFn::NativeTailCall);
    m.mov(R10, RAX, Size::S64);
    m.load(RAX, Mem::base(RBP, 8), Size::S64);
    m.load(R11, Mem::base(RBP, 0), Size::S64);
    if multi {
        m.load(RSI, Mem::base(RBP, -8), Size::S64);
    }
    // r8: where the callee's stack arguments go, ending where the entry's
    // end; the return address right below.
    m.load(RCX, at(offset_of!(NativeTailCall, stack_bytes)), Size::S64);
    m.load(RDI, at(offset_of!(NativeTailCall, stack)), Size::S64);
    m.lea(R8, Mem::base(RBP, 16 + incoming), Size::S64);
    m.alu(Alu::Sub, R8, RCX, Size::S64);
    m.lea(RSP, Mem::base(R8, -8), Size::S64);
    m.store(Mem::base(RSP, 0), RAX, Size::S64);
    let mut copy = m.label();
    let mut copied = m.label();
    m.bind(&mut copy);
    m.test(RCX, RCX, Size::S64);
    m.jcc(Cc::E, copied);
    m.alu_imm(Alu::Sub, RCX, 8, Size::S64);
    m.load(R9, Mem::indexed(RDI, RCX, 1, 0), Size::S64);
    m.store(Mem::indexed(R8, RCX, 1, 0), R9, Size::S64);
    m.jmp(copy);
    m.bind(&mut copied);
    if multi {
        m.mov(abi::RET_AREA, RSI, Size::S64);
    }
    let ints = offset_of!(NativeTailCall, ints) as i32;
    for (i, r) in INT_REGS.into_iter().enumerate() {
        if !(multi && r == abi::RET_AREA) {
            m.load(r, Mem::base(R10, ints + 8 * i as i32), Size::S64);
        }
    }
    let xmms = offset_of!(NativeTailCall, xmms) as i32;
    for i in 0..8 {
        m.load_v128(Xmm(i), Mem::base(R10, xmms + 16 * i as i32));
    }
    m.load(
        abi::CALLEE,
        at(offset_of!(NativeTailCall, callee)),
        Size::S64,
    );
    m.load(
        abi::CALLER_VMCTX,
        at(offset_of!(NativeTailCall, caller)),
        Size::S64,
    );
    m.mov(RBP, R11, Size::S64);
    m.jmp_mem(Mem::base(abi::CALLEE, FUNC_NATIVE_CALL));
}
