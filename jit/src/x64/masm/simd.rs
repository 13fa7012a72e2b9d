//! The packed SSE operations (SSE4.1 and below) that vectors are compiled
//! to: whole-register operations named after what they compute, each with
//! one match from the operation to iced's method.

use super::*;

/// Calls `$w!(method)` with iced's method for each variant of an operation
/// enum, and declares the enum.
macro_rules! vec_ops {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $method:ident,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($variant,)*
        }

        impl $name {
            fn emit(self, a: &mut CodeAssembler, d: AsmRegisterXmm, s: AsmRegisterXmm) {
                ok(match self {
                    $($name::$variant => a.$method(d, s),)*
                });
            }

            fn emit_mem(self, a: &mut CodeAssembler, d: AsmRegisterXmm, m: AsmMemoryOperand) {
                ok(match self {
                    $($name::$variant => a.$method(d, m),)*
                });
            }
        }
    };
}

vec_ops! {
    /// `dst = dst op src` on packed lanes (or, for the conversions, sign and
    /// zero extensions and `Sqrt`s, `dst = op(src)`).
    VecOp {
        AddI8 => paddb, AddI16 => paddw, AddI32 => paddd, AddI64 => paddq,
        SubI8 => psubb, SubI16 => psubw, SubI32 => psubd, SubI64 => psubq,
        AddSatS8 => paddsb, AddSatS16 => paddsw, AddSatU8 => paddusb, AddSatU16 => paddusw,
        SubSatS8 => psubsb, SubSatS16 => psubsw, SubSatU8 => psubusb, SubSatU16 => psubusw,
        MulI16 => pmullw, MulI32 => pmulld,
        MinS8 => pminsb, MinS16 => pminsw, MinS32 => pminsd,
        MinU8 => pminub, MinU16 => pminuw, MinU32 => pminud,
        MaxS8 => pmaxsb, MaxS16 => pmaxsw, MaxS32 => pmaxsd,
        MaxU8 => pmaxub, MaxU16 => pmaxuw, MaxU32 => pmaxud,
        AvgU8 => pavgb, AvgU16 => pavgw,
        EqI8 => pcmpeqb, EqI16 => pcmpeqw, EqI32 => pcmpeqd, EqI64 => pcmpeqq,
        GtS8 => pcmpgtb, GtS16 => pcmpgtw, GtS32 => pcmpgtd,
        And => pand, AndNot => pandn, Or => por, Xor => pxor,
        NarrowS16 => packsswb, NarrowU16 => packuswb, NarrowS32 => packssdw, NarrowU32 => packusdw,
        AbsI8 => pabsb, AbsI16 => pabsw, AbsI32 => pabsd,
        ExtendS8 => pmovsxbw, ExtendU8 => pmovzxbw, ExtendS16 => pmovsxwd,
        ExtendU16 => pmovzxwd, ExtendS32 => pmovsxdq, ExtendU32 => pmovzxdq,
        Shuffle8 => pshufb, DotS16 => pmaddwd,
        InterleaveLow8 => punpcklbw, InterleaveHigh8 => punpckhbw,
        InterleaveLow32 => punpckldq, InterleaveLow64 => punpcklqdq,
        MulHrsI16 => pmulhrsw, MulLowU32 => pmuludq, MulLowS32 => pmuldq, MaddUbs => pmaddubsw,
        ShlI16 => psllw, ShlI32 => pslld, ShlI64 => psllq,
        ShrUI16 => psrlw, ShrUI32 => psrld, ShrUI64 => psrlq,
        ShrSI16 => psraw, ShrSI32 => psrad,
        AddF32 => addps, AddF64 => addpd, SubF32 => subps, SubF64 => subpd,
        MulF32 => mulps, MulF64 => mulpd, DivF32 => divps, DivF64 => divpd,
        MinF32 => minps, MinF64 => minpd, MaxF32 => maxps, MaxF64 => maxpd,
        SqrtF32 => sqrtps, SqrtF64 => sqrtpd,
        AndF => andps, OrF => orps, XorF => xorps,
        I32ToF32 => cvtdq2ps, I32ToF64 => cvtdq2pd, F32ToF64 => cvtps2pd, F64ToF32 => cvtpd2ps,
        TruncF32ToI32 => cvttps2dq, TruncF64ToI32 => cvttpd2dq,
    }
}

/// `dst = op(dst, src, imm)` operations that take an immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VecImm {
    /// 32-bit lanes of `src` picked by the immediate's 2-bit fields.
    Shuffle32,
    /// The low four 16-bit lanes of `src` picked likewise, the high ones kept.
    ShuffleLow16,
    RoundF32,
    RoundF64,
    /// A comparison predicate of `cmpps` / `cmppd`.
    CmpF32,
    CmpF64,
    /// `insertps`: a 32-bit lane of `src` into one of `dst`.
    InsertF32,
    /// `blendpd`: the 64-bit lanes whose bit is set in `imm` from `src`.
    BlendF64,
    /// `shufps`: the low two 32-bit lanes picked from `dst`, the high two
    /// from `src`.
    ShuffleF32,
}

/// Shifts of packed lanes by an immediate count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VecShift {
    ShlI32,
    ShlI64,
    ShrUI16,
    ShrUI32,
    ShrUI64,
    ShrSI32,
}

/// Loads into a whole register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VecLoad {
    /// All 16 bytes, unaligned.
    Full,
    /// 8 bytes, each 8-, 16- or 32-bit lane sign- or zero-extended.
    ExtendS8,
    ExtendU8,
    ExtendS16,
    ExtendU16,
    ExtendS32,
    ExtendU32,
    /// 4 or 8 bytes into the low lane, the rest zeroed.
    Zero32,
    Zero64,
    /// 8 bytes into both 64-bit lanes.
    Splat64,
}

/// Which lanes' top bits `movmsk` gathers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaskOf {
    I8,
    F32,
    F64,
}

impl Masm {
    pub fn vec(&mut self, op: VecOp, dst: Xmm, src: Xmm) {
        op.emit(&mut self.a, dst.x(), src.x());
    }

    /// `dst = bits`, from the constant pool.
    pub fn vec_const(&mut self, dst: Xmm, bits: u128) {
        self.with_constant(bits, |a, m| ok(a.movdqa(dst.x(), m)));
    }

    /// `dst = dst op bits`, the constant read from the pool.
    pub fn vec_with_const(&mut self, op: VecOp, dst: Xmm, bits: u128) {
        self.with_constant(bits, |a, m| op.emit_mem(a, dst.x(), m));
    }

    pub fn vec_imm(&mut self, op: VecImm, dst: Xmm, src: Xmm, imm: u8) {
        let (a, d, s, i) = (&mut self.a, dst.x(), src.x(), imm as u32);
        ok(match op {
            VecImm::Shuffle32 => a.pshufd(d, s, i),
            VecImm::ShuffleLow16 => a.pshuflw(d, s, i),
            VecImm::RoundF32 => a.roundps(d, s, i),
            VecImm::RoundF64 => a.roundpd(d, s, i),
            VecImm::CmpF32 => a.cmpps(d, s, i),
            VecImm::CmpF64 => a.cmppd(d, s, i),
            VecImm::InsertF32 => a.insertps(d, s, i),
            VecImm::BlendF64 => a.blendpd(d, s, i),
            VecImm::ShuffleF32 => a.shufps(d, s, i),
        });
    }

    pub fn vec_shift(&mut self, op: VecShift, dst: Xmm, count: u8) {
        let (a, d, i) = (&mut self.a, dst.x(), count as u32);
        ok(match op {
            VecShift::ShlI32 => a.pslld(d, i),
            VecShift::ShlI64 => a.psllq(d, i),
            VecShift::ShrUI16 => a.psrlw(d, i),
            VecShift::ShrUI32 => a.psrld(d, i),
            VecShift::ShrUI64 => a.psrlq(d, i),
            VecShift::ShrSI32 => a.psrad(d, i),
        });
    }

    pub fn vec_load(&mut self, op: VecLoad, dst: Xmm, m: Mem) {
        let (a, d, q) = (&mut self.a, dst.x(), qword_ptr(m.op()));
        ok(match op {
            VecLoad::Full => a.movdqu(d, xmmword_ptr(m.op())),
            VecLoad::ExtendS8 => a.pmovsxbw(d, q),
            VecLoad::ExtendU8 => a.pmovzxbw(d, q),
            VecLoad::ExtendS16 => a.pmovsxwd(d, q),
            VecLoad::ExtendU16 => a.pmovzxwd(d, q),
            VecLoad::ExtendS32 => a.pmovsxdq(d, q),
            VecLoad::ExtendU32 => a.pmovzxdq(d, q),
            VecLoad::Zero32 => a.movd(d, dword_ptr(m.op())),
            VecLoad::Zero64 => a.movq(d, q),
            VecLoad::Splat64 => a.movddup(d, q),
        });
    }

    /// Lane `lane` of `dst` (of `size`) = the low bits of `src`.
    pub fn insert_lane(&mut self, dst: Xmm, src: Gpr, lane: u8, size: Size) {
        let (a, d, i) = (&mut self.a, dst.x(), lane as u32);
        ok(match size {
            Size::S8 => a.pinsrb(d, src.d(), i),
            Size::S16 => a.pinsrw(d, src.d(), i),
            Size::S32 => a.pinsrd(d, src.d(), i),
            Size::S64 => a.pinsrq(d, src.q(), i),
        });
    }

    /// Lane `lane` of `dst` (of `size`) = the value at `m`.
    pub fn insert_lane_mem(&mut self, dst: Xmm, m: Mem, lane: u8, size: Size) {
        let (a, d, i) = (&mut self.a, dst.x(), lane as u32);
        ok(match size {
            Size::S8 => a.pinsrb(d, byte_ptr(m.op()), i),
            Size::S16 => a.pinsrw(d, word_ptr(m.op()), i),
            Size::S32 => a.pinsrd(d, dword_ptr(m.op()), i),
            Size::S64 => a.pinsrq(d, qword_ptr(m.op()), i),
        });
    }

    /// `dst` = lane `lane` of `src` (of `size`), zero-extended.
    pub fn extract_lane(&mut self, dst: Gpr, src: Xmm, lane: u8, size: Size) {
        let (a, s, i) = (&mut self.a, src.x(), lane as u32);
        ok(match size {
            Size::S8 => a.pextrb(dst.d(), s, i),
            Size::S16 => a.pextrw(dst.d(), s, i),
            Size::S32 => a.pextrd(dst.d(), s, i),
            Size::S64 => a.pextrq(dst.q(), s, i),
        });
    }

    /// The value at `m` = lane `lane` of `src` (of `size`).
    pub fn extract_lane_mem(&mut self, m: Mem, src: Xmm, lane: u8, size: Size) {
        let (a, s, i) = (&mut self.a, src.x(), lane as u32);
        ok(match size {
            Size::S8 => a.pextrb(byte_ptr(m.op()), s, i),
            Size::S16 => a.pextrw(word_ptr(m.op()), s, i),
            Size::S32 => a.pextrd(dword_ptr(m.op()), s, i),
            Size::S64 => a.pextrq(qword_ptr(m.op()), s, i),
        });
    }

    /// `dst` = the top bits of `src`'s lanes, lane 0 in bit 0.
    pub fn movmsk(&mut self, of: MaskOf, dst: Gpr, src: Xmm) {
        let (a, d, s) = (&mut self.a, dst.d(), src.x());
        ok(match of {
            MaskOf::I8 => a.pmovmskb(d, s),
            MaskOf::F32 => a.movmskps(d, s),
            MaskOf::F64 => a.movmskpd(d, s),
        });
    }

    /// ZF = `(a & b) == 0`.
    pub fn ptest(&mut self, a_: Xmm, b: Xmm) {
        ok(self.a.ptest(a_.x(), b.x()));
    }
}
