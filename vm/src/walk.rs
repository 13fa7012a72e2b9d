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

/// What the walk knows about an operator beyond its immediates.
#[derive(Clone, Copy, Debug, Default)]
pub struct OpInfo {
    /// For a `loop`: its number among the body's `loop` operators,
    /// reachable or not, counted from 0: the number an on-stack-replacement
    /// entry names it by (see [`crate::osr`]).
    pub loop_index: Option<u32>,
    /// For a legacy `catch` or `catch_all`: whether a `rethrow` in its
    /// block names it. A clause no `rethrow` names need not keep the
    /// exception it caught, which would otherwise live as long as the
    /// store (as every `exnref` Wasm code held does).
    pub rethrown: bool,
}

/// A translator, as the walk drives it.
pub trait Translate {
    type Error: From<BinaryReaderError>;
    /// Where a block's fuel charge is (an instruction's index, say).
    type Charge;

    /// Whether code emitted now would be unreachable.
    fn unreachable(&self) -> bool;

    /// Whether the body's final `end` has been translated.
    fn finished(&self) -> bool;

    /// Translates `op`, of which the walk knows `info`.
    fn operator(&mut self, op: Operator<'_>, info: OpInfo) -> Result<(), Self::Error>;

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
    // Loops and legacy catch clauses seen so far, and constructs opened
    // in unreachable code.
    let (mut loops, mut catches, mut dead_depth) = (0u32, 0usize, 0u32);
    // Per legacy catch clause, whether a `rethrow` names it: found once
    // the first legacy `try` is seen.
    let mut rethrown: Option<Vec<bool>> = None;
    while !t.finished() {
        let op = ops.read()?;
        let mut info = OpInfo::default();
        match op {
            Operator::Loop { .. } => {
                loops += 1;
                info.loop_index = Some(loops - 1);
            }
            Operator::Try { .. } if rethrown.is_none() => {
                rethrown = Some(rethrown_catches(env, func_index)?);
            }
            Operator::Catch { .. } | Operator::CatchAll => {
                let found = rethrown.as_ref().and_then(|r| r.get(catches));
                info.rethrown = found.copied().unwrap_or(false);
                catches += 1;
            }
            _ => {}
        }
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
        t.operator(op, info)?;
        if ends && !t.unreachable() && !t.finished() {
            start_block(t, &mut meter, info.loop_index.is_some());
        }
    }
    Ok(loops)
}

/// Per legacy `catch` and `catch_all` of the body of `func_index`, in
/// order, whether a `rethrow` names its block.
fn rethrown_catches(env: &ModuleEnv, func_index: u32) -> Result<Vec<bool>, BinaryReaderError> {
    let mut ops = env.body(func_index).get_operators_reader()?;
    let mut rethrown = Vec::new();
    // Per open construct, the catch clause it is in (by number), if any.
    let mut open: Vec<Option<usize>> = vec![None];
    while !open.is_empty() {
        match ops.read()? {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. }
            | Operator::Try { .. } => open.push(None),
            Operator::Catch { .. } | Operator::CatchAll => {
                *open.last_mut().expect("validated") = Some(rethrown.len());
                rethrown.push(false);
            }
            Operator::End | Operator::Delegate { .. } => {
                open.pop();
            }
            Operator::Rethrow { relative_depth } => {
                let at = open.len() - 1 - relative_depth as usize;
                let clause = open[at].expect("validated: rethrow names a catch clause");
                rethrown[clause] = true;
            }
            _ => {}
        }
    }
    Ok(rethrown)
}
