//! Float arithmetic, comparisons and conversions, with Wasm's semantics
//! where x86's differ (min/max with NaNs and signed zeros, trapping and
//! saturating truncation, unsigned conversions).

use super::Emitter;
use crate::builtins;
use crate::ir::*;
use crate::x64::abi::Place;
use crate::x64::masm::*;
use crate::x64::regs::*;
use tandem_vm::TrapCode;

const X14: Xmm = XMM_SCRATCH[0];
const X15: Xmm = XMM_SCRATCH[1];

impl Emitter<'_> {
    pub(super) fn float_const(&mut self, v: Value, bits: u64) {
        let d = self.dst_xmm(v);
        if bits == 0 {
            self.m.bits(Bits::Xor, d, d);
        } else {
            self.m.mov_imm64(RAX, bits);
            self.m.gpr_to_xmm(d, RAX, Size::S64);
        }
        self.store_xmm(v, d);
    }

    pub(super) fn float_bin(&mut self, op: BinOp, v: Value, a: Value, b: Value) {
        let size = Size::of(self.f.ty(v).is_64());
        if op == BinOp::FCopysign {
            let ra = self.xmm(a, X14);
            let rb = self.xmm(b, X15);
            self.m.xmm_to_gpr(RAX, ra, Size::S64);
            self.m.xmm_to_gpr(RCX, rb, Size::S64);
            if size == Size::S64 {
                self.m.bit(RAX, 63, false);
                self.m.shift_imm(Shift::Shr, RCX, 63, Size::S64);
                self.m.shift_imm(Shift::Shl, RCX, 63, Size::S64);
                self.m.alu(Alu::Or, RAX, RCX, Size::S64);
            } else {
                self.m.alu_imm(Alu::And, RAX, 0x7fff_ffff, Size::S32);
                self.m
                    .alu_imm(Alu::And, RCX, 0x8000_0000u32 as i32, Size::S32);
                self.m.alu(Alu::Or, RAX, RCX, Size::S32);
            }
            let d = self.dst_xmm(v);
            self.m.gpr_to_xmm(d, RAX, Size::S64);
            self.store_xmm(v, d);
            return;
        }
        if matches!(op, BinOp::FMin | BinOp::FMax) {
            return self.min_max(op, v, a, b, size);
        }
        let d = self.dst_xmm(v);
        let mut rb = self.xmm(b, X15);
        // Operands are never swapped: with two NaNs the hardware keeps the
        // first one's payload, and both tiers must keep the same one.
        if rb == d && self.place(a) != Place::Xmm(d) {
            self.m.movaps(X15, rb);
            rb = X15;
        }
        let ra = self.xmm(a, d);
        if ra != d {
            self.m.movaps(d, ra);
        }
        let op = match op {
            BinOp::Add => FloatOp::Add,
            BinOp::Sub => FloatOp::Sub,
            BinOp::Mul => FloatOp::Mul,
            BinOp::FDiv => FloatOp::Div,
            _ => unreachable!("{op:?} is not a float operation"),
        };
        self.m.float(op, d, rb, size);
        self.store_xmm(v, d);
    }

    /// Wasm's min/max: NaN if either is, and -0 below +0.
    fn min_max(&mut self, op: BinOp, v: Value, a: Value, b: Value, size: Size) {
        let rb = self.xmm(b, X15);
        let ra = self.xmm(a, X14);
        let t = X14;
        if ra != t {
            self.m.movaps(t, ra);
        }
        let mut nan = self.m.label();
        let mut normal = self.m.label();
        let mut done = self.m.label();
        self.m.ucomi(t, rb, size);
        self.m.jcc(Cc::P, nan);
        self.m.jcc(Cc::Ne, normal);
        // Equal: the sign bits decide between -0 and +0.
        let bits = if op == BinOp::FMin {
            Bits::Or
        } else {
            Bits::And
        };
        self.m.bits(bits, t, rb);
        self.m.jmp(done);
        self.m.bind(&mut nan);
        self.m.float(FloatOp::Add, t, rb, size);
        self.m.jmp(done);
        self.m.bind(&mut normal);
        let op = if op == BinOp::FMin {
            FloatOp::Min
        } else {
            FloatOp::Max
        };
        self.m.float(op, t, rb, size);
        self.m.bind(&mut done);
        self.m.nop();
        self.store_xmm(v, t);
    }

    pub(super) fn float_compare(&mut self, op: CmpOp, v: Value, a: Value, b: Value) {
        let size = Size::of(self.f.ty(a).is_64());
        // a < b is b > a, so that unordered (CF=ZF=PF=1) is false with `a`.
        let (x, y) = match op {
            CmpOp::FLt | CmpOp::FLe => (b, a),
            _ => (a, b),
        };
        let rx = self.xmm(x, X14);
        let ry = self.xmm(y, X15);
        self.m.ucomi(rx, ry, size);
        match op {
            CmpOp::Eq => {
                self.m.setcc(Cc::E, RAX);
                self.m.setcc(Cc::Np, RCX);
                self.m.alu8(Alu::And, RAX, RCX);
            }
            CmpOp::Ne => {
                self.m.setcc(Cc::Ne, RAX);
                self.m.setcc(Cc::P, RCX);
                self.m.alu8(Alu::Or, RAX, RCX);
            }
            CmpOp::FLt | CmpOp::FGt => self.m.setcc(Cc::A, RAX),
            _ => self.m.setcc(Cc::Ae, RAX),
        }
        let d = self.dst_gpr(v);
        self.m.zero_extend_byte(d, RAX);
        self.store_gpr(v, d);
    }

    /// Bit casts between same-width integers and floats.
    pub(super) fn reinterpret(&mut self, v: Value, a: Value) {
        let dst = self.f.ty(v);
        if dst.is_float() {
            let ra = self.gpr(a, R11);
            let d = self.dst_xmm(v);
            self.m.gpr_to_xmm(d, ra, Size::S64);
            self.store_xmm(v, d);
        } else {
            let x = self.xmm(a, X15);
            let d = self.dst_gpr(v);
            self.m.xmm_to_gpr(d, x, Size::of(dst.is_64()));
            self.store_gpr(v, d);
        }
    }

    pub(super) fn float_unary(&mut self, op: UnOp, v: Value, a: Value) {
        let src = Size::of(self.f.ty(a).is_64());
        let dst = Size::of(self.f.ty(v).is_64());
        match op {
            UnOp::FAbs | UnOp::FNeg => {
                // On the bits, so that NaN payloads are kept.
                let x = self.xmm(a, X15);
                self.m.xmm_to_gpr(RAX, x, Size::S64);
                match (op, dst) {
                    (UnOp::FAbs, Size::S64) => self.m.bit(RAX, 63, false),
                    (UnOp::FAbs, _) => self.m.alu_imm(Alu::And, RAX, 0x7fff_ffff, Size::S32),
                    (_, Size::S64) => self.m.bit(RAX, 63, true),
                    (_, _) => self
                        .m
                        .alu_imm(Alu::Xor, RAX, 0x8000_0000u32 as i32, Size::S32),
                }
                let d = self.dst_xmm(v);
                self.m.gpr_to_xmm(d, RAX, Size::S64);
                self.store_xmm(v, d);
            }
            UnOp::FSqrt
            | UnOp::FCeil
            | UnOp::FFloor
            | UnOp::FTrunc
            | UnOp::FNearest
            | UnOp::FDemote
            | UnOp::FPromote => {
                let x = self.xmm(a, X15);
                let d = self.dst_xmm(v);
                match op {
                    UnOp::FSqrt => self.m.float(FloatOp::Sqrt, d, x, src),
                    UnOp::FDemote | UnOp::FPromote => self.m.float_to_float(d, x, dst),
                    UnOp::FNearest => self.m.round(d, x, Round::Nearest, src),
                    UnOp::FFloor => self.m.round(d, x, Round::Floor, src),
                    UnOp::FCeil => self.m.round(d, x, Round::Ceil, src),
                    _ => self.m.round(d, x, Round::Trunc, src),
                }
                self.store_xmm(v, d);
            }
            UnOp::ConvertS | UnOp::ConvertU => self.convert(op, v, a),
            UnOp::TruncS | UnOp::TruncU => self.truncate(op, v, a),
            UnOp::TruncSatS | UnOp::TruncSatU => {
                let x = self.xmm(a, X15);
                self.m.xmm_to_gpr(RDI, x, Size::S64);
                let f =
                    builtins::trunc_sat(op == UnOp::TruncSatS, src == Size::S64, dst == Size::S64);
                self.m.call_fn(f);
                self.store_gpr(v, RAX);
            }
            _ => unreachable!("{op:?} is not a float operation"),
        }
    }

    /// Integer → float.
    fn convert(&mut self, op: UnOp, v: Value, a: Value) {
        let src = Size::of(self.f.ty(a).is_64());
        let dst = Size::of(self.f.ty(v).is_64());
        let ra = self.gpr(a, R11);
        let d = self.dst_xmm(v);
        // cvtsi2s* writes only the low lanes: clearing the register first
        // breaks the dependency on its old value.
        self.m.bits(Bits::Xor, d, d);
        match (op, src) {
            (UnOp::ConvertS, _) => self.m.int_to_float(d, ra, src, dst),
            (_, Size::S32) => {
                // Unsigned 32-bit: zero-extended, it is a signed 64-bit.
                self.m.mov(RAX, ra, Size::S32);
                self.m.int_to_float(d, RAX, Size::S64, dst);
            }
            (_, _) => {
                // Unsigned 64-bit: halve (keeping the low bit for rounding),
                // convert, double.
                let mut big = self.m.label();
                let mut done = self.m.label();
                self.m.mov(RAX, ra, Size::S64);
                self.m.test(RAX, RAX, Size::S64);
                self.m.jcc(Cc::S, big);
                self.m.int_to_float(d, RAX, Size::S64, dst);
                self.m.jmp(done);
                self.m.bind(&mut big);
                self.m.mov(RCX, RAX, Size::S64);
                self.m.shift_imm(Shift::Shr, RCX, 1, Size::S64);
                self.m.alu_imm(Alu::And, RAX, 1, Size::S32);
                self.m.alu(Alu::Or, RCX, RAX, Size::S64);
                self.m.int_to_float(d, RCX, Size::S64, dst);
                self.m.float(FloatOp::Add, d, d, dst);
                self.m.bind(&mut done);
                self.m.nop();
            }
        }
        self.store_xmm(v, d);
    }

    /// Trapping float → integer: NaN is an invalid conversion, a value
    /// outside the target range an overflow.
    fn truncate(&mut self, op: UnOp, v: Value, a: Value) {
        let src = Size::of(self.f.ty(a).is_64());
        let wide_dst = self.f.ty(v).is_64();
        let signed = op == UnOp::TruncS;
        // (lowest value that traps if `<=`, or else if `<`; upper bound
        // that traps if `>=`).
        let (lo, lo_inclusive, hi): (f64, bool, f64) = match (signed, wide_dst) {
            (true, false) => {
                if src == Size::S64 {
                    (-2147483649.0, true, 2147483648.0)
                } else {
                    (-2147483648.0, false, 2147483648.0)
                }
            }
            (true, true) => (-9223372036854775808.0, false, 9223372036854775808.0),
            (false, false) => (-1.0, true, 4294967296.0),
            (false, true) => (-1.0, true, 18446744073709551616.0),
        };
        let x = self.xmm(a, X15);
        let bad = self.m.trap_label(TrapCode::BadConversionToInteger);
        let overflow = self.m.trap_label(TrapCode::IntegerOverflow);
        let bits = |f: f64| {
            if src == Size::S64 {
                f.to_bits()
            } else {
                (f as f32).to_bits() as u64
            }
        };
        self.m.ucomi(x, x, src);
        self.m.jcc(Cc::P, bad);
        self.m.mov_imm64(RAX, bits(lo));
        self.m.gpr_to_xmm(X14, RAX, Size::S64);
        self.m.ucomi(x, X14, src);
        self.m
            .jcc(if lo_inclusive { Cc::Be } else { Cc::B }, overflow);
        self.m.mov_imm64(RAX, bits(hi));
        self.m.gpr_to_xmm(X14, RAX, Size::S64);
        self.m.ucomi(x, X14, src);
        self.m.jcc(Cc::Ae, overflow);
        if !signed && wide_dst {
            // Above 2^63: subtract it first, then set the top bit.
            let mut small = self.m.label();
            let mut done = self.m.label();
            self.m.mov_imm64(RAX, bits(9223372036854775808.0));
            self.m.gpr_to_xmm(X14, RAX, Size::S64);
            self.m.ucomi(x, X14, src);
            self.m.jcc(Cc::B, small);
            self.m.movaps(X15, x);
            self.m.float(FloatOp::Sub, X15, X14, src);
            self.m.float_to_int(RAX, X15, src);
            self.m.bit(RAX, 63, true);
            self.m.jmp(done);
            self.m.bind(&mut small);
            self.m.float_to_int(RAX, x, src);
            self.m.bind(&mut done);
            self.m.nop();
        } else {
            self.m.float_to_int(RAX, x, src);
            if !wide_dst {
                self.m.mov(RAX, RAX, Size::S32);
            }
        }
        self.store_gpr(v, RAX);
    }
}
