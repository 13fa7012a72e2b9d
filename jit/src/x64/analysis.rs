//! Analyses before register allocation: which values are never
//! materialised in a register because their one user takes them another
//! way, a comparison as the flags of the branch after it, a constant as
//! an immediate operand.

use crate::ir::*;
use rustc_hash::FxHashMap;

/// Per value, whether it is folded into its users (and gets no location).
pub fn folded(f: &Function, order: &[Block]) -> Vec<bool> {
    let mut folded = fold_conditions(f, order);
    inline_constants(f, order, &mut folded);
    folded
}

/// Integer comparisons (and `eqz`) whose only use is the branch that ends
/// their block right after them, or the condition of the `select` right
/// after them: they set the flags for the branch or the conditional move
/// and are never materialised (compare+branch and compare+select fusion).
fn fold_conditions(f: &Function, order: &[Block]) -> Vec<bool> {
    let mut uses = vec![0u32; f.types.len()];
    for &b in order {
        for &i in &f.block(b).insts {
            f.inst(i).kind.for_each_arg(|a| uses[a.0 as usize] += 1);
        }
        f.block(b).term.for_each_arg(|a| uses[a.0 as usize] += 1);
    }
    let fusable = |c: Value, i: Inst| {
        let inst = f.inst(i);
        inst.first_result() == Some(c)
            && uses[c.0 as usize] == 1
            && match inst.kind {
                InstKind::Cmp(op, a, _) => {
                    !f.ty(a).is_float()
                        && !matches!(op, CmpOp::FLt | CmpOp::FGt | CmpOp::FLe | CmpOp::FGe)
                }
                InstKind::Un(UnOp::Eqz, a) => !f.ty(a).is_float(),
                _ => false,
            }
    };
    let mut folded = vec![false; f.types.len()];
    for &b in order {
        let block = f.block(b);
        for pair in block.insts.windows(2) {
            if let InstKind::Select(c, ..) = f.inst(pair[1]).kind {
                folded[c.0 as usize] = fusable(c, pair[0]);
            }
        }
        if let (Terminator::Branch(c, _), Some(&last)) = (&block.term, block.insts.last()) {
            folded[c.0 as usize] = fusable(*c, last);
        }
    }
    folded
}

fn fits_i32(bits: u64) -> bool {
    bits as i64 >= i32::MIN as i64 && bits as i64 <= i32::MAX as i64
}

/// Whether operand `k` of `inst`, the integer constant `bits`, can be an
/// immediate of the instruction the backend emits for it.
fn takes_immediate(f: &Function, inst: &InstKind, k: usize, bits: u64) -> bool {
    match *inst {
        InstKind::Bin(op, a, _) if k == 1 && !f.ty(a).is_float() => {
            let wide = f.ty(a).is_64();
            matches!(
                op,
                BinOp::Add
                    | BinOp::Sub
                    | BinOp::Mul
                    | BinOp::And
                    | BinOp::Or
                    | BinOp::Xor
                    | BinOp::Shl
                    | BinOp::ShrS
                    | BinOp::ShrU
                    | BinOp::Rotl
                    | BinOp::Rotr
            ) && (!wide || fits_i32(bits))
        }
        InstKind::Cmp(_, a, _) if k == 1 && !f.ty(a).is_float() => {
            !f.ty(a).is_64() || fits_i32(bits)
        }
        InstKind::Store(m, _, v) if k == 1 && !f.ty(v).is_float() => m.bytes < 8 || fits_i32(bits),
        InstKind::Simd(op, _) if k == 1 => super::emit::takes_immediate_count(op),
        InstKind::Load(m, _) | InstKind::Store(m, ..) | InstKind::SimdMem(_, m, _) if k == 0 => {
            (bits as u32 as u64).saturating_add(m.offset) <= i32::MAX as u64
        }
        _ => false,
    }
}

/// Integer constants every use of which takes them as an immediate, and
/// vector constants every use of which reads them from the constant pool
/// outside loops (in loops, where [`hoist_vector_constants`] took them
/// out, a register serves them better): they are never materialised in a
/// register (marked in `folded`).
///
/// [`hoist_vector_constants`]: crate::passes::hoist_vector_constants
fn inline_constants(f: &Function, order: &[Block], folded: &mut [bool]) {
    let mut ok = vec![false; f.types.len()];
    for &b in order {
        for &i in &f.block(b).insts {
            let Some(r) = f.inst(i).first_result() else {
                continue;
            };
            match f.inst(i).kind {
                InstKind::Const(_) => ok[r.0 as usize] = !f.ty(r).is_float(),
                InstKind::VConst(_) => ok[r.0 as usize] = true,
                _ => {}
            }
        }
    }
    for &b in order {
        for &i in &f.block(b).insts {
            let kind = &f.inst(i).kind;
            let mut k = 0;
            kind.for_each_arg(|v| {
                if ok[v.0 as usize] {
                    let takes = match (f.constant(v), kind) {
                        (Some(bits), _) => takes_immediate(f, kind, k, bits),
                        (None, InstKind::Simd(op, _)) => {
                            f.block(b).loop_depth == 0 && super::emit::reads_constant(*op, k)
                        }
                        (None, _) => false,
                    };
                    if !takes {
                        ok[v.0 as usize] = false;
                    }
                }
                k += 1;
            });
        }
        f.block(b).term.for_each_arg(|v| ok[v.0 as usize] = false);
    }
    for (v, ok) in ok.into_iter().enumerate() {
        if ok {
            folded[v] = true;
        }
    }
}

/// Instructions the code generator implements with a call to a helper
/// (see `Emitter::float_unary`): values live across them need registers
/// a call keeps.
pub fn needs_call(kind: &InstKind) -> bool {
    matches!(kind, InstKind::Un(UnOp::TruncSatS | UnOp::TruncSatU, _))
}

/// How the access of a 64-bit memory by one instruction is checked (see
/// [`bounds_checks`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoundsCheck {
    /// Its check covers this extent (offset + width), the largest of the
    /// accesses after it that it stands for.
    Extent(u64),
    /// The check of an access before it covers it.
    Covered,
}

/// Merged bounds checks of 64-bit memories: accesses in a block to the
/// same memory at the same address value, with nothing between them
/// whose effect could be seen but loads (a load traps out of bounds, the
/// same trap), are checked once, at the first, for the largest extent. If
/// any of them is out of bounds the first check traps, and nothing has
/// happened since that could tell the difference. The instructions whose
/// check differs from their own extent's.
pub fn bounds_checks(
    f: &Function,
    order: &[Block],
    memory64: impl Fn(u32) -> bool,
) -> FxHashMap<Inst, BoundsCheck> {
    let mut checks = FxHashMap::default();
    // The open groups: memory, address, first access, largest extent.
    let mut open: Vec<(u32, Value, Inst, u64)> = Vec::new();
    let mut close = |open: &mut Vec<(u32, Value, Inst, u64)>| {
        for (_, _, first, extent) in open.drain(..) {
            checks.insert(first, BoundsCheck::Extent(extent));
        }
    };
    let mut covered = Vec::new();
    for &b in order {
        for &i in &f.block(b).insts {
            let kind = &f.inst(i).kind;
            let access = match kind {
                InstKind::Load(m, a) => Some((*m, *a, true)),
                InstKind::Store(m, a, _) => Some((*m, *a, false)),
                InstKind::SimdMem(op, m, args) => Some((*m, args[0], !op.is_store())),
                _ => None,
            };
            let Some((m, addr, load)) = access else {
                if kind.has_effects() {
                    close(&mut open);
                }
                continue;
            };
            let extent = m.offset.checked_add(m.bytes.into());
            // A constant address may need no check (see `address`).
            if let (true, Some(extent), None) = (memory64(m.memory), extent, f.constant(addr)) {
                match open.iter_mut().find(|g| g.0 == m.memory && g.1 == addr) {
                    Some(group) => {
                        group.3 = group.3.max(extent);
                        covered.push(i);
                    }
                    None => open.push((m.memory, addr, i, extent)),
                }
            }
            if !load {
                close(&mut open);
            }
        }
        close(&mut open);
    }
    checks.retain(|&i, c| match (c, access_extent(f, i)) {
        (BoundsCheck::Extent(e), Some(own)) => *e != own,
        _ => true,
    });
    checks.extend(covered.into_iter().map(|i| (i, BoundsCheck::Covered)));
    checks
}

/// The extent (offset + width) of memory access `i`.
fn access_extent(f: &Function, i: Inst) -> Option<u64> {
    let m = match &f.inst(i).kind {
        InstKind::Load(m, _) | InstKind::Store(m, ..) | InstKind::SimdMem(_, m, _) => m,
        _ => return None,
    };
    m.offset.checked_add(m.bytes.into())
}
