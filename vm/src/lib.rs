//! The contract between tandem's runtime and its execution tiers.
//!
//! The runtime (the `tandem` crate) owns modules, instances, memories, tables,
//! globals and the embedder API. A tier (the interpreter in `tandem-interp`,
//! the JIT in `tandem-jit`) only turns validated function bodies into
//! something that runs. The two meet here, and nowhere else:
//!
//! - [`vmctx`]: the `#[repr(C)]` layout of an instance as running code sees it —
//!   the entrypoint table of [`VMFunc`]s, memories, tables, globals, segments —
//!   and [`offsets`], its field offsets as constants for compiled code;
//! - [`callconv`]: the two calling conventions (array call for the host,
//!   runtime and interpreter; native call between compiled functions), and
//!   the runtime services tiers may call;
//! - [`tier`]: the small trait through which the runtime reaches a tier;
//! - [`trap`]: trap codes, and how a trap and its backtrace travel to the host;
//! - [`fault`]: the guard region every memory reserves, and how a fault in it
//!   becomes an out-of-bounds trap; [`code_registry`] and [`unwind`]: how a
//!   trap in compiled code is recognised by its address and unwound;
//! - [`exn`]: tags and exception objects, and who owns them;
//! - [`tail`]: how a tail call from one tier to another is left to the
//!   caller, so that it grows no stack;
//! - [`value`]: the raw bit form of Wasm values;
//! - [`serial`]: the byte encoding of serialized modules and cached code;
//! - [`module`]: the decoded module metadata a tier translates from, and
//!   the [`Checks`] its code makes (epoch interruption, [`fuel`]).
//!
//! A tier never sees the embedder API, and the runtime never looks inside a
//! tier's code: a function runs by calling an entry point of its [`VMFunc`].

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod callconv;
pub mod code_registry;
pub mod exn;
pub mod fault;
pub mod fuel;
pub mod module;
pub mod offsets;
pub mod ops;
pub mod osr;
pub mod serial;
pub mod simd;
pub mod tail;
pub mod tier;
pub mod trap;
pub mod unwind;
pub mod value;
pub mod vmctx;
pub mod walk;

pub use callconv::{ArrayCallFn, Builtins, EntryPoints};
pub use exn::{Exception, VMExn, VMTag};
pub use module::{Checks, CpuFeatures, ModuleEnv};
pub use tier::{CodeStats, SerializedCode, Tier, TierError, TierModule};
pub use trap::{BacktraceFrame, TrapCode, TrapRecord};
pub use value::{RefRaw, ValRaw};
pub use vmctx::{VMContext, VMFunc, VMMemory, VMSegment, VMStoreContext, VMTable, WASM_PAGE_SIZE};
