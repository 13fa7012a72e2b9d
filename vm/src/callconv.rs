//! The calling convention shared by the runtime, the host and every tier.
//!
//! Every callee, whatever runs it, is entered through one native function
//! type, [`ArrayCallFn`]: the arguments are laid out as [`ValRaw`]s in a
//! buffer that also receives the results, so a caller needs to know nothing
//! about the callee's tier. A tier may take a faster path for calls into its
//! own code (the interpreter runs interpreted callees on its own stack, in
//! one loop) as long as the results are the same.
//!
//! Recursion on the native stack (a call into another tier or the host)
//! checks [`native_stack_ok`] first, so deep recursion becomes a
//! [`TrapCode::StackOverflow`](crate::TrapCode) and never a host crash.

use crate::{RefRaw, VMContext, VMFunc, VMMemory, VMTable, ValRaw};
use std::cell::Cell;

/// Calls `callee`.
///
/// `values` points at `max(params, results)` [`ValRaw`]s: the arguments on
/// entry, the results on a successful return. `caller` is the calling
/// instance (null when the host calls). Returns `0` on success, or a
/// [`TrapCode`](crate::TrapCode) after [`raise`](crate::trap::raise)
/// recorded the trap.
pub type ArrayCallFn =
    unsafe extern "C" fn(callee: *const VMFunc, caller: *mut VMContext, values: *mut ValRaw) -> u32;

/// Runtime services that tiers call for operations that allocate.
#[repr(C)]
pub struct Builtins {
    /// `memory.grow`: returns the old size in pages, or `u64::MAX` on failure.
    pub memory_grow: unsafe extern "C" fn(memory: *mut VMMemory, delta_pages: u64) -> u64,
    /// `table.grow`: returns the old size, or `u32::MAX` on failure.
    pub table_grow: unsafe extern "C" fn(table: *mut VMTable, delta: u32, init: RefRaw) -> u32,
}

/// How much native stack Wasm may use below the outermost host entry.
pub const NATIVE_STACK_BUDGET: usize = 1 << 20;

thread_local! {
    static STACK_LIMIT: Cell<usize> = const { Cell::new(0) };
}

#[inline(always)]
fn stack_pointer() -> usize {
    let marker = 0u8;
    std::ptr::addr_of!(marker) as usize
}

/// Whether there is native stack left for one more nested call.
#[inline]
pub fn native_stack_ok() -> bool {
    let limit = STACK_LIMIT.with(|l| l.get());
    limit == 0 || stack_pointer() > limit
}

/// Runs `f` as an entry from the host: the outermost entry on a thread sets
/// the native stack budget that [`native_stack_ok`] enforces.
pub fn with_native_stack_budget<R>(f: impl FnOnce() -> R) -> R {
    let outermost = STACK_LIMIT.with(|l| l.get()) == 0;
    if outermost {
        let limit = stack_pointer().saturating_sub(NATIVE_STACK_BUDGET);
        STACK_LIMIT.with(|l| l.set(limit));
    }
    let r = f();
    if outermost {
        STACK_LIMIT.with(|l| l.set(0));
    }
    r
}
