//! Scalar numeric semantics that are more than one Rust operator: Wasm's
//! float min/max/rounding rules and the trapping integer operations.
//!
//! Everything here is a pure function so it can be tested in isolation; the
//! executor calls it on values read from slots.

use tandem_vm::TrapCode;

/// Float operations whose Wasm semantics differ from Rust's std methods,
/// shared by the scalar and SIMD operators. Implemented once per float type
/// by `wasm_float!`.
pub trait WasmFloat: Copy + PartialOrd {
    /// `fmin`: NaN if either operand is NaN; `-0 < +0`.
    fn wasm_min(self, other: Self) -> Self;
    /// `fmax`: NaN if either operand is NaN; `-0 < +0`.
    fn wasm_max(self, other: Self) -> Self;
    /// Rounding ops; a NaN input yields a quiet (arithmetic) NaN.
    fn wasm_ceil(self) -> Self;
    fn wasm_floor(self) -> Self;
    fn wasm_trunc(self) -> Self;
    fn wasm_nearest(self) -> Self;
    fn wasm_sqrt(self) -> Self;
    /// Sign-bit-only operations: never touch NaN payloads.
    fn wasm_abs(self) -> Self;
    fn wasm_neg(self) -> Self;
}

macro_rules! wasm_float {
    ($($t:ty => $u:ty),*) => {$(
        impl WasmFloat for $t {
            #[inline(always)]
            fn wasm_min(self, other: Self) -> Self {
                if self.is_nan() || other.is_nan() {
                    // `+` propagates (and quiets) the NaN: an arithmetic NaN,
                    // as the spec requires for NaN operands.
                    self + other
                } else if self == other {
                    // Equal, possibly zeros of opposite sign: OR-ing the bit
                    // patterns picks -0 over +0 (and is the identity otherwise).
                    <$t>::from_bits(self.to_bits() | other.to_bits())
                } else if self < other {
                    self
                } else {
                    other
                }
            }
            #[inline(always)]
            fn wasm_max(self, other: Self) -> Self {
                if self.is_nan() || other.is_nan() {
                    self + other
                } else if self == other {
                    // AND-ing picks +0 over -0.
                    <$t>::from_bits(self.to_bits() & other.to_bits())
                } else if self > other {
                    self
                } else {
                    other
                }
            }
            // The rounding functions may be libm calls that pass a signalling
            // NaN through unchanged; the spec wants an arithmetic (quiet) NaN,
            // which `x + x` produces.
            #[inline(always)]
            fn wasm_ceil(self) -> Self {
                if self.is_nan() { self + self } else { self.ceil() }
            }
            #[inline(always)]
            fn wasm_floor(self) -> Self {
                if self.is_nan() { self + self } else { self.floor() }
            }
            #[inline(always)]
            fn wasm_trunc(self) -> Self {
                if self.is_nan() { self + self } else { self.trunc() }
            }
            #[inline(always)]
            fn wasm_nearest(self) -> Self {
                if self.is_nan() { self + self } else { self.round_ties_even() }
            }
            #[inline(always)]
            fn wasm_sqrt(self) -> Self {
                if self.is_nan() { self + self } else { self.sqrt() }
            }
            #[inline(always)]
            fn wasm_abs(self) -> Self {
                <$t>::from_bits(self.to_bits() & !(1 << (<$u>::BITS - 1)))
            }
            #[inline(always)]
            fn wasm_neg(self) -> Self {
                <$t>::from_bits(self.to_bits() ^ (1 << (<$u>::BITS - 1)))
            }
        }
    )*};
}
wasm_float!(f32 => u32, f64 => u64);

/// Declares trapping float-to-int truncations: the float must be strictly
/// inside `(lo, hi)` — the bounds are exclusive and exactly representable —
/// before Rust's (saturating) `as` can be used.
macro_rules! trunc {
    ($( $name:ident: $f:ty => $i:ty, $lo:expr, $hi:expr; )*) => {
        $(
            pub fn $name(x: $f) -> Result<$i, TrapCode> {
                if x.is_nan() {
                    Err(TrapCode::BadConversionToInteger)
                } else if x > $lo && x < $hi {
                    Ok(x as $i)
                } else {
                    Err(TrapCode::IntegerOverflow)
                }
            }
        )*
    };
}
trunc! {
    // -2^31 - 1 is not an f32; the f32 below -2^31 is -2^31 - 256, which
    // overflows, and -2^31 itself must succeed, hence `>= -2^31` for f32.
    i32_trunc_f32_s: f32 => i32, -2147483904.0, 2147483648.0;
    i32_trunc_f32_u: f32 => u32, -1.0, 4294967296.0;
    i32_trunc_f64_s: f64 => i32, -2147483649.0, 2147483648.0;
    i32_trunc_f64_u: f64 => u32, -1.0, 4294967296.0;
    i64_trunc_f32_s: f32 => i64, -9223373136366403584.0, 9223372036854775808.0;
    i64_trunc_f32_u: f32 => u64, -1.0, 18446744073709551616.0;
    i64_trunc_f64_s: f64 => i64, -9223372036854777856.0, 9223372036854775808.0;
    i64_trunc_f64_u: f64 => u64, -1.0, 18446744073709551616.0;
}

/// Declares the trapping integer division and remainder of one width.
macro_rules! int_div {
    ($div_s:ident, $div_u:ident, $rem_s:ident, $rem_u:ident: $s:ty, $u:ty) => {
        pub fn $div_s(a: $s, b: $s) -> Result<$s, TrapCode> {
            if b == 0 {
                Err(TrapCode::IntegerDivisionByZero)
            } else if a == <$s>::MIN && b == -1 {
                Err(TrapCode::IntegerOverflow)
            } else {
                Ok(a / b)
            }
        }
        pub fn $div_u(a: $u, b: $u) -> Result<$u, TrapCode> {
            a.checked_div(b).ok_or(TrapCode::IntegerDivisionByZero)
        }
        /// `MIN % -1` is 0, not an overflow.
        pub fn $rem_s(a: $s, b: $s) -> Result<$s, TrapCode> {
            if b == 0 {
                Err(TrapCode::IntegerDivisionByZero)
            } else {
                Ok(a.wrapping_rem(b))
            }
        }
        pub fn $rem_u(a: $u, b: $u) -> Result<$u, TrapCode> {
            a.checked_rem(b).ok_or(TrapCode::IntegerDivisionByZero)
        }
    };
}
int_div!(i32_div_s, i32_div_u, i32_rem_s, i32_rem_u: i32, u32);
int_div!(i64_div_s, i64_div_u, i64_rem_s, i64_rem_u: i64, u64);

/// `copysign` on bit patterns (never touches the payload of a NaN).
pub fn copysign32(a: u32, b: u32) -> u32 {
    (a & !(1 << 31)) | (b & (1 << 31))
}

pub fn copysign64(a: u64, b: u64) -> u64 {
    (a & !(1 << 63)) | (b & (1 << 63))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_zero_signs_and_nan() {
        assert_eq!((-0.0f32).wasm_min(0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(0.0f32.wasm_min(-0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!((-0.0f64).wasm_max(0.0).to_bits(), 0.0f64.to_bits());
        assert!(f32::NAN.wasm_min(1.0).is_nan());
        assert!(1.0f64.wasm_max(f64::NAN).is_nan());
        assert_eq!(1.0f32.wasm_min(2.0), 1.0);
        assert_eq!(1.0f64.wasm_max(2.0), 2.0);
    }

    #[test]
    fn nearest_ties_to_even_and_quiets() {
        assert_eq!(2.5f32.wasm_nearest(), 2.0);
        assert_eq!(3.5f64.wasm_nearest(), 4.0);
        assert_eq!((-0.5f64).wasm_nearest().to_bits(), (-0.0f64).to_bits());
        let snan = f32::from_bits(0x7fa0_0000);
        assert_eq!(snan.wasm_nearest().to_bits(), 0x7fe0_0000);
        assert_eq!(snan.wasm_ceil().to_bits(), 0x7fe0_0000);
    }

    #[test]
    fn trunc_boundaries() {
        assert_eq!(i32_trunc_f32_s(-2147483648.0), Ok(i32::MIN));
        assert_eq!(
            i32_trunc_f32_s(2147483648.0),
            Err(TrapCode::IntegerOverflow)
        );
        assert_eq!(i32_trunc_f64_s(-2147483648.9), Ok(i32::MIN));
        assert_eq!(
            i32_trunc_f64_s(-2147483649.0),
            Err(TrapCode::IntegerOverflow)
        );
        assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(i32_trunc_f64_u(4294967295.9), Ok(u32::MAX));
        assert_eq!(i64_trunc_f64_s(-9223372036854775808.0), Ok(i64::MIN));
        assert_eq!(i64_trunc_f32_s(-9223372036854775808.0), Ok(i64::MIN));
        assert_eq!(
            i64_trunc_f64_u(18446744073709549568.0),
            Ok(18446744073709549568)
        );
        assert_eq!(
            i64_trunc_f32_u(f32::NAN),
            Err(TrapCode::BadConversionToInteger)
        );
    }

    #[test]
    fn division_traps() {
        assert_eq!(i32_div_s(i32::MIN, -1), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_rem_s(i32::MIN, -1), Ok(0));
        assert_eq!(i64_div_u(1, 0), Err(TrapCode::IntegerDivisionByZero));
        assert_eq!(i64_rem_s(-7, 2), Ok(-1));
    }

    #[test]
    fn copysign_is_bitwise() {
        assert_eq!(copysign32(0x7fc0_0001, 0x8000_0000), 0xffc0_0001);
        assert_eq!(copysign64(0x8000_0000_0000_0001, 0), 1);
    }
}
