//! The packed vector operations that vectors are compiled to: SSE4.1 and
//! below, or their VEX (AVX) forms where the engine chose them. Each is
//! named after what it computes, with one match from the operation to
//! iced's methods.
//!
//! VEX forms take a separate destination, so `d = a op b` needs no copy of
//! `a` first; in the SSE forms `d` must be `a`, and [`Masm::vec3`] copies.

use super::*;

/// Declares an operation enum whose variants are binary (`d = a op b`) or
/// unary (`d = op(b)`), with iced's SSE and VEX method for each.
macro_rules! vec_ops {
    ($(#[$doc:meta])* $name:ident {
        binary { $($b:ident => $bsse:ident $bvex:ident,)* }
        unary { $($u:ident => $usse:ident $uvex:ident,)* }
    }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($b,)*
            $($u,)*
        }

        impl $name {
            fn is_unary(self) -> bool {
                matches!(self, $($name::$u)|*)
            }
        }

        vec_ops!(@emit $name emit AsmRegisterXmm [$($b $bsse $bvex)*] [$($u $usse $uvex)*]);
        vec_ops!(@emit $name emit_mem AsmMemoryOperand [$($b $bsse $bvex)*] [$($u $usse $uvex)*]);
    };
    (@emit $name:ident $f:ident $src:ty [$($b:ident $bsse:ident $bvex:ident)*] [$($u:ident $usse:ident $uvex:ident)*]) => {
        impl $name {
            /// `d = a op b` or `d = op(b)`; in the SSE forms, `a` is `d`.
            fn $f(self, asm: &mut CodeAssembler, vex: bool, d: AsmRegisterXmm, a: AsmRegisterXmm, b: $src) {
                ok(match (self, vex) {
                    $(($name::$b, false) => asm.$bsse(d, b),
                      ($name::$b, true) => asm.$bvex(d, a, b),)*
                    $(($name::$u, false) => asm.$usse(d, b),
                      ($name::$u, true) => asm.$uvex(d, b),)*
                });
            }
        }
    };
}

vec_ops! {
    /// Operations on packed lanes.
    VecOp {
        binary {
            AddI8 => paddb vpaddb, AddI16 => paddw vpaddw, AddI32 => paddd vpaddd, AddI64 => paddq vpaddq,
            SubI8 => psubb vpsubb, SubI16 => psubw vpsubw, SubI32 => psubd vpsubd, SubI64 => psubq vpsubq,
            AddSatS8 => paddsb vpaddsb, AddSatS16 => paddsw vpaddsw,
            AddSatU8 => paddusb vpaddusb, AddSatU16 => paddusw vpaddusw,
            SubSatS8 => psubsb vpsubsb, SubSatS16 => psubsw vpsubsw,
            SubSatU8 => psubusb vpsubusb, SubSatU16 => psubusw vpsubusw,
            MulI16 => pmullw vpmullw, MulI32 => pmulld vpmulld,
            MinS8 => pminsb vpminsb, MinS16 => pminsw vpminsw, MinS32 => pminsd vpminsd,
            MinU8 => pminub vpminub, MinU16 => pminuw vpminuw, MinU32 => pminud vpminud,
            MaxS8 => pmaxsb vpmaxsb, MaxS16 => pmaxsw vpmaxsw, MaxS32 => pmaxsd vpmaxsd,
            MaxU8 => pmaxub vpmaxub, MaxU16 => pmaxuw vpmaxuw, MaxU32 => pmaxud vpmaxud,
            AvgU8 => pavgb vpavgb, AvgU16 => pavgw vpavgw,
            EqI8 => pcmpeqb vpcmpeqb, EqI16 => pcmpeqw vpcmpeqw,
            EqI32 => pcmpeqd vpcmpeqd, EqI64 => pcmpeqq vpcmpeqq,
            GtS8 => pcmpgtb vpcmpgtb, GtS16 => pcmpgtw vpcmpgtw, GtS32 => pcmpgtd vpcmpgtd,
            And => pand vpand, AndNot => pandn vpandn, Or => por vpor, Xor => pxor vpxor,
            NarrowS16 => packsswb vpacksswb, NarrowU16 => packuswb vpackuswb,
            NarrowS32 => packssdw vpackssdw, NarrowU32 => packusdw vpackusdw,
            Shuffle8 => pshufb vpshufb, DotS16 => pmaddwd vpmaddwd,
            InterleaveLow8 => punpcklbw vpunpcklbw, InterleaveHigh8 => punpckhbw vpunpckhbw,
            InterleaveLow16 => punpcklwd vpunpcklwd, InterleaveHigh16 => punpckhwd vpunpckhwd,
            InterleaveHigh32 => punpckhdq vpunpckhdq, InterleaveHigh64 => punpckhqdq vpunpckhqdq,
            InterleaveLow32 => punpckldq vpunpckldq, InterleaveLow64 => punpcklqdq vpunpcklqdq,
            MulHrsI16 => pmulhrsw vpmulhrsw, MulLowU32 => pmuludq vpmuludq,
            MulLowS32 => pmuldq vpmuldq, MaddUbs => pmaddubsw vpmaddubsw,
            ShlI16 => psllw vpsllw, ShlI32 => pslld vpslld, ShlI64 => psllq vpsllq,
            ShrUI16 => psrlw vpsrlw, ShrUI32 => psrld vpsrld, ShrUI64 => psrlq vpsrlq,
            ShrSI16 => psraw vpsraw, ShrSI32 => psrad vpsrad,
            AddF32 => addps vaddps, AddF64 => addpd vaddpd, SubF32 => subps vsubps, SubF64 => subpd vsubpd,
            MulF32 => mulps vmulps, MulF64 => mulpd vmulpd, DivF32 => divps vdivps, DivF64 => divpd vdivpd,
            MinF32 => minps vminps, MinF64 => minpd vminpd, MaxF32 => maxps vmaxps, MaxF64 => maxpd vmaxpd,
            AndF => andps vandps, OrF => orps vorps, XorF => xorps vxorps,
        }
        unary {
            AbsI8 => pabsb vpabsb, AbsI16 => pabsw vpabsw, AbsI32 => pabsd vpabsd,
            ExtendS8 => pmovsxbw vpmovsxbw, ExtendU8 => pmovzxbw vpmovzxbw,
            ExtendS16 => pmovsxwd vpmovsxwd, ExtendU16 => pmovzxwd vpmovzxwd,
            ExtendS32 => pmovsxdq vpmovsxdq, ExtendU32 => pmovzxdq vpmovzxdq,
            SqrtF32 => sqrtps vsqrtps, SqrtF64 => sqrtpd vsqrtpd,
            I32ToF32 => cvtdq2ps vcvtdq2ps, I32ToF64 => cvtdq2pd vcvtdq2pd,
            F32ToF64 => cvtps2pd vcvtps2pd, F64ToF32 => cvtpd2ps vcvtpd2ps,
            TruncF32ToI32 => cvttps2dq vcvttps2dq, TruncF64ToI32 => cvttpd2dq vcvttpd2dq,
        }
    }
}

/// `dst = op(src, imm)`: operations of one operand and an immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VecImm {
    /// 32-bit lanes of `src` picked by the immediate's 2-bit fields.
    Shuffle32,
    /// The low four 16-bit lanes of `src` picked likewise, the high ones kept.
    ShuffleLow16,
    RoundF32,
    RoundF64,
}

/// `dst = op(a, b, imm)`: operations of two operands and an immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VecImmBin {
    /// A comparison predicate of `cmpps` / `cmppd`.
    CmpF32,
    CmpF64,
    /// `insertps`: a 32-bit lane of `b` into one of `a`.
    InsertF32,
    /// `blendpd`: the 64-bit lanes whose bit is set in `imm` from `b`, the
    /// others from `a`.
    BlendF64,
    /// `shufps`: the low two 32-bit lanes picked from `a`, the high two
    /// from `b`.
    ShuffleF32,
    /// `palignr`: the 16 bytes of `b` then `a` (as one 32-byte value,
    /// `b` low) from byte `imm` on.
    AlignRight,
}

/// Shifts of packed lanes by an immediate count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VecShift {
    ShlI16,
    ShlI32,
    ShlI64,
    ShrUI16,
    ShrUI32,
    ShrUI64,
    ShrSI16,
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
    /// Whether vector operations use their VEX forms.
    pub fn vex(&self) -> bool {
        self.vex
    }

    /// `dst = dst op src`, or `dst = op(src)`.
    pub fn vec(&mut self, op: VecOp, dst: Xmm, src: Xmm) {
        op.emit(&mut self.a, self.vex, dst.x(), dst.x(), src.x());
    }

    /// `dst = a op b`. `dst` may be `b` only where the VEX forms are used
    /// or `a` is `dst` too: the SSE forms copy `a` to `dst` first.
    pub fn vec3(&mut self, op: VecOp, dst: Xmm, a: Xmm, b: Xmm) {
        debug_assert!(!op.is_unary());
        self.sse_first(dst, a, b);
        op.emit(&mut self.a, self.vex, dst.x(), a.x(), b.x());
    }

    /// For an SSE form, `dst = a` (which must not overwrite `b`).
    fn sse_first(&mut self, dst: Xmm, a: Xmm, b: Xmm) {
        debug_assert!(
            self.vex || dst == a || dst != b,
            "{dst:?} = {a:?} op {b:?} overwrites {b:?}"
        );
        self.sse_copy(dst, a);
    }

    /// For an SSE form, which reads its first source from `dst`: `dst = a`.
    fn sse_copy(&mut self, dst: Xmm, a: Xmm) {
        if !self.vex && dst != a {
            self.movaps(dst, a);
        }
    }

    /// `dst = bits`, from the constant pool.
    pub fn vec_const(&mut self, dst: Xmm, bits: u128) {
        let vex = self.vex;
        self.with_constant(bits, |a, m| {
            sse_or_vex!(vex, a.movdqa / vmovdqa(dst.x(), m))
        });
    }

    /// `dst = a op bits`, the constant read from the pool.
    pub fn vec_with_const(&mut self, op: VecOp, dst: Xmm, a: Xmm, bits: u128) {
        self.sse_copy(dst, a);
        let vex = self.vex;
        self.with_constant(bits, |asm, m| op.emit_mem(asm, vex, dst.x(), a.x(), m));
    }

    pub fn vec_imm(&mut self, op: VecImm, dst: Xmm, src: Xmm, imm: u8) {
        let (a, vex, d, s, i) = (&mut self.a, self.vex, dst.x(), src.x(), imm as u32);
        match op {
            VecImm::Shuffle32 => sse_or_vex!(vex, a.pshufd / vpshufd(d, s, i)),
            VecImm::ShuffleLow16 => sse_or_vex!(vex, a.pshuflw / vpshuflw(d, s, i)),
            VecImm::RoundF32 => sse_or_vex!(vex, a.roundps / vroundps(d, s, i)),
            VecImm::RoundF64 => sse_or_vex!(vex, a.roundpd / vroundpd(d, s, i)),
        }
    }

    /// `dst = op(a, b, imm)`, under the same rule as [`Masm::vec3`].
    pub fn vec_imm_bin(&mut self, op: VecImmBin, dst: Xmm, a: Xmm, b: Xmm, imm: u8) {
        self.sse_first(dst, a, b);
        let (asm, vex, d, a, b, i) = (&mut self.a, self.vex, dst.x(), a.x(), b.x(), imm as u32);
        match op {
            VecImmBin::CmpF32 => sse_or_vex!(vex, asm.cmpps / vcmpps(d; a, b, i)),
            VecImmBin::CmpF64 => sse_or_vex!(vex, asm.cmppd / vcmppd(d; a, b, i)),
            VecImmBin::InsertF32 => sse_or_vex!(vex, asm.insertps / vinsertps(d; a, b, i)),
            VecImmBin::BlendF64 => sse_or_vex!(vex, asm.blendpd / vblendpd(d; a, b, i)),
            VecImmBin::ShuffleF32 => sse_or_vex!(vex, asm.shufps / vshufps(d; a, b, i)),
            VecImmBin::AlignRight => sse_or_vex!(vex, asm.palignr / vpalignr(d; a, b, i)),
        }
    }

    /// `dst = src` shifted by `count`.
    pub fn vec_shift(&mut self, op: VecShift, dst: Xmm, src: Xmm, count: u8) {
        self.sse_copy(dst, src);
        let (a, vex, d, s, i) = (&mut self.a, self.vex, dst.x(), src.x(), count as u32);
        match op {
            VecShift::ShlI16 => sse_or_vex!(vex, a.psllw / vpsllw(d; s, i)),
            VecShift::ShlI32 => sse_or_vex!(vex, a.pslld / vpslld(d; s, i)),
            VecShift::ShlI64 => sse_or_vex!(vex, a.psllq / vpsllq(d; s, i)),
            VecShift::ShrUI16 => sse_or_vex!(vex, a.psrlw / vpsrlw(d; s, i)),
            VecShift::ShrUI32 => sse_or_vex!(vex, a.psrld / vpsrld(d; s, i)),
            VecShift::ShrUI64 => sse_or_vex!(vex, a.psrlq / vpsrlq(d; s, i)),
            VecShift::ShrSI16 => sse_or_vex!(vex, a.psraw / vpsraw(d; s, i)),
            VecShift::ShrSI32 => sse_or_vex!(vex, a.psrad / vpsrad(d; s, i)),
        }
    }

    pub fn vec_load(&mut self, op: VecLoad, dst: Xmm, m: Mem) {
        let (a, vex, d, q) = (&mut self.a, self.vex, dst.x(), qword_ptr(m.op()));
        match op {
            VecLoad::Full => sse_or_vex!(vex, a.movdqu / vmovdqu(d, xmmword_ptr(m.op()))),
            VecLoad::ExtendS8 => sse_or_vex!(vex, a.pmovsxbw / vpmovsxbw(d, q)),
            VecLoad::ExtendU8 => sse_or_vex!(vex, a.pmovzxbw / vpmovzxbw(d, q)),
            VecLoad::ExtendS16 => sse_or_vex!(vex, a.pmovsxwd / vpmovsxwd(d, q)),
            VecLoad::ExtendU16 => sse_or_vex!(vex, a.pmovzxwd / vpmovzxwd(d, q)),
            VecLoad::ExtendS32 => sse_or_vex!(vex, a.pmovsxdq / vpmovsxdq(d, q)),
            VecLoad::ExtendU32 => sse_or_vex!(vex, a.pmovzxdq / vpmovzxdq(d, q)),
            VecLoad::Zero32 => sse_or_vex!(vex, a.movd / vmovd(d, dword_ptr(m.op()))),
            VecLoad::Zero64 => sse_or_vex!(vex, a.movq / vmovq(d, q)),
            VecLoad::Splat64 => sse_or_vex!(vex, a.movddup / vmovddup(d, q)),
        }
    }

    /// `dst = a` with lane `lane` (of `size`) = the low bits of `src`.
    pub fn insert_lane(&mut self, dst: Xmm, a: Xmm, src: Gpr, lane: u8, size: Size) {
        self.sse_copy(dst, a);
        let (asm, vex, d, a, i) = (&mut self.a, self.vex, dst.x(), a.x(), lane as u32);
        match size {
            Size::S8 => sse_or_vex!(vex, asm.pinsrb / vpinsrb(d; a, src.d(), i)),
            Size::S16 => sse_or_vex!(vex, asm.pinsrw / vpinsrw(d; a, src.d(), i)),
            Size::S32 => sse_or_vex!(vex, asm.pinsrd / vpinsrd(d; a, src.d(), i)),
            Size::S64 => sse_or_vex!(vex, asm.pinsrq / vpinsrq(d; a, src.q(), i)),
        }
    }

    /// Lane `lane` of `dst` (of `size`) = the value at `m`.
    pub fn insert_lane_mem(&mut self, dst: Xmm, m: Mem, lane: u8, size: Size) {
        let (a, vex, d, i) = (&mut self.a, self.vex, dst.x(), lane as u32);
        match size {
            Size::S8 => sse_or_vex!(vex, a.pinsrb / vpinsrb(d; d, byte_ptr(m.op()), i)),
            Size::S16 => sse_or_vex!(vex, a.pinsrw / vpinsrw(d; d, word_ptr(m.op()), i)),
            Size::S32 => sse_or_vex!(vex, a.pinsrd / vpinsrd(d; d, dword_ptr(m.op()), i)),
            Size::S64 => sse_or_vex!(vex, a.pinsrq / vpinsrq(d; d, qword_ptr(m.op()), i)),
        }
    }

    /// `dst` = lane `lane` of `src` (of `size`), zero-extended.
    pub fn extract_lane(&mut self, dst: Gpr, src: Xmm, lane: u8, size: Size) {
        let (a, vex, s, i) = (&mut self.a, self.vex, src.x(), lane as u32);
        match size {
            Size::S8 => sse_or_vex!(vex, a.pextrb / vpextrb(dst.d(), s, i)),
            Size::S16 => sse_or_vex!(vex, a.pextrw / vpextrw(dst.d(), s, i)),
            Size::S32 => sse_or_vex!(vex, a.pextrd / vpextrd(dst.d(), s, i)),
            Size::S64 => sse_or_vex!(vex, a.pextrq / vpextrq(dst.q(), s, i)),
        }
    }

    /// The value at `m` = lane `lane` of `src` (of `size`).
    pub fn extract_lane_mem(&mut self, m: Mem, src: Xmm, lane: u8, size: Size) {
        let (a, vex, s, i) = (&mut self.a, self.vex, src.x(), lane as u32);
        match size {
            Size::S8 => sse_or_vex!(vex, a.pextrb / vpextrb(byte_ptr(m.op()), s, i)),
            Size::S16 => sse_or_vex!(vex, a.pextrw / vpextrw(word_ptr(m.op()), s, i)),
            Size::S32 => sse_or_vex!(vex, a.pextrd / vpextrd(dword_ptr(m.op()), s, i)),
            Size::S64 => sse_or_vex!(vex, a.pextrq / vpextrq(qword_ptr(m.op()), s, i)),
        }
    }

    /// `dst` = the top bits of `src`'s lanes, lane 0 in bit 0.
    pub fn movmsk(&mut self, of: MaskOf, dst: Gpr, src: Xmm) {
        let (a, vex, d, s) = (&mut self.a, self.vex, dst.d(), src.x());
        match of {
            MaskOf::I8 => sse_or_vex!(vex, a.pmovmskb / vpmovmskb(d, s)),
            MaskOf::F32 => sse_or_vex!(vex, a.movmskps / vmovmskps(d, s)),
            MaskOf::F64 => sse_or_vex!(vex, a.movmskpd / vmovmskpd(d, s)),
        }
    }

    /// ZF = `(a & b) == 0`.
    pub fn ptest(&mut self, a_: Xmm, b: Xmm) {
        let a = &mut self.a;
        sse_or_vex!(self.vex, a.ptest / vptest(a_.x(), b.x()));
    }
}
