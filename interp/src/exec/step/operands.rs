//! An instruction's operands: the slots of the running frame it names, and
//! the accumulator in the roles its mode gives it (see [`Instr`]). The
//! operations of the numeric families are written on [`Operands`] as their
//! shapes (unary, binary, with an immediate, trapping), once.

use super::super::*;

/// The running frame and the accumulator, as the instruction being run
/// reads and writes them.
pub(in crate::exec) struct Operands {
    /// The running frame.
    pub fp: *mut u64,
    /// The accumulator.
    pub acc: u64,
    /// Operand `A` comes from the accumulator.
    acc_a: bool,
    /// Operand `B` comes from the accumulator.
    acc_b: bool,
    /// Result `D` goes to the accumulator instead of its slot.
    acc_d: bool,
    /// Result `D` goes to its slot and to the accumulator.
    acc_w: bool,
}

/// A value type as slot bits: 32-bit values are zero-extended.
pub(in crate::exec) trait Bits: Copy {
    fn from_bits(v: u64) -> Self;
    fn to_bits(self) -> u64;
}

macro_rules! int_bits {
    ($($t:ty),*) => {$(
        impl Bits for $t {
            #[inline(always)]
            fn from_bits(v: u64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn to_bits(self) -> u64 {
                self as u64
            }
        }
    )*};
}
int_bits!(u32, u64, i64);

impl Bits for i32 {
    #[inline(always)]
    fn from_bits(v: u64) -> Self {
        v as i32
    }
    #[inline(always)]
    fn to_bits(self) -> u64 {
        self as u32 as u64
    }
}

impl Bits for bool {
    #[inline(always)]
    fn from_bits(v: u64) -> Self {
        v != 0
    }
    #[inline(always)]
    fn to_bits(self) -> u64 {
        self as u64
    }
}

impl Bits for f32 {
    #[inline(always)]
    fn from_bits(v: u64) -> Self {
        f32::from_bits(v as u32)
    }
    #[inline(always)]
    fn to_bits(self) -> u64 {
        self.to_bits() as u64
    }
}

impl Bits for f64 {
    #[inline(always)]
    fn from_bits(v: u64) -> Self {
        f64::from_bits(v)
    }
    #[inline(always)]
    fn to_bits(self) -> u64 {
        self.to_bits()
    }
}

// Every method that takes a slot has the same contract: the slot lies in the
// running frame at `fp` (which the translator guarantees of every slot an
// instruction names, see `exec/mod.rs`).
impl Operands {
    /// The operands of an instruction of encoded tag `tag`. In a handler the
    /// tag, and with it every role, is a constant.
    #[inline(always)]
    pub(in crate::exec) fn new(tag: u32, fp: *mut u64, acc: u64) -> Operands {
        let mode = (tag & ((1 << MODE_BITS) - 1)) as u8;
        Operands {
            fp,
            acc,
            acc_a: mode & ACC_A != 0,
            acc_b: mode & ACC_B != 0,
            acc_d: mode & ACC_D != 0,
            acc_w: mode & ACC_W != 0,
        }
    }

    /// The bits of slot `s`.
    ///
    /// # Safety
    /// Slot `s` lies in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn slot(&self, s: impl SlotIndex) -> u64 {
        // SAFETY: the slot lies in the frame (the contract).
        unsafe { *self.fp.add(s.at()) }
    }

    /// Writes slot `s`.
    ///
    /// # Safety
    /// Slot `s` lies in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn set_slot(&mut self, s: impl SlotIndex, v: u64) {
        // SAFETY: the slot lies in the frame (the contract).
        unsafe { *self.fp.add(s.at()) = v }
    }

    /// The `v128` in slots `s` and `s + 1`.
    ///
    /// # Safety
    /// Both slots lie in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn slot128(&self, s: impl SlotIndex) -> u128 {
        // SAFETY: both slots lie in the frame (the contract).
        unsafe { ptr::read_unaligned(self.fp.add(s.at()).cast::<u128>()) }
    }

    /// Writes a `v128` to slots `s` and `s + 1`.
    ///
    /// # Safety
    /// Both slots lie in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn set_slot128(&mut self, s: impl SlotIndex, v: u128) {
        // SAFETY: both slots lie in the frame (the contract).
        unsafe { ptr::write_unaligned(self.fp.add(s.at()).cast::<u128>(), v) }
    }

    /// Slot `s` as a `T`.
    ///
    /// # Safety
    /// Slot `s` lies in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn get<T: Bits>(&self, s: impl SlotIndex) -> T {
        // SAFETY: as required of `get`.
        T::from_bits(unsafe { self.slot(s) })
    }

    /// Operand `A` (slot `s` or the accumulator) as a `T`.
    ///
    /// # Safety
    /// Slot `s` lies in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn a<T: Bits>(&self, s: impl SlotIndex) -> T {
        let bits = if self.acc_a {
            self.acc
        } else {
            // SAFETY: as required of `a`.
            unsafe { self.slot(s) }
        };
        T::from_bits(bits)
    }

    /// Operand `B` (slot `s` or the accumulator) as a `T`.
    ///
    /// # Safety
    /// Slot `s` lies in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn b<T: Bits>(&self, s: impl SlotIndex) -> T {
        let bits = if self.acc_b {
            self.acc
        } else {
            // SAFETY: as required of `b`.
            unsafe { self.slot(s) }
        };
        T::from_bits(bits)
    }

    /// Writes result `D` (slot `s`, the accumulator, or both).
    ///
    /// # Safety
    /// Slot `s` lies in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn put<T: Bits>(&mut self, s: impl SlotIndex, v: T) {
        let v = v.to_bits();
        if self.acc_d {
            self.acc = v
        } else {
            // SAFETY: as required of `put`.
            unsafe { self.set_slot(s, v) };
            if self.acc_w {
                self.acc = v
            }
        }
    }

    /// `d = f(a)`.
    ///
    /// # Safety
    /// Slots `d` and `a` lie in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn un<T: Bits, U: Bits, S: SlotIndex>(
        &mut self,
        d: S,
        a: S,
        f: impl FnOnce(T) -> U,
    ) {
        // SAFETY: as required of `un`.
        unsafe { self.put(d, f(self.a(a))) }
    }

    /// `d = f(a, b)`.
    ///
    /// # Safety
    /// Slots `d`, `a` and `b` lie in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn bin<T: Bits, U: Bits, S: SlotIndex>(
        &mut self,
        d: S,
        a: S,
        b: S,
        f: impl FnOnce(T, T) -> U,
    ) {
        // SAFETY: as required of `bin`.
        unsafe { self.put(d, f(self.a(a), self.b(b))) }
    }

    /// `d = f(a, i)` for a signed immediate `i`, sign-extended to `T`.
    ///
    /// # Safety
    /// Slots `d` and `a` lie in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn imm<T: Bits, W: Width>(
        &mut self,
        d: W,
        a: W,
        i: W,
        f: impl FnOnce(T, T) -> T,
    ) {
        let i = T::from_bits(i.sext() as i64 as u64);
        // SAFETY: as required of `imm`.
        unsafe { self.put(d, f(self.a(a), i)) }
    }

    /// `d = f(a)`, or the trap `f` returns.
    ///
    /// # Safety
    /// Slots `d` and `a` lie in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn try_un<T: Bits, U: Bits, S: SlotIndex>(
        &mut self,
        d: S,
        a: S,
        f: impl FnOnce(T) -> Result<U, TrapCode>,
    ) -> Result<(), TrapCode> {
        // SAFETY: as required of `try_un`.
        unsafe { self.put(d, f(self.a(a))?) };
        Ok(())
    }

    /// `d = f(a, b)`, or the trap `f` returns.
    ///
    /// # Safety
    /// Slots `d`, `a` and `b` lie in the running frame.
    #[inline(always)]
    pub(in crate::exec) unsafe fn try_bin<T: Bits, U: Bits, S: SlotIndex>(
        &mut self,
        d: S,
        a: S,
        b: S,
        f: impl FnOnce(T, T) -> Result<U, TrapCode>,
    ) -> Result<(), TrapCode> {
        // SAFETY: as required of `try_bin`.
        unsafe { self.put(d, f(self.a(a), self.b(b))?) };
        Ok(())
    }
}
