//! Vectors (`v128`): constants, SIMD operators and SIMD memory accesses on
//! SSE4.1 (or its VEX forms, see [`Masm::vec3`]), with Wasm's semantics
//! where x86 has no instruction of its own
//! (unsigned comparisons, byte shifts, 64-bit multiplication and signed
//! comparison, float min/max, saturating conversions, …).
//!
//! Each operator has a [`Shape`], the pattern of instructions it becomes
//! ([`mod@shape`]); those of several instructions run in the four scratch
//! registers ([`sequence`]). Constants come from the function's pool.

mod sequence;
mod shape;

use shape::*;
pub(in crate::x64) use shape::{reads_constant, takes_immediate_count};

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
            | Shape::ConvertLowU32ToF64
            | Shape::Madd(..)
            | Shape::RelaxedDot(_) => {
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
