//! On-stack replacement: a loop header whose function ran hot moves the
//! running frame into the loop's compiled OSR entry, which finishes the
//! call.

use super::*;

/// A loop header (`ip`, a [`Op::LoopHead`]) whose function's countdown has
/// run out: enters the loop's OSR entry if one is installed, which
/// finishes the call (its results land in the frame's first slots, as a
/// return leaves them), then returns from the frame; else asks for it (or
/// for the function) and goes on. Has the handlers' signature, so they
/// reach it by a tail call.
///
/// # Safety
/// As for a handler; `ip` is a `LoopHead` of `cx.code`, whose frame is at
/// `fp`.
#[inline(never)]
pub(super) unsafe fn loop_slow<W: Exec>(
    ip: *const Instr<W>,
    fp: *mut u64,
    mem_base: *mut u8,
    cx: &mut Cx<W>,
    acc: u64,
) -> u32 {
    // SAFETY: `cx.code` is the running function's translation, which is
    // live (the module invariants).
    let (vmctx, code) = (cx.vmctx, unsafe { &*cx.code });
    // SAFETY: `ip` points at an instruction (the contract).
    let Op::LoopHead(l) = (unsafe { (*ip).op() }) else {
        unreachable!("loop_slow on a non-loop")
    };
    // SAFETY: `vmctx` is the running instance, `code` its function running
    // at `fp` (the contract).
    match unsafe { enter_osr(cx.stack, vmctx, code, l, fp) } {
        // SAFETY: a loop head is never a function's last instruction (that
        // is a branch or a return), so `ip.add(1)` is the next one, in the
        // same frame.
        None => unsafe { dispatch(ip.add(1), fp, mem_base, cx, acc) },
        Some(0) => {
            // The compiled code may have grown the memory.
            // SAFETY: `vmctx` is live and `code` one of its module's functions.
            let (mem_base, mem_len) = unsafe { memory(vmctx, code) };
            cx.mem_len = mem_len;
            cx.landing.mem_base = mem_base;
            // The `Return` a translation with loop heads ends with.
            // SAFETY: `ops` is not empty (it ends with that `Return`).
            let ret = unsafe { code.ops.as_ptr().add(code.ops.len() - 1) };
            // SAFETY: `ret` is an instruction of `cx.code`, whose frame is at
            // `fp` (with the results in its first slots, as `Return` expects),
            // and `mem_base` is its memory.
            unsafe { dispatch(ret, fp, mem_base, cx, acc) }
        }
        Some(status) => {
            // The compiled frame is in the backtrace already.
            cx.frame_gone = true;
            status
        }
    }
}

/// Finishes the call of `code` whose frame at `fp` is at the header of loop
/// `l` in the loop's OSR entry, if one is installed and the native stack
/// has room: returns the entry's status, with the results in the frame's
/// first slots. Else asks for the entry, enters it if asking compiled it on
/// this thread (tier-up in the caller), and otherwise returns `None`.
///
/// # Safety
/// `vmctx` is the running instance, `code` its function running at `fp`.
#[inline(never)]
pub(super) unsafe fn enter_osr<W: Width>(
    stack: &ValueStack,
    vmctx: *mut VMContext,
    code: &FuncCode<W>,
    l: u32,
    fp: *mut u64,
) -> Option<u32> {
    let osr = &code.loops[l as usize];
    let mut entry = osr.entry.load(Ordering::Acquire);
    // Too deep for compiled code, the loop goes on here too, and looks
    // again once the countdown runs out.
    // SAFETY: `vmctx` is the live running instance (the contract).
    let stack_ok = unsafe { callconv::native_stack_ok(vmctx) };
    if entry.is_null() || !stack_ok {
        // SAFETY: `vmctx` is a live interpreted instance (the contract).
        unsafe { module_code(vmctx) }.ran_out(code.func_index, Some(l), &code.countdown);
        // Compiled on this thread just now if the embedder tiers up in
        // the caller: entered at once, not at the next loop that runs out
        // (each of which would compile the function again).
        entry = osr.entry.load(Ordering::Acquire);
        if entry.is_null() || !stack_ok {
            return None;
        }
    }
    let heat = code.heat.load(Ordering::Relaxed);
    tracing::debug!(func = code.func_index, r#loop = l, heat, "osr entry");
    // SAFETY: a non-null installed entry is a `tandem_vm::ArrayCallFn` (the
    // contract of `ModuleCode::install_osr`; see `LoopOsr::entry`), stored
    // as a data pointer: a function pointer of the same size.
    let entry = unsafe { std::mem::transmute::<*mut (), tandem_vm::ArrayCallFn>(entry) };
    let live = osr.live.len();
    let mut buf = vec![ValRaw::default(); live.max(code.results.len())];
    let mut slot = 0;
    for (v, &ty) in buf.iter_mut().zip(&osr.live) {
        // SAFETY: the values live at the loop's header fill the frame's
        // first slots, in this order (by construction in the translator),
        // inside the frame at `fp` (the contract).
        let (raw, n) = unsafe { read_val(fp.add(slot), ty) };
        *v = raw;
        slot += n;
    }
    // SAFETY: the frame at `fp` lies in the value stack (the module
    // invariants), so its end lies in or just past the stack's slots.
    let frame_end = unsafe { fp.add(code.frame_slots as usize) };
    // SAFETY: `vmctx` is live and `code.func_index` one of its functions.
    let callee = unsafe { (*vmctx).func(code.func_index) };
    // SAFETY: `entry` finishes the call of `callee` from the loop's header,
    // taking the `live` values `buf` holds (as `install_osr` checked) and
    // leaving the function's results there, for which `buf` has room;
    // `frame_end` is as `call_array` needs.
    let status = unsafe { call_array(stack, entry, callee, vmctx, &mut buf, frame_end) };
    if status == 0 {
        let mut slot = 0;
        for (i, &r) in code.results.iter().enumerate() {
            // SAFETY: the results fit in the frame's first slots, where a
            // `Return` leaves them too (the translator counts them in
            // `frame_slots`).
            slot += unsafe { write_val(fp.add(slot), r, buf[i]) };
        }
    }
    Some(status)
}
