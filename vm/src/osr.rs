//! On-stack replacement: the contract between the tier whose running call
//! moves (the interpreter) and the tier whose entry takes it over (the
//! JIT), written once.
//!
//! - **Loops** are named by their number among the body's `loop`
//!   operators, reachable or not, counted from 0, as the shared
//!   [`walk`](crate::walk) numbers them for both translators.
//! - **Values**: the entry into a loop is an array-call entry taking the
//!   values live at the loop's header, in this order: every local
//!   (parameters first), then the operand stack there, bottom first (the
//!   values below the loop, then the loop's parameters); one `ValRaw`
//!   each. The interpreter keeps exactly these in its frame's first slots,
//!   one a slot but a `v128`, which takes two.
//! - **Results**: the entry finishes the call, returning the function's
//!   results as a call of the function would.
//!
//! Each tier describes an entry by its [`OsrFrame`]; an entry is installed
//! only where the two agree, and a test over random modules checks that
//! they always do.

/// What an OSR entry into one loop takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OsrFrame {
    /// The loop's number (see the module docs).
    pub loop_index: u32,
    /// How many values it takes: the locals and the operand stack at the
    /// loop's header.
    pub values: u32,
}

/// The most values an OSR entry takes, as many as a function may have
/// parameters (the trampoline that calls it passes them all on the native
/// stack): a frame with more stays in the interpreter.
pub const MAX_OSR_VALUES: u32 = 1000;
