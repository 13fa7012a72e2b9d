//! Passes over the SSA form. Each takes the function and leaves it valid;
//! `optimize` runs them in order.

use crate::ir::*;

/// Runs the optimisation passes.
pub fn optimize(f: &mut Function) {
    eliminate_dead_code(f);
}

/// Follows `alias` to the value a replaced value stands for.
fn resolve(alias: &[Value], mut v: Value) -> Value {
    while alias[v.0 as usize] != v {
        v = alias[v.0 as usize];
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
/// what makes the SSA construction's parameters minimal.
pub fn remove_trivial_params(f: &mut Function) {
    let mut alias: Vec<Value> = (0..f.types.len() as u32).map(Value).collect();
    // Edges into each block: (predecessor, index of the target).
    let mut edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); f.blocks.len()];
    for (b, block) in f.blocks.iter().enumerate() {
        for (t, target) in block.term.targets().iter().enumerate() {
            edges[target.block.0 as usize].push((b, t));
        }
    }
    let mut removed: Vec<Vec<bool>> = f
        .blocks
        .iter()
        .map(|b| vec![false; b.params.len()])
        .collect();
    loop {
        let mut changed = false;
        for b in 0..f.blocks.len() {
            if edges[b].is_empty() {
                continue;
            }
            for (i, &param) in f.blocks[b].params.iter().enumerate() {
                if removed[b][i] {
                    continue;
                }
                let mut only = None;
                let mut trivial = true;
                for &(p, t) in &edges[b] {
                    let arg = resolve(&alias, f.blocks[p].term.targets()[t].args[i]);
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
                    removed[b][i] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    rewrite_uses(f, &alias);
    for b in 0..f.blocks.len() {
        if !removed[b].contains(&true) {
            continue;
        }
        let keep = |i: usize| !removed[b][i];
        let params = std::mem::take(&mut f.blocks[b].params);
        f.blocks[b].params = params
            .into_iter()
            .enumerate()
            .filter(|&(i, _)| keep(i))
            .map(|(_, v)| v)
            .collect();
        for &(p, t) in &edges[b] {
            let target = &mut f.blocks[p].term.targets_mut()[t];
            let args = std::mem::take(&mut target.args);
            target.args = args
                .into_iter()
                .enumerate()
                .filter(|&(i, _)| keep(i))
                .map(|(_, v)| v)
                .collect();
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
                f.inst(i).kind.for_each_arg(|v| mark(v, &mut used, &mut work));
            }
        }
    }
    while let Some(v) = work.pop() {
        if let Def::Result(i, _) = f.defs[v.0 as usize] {
            f.inst(i).kind.for_each_arg(|a| mark(a, &mut used, &mut work));
        }
    }
    for b in 0..f.blocks.len() {
        let insts = std::mem::take(&mut f.blocks[b].insts);
        f.blocks[b].insts = insts
            .into_iter()
            .filter(|&i| {
                let d = f.inst(i);
                d.kind.has_effects() || d.results().any(|r| used[r.0 as usize])
            })
            .collect();
    }
}
