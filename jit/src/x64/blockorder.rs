//! The order blocks are laid out in, and which blocks are not laid out at
//! all because a jump to them can go straight on.

use crate::ir::*;

/// Blocks reachable from the entry in reverse postorder, with each block's
/// first target right after it where possible (the fall-through of a
/// branch, a loop body after its header). Every block comes after its
/// dominators, so a value's definition precedes its uses in the layout
/// and live intervals stay tight (the function's exit comes last, not
/// right after the entry where Wasm creates it).
pub fn layout(f: &Function) -> Vec<Block> {
    let mut visited = vec![false; f.blocks.len()];
    let mut post = Vec::with_capacity(f.blocks.len());
    // (block, index of the next target to visit, counting down).
    let mut stack = vec![(Block(0), f.block(Block(0)).term.targets().len())];
    visited[0] = true;
    while let Some(&mut (b, ref mut next)) = stack.last_mut() {
        if *next == 0 {
            post.push(b);
            stack.pop();
            continue;
        }
        *next -= 1;
        let t = f.block(b).term.targets()[*next].block;
        if !visited[t.0 as usize] {
            visited[t.0 as usize] = true;
            stack.push((t, f.block(t).term.targets().len()));
        }
    }
    post.reverse();
    post
}

/// Jump threading: where a jump to each block goes. An empty block that
/// only jumps on, along an edge for which `moves_nothing` holds, is never
/// emitted; jumps to it go where it goes (a chain followed to its end, a
/// cycle of such blocks, an empty infinite loop, keeping its first block).
pub fn thread_jumps(
    f: &Function,
    order: &[Block],
    moves_nothing: impl Fn(&Target) -> bool,
) -> Vec<Block> {
    let mut dest: Vec<Block> = (0..f.blocks.len() as u32).map(Block).collect();
    for &b in order {
        if let (true, Terminator::Jump(t)) = (f.block(b).insts.is_empty(), &f.block(b).term) {
            if moves_nothing(t) {
                dest[b.0 as usize] = t.block;
            }
        }
    }
    // Each chain is walked once: the blocks on it take its end (path
    // compression), so a chain of n empty blocks costs n, not n².
    let mut done = vec![false; f.blocks.len()];
    let mut on_path = vec![false; f.blocks.len()];
    let mut path = Vec::new();
    for &b in order {
        let mut d = b;
        while !done[d.0 as usize] && !on_path[d.0 as usize] && dest[d.0 as usize] != d {
            on_path[d.0 as usize] = true;
            path.push(d);
            d = dest[d.0 as usize];
        }
        let end = if on_path[d.0 as usize] {
            // A cycle of empty blocks: its first block stays, a jump target.
            dest[d.0 as usize] = d;
            d
        } else {
            dest[d.0 as usize]
        };
        done[d.0 as usize] = true;
        for p in path.drain(..) {
            dest[p.0 as usize] = end;
            (done[p.0 as usize], on_path[p.0 as usize]) = (true, false);
        }
    }
    dest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_falls_into_its_first_target_and_dominators_come_first() {
        // A diamond: the then arm right after the branch, the join last.
        let f = Function::from_successors(&[vec![1, 2], vec![3], vec![3], vec![]]);
        assert_eq!(layout(&f), [0, 1, 2, 3].map(Block));
        // A loop: the body after its header, the exit after the loop, an
        // unreachable block nowhere.
        let f = Function::from_successors(&[vec![1], vec![2, 3], vec![1], vec![], vec![3]]);
        assert_eq!(layout(&f), [0, 1, 2, 3].map(Block));
    }

    #[test]
    fn jumps_go_past_empty_blocks_but_not_around_a_cycle_of_them() {
        // 0 -> 1 -> 2 -> 3: 1 and 2 only jump on.
        let f = Function::from_successors(&[vec![1, 3], vec![2], vec![3], vec![]]);
        let order = layout(&f);
        let dest = thread_jumps(&f, &order, |_| true);
        assert_eq!(dest, [0, 3, 3, 3].map(Block));
        // Unless the edge moves values.
        let dest = thread_jumps(&f, &order, |t| t.block != Block(3));
        assert_eq!(dest, [0, 2, 2, 3].map(Block));
        // An empty infinite loop keeps a block to jump to.
        let f = Function::from_successors(&[vec![1], vec![2], vec![1]]);
        let order = layout(&f);
        let dest = thread_jumps(&f, &order, |_| true);
        assert_eq!(dest[1], dest[2]);
        assert!(order.contains(&dest[1]) && dest[dest[1].0 as usize] == dest[1]);
    }
}
