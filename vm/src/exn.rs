//! Exception handling: tags, exception objects, and who owns them.
//!
//! A thrown exception travels like a trap (see [`trap`](crate::trap)): the
//! thrower raises [`TrapCode::Exception`](crate::TrapCode) with the
//! exception in the pending record ([`trap::raise_exception`]), and every
//! frame on the way either passes the status on or, where a `try_table`
//! clause covers the instruction that threw or made the call and matches
//! the exception's tag, takes the exception back ([`trap::catch`]) and
//! goes on at the clause's label. Code that throws nothing pays nothing:
//! the interpreter finds clauses by instruction index and compiled code by
//! return address, only once an exception is in flight.
//!
//! An exception object lives on the heap. While in flight it is owned by
//! the pending record (an [`Exception`]); a clause without `_ref` copies the
//! payload out and drops it. Once Wasm code holds a reference to it (an
//! `exnref`, from a `catch_ref` or `catch_all_ref`), references may be
//! copied anywhere without the VM knowing, so it is handed to its store
//! ([`ExnStore::adopt`]) and lives as long as the store.
//!
//! [`trap::raise_exception`]: crate::trap::raise_exception
//! [`trap::catch`]: crate::trap::catch

use crate::{RefRaw, ValRaw};
use std::cell::{Cell, UnsafeCell};
use std::ptr::NonNull;

/// A tag instance. Its address is its identity: two tags are the same tag
/// if and only if they are the same `VMTag`, so an instance that imports a
/// tag (twice, even) points at its owner's.
#[repr(C)]
#[derive(Debug)]
pub struct VMTag {
    /// Engine-wide canonical id of the tag's function type (its parameters
    /// are the payload's types).
    pub type_id: u32,
}

/// An exception object: a tag and the values thrown with it. An `exnref`
/// is its address.
#[repr(C)]
#[derive(Debug)]
pub struct VMExn {
    pub tag: *const VMTag,
    /// The payload, one [`ValRaw`] per parameter of the tag's type.
    pub payload: *mut ValRaw,
    pub len: usize,
    /// Whether Wasm code has held a reference to it: its store owns it
    /// then (see the module docs).
    adopted: Cell<bool>,
}

/// An exception in flight, owned: dropping it frees the object unless its
/// store has adopted it.
#[derive(Debug)]
pub struct Exception(NonNull<VMExn>);

impl Exception {
    /// A new exception of `tag` carrying `payload`.
    pub fn new(tag: *const VMTag, payload: &[ValRaw]) -> Exception {
        let payload: Box<[ValRaw]> = payload.into();
        let len = payload.len();
        let exn = Box::new(VMExn {
            tag,
            payload: Box::into_raw(payload).cast(),
            len,
            adopted: Cell::new(false),
        });
        Exception(NonNull::from(Box::leak(exn)))
    }

    /// The exception an `exnref` names, to throw again (`throw_ref`).
    ///
    /// # Safety
    /// `r` must be a non-null `exnref` of a live store: an object its store
    /// adopted.
    pub unsafe fn from_ref(r: RefRaw) -> Exception {
        // SAFETY: the caller guarantees `r` is the address of an adopted,
        // live object, which is non-null.
        Exception(unsafe { NonNull::new_unchecked(r as *mut VMExn) })
    }

    pub fn tag(&self) -> *const VMTag {
        self.get().tag
    }

    /// The payload.
    pub fn payload(&self) -> &[ValRaw] {
        let exn = self.get();
        // SAFETY: `payload` and `len` are the parts of the boxed slice that
        // `new` made, which lives as long as the object.
        unsafe { std::slice::from_raw_parts(exn.payload, exn.len) }
    }

    fn get(&self) -> &VMExn {
        // SAFETY: the object is live while this owner (or its store, which
        // outlives every use of an adopted one) holds it.
        unsafe { self.0.as_ref() }
    }
}

impl Drop for Exception {
    fn drop(&mut self) {
        if !self.get().adopted.get() {
            // SAFETY: the object is not adopted, so this owner is its only
            // one; both boxes are the ones `new` leaked.
            unsafe { free(self.0.as_ptr()) };
        }
    }
}

/// Frees an object and its payload.
///
/// # Safety
/// `exn` must come from [`Exception::new`], and nothing may use it after.
unsafe fn free(exn: *mut VMExn) {
    // SAFETY: the caller guarantees `exn` is the box `new` leaked, and its
    // payload the boxed slice of `len` values it leaked.
    unsafe {
        let exn = Box::from_raw(exn);
        drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(
            exn.payload,
            exn.len,
        )));
    }
}

/// The exception objects a store owns: those Wasm code has held a
/// reference to. Freed with the store.
#[derive(Default)]
pub struct ExnStore(UnsafeCell<Vec<NonNull<VMExn>>>);

impl ExnStore {
    /// Hands `exn` to the store (if it does not own it yet) and returns
    /// the `exnref` naming it.
    pub fn adopt(&self, exn: Exception) -> RefRaw {
        let p = exn.0;
        if !exn.get().adopted.replace(true) {
            // SAFETY: a store runs on one thread at a time and this is the
            // only code that touches the list while it runs.
            unsafe { (*self.0.get()).push(p) };
        }
        p.as_ptr() as RefRaw
    }

    /// How many objects the store holds.
    #[cfg(test)]
    fn len(&self) -> usize {
        // SAFETY: as in `adopt`.
        unsafe { (*self.0.get()).len() }
    }
}

impl Drop for ExnStore {
    fn drop(&mut self) {
        for exn in self.0.get_mut().drain(..) {
            // SAFETY: the store owns every adopted object, and with the
            // store gone nothing can reach it.
            unsafe { free(exn.as_ptr()) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adopted_objects_outlive_their_owners() {
        let tag = VMTag { type_id: 7 };
        let store = ExnStore::default();
        let exn = Exception::new(&tag, &[ValRaw::i32(5), ValRaw::i64(-1)]);
        let r = store.adopt(exn);
        // SAFETY: `r` names an object `store` adopted.
        let again = unsafe { Exception::from_ref(r) };
        assert_eq!(again.payload(), &[ValRaw::i32(5), ValRaw::i64(-1)]);
        assert_eq!(store.adopt(again), r);
        assert_eq!(store.len(), 1);
        // Dropping an unadopted one frees it (Miri checks the leak).
        drop(Exception::new(&tag, &[]));
    }
}
