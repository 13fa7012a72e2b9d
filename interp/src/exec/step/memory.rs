//! Loads and stores: the address of an access, bounds-checked here or left
//! to the guard region, and the shapes of the memory family's instructions.

use super::super::*;
use super::operands::Operands;

/// The running instance's memory 0, as the instructions see it: reloaded
/// where `memory.grow`, a call or a return may change it.
#[derive(Clone, Copy)]
pub(in crate::exec) struct Memory {
    pub base: *mut u8,
    pub len: usize,
}

/// An integer as memory holds it: little-endian, at any alignment.
pub(in crate::exec) trait Le: Copy {
    /// The value at `p`.
    ///
    /// # Safety
    /// `p` is valid for reads of a `Self`.
    unsafe fn load(p: *const Self) -> Self;
    /// Writes `v`, truncated to a `Self`, at `p`.
    ///
    /// # Safety
    /// `p` is valid for writes of a `Self`.
    unsafe fn store(p: *mut Self, v: u64);
}

macro_rules! le {
    ($($t:ty),*) => {$(
        impl Le for $t {
            #[inline(always)]
            unsafe fn load(p: *const Self) -> Self {
                // SAFETY: as required of `load`.
                <$t>::from_le(unsafe { ptr::read_unaligned(p) })
            }
            #[inline(always)]
            unsafe fn store(p: *mut Self, v: u64) {
                // SAFETY: as required of `store`.
                unsafe { ptr::write_unaligned(p, (v as $t).to_le()) }
            }
        }
    )*};
}
le!(u8, i8, u16, i16, u32, i32, u64);

impl Memory {
    /// The address of an access of a `T` at `index + off`: bounds-checked
    /// here, or by the guard region where `W::GUARDED` (see `exec/mod.rs`),
    /// so that the access is inside the memory or faults in its reservation.
    ///
    /// # Safety
    /// `base` and `len` are the running instance's memory 0.
    #[inline(always)]
    unsafe fn addr<T, W: Exec>(self, index: u64, off: usize) -> Result<*mut T, TrapCode> {
        let ea = index as u32 as u64 + off as u64;
        if !W::GUARDED && ea + std::mem::size_of::<T>() as u64 > self.len as u64 {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        // SAFETY: `base` is the memory's (the contract) and `ea` is inside
        // it, or (guarded: a `u32` index plus a narrow offset) inside its
        // reservation; either way inside the mapping `base` points into.
        Ok(unsafe { self.base.add(ea as usize) }.cast::<T>())
    }

    /// The `T` at `index + off`.
    ///
    /// # Safety
    /// `base` and `len` are the running instance's memory 0.
    #[inline(always)]
    pub(in crate::exec) unsafe fn read<T: Le, W: Exec>(
        self,
        index: u64,
        off: usize,
    ) -> Result<T, TrapCode> {
        // SAFETY: `base` and `len` are the memory's (the contract); the
        // address is inside it, or in its guard region (see `addr`).
        Ok(unsafe { T::load(self.addr::<T, W>(index, off)?) })
    }

    /// `d = conv(memory[a + off])`.
    ///
    /// # Safety
    /// As for [`Memory::read`]; slots `d` and `a` lie in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn load<T: Le, W: Exec>(
        self,
        o: &mut Operands,
        d: W,
        a: W,
        off: W,
        conv: impl FnOnce(T) -> u64,
    ) -> Result<(), TrapCode> {
        // SAFETY: `self` is memory 0 and the slots lie in the frame (as
        // required of `load`); `read` checks the address.
        unsafe {
            let v = self.read::<T, W>(o.a(a), off.idx())?;
            o.put(d, conv(v));
        }
        Ok(())
    }

    /// `d = memory[memory[a + o1] + o2]`, the offsets packed in `offs`.
    ///
    /// # Safety
    /// As for [`Memory::load`].
    #[inline(always)]
    pub(in crate::exec) unsafe fn load_via<T: Le + Into<u64>, W: Exec>(
        self,
        o: &mut Operands,
        d: W,
        a: W,
        offs: W,
    ) -> Result<(), TrapCode> {
        let (o1, o2) = unpack_slots(offs.idx());
        // SAFETY: `self` is memory 0 and the slots lie in the frame (as
        // required of `load_via`); `read` checks the addresses.
        unsafe {
            let p = self.read::<u32, W>(o.a(a), o1)?;
            let v = self.read::<T, W>(p as u64, o2)?;
            o.put(d, v.into());
        }
        Ok(())
    }

    /// `memory[a + off] = b`, truncated to a `T`.
    ///
    /// # Safety
    /// As for [`Memory::read`]; slots `a` and `b` lie in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn store<T: Le, W: Exec>(
        self,
        o: &Operands,
        a: W,
        b: W,
        off: W,
    ) -> Result<(), TrapCode> {
        // SAFETY: `self` is memory 0 and the slots lie in the frame (as
        // required of `store`), so `addr` gives an address inside the memory
        // or in its guard region, valid for the write or faulting.
        unsafe {
            let p = self.addr::<T, W>(o.a(a), off.idx())?;
            T::store(p, o.b(b));
        }
        Ok(())
    }
}
