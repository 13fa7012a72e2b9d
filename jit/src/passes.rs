//! Passes over the SSA form. Each takes the function and leaves it valid;
//! `optimize` runs them in order.

use crate::ir::*;
use crate::lists::Lists;
use rustc_hash::FxHashMap;

/// Runs the optimisation passes.
pub fn optimize(f: &mut Function) {
    fold_constants(f);
    hoist_vector_constants(f);
    number_values(f);
    eliminate_dead_code(f);
}

/// Moves the vector constants defined in loops (compilers rematerialise
/// them at each use) to the entry block, each distinct one once, so that a
/// loop reads them from registers. The register allocator weighs them by
/// their uses in loops like any value; a spilled one costs a load per use,
/// as reading it from the constant pool would.
pub fn hoist_vector_constants(f: &mut Function) {
    let mut first: FxHashMap<u128, Value> = FxHashMap::default();
    // Made at the first repeated constant (`resolve` reads values past its
    // end as themselves).
    let mut alias: Vec<Value> = Vec::new();
    let mut hoisted = Vec::new();
    for b in 0..f.blocks.len() {
        if f.blocks[b].loop_depth == 0 {
            continue;
        }
        let insts = std::mem::take(&mut f.blocks[b].insts);
        let mut kept = Vec::with_capacity(insts.len());
        for i in insts {
            match (&f.inst(i).kind, f.inst(i).first_result()) {
                (&InstKind::VConst(bits), Some(r)) => match first.get(&bits) {
                    Some(&v) => {
                        if alias.is_empty() {
                            alias = (0..f.types.len() as u32).map(Value).collect();
                        }
                        alias[r.0 as usize] = v;
                    }
                    None => {
                        first.insert(bits, r);
                        hoisted.push(i);
                    }
                },
                _ => kept.push(i),
            }
        }
        f.blocks[b].insts = kept;
    }
    if hoisted.is_empty() {
        return;
    }
    let entry = &mut f.blocks[0].insts;
    hoisted.append(entry);
    *entry = hoisted;
    if !alias.is_empty() {
        rewrite_uses(f, &alias);
    }
}

/// Follows `alias` to the value a replaced value stands for (values past
/// its end stand for themselves).
pub(crate) fn resolve(alias: &[Value], mut v: Value) -> Value {
    while let Some(&a) = alias.get(v.0 as usize).filter(|&&a| a != v) {
        v = a;
    }
    v
}

/// Rewrites every use of a value to what it resolves to.
fn rewrite_uses(f: &mut Function, alias: &[Value]) {
    for inst in &mut f.insts {
        inst.kind.map_args(|v| resolve(alias, v));
    }
    for block in &mut f.blocks {
        block.term.map_args(|v| resolve(alias, v));
    }
}

/// Removes block parameters that receive one value on every edge (or
/// themselves, around a loop): each is replaced by that value. This is
/// what makes the SSA construction's parameters minimal. `alias` maps
/// values already replaced (no longer any block's parameter) to what
/// they stand for; it may be shorter than the function's values.
pub fn remove_trivial_params(f: &mut Function, mut alias: Vec<Value>) {
    let nb = f.blocks.len();
    // Edges into each block: (predecessor, index of the target).
    let edges = Lists::new(nb, || {
        f.blocks.iter().enumerate().flat_map(|(b, block)| {
            (block.term.targets().iter().enumerate())
                .map(move |(t, target)| (target.block.0, (b as u32, t as u32)))
        })
    });
    let edges_into = |b: usize| edges.get(b);
    // A removed parameter is one aliased to another value.
    let mut any = alias.iter().enumerate().any(|(i, a)| a.0 != i as u32);
    alias.extend((alias.len() as u32..f.types.len() as u32).map(Value));
    loop {
        let mut changed = false;
        for b in 0..nb {
            let into = edges_into(b);
            if into.is_empty() {
                continue;
            }
            for (i, &param) in f.blocks[b].params.iter().enumerate() {
                if alias[param.0 as usize] != param {
                    continue;
                }
                let mut only = None;
                let mut trivial = true;
                for &(p, t) in into {
                    let arg = f.blocks[p as usize].term.targets()[t as usize].args[i];
                    let arg = resolve(&alias, arg);
                    if arg == param || Some(arg) == only {
                        continue;
                    }
                    if only.is_some() {
                        trivial = false;
                        break;
                    }
                    only = Some(arg);
                }
                if let (true, Some(v)) = (trivial, only) {
                    alias[param.0 as usize] = v;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
        any = true;
    }
    if !any {
        return;
    }
    rewrite_uses(f, &alias);
    let mut keep = Vec::new();
    for b in 0..nb {
        keep.clear();
        keep.extend(f.blocks[b].params.iter().map(|&p| alias[p.0 as usize] == p));
        if !keep.contains(&false) {
            continue;
        }
        f.blocks[b].params.retain(|&p| alias[p.0 as usize] == p);
        for &(p, t) in edges_into(b) {
            let target = &mut f.blocks[p as usize].term.targets_mut()[t as usize];
            let mut i = 0;
            target.args.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        }
    }
}

/// Removes instructions without effects whose results nobody uses.
pub fn eliminate_dead_code(f: &mut Function) {
    let mut used = vec![false; f.types.len()];
    let mut work: Vec<Value> = Vec::new();
    let mark = |v: Value, used: &mut Vec<bool>, work: &mut Vec<Value>| {
        if !used[v.0 as usize] {
            used[v.0 as usize] = true;
            work.push(v);
        }
    };
    for block in &f.blocks {
        block.term.for_each_arg(|v| mark(v, &mut used, &mut work));
        for &i in &block.insts {
            if f.inst(i).kind.has_effects() {
                f.inst(i)
                    .kind
                    .for_each_arg(|v| mark(v, &mut used, &mut work));
            }
        }
    }
    while let Some(v) = work.pop() {
        if let Def::Result(i, _) = f.defs[v.0 as usize] {
            f.inst(i)
                .kind
                .for_each_arg(|a| mark(a, &mut used, &mut work));
        }
    }
    let insts = &f.insts;
    for block in &mut f.blocks {
        block.insts.retain(|&i| {
            let d = &insts[i.0 as usize];
            d.kind.has_effects() || d.results().any(|r| used[r.0 as usize])
        });
    }
}

/// Integer operations on constants, with Wasm's semantics (`None`: leave
/// it, e.g. a division that may trap).
fn fold_bin(op: BinOp, ty: Ty, a: u64, b: u64) -> Option<u64> {
    let r = if ty == Ty::I32 {
        let (x, y) = (a as u32, b as u32);
        (match op {
            BinOp::Add => x.wrapping_add(y),
            BinOp::Sub => x.wrapping_sub(y),
            BinOp::Mul => x.wrapping_mul(y),
            BinOp::And => x & y,
            BinOp::Or => x | y,
            BinOp::Xor => x ^ y,
            BinOp::Shl => x.wrapping_shl(y),
            BinOp::ShrS => (x as i32).wrapping_shr(y) as u32,
            BinOp::ShrU => x.wrapping_shr(y),
            BinOp::Rotl => x.rotate_left(y & 31),
            BinOp::Rotr => x.rotate_right(y & 31),
            _ => return None,
        }) as u64
    } else {
        let y32 = b as u32;
        match op {
            BinOp::Add => a.wrapping_add(b),
            BinOp::Sub => a.wrapping_sub(b),
            BinOp::Mul => a.wrapping_mul(b),
            BinOp::And => a & b,
            BinOp::Or => a | b,
            BinOp::Xor => a ^ b,
            BinOp::Shl => a.wrapping_shl(y32),
            BinOp::ShrS => (a as i64).wrapping_shr(y32) as u64,
            BinOp::ShrU => a.wrapping_shr(y32),
            BinOp::Rotl => a.rotate_left(y32 & 63),
            BinOp::Rotr => a.rotate_right(y32 & 63),
            _ => return None,
        }
    };
    Some(r)
}

fn fold_cmp(op: CmpOp, wide: bool, a: u64, b: u64) -> Option<bool> {
    let (sa, sb) = if wide {
        (a as i64, b as i64)
    } else {
        (a as u32 as i32 as i64, b as u32 as i32 as i64)
    };
    Some(match op {
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
        CmpOp::LtS => sa < sb,
        CmpOp::LtU => a < b,
        CmpOp::GtS => sa > sb,
        CmpOp::GtU => a > b,
        CmpOp::LeS => sa <= sb,
        CmpOp::LeU => a <= b,
        CmpOp::GeS => sa >= sb,
        CmpOp::GeU => a >= b,
        _ => return None,
    })
}

/// The comparison with its operands swapped.
fn mirrored(op: CmpOp) -> Option<CmpOp> {
    use CmpOp::*;
    Some(match op {
        Eq => Eq,
        Ne => Ne,
        LtS => GtS,
        GtS => LtS,
        LtU => GtU,
        GtU => LtU,
        LeS => GeS,
        GeS => LeS,
        LeU => GeU,
        GeU => LeU,
        _ => return None,
    })
}

/// Constant folding and propagation over integer operations (in
/// definition order, so folded results fold further), and putting a
/// constant operand of a commutative operation or comparison on the right,
/// where the backend takes it as an immediate. Float operations are left
/// alone: their NaN bits are the hardware's.
pub fn fold_constants(f: &mut Function) {
    for i in 0..f.insts.len() {
        let ty = match f.insts[i].first_result() {
            Some(r) => f.ty(r),
            None => continue,
        };
        let new = match f.insts[i].kind {
            InstKind::Bin(op, a, b) if !ty.is_float() => match (f.constant(a), f.constant(b)) {
                (Some(x), Some(y)) => fold_bin(op, ty, x, y).map(InstKind::Const),
                (Some(_), None) if op.commutative() => Some(InstKind::Bin(op, b, a)),
                _ => None,
            },
            InstKind::Cmp(op, a, b) if !f.ty(a).is_float() => {
                let wide = f.ty(a).is_64();
                match (f.constant(a), f.constant(b)) {
                    (Some(x), Some(y)) => {
                        fold_cmp(op, wide, x, y).map(|c| InstKind::Const(c as u64))
                    }
                    (Some(_), None) => mirrored(op).map(|m| InstKind::Cmp(m, b, a)),
                    _ => None,
                }
            }
            InstKind::Un(op, a) if !f.ty(a).is_float() && !ty.is_float() => {
                f.constant(a).and_then(|x| {
                    let wide = f.ty(a).is_64();
                    let r = match op {
                        UnOp::Eqz => (if wide { x == 0 } else { x as u32 == 0 }) as u64,
                        UnOp::Wrap => x as u32 as u64,
                        UnOp::ExtendU32 => x as u32 as u64,
                        UnOp::ExtendS32 => x as u32 as i32 as i64 as u64,
                        _ => return None,
                    };
                    Some(InstKind::Const(r))
                })
            }
            InstKind::Select(c, a, b) => f.constant(c).map(|x| {
                // A select on a constant is a copy: a one-operand `or`
                // would do, but a copy is what GVN merges; keep it as a
                // select of equal operands.
                let v = if x as u32 != 0 { a } else { b };
                InstKind::Select(c, v, v)
            }),
            _ => None,
        };
        if let Some(kind) = new {
            f.insts[i].kind = kind;
        }
    }
}

/// Dominators of the blocks reachable from the entry: the immediate
/// dominator of each (`u32::MAX` for unreachable blocks) and the reverse
/// postorder.
///
/// Semi-NCA (Georgiadis; semidominators as in Lengauer and Tarjan, with
/// path compression), not Cooper, Harvey and Kennedy's iteration: that
/// one walks the dominator tree once per predecessor, quadratic for a
/// block that thousands of `br_if`s in a row jump to. Nothing here
/// recurses, so deep control flow cannot exhaust the native stack.
fn dominators(f: &Function) -> (Vec<u32>, Vec<u32>) {
    const NONE: u32 = u32::MAX;
    let n = f.blocks.len();
    // Depth-first search: preorder numbers, the spanning tree's parents,
    // and the postorder.
    let mut pre = vec![NONE; n];
    let mut by_pre: Vec<u32> = Vec::with_capacity(n);
    let mut parent = vec![NONE; n];
    let mut post = Vec::with_capacity(n);
    let mut stack = vec![(0u32, 0usize)];
    pre[0] = 0;
    by_pre.push(0);
    while let Some(&mut (b, ref mut next)) = stack.last_mut() {
        let targets = f.blocks[b as usize].term.targets();
        if let Some(t) = targets.get(*next) {
            *next += 1;
            let s = t.block.0;
            if pre[s as usize] == NONE {
                pre[s as usize] = by_pre.len() as u32;
                by_pre.push(s);
                parent[s as usize] = b;
                stack.push((s, 0));
            }
        } else {
            post.push(b);
            stack.pop();
        }
    }
    let rpo: Vec<u32> = post.iter().rev().copied().collect();
    let preds = Lists::new(n, || {
        rpo.iter().flat_map(|&b| {
            (f.blocks[b as usize].term.targets().iter()).map(move |t| (t.block.0, b))
        })
    });

    // Semidominators (as preorder numbers), in reverse preorder. `eval`
    // finds the vertex of least semidominator on the path up the forest
    // of processed vertices, compressing the path as it goes.
    let mut semi = pre.clone();
    let mut label: Vec<u32> = (0..n as u32).collect();
    let mut ancestor = vec![NONE; n];
    let mut path = Vec::new();
    let mut eval = |v: u32, ancestor: &mut [u32], label: &mut [u32], semi: &[u32]| {
        if ancestor[v as usize] == NONE {
            return v;
        }
        let mut x = v;
        while ancestor[ancestor[x as usize] as usize] != NONE {
            path.push(x);
            x = ancestor[x as usize];
        }
        while let Some(x) = path.pop() {
            let a = ancestor[x as usize] as usize;
            if semi[label[a] as usize] < semi[label[x as usize] as usize] {
                label[x as usize] = label[a];
            }
            ancestor[x as usize] = ancestor[a];
        }
        label[v as usize]
    };
    for &w in by_pre[1..].iter().rev() {
        for &v in preds.get(w as usize) {
            let u = eval(v, &mut ancestor, &mut label, &semi);
            semi[w as usize] = semi[w as usize].min(semi[u as usize]);
        }
        ancestor[w as usize] = parent[w as usize];
    }
    // Immediate dominators: the nearest ancestor in the spanning tree at
    // or above the semidominator, found in preorder.
    let mut idom = vec![NONE; n];
    idom[0] = 0;
    for &w in &by_pre[1..] {
        let mut d = parent[w as usize];
        while pre[d as usize] > semi[w as usize] {
            d = idom[d as usize];
        }
        idom[w as usize] = d;
    }
    (idom, rpo)
}

/// Checks the SSA form of the code reachable from the entry: every value
/// used is defined where it dominates the use (a parameter of a dominating
/// block, or an instruction before it), and every edge passes one value of
/// the right type per parameter of its target. For tests: the builders and
/// passes must keep this.
pub fn verify(f: &Function) -> Result<(), String> {
    let (idom, rpo) = dominators(f);
    let mut at = vec![(u32::MAX, 0usize); f.insts.len()];
    for (b, data) in f.blocks.iter().enumerate() {
        for (k, i) in data.insts.iter().enumerate() {
            at[i.0 as usize] = (b as u32, k);
        }
    }
    let dominates = |d: u32, mut u: u32| loop {
        if u == d {
            return true;
        }
        if u == 0 {
            return false;
        }
        u = idom[u as usize];
    };
    // Whether `v` is available at position `k` of block `b` (`k` past the
    // instructions: at the terminator).
    let available = |v: Value, b: u32, k: usize| match f.defs[v.0 as usize] {
        Def::Param(d, _) => f.blocks[d.0 as usize].params.contains(&v) && dominates(d.0, b),
        Def::Result(i, _) => {
            let (d, dk) = at[i.0 as usize];
            d != u32::MAX && if d == b { dk < k } else { dominates(d, b) }
        }
    };
    for &b in &rpo {
        let data = &f.blocks[b as usize];
        for (k, &i) in data.insts.iter().enumerate() {
            let mut bad = None;
            f.inst(i).kind.for_each_arg(|v| {
                if !available(v, b, k) {
                    bad = Some(v);
                }
            });
            if let Some(v) = bad {
                return Err(format!(
                    "block {b}: instruction {k} uses {v:?} where it is not defined"
                ));
            }
        }
        let end = data.insts.len();
        let mut bad = None;
        data.term.for_each_arg(|v| {
            if !available(v, b, end) {
                bad = Some(v);
            }
        });
        if let Some(v) = bad {
            return Err(format!(
                "block {b}: its terminator uses {v:?} where it is not defined"
            ));
        }
        for t in data.term.targets() {
            let params = &f.block(t.block).params;
            let types_agree = params.len() == t.args.len()
                && params
                    .iter()
                    .zip(&t.args)
                    .all(|(&p, &a)| f.ty(p) == f.ty(a));
            if !types_agree {
                return Err(format!(
                    "block {b}: its edge to block {} does not match the parameters",
                    t.block.0
                ));
            }
        }
    }
    Ok(())
}

/// Global value numbering: a pure instruction computing what one in a
/// dominating position already computed is replaced by that one's result
/// (a walk of the dominator tree with a scoped table).
pub fn number_values(f: &mut Function) {
    let (idom, rpo) = dominators(f);
    let n = f.blocks.len();
    let children = Lists::new(n, || rpo[1..].iter().map(|&b| (idom[b as usize], b)));
    let mut alias: Vec<Value> = (0..f.types.len() as u32).map(Value).collect();
    let mut table: FxHashMap<InstKind, Value> = FxHashMap::default();
    // Entries added by the open blocks, to remove when leaving them; each
    // open block's first entry is at its mark.
    let mut added: Vec<InstKind> = Vec::new();
    let mut marks: Vec<usize> = Vec::new();
    let mut walk: Vec<(u32, bool)> = vec![(0, true)];
    while let Some((b, entering)) = walk.pop() {
        if !entering {
            let mark = marks.pop().expect("scope opened");
            for k in added.drain(mark..) {
                table.remove(&k);
            }
            continue;
        }
        marks.push(added.len());
        for k in 0..f.blocks[b as usize].insts.len() {
            let i = f.blocks[b as usize].insts[k].0 as usize;
            f.insts[i].kind.map_args(|v| resolve(&alias, v));
            let kind = &f.insts[i].kind;
            // Constants are left alone: merged, one would live in a
            // register across the function, where each use could take it
            // as an immediate or rematerialise it.
            if !kind.is_pure()
                || matches!(kind, InstKind::Const(_))
                || f.insts[i].results().len() != 1
            {
                continue;
            }
            let r = f.insts[i].first_result().expect("one result");
            // A select of equal operands is that operand.
            if let InstKind::Select(_, a, b2) = *kind {
                if a == b2 {
                    alias[r.0 as usize] = a;
                    continue;
                }
            }
            match table.get(kind) {
                Some(&v) if f.ty(v) == f.ty(r) => alias[r.0 as usize] = v,
                Some(_) => {}
                None => {
                    table.insert(kind.clone(), r);
                    added.push(kind.clone());
                }
            }
        }
        walk.push((b, false));
        for &c in children.get(b as usize).iter().rev() {
            walk.push((c, true));
        }
    }
    rewrite_uses(f, &alias);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dominator sets by the textbook data flow, then each block's
    /// immediate dominator: the strict dominator the others dominate.
    fn naive_idoms(succ: &[Vec<u32>]) -> Vec<u32> {
        let n = succ.len();
        let mut reach = vec![false; n];
        let mut work = vec![0usize];
        reach[0] = true;
        while let Some(b) = work.pop() {
            for &s in &succ[b] {
                if !reach[s as usize] {
                    reach[s as usize] = true;
                    work.push(s as usize);
                }
            }
        }
        let mut dom: Vec<Vec<bool>> = (0..n).map(|b| vec![b != 0; n]).collect();
        dom[0][0] = true;
        loop {
            let mut changed = false;
            for b in 1..n {
                if !reach[b] {
                    continue;
                }
                let mut new = vec![true; n];
                for p in (0..n).filter(|&p| reach[p] && succ[p].contains(&(b as u32))) {
                    for (x, d) in new.iter_mut().enumerate() {
                        *d &= dom[p][x];
                    }
                }
                new[b] = true;
                if new != dom[b] {
                    dom[b] = new;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        (0..n)
            .map(|b| {
                if b == 0 {
                    return 0;
                }
                if !reach[b] {
                    return u32::MAX;
                }
                let strict: Vec<usize> = (0..n).filter(|&d| d != b && dom[b][d]).collect();
                let idom = strict.iter().find(|&&d| strict.iter().all(|&o| dom[d][o]));
                *idom.expect("a reachable block has an immediate dominator") as u32
            })
            .collect()
    }

    #[test]
    fn dominators_match_the_data_flow_definition() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rand = |m: u32| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m as u64) as u32
        };
        for _ in 0..500 {
            let n = 2 + rand(14);
            let succ: Vec<Vec<u32>> = (0..n)
                .map(|_| (0..rand(4)).map(|_| rand(n)).collect())
                .collect();
            let (idom, rpo) = dominators(&Function::from_successors(&succ));
            assert_eq!(idom, naive_idoms(&succ), "successors {succ:?}");
            let reachable = idom.iter().filter(|&&d| d != u32::MAX).count();
            assert_eq!(rpo.len(), reachable);
        }
    }
}
