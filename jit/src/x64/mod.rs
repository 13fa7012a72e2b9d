//! The x86-64 backend. [`compile`] runs it on one function:
//!
//! 1. [`blockorder`] lays the blocks out;
//! 2. [`analysis`] finds the values folded into their users (comparisons
//!    into branches, constants into immediates);
//! 3. [`regalloc`] gives every other value a register or a stack slot;
//! 4. [`emit`] selects instructions, family by family, in the [`frame`]
//!    the function needs, calling others by the convention in [`abi`];
//! 5. [`masm`] hands them to iced-x86, and [`relax`] assembles them with
//!    every branch as short as it can be.
//!
//! [`regs`] says which register plays which role; [`trampolines`] connect
//! the native convention with the runtime's array convention; [`reloc`]
//! records the absolute addresses code holds, so it can be loaded anywhere.

pub(crate) mod abi;
mod analysis;
mod blockorder;
mod emit;
mod frame;
pub(crate) mod masm;
mod regalloc;
pub(crate) mod regs;
mod relax;
pub mod reloc;
pub(crate) mod trampolines;

use crate::ir::Function;
pub use relax::Assembled;
use tandem_vm::ModuleEnv;

/// Machine code for one function, at offset 0; `in_image` (sorted) are the
/// functions compiled into the same image, which it calls directly.
pub fn compile(f: &Function, env: &ModuleEnv, in_image: &[u32]) -> Assembled {
    let order = blockorder::layout(f);
    let folded = analysis::folded(f, &order);
    let bounds = analysis::bounds_checks(f, &order, |m| env.memory64(m));
    let numbering = regalloc::number(f, &order);
    let alloc = regalloc::allocate(f, &order, &numbering, &folded);
    emit::emit(f, env, &order, folded, bounds, alloc, in_image)
}
