//! Integer arithmetic, comparisons and conversions between integer widths.

use super::Emitter;
use crate::ir::*;
use crate::x64::abi::Place;
use crate::x64::masm::*;
use crate::x64::regs::*;
use tandem_vm::TrapCode;

/// The two-operand ALU operation of an integer `BinOp`, if it is one.
fn alu(op: BinOp) -> Option<Alu> {
    Some(match op {
        BinOp::Add => Alu::Add,
        BinOp::Sub => Alu::Sub,
        BinOp::And => Alu::And,
        BinOp::Or => Alu::Or,
        BinOp::Xor => Alu::Xor,
        _ => return None,
    })
}

fn shift(op: BinOp) -> Option<Shift> {
    Some(match op {
        BinOp::Shl => Shift::Shl,
        BinOp::ShrS => Shift::Sar,
        BinOp::ShrU => Shift::Shr,
        BinOp::Rotl => Shift::Rol,
        BinOp::Rotr => Shift::Ror,
        _ => return None,
    })
}

/// Constant `k` (inlined where it fits, see `analysis::takes_immediate`)
/// as the 32-bit immediate of an operation of `size`.
fn imm32(k: u64, size: Size) -> i32 {
    match size {
        Size::S64 => k as i32,
        _ => k as u32 as i32,
    }
}

/// The condition an integer comparison tests.
pub(super) fn cc_of(op: CmpOp) -> Cc {
    match op {
        CmpOp::Eq => Cc::E,
        CmpOp::Ne => Cc::Ne,
        CmpOp::LtS => Cc::L,
        CmpOp::LtU => Cc::B,
        CmpOp::GtS => Cc::G,
        CmpOp::GtU => Cc::A,
        CmpOp::LeS => Cc::Le,
        CmpOp::LeU => Cc::Be,
        CmpOp::GeS => Cc::Ge,
        CmpOp::GeU => Cc::Ae,
        _ => unreachable!("float comparisons have their own sequences"),
    }
}

impl Emitter<'_> {
    pub(super) fn int_bin(&mut self, op: BinOp, v: Value, a: Value, b: Value) {
        let size = Size::of(self.f.ty(v).is_64());
        if matches!(op, BinOp::DivS | BinOp::DivU | BinOp::RemS | BinOp::RemU) {
            return self.divide(op, size, v, a, b);
        }
        if let Some(sh) = shift(op) {
            // The count: an immediate, or in cl.
            let mask = if size == Size::S64 { 63 } else { 31 };
            let k = self.imm(b).map(|k| (k as u32 & mask) as i32);
            if k.is_none() {
                let rb = self.gpr(b, RCX);
                self.m.mov(RCX, rb, Size::S64);
            }
            let d = self.dst_gpr(v);
            let ra = self.gpr(a, d);
            self.copy_gpr(d, ra);
            match k {
                Some(k) => self.m.shift_imm(sh, d, k, size),
                None => self.m.shift_cl(sh, d, size),
            }
            self.store_gpr(v, d);
            return;
        }
        let d = self.dst_gpr(v);
        if let Some(k) = self.imm(b) {
            let ra = self.gpr(a, d);
            let k = imm32(k, size);
            let lea_disp = match op {
                BinOp::Add => Some(k),
                BinOp::Sub => k.checked_neg(),
                _ => None,
            };
            if op == BinOp::Mul {
                self.m.imul_imm(d, ra, k, size);
            } else if let (Some(disp), true) = (lea_disp, d != ra) {
                // Three operands in one instruction (32-bit: the low half
                // of the 64-bit sum, zero-extended).
                self.m.lea(d, Mem::base(ra, disp), size);
            } else {
                if d != ra {
                    self.m.mov(d, ra, Size::S64);
                }
                let op = alu(op).unwrap_or_else(|| unreachable!("{op:?} takes no immediate"));
                self.m.alu_imm(op, d, k, size);
                self.store_gpr(v, d);
                self.note_zf(v);
                return;
            }
            self.store_gpr(v, d);
            return;
        }
        let mut rb = self.gpr(b, R11);
        let (mut a, mut b) = (a, b);
        if rb == d && self.place(a) != Place::Gpr(d) {
            if op.commutative() {
                std::mem::swap(&mut a, &mut b);
                rb = self.gpr(b, R11);
            } else {
                self.m.mov(R11, rb, Size::S64);
                rb = R11;
            }
        }
        let ra = self.gpr(a, d);
        if op == BinOp::Add && d != ra && d != rb {
            // Three operands in one instruction (32-bit: the low half of
            // the 64-bit sum).
            self.m.lea(d, Mem::indexed(ra, rb, 1, 0), size);
            self.store_gpr(v, d);
            return;
        }
        self.copy_gpr(d, ra);
        match alu(op) {
            Some(op) => self.m.alu(op, d, rb, size),
            None if op == BinOp::Mul => self.m.imul(d, rb, size),
            None => unreachable!("{op:?} is not an integer operation"),
        }
        self.store_gpr(v, d);
        if op != BinOp::Mul {
            self.note_zf(v);
        }
    }

    fn divide(&mut self, op: BinOp, size: Size, v: Value, a: Value, b: Value) {
        let rb = self.gpr(b, RCX);
        self.m.mov(RCX, rb, Size::S64);
        let ra = self.gpr(a, RAX);
        self.m.mov(RAX, ra, Size::S64);
        self.m.test(RCX, RCX, size);
        let zero = self.m.trap_label(TrapCode::IntegerDivisionByZero);
        self.m.jcc(Cc::E, zero);
        let mut done = self.m.label();
        let signed = matches!(op, BinOp::DivS | BinOp::RemS);
        if signed {
            let mut normal = self.m.label();
            self.m.alu_imm(Alu::Cmp, RCX, -1, size);
            self.m.jcc(Cc::Ne, normal);
            if op == BinOp::DivS {
                // MIN / -1 overflows; anything else / -1 is a negation.
                if size == Size::S64 {
                    self.m.mov_imm64(RDX, i64::MIN as u64);
                    self.m.alu(Alu::Cmp, RAX, RDX, size);
                } else {
                    self.m.alu_imm(Alu::Cmp, RAX, i32::MIN, size);
                }
                let overflow = self.m.trap_label(TrapCode::IntegerOverflow);
                self.m.jcc(Cc::E, overflow);
                self.m.jmp(normal);
            } else {
                // x rem -1 is 0 (and MIN rem -1 would fault).
                self.m.alu(Alu::Xor, RDX, RDX, Size::S32);
                self.m.jmp(done);
            }
            self.m.bind(&mut normal);
            self.m.sign_extend_rax(size);
        } else {
            self.m.alu(Alu::Xor, RDX, RDX, Size::S32);
        }
        self.m.div(RCX, signed, size);
        self.m.bind(&mut done);
        let src = if matches!(op, BinOp::DivS | BinOp::DivU) {
            RAX
        } else {
            RDX
        };
        if size == Size::S32 {
            self.m.mov(src, src, Size::S32);
        }
        self.store_gpr(v, src);
    }

    /// Sets the flags for integer comparison `a <op> b`.
    pub(super) fn int_compare(&mut self, a: Value, b: Value) {
        let size = Size::of(self.f.ty(a).is_64());
        let ra = self.gpr(a, R11);
        if let Some(k) = self.imm(b) {
            self.m.alu_imm(Alu::Cmp, ra, imm32(k, size), size);
            return;
        }
        let rb = self.gpr(b, RCX);
        self.m.alu(Alu::Cmp, ra, rb, size);
    }

    /// An integer comparison as a value, 0 or 1.
    pub(super) fn int_compare_value(&mut self, op: CmpOp, v: Value, a: Value, b: Value) {
        self.int_compare(a, b);
        self.m.mov_imm32(RAX, 0);
        self.m.setcc(cc_of(op), RAX);
        let d = self.dst_gpr(v);
        self.m.mov(d, RAX, Size::S32);
        self.store_gpr(v, d);
    }

    /// Notes that the instruction just emitted (`add`, `sub`, `and`, `or`
    /// or `xor`, then perhaps a spill store, which leaves the flags alone)
    /// set the zero flag from `v`.
    fn note_zf(&mut self, v: Value) {
        self.zf_of = Some((v, self.m.position()));
    }

    pub(super) fn zf_holds(&self, v: Value) -> bool {
        self.zf_of == Some((v, self.m.position()))
    }

    pub(super) fn int_unary(&mut self, op: UnOp, v: Value, a: Value) {
        let src = Size::of(self.f.ty(a).is_64());
        let dst = Size::of(self.f.ty(v).is_64());
        let ra = self.gpr(a, R11);
        let count = match op {
            UnOp::Clz => Some(Count::Lzcnt),
            UnOp::Ctz => Some(Count::Tzcnt),
            UnOp::Popcnt => Some(Count::Popcnt),
            _ => None,
        };
        if let Some(count) = count {
            let d = self.dst_gpr(v);
            self.m.count(count, d, ra, dst);
            self.store_gpr(v, d);
            return;
        }
        if op == UnOp::Eqz {
            self.m.alu(Alu::Xor, RAX, RAX, Size::S32);
            self.m.test(ra, ra, src);
            self.m.setcc(Cc::E, RAX);
            self.store_gpr(v, RAX);
            return;
        }
        let d = self.dst_gpr(v);
        match op {
            UnOp::Wrap | UnOp::ExtendU32 => self.m.extend(d, ra, Size::S32, dst, false),
            UnOp::ExtendS32 | UnOp::Extend32S => self.m.extend(d, ra, Size::S32, dst, true),
            UnOp::Extend8S => self.m.extend(d, ra, Size::S8, dst, true),
            UnOp::Extend16S => self.m.extend(d, ra, Size::S16, dst, true),
            _ => unreachable!("{op:?} is not an integer operation"),
        }
        self.store_gpr(v, d);
    }
}
