//! The shape of each SIMD operator: the pattern of x86 instructions it
//! becomes, chosen from the operator alone (and, for shuffles, from their
//! lanes: one instruction where x86 has one for the permutation).

use crate::x64::masm::*;
use tandem_vm::simd::SimdOp;

/// The `cmpps` / `cmppd` predicates.
pub(super) const CMP_EQ: u8 = 0;
pub(super) const CMP_LT: u8 = 1;
pub(super) const CMP_LE: u8 = 2;
pub(super) const CMP_UNORD: u8 = 3;
pub(super) const CMP_NEQ: u8 = 4;

/// The `roundps` / `roundpd` modes, inexact results not signalled.
pub(super) const ROUND_NEAREST: u8 = 8;
pub(super) const ROUND_FLOOR: u8 = 9;
pub(super) const ROUND_CEIL: u8 = 10;
pub(super) const ROUND_TRUNC: u8 = 11;

/// The instructions an operator becomes.
#[derive(Clone, Copy, Debug)]
pub(super) enum Shape {
    /// `a op b`.
    Bin(VecOp),
    /// `b op a`.
    Swapped(VecOp),
    /// `!(a op b)`, or `!(b op a)` if swapped.
    NotOf(VecOp, bool),
    /// An unsigned comparison: `(minmax(a, b) == a)`, negated if `not`.
    CmpU(VecOp, VecOp, bool),
    /// A float comparison by predicate, the operands swapped or not.
    CmpF(VecImmBin, u8, bool),
    /// `op(a)`.
    Un(VecOp),
    /// `op` of the high half of `a`, moved to the low one.
    UnHigh(VecOp),
    /// The high half's lanes of `a` zero-extended: interleaved with zeros.
    ZeroExtendHigh(VecOp),
    /// The high half's lanes of `a` sign-extended: interleaved with
    /// themselves, then shifted down arithmetically by the lane width.
    SignExtendHigh(VecOp, VecShift, u8),
    /// Rounding of each float lane, by mode.
    Round(VecImm, u8),
    /// `0 - a`, by the subtraction of the lane width.
    Neg(VecOp),
    /// `a` with each lane's sign bit cleared (`ShrU*` of all-ones makes the
    /// mask) or flipped (`Shl*`).
    SignBit(VecShift, u8, VecOp),
    Not,
    Bitselect,
    AnyTrue,
    /// Whether no lane is zero: equality with zero, by lane width.
    AllTrue(VecOp),
    /// The lanes' top bits: of bytes, of 16-bit lanes, of 32 or 64.
    Bitmask(Option<MaskOf>),
    /// A shift by a scalar count modulo the lane width (in bits): by a
    /// register, or by an immediate where the count is a constant.
    Shift(VecOp, VecShift, u8),
    Splat(Size, bool),
    Extract(Size, bool, u8, bool),
    Replace(Size, bool, u8),
    /// A shift of bytes (x86 shifts no lane narrower than 16 bits).
    ShiftI8(ShiftKind),
    /// The bits set in each byte, by a table of nibbles.
    Popcnt,
    Shuffle([u8; 16]),
    /// A shuffle that picks 16 consecutive bytes of `a` then `b`, from
    /// the one at this index on.
    AlignRight(u8),
    /// A shuffle of whole 32-bit lanes of one operand (`b` if `true`), by
    /// the 2-bit fields of the immediate.
    Permute32(u8, bool),
    Swizzle,
    AbsI64,
    MulI64,
    ShrSI64,
    /// A signed 64-bit comparison `a > b`, the operands swapped or not,
    /// negated or not (x86's `pcmpgtq` is SSE4.2).
    GtI64(bool, bool),
    /// Wasm's `min` (or, if `true`, `max`) of float lanes: NaN if either
    /// is (the interpreter's NaN: their sum), and `-0 < +0`.
    MinMaxF(Size, bool),
    Q15MulrSat,
    /// Products of the low (or high) half's lanes of `from`, signed or not,
    /// at twice the width.
    ExtMul(Size, bool, bool),
    /// Sums of adjacent lanes of `from`, signed or not, at twice the width.
    ExtAddPairwise(Size, bool),
    /// Saturating truncation of float lanes of `from` to 32-bit integers,
    /// signed or not.
    TruncSat(Size, bool),
    ConvertU32ToF32,
    ConvertLowU32ToF64,
    /// `c + a * b` of float lanes (`c - a * b` if `true`), not fused.
    Madd(Size, bool),
    /// `pmaddubsw b, a` (`a`'s bytes signed, `b`'s unsigned), then, if
    /// `true`, its pairs summed to 32 bits and `c` added.
    RelaxedDot(bool),
}

/// Which byte shift.
#[derive(Clone, Copy, Debug)]
pub(super) enum ShiftKind {
    Shl,
    ShrS,
    ShrU,
}

/// `x` in each 8-, 16-, 32- or 64-bit lane.
pub(super) const fn splat8(x: u8) -> u128 {
    u128::from_le_bytes([x; 16])
}
pub(super) const fn splat16(x: u16) -> u128 {
    splat32(x as u32 | (x as u32) << 16)
}
pub(super) const fn splat32(x: u32) -> u128 {
    splat64(x as u64 | (x as u64) << 32)
}
pub(super) const fn splat64(x: u64) -> u128 {
    x as u128 | (x as u128) << 64
}

/// Whether `op` takes a constant shift count as an immediate (so the
/// constant need not be in a register).
pub(in crate::x64) fn takes_immediate_count(op: SimdOp) -> bool {
    matches!(
        shape(op),
        Shape::Shift(..) | Shape::ShiftI8(ShiftKind::Shl | ShiftKind::ShrU)
    )
}

/// Whether `op` reads its operand `k`, where that is a vector constant,
/// from the constant pool (so the constant need not be in a register).
pub(in crate::x64) fn reads_constant(op: SimdOp, k: usize) -> bool {
    match shape(op) {
        Shape::Bin(_) | Shape::NotOf(_, false) => k == 1,
        Shape::Swapped(_) | Shape::NotOf(_, true) => k == 0,
        _ => false,
    }
}

/// The lanes of `op(a, b)`, an interleaving of the low (or high) halves'
/// lanes of `bytes` bytes, as a shuffle's byte indices.
const fn interleaving(bytes: u8, high: bool) -> [u8; 16] {
    let mut lanes = [0; 16];
    let mut i = 0;
    while i < 16 {
        let (pair, within) = (i / (2 * bytes), i % (2 * bytes));
        let from_b = if within >= bytes { 16 } else { 0 };
        lanes[i as usize] = from_b + if high { 8 } else { 0 } + pair * bytes + within % bytes;
        i += 1;
    }
    lanes
}

/// The interleavings x86 has an instruction for.
const INTERLEAVINGS: [(VecOp, [u8; 16]); 8] = [
    (VecOp::InterleaveLow8, interleaving(1, false)),
    (VecOp::InterleaveHigh8, interleaving(1, true)),
    (VecOp::InterleaveLow16, interleaving(2, false)),
    (VecOp::InterleaveHigh16, interleaving(2, true)),
    (VecOp::InterleaveLow32, interleaving(4, false)),
    (VecOp::InterleaveHigh32, interleaving(4, true)),
    (VecOp::InterleaveLow64, interleaving(8, false)),
    (VecOp::InterleaveHigh64, interleaving(8, true)),
];

/// The cheapest shape of a shuffle: one instruction where x86 has it
/// (`palignr`, an interleaving, `pshufd`), else one or two `pshufb`.
fn shuffle_shape(lanes: [u8; 16]) -> Shape {
    if let k @ 1..=15 = lanes[0] {
        if (0..16).all(|i| lanes[i as usize] == k + i) {
            return Shape::AlignRight(k);
        }
    }
    let swapped = lanes.map(|l| l ^ 16);
    for (op, pattern) in INTERLEAVINGS {
        if lanes == pattern {
            return Shape::Bin(op);
        }
        if swapped == pattern {
            return Shape::Swapped(op);
        }
    }
    // Whole 32-bit lanes, all of one operand.
    let from_b = lanes[0] >= 16;
    let mut imm = 0;
    for (g, group) in lanes.chunks(4).enumerate() {
        let first = group[0] & 15;
        let whole = first % 4 == 0 && (0..4).all(|j| group[j] == group[0] + j as u8);
        if !whole || (group[0] >= 16) != from_b {
            return Shape::Shuffle(lanes);
        }
        imm |= (first / 4) << (2 * g);
    }
    Shape::Permute32(imm, from_b)
}

/// The shape of `op`.
pub(super) fn shape(op: SimdOp) -> Shape {
    use Shape::*;
    use SimdOp as S;
    use VecOp as V;
    match op {
        S::V128Not => Not,
        S::V128And => Bin(V::And),
        S::V128AndNot => Swapped(V::AndNot),
        S::V128Or => Bin(V::Or),
        S::V128Xor => Bin(V::Xor),
        S::V128Bitselect => Bitselect,
        S::V128AnyTrue => AnyTrue,

        S::I8x16Splat => Splat(Size::S8, false),
        S::I16x8Splat => Splat(Size::S16, false),
        S::I32x4Splat => Splat(Size::S32, false),
        S::I64x2Splat => Splat(Size::S64, false),
        S::F32x4Splat => Splat(Size::S32, true),
        S::F64x2Splat => Splat(Size::S64, true),
        S::I8x16ExtractLaneS { lane } => Extract(Size::S8, false, lane, true),
        S::I8x16ExtractLaneU { lane } => Extract(Size::S8, false, lane, false),
        S::I16x8ExtractLaneS { lane } => Extract(Size::S16, false, lane, true),
        S::I16x8ExtractLaneU { lane } => Extract(Size::S16, false, lane, false),
        S::I32x4ExtractLane { lane } => Extract(Size::S32, false, lane, false),
        S::I64x2ExtractLane { lane } => Extract(Size::S64, false, lane, false),
        S::F32x4ExtractLane { lane } => Extract(Size::S32, true, lane, false),
        S::F64x2ExtractLane { lane } => Extract(Size::S64, true, lane, false),
        S::I8x16ReplaceLane { lane } => Replace(Size::S8, false, lane),
        S::I16x8ReplaceLane { lane } => Replace(Size::S16, false, lane),
        S::I32x4ReplaceLane { lane } => Replace(Size::S32, false, lane),
        S::I64x2ReplaceLane { lane } => Replace(Size::S64, false, lane),
        S::F32x4ReplaceLane { lane } => Replace(Size::S32, true, lane),
        S::F64x2ReplaceLane { lane } => Replace(Size::S64, true, lane),

        S::I8x16Eq => Bin(V::EqI8),
        S::I8x16Ne => NotOf(V::EqI8, false),
        S::I8x16GtS => Bin(V::GtS8),
        S::I8x16LtS => Swapped(V::GtS8),
        S::I8x16LeS => NotOf(V::GtS8, false),
        S::I8x16GeS => NotOf(V::GtS8, true),
        S::I8x16GeU => CmpU(V::MaxU8, V::EqI8, false),
        S::I8x16LeU => CmpU(V::MinU8, V::EqI8, false),
        S::I8x16LtU => CmpU(V::MaxU8, V::EqI8, true),
        S::I8x16GtU => CmpU(V::MinU8, V::EqI8, true),
        S::I16x8Eq => Bin(V::EqI16),
        S::I16x8Ne => NotOf(V::EqI16, false),
        S::I16x8GtS => Bin(V::GtS16),
        S::I16x8LtS => Swapped(V::GtS16),
        S::I16x8LeS => NotOf(V::GtS16, false),
        S::I16x8GeS => NotOf(V::GtS16, true),
        S::I16x8GeU => CmpU(V::MaxU16, V::EqI16, false),
        S::I16x8LeU => CmpU(V::MinU16, V::EqI16, false),
        S::I16x8LtU => CmpU(V::MaxU16, V::EqI16, true),
        S::I16x8GtU => CmpU(V::MinU16, V::EqI16, true),
        S::I32x4Eq => Bin(V::EqI32),
        S::I32x4Ne => NotOf(V::EqI32, false),
        S::I32x4GtS => Bin(V::GtS32),
        S::I32x4LtS => Swapped(V::GtS32),
        S::I32x4LeS => NotOf(V::GtS32, false),
        S::I32x4GeS => NotOf(V::GtS32, true),
        S::I32x4GeU => CmpU(V::MaxU32, V::EqI32, false),
        S::I32x4LeU => CmpU(V::MinU32, V::EqI32, false),
        S::I32x4LtU => CmpU(V::MaxU32, V::EqI32, true),
        S::I32x4GtU => CmpU(V::MinU32, V::EqI32, true),
        S::I64x2Eq => Bin(V::EqI64),
        S::I64x2Ne => NotOf(V::EqI64, false),
        S::F32x4Eq => CmpF(VecImmBin::CmpF32, CMP_EQ, false),
        S::F32x4Ne => CmpF(VecImmBin::CmpF32, CMP_NEQ, false),
        S::F32x4Lt => CmpF(VecImmBin::CmpF32, CMP_LT, false),
        S::F32x4Gt => CmpF(VecImmBin::CmpF32, CMP_LT, true),
        S::F32x4Le => CmpF(VecImmBin::CmpF32, CMP_LE, false),
        S::F32x4Ge => CmpF(VecImmBin::CmpF32, CMP_LE, true),
        S::F64x2Eq => CmpF(VecImmBin::CmpF64, CMP_EQ, false),
        S::F64x2Ne => CmpF(VecImmBin::CmpF64, CMP_NEQ, false),
        S::F64x2Lt => CmpF(VecImmBin::CmpF64, CMP_LT, false),
        S::F64x2Gt => CmpF(VecImmBin::CmpF64, CMP_LT, true),
        S::F64x2Le => CmpF(VecImmBin::CmpF64, CMP_LE, false),
        S::F64x2Ge => CmpF(VecImmBin::CmpF64, CMP_LE, true),

        S::I8x16Shl => ShiftI8(ShiftKind::Shl),
        S::I8x16ShrS => ShiftI8(ShiftKind::ShrS),
        S::I8x16ShrU => ShiftI8(ShiftKind::ShrU),
        S::I8x16Popcnt => Popcnt,
        S::I8x16Shuffle { lanes } => shuffle_shape(lanes),
        S::I8x16Swizzle => Swizzle,
        S::I64x2Abs => AbsI64,
        S::I64x2Mul => MulI64,
        S::I64x2ShrS => ShrSI64,
        S::I64x2GtS => GtI64(false, false),
        S::I64x2LtS => GtI64(true, false),
        S::I64x2LeS => GtI64(false, true),
        S::I64x2GeS => GtI64(true, true),
        S::F32x4Min => MinMaxF(Size::S32, false),
        S::F32x4Max => MinMaxF(Size::S32, true),
        S::F64x2Min => MinMaxF(Size::S64, false),
        S::F64x2Max => MinMaxF(Size::S64, true),
        S::I16x8Q15MulrSatS => Q15MulrSat,
        S::I16x8ExtMulLowI8x16S => ExtMul(Size::S8, false, true),
        S::I16x8ExtMulHighI8x16S => ExtMul(Size::S8, true, true),
        S::I16x8ExtMulLowI8x16U => ExtMul(Size::S8, false, false),
        S::I16x8ExtMulHighI8x16U => ExtMul(Size::S8, true, false),
        S::I32x4ExtMulLowI16x8S => ExtMul(Size::S16, false, true),
        S::I32x4ExtMulHighI16x8S => ExtMul(Size::S16, true, true),
        S::I32x4ExtMulLowI16x8U => ExtMul(Size::S16, false, false),
        S::I32x4ExtMulHighI16x8U => ExtMul(Size::S16, true, false),
        S::I64x2ExtMulLowI32x4S => ExtMul(Size::S32, false, true),
        S::I64x2ExtMulHighI32x4S => ExtMul(Size::S32, true, true),
        S::I64x2ExtMulLowI32x4U => ExtMul(Size::S32, false, false),
        S::I64x2ExtMulHighI32x4U => ExtMul(Size::S32, true, false),
        S::I16x8ExtAddPairwiseI8x16S => ExtAddPairwise(Size::S8, true),
        S::I16x8ExtAddPairwiseI8x16U => ExtAddPairwise(Size::S8, false),
        S::I32x4ExtAddPairwiseI16x8S => ExtAddPairwise(Size::S16, true),
        S::I32x4ExtAddPairwiseI16x8U => ExtAddPairwise(Size::S16, false),
        S::I32x4TruncSatF32x4S => TruncSat(Size::S32, true),
        S::I32x4TruncSatF32x4U => TruncSat(Size::S32, false),
        S::I32x4TruncSatF64x2SZero => TruncSat(Size::S64, true),
        S::I32x4TruncSatF64x2UZero => TruncSat(Size::S64, false),
        S::F32x4ConvertI32x4U => ConvertU32ToF32,
        S::F64x2ConvertLowI32x4U => ConvertLowU32ToF64,

        S::I8x16Abs => Un(V::AbsI8),
        S::I8x16Neg => Neg(V::SubI8),
        S::I8x16AllTrue => AllTrue(V::EqI8),
        S::I8x16Bitmask => Bitmask(Some(MaskOf::I8)),
        S::I8x16NarrowI16x8S => Bin(V::NarrowS16),
        S::I8x16NarrowI16x8U => Bin(V::NarrowU16),
        S::I8x16Add => Bin(V::AddI8),
        S::I8x16AddSatS => Bin(V::AddSatS8),
        S::I8x16AddSatU => Bin(V::AddSatU8),
        S::I8x16Sub => Bin(V::SubI8),
        S::I8x16SubSatS => Bin(V::SubSatS8),
        S::I8x16SubSatU => Bin(V::SubSatU8),
        S::I8x16MinS => Bin(V::MinS8),
        S::I8x16MinU => Bin(V::MinU8),
        S::I8x16MaxS => Bin(V::MaxS8),
        S::I8x16MaxU => Bin(V::MaxU8),
        S::I8x16AvgrU => Bin(V::AvgU8),

        S::I16x8Abs => Un(V::AbsI16),
        S::I16x8Neg => Neg(V::SubI16),
        S::I16x8AllTrue => AllTrue(V::EqI16),
        S::I16x8Bitmask => Bitmask(None),
        S::I16x8NarrowI32x4S => Bin(V::NarrowS32),
        S::I16x8NarrowI32x4U => Bin(V::NarrowU32),
        S::I16x8ExtendLowI8x16S => Un(V::ExtendS8),
        S::I16x8ExtendHighI8x16S => SignExtendHigh(V::InterleaveHigh8, VecShift::ShrSI16, 8),
        S::I16x8ExtendLowI8x16U => Un(V::ExtendU8),
        S::I16x8ExtendHighI8x16U => ZeroExtendHigh(V::InterleaveHigh8),
        S::I16x8Shl => Shift(V::ShlI16, VecShift::ShlI16, 16),
        S::I16x8ShrS => Shift(V::ShrSI16, VecShift::ShrSI16, 16),
        S::I16x8ShrU => Shift(V::ShrUI16, VecShift::ShrUI16, 16),
        S::I16x8Add => Bin(V::AddI16),
        S::I16x8AddSatS => Bin(V::AddSatS16),
        S::I16x8AddSatU => Bin(V::AddSatU16),
        S::I16x8Sub => Bin(V::SubI16),
        S::I16x8SubSatS => Bin(V::SubSatS16),
        S::I16x8SubSatU => Bin(V::SubSatU16),
        S::I16x8Mul => Bin(V::MulI16),
        S::I16x8MinS => Bin(V::MinS16),
        S::I16x8MinU => Bin(V::MinU16),
        S::I16x8MaxS => Bin(V::MaxS16),
        S::I16x8MaxU => Bin(V::MaxU16),
        S::I16x8AvgrU => Bin(V::AvgU16),

        S::I32x4Abs => Un(V::AbsI32),
        S::I32x4Neg => Neg(V::SubI32),
        S::I32x4AllTrue => AllTrue(V::EqI32),
        S::I32x4Bitmask => Bitmask(Some(MaskOf::F32)),
        S::I32x4ExtendLowI16x8S => Un(V::ExtendS16),
        S::I32x4ExtendHighI16x8S => SignExtendHigh(V::InterleaveHigh16, VecShift::ShrSI32, 16),
        S::I32x4ExtendLowI16x8U => Un(V::ExtendU16),
        S::I32x4ExtendHighI16x8U => ZeroExtendHigh(V::InterleaveHigh16),
        S::I32x4Shl => Shift(V::ShlI32, VecShift::ShlI32, 32),
        S::I32x4ShrS => Shift(V::ShrSI32, VecShift::ShrSI32, 32),
        S::I32x4ShrU => Shift(V::ShrUI32, VecShift::ShrUI32, 32),
        S::I32x4Add => Bin(V::AddI32),
        S::I32x4Sub => Bin(V::SubI32),
        S::I32x4Mul => Bin(V::MulI32),
        S::I32x4MinS => Bin(V::MinS32),
        S::I32x4MinU => Bin(V::MinU32),
        S::I32x4MaxS => Bin(V::MaxS32),
        S::I32x4MaxU => Bin(V::MaxU32),
        S::I32x4DotI16x8S => Bin(V::DotS16),

        S::I64x2Neg => Neg(V::SubI64),
        S::I64x2AllTrue => AllTrue(V::EqI64),
        S::I64x2Bitmask => Bitmask(Some(MaskOf::F64)),
        S::I64x2ExtendLowI32x4S => Un(V::ExtendS32),
        S::I64x2ExtendHighI32x4S => UnHigh(V::ExtendS32),
        S::I64x2ExtendLowI32x4U => Un(V::ExtendU32),
        S::I64x2ExtendHighI32x4U => ZeroExtendHigh(V::InterleaveHigh32),
        S::I64x2Shl => Shift(V::ShlI64, VecShift::ShlI64, 64),
        S::I64x2ShrU => Shift(V::ShrUI64, VecShift::ShrUI64, 64),
        S::I64x2Add => Bin(V::AddI64),
        S::I64x2Sub => Bin(V::SubI64),

        S::F32x4Ceil => Round(VecImm::RoundF32, ROUND_CEIL),
        S::F32x4Floor => Round(VecImm::RoundF32, ROUND_FLOOR),
        S::F32x4Trunc => Round(VecImm::RoundF32, ROUND_TRUNC),
        S::F32x4Nearest => Round(VecImm::RoundF32, ROUND_NEAREST),
        S::F32x4Abs => SignBit(VecShift::ShrUI32, 1, V::AndF),
        S::F32x4Neg => SignBit(VecShift::ShlI32, 31, V::XorF),
        S::F32x4Sqrt => Un(V::SqrtF32),
        S::F32x4Add => Bin(V::AddF32),
        S::F32x4Sub => Bin(V::SubF32),
        S::F32x4Mul => Bin(V::MulF32),
        S::F32x4Div => Bin(V::DivF32),
        // `b < a ? b : a`: what `minps b, a` computes, NaNs included.
        S::F32x4PMin => Swapped(V::MinF32),
        S::F32x4PMax => Swapped(V::MaxF32),
        S::F64x2Ceil => Round(VecImm::RoundF64, ROUND_CEIL),
        S::F64x2Floor => Round(VecImm::RoundF64, ROUND_FLOOR),
        S::F64x2Trunc => Round(VecImm::RoundF64, ROUND_TRUNC),
        S::F64x2Nearest => Round(VecImm::RoundF64, ROUND_NEAREST),
        S::F64x2Abs => SignBit(VecShift::ShrUI64, 1, V::AndF),
        S::F64x2Neg => SignBit(VecShift::ShlI64, 63, V::XorF),
        S::F64x2Sqrt => Un(V::SqrtF64),
        S::F64x2Add => Bin(V::AddF64),
        S::F64x2Sub => Bin(V::SubF64),
        S::F64x2Mul => Bin(V::MulF64),
        S::F64x2Div => Bin(V::DivF64),
        S::F64x2PMin => Swapped(V::MinF64),
        S::F64x2PMax => Swapped(V::MaxF64),

        S::F32x4ConvertI32x4S => Un(V::I32ToF32),
        S::F64x2ConvertLowI32x4S => Un(V::I32ToF64),
        S::F32x4DemoteF64x2Zero => Un(V::F64ToF32),
        S::F64x2PromoteLowF32x4 => Un(V::F32ToF64),

        S::F32x4RelaxedMadd => Madd(Size::S32, false),
        S::F32x4RelaxedNmadd => Madd(Size::S32, true),
        S::F64x2RelaxedMadd => Madd(Size::S64, false),
        S::F64x2RelaxedNmadd => Madd(Size::S64, true),
        S::I16x8RelaxedDotI8x16I7x16S => RelaxedDot(false),
        S::I32x4RelaxedDotI8x16I7x16AddS => RelaxedDot(true),
    }
}
