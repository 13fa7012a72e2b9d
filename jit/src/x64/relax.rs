//! Assembly at offset 0 with branch relaxation: every branch as short as
//! its distance allows.
//!
//! iced's `BlockEncoder` boxes every instruction and encodes it twice; for
//! a function compiler that was a large part of the compile time. Here an
//! instruction that refers to no label encodes the same wherever it lands,
//! so it is encoded once. The others (branches to labels, and
//! `rip`-relative operands naming one) are fixups: the branches are sized
//! (short where the distance fits a byte, grown until nothing changes),
//! then iced encodes each fixup at its final address.
//!
//! A function's jump tables follow its code, 4-byte aligned: one 32-bit
//! offset per entry, from where the tables start to the entry's target.
//! Its vector constants come next, 16-byte aligned (so SSE instructions
//! may read them in place), each once.

use super::reloc::Reloc;
use iced_x86::{Code, Encoder, Instruction, OpKind};
use tandem_vm::code_registry::Landing;
use tandem_vm::TrapCode;

/// Code assembled at offset 0, and the offsets of its trap sites.
pub struct Assembled {
    /// The instructions, the jump tables, then the constant pool.
    pub code: Vec<u8>,
    /// Where the instructions end (and the jump tables' padding starts).
    pub code_end: u32,
    /// Where the constant pool starts.
    pub pool_start: u32,
    pub traps: Vec<(u32, TrapCode)>,
    /// The covered calls' landing pads, by return address.
    pub landings: Vec<Landing>,
    /// The addresses the code holds, by the offset of their immediates.
    pub relocs: Vec<(u32, Reloc)>,
    /// Direct calls of functions of the same image, by the offset of their
    /// 32-bit displacements, which laying the image out fills in.
    pub calls: Vec<(u32, u32)>,
    /// Where calls from the same instance enter (they pass the `VMContext`
    /// in `rsi`, not a callee record in `rdi`).
    pub local_entry: u32,
}

/// The target a direct call is encoded with until its image is laid out:
/// where a `call rel32` at 0 ends, so its displacement is 0.
pub const UNAIMED_CALL: u64 = 5;

/// Encoding errors are programming mistakes of the code generator.
fn ok<T>(r: Result<T, iced_x86::IcedError>) -> T {
    r.expect("the code generator built a valid instruction")
}

/// Assembles `instrs` (labels are instruction `ip`s, as iced's
/// `CodeAssembler` leaves them); `trap_sites` are `(instruction index,
/// trap)`; `reloc_sites` `(instruction index, address)` for each `mov r64,
/// imm64` of an address; `pool` the constants as `(label id, bits)`, which
/// instructions read `rip`-relative through labels never bound to an
/// instruction; the instructions from `first_entry` on are the jump
/// tables' entries, each a `jmp` to its target, laid out as offsets from
/// the first (which a `rip`-relative operand finds where the tables
/// start).
#[allow(clippy::too_many_arguments)]
pub fn assemble(
    instrs: &[Instruction],
    trap_sites: &[(usize, TrapCode)],
    landing_sites: &[(usize, usize, u32)],
    reloc_sites: &[(usize, Reloc)],
    call_sites: &[(usize, u32)],
    local_entry: Option<usize>,
    pool: &[(u64, u128)],
    first_entry: usize,
) -> Assembled {
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
        let (target, kind) = if i >= first_entry {
            (ins.near_branch64(), FixupKind::Entry)
        } else if ins.code() == Code::Call_rel32_64 {
            // A direct call: aimed when the image is laid out.
            position += ok(enc.encode(ins, 0)) as u32;
            continue;
        } else if ins.op0_kind() == OpKind::NearBranch64 {
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
            // A 32-bit displacement whatever the distance: the length is
            // known now.
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
    // Once per function, not per fixup: an unoptimised build (an
    // embedder's debug profile) must compile in linear time too.
    debug_assert!(
        {
            let with_label: std::collections::HashSet<u32> =
                fixups.iter().map(|x| x.index).collect();
            (reloc_sites.iter()).all(|r| !with_label.contains(&(r.0 as u32)))
        },
        "an address immediate in an instruction that refers to a label"
    );

    // Label ids become instruction indices.
    let mut label_at = vec![u32::MAX; max_label as usize + 1];
    for (i, ins) in instrs.iter().enumerate() {
        if ins.ip() != 0 {
            label_at[ins.ip() as usize] = i as u32;
        }
    }
    for x in &mut fixups {
        if let Some(k) = pool.iter().position(|c| c.0 == x.target as u64) {
            let FixupKind::RipRelative { len } = x.kind else {
                unreachable!("a branch to a constant");
            };
            x.target = k as u32;
            x.kind = FixupKind::Constant { len };
            continue;
        }
        x.target = label_at[x.target as usize];
        assert_ne!(x.target, u32::MAX, "a branch to a label never bound");
    }

    // Pass 2: size the branches. Growing one only moves others apart, so
    // the loop ends; in case growth cascades through many rounds, the
    // fourth round makes every branch still short near.
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
            if let FixupKind::Branch {
                near: near @ false, ..
            } = &mut x.kind
            {
                let rel = offsets[x.target as usize] as i64 - end as i64;
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
    let total = offsets[first_entry] as usize;
    let tables_start = match first_entry < n {
        true => total.next_multiple_of(4),
        false => total,
    };
    let tables_end = tables_start + 4 * (n - first_entry);
    let pool_start = match pool {
        [] => tables_end,
        _ => tables_end.next_multiple_of(16),
    };
    let mut enc = ok(Encoder::try_with_capacity(64, 0));
    enc.set_buffer(Vec::with_capacity(total));
    let mut copied = 0;
    let mut entries = Vec::with_capacity(4 * (n - first_entry));
    for x in &fixups {
        let i = x.index as usize;
        let target = offsets.get(x.target as usize).copied().unwrap_or(0) as u64;
        if let FixupKind::Entry = x.kind {
            entries
                .extend_from_slice(&((target as i64 - tables_start as i64) as i32).to_le_bytes());
            continue;
        }
        let mut code = enc.take_buffer();
        code.extend_from_slice(&body[fixed[copied] as usize..fixed[i] as usize]);
        enc.set_buffer(code);
        let mut ins = instrs[i];
        // The first entry's label stands for where the tables start.
        let target = match x.target as usize == first_entry {
            true => tables_start as u64,
            false => target,
        };
        match x.kind {
            FixupKind::Branch { forms, near } => {
                ins.set_code(if near { forms.1 } else { forms.0 });
                ins.set_near_branch64(target);
            }
            FixupKind::RipRelative { .. } => ins.set_memory_displacement64(target),
            FixupKind::Constant { .. } => {
                ins.set_memory_displacement64((pool_start + 16 * x.target as usize) as u64)
            }
            FixupKind::Entry => unreachable!("laid out above"),
        }
        let len = ok(enc.encode(&ins, offsets[i] as u64));
        assert_eq!(len as u32, x.len(), "a fixup encodes to its size");
        copied = i + 1;
    }
    let mut code = enc.take_buffer();
    code.extend_from_slice(
        &body[fixed[copied.min(first_entry)] as usize..fixed[first_entry] as usize],
    );
    debug_assert_eq!(code.len(), total);
    code.resize(tables_start, 0xcc);
    code.extend_from_slice(&entries);
    code.resize(pool_start, 0xcc);
    for &(_, bits) in pool {
        code.extend_from_slice(&bits.to_le_bytes());
    }

    let mut traps: Vec<(u32, TrapCode)> = trap_sites
        .iter()
        .map(|&(i, code)| (offsets[i], code))
        .collect();
    traps.sort_by_key(|t| t.0);
    let mut landings: Vec<Landing> = (landing_sites.iter())
        .map(|&(ret, pad, below)| Landing {
            ret: offsets[ret],
            pad: offsets[pad],
            below,
        })
        .collect();
    landings.sort_by_key(|l| l.ret);
    // `mov r64, imm64` is REX.W, the opcode, then the immediate.
    let relocs = (reloc_sites.iter())
        .map(|&(i, r)| {
            assert_eq!(
                instrs[i].code(),
                Code::Mov_r64_imm64,
                "an address immediate"
            );
            (offsets[i] + 2, r)
        })
        .collect();
    // `call rel32` is the opcode, then the displacement.
    let calls = (call_sites.iter())
        .map(|&(i, func)| (offsets[i] + 1, func))
        .collect();
    Assembled {
        code,
        code_end: total as u32,
        pool_start: pool_start as u32,
        traps,
        landings,
        relocs,
        calls,
        local_entry: local_entry.map_or(0, |i| offsets[i]),
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
    /// An instruction reading a pool constant (`target` its index), and its
    /// length.
    Constant { len: u32 },
    /// A jump table's entry: a 32-bit offset, after the code.
    Entry,
}

impl Fixup {
    /// Encoded size: `jmp` and `jcc` with an 8-bit displacement take two
    /// bytes; with a 32-bit one, `jmp` takes five and `jcc` six.
    fn len(&self) -> u32 {
        match self.kind {
            FixupKind::Branch { near: false, .. } => 2,
            FixupKind::Branch { forms, near: true } if forms.0 == Code::Jmp_rel8_64 => 5,
            FixupKind::Branch { near: true, .. } => 6,
            FixupKind::RipRelative { len } | FixupKind::Constant { len } => len,
            // Not in the code: the tables follow it.
            FixupKind::Entry => 0,
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

#[cfg(test)]
mod tests {
    use super::super::masm::{Cc, Masm, Mem};
    use super::super::regs::*;
    use iced_x86::{Decoder, DecoderOptions, Instruction};
    use tandem_vm::TrapCode;

    fn decode(code: &[u8]) -> Vec<Instruction> {
        Decoder::with_ip(64, code, 0, DecoderOptions::NONE)
            .into_iter()
            .collect()
    }

    /// `k` bytes of code that refers to no label: `k / 3` three-byte moves.
    fn filler(m: &mut Masm, k: usize) {
        assert_eq!(k % 3, 0);
        for _ in 0..k / 3 {
            m.mov(RAX, RCX, super::super::masm::Size::S64);
        }
    }

    /// The offset each instruction starts at.
    fn starts(code: &[u8]) -> Vec<u64> {
        decode(code).iter().map(|i| i.ip()).collect()
    }

    #[test]
    fn a_branch_is_short_exactly_while_its_distance_fits_a_byte() {
        // jmp forward over `k` bytes: rel8 reaches 127 bytes past its end.
        for (k, len) in [(126, 2), (129, 5)] {
            let mut m = Masm::new();
            let mut l = m.label();
            m.jmp(l);
            filler(&mut m, k);
            m.bind(&mut l);
            m.ret();
            let code = m.finish().code;
            let first = decode(&code)[0];
            assert_eq!(first.len(), len, "over {k} bytes");
            assert_eq!(first.near_branch64(), (len + k) as u64);
        }
        // A conditional branch backwards: rel8 reaches 128 bytes before
        // its end.
        for (k, len) in [(126, 2), (129, 6)] {
            let mut m = Masm::new();
            let mut l = m.label();
            m.bind(&mut l);
            filler(&mut m, k);
            m.jcc(Cc::Ne, l);
            let code = m.finish().code;
            let last = *decode(&code).last().unwrap();
            assert_eq!(last.len(), len, "back over {k} bytes");
            assert_eq!(last.near_branch64(), 0);
        }
    }

    #[test]
    fn growing_one_branch_can_grow_another() {
        // The outer jump spans 123 bytes of filler and the inner branch,
        // which spans those and `after` more: with 3 both are short; with
        // 6 the inner one is near, and its 4 extra bytes put the outer
        // one out of a byte's reach too.
        for (after, lens) in [(3, (2, 2)), (6, (5, 6))] {
            let mut m = Masm::new();
            let (mut outer, mut inner) = (m.label(), m.label());
            m.jmp(outer);
            m.jcc(Cc::E, inner);
            filler(&mut m, 123);
            m.bind(&mut outer);
            filler(&mut m, after);
            m.bind(&mut inner);
            m.ret();
            let code = m.finish().code;
            let ins = decode(&code);
            assert_eq!((ins[0].len(), ins[1].len()), lens, "{after} bytes after");
            let s = starts(&code);
            assert_eq!(ins[0].near_branch64(), s[2 + 123 / 3]);
            assert_eq!(ins[1].near_branch64(), *s.last().unwrap());
        }
    }

    #[test]
    fn rip_relative_operands_and_trap_sites_land_on_their_instructions() {
        let mut m = Masm::new();
        let mut here = m.label();
        let mut far = m.label();
        m.jcc(Cc::B, far);
        m.bind(&mut here);
        m.lea_label(RSI, here);
        m.trap_site(TrapCode::MemoryOutOfBounds);
        m.load(RAX, Mem::base(R14, 8), super::super::masm::Size::S64);
        filler(&mut m, 150);
        m.bind(&mut far);
        let overflow = m.trap_label(TrapCode::StackOverflow);
        m.jmp(overflow);
        let asm = m.finish();
        let ins = decode(&asm.code);
        let s = starts(&asm.code);
        assert_eq!(ins[0].len(), 6);
        // lea rsi, [rip + d] names its own start.
        assert_eq!(ins[1].memory_displacement64(), s[1]);
        // The load traps; so does the ud2 the trap label put at the end.
        assert_eq!(
            asm.traps,
            vec![
                (s[2] as u32, TrapCode::MemoryOutOfBounds),
                (*s.last().unwrap() as u32, TrapCode::StackOverflow)
            ]
        );
        assert_eq!(ins.last().unwrap().code(), iced_x86::Code::Ud2);
        assert_eq!(ins[ins.len() - 2].near_branch64(), *s.last().unwrap());
    }

    #[test]
    fn two_labels_never_share_an_instruction() {
        let mut m = Masm::new();
        let (mut a, mut b) = (m.label(), m.label());
        m.jmp(a);
        m.jmp(b);
        m.bind(&mut a);
        m.bind(&mut b);
        m.ret();
        let ins = decode(&m.finish().code);
        assert_eq!(ins.len(), 4, "a nop between the two labels");
        assert_eq!(ins[0].near_branch64(), ins[2].ip());
        assert_eq!(ins[1].near_branch64(), ins[3].ip());
    }

    #[test]
    fn jump_tables_follow_the_code_aligned_as_offsets_to_their_targets() {
        let mut m = Masm::new();
        let mut targets = [m.label(), m.label(), m.label()];
        m.jump_table(RAX, R11, &targets[..2]);
        m.jump_table(RCX, R11, &targets[1..]);
        let mut at = Vec::new();
        for t in &mut targets {
            at.push(m.position());
            m.bind(t);
            filler(&mut m, 3);
        }
        m.vec_const(XMM_SCRATCH[0], 5);
        let asm = m.finish();
        let instrs = decode(&asm.code[..asm.code_end as usize]);
        let target_offsets: Vec<u64> = at.iter().map(|&i| instrs[i].ip()).collect();
        let tables = asm.code_end.next_multiple_of(4);
        // Both tables' `lea` find where the tables start.
        let leas: Vec<u64> = (instrs.iter())
            .filter(|i| i.is_ip_rel_memory_operand() && i.code() == iced_x86::Code::Lea_r64_m)
            .map(|i| i.ip_rel_memory_address())
            .collect();
        assert_eq!(leas, [tables as u64; 2]);
        let entries: Vec<u64> = asm.code[tables as usize..][..16]
            .chunks_exact(4)
            .map(|c| (tables as i64 + i32::from_le_bytes(c.try_into().unwrap()) as i64) as u64)
            .collect();
        let t = &target_offsets;
        assert_eq!(entries, [t[0], t[1], t[1], t[2]]);
        // The constant pool comes after them.
        assert!(tables + 16 <= asm.pool_start && asm.pool_start.is_multiple_of(16));
    }

    #[test]
    fn constants_follow_the_code_aligned_each_once_and_are_read_there() {
        use super::super::masm::VecOp;
        let [x, y, ..] = XMM_SCRATCH;
        let mut m = Masm::new();
        filler(&mut m, 3);
        m.vec_const(x, 0x0123_4567_89ab_cdef_0011_2233_4455_6677);
        m.vec_with_const(VecOp::And, y, y, 7);
        m.vec_const(y, 0x0123_4567_89ab_cdef_0011_2233_4455_6677);
        m.ret();
        let asm = m.finish();
        assert_eq!(asm.pool_start % 16, 0);
        assert!(asm.code_end <= asm.pool_start);
        assert_eq!(asm.code.len() as u32, asm.pool_start + 32, "two constants");
        let reads: Vec<u128> = decode(&asm.code[..asm.code_end as usize])
            .iter()
            .filter(|i| i.is_ip_rel_memory_operand())
            .map(|i| {
                let at = i.ip_rel_memory_address() as usize;
                u128::from_le_bytes(asm.code[at..at + 16].try_into().unwrap())
            })
            .collect();
        assert_eq!(
            reads,
            [
                0x0123_4567_89ab_cdef_0011_2233_4455_6677,
                7,
                0x0123_4567_89ab_cdef_0011_2233_4455_6677
            ]
        );
    }
}
