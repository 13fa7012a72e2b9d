//! Vectors (`v128`): constants, SIMD operators and SIMD memory accesses on
//! SSE4.1, with Wasm's semantics where x86 has no instruction of its own
//! (unsigned comparisons, byte shifts, 64-bit multiplication and signed
//! comparison, float min/max, saturating conversions, …).
//!
//! Each operator has a [`Shape`], the pattern of instructions it becomes;
//! those of several instructions run in the four scratch registers
//! ([`Emitter::sequence`]). Constants come from the function's pool.

use super::Emitter;
use crate::ir::*;
use crate::x64::abi::Place;
use crate::x64::masm::*;
use crate::x64::regalloc::Loc;
use crate::x64::regs::*;
use tandem_vm::simd::{SimdMemOp, SimdOp};
use tandem_vm::TrapCode;

const X14: Xmm = XMM_SCRATCH[0];
const X15: Xmm = XMM_SCRATCH[1];
const X13: Xmm = XMM_SCRATCH[2];
const X12: Xmm = XMM_SCRATCH[3];

/// The `cmpps` / `cmppd` predicates.
const CMP_EQ: u8 = 0;
const CMP_LT: u8 = 1;
const CMP_LE: u8 = 2;
const CMP_UNORD: u8 = 3;
const CMP_NEQ: u8 = 4;

/// The `roundps` / `roundpd` modes, inexact results not signalled.
const ROUND_NEAREST: u8 = 8;
const ROUND_FLOOR: u8 = 9;
const ROUND_CEIL: u8 = 10;
const ROUND_TRUNC: u8 = 11;

/// The instructions an operator becomes.
#[derive(Clone, Copy, Debug)]
enum Shape {
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
}

/// Which byte shift.
#[derive(Clone, Copy, Debug)]
enum ShiftKind {
    Shl,
    ShrS,
    ShrU,
}

/// `x` in each 8-, 16-, 32- or 64-bit lane.
const fn splat8(x: u8) -> u128 {
    u128::from_le_bytes([x; 16])
}
const fn splat16(x: u16) -> u128 {
    splat32(x as u32 | (x as u32) << 16)
}
const fn splat32(x: u32) -> u128 {
    splat64(x as u64 | (x as u64) << 32)
}
const fn splat64(x: u64) -> u128 {
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
fn shape(op: SimdOp) -> Shape {
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
    }
}

impl Emitter<'_> {
    pub(super) fn vector_const(&mut self, v: Value, bits: u128) {
        let d = self.dst_xmm(v);
        if bits == 0 {
            self.m.vec(VecOp::Xor, d, d);
        } else if bits == u128::MAX {
            self.m.vec(VecOp::EqI32, d, d);
        } else {
            self.m.vec_const(d, bits);
        }
        self.store_xmm(v, d);
    }

    /// The registers holding `x` and `y` for `d = x op y`. For the SSE
    /// forms, which copy `x` to `d` first, `y` is kept out of `d` (unless
    /// `x` is `y`) and a spilled `x` is loaded into `d`.
    fn operands(&mut self, d: Xmm, x: Value, y: Value) -> (Xmm, Xmm) {
        if self.m.vex() {
            return (self.xmm(x, X14), self.xmm(y, X15));
        }
        let ry = match self.place(y) {
            Place::Xmm(r) if r != d || x == y => r,
            p => {
                self.mov(p, Place::Xmm(X15));
                X15
            }
        };
        (self.xmm(x, d), ry)
    }

    /// `d = x`.
    fn first_into(&mut self, d: Xmm, x: Value) {
        let r = self.xmm(x, d);
        if r != d {
            self.m.movaps(d, r);
        }
    }

    /// `v = x op y`.
    fn vec_bin(&mut self, op: VecOp, v: Value, x: Value, y: Value) -> Xmm {
        let d = self.dst_xmm(v);
        if let Some(bits) = self.pooled(y) {
            let rx = self.xmm(x, d);
            self.m.vec_with_const(op, d, rx, bits);
            return d;
        }
        let (rx, ry) = self.operands(d, x, y);
        self.m.vec3(op, d, rx, ry);
        d
    }

    /// Flips every bit of `d` (through `X15`).
    fn not(&mut self, d: Xmm) {
        self.m.vec(VecOp::EqI32, X15, X15);
        self.m.vec(VecOp::Xor, d, X15);
    }

    pub(super) fn simd(&mut self, op: SimdOp, r: Option<Value>, args: &[Value]) {
        let v = r.expect("every SIMD operator has a result");
        let a = args[0];
        let shape = shape(op);
        let d = match shape {
            Shape::Bin(op) => self.vec_bin(op, v, a, args[1]),
            Shape::Swapped(op) => self.vec_bin(op, v, args[1], a),
            Shape::NotOf(op, swapped) => {
                let (x, y) = if swapped { (args[1], a) } else { (a, args[1]) };
                let d = self.vec_bin(op, v, x, y);
                self.not(d);
                d
            }
            Shape::CmpU(minmax, eq, not) => {
                let d = self.dst_xmm(v);
                let ra = self.xmm(a, X14);
                let rb = self.xmm(args[1], X15);
                // X15 = minmax(b, a), then == a.
                self.m.vec3(minmax, X15, rb, ra);
                if not {
                    self.m.vec(eq, X15, ra);
                    self.m.vec(VecOp::EqI32, X14, X14);
                    self.m.vec3(VecOp::Xor, d, X14, X15);
                } else {
                    self.m.vec3(eq, d, ra, X15);
                }
                d
            }
            Shape::CmpF(cmp, pred, swapped) => {
                let (x, y) = if swapped { (args[1], a) } else { (a, args[1]) };
                let d = self.dst_xmm(v);
                let (rx, ry) = self.operands(d, x, y);
                self.m.vec_imm_bin(cmp, d, rx, ry, pred);
                d
            }
            Shape::Un(op) => {
                let d = self.dst_xmm(v);
                let ra = self.xmm(a, X15);
                self.m.vec(op, d, ra);
                d
            }
            Shape::UnHigh(op) => {
                let d = self.dst_xmm(v);
                let ra = self.xmm(a, X15);
                self.m.vec_imm(VecImm::Shuffle32, X15, ra, 0xee);
                self.m.vec(op, d, X15);
                d
            }
            Shape::ZeroExtendHigh(unpack) => {
                let d = self.dst_xmm(v);
                let ra = self.xmm(a, d);
                self.m.vec(VecOp::Xor, X15, X15);
                self.m.vec3(unpack, d, ra, X15);
                d
            }
            Shape::SignExtendHigh(unpack, shift, bits) => {
                let d = self.dst_xmm(v);
                let ra = self.xmm(a, d);
                self.m.vec3(unpack, d, ra, ra);
                self.m.vec_shift(shift, d, d, bits);
                d
            }
            Shape::Round(round, mode) => {
                let d = self.dst_xmm(v);
                let ra = self.xmm(a, X15);
                self.m.vec_imm(round, d, ra, mode);
                d
            }
            Shape::Neg(sub) => {
                let d = self.dst_xmm(v);
                let ra = self.xmm(a, X15);
                self.m.vec(VecOp::Xor, X14, X14);
                self.m.vec(sub, X14, ra);
                if d != X14 {
                    self.m.movaps(d, X14);
                }
                d
            }
            Shape::SignBit(shift, count, apply) => {
                let d = self.dst_xmm(v);
                self.m.vec(VecOp::EqI32, X15, X15);
                self.m.vec_shift(shift, X15, X15, count);
                let ra = self.xmm(a, d);
                self.m.vec3(apply, d, ra, X15);
                d
            }
            Shape::Not => {
                let d = self.dst_xmm(v);
                self.m.vec(VecOp::EqI32, X15, X15);
                let ra = self.xmm(a, d);
                self.m.vec3(VecOp::Xor, d, ra, X15);
                d
            }
            Shape::Bitselect => {
                // b ^ ((a ^ b) & c) in X15, with X14 for whichever operand
                // is spilled (b loaded again if it is).
                let (b, c) = (args[1], args[2]);
                let d = self.dst_xmm(v);
                let ra = self.xmm(a, X15);
                let rb = self.xmm(b, X14);
                self.m.vec3(VecOp::Xor, X15, ra, rb);
                let rc = self.xmm(c, X14);
                self.m.vec(VecOp::And, X15, rc);
                let rb = self.xmm(b, X14);
                self.m.vec3(VecOp::Xor, d, rb, X15);
                d
            }
            Shape::ShiftI8(_)
            | Shape::Popcnt
            | Shape::Shuffle(_)
            | Shape::Swizzle
            | Shape::AbsI64
            | Shape::MulI64
            | Shape::ShrSI64
            | Shape::GtI64(..)
            | Shape::MinMaxF(..)
            | Shape::Q15MulrSat
            | Shape::ExtMul(..)
            | Shape::ExtAddPairwise(..)
            | Shape::TruncSat(..)
            | Shape::ConvertU32ToF32
            | Shape::ConvertLowU32ToF64 => {
                // The result's register serves as the sequence's first
                // scratch register where no operand is in it.
                let o = match self.place(v) {
                    Place::Xmm(d)
                        if !XMM_SCRATCH.contains(&d)
                            && args.iter().all(|&x| self.locs[x.0 as usize] != Loc::Xmm(d)) =>
                    {
                        d
                    }
                    _ => X13,
                };
                let r = self.sequence(shape, args, o);
                self.store_xmm(v, r);
                return;
            }
            Shape::AnyTrue | Shape::AllTrue(_) | Shape::Bitmask(_) => {
                self.vector_to_int(shape, v, a);
                return;
            }
            Shape::Shift(op, by_imm, bits) => {
                let d = self.dst_xmm(v);
                if let Some(k) = self.imm(args[1]) {
                    let ra = self.xmm(a, d);
                    self.m.vec_shift(by_imm, d, ra, (k % bits as u64) as u8);
                } else {
                    self.shift_count(args[1], bits as i32 - 1);
                    self.m.gpr_to_xmm(X15, RAX, Size::S32);
                    let ra = self.xmm(a, d);
                    self.m.vec3(op, d, ra, X15);
                }
                d
            }
            Shape::Permute32(imm, from_b) => {
                let d = self.dst_xmm(v);
                let r = self.xmm(args[from_b as usize], X15);
                self.m.vec_imm(VecImm::Shuffle32, d, r, imm);
                d
            }
            Shape::AlignRight(k) => {
                let d = self.dst_xmm(v);
                let (rb, ra) = self.operands(d, args[1], a);
                self.m.vec_imm_bin(VecImmBin::AlignRight, d, rb, ra, k);
                d
            }
            Shape::Splat(size, float) => {
                let d = self.dst_xmm(v);
                let s = if float {
                    self.xmm(a, d)
                } else {
                    let r = self.gpr(a, RAX);
                    let wide = size == Size::S64;
                    self.m.gpr_to_xmm(d, r, Size::of(wide));
                    d
                };
                match size {
                    Size::S8 => {
                        self.m.vec(VecOp::Xor, X15, X15);
                        self.m.vec3(VecOp::Shuffle8, d, s, X15);
                    }
                    Size::S16 => {
                        self.m.vec_imm(VecImm::ShuffleLow16, d, s, 0);
                        self.m.vec_imm(VecImm::Shuffle32, d, d, 0);
                    }
                    Size::S32 => self.m.vec_imm(VecImm::Shuffle32, d, s, 0),
                    Size::S64 => self.m.vec3(VecOp::InterleaveLow64, d, s, s),
                }
                d
            }
            Shape::Extract(size, float, lane, signed) => {
                let ra = self.xmm(a, X15);
                if float {
                    let d = self.dst_xmm(v);
                    match (size, lane) {
                        (_, 0) if d != ra => self.m.movaps(d, ra),
                        (_, 0) => {}
                        (Size::S32, _) => self.m.vec_imm(VecImm::Shuffle32, d, ra, lane),
                        _ => self.m.vec_imm(VecImm::Shuffle32, d, ra, 0xee),
                    }
                    d
                } else {
                    let d = self.dst_gpr(v);
                    self.m.extract_lane(d, ra, lane, size);
                    if signed {
                        self.m.extend(d, d, size, Size::S32, true);
                    }
                    self.store_gpr(v, d);
                    return;
                }
            }
            Shape::Replace(size, float, lane) => {
                let d = self.dst_xmm(v);
                if float {
                    let (ra, rx) = self.operands(d, a, args[1]);
                    match size {
                        Size::S32 => self
                            .m
                            .vec_imm_bin(VecImmBin::InsertF32, d, ra, rx, lane << 4),
                        _ if lane == 0 => self.m.vec_imm_bin(VecImmBin::BlendF64, d, ra, rx, 1),
                        _ => self.m.vec3(VecOp::InterleaveLow64, d, ra, rx),
                    }
                } else {
                    let r = self.gpr(args[1], RAX);
                    let ra = self.xmm(a, d);
                    self.m.insert_lane(d, ra, r, lane, size);
                }
                d
            }
        };
        self.store_xmm(v, d);
    }

    /// `eax` = shift count `count` modulo the lane width (`mask` + 1).
    fn shift_count(&mut self, count: Value, mask: i32) {
        let r = self.gpr(count, RCX);
        self.m.mov(RAX, r, Size::S32);
        self.m.alu_imm(Alu::And, RAX, mask, Size::S32);
    }

    /// The operators that take several instructions, computed in `o` (no
    /// operand's register) and the other scratch registers from their
    /// operands' registers (a spilled operand loaded into the first
    /// register the sequence writes it to): returns the register holding
    /// the result.
    fn sequence(&mut self, shape: Shape, args: &[Value], o: Xmm) -> Xmm {
        use VecOp as V;
        let a = args[0];
        match shape {
            Shape::ShiftI8(kind @ (ShiftKind::Shl | ShiftKind::ShrU))
                if self.imm(args[1]).is_some() =>
            {
                // Shifted as 16-bit lanes, the bits crossing into each
                // byte masked off.
                let k = self.imm(args[1]).unwrap_or_default() as u8 & 7;
                let (shift, mask) = match kind {
                    ShiftKind::Shl => (VecShift::ShlI16, 0xff << k),
                    _ => (VecShift::ShrUI16, 0xff >> k),
                };
                let ra = self.xmm(a, o);
                self.m.vec_shift(shift, o, ra, k);
                self.m.vec_with_const(V::And, o, o, splat8(mask));
                o
            }
            Shape::ShiftI8(kind) => {
                self.shift_count(args[1], 7);
                let ra = self.xmm(a, o);
                match kind {
                    ShiftKind::Shl => {
                        // Shifted as 16-bit lanes, then each byte masked
                        // by `0xff << count` (the low byte of the shifted
                        // all-ones, spread to every byte).
                        self.m.gpr_to_xmm(X15, RAX, Size::S32);
                        self.m.vec3(V::ShlI16, o, ra, X15);
                        self.m.vec(V::EqI32, X14, X14);
                        self.m.vec(V::ShlI16, X14, X15);
                        self.m.vec(V::Xor, X15, X15);
                        self.m.vec(V::Shuffle8, X14, X15);
                        self.m.vec(V::And, o, X14);
                    }
                    ShiftKind::ShrS | ShiftKind::ShrU => {
                        // Each byte doubled into a 16-bit lane, shifted by
                        // 8 more, narrowed back.
                        let (shift, narrow) = match kind {
                            ShiftKind::ShrS => (V::ShrSI16, V::NarrowS16),
                            _ => (V::ShrUI16, V::NarrowU16),
                        };
                        self.m.alu_imm(Alu::Add, RAX, 8, Size::S32);
                        self.m.gpr_to_xmm(X15, RAX, Size::S32);
                        self.m.vec3(V::InterleaveHigh8, X14, ra, ra);
                        self.m.vec3(V::InterleaveLow8, o, ra, ra);
                        self.m.vec(shift, o, X15);
                        self.m.vec(shift, X14, X15);
                        self.m.vec(narrow, o, X14);
                    }
                }
                o
            }
            Shape::Popcnt => {
                const NIBBLE_BITS: [u8; 16] = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];
                let table = u128::from_le_bytes(NIBBLE_BITS);
                let ra = self.xmm(a, o);
                self.m.vec_shift(VecShift::ShrUI16, X12, ra, 4);
                self.m.vec_const(X14, splat8(0x0f));
                self.m.vec3(V::And, o, ra, X14);
                self.m.vec(V::And, X12, X14);
                self.m.vec_const(X14, table);
                self.m.vec3(V::Shuffle8, X15, X14, X12);
                self.m.vec(V::Shuffle8, X14, o);
                self.m.vec(V::AddI8, X14, X15);
                X14
            }
            Shape::Shuffle(lanes) => {
                // `pshufb` zeroes the bytes whose index has its top bit
                // set: each operand keeps its own lanes, then `or`.
                let b = args[1];
                let pick = |from: u8| {
                    u128::from_le_bytes(lanes.map(|l| match l.checked_sub(from) {
                        Some(i) if i < 16 => i,
                        _ => 0x80,
                    }))
                };
                let none = splat8(0x80);
                let (from_a, from_b) = if a == b {
                    (u128::from_le_bytes(lanes.map(|l| l & 15)), none)
                } else {
                    (pick(0), pick(16))
                };
                if from_a == none {
                    let rb = self.xmm(b, o);
                    self.m.vec_with_const(V::Shuffle8, o, rb, from_b);
                    return o;
                }
                let ra = self.xmm(a, o);
                self.m.vec_with_const(V::Shuffle8, o, ra, from_a);
                if from_b != none {
                    let rb = self.xmm(b, X12);
                    self.m.vec_with_const(V::Shuffle8, X12, rb, from_b);
                    self.m.vec(V::Or, o, X12);
                }
                o
            }
            Shape::Swizzle => {
                // Indices of 16 and up saturate to 0x80 and up: zero bytes.
                let ri = self.xmm(args[1], X12);
                self.m.vec_with_const(V::AddSatU8, X12, ri, splat8(0x70));
                let ra = self.xmm(a, o);
                self.m.vec3(V::Shuffle8, o, ra, X12);
                o
            }
            Shape::AbsI64 => {
                // (a ^ s) - s, with s each lane's sign spread.
                let ra = self.xmm(a, o);
                self.m.vec_shift(VecShift::ShrSI32, X12, ra, 31);
                self.m.vec_imm(VecImm::Shuffle32, X12, X12, 0xf5);
                self.m.vec3(V::Xor, o, ra, X12);
                self.m.vec(V::SubI64, o, X12);
                o
            }
            Shape::MulI64 => {
                // lo(a) * lo(b) + ((lo(a) * hi(b) + hi(a) * lo(b)) << 32).
                let ra = self.xmm(a, o);
                let rb = self.xmm(args[1], X12);
                self.m.vec_imm(VecImm::Shuffle32, X14, rb, 0xb1);
                self.m.vec(V::MulI32, X14, ra);
                self.m.vec_shift(VecShift::ShrUI64, X15, X14, 32);
                self.m.vec(V::AddI32, X14, X15);
                self.m.vec_shift(VecShift::ShlI64, X14, X14, 32);
                self.m.vec3(V::MulLowU32, o, ra, rb);
                self.m.vec(V::AddI64, o, X14);
                o
            }
            Shape::ShrSI64 => {
                // ((a >>u n) ^ m) - m, with m the sign bit >>u n.
                self.shift_count(args[1], 63);
                self.m.gpr_to_xmm(X15, RAX, Size::S32);
                let ra = self.xmm(a, o);
                self.m.vec3(V::ShrUI64, o, ra, X15);
                self.m.vec_const(X14, splat64(1 << 63));
                self.m.vec(V::ShrUI64, X14, X15);
                self.m.vec(V::Xor, o, X14);
                self.m.vec(V::SubI64, o, X14);
                o
            }
            Shape::GtI64(swapped, not) => {
                // The high halves' signed `>`, or, where they are equal,
                // the sign of `y - x`; spread from each high half.
                let (x, y) = if swapped { (args[1], a) } else { (a, args[1]) };
                let rx = self.xmm(x, o);
                let ry = self.xmm(y, X12);
                self.m.vec3(V::SubI64, X14, ry, rx);
                self.m.vec3(V::EqI32, X15, rx, ry);
                self.m.vec(V::And, X14, X15);
                self.m.vec3(V::GtS32, X15, rx, ry);
                self.m.vec(V::Or, X14, X15);
                self.m.vec_shift(VecShift::ShrSI32, X14, X14, 31);
                self.m.vec_imm(VecImm::Shuffle32, X14, X14, 0xf5);
                if not {
                    self.not(X14);
                }
                X14
            }
            Shape::MinMaxF(size, max) => {
                // x86's min/max return the second operand for NaNs and
                // equal zeros: both orders, then `or` (min: -0 wins) or
                // `and` (max: +0 wins); NaN lanes take `a + b`.
                let (minmax, cmp, add, merge) = match (size, max) {
                    (Size::S32, false) => (V::MinF32, VecImmBin::CmpF32, V::AddF32, V::OrF),
                    (Size::S32, true) => (V::MaxF32, VecImmBin::CmpF32, V::AddF32, V::AndF),
                    (_, false) => (V::MinF64, VecImmBin::CmpF64, V::AddF64, V::OrF),
                    (_, true) => (V::MaxF64, VecImmBin::CmpF64, V::AddF64, V::AndF),
                };
                let ra = self.xmm(a, o);
                let rb = self.xmm(args[1], X12);
                self.m.vec3(minmax, X14, ra, rb);
                self.m.vec3(minmax, X15, rb, ra);
                self.m.vec(merge, X14, X15);
                self.m.vec_imm_bin(cmp, X15, ra, rb, CMP_UNORD);
                self.m.vec3(add, o, ra, rb);
                self.m.vec(V::XorF, o, X14);
                self.m.vec(V::AndF, o, X15);
                self.m.vec(V::XorF, X14, o);
                X14
            }
            Shape::Q15MulrSat => {
                // `pmulhrsw` wraps only -1 * -1 (to 0x8000): flipped.
                let ra = self.xmm(a, o);
                let rb = self.xmm(args[1], X12);
                self.m.vec3(V::MulHrsI16, o, ra, rb);
                self.m.vec_const(X14, splat16(0x8000));
                self.m.vec(V::EqI16, X14, o);
                self.m.vec(V::Xor, o, X14);
                o
            }
            Shape::ExtMul(from, high, signed) => {
                let (extend, mul) = match (from, signed) {
                    (Size::S8, true) => (Some(V::ExtendS8), V::MulI16),
                    (Size::S8, false) => (Some(V::ExtendU8), V::MulI16),
                    (Size::S16, true) => (Some(V::ExtendS16), V::MulI32),
                    (Size::S16, false) => (Some(V::ExtendU16), V::MulI32),
                    (_, true) => (None, V::MulLowS32),
                    (_, false) => (None, V::MulLowU32),
                };
                for (t, x) in [(o, a), (X12, args[1])] {
                    let r = self.xmm(x, t);
                    match extend {
                        Some(ext) if high => {
                            self.m.vec_imm(VecImm::Shuffle32, t, r, 0xee);
                            self.m.vec(ext, t, t);
                        }
                        Some(ext) => self.m.vec(ext, t, r),
                        // 32-bit lanes 0 and 2 multiplied, as 64 bits.
                        None => {
                            let pick = if high { 0xfa } else { 0x50 };
                            self.m.vec_imm(VecImm::Shuffle32, t, r, pick);
                        }
                    }
                }
                self.m.vec(mul, o, X12);
                o
            }
            Shape::ExtAddPairwise(from, signed) => {
                match (from, signed) {
                    // `pmaddubsw` multiplies unsigned bytes of the first
                    // operand by signed bytes of the second: by ones.
                    (Size::S8, true) => {
                        self.m.vec_const(o, splat8(1));
                        let ra = self.xmm(a, X12);
                        self.m.vec(V::MaddUbs, o, ra);
                    }
                    (Size::S8, false) => {
                        let ra = self.xmm(a, o);
                        self.m.vec_with_const(V::MaddUbs, o, ra, splat8(1));
                    }
                    (_, true) => {
                        let ra = self.xmm(a, o);
                        self.m.vec_with_const(V::DotS16, o, ra, splat16(1));
                    }
                    // Biased to signed, summed, the bias (2 * 0x8000) added
                    // back.
                    (_, false) => {
                        let ra = self.xmm(a, o);
                        self.m.vec_with_const(V::Xor, o, ra, splat16(0x8000));
                        self.m.vec_with_const(V::DotS16, o, o, splat16(1));
                        self.m.vec_with_const(V::AddI32, o, o, splat32(0x1_0000));
                    }
                }
                o
            }
            Shape::TruncSat(Size::S32, true) => {
                // NaN lanes zeroed; `cvttps2dq` gives 0x8000_0000 out of
                // range, flipped to 0x7fff_ffff where the lane is >= 2^31.
                let ra = self.xmm(a, o);
                self.m.vec_imm_bin(VecImmBin::CmpF32, X14, ra, ra, CMP_EQ);
                self.m.vec3(V::AndF, o, ra, X14);
                self.m.vec_const(X14, splat32(2f32.powi(31).to_bits()));
                self.m.vec_imm_bin(VecImmBin::CmpF32, X14, X14, o, CMP_LE);
                self.m.vec(V::TruncF32ToI32, o, o);
                self.m.vec(V::Xor, o, X14);
                o
            }
            Shape::TruncSat(Size::S32, false) => {
                // NaN and negative lanes to 0 (`maxps` takes the second
                // operand for NaNs); x < 2^31 converts directly, the rest
                // as 0x8000_0000 + (x - 2^31), 2^32 and up saturating.
                let ra = self.xmm(a, o);
                self.m.vec(V::Xor, X14, X14);
                self.m.vec3(V::MaxF32, o, ra, X14);
                self.m.vec_const(X14, splat32(2f32.powi(31).to_bits()));
                self.m.vec3(V::SubF32, X15, o, X14);
                self.m.vec_imm_bin(VecImmBin::CmpF32, X14, X14, X15, CMP_LE);
                self.m.vec(V::TruncF32ToI32, X15, X15);
                self.m.vec(V::Xor, X15, X14);
                self.m.vec(V::Xor, X14, X14);
                self.m.vec(V::MaxS32, X15, X14);
                self.m.vec(V::TruncF32ToI32, o, o);
                self.m.vec(V::AddI32, o, X15);
                o
            }
            Shape::TruncSat(_, true) => {
                // NaN lanes zeroed, clamped above (below, `cvttpd2dq`
                // gives i32::MIN).
                let ra = self.xmm(a, o);
                self.m.vec_imm_bin(VecImmBin::CmpF64, X14, ra, ra, CMP_EQ);
                self.m.vec3(V::AndF, o, ra, X14);
                let max = splat64(f64::from(i32::MAX).to_bits());
                self.m.vec_with_const(V::MinF64, o, o, max);
                self.m.vec(V::TruncF64ToI32, o, o);
                o
            }
            Shape::TruncSat(_, false) => {
                // Clamped to [0, u32::MAX] (NaN to 0), truncated, then
                // 2^52 added: the integer is the low half of each lane.
                let ra = self.xmm(a, o);
                self.m.vec(V::Xor, X14, X14);
                self.m.vec3(V::MaxF64, o, ra, X14);
                let max = splat64(f64::from(u32::MAX).to_bits());
                self.m.vec_with_const(V::MinF64, o, o, max);
                self.m.vec_imm(VecImm::RoundF64, o, o, ROUND_TRUNC);
                let two52 = splat64(2f64.powi(52).to_bits());
                self.m.vec_with_const(V::AddF64, o, o, two52);
                self.m.vec_imm_bin(VecImmBin::ShuffleF32, o, o, X14, 0x88);
                o
            }
            Shape::ConvertU32ToF32 => {
                // hi * 2^16 + lo: both halves exact, one rounding.
                let ra = self.xmm(a, o);
                self.m.vec_shift(VecShift::ShrUI32, X12, ra, 16);
                self.m.vec_with_const(V::And, o, ra, splat32(0xffff));
                self.m.vec(V::I32ToF32, o, o);
                self.m.vec(V::I32ToF32, X12, X12);
                let two16 = splat32(65536f32.to_bits());
                self.m.vec_with_const(V::MulF32, X12, X12, two16);
                self.m.vec(V::AddF32, X12, o);
                X12
            }
            Shape::ConvertLowU32ToF64 => {
                // Each lane under the exponent of 2^52, minus 2^52.
                let ra = self.xmm(a, o);
                let high = splat32(0x4330_0000);
                self.m.vec_with_const(V::InterleaveLow32, o, ra, high);
                let two52 = splat64(2f64.powi(52).to_bits());
                self.m.vec_with_const(V::SubF64, o, o, two52);
                o
            }
            _ => unreachable!("not a sequence"),
        }
    }

    /// The operators with a scalar result computed from a vector's lanes.
    fn vector_to_int(&mut self, shape: Shape, v: Value, a: Value) {
        let d = self.dst_gpr(v);
        let ra = self.xmm(a, X15);
        match shape {
            Shape::AnyTrue => {
                self.m.ptest(ra, ra);
                self.m.setcc(Cc::Ne, d);
                self.m.zero_extend_byte(d, d);
            }
            Shape::AllTrue(eq) => {
                self.m.vec(VecOp::Xor, X14, X14);
                self.m.vec(eq, X14, ra);
                self.m.ptest(X14, X14);
                self.m.setcc(Cc::E, d);
                self.m.zero_extend_byte(d, d);
            }
            Shape::Bitmask(Some(of)) => self.m.movmsk(of, d, ra),
            Shape::Bitmask(None) => {
                // Each 16-bit lane saturated to a byte keeps its sign.
                self.m.vec3(VecOp::NarrowS16, X15, ra, ra);
                self.m.movmsk(MaskOf::I8, d, X15);
                self.m.zero_extend_byte(d, d);
            }
            _ => unreachable!("not a vector-to-integer shape"),
        }
        self.store_gpr(v, d);
    }

    pub(super) fn simd_mem(&mut self, op: SimdMemOp, m: MemArg, r: Option<Value>, args: &[Value]) {
        use SimdMemOp as M;
        let addr = args[0];
        if op.is_store() {
            let x = self.xmm(args[1], X15);
            let at = self.address(m, addr);
            self.m.trap_site(TrapCode::MemoryOutOfBounds);
            match op {
                M::V128Store => self.m.store_v128(at, x),
                M::V128Store8Lane { lane } => self.m.extract_lane_mem(at, x, lane, Size::S8),
                M::V128Store16Lane { lane } => self.m.extract_lane_mem(at, x, lane, Size::S16),
                M::V128Store32Lane { lane } => self.m.extract_lane_mem(at, x, lane, Size::S32),
                M::V128Store64Lane { lane } => self.m.extract_lane_mem(at, x, lane, Size::S64),
                _ => unreachable!("a store"),
            }
            return;
        }
        let v = r.expect("a load has a result");
        let d = self.dst_xmm(v);
        if op.has_vector_operand() {
            self.first_into(d, args[1]);
        }
        let at = self.address(m, addr);
        self.m.trap_site(TrapCode::MemoryOutOfBounds);
        let load = |e: &mut Self, l: VecLoad| e.m.vec_load(l, d, at);
        match op {
            M::V128Load => load(self, VecLoad::Full),
            M::V128Load8x8S => load(self, VecLoad::ExtendS8),
            M::V128Load8x8U => load(self, VecLoad::ExtendU8),
            M::V128Load16x4S => load(self, VecLoad::ExtendS16),
            M::V128Load16x4U => load(self, VecLoad::ExtendU16),
            M::V128Load32x2S => load(self, VecLoad::ExtendS32),
            M::V128Load32x2U => load(self, VecLoad::ExtendU32),
            M::V128Load32Zero => load(self, VecLoad::Zero32),
            M::V128Load64Zero => load(self, VecLoad::Zero64),
            M::V128Load64Splat => load(self, VecLoad::Splat64),
            M::V128Load32Splat => {
                load(self, VecLoad::Zero32);
                self.m.vec_imm(VecImm::Shuffle32, d, d, 0);
            }
            M::V128Load16Splat => {
                self.m.insert_lane_mem(d, at, 0, Size::S16);
                self.m.vec_imm(VecImm::ShuffleLow16, d, d, 0);
                self.m.vec_imm(VecImm::Shuffle32, d, d, 0);
            }
            M::V128Load8Splat => {
                self.m.insert_lane_mem(d, at, 0, Size::S8);
                self.m.vec(VecOp::Xor, X15, X15);
                self.m.vec(VecOp::Shuffle8, d, X15);
            }
            M::V128Load8Lane { lane } => self.m.insert_lane_mem(d, at, lane, Size::S8),
            M::V128Load16Lane { lane } => self.m.insert_lane_mem(d, at, lane, Size::S16),
            M::V128Load32Lane { lane } => self.m.insert_lane_mem(d, at, lane, Size::S32),
            M::V128Load64Lane { lane } => self.m.insert_lane_mem(d, at, lane, Size::S64),
            _ => unreachable!("a load"),
        }
        self.store_xmm(v, d);
    }
}
