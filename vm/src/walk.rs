//! The walk over a function body's operators that every translator makes,
//! written once: both tiers must agree on where code charges fuel, where
//! it checks the epoch, which code is unreachable, and how loops are
//! numbered, or a program would behave differently as its functions move
//! between tiers.
//!
//! [`walk`] reads the operators and hands each one a translator must see
//! to [`Translate::operator`]: every operator of reachable code, and the
//! `else` or `end` that ends unreachable code (or a legacy `catch`,
//! `catch_all` or `delegate`, which do the same); operators in unreachable
//! code (and whole constructs opened there) are skipped. At the start of
//! the body and after each operator that ends a block (see
//! [`crate::fuel::ends_block`]), where code goes on, it asks for the checks the
//! engine's [`Checks`](crate::Checks) want: an epoch check at a loop
//! header or at the entry of a function that calls, and the block's fuel
//! charge, whose cost it fills in once the block's end is known.

use crate::fuel::{ends_block, Meter};
use crate::ModuleEnv;
use wasmparser::{BinaryReaderError, Operator};

/// A translator, as the walk drives it.
pub trait Translate {
    type Error: From<BinaryReaderError>;
    /// Where a block's fuel charge is (an instruction's index, say).
    type Charge;

    /// Whether code emitted now would be unreachable.
    fn unreachable(&self) -> bool;

    /// Whether the body's final `end` has been translated.
    fn finished(&self) -> bool;

    /// Translates `op`. For a `loop`, `loop_index` is its number among the
    /// body's `loop` operators, reachable or not, counted from 0: the
    /// number an on-stack-replacement entry names it by (see
    /// [`crate::osr`]).
    fn operator(&mut self, op: Operator<'_>, loop_index: Option<u32>) -> Result<(), Self::Error>;

    /// Emits an epoch check.
    fn epoch_check(&mut self);

    /// Emits a block's fuel charge, its cost to be filled in.
    fn fuel_charge(&mut self) -> Self::Charge;

    /// Fills in the cost of the charge at `at`.
    fn set_fuel(&mut self, at: Self::Charge, cost: u64);
}

/// Walks the body of local function `func_index` of `env` through `t`;
/// returns how many `loop` operators the body has.
pub fn walk<T: Translate>(env: &ModuleEnv, func_index: u32, t: &mut T) -> Result<u32, T::Error> {
    let checks = env.checks;
    let mut meter = Meter::default();
    let start_block = |t: &mut T, meter: &mut Meter<T::Charge>, epoch: bool| {
        if checks.epoch && epoch {
            t.epoch_check();
        }
        if checks.fuel {
            meter.start(t.fuel_charge());
        }
    };
    start_block(t, &mut meter, env.makes_calls(func_index));
    let mut ops = env.body(func_index).get_operators_reader()?;
    // Loops seen so far, and constructs opened in unreachable code.
    let (mut loops, mut dead_depth) = (0u32, 0u32);
    while !t.finished() {
        let op = ops.read()?;
        let loop_index = match op {
            Operator::Loop { .. } => {
                loops += 1;
                Some(loops - 1)
            }
            _ => None,
        };
        if t.unreachable() {
            match op {
                Operator::Block { .. }
                | Operator::Loop { .. }
                | Operator::If { .. }
                | Operator::TryTable { .. }
                | Operator::Try { .. } => {
                    dead_depth += 1;
                    continue;
                }
                Operator::End | Operator::Delegate { .. } if dead_depth > 0 => {
                    dead_depth -= 1;
                    continue;
                }
                // What ends unreachable code in the construct it is in: a
                // legacy `try`'s catch clauses, like `else`, start code
                // that an exception reaches.
                Operator::Else
                | Operator::End
                | Operator::Catch { .. }
                | Operator::CatchAll
                | Operator::Delegate { .. }
                    if dead_depth == 0 => {}
                _ => continue,
            }
        } else if let Some((at, cost)) = meter.count(&op) {
            t.set_fuel(at, cost);
        }
        let ends = ends_block(&op);
        t.operator(op, loop_index)?;
        if ends && !t.unreachable() && !t.finished() {
            start_block(t, &mut meter, loop_index.is_some());
        }
    }
    Ok(loops)
}
