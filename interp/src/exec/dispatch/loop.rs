//! The loop dispatch: each instruction's [`step()`] returns to one loop that
//! runs the next.

use crate::exec::*;

/// The status [`step()`] returns to the loop dispatch to run the next
/// instruction, distinct from 0 (returned) and every trap status.
pub(in crate::exec) const CONTINUE: u32 = u32::MAX - 1;
const _: () = assert!(
    CONTINUE != fault::FAULT
        && CONTINUE != tandem_vm::tail::TAIL_CALL
        && TrapCode::from_u32(CONTINUE).is_none()
);

/// The loop dispatch needs nothing of a width.
pub(in crate::exec) trait Backend {}

impl<W> Backend for W {}

/// Runs from `ip` with the frame at `fp` until the outermost frame
/// returns, for [`fault::catch_memory_faults`]: `arg` points at `(cx, ip,
/// fp)`.
///
/// # Safety
/// `arg` points at a [`Start`]: a valid executor state, borrowed by nobody
/// else during the call, an instruction of the function it runs and that
/// function's frame; then as for [`dispatch()`].
pub(in crate::exec) unsafe extern "sysv64" fn start_at<W: Exec>(arg: *mut u8) -> u32 {
    // SAFETY: `arg` points at a `Start` (the contract).
    let (cx, ip, fp) = unsafe { *arg.cast::<Start<'_, W>>() };
    // SAFETY: `cx` is valid and borrowed by nobody else (the contract).
    let cx = unsafe { &mut *cx };
    cx.next = (ip, fp, cx.landing.mem_base, 0);
    loop {
        let (ip, fp, mem_base, acc) = cx.next;
        #[cfg(feature = "op-histogram")]
        // SAFETY: `ip` points into `cx.code`'s instructions (as below).
        unsafe {
            crate::exec::histogram::count(ip, cx)
        };
        // SAFETY: `cx.next` is the state `dispatch` left for the next
        // instruction (or the first one's, from the contract): `ip` points at
        // an instruction of `cx.code`, whose encoded tag is passed, and `fp`
        // and `mem_base` belong to the running frame, as `step` requires.
        let status = unsafe { step((*ip).tag() as u32, ip, fp, mem_base, cx, acc) };
        if status != CONTINUE {
            return status;
        }
    }
}

/// Continues with the instruction at `ip`: leaves it for the loop.
///
/// # Safety
/// `ip` points at an instruction of `cx.code`, `fp` and `mem_base` belong to
/// the running frame.
#[inline(always)]
pub(in crate::exec) unsafe fn dispatch<W: Exec>(
    ip: *const Instr<W>,
    fp: *mut u64,
    mem_base: *mut u8,
    cx: &mut Cx<W>,
    acc: u64,
) -> u32 {
    cx.next = (ip, fp, mem_base, acc);
    CONTINUE
}
