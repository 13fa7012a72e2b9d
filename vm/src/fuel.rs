//! Fuel: what each operator costs, and where code charges it.
//!
//! Both tiers charge the same amounts at the same points of a function's
//! Wasm code, so a program runs out of fuel at the same operator, or ends
//! with the same fuel left, whichever tier runs each function and wherever
//! tier-up or on-stack replacement happened.
//!
//! Code is charged per *block*: a straight run of operators, which ends
//! with each operator after which control may go elsewhere or arrive from
//! elsewhere ([`ends_block`]). A block pays for all its operators
//! ([`cost`]), the one that ends it included, as it starts: so a block
//! that traps halfway has paid for all of itself, in every tier alike, and
//! a loop pays for each iteration at its header.

use wasmparser::Operator;

/// What an operator costs: 1, except for those that compute nothing
/// (structure, `nop`, `drop`) and those that end execution (`return`,
/// `unreachable`), which are free, as in wasmtime.
pub fn cost(op: &Operator) -> u64 {
    use Operator::*;
    match op {
        Nop
        | Drop
        | Block { .. }
        | Loop { .. }
        | TryTable { .. }
        | Try { .. }
        | Catch { .. }
        | CatchAll
        | Delegate { .. }
        | Unreachable
        | Return
        | Else
        | End => 0,
        _ => 1,
    }
}

/// Whether `op` ends a block: a branch, a call (its callee pays for
/// itself, and a host function may read the fuel), a throw, or a point
/// control can reach from elsewhere.
pub fn ends_block(op: &Operator) -> bool {
    use Operator::*;
    matches!(
        op,
        Loop { .. }
            | If { .. }
            | Else
            | End
            | Catch { .. }
            | CatchAll
            | Delegate { .. }
            | Br { .. }
            | BrIf { .. }
            | BrTable { .. }
            | BrOnNull { .. }
            | BrOnNonNull { .. }
            | Return
            | Unreachable
            | Call { .. }
            | CallIndirect { .. }
            | CallRef { .. }
            | ReturnCall { .. }
            | ReturnCallIndirect { .. }
            | ReturnCallRef { .. }
            | Throw { .. }
            | ThrowRef
            | Rethrow { .. }
    )
}

/// A translator's running count of the block it is in: `H` says where
/// the translator put the block's charge, to be filled in with the
/// block's cost once its end is known.
pub struct Meter<H> {
    open: Option<(H, u64)>,
}

impl<H> Default for Meter<H> {
    fn default() -> Self {
        Meter { open: None }
    }
}

impl<H> Meter<H> {
    /// Counts `op`, about to be translated in reachable code. If it ends
    /// the block, returns where the block's charge is and its cost; the
    /// translator starts the next block after translating `op`, if code
    /// after it is reachable.
    pub fn count(&mut self, op: &Operator) -> Option<(H, u64)> {
        let (_, total) = self.open.as_mut()?;
        *total += cost(op);
        if ends_block(op) {
            self.open.take()
        } else {
            None
        }
    }

    /// Starts a block whose charge is at `at`: at the function's entry,
    /// and after each operator that ended a block where code goes on.
    pub fn start(&mut self, at: H) {
        self.open = Some((at, 0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_pays_for_its_operators_and_the_one_that_ends_it() {
        let mut m = Meter::default();
        assert_eq!(m.count(&Operator::I32Const { value: 1 }), None);
        m.start("entry");
        assert_eq!(m.count(&Operator::I32Const { value: 1 }), None);
        assert_eq!(m.count(&Operator::Nop), None);
        assert_eq!(m.count(&Operator::I32Eqz), None);
        assert_eq!(
            m.count(&Operator::BrIf { relative_depth: 0 }),
            Some(("entry", 3))
        );
        // Nothing is open until the translator starts the next block.
        assert_eq!(m.count(&Operator::I32Eqz), None);
        m.start("after");
        assert_eq!(m.count(&Operator::End), Some(("after", 0)));
    }
}
