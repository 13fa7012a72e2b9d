//! The macro assembler: the one seam between code generation and iced-x86.
//!
//! Emission speaks in sized operations (`alu(op, dst, src, size)`, as
//! Winch's `MacroAssembler` does), so it never picks an encoding by hand;
//! registers come as [`Gpr`]/[`Xmm`] numbers and memory as [`Mem`]. The
//! `CodeAssembler` stays private: every instruction goes through a method
//! here, and no byte is patched by hand. [`Masm::finish`] assembles at
//! offset 0 through [`relax`](super::relax), which sizes the branches.

use super::regs::*;
use super::reloc::Reloc;
use crate::builtins::RuntimeFn;
use iced_x86::code_asm::*;
use std::collections::HashMap;
use tandem_vm::{CpuFeatures, TrapCode};

pub use super::relax::Assembled;
pub use simd::{MaskOf, VecImm, VecImmBin, VecLoad, VecOp, VecShift};

/// An operation's width: of an integer operation, of a memory access, or
/// (`S32`/`S64`) of a scalar float operation (single or double).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    S8,
    S16,
    S32,
    S64,
}

impl Size {
    /// 64 bits if `wide`, else 32.
    pub fn of(wide: bool) -> Size {
        if wide {
            Size::S64
        } else {
            Size::S32
        }
    }
}

/// A memory operand: `[base + index * scale + disp]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mem {
    base: Gpr,
    index: Option<(Gpr, u32)>,
    disp: i32,
}

impl Mem {
    pub fn base(base: Gpr, disp: i32) -> Mem {
        Mem {
            base,
            index: None,
            disp,
        }
    }

    pub fn indexed(base: Gpr, index: Gpr, scale: u32, disp: i32) -> Mem {
        Mem {
            base,
            index: Some((index, scale)),
            disp,
        }
    }

    fn op(self) -> AsmMemoryOperand {
        match self.index {
            None => self.base.q() + self.disp,
            Some((i, 1)) => self.base.q() + i.q() + self.disp,
            Some((i, scale)) => self.base.q() + i.q() * scale + self.disp,
        }
    }

    fn sized(self, size: Size) -> AsmMemoryOperand {
        match size {
            Size::S8 => byte_ptr(self.op()),
            Size::S16 => word_ptr(self.op()),
            Size::S32 => dword_ptr(self.op()),
            Size::S64 => qword_ptr(self.op()),
        }
    }
}

/// A condition code, for `jcc`, `setcc` and `cmov`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cc {
    E,
    Ne,
    L,
    B,
    G,
    A,
    Le,
    Be,
    Ge,
    Ae,
    /// Parity: an unordered float comparison.
    P,
    Np,
    /// Sign.
    S,
}

/// The opposite condition.
impl std::ops::Not for Cc {
    type Output = Cc;

    fn not(self) -> Cc {
        use Cc::*;
        match self {
            E => Ne,
            Ne => E,
            L => Ge,
            Ge => L,
            B => Ae,
            Ae => B,
            G => Le,
            Le => G,
            A => Be,
            Be => A,
            P => Np,
            Np => P,
            S => unreachable!("no branch tests for a clear sign"),
        }
    }
}

/// Two-operand integer operations with the same forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alu {
    Add,
    Sub,
    And,
    Or,
    Xor,
    Cmp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shift {
    Shl,
    Sar,
    Shr,
    Rol,
    Ror,
}

/// Bit counts (`lzcnt` and `tzcnt` need LZCNT and BMI1, which the JIT
/// requires).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Lzcnt,
    Tzcnt,
    Popcnt,
}

/// Scalar float operations `d = d op s` (`Sqrt`: `d = sqrt(s)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatOp {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    Sqrt,
}

/// Bitwise operations on whole SSE registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bits {
    And,
    Or,
    Xor,
}

/// A rounding mode of `roundss`/`roundsd` (inexact results not signalled).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Round {
    Nearest = 8,
    Floor = 9,
    Ceil = 10,
    Trunc = 11,
}

const R64: [AsmRegister64; 16] = [
    rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15,
];
const R32: [AsmRegister32; 16] = [
    eax, ecx, edx, ebx, esp, ebp, esi, edi, r8d, r9d, r10d, r11d, r12d, r13d, r14d, r15d,
];
const R16: [AsmRegister16; 16] = [
    ax, cx, dx, bx, sp, bp, si, di, r8w, r9w, r10w, r11w, r12w, r13w, r14w, r15w,
];
const R8B: [AsmRegister8; 16] = [
    al, cl, dl, bl, spl, bpl, sil, dil, r8b, r9b, r10b, r11b, r12b, r13b, r14b, r15b,
];
const XMMS: [AsmRegisterXmm; 16] = [
    xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7, xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14,
    xmm15,
];

impl Gpr {
    fn q(self) -> AsmRegister64 {
        R64[self.0 as usize]
    }
    fn d(self) -> AsmRegister32 {
        R32[self.0 as usize]
    }
    fn w(self) -> AsmRegister16 {
        R16[self.0 as usize]
    }
    fn b(self) -> AsmRegister8 {
        R8B[self.0 as usize]
    }
}

impl Xmm {
    fn x(self) -> AsmRegisterXmm {
        XMMS[self.0 as usize]
    }
}

/// A label: a position in the code, bound once.
pub type Label = CodeLabel;

/// iced reports errors only for programming mistakes in the code
/// generator (an operand combination that does not exist).
fn ok<T>(r: Result<T, iced_x86::IcedError>) -> T {
    r.expect("the code generator built a valid instruction")
}

/// The assembler for one function or trampoline.
pub struct Masm {
    a: CodeAssembler,
    /// `(instruction index, trap)` for each instruction that may trap.
    trap_sites: Vec<(usize, TrapCode)>,
    /// `(return, pad, below)` per covered call, as instruction indices.
    landing_sites: Vec<(usize, usize, u32)>,
    /// One out-of-line `ud2` per trap code, bound at the end.
    trap_labels: HashMap<TrapCode, Label>,
    /// The instruction index a label was last bound at, so that two labels
    /// never share an instruction.
    last_bound: Option<usize>,
    /// `(instruction index, what its 64-bit immediate holds)` for each
    /// instruction that holds an address.
    relocs: Vec<(usize, Reloc)>,
    /// `(instruction index, function)` for each direct call of a function
    /// of the same image.
    calls: Vec<(usize, u32)>,
    /// The instruction a call from the same instance enters at.
    local_entry: Option<usize>,
    /// The vector constants the code reads, each once, with its label and
    /// (once first read) the label's id, which `rip`-relative operands hold
    /// until assembly.
    pool: Vec<(u128, Label, u64)>,
    /// The jump tables' targets, all tables one after another, and the
    /// label of where they start (relax lays them out after the code).
    table_targets: Vec<Label>,
    tables: Option<Label>,
    /// Whether vector instructions (and the moves of xmm registers) take
    /// their VEX forms ([`CpuFeatures::avx`]).
    vex: bool,
}

/// Calls iced's method for an integer operation of 32 or 64 bits: `d`
/// the sized register, then the other operands as given.
macro_rules! wide {
    ($size:expr, $a:ident . $op:ident ( $d:expr $(, $rest:expr)* )) => {
        ok(match $size {
            Size::S32 => $a.$op($d.d() $(, $rest)*),
            Size::S64 => $a.$op($d.q() $(, $rest)*),
            s => unreachable!("no {s:?} {}", stringify!($op)),
        })
    };
}

/// As [`wide!`], with a second register of the same size.
macro_rules! wide2 {
    ($size:expr, $a:ident . $op:ident ( $d:expr, $s:expr $(, $rest:expr)* )) => {
        ok(match $size {
            Size::S32 => $a.$op($d.d(), $s.d() $(, $rest)*),
            Size::S64 => $a.$op($d.q(), $s.q() $(, $rest)*),
            s => unreachable!("no {s:?} {}", stringify!($op)),
        })
    };
}

/// Calls `$w!` with iced's method for [`Alu`] `$op` in place of `_`.
macro_rules! by_alu {
    ($op:expr, $w:ident!($size:expr, $a:ident._($($arg:expr),*))) => {
        match $op {
            Alu::Add => $w!($size, $a.add($($arg),*)),
            Alu::Sub => $w!($size, $a.sub($($arg),*)),
            Alu::And => $w!($size, $a.and($($arg),*)),
            Alu::Or => $w!($size, $a.or($($arg),*)),
            Alu::Xor => $w!($size, $a.xor($($arg),*)),
            Alu::Cmp => $w!($size, $a.cmp($($arg),*)),
        }
    };
}

/// Calls iced's SSE method, or where the code takes VEX forms
/// ([`Masm::vex`]) its VEX twin: with the same operands, or, written
/// `(d; a, rest)`, with the VEX form's separate first source `a`, which the
/// SSE form reads from `d`.
macro_rules! sse_or_vex {
    ($vex:expr, $a:ident . $sse:ident / $v:ident ($d:expr; $src:expr $(, $arg:expr)*)) => {
        ok(if $vex { $a.$v($d, $src $(, $arg)*) } else { $a.$sse($d $(, $arg)*) })
    };
    ($vex:expr, $a:ident . $sse:ident / $v:ident ($($arg:expr),*)) => {
        ok(if $vex { $a.$v($($arg),*) } else { $a.$sse($($arg),*) })
    };
}

// After the macros, which it uses too.
mod simd;

/// Calls `$w!` with iced's method for [`Shift`] `$op` in place of `_`.
macro_rules! by_shift {
    ($op:expr, $w:ident!($size:expr, $a:ident._($($arg:expr),*))) => {
        match $op {
            Shift::Shl => $w!($size, $a.shl($($arg),*)),
            Shift::Sar => $w!($size, $a.sar($($arg),*)),
            Shift::Shr => $w!($size, $a.shr($($arg),*)),
            Shift::Rol => $w!($size, $a.rol($($arg),*)),
            Shift::Ror => $w!($size, $a.ror($($arg),*)),
        }
    };
}

impl Masm {
    /// An assembler for the JIT's baseline (SSE4.1), as trampolines use.
    pub fn new() -> Masm {
        Masm::for_cpu(CpuFeatures::default())
    }

    /// An assembler that uses the extensions `cpu` allows.
    pub fn for_cpu(cpu: CpuFeatures) -> Masm {
        Masm {
            a: ok(CodeAssembler::new(64)),
            trap_sites: Vec::new(),
            landing_sites: Vec::new(),
            trap_labels: HashMap::new(),
            last_bound: None,
            relocs: Vec::new(),
            calls: Vec::new(),
            local_entry: None,
            pool: Vec::new(),
            table_targets: Vec::new(),
            tables: None,
            vex: cpu.avx,
        }
    }

    // --- labels, traps, assembly ---

    pub fn label(&mut self) -> Label {
        self.a.create_label()
    }

    /// Binds `label` to the next instruction.
    pub fn bind(&mut self, label: &mut Label) {
        let next = self.a.instructions().len();
        if self.last_bound == Some(next) {
            ok(self.a.nop());
        }
        ok(self.a.set_label(label));
        self.last_bound = Some(self.a.instructions().len());
    }

    /// How many instructions have been emitted: a position that changes
    /// with every one.
    pub fn position(&self) -> usize {
        self.a.instructions().len()
    }

    /// Marks the next instruction as one that may trap with `code` (a
    /// memory access whose fault is an out-of-bounds access).
    pub fn trap_site(&mut self, code: TrapCode) {
        self.trap_sites.push((self.a.instructions().len(), code));
    }

    /// Records a covered call: the instruction at index `ret` follows it,
    /// its landing pad starts at index `pad`, in a frame whose body's stack
    /// pointer is `below` bytes under `rbp`.
    pub fn landing_site(&mut self, ret: usize, pad: usize, below: u32) {
        self.landing_sites.push((ret, pad, below));
    }

    /// The label of the out-of-line trap for `code`.
    pub fn trap_label(&mut self, code: TrapCode) -> Label {
        if let Some(l) = self.trap_labels.get(&code) {
            return *l;
        }
        let l = self.a.create_label();
        self.trap_labels.insert(code, l);
        l
    }

    /// Emits the out-of-line traps and assembles everything at offset 0.
    pub fn finish(mut self) -> Assembled {
        let mut traps: Vec<(TrapCode, Label)> = self.trap_labels.drain().collect();
        traps.sort_by_key(|t| t.0 as u32);
        for (code, mut label) in traps {
            self.bind(&mut label);
            self.trap_site(code);
            ok(self.a.ud2());
        }
        // The tables' entries, as jumps that relax lays out as offsets.
        let mut first_entry = self.a.instructions().len();
        if let Some(mut tables) = self.tables.take() {
            self.bind(&mut tables);
            first_entry = self.a.instructions().len();
            for &target in &self.table_targets {
                ok(self.a.jmp(target));
            }
        }
        let instrs = self.a.take_instructions();
        let pool: Vec<(u64, u128)> = self.pool.iter().map(|c| (c.2, c.0)).collect();
        super::relax::assemble(
            &instrs,
            &self.trap_sites,
            &self.landing_sites,
            &self.relocs,
            &self.calls,
            self.local_entry,
            &pool,
            first_entry,
        )
    }

    /// The constant pool's 16-byte slot holding `bits`, as an operand
    /// (aligned: [`relax`](super::relax) lays the pool out after the code,
    /// at a multiple of 16). `use_it` emits the one instruction that reads
    /// it.
    fn with_constant(
        &mut self,
        bits: u128,
        use_it: impl FnOnce(&mut CodeAssembler, AsmMemoryOperand),
    ) {
        let k = match self.pool.iter().position(|c| c.0 == bits) {
            Some(k) => k,
            None => {
                let label = self.a.create_label();
                self.pool.push((bits, label, u64::MAX));
                self.pool.len() - 1
            }
        };
        use_it(&mut self.a, xmmword_ptr(self.pool[k].1));
        let ins = self
            .a
            .instructions()
            .last()
            .expect("an instruction read the constant");
        debug_assert!(ins.is_ip_rel_memory_operand());
        self.pool[k].2 = ins.memory_displacement64();
    }

    // --- integer moves ---

    /// `dst = src`, 32-bit (zero-extending) or 64-bit.
    pub fn mov(&mut self, dst: Gpr, src: Gpr, size: Size) {
        let a = &mut self.a;
        wide2!(size, a.mov(dst, src))
    }

    /// `dst = bits` in the shortest form: `xor` for 0, a 32-bit `mov`
    /// (which zero-extends) where the upper half is 0.
    pub fn mov_imm(&mut self, dst: Gpr, bits: u64) {
        if bits == 0 {
            ok(self.a.xor(dst.d(), dst.d()));
        } else if bits <= u32::MAX as u64 {
            ok(self.a.mov(dst.d(), bits as u32));
        } else {
            ok(self.a.mov(dst.q(), bits));
        }
    }

    /// `dst = imm` as a 32-bit `mov` (zero-extending; unlike
    /// [`Self::mov_imm`], it leaves the flags alone and has one size).
    pub fn mov_imm32(&mut self, dst: Gpr, imm: i32) {
        ok(self.a.mov(dst.d(), imm));
    }

    /// `dst = bits` as a 64-bit immediate whatever its value, so that the
    /// instruction's length does not depend on it.
    pub fn mov_imm64(&mut self, dst: Gpr, bits: u64) {
        ok(self.a.mov(dst.q(), bits));
    }

    /// `dst = [m]` of `size` (32 bits zero-extend).
    pub fn load(&mut self, dst: Gpr, m: Mem, size: Size) {
        let a = &mut self.a;
        match size {
            Size::S32 => ok(a.mov(dst.d(), dword_ptr(m.op()))),
            Size::S64 => ok(a.mov(dst.q(), qword_ptr(m.op()))),
            _ => unreachable!("narrow loads extend: load_extend"),
        }
    }

    /// `dst = [m]`, `from` bits extended to `to` bits.
    pub fn load_extend(&mut self, dst: Gpr, m: Mem, from: Size, to: Size, signed: bool) {
        let a = &mut self.a;
        let src = m.sized(from);
        ok(match (from, signed, to) {
            (Size::S8 | Size::S16, false, _) => a.movzx(dst.d(), src),
            (Size::S8 | Size::S16, true, Size::S32) => a.movsx(dst.d(), src),
            (Size::S8 | Size::S16, true, _) => a.movsx(dst.q(), src),
            (Size::S32, false, _) => a.mov(dst.d(), src),
            (Size::S32, true, _) => a.movsxd(dst.q(), src),
            (Size::S64, ..) => a.mov(dst.q(), src),
        })
    }

    /// `[m] = src` of `size`.
    pub fn store(&mut self, m: Mem, src: Gpr, size: Size) {
        let (a, dst) = (&mut self.a, m.sized(size));
        ok(match size {
            Size::S8 => a.mov(dst, src.b()),
            Size::S16 => a.mov(dst, src.w()),
            Size::S32 => a.mov(dst, src.d()),
            Size::S64 => a.mov(dst, src.q()),
        })
    }

    /// `[m] = imm` of `size` (64 bits: sign-extended).
    pub fn store_imm(&mut self, m: Mem, imm: i32, size: Size) {
        ok(self.a.mov(m.sized(size), imm));
    }

    /// `dst = src` of `from` bits extended to `to` bits (32-bit results
    /// zero-extend to 64).
    pub fn extend(&mut self, dst: Gpr, src: Gpr, from: Size, to: Size, signed: bool) {
        let a = &mut self.a;
        ok(match (from, signed, to) {
            (Size::S32, false, _) => a.mov(dst.d(), src.d()),
            (Size::S32, true, _) => a.movsxd(dst.q(), src.d()),
            (Size::S8, true, Size::S32) => a.movsx(dst.d(), src.b()),
            (Size::S8, true, _) => a.movsx(dst.q(), src.b()),
            (Size::S16, true, Size::S32) => a.movsx(dst.d(), src.w()),
            (Size::S16, true, _) => a.movsx(dst.q(), src.w()),
            (from, ..) => unreachable!("Wasm has no {from:?} zero extension of a register"),
        })
    }

    /// `dst = &m` (`size` is the result's: a 32-bit one is the low half).
    pub fn lea(&mut self, dst: Gpr, m: Mem, size: Size) {
        let a = &mut self.a;
        let m = qword_ptr(m.op());
        wide!(size, a.lea(dst, m))
    }

    /// `dst` = the address `label` is bound at.
    pub fn lea_label(&mut self, dst: Gpr, label: Label) {
        ok(self.a.lea(dst.q(), ptr(label)));
    }

    // --- integer arithmetic ---

    /// `dst = dst op src` (`Cmp`: the flags of `dst - src`).
    pub fn alu(&mut self, op: Alu, dst: Gpr, src: Gpr, size: Size) {
        let a = &mut self.a;
        by_alu!(op, wide2!(size, a._(dst, src)))
    }

    /// `dst = dst op imm` (64 bits: `imm` sign-extended).
    pub fn alu_imm(&mut self, op: Alu, dst: Gpr, imm: i32, size: Size) {
        let a = &mut self.a;
        by_alu!(op, wide!(size, a._(dst, imm)))
    }

    /// The flags of `dst - [m]`.
    pub fn cmp_load(&mut self, dst: Gpr, m: Mem, size: Size) {
        let a = &mut self.a;
        let m = m.sized(size);
        wide!(size, a.cmp(dst, m))
    }

    /// `[m] = [m] - src`, 64-bit.
    pub fn sub_store(&mut self, m: Mem, src: Gpr) {
        ok(self.a.sub(qword_ptr(m.op()), src.q()));
    }

    /// `[m] = [m] - imm`.
    pub fn sub_store_imm(&mut self, m: Mem, imm: i32, size: Size) {
        ok(self.a.sub(m.sized(size), imm));
    }

    /// The flags of `[m] - imm`.
    pub fn cmp_mem_imm(&mut self, m: Mem, imm: i32, size: Size) {
        ok(self.a.cmp(m.sized(size), imm));
    }

    /// The flags of `a & b`.
    pub fn test(&mut self, a_: Gpr, b: Gpr, size: Size) {
        let a = &mut self.a;
        wide2!(size, a.test(a_, b))
    }

    /// `dst = dst * src`.
    pub fn imul(&mut self, dst: Gpr, src: Gpr, size: Size) {
        let a = &mut self.a;
        wide2!(size, a.imul_2(dst, src))
    }

    /// `dst = src * imm`.
    pub fn imul_imm(&mut self, dst: Gpr, src: Gpr, imm: i32, size: Size) {
        let a = &mut self.a;
        wide2!(size, a.imul_3(dst, src, imm))
    }

    /// `dst = dst op count` (the count masked to the width, as the
    /// hardware does).
    pub fn shift_imm(&mut self, op: Shift, dst: Gpr, count: i32, size: Size) {
        let a = &mut self.a;
        by_shift!(op, wide!(size, a._(dst, count)))
    }

    /// `dst = dst op cl`.
    pub fn shift_cl(&mut self, op: Shift, dst: Gpr, size: Size) {
        let a = &mut self.a;
        by_shift!(op, wide!(size, a._(dst, cl)))
    }

    /// Sign-extends `rax` into `rdx` (`cdq`/`cqo`), for a signed division.
    pub fn sign_extend_rax(&mut self, size: Size) {
        ok(match size {
            Size::S64 => self.a.cqo(),
            _ => self.a.cdq(),
        })
    }

    /// Divides `rdx:rax` by `divisor`: the quotient in `rax`, the
    /// remainder in `rdx`.
    pub fn div(&mut self, divisor: Gpr, signed: bool, size: Size) {
        let a = &mut self.a;
        if signed {
            wide!(size, a.idiv(divisor))
        } else {
            wide!(size, a.div(divisor))
        }
    }

    pub fn count(&mut self, op: Count, dst: Gpr, src: Gpr, size: Size) {
        let a = &mut self.a;
        match op {
            Count::Lzcnt => wide2!(size, a.lzcnt(dst, src)),
            Count::Tzcnt => wide2!(size, a.tzcnt(dst, src)),
            Count::Popcnt => wide2!(size, a.popcnt(dst, src)),
        }
    }

    /// Clears (`complement` false) or flips bit `bit` of `dst`.
    pub fn bit(&mut self, dst: Gpr, bit: i32, complement: bool) {
        ok(if complement {
            self.a.btc(dst.q(), bit)
        } else {
            self.a.btr(dst.q(), bit)
        });
    }

    /// `dst` (its low byte) = 1 if `cc` holds, else 0.
    pub fn setcc(&mut self, cc: Cc, dst: Gpr) {
        let a = &mut self.a;
        let b = dst.b();
        ok(match cc {
            Cc::E => a.sete(b),
            Cc::Ne => a.setne(b),
            Cc::L => a.setl(b),
            Cc::B => a.setb(b),
            Cc::G => a.setg(b),
            Cc::A => a.seta(b),
            Cc::Le => a.setle(b),
            Cc::Be => a.setbe(b),
            Cc::Ge => a.setge(b),
            Cc::Ae => a.setae(b),
            Cc::P => a.setp(b),
            Cc::Np => a.setnp(b),
            Cc::S => a.sets(b),
        })
    }

    /// `dst = src` (64 bits) if `cc` holds.
    pub fn cmov(&mut self, cc: Cc, dst: Gpr, src: Gpr) {
        let (a, d, s) = (&mut self.a, dst.q(), src.q());
        ok(match cc {
            Cc::E => a.cmove(d, s),
            Cc::Ne => a.cmovne(d, s),
            Cc::L => a.cmovl(d, s),
            Cc::B => a.cmovb(d, s),
            Cc::G => a.cmovg(d, s),
            Cc::A => a.cmova(d, s),
            Cc::Le => a.cmovle(d, s),
            Cc::Be => a.cmovbe(d, s),
            Cc::Ge => a.cmovge(d, s),
            Cc::Ae => a.cmovae(d, s),
            Cc::P => a.cmovp(d, s),
            Cc::Np => a.cmovnp(d, s),
            Cc::S => a.cmovs(d, s),
        })
    }

    /// `dst = dst op src` on the low bytes (combining two `setcc`s).
    pub fn alu8(&mut self, op: Alu, dst: Gpr, src: Gpr) {
        ok(match op {
            Alu::And => self.a.and(dst.b(), src.b()),
            Alu::Or => self.a.or(dst.b(), src.b()),
            _ => unreachable!("no use of {op:?} on bytes"),
        })
    }

    /// `dst = zero-extended low byte of src`.
    pub fn zero_extend_byte(&mut self, dst: Gpr, src: Gpr) {
        ok(self.a.movzx(dst.d(), src.b()));
    }

    // --- control ---

    pub fn jmp(&mut self, label: Label) {
        ok(self.a.jmp(label));
    }

    /// Jumps to `targets[index]`, where `index` (zero-extended from 32
    /// bits) is below `targets.len()`: through a table of 32-bit offsets
    /// from the start of the function's tables, which follow its code.
    /// Clobbers `index` and `scratch`.
    pub fn jump_table(&mut self, index: Gpr, scratch: Gpr, targets: &[Label]) {
        let first = self.table_targets.len() as i32;
        self.table_targets.extend_from_slice(targets);
        let tables = *self.tables.get_or_insert_with(|| self.a.create_label());
        ok(self.a.lea(scratch.q(), ptr(tables)));
        let entry = Mem::indexed(scratch, index, 4, 4 * first);
        self.load_extend(index, entry, Size::S32, Size::S64, true);
        self.alu(Alu::Add, index, scratch, Size::S64);
        self.jmp_reg(index);
    }

    pub fn jmp_reg(&mut self, target: Gpr) {
        ok(self.a.jmp(target.q()));
    }

    pub fn jcc(&mut self, cc: Cc, l: Label) {
        let a = &mut self.a;
        ok(match cc {
            Cc::E => a.je(l),
            Cc::Ne => a.jne(l),
            Cc::L => a.jl(l),
            Cc::B => a.jb(l),
            Cc::G => a.jg(l),
            Cc::A => a.ja(l),
            Cc::Le => a.jle(l),
            Cc::Be => a.jbe(l),
            Cc::Ge => a.jge(l),
            Cc::Ae => a.jae(l),
            Cc::P => a.jp(l),
            Cc::Np => a.jnp(l),
            Cc::S => a.js(l),
        })
    }

    pub fn call_reg(&mut self, target: Gpr) {
        ok(self.a.call(target.q()));
    }

    /// Calls the address in `[m]`.
    pub fn call_mem(&mut self, m: Mem) {
        ok(self.a.call(qword_ptr(m.op())));
    }

    /// Calls function `func` of the same image at its local entry (`call
    /// rel32`, which laying the image out aims).
    pub fn call_local(&mut self, func: u32) {
        self.calls.push((self.a.instructions().len(), func));
        ok(self.a.call(super::relax::UNAIMED_CALL));
    }

    /// Where calls from the same instance enter: the next instruction.
    pub fn local_entry(&mut self) {
        self.local_entry = Some(self.a.instructions().len());
    }

    /// Calls the runtime function `f` through `rax`.
    pub fn call_fn(&mut self, f: RuntimeFn) {
        self.mov_addr(RAX, Reloc::Runtime(f));
        ok(self.a.call(rax));
    }

    /// `dst = ` the address `r` stands for: a 64-bit immediate that loading
    /// the image fills in (see [`reloc`](super::reloc)).
    pub fn mov_addr(&mut self, dst: Gpr, r: Reloc) {
        self.relocs.push((self.a.instructions().len(), r));
        self.mov_imm64(dst, r.resolve(0));
    }

    pub fn push(&mut self, r: Gpr) {
        ok(self.a.push(r.q()));
    }

    pub fn pop(&mut self, r: Gpr) {
        ok(self.a.pop(r.q()));
    }

    /// `mov rsp, rbp; pop rbp`.
    pub fn leave(&mut self) {
        ok(self.a.leave());
    }

    pub fn ret(&mut self) {
        ok(self.a.ret());
    }

    /// Returns and pops `bytes` of stack arguments.
    pub fn ret_pop(&mut self, bytes: i32) {
        match bytes {
            0 => ok(self.a.ret()),
            n => ok(self.a.ret_1(n as u32)),
        }
    }

    /// Jumps to the address in `[m]`.
    pub fn jmp_mem(&mut self, m: Mem) {
        ok(self.a.jmp(qword_ptr(m.op())));
    }

    pub fn nop(&mut self) {
        ok(self.a.nop());
    }

    // --- floats ---

    pub fn movaps(&mut self, dst: Xmm, src: Xmm) {
        let a = &mut self.a;
        sse_or_vex!(self.vex, a.movaps / vmovaps(dst.x(), src.x()));
    }

    /// `dst = src`'s low 32 or 64 bits (zeroing the rest of `dst`).
    pub fn gpr_to_xmm(&mut self, dst: Xmm, src: Gpr, size: Size) {
        let (a, vex, d) = (&mut self.a, self.vex, dst.x());
        match size {
            Size::S64 => sse_or_vex!(vex, a.movq / vmovq(d, src.q())),
            _ => sse_or_vex!(vex, a.movd / vmovd(d, src.d())),
        }
    }

    /// `dst = src`'s low 32 (zero-extended) or 64 bits.
    pub fn xmm_to_gpr(&mut self, dst: Gpr, src: Xmm, size: Size) {
        let (a, vex, s) = (&mut self.a, self.vex, src.x());
        match size {
            Size::S64 => sse_or_vex!(vex, a.movq / vmovq(dst.q(), s)),
            _ => sse_or_vex!(vex, a.movd / vmovd(dst.d(), s)),
        }
    }

    /// `dst = [m]`, a float of `size` (the rest of `dst` zeroed).
    pub fn load_float(&mut self, dst: Xmm, m: Mem, size: Size) {
        ok(match size {
            Size::S64 => self.a.movsd_2(dst.x(), qword_ptr(m.op())),
            _ => self.a.movss(dst.x(), dword_ptr(m.op())),
        });
    }

    pub fn store_float(&mut self, m: Mem, src: Xmm, size: Size) {
        ok(match size {
            Size::S64 => self.a.movsd_2(qword_ptr(m.op()), src.x()),
            _ => self.a.movss(dword_ptr(m.op()), src.x()),
        });
    }

    /// `dst = [m]`, all 128 bits, unaligned.
    pub fn load_v128(&mut self, dst: Xmm, m: Mem) {
        self.vec_load(VecLoad::Full, dst, m);
    }

    pub fn store_v128(&mut self, m: Mem, src: Xmm) {
        let a = &mut self.a;
        sse_or_vex!(self.vex, a.movdqu / vmovdqu(xmmword_ptr(m.op()), src.x()));
    }

    /// `dst = dst op src` on all 128 bits.
    pub fn bits(&mut self, op: Bits, dst: Xmm, src: Xmm) {
        let (a, d, s) = (&mut self.a, dst.x(), src.x());
        ok(match op {
            Bits::And => a.andps(d, s),
            Bits::Or => a.orps(d, s),
            Bits::Xor => a.xorps(d, s),
        });
    }

    /// `dst = dst op src` on the low float of `size`.
    pub fn float(&mut self, op: FloatOp, dst: Xmm, src: Xmm, size: Size) {
        let (a, d, s) = (&mut self.a, dst.x(), src.x());
        ok(match (op, size == Size::S64) {
            (FloatOp::Add, false) => a.addss(d, s),
            (FloatOp::Add, true) => a.addsd(d, s),
            (FloatOp::Sub, false) => a.subss(d, s),
            (FloatOp::Sub, true) => a.subsd(d, s),
            (FloatOp::Mul, false) => a.mulss(d, s),
            (FloatOp::Mul, true) => a.mulsd(d, s),
            (FloatOp::Div, false) => a.divss(d, s),
            (FloatOp::Div, true) => a.divsd(d, s),
            (FloatOp::Min, false) => a.minss(d, s),
            (FloatOp::Min, true) => a.minsd(d, s),
            (FloatOp::Max, false) => a.maxss(d, s),
            (FloatOp::Max, true) => a.maxsd(d, s),
            (FloatOp::Sqrt, false) => a.sqrtss(d, s),
            (FloatOp::Sqrt, true) => a.sqrtsd(d, s),
        });
    }

    /// The flags of comparing floats `a` and `b` (unordered: ZF, PF and
    /// CF set).
    pub fn ucomi(&mut self, a_: Xmm, b: Xmm, size: Size) {
        ok(match size {
            Size::S64 => self.a.ucomisd(a_.x(), b.x()),
            _ => self.a.ucomiss(a_.x(), b.x()),
        });
    }

    pub fn round(&mut self, dst: Xmm, src: Xmm, mode: Round, size: Size) {
        let (a, d, s) = (&mut self.a, dst.x(), src.x());
        ok(match size {
            Size::S64 => a.roundsd(d, s, mode as u32),
            _ => a.roundss(d, s, mode as u32),
        });
    }

    /// `dst = src` converted to a float of `to` (from the other size).
    pub fn float_to_float(&mut self, dst: Xmm, src: Xmm, to: Size) {
        ok(match to {
            Size::S64 => self.a.cvtss2sd(dst.x(), src.x()),
            _ => self.a.cvtsd2ss(dst.x(), src.x()),
        });
    }

    /// `dst` = signed integer `src` of `from` bits as a float of `to`.
    pub fn int_to_float(&mut self, dst: Xmm, src: Gpr, from: Size, to: Size) {
        let (a, d) = (&mut self.a, dst.x());
        ok(match (from, to) {
            (Size::S64, Size::S64) => a.cvtsi2sd(d, src.q()),
            (Size::S64, _) => a.cvtsi2ss(d, src.q()),
            (_, Size::S64) => a.cvtsi2sd(d, src.d()),
            (_, _) => a.cvtsi2ss(d, src.d()),
        });
    }

    /// `dst` (64 bits) = float `src` of `from` truncated toward zero
    /// (`0x8000_0000_0000_0000` where out of range).
    pub fn float_to_int(&mut self, dst: Gpr, src: Xmm, from: Size) {
        ok(match from {
            Size::S64 => self.a.cvttsd2si(dst.q(), src.x()),
            _ => self.a.cvttss2si(dst.q(), src.x()),
        });
    }
}
