//! Semantics of the Wasm 2.0 fixed-width SIMD proposal (`v128`) for the interpreter.
//!
//! A `v128` travels as a `u128` whose lane `i` of width `w` bits occupies bits
//! `[i*w, (i+1)*w)`. That is little-endian lane order, so a vector loaded with
//! `u128::from_le_bytes` from linear memory already has its lanes in place.
//!
//! The module is deliberately self-contained and portable (no intrinsics): the
//! interpreter decodes an operator into a compact [`SimdOp`] / [`SimdMemOp`]
//! (the vocabulary `tandem_vm::simd` shares with the JIT) once, at
//! translation time, and calls [`eval`] / [`load`] / [`store`] when executing.

use crate::num::WasmFloat;
pub use tandem_vm::simd::{SimdMemOp, SimdOp};

// ---------------------------------------------------------------------------
// Lane plumbing
// ---------------------------------------------------------------------------

/// A scalar that can live in a v128 lane. Generic helpers below are written
/// once over this trait instead of once per lane shape.
trait Lane: Copy {
    /// Lane width in bits; the vector has `128 / BITS` lanes.
    const BITS: u32;
    /// The lane held in the low `BITS` bits of `v` (higher bits ignored).
    fn from_bits(v: u128) -> Self;
    /// The lane's bit pattern, zero-extended.
    fn to_bits(self) -> u128;
    /// Whether the lane's top bit is set (the input of `bitmask`).
    fn sign_bit(self) -> bool {
        (self.to_bits() >> (Self::BITS - 1)) & 1 != 0
    }
}

/// Integer lanes: the bit pattern is the value, reinterpreted via the unsigned type.
macro_rules! int_lane {
    ($($t:ty => $u:ty),*) => {$(
        impl Lane for $t {
            const BITS: u32 = <$u>::BITS;
            #[inline(always)]
            fn from_bits(v: u128) -> Self {
                v as $u as $t
            }
            #[inline(always)]
            fn to_bits(self) -> u128 {
                self as $u as u128
            }
        }
    )*};
}
int_lane!(i8 => u8, u8 => u8, i16 => u16, u16 => u16, i32 => u32, u32 => u32, i64 => u64, u64 => u64);

/// Float lanes travel as their exact bit patterns (NaN payloads preserved).
macro_rules! float_lane {
    ($($t:ty => $u:ty),*) => {$(
        impl Lane for $t {
            const BITS: u32 = <$u>::BITS;
            #[inline(always)]
            fn from_bits(v: u128) -> Self {
                <$t>::from_bits(v as $u)
            }
            #[inline(always)]
            fn to_bits(self) -> u128 {
                <$t>::to_bits(self) as u128
            }
        }
    )*};
}
float_lane!(f32 => u32, f64 => u64);

/// Number of lanes of type `T` in a v128.
const fn count<T: Lane>() -> usize {
    (128 / T::BITS) as usize
}

/// Lane `i` of `v`, read as `T`. The index is masked so a bogus immediate can
/// never overshift; validation guarantees it is in range anyway.
#[inline(always)]
fn lane<T: Lane>(v: u128, i: usize) -> T {
    let i = (i % count::<T>()) as u32;
    T::from_bits(v >> (i * T::BITS))
}

/// Builds a vector whose lane `i` is `f(i)`.
#[inline(always)]
fn build<T: Lane>(mut f: impl FnMut(usize) -> T) -> u128 {
    let mut r = 0u128;
    for i in 0..count::<T>() {
        r |= f(i).to_bits() << (i as u32 * T::BITS);
    }
    r
}

/// `v` with lane `i` replaced by `x`.
#[inline(always)]
fn replace<T: Lane>(v: u128, i: usize, x: T) -> u128 {
    let shift = (i % count::<T>()) as u32 * T::BITS;
    let mask = (u128::MAX >> (128 - T::BITS)) << shift;
    (v & !mask) | (x.to_bits() << shift)
}

/// A vector with every lane equal to `x`.
#[inline(always)]
fn splat<T: Lane>(x: T) -> u128 {
    build(|_| x)
}

/// Lane-wise unary operation.
#[inline(always)]
fn map1<T: Lane>(a: u128, f: impl Fn(T) -> T) -> u128 {
    build(|i| f(lane(a, i)))
}

/// Lane-wise binary operation.
#[inline(always)]
fn map2<T: Lane>(a: u128, b: u128, f: impl Fn(T, T) -> T) -> u128 {
    build(|i| f(lane(a, i), lane(b, i)))
}

/// Lane-wise ternary operation.
#[inline(always)]
fn lanes3<T: Lane>(a: u128, b: u128, c: u128, f: impl Fn(T, T, T) -> T) -> u128 {
    build(|i| f(lane(a, i), lane(b, i), lane(c, i)))
}

/// `madd32` / `madd64`: `c + a * b` (`c - a * b` if `negate`) of float
/// bits, unfused, with the NaN x86 gives (as the JIT computes it: `mulps
/// a, b` then `addps c, t`): the first NaN operand of each step, quieted.
/// Spelled out, since a compiler may swap the operands of a commutative
/// float operation.
macro_rules! madd {
    ($name:ident, $f:ty, $bits:ty, $quiet:expr) => {
        fn $name(a: $bits, b: $bits, c: $bits, negate: bool) -> $bits {
            let (x, y, z) = (<$f>::from_bits(a), <$f>::from_bits(b), <$f>::from_bits(c));
            let t = if x.is_nan() {
                <$f>::from_bits(a | $quiet)
            } else {
                x * y
            };
            let r = match (z.is_nan(), negate) {
                (true, _) => <$f>::from_bits(c | $quiet),
                (false, false) => z + t,
                (false, true) => z - t,
            };
            r.to_bits()
        }
    };
}
madd!(madd32, f32, u32, 1 << 22);
madd!(madd64, f64, u64, 1 << 51);

/// `i16x8.relaxed_dot_i8x16_i7x16_s` as tandem chooses (x86's
/// `pmaddubsw b, a`): `a`'s bytes signed times `b`'s unsigned, adjacent
/// products summed with signed saturation.
fn relaxed_dot(a: u128, b: u128) -> u128 {
    pairwise::<u8, i16>(a, b, |a0, a1, b0, b1| {
        let sum = a0 as i8 as i32 * b0 as i32 + a1 as i8 as i32 * b1 as i32;
        sum.clamp(i16::MIN.into(), i16::MAX.into()) as i16
    })
}

/// Lane-wise comparison: all-ones lanes where `f` holds, zero elsewhere.
/// The mask is built as an unsigned lane of the same width so float
/// comparisons produce integer masks, as the spec requires.
#[inline(always)]
fn cmp<T: Lane>(a: u128, b: u128, f: impl Fn(T, T) -> bool) -> u128 {
    let ones = u128::MAX >> (128 - T::BITS);
    let mut r = 0u128;
    for i in 0..count::<T>() {
        if f(lane(a, i), lane(b, i)) {
            r |= ones << (i as u32 * T::BITS);
        }
    }
    r
}

/// `all_true`: 1 if every lane is non-zero.
#[inline(always)]
fn all_true<T: Lane>(a: u128) -> u128 {
    (0..count::<T>()).all(|i| lane::<T>(a, i).to_bits() != 0) as u128
}

/// `bitmask`: bit `i` of the i32 result is the top bit of lane `i`.
#[inline(always)]
fn bitmask<T: Lane>(a: u128) -> u128 {
    (0..count::<T>()).fold(0, |m, i| m | ((lane::<T>(a, i).sign_bit() as u128) << i))
}

/// Widening of half a vector: lane `i` of the result is `f` of lane
/// `i + base` of `a` (`base` is 0 for `low`, half the narrow count for `high`).
/// Used by extend, extmul and the low/zero conversions.
#[inline(always)]
fn widen<N: Lane, W: Lane>(a: u128, b: u128, high: bool, f: impl Fn(N, N) -> W) -> u128 {
    let base = if high { count::<W>() } else { 0 };
    build(|i| f(lane(a, base + i), lane(b, base + i)))
}

/// Pairwise combination: lane `i` of the result is `f` of narrow lanes
/// `2i` and `2i+1` of `a` and of `b` (extadd_pairwise ignores `b`, dot uses both).
#[inline(always)]
fn pairwise<N: Lane, W: Lane>(a: u128, b: u128, f: impl Fn(N, N, N, N) -> W) -> u128 {
    build(|i| {
        f(
            lane(a, 2 * i),
            lane(a, 2 * i + 1),
            lane(b, 2 * i),
            lane(b, 2 * i + 1),
        )
    })
}

/// Narrowing with saturation: the low half of the result comes from `a`, the
/// high half from `b`, each wide lane clamped by `f`.
#[inline(always)]
fn narrow<W: Lane, N: Lane>(a: u128, b: u128, f: impl Fn(W) -> N) -> u128 {
    let half = count::<W>();
    build(|i| {
        if i < half {
            f(lane(a, i))
        } else {
            f(lane(b, i - half))
        }
    })
}

/// The `_zero` conversions: both f64 lanes of `a` become the low two 32-bit
/// lanes of the result; the upper two lanes are zero.
#[inline(always)]
fn narrow_f64_zero(a: u128, f: impl Fn(f64) -> u32) -> u128 {
    build::<u32>(|i| if i < 2 { f(lane(a, i)) } else { 0 })
}

/// Integer-shift count: the scalar operand taken modulo the lane width. The
/// `wrapping_sh*` methods used with it mask the count in exactly that way.
#[inline(always)]
fn shift_count(b: u128) -> u32 {
    b as u32
}

// ---------------------------------------------------------------------------
// Float helpers (Wasm NaN / signed-zero rules)
// ---------------------------------------------------------------------------

/// `pmin`: `b < a ? b : a` exactly (so NaNs and zeros follow operand order).
#[inline(always)]
fn pmin<T: WasmFloat>(a: T, b: T) -> T {
    if b < a {
        b
    } else {
        a
    }
}

/// `pmax`: `a < b ? b : a` exactly.
#[inline(always)]
fn pmax<T: WasmFloat>(a: T, b: T) -> T {
    if a < b {
        b
    } else {
        a
    }
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

/// Lane-shape families that share an operation set. Each arm maps one family's
/// operator to the generic helper with that family's lane types, so
/// `int_family!` below states the operation once for all four shapes.
macro_rules! int_family {
    ($op:expr, $a:expr, $b:expr; $(
        $s:ty, $u:ty: $Add:ident $Sub:ident $Abs:ident $Neg:ident $Shl:ident $ShrS:ident $ShrU:ident
            $Eq:ident $Ne:ident $LtS:ident $GtS:ident $LeS:ident $GeS:ident
            $AllTrue:ident $Bitmask:ident;
    )*) => {
        match $op {
            $(
                SimdOp::$Add => Some(map2::<$u>($a, $b, <$u>::wrapping_add)),
                SimdOp::$Sub => Some(map2::<$u>($a, $b, <$u>::wrapping_sub)),
                SimdOp::$Abs => Some(map1::<$s>($a, <$s>::wrapping_abs)),
                SimdOp::$Neg => Some(map1::<$s>($a, <$s>::wrapping_neg)),
                SimdOp::$Shl => Some(map1::<$u>($a, |x| x.wrapping_shl(shift_count($b)))),
                SimdOp::$ShrS => Some(map1::<$s>($a, |x| x.wrapping_shr(shift_count($b)))),
                SimdOp::$ShrU => Some(map1::<$u>($a, |x| x.wrapping_shr(shift_count($b)))),
                SimdOp::$Eq => Some(cmp::<$u>($a, $b, |x, y| x == y)),
                SimdOp::$Ne => Some(cmp::<$u>($a, $b, |x, y| x != y)),
                SimdOp::$LtS => Some(cmp::<$s>($a, $b, |x, y| x < y)),
                SimdOp::$GtS => Some(cmp::<$s>($a, $b, |x, y| x > y)),
                SimdOp::$LeS => Some(cmp::<$s>($a, $b, |x, y| x <= y)),
                SimdOp::$GeS => Some(cmp::<$s>($a, $b, |x, y| x >= y)),
                SimdOp::$AllTrue => Some(all_true::<$u>($a)),
                SimdOp::$Bitmask => Some(bitmask::<$u>($a)),
            )*
            _ => None,
        }
    };
}

/// Operations present for i8x16, i16x8 and i32x4 but not i64x2: unsigned
/// comparisons and min/max.
macro_rules! small_int_family {
    ($op:expr, $a:expr, $b:expr; $(
        $s:ty, $u:ty: $LtU:ident $GtU:ident $LeU:ident $GeU:ident
            $MinS:ident $MinU:ident $MaxS:ident $MaxU:ident;
    )*) => {
        match $op {
            $(
                SimdOp::$LtU => Some(cmp::<$u>($a, $b, |x, y| x < y)),
                SimdOp::$GtU => Some(cmp::<$u>($a, $b, |x, y| x > y)),
                SimdOp::$LeU => Some(cmp::<$u>($a, $b, |x, y| x <= y)),
                SimdOp::$GeU => Some(cmp::<$u>($a, $b, |x, y| x >= y)),
                SimdOp::$MinS => Some(map2::<$s>($a, $b, Ord::min)),
                SimdOp::$MinU => Some(map2::<$u>($a, $b, Ord::min)),
                SimdOp::$MaxS => Some(map2::<$s>($a, $b, Ord::max)),
                SimdOp::$MaxU => Some(map2::<$u>($a, $b, Ord::max)),
            )*
            _ => None,
        }
    };
}

/// Operations of i8x16 and i16x8 only: saturating add/sub and rounding average.
/// `$w` is a wider unsigned type in which `a + b + 1` cannot overflow.
macro_rules! sat_family {
    ($op:expr, $a:expr, $b:expr; $(
        $s:ty, $u:ty, $w:ty: $AddSatS:ident $AddSatU:ident $SubSatS:ident $SubSatU:ident $AvgrU:ident;
    )*) => {
        match $op {
            $(
                SimdOp::$AddSatS => Some(map2::<$s>($a, $b, <$s>::saturating_add)),
                SimdOp::$AddSatU => Some(map2::<$u>($a, $b, <$u>::saturating_add)),
                SimdOp::$SubSatS => Some(map2::<$s>($a, $b, <$s>::saturating_sub)),
                SimdOp::$SubSatU => Some(map2::<$u>($a, $b, <$u>::saturating_sub)),
                SimdOp::$AvgrU => Some(map2::<$u>($a, $b, |x, y| {
                    ((x as $w + y as $w + 1) >> 1) as $u
                })),
            )*
            _ => None,
        }
    };
}

/// Widening operations from a narrow shape (`$ns`/`$nu`) to the next wider one
/// (`$ws`/`$wu`): extend low/high and extmul low/high.
macro_rules! widen_family {
    ($op:expr, $a:expr, $b:expr; $(
        $ns:ty, $nu:ty => $ws:ty, $wu:ty:
            $ExtLS:ident $ExtHS:ident $ExtLU:ident $ExtHU:ident
            $MulLS:ident $MulHS:ident $MulLU:ident $MulHU:ident;
    )*) => {
        match $op {
            $(
                SimdOp::$ExtLS => Some(widen::<$ns, $ws>($a, 0, false, |x, _| x as $ws)),
                SimdOp::$ExtHS => Some(widen::<$ns, $ws>($a, 0, true, |x, _| x as $ws)),
                SimdOp::$ExtLU => Some(widen::<$nu, $wu>($a, 0, false, |x, _| x as $wu)),
                SimdOp::$ExtHU => Some(widen::<$nu, $wu>($a, 0, true, |x, _| x as $wu)),
                // The product of two extended narrow values always fits the wide lane.
                SimdOp::$MulLS => Some(widen::<$ns, $ws>($a, $b, false, |x, y| x as $ws * y as $ws)),
                SimdOp::$MulHS => Some(widen::<$ns, $ws>($a, $b, true, |x, y| x as $ws * y as $ws)),
                SimdOp::$MulLU => Some(widen::<$nu, $wu>($a, $b, false, |x, y| x as $wu * y as $wu)),
                SimdOp::$MulHU => Some(widen::<$nu, $wu>($a, $b, true, |x, y| x as $wu * y as $wu)),
            )*
            _ => None,
        }
    };
}

/// Float operations shared by f32x4 and f64x2.
macro_rules! float_family {
    ($op:expr, $a:expr, $b:expr; $(
        $f:ty: $Add:ident $Sub:ident $Mul:ident $Div:ident $Min:ident $Max:ident
            $PMin:ident $PMax:ident $Ceil:ident $Floor:ident $Trunc:ident $Nearest:ident
            $Abs:ident $Neg:ident $Sqrt:ident
            $Eq:ident $Ne:ident $Lt:ident $Gt:ident $Le:ident $Ge:ident;
    )*) => {
        match $op {
            $(
                SimdOp::$Add => Some(map2::<$f>($a, $b, |x, y| x + y)),
                SimdOp::$Sub => Some(map2::<$f>($a, $b, |x, y| x - y)),
                SimdOp::$Mul => Some(map2::<$f>($a, $b, |x, y| x * y)),
                SimdOp::$Div => Some(map2::<$f>($a, $b, |x, y| x / y)),
                SimdOp::$Min => Some(map2::<$f>($a, $b, WasmFloat::wasm_min)),
                SimdOp::$Max => Some(map2::<$f>($a, $b, WasmFloat::wasm_max)),
                SimdOp::$PMin => Some(map2::<$f>($a, $b, pmin)),
                SimdOp::$PMax => Some(map2::<$f>($a, $b, pmax)),
                SimdOp::$Ceil => Some(map1::<$f>($a, WasmFloat::wasm_ceil)),
                SimdOp::$Floor => Some(map1::<$f>($a, WasmFloat::wasm_floor)),
                SimdOp::$Trunc => Some(map1::<$f>($a, WasmFloat::wasm_trunc)),
                SimdOp::$Nearest => Some(map1::<$f>($a, WasmFloat::wasm_nearest)),
                SimdOp::$Abs => Some(map1::<$f>($a, WasmFloat::wasm_abs)),
                SimdOp::$Neg => Some(map1::<$f>($a, WasmFloat::wasm_neg)),
                SimdOp::$Sqrt => Some(map1::<$f>($a, WasmFloat::wasm_sqrt)),
                SimdOp::$Eq => Some(cmp::<$f>($a, $b, |x, y| x == y)),
                SimdOp::$Ne => Some(cmp::<$f>($a, $b, |x, y| x != y)),
                SimdOp::$Lt => Some(cmp::<$f>($a, $b, |x, y| x < y)),
                SimdOp::$Gt => Some(cmp::<$f>($a, $b, |x, y| x > y)),
                SimdOp::$Le => Some(cmp::<$f>($a, $b, |x, y| x <= y)),
                SimdOp::$Ge => Some(cmp::<$f>($a, $b, |x, y| x >= y)),
            )*
            _ => None,
        }
    };
}

/// Saturating narrowing of one wide lane to a signed narrow lane.
macro_rules! clamp_to {
    ($x:expr, $t:ty) => {
        ($x).clamp(<$t>::MIN.into(), <$t>::MAX.into()) as $t
    };
}

/// Evaluates `op`. Operands beyond the op's arity are ignored. Scalars travel in the low bits:
/// i32 zero-extended from u32, i64 as u64, f32/f64 as their bit patterns; scalar results likewise
/// (an i32 result is `(x as u32) as u128`).
pub fn eval(op: SimdOp, a: u128, b: u128, c: u128) -> u128 {
    use SimdOp::*;

    // The per-family tables handle the operations that exist uniformly across
    // lane shapes; what they don't cover is spelled out in the match below.
    let family = int_family!(op, a, b;
        i8, u8: I8x16Add I8x16Sub I8x16Abs I8x16Neg I8x16Shl I8x16ShrS I8x16ShrU
            I8x16Eq I8x16Ne I8x16LtS I8x16GtS I8x16LeS I8x16GeS I8x16AllTrue I8x16Bitmask;
        i16, u16: I16x8Add I16x8Sub I16x8Abs I16x8Neg I16x8Shl I16x8ShrS I16x8ShrU
            I16x8Eq I16x8Ne I16x8LtS I16x8GtS I16x8LeS I16x8GeS I16x8AllTrue I16x8Bitmask;
        i32, u32: I32x4Add I32x4Sub I32x4Abs I32x4Neg I32x4Shl I32x4ShrS I32x4ShrU
            I32x4Eq I32x4Ne I32x4LtS I32x4GtS I32x4LeS I32x4GeS I32x4AllTrue I32x4Bitmask;
        i64, u64: I64x2Add I64x2Sub I64x2Abs I64x2Neg I64x2Shl I64x2ShrS I64x2ShrU
            I64x2Eq I64x2Ne I64x2LtS I64x2GtS I64x2LeS I64x2GeS I64x2AllTrue I64x2Bitmask;
    )
    .or_else(|| {
        small_int_family!(op, a, b;
            i8, u8: I8x16LtU I8x16GtU I8x16LeU I8x16GeU I8x16MinS I8x16MinU I8x16MaxS I8x16MaxU;
            i16, u16: I16x8LtU I16x8GtU I16x8LeU I16x8GeU I16x8MinS I16x8MinU I16x8MaxS I16x8MaxU;
            i32, u32: I32x4LtU I32x4GtU I32x4LeU I32x4GeU I32x4MinS I32x4MinU I32x4MaxS I32x4MaxU;
        )
    })
    .or_else(|| {
        sat_family!(op, a, b;
            i8, u8, u16: I8x16AddSatS I8x16AddSatU I8x16SubSatS I8x16SubSatU I8x16AvgrU;
            i16, u16, u32: I16x8AddSatS I16x8AddSatU I16x8SubSatS I16x8SubSatU I16x8AvgrU;
        )
    })
    .or_else(|| {
        widen_family!(op, a, b;
            i8, u8 => i16, u16: I16x8ExtendLowI8x16S I16x8ExtendHighI8x16S
                I16x8ExtendLowI8x16U I16x8ExtendHighI8x16U
                I16x8ExtMulLowI8x16S I16x8ExtMulHighI8x16S
                I16x8ExtMulLowI8x16U I16x8ExtMulHighI8x16U;
            i16, u16 => i32, u32: I32x4ExtendLowI16x8S I32x4ExtendHighI16x8S
                I32x4ExtendLowI16x8U I32x4ExtendHighI16x8U
                I32x4ExtMulLowI16x8S I32x4ExtMulHighI16x8S
                I32x4ExtMulLowI16x8U I32x4ExtMulHighI16x8U;
            i32, u32 => i64, u64: I64x2ExtendLowI32x4S I64x2ExtendHighI32x4S
                I64x2ExtendLowI32x4U I64x2ExtendHighI32x4U
                I64x2ExtMulLowI32x4S I64x2ExtMulHighI32x4S
                I64x2ExtMulLowI32x4U I64x2ExtMulHighI32x4U;
        )
    })
    .or_else(|| {
        float_family!(op, a, b;
            f32: F32x4Add F32x4Sub F32x4Mul F32x4Div F32x4Min F32x4Max F32x4PMin F32x4PMax
                F32x4Ceil F32x4Floor F32x4Trunc F32x4Nearest F32x4Abs F32x4Neg F32x4Sqrt
                F32x4Eq F32x4Ne F32x4Lt F32x4Gt F32x4Le F32x4Ge;
            f64: F64x2Add F64x2Sub F64x2Mul F64x2Div F64x2Min F64x2Max F64x2PMin F64x2PMax
                F64x2Ceil F64x2Floor F64x2Trunc F64x2Nearest F64x2Abs F64x2Neg F64x2Sqrt
                F64x2Eq F64x2Ne F64x2Lt F64x2Gt F64x2Le F64x2Ge;
        )
    });
    if let Some(r) = family {
        return r;
    }

    match op {
        // Lane access. Scalars are returned zero-extended from their Wasm type.
        I8x16Shuffle { lanes } => {
            // Indices 0..16 pick from `a`, 16..32 from `b` (validated < 32).
            let (x, y) = (a.to_le_bytes(), b.to_le_bytes());
            build::<u8>(|i| {
                let j = lanes[i] as usize % 32;
                if j < 16 {
                    x[j]
                } else {
                    y[j - 16]
                }
            })
        }
        I8x16Swizzle => {
            // Out-of-range selectors (including "negative" bytes) produce 0.
            let x = a.to_le_bytes();
            map1::<u8>(b, |j| x.get(j as usize).copied().unwrap_or(0))
        }
        I8x16ExtractLaneS { lane: l } => lane::<i8>(a, l as usize) as i32 as u32 as u128,
        I8x16ExtractLaneU { lane: l } => lane::<u8>(a, l as usize) as u128,
        I16x8ExtractLaneS { lane: l } => lane::<i16>(a, l as usize) as i32 as u32 as u128,
        I16x8ExtractLaneU { lane: l } => lane::<u16>(a, l as usize) as u128,
        I32x4ExtractLane { lane: l } => lane::<u32>(a, l as usize) as u128,
        I64x2ExtractLane { lane: l } => lane::<u64>(a, l as usize) as u128,
        F32x4ExtractLane { lane: l } => lane::<u32>(a, l as usize) as u128,
        F64x2ExtractLane { lane: l } => lane::<u64>(a, l as usize) as u128,
        // Replacement scalars are truncated to the lane width (i8/i16 wrap).
        I8x16ReplaceLane { lane: l } => replace(a, l as usize, b as u8),
        I16x8ReplaceLane { lane: l } => replace(a, l as usize, b as u16),
        I32x4ReplaceLane { lane: l } | F32x4ReplaceLane { lane: l } => {
            replace(a, l as usize, b as u32)
        }
        I64x2ReplaceLane { lane: l } | F64x2ReplaceLane { lane: l } => {
            replace(a, l as usize, b as u64)
        }
        I8x16Splat => splat(a as u8),
        I16x8Splat => splat(a as u16),
        I32x4Splat | F32x4Splat => splat(a as u32),
        I64x2Splat | F64x2Splat => splat(a as u64),

        // Whole-vector bitwise.
        V128Not => !a,
        V128And => a & b,
        V128AndNot => a & !b,
        V128Or => a | b,
        V128Xor => a ^ b,
        // Bits of `a` where the mask `c` is 1, of `b` where it is 0.
        V128Bitselect => (a & c) | (b & !c),
        V128AnyTrue => (a != 0) as u128,

        I8x16Popcnt => map1::<u8>(a, |x| x.count_ones() as u8),
        I8x16NarrowI16x8S => narrow::<i16, i8>(a, b, |x| clamp_to!(x, i8)),
        // Unsigned narrowing still reads the wide lanes as signed.
        I8x16NarrowI16x8U => narrow::<i16, u8>(a, b, |x| clamp_to!(x, u8)),
        I16x8NarrowI32x4S => narrow::<i32, i16>(a, b, |x| clamp_to!(x, i16)),
        I16x8NarrowI32x4U => narrow::<i32, u16>(a, b, |x| clamp_to!(x, u16)),

        I16x8Mul => map2::<u16>(a, b, u16::wrapping_mul),
        I32x4Mul => map2::<u32>(a, b, u32::wrapping_mul),
        I64x2Mul => map2::<u64>(a, b, u64::wrapping_mul),

        I16x8ExtAddPairwiseI8x16S => pairwise::<i8, i16>(a, 0, |x, y, _, _| x as i16 + y as i16),
        I16x8ExtAddPairwiseI8x16U => pairwise::<u8, u16>(a, 0, |x, y, _, _| x as u16 + y as u16),
        I32x4ExtAddPairwiseI16x8S => pairwise::<i16, i32>(a, 0, |x, y, _, _| x as i32 + y as i32),
        I32x4ExtAddPairwiseI16x8U => pairwise::<u16, u32>(a, 0, |x, y, _, _| x as u32 + y as u32),
        // Each product fits an i32, but their sum overflows for
        // (-32768)² + (-32768)², which must wrap to i32::MIN.
        I32x4DotI16x8S => pairwise::<i16, i32>(a, b, |a0, a1, b0, b1| {
            (a0 as i32 * b0 as i32).wrapping_add(a1 as i32 * b1 as i32)
        }),
        // Q15 rounding multiply: (x*y + 2^14) >> 15, saturated; only
        // -32768 * -32768 actually saturates.
        I16x8Q15MulrSatS => map2::<i16>(a, b, |x, y| {
            clamp_to!((x as i32 * y as i32 + 0x4000) >> 15, i16)
        }),

        // Conversions. Rust's float→int `as` saturates and maps NaN to 0,
        // which is exactly `trunc_sat`; int→float `as` rounds to nearest-even.
        I32x4TruncSatF32x4S => map1::<u32>(a, |x| f32::from_bits(x) as i32 as u32),
        I32x4TruncSatF32x4U => map1::<u32>(a, |x| f32::from_bits(x) as u32),
        F32x4ConvertI32x4S => map1::<u32>(a, |x| (x as i32 as f32).to_bits()),
        F32x4ConvertI32x4U => map1::<u32>(a, |x| (x as f32).to_bits()),
        I32x4TruncSatF64x2SZero => narrow_f64_zero(a, |x| x as i32 as u32),
        I32x4TruncSatF64x2UZero => narrow_f64_zero(a, |x| x as u32),
        F32x4DemoteF64x2Zero => narrow_f64_zero(a, |x| (x as f32).to_bits()),
        F64x2ConvertLowI32x4S => widen::<i32, f64>(a, 0, false, |x, _| x as f64),
        F64x2ConvertLowI32x4U => widen::<u32, f64>(a, 0, false, |x, _| x as f64),
        F64x2PromoteLowF32x4 => widen::<f32, f64>(a, 0, false, |x, _| x as f64),

        // Relaxed SIMD, as `tandem_vm::simd` chooses.
        F32x4RelaxedMadd => lanes3::<u32>(a, b, c, |x, y, z| madd32(x, y, z, false)),
        F32x4RelaxedNmadd => lanes3::<u32>(a, b, c, |x, y, z| madd32(x, y, z, true)),
        F64x2RelaxedMadd => lanes3::<u64>(a, b, c, |x, y, z| madd64(x, y, z, false)),
        F64x2RelaxedNmadd => lanes3::<u64>(a, b, c, |x, y, z| madd64(x, y, z, true)),
        I16x8RelaxedDotI8x16I7x16S => relaxed_dot(a, b),
        I32x4RelaxedDotI8x16I7x16AddS => {
            let sums = pairwise::<i16, i32>(relaxed_dot(a, b), 0, |x, y, _, _| x as i32 + y as i32);
            map2::<u32>(sums, c, u32::wrapping_add)
        }

        // Everything else was handled by a family table above.
        _ => unreachable!("SIMD operator {op:?} not covered by a family table"),
    }
}

// ---------------------------------------------------------------------------
// Memory operators
// ---------------------------------------------------------------------------

/// What load `op` reads: `bytes` has exactly access_size() bytes (little-endian memory); `old` is the vector
/// operand of lane loads (ignored otherwise).
///
/// Stores return `old` unchanged (they produce no value); calling this on
/// them is harmless but pointless.
pub fn load(op: SimdMemOp, bytes: &[u8], old: u128) -> u128 {
    use SimdMemOp::*;
    // Every load is "read N little-endian bytes, zero-extended", followed
    // by a reshaping of that value.
    let n = op.access_size().min(bytes.len());
    let mut buf = [0u8; 16];
    buf[..n].copy_from_slice(&bytes[..n]);
    let x = u128::from_le_bytes(buf);
    match op {
        // The zero-extension already is `load32_zero`/`load64_zero`.
        V128Load | V128Load32Zero | V128Load64Zero => x,
        V128Load8x8S => widen::<i8, i16>(x, 0, false, |v, _| v as i16),
        V128Load8x8U => widen::<u8, u16>(x, 0, false, |v, _| v as u16),
        V128Load16x4S => widen::<i16, i32>(x, 0, false, |v, _| v as i32),
        V128Load16x4U => widen::<u16, u32>(x, 0, false, |v, _| v as u32),
        V128Load32x2S => widen::<i32, i64>(x, 0, false, |v, _| v as i64),
        V128Load32x2U => widen::<u32, u64>(x, 0, false, |v, _| v as u64),
        V128Load8Splat => splat(x as u8),
        V128Load16Splat => splat(x as u16),
        V128Load32Splat => splat(x as u32),
        V128Load64Splat => splat(x as u64),
        V128Load8Lane { lane } => replace(old, lane as usize, x as u8),
        V128Load16Lane { lane } => replace(old, lane as usize, x as u16),
        V128Load32Lane { lane } => replace(old, lane as usize, x as u32),
        V128Load64Lane { lane } => replace(old, lane as usize, x as u64),
        V128Store
        | V128Store8Lane { .. }
        | V128Store16Lane { .. }
        | V128Store32Lane { .. }
        | V128Store64Lane { .. } => old,
    }
}

/// What store `op` writes: exactly access_size() bytes.
///
/// Loads write nothing.
pub fn store(op: SimdMemOp, v: u128, out: &mut [u8]) {
    use SimdMemOp::*;
    // The stored bytes are the low bytes of the selected lane shifted down.
    let x = match op {
        V128Store => v,
        V128Store8Lane { lane: l } => lane::<u8>(v, l as usize) as u128,
        V128Store16Lane { lane: l } => lane::<u16>(v, l as usize) as u128,
        V128Store32Lane { lane: l } => lane::<u32>(v, l as usize) as u128,
        V128Store64Lane { lane: l } => lane::<u64>(v, l as usize) as u128,
        _ => return,
    };
    let n = op.access_size().min(out.len());
    out[..n].copy_from_slice(&x.to_le_bytes()[..n]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_lanes<T: Lane>(l: &[T]) -> u128 {
        build(|i| l[i])
    }
    fn to_lanes<T: Lane + Default, const N: usize>(v: u128) -> [T; N] {
        let mut r = [T::default(); N];
        for (i, x) in r.iter_mut().enumerate() {
            *x = lane(v, i);
        }
        r
    }
    fn f32s(v: u128) -> [u32; 4] {
        to_lanes(v)
    }

    const NEG_ZERO: f32 = -0.0;

    #[test]
    fn float_min_max_nan_and_zero() {
        let a = from_lanes(&[f32::NAN, 1.0, NEG_ZERO, 0.0]);
        let b = from_lanes(&[1.0, f32::NAN, 0.0, NEG_ZERO]);
        let min: [f32; 4] = to_lanes(eval(SimdOp::F32x4Min, a, b, 0));
        assert!(min[0].is_nan() && min[1].is_nan());
        // -0 < +0 whichever operand it is.
        assert_eq!(min[2].to_bits(), NEG_ZERO.to_bits());
        assert_eq!(min[3].to_bits(), NEG_ZERO.to_bits());
        let max: [f32; 4] = to_lanes(eval(SimdOp::F32x4Max, a, b, 0));
        assert!(max[0].is_nan() && max[1].is_nan());
        assert_eq!(max[2].to_bits(), 0);
        assert_eq!(max[3].to_bits(), 0);

        // A signalling NaN operand must come out quiet (arithmetic NaN).
        let snan = f64::from_bits(0x7ff0_0000_0000_0001);
        let r: [f64; 2] = to_lanes(eval(
            SimdOp::F64x2Min,
            from_lanes(&[snan, 0.0]),
            from_lanes(&[1.0, -1.0]),
            0,
        ));
        assert_eq!(
            r[0].to_bits() & 0x7ff8_0000_0000_0000,
            0x7ff8_0000_0000_0000
        );
        assert_eq!(r[1], -1.0);
    }

    #[test]
    fn pmin_pmax_follow_operand_order() {
        let a = from_lanes(&[f32::NAN, 1.0, NEG_ZERO, 0.0]);
        let b = from_lanes(&[1.0, f32::NAN, 0.0, NEG_ZERO]);
        // pmin = b < a ? b : a: comparisons with NaN are false, so `a` wins.
        let r = f32s(eval(SimdOp::F32x4PMin, a, b, 0));
        assert_eq!(
            r,
            [f32::NAN.to_bits(), 1f32.to_bits(), NEG_ZERO.to_bits(), 0]
        );
        let r = f32s(eval(SimdOp::F32x4PMax, a, b, 0));
        assert_eq!(
            r,
            [f32::NAN.to_bits(), 1f32.to_bits(), NEG_ZERO.to_bits(), 0]
        );
        let r = f32s(eval(SimdOp::F32x4PMax, b, a, 0));
        assert_eq!(
            r,
            [1f32.to_bits(), f32::NAN.to_bits(), 0, NEG_ZERO.to_bits()]
        );
    }

    #[test]
    fn sign_ops_preserve_nan_payload() {
        let nan = f32::from_bits(0x7fa0_0001); // signalling, must stay as is
        let v = from_lanes(&[nan, -1.0, 0.0, f32::from_bits(0xffc0_0000)]);
        let r = f32s(eval(SimdOp::F32x4Neg, v, 0, 0));
        assert_eq!(r, [0xffa0_0001, 0x3f80_0000, 0x8000_0000, 0x7fc0_0000]);
        let r = f32s(eval(SimdOp::F32x4Abs, v, 0, 0));
        assert_eq!(r, [0x7fa0_0001, 0x3f80_0000, 0, 0x7fc0_0000]);
    }

    #[test]
    fn nearest_ties_to_even() {
        let v = from_lanes(&[2.5f32, -0.5, 3.5, -1.5]);
        let r: [f32; 4] = to_lanes(eval(SimdOp::F32x4Nearest, v, 0, 0));
        assert_eq!(r, [2.0, -0.0, 4.0, -2.0]);
        assert!(r[1].is_sign_negative());
    }

    #[test]
    fn narrow_saturates() {
        let a = from_lanes(&[300i16, -300, 127, -129, 128, -128, 255, 256]);
        let b = from_lanes(&[0i16, 1, -1, i16::MAX, i16::MIN, 0, 0, 0]);
        let s: [i8; 16] = to_lanes(eval(SimdOp::I8x16NarrowI16x8S, a, b, 0));
        assert_eq!(
            s,
            [127, -128, 127, -128, 127, -128, 127, 127, 0, 1, -1, 127, -128, 0, 0, 0]
        );
        let u: [u8; 16] = to_lanes(eval(SimdOp::I8x16NarrowI16x8U, a, b, 0));
        assert_eq!(
            u,
            [255, 0, 127, 0, 128, 0, 255, 255, 0, 1, 0, 255, 0, 0, 0, 0]
        );
        let a = from_lanes(&[70000i32, -70000, 65535, -1]);
        let u: [u16; 8] = to_lanes(eval(SimdOp::I16x8NarrowI32x4U, a, a, 0));
        assert_eq!(u, [65535, 0, 65535, 0, 65535, 0, 65535, 0]);
        let s: [i16; 8] = to_lanes(eval(SimdOp::I16x8NarrowI32x4S, a, 0, 0));
        assert_eq!(s, [32767, -32768, 32767, -1, 0, 0, 0, 0]);
    }

    #[test]
    fn trunc_sat_bounds() {
        let v = from_lanes(&[2147483648.0f32, f32::NEG_INFINITY, f32::NAN, -1.9]);
        let s: [i32; 4] = to_lanes(eval(SimdOp::I32x4TruncSatF32x4S, v, 0, 0));
        assert_eq!(s, [i32::MAX, i32::MIN, 0, -1]);
        let v = from_lanes(&[4294967296.0f32, -1.5, f32::NAN, 4294967040.0]);
        let u: [u32; 4] = to_lanes(eval(SimdOp::I32x4TruncSatF32x4U, v, 0, 0));
        assert_eq!(u, [u32::MAX, 0, 0, 4294967040]);
        // The f64 variants zero the upper two lanes.
        let v = from_lanes(&[-2147483648.9f64, 2147483647.9]);
        let s: [i32; 4] = to_lanes(eval(SimdOp::I32x4TruncSatF64x2SZero, v, 0, 0));
        assert_eq!(s, [i32::MIN, i32::MAX, 0, 0]);
        let v = from_lanes(&[-0.9f64, 1e300]);
        let u: [u32; 4] = to_lanes(eval(SimdOp::I32x4TruncSatF64x2UZero, v, 0, 0));
        assert_eq!(u, [0, u32::MAX, 0, 0]);
    }

    #[test]
    fn demote_promote_convert() {
        let v = from_lanes(&[1e300f64, -1.5]);
        let r: [f32; 4] = to_lanes(eval(SimdOp::F32x4DemoteF64x2Zero, v, 0, 0));
        assert_eq!(r, [f32::INFINITY, -1.5, 0.0, 0.0]);
        let v = from_lanes(&[0.5f32, -2.0, 7.0, 9.0]);
        let r: [f64; 2] = to_lanes(eval(SimdOp::F64x2PromoteLowF32x4, v, 0, 0));
        assert_eq!(r, [0.5, -2.0]);
        let v = from_lanes(&[-1i32, i32::MAX, 5, 6]);
        let r: [f64; 2] = to_lanes(eval(SimdOp::F64x2ConvertLowI32x4U, v, 0, 0));
        assert_eq!(r, [4294967295.0, 2147483647.0]);
        let r: [f32; 4] = to_lanes(eval(SimdOp::F32x4ConvertI32x4S, v, 0, 0));
        assert_eq!(r, [-1.0, 2147483648.0, 5.0, 6.0]);
        // 16777217 is not representable: rounds to even (16777216).
        let v = from_lanes(&[16777217u32, u32::MAX, 0, 1]);
        let r: [f32; 4] = to_lanes(eval(SimdOp::F32x4ConvertI32x4U, v, 0, 0));
        assert_eq!(r, [16777216.0, 4294967296.0, 0.0, 1.0]);
    }

    #[test]
    fn q15mulr_and_dot() {
        let a = from_lanes(&[i16::MIN, 16384, -1, 1, i16::MAX, -16384, 3, i16::MIN]);
        let b = from_lanes(&[i16::MIN, 16384, 16384, 16384, i16::MAX, 1, -16384, 1]);
        let r: [i16; 8] = to_lanes(eval(SimdOp::I16x8Q15MulrSatS, a, b, 0));
        assert_eq!(r, [i16::MAX, 8192, 0, 1, 32766, 0, -1, -1]);
        let m = splat(i16::MIN);
        let r: [i32; 4] = to_lanes(eval(SimdOp::I32x4DotI16x8S, m, m, 0));
        assert_eq!(r, [i32::MIN; 4]);
    }

    #[test]
    fn shuffle_and_swizzle() {
        let a = u128::from_le_bytes(core::array::from_fn(|i| i as u8));
        let b = u128::from_le_bytes(core::array::from_fn(|i| 0x10 + i as u8));
        let lanes = [31, 0, 16, 15, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22];
        let r = eval(SimdOp::I8x16Shuffle { lanes }, a, b, 0).to_le_bytes();
        assert_eq!(r, lanes);
        let idx = u128::from_le_bytes([15, 16, 255, 0x80, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17]);
        let r = eval(SimdOp::I8x16Swizzle, b, idx, 0).to_le_bytes();
        assert_eq!(
            r,
            [0x1f, 0, 0, 0, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0]
        );
    }

    #[test]
    fn lanes_splat_and_shifts() {
        let v = from_lanes(&[0x80u8; 16]);
        assert_eq!(
            eval(SimdOp::I8x16ExtractLaneS { lane: 3 }, v, 0, 0),
            0xffff_ff80
        );
        assert_eq!(eval(SimdOp::I8x16ExtractLaneU { lane: 3 }, v, 0, 0), 0x80);
        let r = eval(SimdOp::I16x8ReplaceLane { lane: 7 }, 0, 0x1_2345, 0);
        assert_eq!(r, 0x2345 << 112);
        assert_eq!(
            eval(SimdOp::I8x16Splat, 0x1ff, 0, 0),
            u128::from_le_bytes([0xff; 16])
        );
        // Shift counts are taken modulo the lane width.
        let one = splat(1u8);
        assert_eq!(eval(SimdOp::I8x16Shl, one, 9, 0), splat(2u8));
        assert_eq!(
            eval(SimdOp::I64x2ShrS, splat(i64::MIN), 65, 0),
            splat(i64::MIN >> 1)
        );
        assert_eq!(
            eval(SimdOp::I32x4ShrU, splat(u32::MAX), 0xffff_ffff, 0),
            splat(1u32)
        );
        assert_eq!(
            eval(
                SimdOp::I16x8Bitmask,
                from_lanes(&[-1i16, 0, -5, 5, 0, 0, 0, i16::MIN]),
                0,
                0
            ),
            0b1000_0101
        );
        assert_eq!(
            eval(SimdOp::I32x4AllTrue, from_lanes(&[1u32, 2, 3, 0]), 0, 0),
            0
        );
        assert_eq!(
            eval(SimdOp::I32x4AllTrue, from_lanes(&[1u32, 2, 3, 4]), 0, 0),
            1
        );
        assert_eq!(eval(SimdOp::V128Bitselect, 0xf0, 0x0f, 0x3c), 0x33);
    }

    #[test]
    fn memory_ops() {
        let bytes: Vec<u8> = (0..16).map(|i| 0xf0 | i).collect();
        let old = u128::MAX;
        let r = load(SimdMemOp::V128Load16Lane { lane: 3 }, &bytes[..2], old);
        let l: [u16; 8] = to_lanes(r);
        assert_eq!(
            l,
            [0xffff, 0xffff, 0xffff, 0xf1f0, 0xffff, 0xffff, 0xffff, 0xffff]
        );
        let r = load(SimdMemOp::V128Load8x8S, &bytes[..8], 0);
        assert_eq!(to_lanes::<i16, 8>(r)[1], -15);
        let r = load(SimdMemOp::V128Load32x2U, &bytes[..8], 0);
        assert_eq!(to_lanes::<u64, 2>(r), [0xf3f2_f1f0, 0xf7f6_f5f4]);
        assert_eq!(
            load(SimdMemOp::V128Load32Zero, &bytes[..4], old),
            0xf3f2_f1f0
        );
        assert_eq!(
            load(SimdMemOp::V128Load16Splat, &bytes[..2], 0),
            splat(0xf1f0u16)
        );
        let v = u128::from_le_bytes(bytes.clone().try_into().unwrap());
        assert_eq!(load(SimdMemOp::V128Load, &bytes, 0), v);
        let mut out = [0u8; 4];
        store(SimdMemOp::V128Store32Lane { lane: 2 }, v, &mut out);
        assert_eq!(out, [0xf8, 0xf9, 0xfa, 0xfb]);
        let mut out = [0u8; 16];
        store(SimdMemOp::V128Store, v, &mut out);
        assert_eq!(out[..], bytes[..]);
        assert!(SimdMemOp::V128Load8Lane { lane: 0 }.has_vector_operand());
        assert!(!SimdMemOp::V128Load8Lane { lane: 0 }.is_store());
        assert!(SimdMemOp::V128Store.has_vector_operand());
        assert!(!SimdMemOp::V128Load64Splat.has_vector_operand());
        assert_eq!(SimdMemOp::V128Load64Lane { lane: 1 }.access_size(), 8);
    }

    #[test]
    fn relaxed_madd_takes_x86s_nan() {
        let one = 1f32.to_bits();
        let (snan_a, qnan_c) = (0x7fa0_0001u32, 0x7fc0_0002u32);
        let splat = |x: u32| from_lanes(&[x; 4]);
        // `c`'s NaN first, quieted; else the product's (`a`'s first).
        let r = eval(
            SimdOp::F32x4RelaxedMadd,
            splat(snan_a),
            splat(one),
            splat(qnan_c),
        );
        assert_eq!(f32s(r), [qnan_c; 4]);
        let r = eval(
            SimdOp::F32x4RelaxedNmadd,
            splat(snan_a),
            splat(qnan_c),
            splat(one),
        );
        assert_eq!(f32s(r), [snan_a | 1 << 22; 4]);
        // Unfused: 0.1 * 10 rounds to 1 before 1 is subtracted.
        let tenth = from_lanes(&[0.1f32.to_bits(); 4]);
        let ten = from_lanes(&[10f32.to_bits(); 4]);
        let r = eval(SimdOp::F32x4RelaxedNmadd, tenth, ten, splat(one));
        assert_eq!(f32s(r), [0; 4]);
    }
}
