//! How the runtime reaches a tier: a [`Tier`] prepares each module once,
//! and the [`TierModule`] it returns hands out the entry points of the
//! module's functions. The runtime names no tier's types beyond choosing
//! which tier to construct.

use crate::callconv::EntryPoints;
use crate::ModuleEnv;
use crate::VMFunc;
use std::sync::Arc;
use wasmparser::FuncType;

/// An error a tier reports for a module it cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierError(pub String);

impl std::fmt::Display for TierError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TierError {}

/// What a tier has made of a module so far, and what it costs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CodeStats {
    /// Functions translated or compiled so far.
    pub funcs: usize,
    /// Bytes of the Wasm bodies of those functions.
    pub wasm_bytes: usize,
    /// Bytes of what the tier made of them (bytecode and side tables, or
    /// machine code).
    pub code_bytes: usize,
}

/// A tier's machine code for a module, serialized.
pub struct SerializedCode {
    pub bytes: Vec<u8>,
    /// Whether it holds more than the module was prepared with: code
    /// compiled since, or functions that asked to be.
    pub fresh: bool,
}

/// An execution tier.
pub trait Tier: Send + Sync {
    /// The tier's name, as `--tier` spells it.
    fn name(&self) -> &'static str;

    /// Prepares the tier's code for a validated module. A lazy tier only
    /// sets up its cache here; an eager one compiles every function and
    /// reports what it cannot compile. `saved` is code a tier of the same
    /// build, CPU features and checks serialized for this module
    /// ([`TierModule::serialize`]), which the tier takes instead of
    /// compiling it again; a tier that makes no machine code ignores it.
    fn prepare(
        &self,
        env: Arc<ModuleEnv>,
        saved: Option<&[u8]>,
    ) -> Result<Arc<dyn TierModule>, TierError>;

    /// The native-convention entry for a host function of signature `ty`,
    /// which calls its array-call entry: null for a tier whose code makes no
    /// native calls.
    fn host_native_call(&self, ty: &FuncType) -> *const ();
}

/// A tier's code for one module, shared by all its instances.
pub trait TierModule: Send + Sync {
    /// The entry points of local function `func_index`.
    fn entry_points(&self, func_index: u32) -> EntryPoints;

    /// What [`VMContext::tier_state`](crate::VMContext::tier_state) of an
    /// instance run by this tier points at (null if the tier needs nothing
    /// there).
    fn tier_state(&self) -> *const ();

    /// Translates or compiles every function now (what lazy tiers do on
    /// first calls), for `tandem compile`.
    fn compile_all(&self) -> Result<(), TierError>;

    /// What has been translated or compiled so far.
    fn stats(&self) -> CodeStats;

    /// Asks for every function to be compiled in the background, as though
    /// each had got hot (the tiering engine); a tier that compiles nothing
    /// later has nothing to do.
    fn request_all(&self) {}

    /// The machine code of local function `func_index` as assembly text,
    /// for a tier that makes machine code.
    fn disassemble(&self, _func_index: u32) -> Option<String> {
        None
    }

    /// The machine code made for the module so far, as bytes
    /// [`Tier::prepare`] takes back; `None` for a tier that makes none.
    fn serialize(&self) -> Option<SerializedCode> {
        None
    }

    /// Called for each new instance with the `VMFunc`s of its local
    /// functions, in index order. A tier that installs code later (the
    /// tier-up swap) keeps them until the returned guard drops; the runtime
    /// drops it before the functions.
    fn attach(&self, _funcs: &[VMFunc]) -> Option<Box<dyn Send + Sync>> {
        None
    }
}
