//! Epoch interruption: how an embedder stops a guest that runs too long.
//!
//! The engine keeps an epoch counter that any thread may advance
//! ([`Engine::increment_epoch`](crate::Engine::increment_epoch)); each
//! store has a deadline. With
//! [`Config::epoch_interruption`](crate::Config::epoch_interruption), the
//! engine records each store's deadline and its instances, and the thread
//! that advances the epoch to a store's deadline raises a flag in each of
//! its instances' contexts. Code in every tier tests that flag at every
//! loop header and at the entry of every function that calls (code that
//! does neither ends soon; one compare with a field of the
//! context: comparing the counter itself with the deadline there cost
//! loops measurably more), so a guest that loops or recurses forever meets
//! a check soon after the deadline passes. There, the store's callback
//! decides, or else the guest traps with [`TrapCode::Interrupt`].

use crate::store::StoreInner;
use crate::{Result, Store, StoreObjects};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use tandem_vm::{trap, TrapCode, VMContext};

/// An engine's epoch: the counter, and the stores that check it (by store
/// id), for the threads that advance it.
#[derive(Default)]
pub(crate) struct Epoch {
    counter: AtomicU64,
    stores: Mutex<HashMap<u64, Watcher>>,
}

/// A store that checks the epoch: its deadline, and its instances' flags
/// ([`VMContext::epoch_flag`]).
struct Watcher {
    deadline: u64,
    flags: Vec<Flag>,
}

struct Flag(*const AtomicU32);

// SAFETY: a flag is an atomic in an instance's context, which its store
// keeps alive (and never borrows mutably once the flag is recorded) until
// it drops, and a store forgets its entry (under the lock every use of the
// flags takes) before that.
unsafe impl Send for Flag {}

impl Watcher {
    fn raise(&self, reached: bool) {
        for f in &self.flags {
            // SAFETY: see `Flag`.
            unsafe { (*f.0).store(reached as u32, Ordering::Relaxed) };
        }
    }
}

impl Epoch {
    pub fn increment(&self) {
        let stores = self.stores.lock();
        let now = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        for w in stores.values().filter(|w| now >= w.deadline) {
            w.raise(true);
        }
    }

    /// Starts recording store `id`, whose deadline is 0 (reached).
    pub fn watch(&self, id: u64) {
        let w = Watcher {
            deadline: 0,
            flags: Vec::new(),
        };
        self.stores.lock().insert(id, w);
    }

    /// Stops recording store `id`, before its instances go.
    pub fn forget(&self, id: u64) {
        self.stores.lock().remove(&id);
    }

    /// Records `flag`, of a new instance of store `id`, and raises it if
    /// the store's deadline is reached.
    pub fn add_instance(&self, id: u64, flag: &AtomicU32) {
        let mut stores = self.stores.lock();
        if let Some(w) = stores.get_mut(&id) {
            let reached = self.counter.load(Ordering::Relaxed) >= w.deadline;
            flag.store(reached as u32, Ordering::Relaxed);
            w.flags.push(Flag(flag));
        }
    }

    /// Sets store `id`'s deadline `delta` epochs from now.
    fn set_deadline(&self, id: u64, delta: u64) {
        let mut stores = self.stores.lock();
        if let Some(w) = stores.get_mut(&id) {
            let now = self.counter.load(Ordering::Relaxed);
            w.deadline = now.saturating_add(delta);
            w.raise(now >= w.deadline);
        }
    }
}

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
        let objs = &self.inner.objects;
        objs.engine.epoch().set_deadline(objs.id, delta);
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
    // Not under the epoch's lock: the callback may advance the epoch.
    match objs.hooks.epoch_reached() {
        None | Some(Ok(UpdateDeadline::Interrupt)) => trap::raise(TrapCode::Interrupt),
        Some(Ok(UpdateDeadline::Continue(delta))) => {
            objs.engine.epoch().set_deadline(objs.id, delta);
            0
        }
        Some(Err(e)) => trap::raise_host(Box::new(e)),
    }
}
