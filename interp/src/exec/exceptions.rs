//! Throwing, and catching in interpreted frames.
//!
//! A throw raises [`TrapCode::Exception`] like any trap, after noting in
//! [`Cx::raised`] where it happened, as does a call whose callee let an
//! exception through; the status unwinds the handlers back to
//! [`execute`](super::execute), which asks [`catch`] for a clause that
//! takes it: in the frame that raised it, then in each suspended caller
//! (at its call). The search, not the code that throws nothing, pays.

use super::*;
use crate::bytecode::{Catch, Handler};
use tandem_vm::Exception;

/// `throw` of tag `tag` at `ip`, its payload at `base` in the frame at `fp`.
///
/// # Safety
/// As for a handler: `ip` is the running function's `Throw`, whose
/// payload slots lie in the frame at `fp`.
#[cold]
#[inline(never)]
pub(super) unsafe fn throw<W: Exec>(
    cx: &mut Cx<W>,
    ip: *const Instr<W>,
    fp: *mut u64,
    base: W,
    tag: u32,
) -> u32 {
    let vmctx = cx.vmctx;
    // SAFETY: `vmctx` is the live interpreted instance running `ip`, and
    // `tag` one of its module's tags (the module invariants).
    let env = unsafe { module_code(vmctx) }.env();
    let ty = &env.types[env.tags[tag as usize] as usize];
    let mut payload = Vec::with_capacity(ty.params().len());
    let mut slot = base.idx();
    for &p in ty.params() {
        // SAFETY: the payload lies at `base` in the running frame (the
        // contract), slot by slot.
        let (v, k) = unsafe { read_val(fp.add(slot), p) };
        payload.push(v);
        slot += k;
    }
    cx.raised = (ip, fp);
    // SAFETY: as above, `tag` is a tag of the live `vmctx`.
    trap::raise_exception(Exception::new(unsafe { (*vmctx).tag(tag) }, &payload))
}

/// `throw_ref` of `exnref` `r` at `ip`, in the frame at `fp`.
///
/// # Safety
/// As for [`throw`]; `r` is an `exnref` of the running store.
#[cold]
#[inline(never)]
pub(super) unsafe fn throw_ref<W: Exec>(
    cx: &mut Cx<W>,
    ip: *const Instr<W>,
    fp: *mut u64,
    r: u64,
) -> u32 {
    if r == 0 {
        return trap::raise(TrapCode::NullReference);
    }
    cx.raised = (ip, fp);
    // SAFETY: a non-null `exnref` Wasm code holds names an object its
    // store adopted when a clause handed it out (the contract).
    trap::raise_exception(unsafe { Exception::from_ref(r) })
}

/// Finds the clause that catches the exception in flight, from where
/// [`Cx::raised`] says it was raised outwards through the suspended
/// frames, and goes there: the exception's payload (and `exnref`) in the
/// clause's label slots, `cx` running that frame, whose next instruction
/// and frame pointer it returns. `None` if no frame of this run catches
/// it (the frames it searched are gone then).
///
/// # Safety
/// A [`TrapCode::Exception`] status must have ended the run of `cx`, with
/// `cx.raised` (unless the running frame is gone) where it was raised.
pub(super) unsafe fn catch<W: Exec>(cx: &mut Cx<W>) -> Option<(*const Instr<W>, *mut u64)> {
    let tag = trap::pending_tag();
    let (mut ip, mut fp) = cx.raised;
    let mut searched = !cx.frame_gone;
    loop {
        if searched {
            // SAFETY: `cx.code` is the live translation that `ip` (the
            // raising instruction, or a suspended caller's call) lies in.
            let code = unsafe { &*cx.code };
            // SAFETY: as above.
            let at = unsafe { ip.offset_from(code.ops.as_ptr()) } as u32;
            // SAFETY: `cx.vmctx` runs `code`.
            if let Some(clause) = unsafe { matching(&code.handlers, at, cx.vmctx, tag) } {
                // SAFETY: `fp` is `code`'s frame, which holds the label's
                // slots.
                unsafe { take(cx.vmctx, clause, fp) };
                cx.frame_gone = false;
                // The callees that let it through may have grown memory.
                // SAFETY: `cx.vmctx` is live and runs `code`.
                (cx.landing.mem_base, cx.mem_len) = unsafe { memory(cx.vmctx, code) };
                // SAFETY: the clause's target is an instruction of `code`.
                return Some((unsafe { code.ops.as_ptr().add(clause.target as usize) }, fp));
            }
        }
        searched = true;
        let caller = cx.frames.pop()?;
        // The caller is searched at its call.
        // SAFETY: `ret` follows the call in the caller's code.
        (ip, fp) = (unsafe { caller.ret.sub(1) }, caller.fp);
        (cx.vmctx, cx.code) = (caller.vmctx, caller.code);
        // SAFETY: the caller's code is live.
        cx.ops = unsafe { (*caller.code).ops.as_ptr() };
    }
}

/// The first clause of the innermost `try_table` covering instruction
/// `at` that catches exceptions of `tag`, skipping the handlers a legacy
/// `delegate` passes over.
///
/// # Safety
/// `vmctx` must be the live instance running the code of `handlers`.
unsafe fn matching(
    handlers: &[Handler],
    at: u32,
    vmctx: *mut VMContext,
    tag: *const tandem_vm::VMTag,
) -> Option<Catch> {
    // Inner `try_table`s come after the ones enclosing them.
    let mut next = handlers.len();
    while next > 0 {
        next -= 1;
        let h = &handlers[next];
        if !(h.start..h.end).contains(&at) {
            continue;
        }
        if let Some(outer) = h.delegate {
            next = outer as usize;
            continue;
        }
        let caught = h.clauses.iter().find(|c| {
            // SAFETY: a clause names a tag of the module (validated).
            c.tag.is_none_or(|t| unsafe { (*vmctx).tag(t) } == tag)
        });
        if let Some(&c) = caught {
            return Some(c);
        }
    }
    None
}

/// Catches the exception in flight with `clause`: its payload goes to the
/// label's slots in the frame at `fp`, and the `exnref` to its slot if the
/// clause has one.
///
/// # Safety
/// `clause` is a clause of the running function of `vmctx`, whose frame
/// is at `fp`.
unsafe fn take(vmctx: *mut VMContext, clause: Catch, fp: *mut u64) {
    let exn = trap::catch();
    let mut slot = clause.dst as usize;
    if let Some(tag) = clause.tag {
        // SAFETY: `vmctx` is a live interpreted instance.
        let env = unsafe { module_code(vmctx) }.env();
        let ty = &env.types[env.tags[tag as usize] as usize];
        for (&p, &v) in ty.params().iter().zip(exn.payload()) {
            // SAFETY: the label's slots lie in the frame (the contract).
            slot += unsafe { write_val(fp.add(slot), p, v) };
        }
    }
    if let Some(at) = clause.exn {
        // SAFETY: `vmctx` and its store are live.
        let r = unsafe { (*(*vmctx).store).exns.adopt(exn) };
        // SAFETY: as above.
        unsafe { *fp.add(at as usize) = r };
    }
}
