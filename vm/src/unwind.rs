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
//! function's code (an adapter from the array convention, where the
//! landing is): frames further out are the interpreter's or the host's,
//! and they report themselves when the status reaches them.

use crate::{code_registry, fault, trap, TrapCode, VMContext};

/// Offset from a compiled frame's `rbp` of the slot holding its VMContext.
pub const FRAME_VMCTX: i32 = -8;

/// Appends the compiled frames from the one at `fp` outwards: first the
/// frame of the function at `pc` itself (if given), then each caller whose
/// return address lies in a Wasm function.
///
/// # Safety
/// `fp` must be the frame pointer of a compiled frame (or of an adapter
/// called from one) with the layout above.
unsafe fn push_compiled_frames(pc: Option<usize>, mut fp: usize) {
    if let Some(func) = pc.and_then(code_registry::func_at) {
        let vmctx = *((fp as isize + FRAME_VMCTX as isize) as *const *const VMContext);
        trap::push_frame(vmctx, func);
    }
    loop {
        let ret = *((fp + 8) as *const usize);
        let Some(func) = code_registry::func_at(ret) else {
            break;
        };
        fp = *(fp as *const usize);
        let vmctx = *((fp as isize + FRAME_VMCTX as isize) as *const *const VMContext);
        trap::push_frame(vmctx, func);
    }
}

/// Where the fault handler resumes a trap at `pc`, a trap site of compiled
/// code whose frame pointer is `fp`: records the trap, its frames, and
/// returns from the innermost landing.
///
/// # Safety
/// Only the fault handler calls it, for a registered trap site.
pub unsafe extern "sysv64" fn trap_in_compiled_code(code: u32, pc: usize, fp: usize) -> ! {
    let code = TrapCode::from_u32(code).unwrap_or(TrapCode::Unreachable);
    raised_in_compiled_code(trap::raise(code), pc, fp)
}

/// Continues a trap that the runtime raised for compiled code at `pc`,
/// whose frame pointer is `fp` (a runtime service it called): adds its
/// frames to the pending record and returns from the innermost landing.
///
/// # Safety
/// As for [`trap_in_compiled_code`], from a call the code made; `status`
/// a trap status whose record is pending.
pub unsafe extern "sysv64" fn raised_in_compiled_code(status: u32, pc: usize, fp: usize) -> ! {
    push_compiled_frames(Some(pc), fp);
    fault::resume_at_landing(status)
}

/// Continues a trap that an array-convention callee returned to compiled
/// code (through an adapter whose frame pointer is `fp`): its record
/// already holds the callee's frames; this adds the compiled ones and
/// returns from the innermost landing.
///
/// # Safety
/// `fp` must be the frame of an adapter called from compiled code, inside
/// a landing; `status` a trap status whose record is pending.
pub unsafe extern "sysv64" fn continue_trap(status: u32, fp: usize) -> ! {
    push_compiled_frames(None, fp);
    fault::resume_at_landing(status)
}
