//! The seam between code generation and iced-x86: registers chosen at run
//! time, labels, trap sites, and assembly into bytes with the offsets of
//! the instructions that trap. Everything that encodes an instruction goes
//! through iced's `CodeAssembler`; no byte is patched by hand.

use iced_x86::code_asm::*;
use iced_x86::{Code, Encoder, OpKind};
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
    /// The runtime functions the code calls by address, by name.
    symbols: Vec<(u64, &'static str)>,
}

/// Code assembled at offset 0, and the offsets of its trap sites.
pub struct Assembled {
    pub code: Vec<u8>,
    pub traps: Vec<(u32, TrapCode)>,
    /// The addresses of the runtime functions the code calls, with their
    /// names, for disassembly.
    pub symbols: Vec<(u64, &'static str)>,
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
            symbols: Vec::new(),
        }
    }

    /// Calls the runtime function `name` at `addr` through `rax`.
    pub fn call_fn(&mut self, name: &'static str, addr: u64) {
        if !self.symbols.contains(&(addr, name)) {
            self.symbols.push((addr, name));
        }
        ok(self.a.mov(rax, addr));
        ok(self.a.call(rax));
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
    ///
    /// iced's `BlockEncoder` boxes every instruction and encodes it twice;
    /// for a function compiler that was a quarter of the compile time.
    /// Here an instruction that refers to no label encodes the same
    /// wherever it lands, so it is encoded once. The others (branches to
    /// labels, and `rip`-relative operands naming one) are fixups: the
    /// branches are sized (short where the distance fits a byte, grown
    /// until nothing changes), then iced encodes each fixup at its final
    /// address.
    pub fn finish(mut self) -> Assembled {
        let mut traps: Vec<(TrapCode, CodeLabel)> = self.trap_labels.drain().collect();
        traps.sort_by_key(|t| t.0 as u32);
        for (code, mut label) in traps {
            self.bind(&mut label);
            self.trap_site(code);
            ok(self.a.ud2());
        }
        let instrs = self.a.take_instructions();
        let n = instrs.len();

        // Pass 1: encode everything but fixups; `fixed[i]` is where
        // instruction i starts in `body`.
        let mut enc = ok(Encoder::try_with_capacity(64, n * 4));
        let mut fixed = Vec::with_capacity(n + 1);
        let mut fixups: Vec<Fixup> = Vec::new();
        let mut max_label = 0;
        let mut position = 0;
        for (i, ins) in instrs.iter().enumerate() {
            fixed.push(position);
            max_label = max_label.max(ins.ip());
            let (target, kind) = if ins.op0_kind() == OpKind::NearBranch64 {
                let forms = BRANCH_FORMS
                    .iter()
                    .find(|f| f.0 == ins.code() || f.1 == ins.code())
                    .expect("the code generator branches with jmp and jcc only");
                let kind = FixupKind::Branch {
                    forms: *forms,
                    near: false,
                };
                (ins.near_branch64(), kind)
            } else if ins.is_ip_rel_memory_operand() {
                // A 32-bit displacement whatever the distance: the length
                // is known now.
                let mut probe = *ins;
                probe.set_memory_displacement64(0);
                let len = ok(Encoder::new(64).encode(&probe, 0)) as u32;
                (ins.memory_displacement64(), FixupKind::RipRelative { len })
            } else {
                position += ok(enc.encode(ins, 0)) as u32;
                continue;
            };
            max_label = max_label.max(target);
            fixups.push(Fixup {
                index: i as u32,
                target: target as u32,
                kind,
            });
        }
        fixed.push(position);
        let body = enc.take_buffer();

        // Label ids become instruction indices.
        let mut label_at = vec![u32::MAX; max_label as usize + 1];
        for (i, ins) in instrs.iter().enumerate() {
            if ins.ip() != 0 {
                label_at[ins.ip() as usize] = i as u32;
            }
        }
        for x in &mut fixups {
            x.target = label_at[x.target as usize];
        }

        // Pass 2: size the branches. Growing one only moves others apart,
        // so the loop ends; in case growth cascades through many rounds,
        // the fourth round makes every branch still short near.
        let mut offsets = vec![0u32; n + 1];
        for round in 0.. {
            let mut extra = 0;
            let mut next = 0;
            for (i, off) in offsets.iter_mut().enumerate() {
                *off = fixed[i] + extra;
                if next < fixups.len() && fixups[next].index as usize == i {
                    extra += fixups[next].len();
                    next += 1;
                }
            }
            let mut grown = false;
            for x in &mut fixups {
                let end = offsets[x.index as usize] + x.len();
                let rel = offsets[x.target as usize] as i64 - end as i64;
                if let FixupKind::Branch {
                    near: near @ false, ..
                } = &mut x.kind
                {
                    if round >= 3 || i8::try_from(rel).is_err() {
                        *near = true;
                        grown = true;
                    }
                }
            }
            if !grown {
                break;
            }
        }

        // Pass 3: lay out the bytes, iced encoding each fixup at its final
        // address.
        let total = offsets[n] as usize;
        let mut enc = ok(Encoder::try_with_capacity(64, 0));
        enc.set_buffer(Vec::with_capacity(total));
        let mut copied = 0;
        for x in &fixups {
            let i = x.index as usize;
            let mut code = enc.take_buffer();
            code.extend_from_slice(&body[fixed[copied] as usize..fixed[i] as usize]);
            enc.set_buffer(code);
            let mut ins = instrs[i];
            let target = offsets[x.target as usize] as u64;
            match x.kind {
                FixupKind::Branch { forms, near } => {
                    ins.set_code(if near { forms.1 } else { forms.0 });
                    ins.set_near_branch64(target);
                }
                FixupKind::RipRelative { .. } => ins.set_memory_displacement64(target),
            }
            let len = ok(enc.encode(&ins, offsets[i] as u64));
            assert_eq!(len as u32, x.len(), "a fixup encodes to its size");
            copied = i + 1;
        }
        let mut code = enc.take_buffer();
        code.extend_from_slice(&body[fixed[copied] as usize..]);
        debug_assert_eq!(code.len(), total);

        let mut traps: Vec<(u32, TrapCode)> = self
            .trap_sites
            .iter()
            .map(|&(i, code)| (offsets[i], code))
            .collect();
        traps.sort_by_key(|t| t.0);
        Assembled {
            code,
            traps,
            symbols: self.symbols,
        }
    }
}

/// An instruction whose encoding depends on where a label lands.
struct Fixup {
    index: u32,
    /// A label id until resolved, then the target's instruction index.
    target: u32,
    kind: FixupKind,
}

enum FixupKind {
    /// `jmp` or `jcc` (its short and near forms), and whether it needs a
    /// 32-bit displacement.
    Branch { forms: (Code, Code), near: bool },
    /// An instruction addressing the label `rip`-relative, and its length.
    RipRelative { len: u32 },
}

impl Fixup {
    /// Encoded size: `jmp` and `jcc` with an 8-bit displacement take two
    /// bytes; with a 32-bit one, `jmp` takes five and `jcc` six.
    fn len(&self) -> u32 {
        match self.kind {
            FixupKind::Branch { near: false, .. } => 2,
            FixupKind::Branch { forms, near: true } if forms.0 == Code::Jmp_rel8_64 => 5,
            FixupKind::Branch { near: true, .. } => 6,
            FixupKind::RipRelative { len } => len,
        }
    }
}

/// Each branch's short and near forms (iced's conversions between them
/// need its instruction-info tables, which tandem does not otherwise use).
const BRANCH_FORMS: [(Code, Code); 17] = [
    (Code::Jmp_rel8_64, Code::Jmp_rel32_64),
    (Code::Jo_rel8_64, Code::Jo_rel32_64),
    (Code::Jno_rel8_64, Code::Jno_rel32_64),
    (Code::Jb_rel8_64, Code::Jb_rel32_64),
    (Code::Jae_rel8_64, Code::Jae_rel32_64),
    (Code::Je_rel8_64, Code::Je_rel32_64),
    (Code::Jne_rel8_64, Code::Jne_rel32_64),
    (Code::Jbe_rel8_64, Code::Jbe_rel32_64),
    (Code::Ja_rel8_64, Code::Ja_rel32_64),
    (Code::Js_rel8_64, Code::Js_rel32_64),
    (Code::Jns_rel8_64, Code::Jns_rel32_64),
    (Code::Jp_rel8_64, Code::Jp_rel32_64),
    (Code::Jnp_rel8_64, Code::Jnp_rel32_64),
    (Code::Jl_rel8_64, Code::Jl_rel32_64),
    (Code::Jge_rel8_64, Code::Jge_rel32_64),
    (Code::Jle_rel8_64, Code::Jle_rel32_64),
    (Code::Jg_rel8_64, Code::Jg_rel32_64),
];
