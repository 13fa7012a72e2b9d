//! The per-thread value stack interpreted frames live on, and values
//! moving between its slots and the array convention's `ValRaw`s.

use super::*;

/// Slots in each thread's value stack (8 MiB, committed lazily by the OS).
pub(super) const STACK_SLOTS: usize = 1 << 20;

/// The per-thread value stack. It never moves, so frame pointers into it
/// stay valid; `top` is where the next entry from outside starts its frame
/// (everything below belongs to interpreter activations further out).
pub(super) struct ValueStack {
    pub(super) base: *mut u64,
    pub(super) top: Cell<usize>,
}

impl ValueStack {
    fn new() -> ValueStack {
        let slots = vec![0u64; STACK_SLOTS].into_boxed_slice();
        ValueStack {
            base: Box::into_raw(slots).cast::<u64>(),
            top: Cell::new(0),
        }
    }
}

impl Drop for ValueStack {
    fn drop(&mut self) {
        // SAFETY: `base` came from `Box::into_raw` of a `STACK_SLOTS` slice.
        drop(unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(self.base, STACK_SLOTS)) });
    }
}

thread_local! {
    pub(super) static STACK: ValueStack = ValueStack::new();
}

/// Writes `v` of type `ty` into slots at `p`; returns the slots used.
/// Scalars are normalized to the slot invariant (32-bit values zero-extended).
///
/// # Safety
/// `p` must point at enough writable slots: two for a `v128`, else one.
#[inline]
pub(super) unsafe fn write_val(p: *mut u64, ty: ValType, v: ValRaw) -> usize {
    match ty {
        ValType::V128 => {
            // SAFETY: `p` has two writable slots for a `v128` (the contract);
            // the write is unaligned.
            unsafe { ptr::write_unaligned(p.cast::<u128>(), v.0) };
            2
        }
        ValType::I32 | ValType::F32 => {
            // SAFETY: `p` has a writable slot (the contract).
            unsafe { *p = v.0 as u32 as u64 };
            1
        }
        _ => {
            // SAFETY: `p` has a writable slot (the contract).
            unsafe { *p = v.0 as u64 };
            1
        }
    }
}

/// Reads a value of type `ty` from slots at `p`; returns it and the slots used.
///
/// # Safety
/// `p` must point at enough readable slots: two for a `v128`, else one.
#[inline]
pub(super) unsafe fn read_val(p: *const u64, ty: ValType) -> (ValRaw, usize) {
    if ty == ValType::V128 {
        // SAFETY: `p` has two readable slots for a `v128` (the contract); the
        // read is unaligned.
        (ValRaw(unsafe { ptr::read_unaligned(p.cast::<u128>()) }), 2)
    } else {
        // SAFETY: `p` has a readable slot (the contract).
        (ValRaw(unsafe { *p } as u128), 1)
    }
}

/// Whether a frame of `code` at `fp` fits in the value stack.
#[inline(always)]
pub(super) fn frame_fits<W: Width>(stack: &ValueStack, fp: *mut u64, code: &FuncCode<W>) -> bool {
    let room = (stack.base.wrapping_add(STACK_SLOTS) as usize - fp as usize) / 8;
    room >= code.frame_slots as usize
}
