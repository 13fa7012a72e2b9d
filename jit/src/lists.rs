//! Lists per node (predecessors per block, children per dominator-tree
//! node) in two flat vectors: a compiler builds such lists for every
//! function, and one vector per node would cost an allocation per node.

/// The items of node `i` are `items[start[i]..start[i + 1]]`, in the
/// order they were given.
pub struct Lists<T> {
    start: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy + Default> Lists<T> {
    /// Lists for `n` nodes from `(node, item)` pairs; `pairs` is walked
    /// twice (to count, then to fill).
    pub fn new<I: Iterator<Item = (u32, T)>>(n: usize, pairs: impl Fn() -> I) -> Lists<T> {
        let mut start = vec![0u32; n + 1];
        for (node, _) in pairs() {
            start[node as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut items = vec![T::default(); start[n] as usize];
        for (node, item) in pairs() {
            let k = &mut fill[node as usize];
            items[*k as usize] = item;
            *k += 1;
        }
        Lists { start, items }
    }

    pub fn get(&self, node: usize) -> &[T] {
        &self.items[self.start[node] as usize..self.start[node + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::Lists;

    #[test]
    fn keeps_each_nodes_items_in_order() {
        let pairs = [(2u32, 'a'), (0, 'b'), (2, 'c'), (0, 'd')];
        let l = Lists::new(4, || pairs.iter().copied());
        assert_eq!(l.get(0), ['b', 'd']);
        assert_eq!(l.get(1), [] as [char; 0]);
        assert_eq!(l.get(2), ['a', 'c']);
        assert_eq!(l.get(3), [] as [char; 0]);
    }
}
