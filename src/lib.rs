//! tandem: a tiered WebAssembly virtual machine.
//!
//! The embedder API follows wasmtime and wasmi: an [`Engine`] (configured by
//! [`Config`], which selects the tier) compiles [`Module`]s; a [`Store`]
//! owns instances and the embedder's data; a [`Linker`] resolves imports,
//! including host functions made from Rust closures; [`Func`] and
//! [`TypedFunc`] call into Wasm.
//!
//! ```
//! use tandem::{Engine, Linker, Module, Store};
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"(module
//!     (import "host" "double" (func $double (param i32) (result i32)))
//!     (func (export "run") (param i32) (result i32)
//!         (call $double (i32.add (local.get 0) (i32.const 1)))))"#)?;
//! let mut store = Store::new(&engine, ());
//! let mut linker = Linker::new(&engine);
//! linker.func_wrap("host", "double", |x: i32| x * 2)?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let run = instance.get_typed_func::<i32, i32>(&store, "run")?;
//! assert_eq!(run.call(&mut store, 20)?, 42);
//! # Ok::<(), tandem::Error>(())
//! ```
//!
//! Internally, the runtime here (instantiation, memories, tables, globals,
//! traps) is shared by all tiers; the tiers run code against the contract in
//! the `tandem-vm` crate.

mod cache;
mod engine;
mod epoch;
mod error;
mod fuel;
mod func;
mod global;
mod instance;
mod limits;
mod linker;
mod memory;
mod memory_image;
mod module;
mod no_gc;
mod pool;
mod serialize;
mod store;
mod table;
mod tag;
mod tiering;
mod trap;
mod typed;
mod types;
mod validate;
mod values;

pub use engine::{Config, Engine, Tier};
pub use epoch::UpdateDeadline;
pub use error::{Error, Result};
pub use func::{Caller, Func};
pub use global::Global;
pub use instance::{Extern, Instance};
pub use limits::{ResourceLimiter, StoreLimits, StoreLimitsBuilder};
pub use linker::Linker;
pub use memory::Memory;
pub use module::Module;
pub use pool::PoolingConfig;
pub use store::{AsContext, AsContextMut, Store, StoreObjects};
pub use table::Table;
pub use tag::{Exception, ExnRef, Tag, TagType};
pub use tandem_vm::CodeStats;
pub use trap::{FrameInfo, Trap, TrapCode};
pub use typed::{IntoFunc, TypedFunc, WasmParams, WasmResults, WasmRet, WasmTy};
pub use values::{
    ExternRef, ExternType, FuncType, GlobalType, HeapType, MemoryType, Mutability, RefType,
    TableType, TypeId, Val, ValType,
};
