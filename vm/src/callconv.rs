//! The two calling conventions of tandem, and the runtime services tiers
//! may call.
//!
//! **Array call** ([`ArrayCallFn`]): the arguments are laid out as
//! [`ValRaw`]s in a buffer that also receives the results, and a trap is a
//! non-zero status. Any callee can be entered this way, so the host, the
//! runtime and the interpreter call through it without knowing the callee's
//! tier.
//!
//! **Native call**: how compiled code calls compiled code, with everything
//! in registers. It is the System V x86-64 C convention (`extern "sysv64"`)
//! of the function `fn(callee: *const VMFunc, caller_vmctx, params...) ->
//! result`: the callee's `VMFunc` (not only its instance: a trampoline for a
//! host function needs the function itself, and a compiled callee finds its
//! VMContext one load away) and the calling instance, then `i32`, `i64` and
//! references in the remaining integer argument registers (`rdx`, `rcx`,
//! `r8`, `r9`), `f32`/`f64` in `xmm0`–`xmm7`, the rest on the stack in
//! order, 8 bytes each, which the callee pops as it returns (so that a tail
//! call may pass more stack arguments than its caller got); one result in
//! `rax` or `xmm0`. A function with two
//! or more results instead takes a pointer to a return area as its first
//! parameter (in `rdx`) and writes result `i` into the 16-byte cell `i`
//! there, as a [`ValRaw`] (so an array-call buffer can serve as the area).
//! A native callee never returns a trap: it unwinds to the innermost
//! array-call entry (see [`unwind`](crate::unwind)).
//!
//! A tier that compiles code provides, per signature, a trampoline each way:
//! an array-call entry that loads the buffer into registers and calls the
//! native code, and a native entry that spills registers into a buffer and
//! calls the array entry (for host and interpreted callees of compiled
//! code). Each [`VMFunc`] holds both entry points ([`EntryPoints`]).
//!
//! Recursion on the native stack checks the store's stack limit first
//! ([`native_stack_ok`]), so deep recursion becomes a
//! [`TrapCode::StackOverflow`](crate::TrapCode) and never a host crash.

use crate::{RefRaw, VMContext, VMFunc, VMMemory, VMStoreContext, VMTable, ValRaw};
use std::cell::Cell;

/// Calls `callee`.
///
/// `values` points at `max(params, results)` [`ValRaw`]s: the arguments on
/// entry, the results on a successful return. `caller` is the calling
/// instance (null when the host calls). Returns `0` on success, or a
/// [`TrapCode`](crate::TrapCode) after [`raise`](crate::trap::raise)
/// recorded the trap, or [`TAIL_CALL`](crate::tail::TAIL_CALL) when the
/// callee left a tail call for the caller to make: Rust callers go
/// through [`tail::call`](crate::tail::call), which makes it (the JIT's
/// native entries make it themselves).
pub type ArrayCallFn =
    unsafe extern "C" fn(callee: *const VMFunc, caller: *mut VMContext, values: *mut ValRaw) -> u32;

/// A function's two entry points, as a tier produces them.
#[derive(Clone, Copy, Debug)]
pub struct EntryPoints {
    pub array_call: ArrayCallFn,
    /// Native-convention code, or null from a tier that has none.
    pub native_call: *const (),
}

/// Runtime services that tiers call for operations that allocate.
#[repr(C)]
pub struct Builtins {
    /// `memory.grow`: returns the old size in pages, or `u64::MAX` on failure.
    pub memory_grow: unsafe extern "C" fn(memory: *mut VMMemory, delta_pages: u64) -> u64,
    /// `table.grow`: returns the old size, or `u64::MAX` on failure.
    pub table_grow: unsafe extern "C" fn(table: *mut VMTable, delta: u64, init: RefRaw) -> u64,
    /// An epoch check found the store's deadline reached: runs the
    /// embedder's callback, which may set a later deadline (0: go on), or
    /// raises [`TrapCode::Interrupt`](crate::TrapCode) (its status).
    pub interrupt: unsafe extern "C" fn(vmctx: *mut VMContext) -> u32,
}

/// How much native stack Wasm may use below the outermost host entry.
pub const NATIVE_STACK_BUDGET: usize = 1 << 20;

thread_local! {
    /// This thread's limit while any store runs Wasm on it (0 outside).
    static THREAD_LIMIT: Cell<usize> = const { Cell::new(0) };
}

#[inline(always)]
fn stack_pointer() -> usize {
    let marker = 0u8;
    std::ptr::addr_of!(marker) as usize
}

/// Whether there is native stack left for one more nested call of code of
/// instance `vmctx`.
///
/// # Safety
/// `vmctx` must be a live instance.
#[inline]
pub unsafe fn native_stack_ok(vmctx: *const VMContext) -> bool {
    // SAFETY: the caller guarantees `vmctx` is live, and a live instance's
    // `store` points at its store's context.
    let limit = unsafe { (*(*vmctx).store).stack_limit };
    stack_pointer() > limit
}

/// Runs `f` as an entry from the host into a store whose context is
/// `store`: the outermost entry on a thread sets the thread's native stack
/// budget, and the store's limit is the thread's while `f` runs (a store
/// entered again from a host function of another store keeps one budget).
///
/// # Safety
/// `store` must be valid for the call, and not in use on another thread.
pub unsafe fn with_native_stack_budget<R>(store: *mut VMStoreContext, f: impl FnOnce() -> R) -> R {
    let outermost = THREAD_LIMIT.with(|l| l.get()) == 0;
    if outermost {
        let limit = stack_pointer().saturating_sub(NATIVE_STACK_BUDGET);
        THREAD_LIMIT.with(|l| l.set(limit.max(1)));
    }
    // SAFETY: the caller guarantees `store` is valid for the call and used
    // by no other thread, so nothing reads or writes it concurrently.
    let saved = unsafe { (*store).stack_limit };
    // SAFETY: as above.
    unsafe { (*store).stack_limit = THREAD_LIMIT.with(|l| l.get()) };
    let r = f();
    // SAFETY: as above; `f` has returned, and `store` is still valid.
    unsafe { (*store).stack_limit = saved };
    if outermost {
        THREAD_LIMIT.with(|l| l.set(0));
    }
    r
}
