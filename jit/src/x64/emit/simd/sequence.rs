//! The SIMD operators that take several instructions, where x86 has none
//! of its own for Wasm's operation: computed in the scratch registers.

use super::shape::*;
use super::{X12, X14, X15};
use crate::ir::Value;
use crate::x64::emit::Emitter;
use crate::x64::masm::*;
use crate::x64::regs::*;

impl Emitter<'_> {
    /// The operators that take several instructions, computed in `o` (no
    /// operand's register) and the other scratch registers from their
    /// operands' registers (a spilled operand loaded into the first
    /// register the sequence writes it to): returns the register holding
    /// the result.
    pub(super) fn sequence(&mut self, shape: Shape, args: &[Value], o: Xmm) -> Xmm {
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
            Shape::Madd(size, negate) => {
                // The product rounded in X14, then `c` first, as the
                // interpreter adds (which NaN comes out).
                let (mul, add) = match (size, negate) {
                    (Size::S32, false) => (V::MulF32, V::AddF32),
                    (Size::S32, true) => (V::MulF32, V::SubF32),
                    (_, false) => (V::MulF64, V::AddF64),
                    (_, true) => (V::MulF64, V::SubF64),
                };
                let ra = self.xmm(a, o);
                let rb = self.xmm(args[1], X12);
                self.m.vec3(mul, X14, ra, rb);
                let rc = self.xmm(args[2], X12);
                self.m.vec3(add, o, rc, X14);
                o
            }
            Shape::RelaxedDot(add) => {
                let ra = self.xmm(a, X12);
                let rb = self.xmm(args[1], o);
                self.m.vec3(V::MaddUbs, o, rb, ra);
                if add {
                    // Pairs of 16-bit sums to 32 bits: times one, added.
                    self.m.vec_with_const(V::DotS16, o, o, splat16(1));
                    let rc = self.xmm(args[2], X12);
                    self.m.vec(V::AddI32, o, rc);
                }
                o
            }
            _ => unreachable!("not a sequence"),
        }
    }
}
