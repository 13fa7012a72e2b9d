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
    let (vmctx, code) = (cx.vmctx, &*cx.code);
    let Op::LoopHead(l) = (*ip).op() else {
        unreachable!("loop_slow on a non-loop")
    };
    match enter_osr(cx.stack, vmctx, code, l, fp) {
        None => dispatch(ip.add(1), fp, mem_base, cx, acc),
        Some(0) => {
            // The compiled code may have grown the memory.
            let (mem_base, mem_len) = memory(vmctx, code);
            cx.mem_len = mem_len;
            cx.landing.mem_base = mem_base;
            // The `Return` a translation with loop heads ends with.
            let ret = code.ops.as_ptr().add(code.ops.len() - 1);
            dispatch(ret, fp, mem_base, cx, acc)
        }
        Some(status) => {
            // The compiled frame is in the backtrace already.
            cx.finished_by_osr = true;
            status
        }
    }
}

/// Finishes the call of `code` whose frame at `fp` is at the header of loop
/// `l` in the loop's OSR entry, if one is installed and the native stack
/// has room: returns the entry's status, with the results in the frame's
/// first slots. Else asks for the entry and returns `None`.
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
    let entry = osr.entry.load(Ordering::Acquire);
    // Too deep for compiled code, the loop goes on here too, and looks
    // again once the countdown runs out.
    if entry.is_null() || !callconv::native_stack_ok(vmctx) {
        module_code(vmctx).ran_out(code.func_index, Some(l), &code.countdown);
        return None;
    }
    let heat = code.heat.load(Ordering::Relaxed);
    tracing::debug!(func = code.func_index, r#loop = l, heat, "osr entry");
    // SAFETY: installed entries are array-call entries (see `LoopOsr`).
    let entry = std::mem::transmute::<*mut (), tandem_vm::ArrayCallFn>(entry);
    let live = osr.live_slots as usize;
    let mut buf = vec![ValRaw::default(); live.max(code.results.len())];
    for (i, v) in buf.iter_mut().enumerate().take(live) {
        *v = ValRaw(*fp.add(i) as u128);
    }
    let frame_end = fp.add(code.frame_slots as usize);
    let callee = (*vmctx).func(code.func_index);
    let status = call_array(stack, entry, callee, vmctx, &mut buf, frame_end);
    if status == 0 {
        let mut slot = 0;
        for (i, &r) in code.results.iter().enumerate() {
            slot += write_val(fp.add(slot), r, buf[i]);
        }
    }
    Some(status)
}
