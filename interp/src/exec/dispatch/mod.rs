//! How the next instruction is reached. `build.rs` chooses one of two
//! dispatches (`cfg(tandem_dispatch)`), here and nowhere else; both run
//! the same [`step`](super::step::step) and offer the same three things:
//!
//! - [`start_at`]: starts running at the frame's first instruction;
//! - [`dispatch`]: continues with the instruction at `ip`; every
//!   instruction's `step` ends with it in tail position;
//! - [`Backend`]: what a [`Width`](crate::bytecode::Width) needs for it.
//!
//! In the threaded dispatch (`threaded.rs`) `dispatch` calls the
//! instruction's handler, and LLVM turns that call into a `jmp` (a sibling
//! call: same signature, arguments in registers, no stack frame to keep),
//! so execution threads from handler to handler without growing the native
//! stack. In the loop dispatch (`loop.rs`), where nothing guarantees that a
//! tail call is a jump, `dispatch` leaves the state for the loop in
//! `start_at` and returns to it.

#[cfg(tandem_dispatch = "loop")]
mod r#loop;
#[cfg(tandem_dispatch = "threaded")]
mod threaded;

#[cfg(tandem_dispatch = "loop")]
pub(super) use r#loop::*;
#[cfg(tandem_dispatch = "threaded")]
pub(super) use threaded::*;
