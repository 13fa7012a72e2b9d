//! How a trap leaves compiled code.
//!
//! Compiled code never returns a status: every entry into it from the array
//! convention runs inside a landing ([`fault::catch_memory_faults`]), and a
//! trap jumps straight back to the innermost one. On the way, the trap's
//! record gets one backtrace frame per compiled frame it abandons, found by
//! walking the frame-pointer chain. Every compiled function keeps the
//! layout this relies on:
//!
//! ```text
//! [rbp + 8]  return address (into the caller's code)
//! [rbp]      the caller's rbp
//! [rbp - 8]  the function's VMContext
//! ```
//!
//! The walk stops at the first return address that is not inside a Wasm
//! function's code (a trampoline from the array convention, where the
//! landing is): frames further out are the interpreter's or the host's,
//! and they report themselves when the status reaches them.
//!
//! An exception takes the same walk first, looking for a compiled frame
//! whose call a `try_table` covers: the code registry maps the call's
//! return address to the function's landing pad, where the frame goes on
//! (see [`land`]). A function with landing pads keeps no value in a
//! callee-saved register across a call and saves them all in its
//! prologue, so the frames skipped owe it nothing.

use crate::{code_registry, fault, trap, TrapCode, VMContext};

/// Offset from a compiled frame's `rbp` of the slot holding its VMContext.
pub const FRAME_VMCTX: i32 = -8;

/// Appends the compiled frames from the one at `fp` outwards: first the
/// frame of the function at `pc` itself (if given), then each caller whose
/// return address lies in a Wasm function.
///
/// # Safety
/// `fp` must be the frame pointer of a live compiled frame on this thread,
/// with the layout above; if `pc` lies in a Wasm function, `fp` must be
/// that function's frame, past its prologue. With `pc` `None`, `fp` may
/// also be the frame of a trampoline called from compiled code, which
/// keeps `[rbp + 8]` and `[rbp]` as above.
unsafe fn push_compiled_frames(pc: Option<usize>, mut fp: usize) {
    if let Some(func) = pc.and_then(code_registry::func_at) {
        // SAFETY: the caller guarantees `fp` is the frame of the function at
        // `pc`, past its prologue, so its VMContext slot is written.
        let vmctx = unsafe { *((fp as isize + FRAME_VMCTX as isize) as *const *const VMContext) };
        trap::push_frame(vmctx, func);
    }
    loop {
        // SAFETY: `fp` is a live frame with the layout above: the caller's
        // (first iteration), or one reached through saved `rbp`s of compiled
        // frames (below), which their callees keep intact.
        let ret = unsafe { *((fp + 8) as *const usize) };
        let Some(func) = code_registry::func_at(ret) else {
            break;
        };
        // SAFETY: as for `ret`; the saved `rbp` is the frame pointer of the
        // caller, a Wasm function (its return address lies in one), which
        // was past its prologue when it made the call.
        fp = unsafe { *(fp as *const usize) };
        // SAFETY: `fp` is now that compiled caller's frame, whose VMContext
        // slot its prologue wrote.
        let vmctx = unsafe { *((fp as isize + FRAME_VMCTX as isize) as *const *const VMContext) };
        trap::push_frame(vmctx, func);
    }
}

/// With an exception in flight (`status`), finds the innermost compiled
/// frame, from the caller of the one at `fp` outwards, whose call a
/// `try_table` covers, and goes on at its landing pad; returns if none
/// lies before the first frame that is not compiled code's.
///
/// # Safety
/// `fp` must be a frame with the layout above (a compiled function's or
/// a trampoline's called from compiled code), on this thread, inside a
/// landing; the frames above the landing must own nothing that needs
/// dropping.
unsafe fn land(status: u32, mut fp: usize) {
    if status != TrapCode::Exception as u32 {
        return;
    }
    loop {
        // SAFETY: `fp` is a live frame with the layout above (the
        // contract, then a compiled caller's, below).
        let ret = unsafe { *((fp + 8) as *const usize) };
        let Some(landing) = code_registry::landing_at(ret) else {
            return;
        };
        // SAFETY: as above; the caller's saved `rbp` is its frame, which
        // was past its prologue when it made the call.
        fp = unsafe { *(fp as *const usize) };
        if let Some((pad, below)) = landing {
            // SAFETY: the pad belongs to the function whose frame `fp` is,
            // which made the covered call returning to `ret`; its body's
            // stack pointer is `below` bytes under `rbp`. The frames above
            // own nothing (the contract).
            unsafe { resume_at_pad(pad, fp, fp - below as usize) }
        }
    }
}

/// Jumps to landing pad `pad` of the compiled frame at `fp`, its stack
/// pointer `sp`.
///
/// # Safety
/// As [`land`] finds them; everything on the stack under `sp` is
/// abandoned.
unsafe fn resume_at_pad(pad: usize, fp: usize, sp: usize) -> ! {
    // SAFETY: the caller guarantees `pad` is code that runs in the frame
    // at `fp` with its stack pointer `sp`, and needs no other register
    // (it reloads its context registers from the frame).
    unsafe {
        std::arch::asm!(
            "mov rsp, {sp}",
            "mov rbp, {fp}",
            "jmp {pad}",
            sp = in(reg) sp,
            fp = in(reg) fp,
            pad = in(reg) pad,
            options(noreturn),
        )
    }
}

/// Starts a trap `code` at `pc` in compiled code whose frame pointer is
/// `fp`: records the trap, its frames, and returns from the innermost
/// landing. The fault handler resumes here for a registered trap site;
/// compiled code calls it for a trap status a builtin returned.
///
/// # Safety
/// `pc` must lie in a compiled function past its prologue (every trap site
/// does) and `fp` be that function's frame, on this thread, inside a
/// landing; the frames above the landing must own nothing that needs
/// dropping (compiled code, and builtins that have returned).
pub unsafe extern "sysv64" fn trap_in_compiled_code(code: u32, pc: usize, fp: usize) -> ! {
    let code = TrapCode::from_u32(code).unwrap_or(TrapCode::Unreachable);
    // SAFETY: the caller's contract is `raised_in_compiled_code`'s, and the
    // record it needs pending was raised just now.
    unsafe { raised_in_compiled_code(trap::raise(code), pc, fp) }
}

/// Continues a trap that the runtime raised for compiled code at `pc`,
/// whose frame pointer is `fp` (a runtime service it called): adds its
/// frames to the pending record and returns from the innermost landing.
///
/// # Safety
/// As for [`trap_in_compiled_code`]; `status` a trap status whose record
/// is pending.
pub unsafe extern "sysv64" fn raised_in_compiled_code(status: u32, pc: usize, fp: usize) -> ! {
    // SAFETY: the caller guarantees `fp` is the frame of a compiled
    // function, inside a landing, under frames that own nothing.
    unsafe { land(status, fp) };
    // SAFETY: the caller guarantees `fp` is the frame of the compiled
    // function at `pc`, past its prologue.
    unsafe { push_compiled_frames(Some(pc), fp) };
    // SAFETY: the caller guarantees a landing is running and the frames
    // above it own nothing that needs dropping.
    unsafe { fault::resume_at_landing(status) }
}

/// Continues a trap that an array-convention callee returned to compiled
/// code (through a trampoline whose frame pointer is `fp`): its record
/// already holds the callee's frames; this adds the compiled ones and
/// returns from the innermost landing.
///
/// # Safety
/// `fp` must be the frame of a trampoline called from compiled code,
/// inside a landing; `status` a trap status whose record is pending.
pub unsafe extern "sysv64" fn continue_trap(status: u32, fp: usize) -> ! {
    // SAFETY: the caller guarantees `fp` is a trampoline's frame called
    // from compiled code, inside a landing, under frames that own nothing.
    unsafe { land(status, fp) };
    // SAFETY: the caller guarantees `fp` is a trampoline's frame, which has
    // the layout above up to `[rbp + 8]` (its VMContext slot is not read
    // without a `pc`).
    unsafe { push_compiled_frames(None, fp) };
    // SAFETY: the caller guarantees a landing is running; the frames above
    // it are the trampoline's and compiled code's, which own nothing.
    unsafe { fault::resume_at_landing(status) }
}
