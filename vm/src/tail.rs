//! Tail calls across tiers: how a callee that cannot make its tail call
//! itself hands it to whoever called it.
//!
//! Within a tier a tail call replaces the running frame: the interpreter
//! reuses its frame slots, compiled code jumps to the callee after tearing
//! its frame down (see the JIT's `x64/frame.rs`). Across tiers the frame
//! to replace belongs to a *different* runtime: an interpreted function at
//! the bottom of its interpreter run, tail-calling compiled code, would
//! have to call it from inside that run and keep the run's native frames
//! alive for as long as the callee runs, so a loop of mutual tail calls
//! between the tiers would grow the native stack at every turn.
//!
//! Instead such a function leaves the call *pending* ([`leave_pending`])
//! and returns [`TAIL_CALL`] from its array-call entry. Its caller, which
//! called it through the array convention, makes the pending call in its
//! place and takes the callee's results (or trap) as its own: a Rust
//! caller through [`call`], which loops while calls stay pending; the JIT's
//! native-to-array trampoline by jumping to the callee's native entry with
//! its own frame torn down, so that the turn costs no stack at all.

use crate::{ArrayCallFn, VMContext, VMFunc, ValRaw};
use std::cell::RefCell;
use wasmparser::FuncType;

/// The status of an array call that returned with a tail call pending: not
/// a trap code (those are small), nor [`FAULT`](crate::fault::FAULT), nor
/// the interpreter's loop dispatch's own marker (`u32::MAX - 1`).
pub const TAIL_CALL: u32 = u32::MAX - 2;
const _: () =
    assert!(TAIL_CALL != crate::fault::FAULT && crate::TrapCode::from_u32(TAIL_CALL).is_none());

/// A tail call left for the caller to make.
pub struct Pending {
    pub callee: *const VMFunc,
    /// The instance making the call (what a host callee sees as its caller).
    pub caller: *mut VMContext,
    /// The callee's signature, as the calling module declares it; that
    /// module outlives the call.
    pub ty: *const FuncType,
    /// The arguments, one [`ValRaw`] each.
    pub args: Vec<ValRaw>,
}

thread_local! {
    /// This thread's pending tail call (a store runs on one thread at a
    /// time, and a pending call is taken before anything else runs).
    static PENDING: RefCell<Pending> = const {
        RefCell::new(Pending {
            callee: std::ptr::null(),
            caller: std::ptr::null_mut(),
            ty: std::ptr::null(),
            args: Vec::new(),
        })
    };
}

/// Leaves a tail call to `callee` (of signature `ty`) pending, with the
/// arguments `fill` pushes, and returns [`TAIL_CALL`], which the caller
/// returns from its array-call entry.
pub fn leave_pending(
    callee: *const VMFunc,
    caller: *mut VMContext,
    ty: &FuncType,
    fill: impl FnOnce(&mut Vec<ValRaw>),
) -> u32 {
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        p.callee = callee;
        p.caller = caller;
        p.ty = ty;
        p.args.clear();
        fill(&mut p.args);
    });
    TAIL_CALL
}

/// Runs `f` on the pending tail call (after a [`TAIL_CALL`] status).
pub fn with_pending<R>(f: impl FnOnce(&Pending) -> R) -> R {
    PENDING.with(|p| f(&p.borrow()))
}

/// Calls array-call entry `f` of `callee` with `values` (its arguments, and
/// room for its results), then every tail call it leaves pending, until one
/// returns: its results land in `values`, its status is returned.
///
/// # Safety
/// As for calling `f` (see [`ArrayCallFn`]).
pub unsafe fn call(
    f: ArrayCallFn,
    callee: *const VMFunc,
    caller: *mut VMContext,
    values: *mut ValRaw,
) -> u32 {
    // SAFETY: as the caller guarantees.
    let mut status = unsafe { f(callee, caller, values) };
    if status != TAIL_CALL {
        return status;
    }
    let mut buf = Vec::new();
    let mut results = 0;
    while status == TAIL_CALL {
        let (callee, caller) = with_pending(|p| {
            // SAFETY: `ty` belongs to the module of the function that left
            // the call, whose instance lives as long as the store running
            // this call.
            let ty = unsafe { &*p.ty };
            results = ty.results().len();
            buf.clear();
            buf.extend_from_slice(&p.args);
            buf.resize(p.args.len().max(results), ValRaw::default());
            (p.callee, p.caller)
        });
        // SAFETY: a pending callee is live (its caller was running) and of
        // signature `ty`, whose arguments `buf` holds, with room for its
        // results.
        status = unsafe { ((*callee).array_call())(callee, caller, buf.as_mut_ptr()) };
    }
    if status == 0 {
        // A tail callee has its caller's results, which `values` has room
        // for.
        // SAFETY: `values` has room for the results (the contract).
        unsafe { std::ptr::copy_nonoverlapping(buf.as_ptr(), values, results) };
    }
    status
}
