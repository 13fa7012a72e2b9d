//! Epoch interruption: how an embedder stops a guest that runs too long.
//!
//! The engine keeps an epoch counter that any thread may advance
//! ([`Engine::increment_epoch`](crate::Engine::increment_epoch)); each
//! store has a deadline. With
//! [`Config::epoch_interruption`](crate::Config::epoch_interruption), code
//! in every tier compares the two at every function entry and loop header
//! (a load and a compare), so a guest that loops or recurses forever meets
//! a check soon after the deadline passes. There, the store's callback
//! decides, or else the guest traps with [`TrapCode::Interrupt`].

use crate::store::StoreInner;
use crate::{Error, Result, Store, StoreObjects};
use std::sync::atomic::Ordering;
use tandem_vm::{trap, TrapCode, VMContext};

/// What the epoch deadline callback wants once the deadline is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateDeadline {
    /// Go on, with a deadline this many epochs after the current one.
    Continue(u64),
    /// Stop: the guest traps with [`TrapCode::Interrupt`].
    Interrupt,
}

/// The embedder's epoch deadline callback.
pub(crate) type EpochCallback<T> = Box<dyn FnMut(&mut T) -> Result<UpdateDeadline> + Send + Sync>;

impl<T> Store<T> {
    /// Sets the deadline `delta` epochs after the engine's current epoch.
    pub fn set_epoch_deadline(&mut self, delta: u64) {
        set_deadline(&self.inner.objects, delta);
    }

    /// Calls `callback` with the store's data whenever running code finds
    /// the deadline reached, instead of trapping: it may let the guest go
    /// on with a new deadline, stop it, or fail (the error is what the
    /// call into Wasm returns).
    pub fn epoch_deadline_callback(
        &mut self,
        callback: impl FnMut(&mut T) -> Result<UpdateDeadline> + Send + Sync + 'static,
    ) {
        self.inner.epoch_callback = Some(Box::new(callback));
    }

    /// Makes a reached deadline trap again (the default), dropping the
    /// callback.
    pub fn epoch_deadline_trap(&mut self) {
        self.inner.epoch_callback = None;
    }
}

fn set_deadline(objs: &StoreObjects, delta: u64) {
    let current = objs.engine.epoch().load(Ordering::Relaxed);
    // SAFETY: the store's context, which only this store's (running or
    // not) thread writes.
    unsafe { (*objs.vm_store()).epoch_deadline = current.saturating_add(delta) };
}

/// What the store's callback says, if it has one.
///
/// # Safety
/// As for [`call_limiter`](crate::limits::call_limiter).
pub(crate) unsafe fn call_epoch_callback<T>(inner: *mut ()) -> Option<Result<UpdateDeadline>> {
    let inner = inner.cast::<StoreInner<T>>();
    // SAFETY: see above; the two fields are disjoint from `objects`.
    let (callback, data) = unsafe {
        (
            &mut *std::ptr::addr_of_mut!((*inner).epoch_callback),
            &mut *std::ptr::addr_of_mut!((*inner).data),
        )
    };
    callback.as_mut().map(|c| c(data))
}

/// `Builtins::interrupt`.
pub(crate) unsafe extern "C" fn interrupt(vmctx: *mut VMContext) -> u32 {
    // SAFETY: tiers pass a live instance, whose store context points at
    // the store's objects.
    let objs = unsafe { &*((*(*vmctx).store).runtime as *const StoreObjects) };
    match objs.hooks.epoch_reached() {
        None | Some(Ok(UpdateDeadline::Interrupt)) => trap::raise(TrapCode::Interrupt),
        Some(Ok(UpdateDeadline::Continue(delta))) => {
            set_deadline(objs, delta);
            0
        }
        Some(Err(e)) => trap::raise_host(Box::new(e)),
    }
}

impl Error {
    /// Whether this is a trap with code `code` (an interrupt, say).
    pub fn is_trap(&self, code: TrapCode) -> bool {
        self.as_trap().is_some_and(|t| t.code() == code)
    }
}
