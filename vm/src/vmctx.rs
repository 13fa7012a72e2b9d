//! The layout of an instance as running code sees it.
//!
//! Every field is a raw pointer into structures the runtime owns and keeps
//! alive as long as the instance; a tier reads them, and changes state only
//! through plain stores the runtime expects (table elements, globals, memory
//! bytes, dropping a segment by zeroing its length) or through
//! [`Builtins`](crate::Builtins) for anything that allocates. Compiled code
//! addresses these fields by the constants in [`offsets`](crate::offsets).

use crate::callconv::EntryPoints;
use crate::{ArrayCallFn, RefRaw, ValRaw};
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

/// One function instance: the callee that its entrypoint-table slot names.
///
/// The runtime pins each `VMFunc` for the lifetime of its store, so its
/// address is the function's identity: it is the raw `funcref` value, and an
/// instance that imports (or re-exports) the function points at the same
/// `VMFunc` as the instance that defines it. It holds the function's two
/// entry points, one per [calling convention](crate::callconv); installing
/// faster code is one store to each, and every caller — direct, indirect
/// through a table, from the host — sees it at its next call.
#[repr(C)]
pub struct VMFunc {
    /// The buffer-convention entry, an [`ArrayCallFn`]: how the host and the
    /// interpreter call.
    pub array_call: AtomicPtr<()>,
    /// The register-convention entry ([native call](crate::callconv)): how
    /// compiled code calls. Null while no tier of the engine compiles code
    /// (then nothing calls it).
    pub native_call: AtomicPtr<()>,
    /// The defining instance; null for host functions.
    pub vmctx: *mut VMContext,
    /// Host-function data, owned by the runtime; null for Wasm functions.
    pub host: *const (),
    /// Engine-wide canonical id of the signature, compared by `call_indirect`.
    pub type_id: u32,
    /// Index in the defining module's function index space.
    pub func_index: u32,
    /// The running tier's own code for this function, cached here so a
    /// call finds it without a lookup (the interpreter keeps its
    /// translation here). Opaque to the runtime, which initializes it to
    /// null; only the tier that runs the function reads or writes it.
    pub tier_code: AtomicPtr<()>,
    /// The signature's declared supertypes, nearest first, ended by
    /// [`NO_TYPE`]: where `call_indirect` looks when `type_id` is not the
    /// type it expects (function subtyping). Owned by the engine's type
    /// registry, which outlives every function.
    pub supertypes: *const u32,
}

/// No type id: the end of a [`VMFunc::supertypes`] list.
pub const NO_TYPE: u32 = u32::MAX;

impl VMFunc {
    /// Whether the function's signature is type `id` or a subtype of it.
    #[inline(always)]
    pub fn has_type(&self, id: u32) -> bool {
        self.type_id == id || self.has_supertype(id)
    }

    #[cold]
    #[inline(never)]
    fn has_supertype(&self, id: u32) -> bool {
        let mut p = self.supertypes;
        loop {
            // SAFETY: `supertypes` is a live list ended by `NO_TYPE` (the
            // field's invariant), and `p` stops at its end.
            let s = unsafe { *p };
            if s == id {
                return true;
            }
            if s == NO_TYPE {
                return false;
            }
            // SAFETY: as above; `s` was not the end.
            p = unsafe { p.add(1) };
        }
    }

    /// The buffer-convention code a call runs now.
    #[inline(always)]
    pub fn array_call(&self) -> ArrayCallFn {
        let p = self.array_call.load(Ordering::Acquire);
        // SAFETY: `array_call` only ever holds an `ArrayCallFn` cast to a
        // pointer (the runtime initializes it with one and `install` stores
        // one), and a function pointer and `*mut ()` have the same size and
        // representation, so this gives back that function pointer.
        unsafe { std::mem::transmute::<*mut (), ArrayCallFn>(p) }
    }

    /// Installs the code later calls run (the tier-up swap): one release
    /// store per entry point. A caller racing with it may see either entry
    /// of either tier, and each runs the same function to the same result.
    pub fn install(&self, entry: EntryPoints) {
        self.native_call
            .store(entry.native_call as *mut (), Ordering::Release);
        self.array_call
            .store(entry.array_call as *mut (), Ordering::Release);
    }
}

/// The size of a Wasm page, the unit memories grow by.
pub const WASM_PAGE_SIZE: usize = 1 << 16;

/// A linear memory. The base never moves: the runtime reserves the address
/// space for the largest possible memory plus a guard region up front.
#[repr(C)]
pub struct VMMemory {
    pub base: *mut u8,
    /// Current size in bytes (a multiple of [`WASM_PAGE_SIZE`]).
    pub len: usize,
}

/// A table of references. `base` may move when the table grows.
#[repr(C)]
pub struct VMTable {
    pub base: *mut RefRaw,
    /// Current number of elements.
    pub len: u32,
}

/// A data segment (bytes) or element segment (resolved [`RefRaw`]s).
/// `memory.init`/`table.init` read it; `data.drop`/`elem.drop` set `len` to 0.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct VMSegment {
    pub base: *const u8,
    /// Length in units: bytes for data, elements for element segments.
    pub len: usize,
}

impl VMSegment {
    pub const EMPTY: VMSegment = VMSegment {
        base: std::ptr::null(),
        len: 0,
    };
}

/// State of a store that running code reads: one per store, shared by its
/// instances (a store runs on one thread at a time).
#[repr(C)]
pub struct VMStoreContext {
    /// The lowest native stack address Wasm may use while this store runs
    /// (0 outside a call): compiled code compares its stack pointer with it
    /// in every prologue, the interpreter before every native call.
    pub stack_limit: usize,
    /// Fuel left, where the engine meters it ([`Checks::fuel`](crate::Checks)):
    /// each block of code subtracts its [cost](crate::fuel) as it starts,
    /// and traps with [`TrapCode::OutOfFuel`](crate::TrapCode) if that
    /// leaves it negative. Written by running code.
    pub fuel: i64,
    /// The runtime's view of the store; opaque to tiers.
    pub runtime: *mut (),
    /// The exception objects Wasm code has held references to.
    pub exns: crate::exn::ExnStore,
}

/// An instance, as code sees it. All arrays are indexed by the module's own
/// index spaces (imports first).
#[repr(C)]
pub struct VMContext {
    /// Memory 0 (null if the module has no memory), so that its base and
    /// length are two loads away.
    pub memory0: *mut VMMemory,
    /// The store's state that running code reads (and, for fuel, writes).
    pub store: *mut VMStoreContext,
    /// The entrypoint table: one callee per function index.
    pub funcs: *const *const VMFunc,
    pub memories: *const *mut VMMemory,
    pub tables: *const *mut VMTable,
    /// One 16-byte cell per global (imported ones point into their owner).
    pub globals: *const *mut ValRaw,
    /// Canonical signature id for each of the module's type indices.
    pub type_ids: *const u32,
    /// Data segments, by data index.
    pub data: *mut VMSegment,
    /// Element segments, by element index.
    pub elems: *mut VMSegment,
    /// Runtime services for what allocates.
    pub builtins: *const crate::Builtins,
    /// The tier's per-module state ([`TierModule::tier_state`]: the
    /// interpreter's translation cache), opaque to the runtime, which keeps
    /// it alive.
    ///
    /// [`TierModule::tier_state`]: crate::TierModule::tier_state
    pub tier_state: *const (),
    /// The runtime's own view of the instance and its store; opaque to tiers.
    pub runtime: *mut (),
    /// Non-zero once the store's epoch deadline is reached: set by the
    /// thread that advances the engine's epoch past it, in every instance
    /// of the store, so that a check is one compare with a field of the
    /// context compiled code keeps in a register. Where the engine checks
    /// epochs ([`Checks::epoch`](crate::Checks)), code tests it at function
    /// entries and loop headers, and calls
    /// [`Builtins::interrupt`](crate::Builtins) once it is set.
    pub epoch_flag: AtomicU32,
    /// The tags, by tag index: their addresses are their identities.
    pub tags: *const *const crate::VMTag,
    /// Memory 0's base (null without a memory), one load away: a memory's
    /// base never moves, so the instance keeps a copy, which compiled code
    /// loads at each function's entry.
    pub memory0_base: *mut u8,
}

impl VMContext {
    /// Whether the store's epoch deadline is reached.
    #[inline(always)]
    pub fn epoch_reached(&self) -> bool {
        self.epoch_flag.load(Ordering::Relaxed) != 0
    }

    /// # Safety
    /// `self` must be an instance the runtime set up (its arrays live), and
    /// `index` a valid function index of it.
    #[inline(always)]
    pub unsafe fn func(&self, index: u32) -> *const VMFunc {
        // SAFETY: the caller guarantees `self` is a set-up instance, whose
        // `funcs` is a live array with one entry per function index, and that
        // `index` is one of them.
        unsafe { *self.funcs.add(index as usize) }
    }
    /// # Safety
    /// `self` must be an instance the runtime set up (its arrays live), and
    /// `index` a valid memory index of it.
    #[inline(always)]
    pub unsafe fn memory(&self, index: u32) -> *mut VMMemory {
        // SAFETY: the caller guarantees `self` is a set-up instance, whose
        // `memories` is a live array with one entry per memory index, and that
        // `index` is one of them.
        unsafe { *self.memories.add(index as usize) }
    }
    /// # Safety
    /// `self` must be an instance the runtime set up (its arrays live), and
    /// `index` a valid table index of it.
    #[inline(always)]
    pub unsafe fn table(&self, index: u32) -> *mut VMTable {
        // SAFETY: the caller guarantees `self` is a set-up instance, whose
        // `tables` is a live array with one entry per table index, and that
        // `index` is one of them.
        unsafe { *self.tables.add(index as usize) }
    }
    /// # Safety
    /// `self` must be an instance the runtime set up (its arrays live), and
    /// `index` a valid tag index of it.
    #[inline(always)]
    pub unsafe fn tag(&self, index: u32) -> *const crate::VMTag {
        // SAFETY: the caller guarantees `self` is a set-up instance, whose
        // `tags` is a live array with one entry per tag index, and that
        // `index` is one of them.
        unsafe { *self.tags.add(index as usize) }
    }
    /// # Safety
    /// `self` must be an instance the runtime set up (its arrays live), and
    /// `index` a valid global index of it.
    #[inline(always)]
    pub unsafe fn global(&self, index: u32) -> *mut ValRaw {
        // SAFETY: the caller guarantees `self` is a set-up instance, whose
        // `globals` is a live array with one entry per global index, and that
        // `index` is one of them.
        unsafe { *self.globals.add(index as usize) }
    }
}
