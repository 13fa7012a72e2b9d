//! The seam between code generation and iced-x86: registers chosen at run
//! time, labels, trap sites, and assembly into bytes with the offsets of
//! the instructions that trap. Everything that encodes an instruction goes
//! through iced's `CodeAssembler`; no byte is patched by hand.

use iced_x86::code_asm::*;
use iced_x86::BlockEncoderOptions;
use std::collections::HashMap;
use tandem_vm::TrapCode;

/// A general-purpose register, by its hardware number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Gpr(pub u8);

/// An SSE register, by its number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Xmm(pub u8);

pub const RAX: Gpr = Gpr(0);
pub const RCX: Gpr = Gpr(1);
pub const RDX: Gpr = Gpr(2);
pub const RBX: Gpr = Gpr(3);
pub const RSP: Gpr = Gpr(4);
pub const RBP: Gpr = Gpr(5);
pub const RSI: Gpr = Gpr(6);
pub const RDI: Gpr = Gpr(7);
pub const R8: Gpr = Gpr(8);
pub const R9: Gpr = Gpr(9);
pub const R10: Gpr = Gpr(10);
pub const R11: Gpr = Gpr(11);
pub const R12: Gpr = Gpr(12);
pub const R13: Gpr = Gpr(13);
pub const R14: Gpr = Gpr(14);
pub const R15: Gpr = Gpr(15);

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
    pub fn q(self) -> AsmRegister64 {
        R64[self.0 as usize]
    }
    pub fn d(self) -> AsmRegister32 {
        R32[self.0 as usize]
    }
    pub fn w(self) -> AsmRegister16 {
        R16[self.0 as usize]
    }
    pub fn b(self) -> AsmRegister8 {
        R8B[self.0 as usize]
    }
}

impl Xmm {
    pub fn x(self) -> AsmRegisterXmm {
        XMMS[self.0 as usize]
    }
}

/// The assembler for one function or adapter.
pub struct Masm {
    pub a: CodeAssembler,
    /// `(instruction index, trap)` for each instruction that may trap.
    trap_sites: Vec<(usize, TrapCode)>,
    /// One out-of-line `ud2` per trap code, bound at the end.
    trap_labels: HashMap<TrapCode, CodeLabel>,
    /// The instruction index a label was last bound at, so that two labels
    /// never share an instruction.
    last_bound: Option<usize>,
}

/// Code assembled at offset 0, and the offsets of its trap sites.
pub struct Assembled {
    pub code: Vec<u8>,
    pub traps: Vec<(u32, TrapCode)>,
}

/// iced reports errors only for programming mistakes in the code
/// generator (an operand combination that does not exist).
pub fn ok<T>(r: Result<T, iced_x86::IcedError>) -> T {
    r.expect("the code generator built a valid instruction")
}

impl Default for Masm {
    fn default() -> Masm {
        Masm::new()
    }
}

impl Masm {
    pub fn new() -> Masm {
        Masm {
            a: ok(CodeAssembler::new(64)),
            trap_sites: Vec::new(),
            trap_labels: HashMap::new(),
            last_bound: None,
        }
    }

    pub fn label(&mut self) -> CodeLabel {
        self.a.create_label()
    }

    /// Binds `label` to the next instruction.
    pub fn bind(&mut self, label: &mut CodeLabel) {
        let next = self.a.instructions().len();
        if self.last_bound == Some(next) {
            ok(self.a.nop());
        }
        ok(self.a.set_label(label));
        self.last_bound = Some(self.a.instructions().len());
    }

    /// Marks the next instruction as one that may trap with `code` (a
    /// memory access whose fault is an out-of-bounds access).
    pub fn trap_site(&mut self, code: TrapCode) {
        self.trap_sites.push((self.a.instructions().len(), code));
    }

    /// The label of the out-of-line trap for `code`.
    pub fn trap_label(&mut self, code: TrapCode) -> CodeLabel {
        if let Some(l) = self.trap_labels.get(&code) {
            return *l;
        }
        let l = self.a.create_label();
        self.trap_labels.insert(code, l);
        l
    }

    /// Emits the out-of-line traps and assembles everything at offset 0.
    pub fn finish(mut self) -> Assembled {
        let mut traps: Vec<(TrapCode, CodeLabel)> = self.trap_labels.drain().collect();
        traps.sort_by_key(|t| t.0 as u32);
        for (code, mut label) in traps {
            self.bind(&mut label);
            self.trap_site(code);
            ok(self.a.ud2());
        }
        let result = ok(self
            .a
            .assemble_options(0, BlockEncoderOptions::RETURN_NEW_INSTRUCTION_OFFSETS));
        let offsets = &result.inner.new_instruction_offsets;
        let mut traps: Vec<(u32, TrapCode)> = self
            .trap_sites
            .iter()
            .map(|&(i, code)| (offsets[i], code))
            .collect();
        traps.sort_by_key(|t| t.0);
        Assembled {
            code: result.inner.code_buffer,
            traps,
        }
    }
}
