//! The store: owner of every runtime object (functions, memories, tables,
//! globals, instances, host references) and of the embedder's data `T`.
//!
//! Objects are boxed so their addresses never change: running code holds raw
//! pointers to them through each instance's `VMContext`. Handles such as
//! [`Func`] and [`Memory`] are indices into these lists.

use crate::epoch::{call_epoch_callback, EpochCallback, UpdateDeadline};
use crate::func::{FuncRecord, FuncSlot, HOST};
use crate::global::GlobalInstance;
use crate::instance::InstanceData;
use crate::limits::{call_limiter, GetLimiter, ResourceLimiter};
use crate::memory::MemoryInstance;
use crate::table::TableInstance;
use crate::tag::TagInstance;
use crate::{Engine, Error, ExternRef, Func, Global, Instance, Memory, Result, Table, Tag};
use std::any::Any;
use std::borrow::Borrow;
use std::cell::UnsafeCell;
use std::collections::HashMap;
use std::ptr::NonNull;
use tandem_vm::{RefRaw, VMFunc, VMStoreContext};

/// Everything a store owns apart from the embedder's data.
///
/// Each object is boxed on its own: running code holds its address, which
/// must survive the list growing. Wasm functions are the exception: an
/// instance holds the records of all its functions in one allocation (a
/// module may define tens of thousands), found through the instance.
#[allow(clippy::vec_box)]
pub struct StoreObjects {
    /// Unique among all stores of the process, so caches keyed by store
    /// (see the linker) never mistake a new store for a dropped one.
    pub(crate) id: u64,
    pub(crate) engine: Engine,
    /// Tiers' hold on instances' functions (see `TierModule::attach`):
    /// declared before `instances`, so dropped before the functions.
    pub(crate) tier_attachments: Vec<Box<dyn Send + Sync>>,
    /// Every host function's record, in `host_data`.
    pub(crate) host_funcs: Vec<SlotPtr>,
    pub(crate) memories: Vec<Box<MemoryInstance>>,
    pub(crate) tables: Vec<Box<TableInstance>>,
    pub(crate) globals: Vec<Box<GlobalInstance>>,
    pub(crate) tags: Vec<Box<TagInstance>>,
    pub(crate) instances: Vec<Box<InstanceData>>,
    pub(crate) externs: Vec<Box<dyn Any + Send + Sync>>,
    /// Host-function closures and their store back-pointers, type-erased.
    pub(crate) host_data: Vec<Box<dyn Any>>,
    /// Linker-defined host functions bound to this store, by the address
    /// of their closure (see `Linker::get`).
    pub(crate) bound_host_funcs: HashMap<usize, Func>,
    /// The store's state that running code reads (boxed: instances point
    /// at it; written through that pointer while Wasm runs).
    pub(crate) vm_store: Box<UnsafeCell<VMStoreContext>>,
    pub(crate) hooks: Hooks,
}

impl Drop for StoreObjects {
    /// Before the instances (and their epoch flags) go. Pooled memories and
    /// tables go back to the pool (no code can run any more).
    fn drop(&mut self) {
        if self.engine.config().epoch_interruption {
            self.engine.epoch().forget(self.id);
        }
        if let Some(pool) = self.engine.pool() {
            // The tiers let go of the instances' functions first.
            self.tier_attachments.clear();
            for memory in self.memories.drain(..) {
                pool.put_memory((*memory).into_slot());
            }
            for table in self.tables.drain(..) {
                pool.put_table((*table).into_elements());
            }
            for instance in self.instances.drain(..) {
                pool.put_instance(instance);
            }
        }
    }
}

impl StoreObjects {
    /// Checks the store's limiter lets it take `instances`, `tables` and
    /// `memories` more.
    pub(crate) fn check_counts(
        &self,
        instances: usize,
        tables: usize,
        memories: usize,
    ) -> Result<()> {
        let Some([max_instances, max_tables, max_memories]) = self.hooks.counts() else {
            return Ok(());
        };
        use crate::limits::check_count;
        check_count(self.instances.len(), instances, max_instances, "instances")?;
        check_count(self.tables.len(), tables, max_tables, "tables")?;
        check_count(self.memories.len(), memories, max_memories, "memories")
    }

    /// The store's context, as instances and calls into Wasm see it.
    pub(crate) fn vm_store(&self) -> *mut VMStoreContext {
        self.vm_store.get()
    }
}

/// What the runtime does with a store's limiter.
pub(crate) type WithLimiter<'a> = dyn FnMut(&mut dyn ResourceLimiter) + 'a;

/// The embedder's controls over running code (its resource limiter, its
/// epoch deadline callback), which live with the typed store: reached
/// from the runtime's untyped parts (instantiation, builtins), which know
/// the store only as its objects, through functions made for its `T`.
#[derive(Clone, Copy)]
pub(crate) struct Hooks {
    /// The `StoreInner<T>`.
    inner: *mut (),
    limiter: unsafe fn(*mut (), &mut WithLimiter),
    epoch: unsafe fn(*mut ()) -> Option<Result<UpdateDeadline>>,
}

impl Hooks {
    /// `f` applied to the store's limiter, if it has one; `panicked` if
    /// the limiter panicked (which must not unwind into Wasm frames).
    fn limit<R>(&self, panicked: R, f: impl FnOnce(&mut dyn ResourceLimiter) -> R) -> Option<R> {
        let (mut f, mut out) = (Some(f), None);
        let mut apply = |l: &mut dyn ResourceLimiter| {
            if let Some(f) = f.take() {
                out = Some(f(l));
            }
        };
        // SAFETY: `inner` is the store these hooks were made for, which
        // owns the objects that reach them; see `call_limiter`.
        let call = || unsafe { (self.limiter)(self.inner, &mut apply) };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)) {
            Ok(()) => out,
            Err(_) => Some(panicked),
        }
    }

    /// Whether a memory may grow from `current` to `desired` bytes.
    pub fn memory_growing(&self, current: usize, desired: usize, max: Option<usize>) -> bool {
        self.limit(false, |l| l.memory_growing(current, desired, max))
            .unwrap_or(true)
    }

    /// Whether a table may grow from `current` to `desired` elements.
    pub fn table_growing(&self, current: usize, desired: usize, max: Option<usize>) -> bool {
        self.limit(false, |l| l.table_growing(current, desired, max))
            .unwrap_or(true)
    }

    /// The most instances, tables and memories the store may hold, if
    /// limited.
    pub fn counts(&self) -> Option<[usize; 3]> {
        self.limit([0; 3], |l| [l.instances(), l.tables(), l.memories()])
    }

    /// What the store's epoch deadline callback says, if it has one.
    pub fn epoch_reached(&self) -> Option<Result<UpdateDeadline>> {
        // SAFETY: as for `limit`; see `call_epoch_callback`.
        let call = || unsafe { (self.epoch)(self.inner) };
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)).unwrap_or_else(|_| {
            Some(Err(Error::Host(
                "the epoch deadline callback panicked".into(),
            )))
        })
    }
}

/// What a handle holds: the store it belongs to and the object's index there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Stored {
    store: u64,
    index: u32,
}

impl Stored {
    /// No object: what an instance's data names itself before it is one.
    pub const NONE: Stored = Stored {
        store: u64::MAX,
        index: u32::MAX,
    };
}

/// Checked access to the objects behind handles: a handle used with a store
/// it does not belong to is a programming error, reported as such (as in
/// wasmtime), never a silent access to another store's object.
macro_rules! accessors {
    ($(
        $list:ident: $handle:ident => $obj:ty, get $get:ident $(, get_mut $get_mut:ident)?, push $push:ident;
    )*) => {
        impl StoreObjects {
            $(
                pub(crate) fn $get(&self, h: impl Borrow<$handle>) -> &$obj {
                    &self.$list[self.index(h.borrow().0, stringify!($handle))]
                }
                $(
                    pub(crate) fn $get_mut(&mut self, h: impl Borrow<$handle>) -> &mut $obj {
                        let i = self.index(h.borrow().0, stringify!($handle));
                        &mut self.$list[i]
                    }
                )?
                pub(crate) fn $push(&mut self, obj: $obj) -> $handle {
                    self.$list.push(obj);
                    $handle(self.stored(self.$list.len() - 1))
                }
            )*
        }
    };
}

/// Where a host function's record is (see [`StoreObjects::add_host_func`]).
#[derive(Clone, Copy)]
pub(crate) struct SlotPtr(pub(crate) NonNull<FuncSlot>);

// SAFETY: a record is only read through its store, which is `Send`, and its
// fields that other threads write (entry points, by the tiers) are atomic.
unsafe impl Send for SlotPtr {}

impl StoreObjects {
    pub(crate) fn func(&self, h: impl Borrow<Func>) -> FuncRecord<'_> {
        let h = h.borrow();
        let i = self.index(h.owner, "Func");
        if h.local == HOST {
            // SAFETY: host records live in the store's host data, never
            // moved or dropped before the store (`add_host_func`).
            unsafe { self.host_funcs[i].0.as_ref() }.record()
        } else {
            self.instances[i].own_func(h.local)
        }
    }
}

accessors! {
    memories: Memory => Box<MemoryInstance>, get memory, get_mut memory_mut, push push_memory;
    tables: Table => Box<TableInstance>, get table, get_mut table_mut, push push_table;
    globals: Global => Box<GlobalInstance>, get global, get_mut global_mut, push push_global;
    instances: Instance => Box<InstanceData>, get instance, push push_instance;
    externs: ExternRef => Box<dyn Any + Send + Sync>, get extern_data, push push_extern;
    tags: Tag => Box<TagInstance>, get tag, push push_tag;
}

impl StoreObjects {
    pub(crate) fn stored(&self, index: usize) -> Stored {
        Stored {
            store: self.id,
            index: index as u32,
        }
    }

    /// The index of a handle's object, after checking it belongs here.
    fn index(&self, h: Stored, what: &str) -> usize {
        assert!(
            h.store == self.id,
            "a {what} was used with a store it does not belong to"
        );
        h.index as usize
    }

    /// The raw `externref` of a host reference: its index plus one (0 is null).
    pub(crate) fn extern_ref(&self, e: ExternRef) -> RefRaw {
        self.index(e.0, "ExternRef") as RefRaw + 1
    }

    /// The host reference behind a raw `externref` of this store.
    pub(crate) fn extern_from_ref(&self, raw: RefRaw) -> Option<ExternRef> {
        raw.checked_sub(1)
            .map(|index| ExternRef(self.stored(index as usize)))
    }

    /// The raw `funcref` of a function: the address of its `VMFunc`.
    pub(crate) fn func_ref(&self, f: Func) -> RefRaw {
        self.func(f).vm as *const VMFunc as RefRaw
    }

    /// The function behind a raw `funcref` of this store.
    pub(crate) fn func_from_ref(raw: RefRaw) -> Option<Func> {
        if raw == 0 {
            return None;
        }
        let vm = raw as *const VMFunc;
        // SAFETY: every non-null funcref the runtime or a tier produces is the
        // address of a live, store-owned `VMFunc`: a Wasm function's, in its
        // instance's records (with the instance's context), or a host
        // function's, the first field of its `FuncSlot` (repr(C)).
        unsafe {
            if (*vm).vmctx.is_null() {
                Some((*(vm as *const FuncSlot)).handle)
            } else {
                Some(InstanceData::func_of(vm))
            }
        }
    }
}

/// A collection of instances and host state, in which Wasm runs.
pub struct Store<T> {
    pub(crate) inner: Box<StoreInner<T>>,
}

/// A store's contents; public only because [`AsContextMut`] names it.
#[doc(hidden)]
pub struct StoreInner<T> {
    pub(crate) objects: StoreObjects,
    pub(crate) data: T,
    pub(crate) limiter: Option<GetLimiter<T>>,
    pub(crate) epoch_callback: Option<EpochCallback<T>>,
}

// SAFETY: the raw pointers a store holds point into objects the store itself
// owns (boxed, so they never move) or into module code kept alive by `Arc`s
// it holds; none of them is tied to a thread. Host closures are `Send + Sync`,
// host references `Send + Sync`, and the data `T` must be `Send`. Execution
// state lives on the calling thread only for the duration of a call.
unsafe impl<T: Send> Send for Store<T> {}

impl<T> Store<T> {
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        let mut store = Store {
            inner: Box::new(StoreInner {
                objects: StoreObjects {
                    id: {
                        static NEXT_ID: std::sync::atomic::AtomicU64 =
                            std::sync::atomic::AtomicU64::new(0);
                        NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                    },
                    engine: engine.clone(),
                    tier_attachments: Vec::new(),
                    host_funcs: Vec::new(),
                    memories: Vec::new(),
                    tables: Vec::new(),
                    globals: Vec::new(),
                    tags: Vec::new(),
                    instances: Vec::new(),
                    externs: Vec::new(),
                    host_data: Vec::new(),
                    bound_host_funcs: HashMap::new(),
                    vm_store: Box::new(UnsafeCell::new(VMStoreContext {
                        stack_limit: 0,
                        fuel: 0,
                        runtime: std::ptr::null_mut(),
                        exns: Default::default(),
                    })),
                    hooks: Hooks {
                        inner: std::ptr::null_mut(),
                        limiter: call_limiter::<T>,
                        epoch: call_epoch_callback::<T>,
                    },
                },
                data,
                limiter: None,
                epoch_callback: None,
            }),
        };
        // The box never moves: the hooks and the context may point into it.
        let inner: *mut StoreInner<T> = &mut *store.inner;
        store.inner.objects.hooks.inner = inner.cast();
        let objects: *mut StoreObjects = &mut store.inner.objects;
        store.inner.objects.vm_store.get_mut().runtime = objects.cast();
        if engine.config().epoch_interruption {
            engine.epoch().watch(store.inner.objects.id);
        }
        store
    }
    pub fn engine(&self) -> &Engine {
        &self.inner.objects.engine
    }
    pub fn data(&self) -> &T {
        &self.inner.data
    }
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.inner.data
    }
    pub fn into_data(self) -> T {
        self.inner.data
    }
}

/// Anything that gives read access to a store: a [`Store`] or a
/// [`Caller`](crate::Caller), or a reference to one.
pub trait AsContext {
    type Data;
    #[doc(hidden)]
    fn objects(&self) -> &StoreObjects;
}

/// Anything that gives write access to a store.
pub trait AsContextMut: AsContext {
    #[doc(hidden)]
    fn objects_mut(&mut self) -> &mut StoreObjects;
    #[doc(hidden)]
    fn store_ptr(&mut self) -> *mut StoreInner<Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn objects(&self) -> &StoreObjects {
        &self.inner.objects
    }
}

impl<T> AsContextMut for Store<T> {
    fn objects_mut(&mut self) -> &mut StoreObjects {
        &mut self.inner.objects
    }
    fn store_ptr(&mut self) -> *mut StoreInner<T> {
        &mut *self.inner
    }
}

impl<S: AsContext> AsContext for &S {
    type Data = S::Data;
    fn objects(&self) -> &StoreObjects {
        (**self).objects()
    }
}

impl<S: AsContext> AsContext for &mut S {
    type Data = S::Data;
    fn objects(&self) -> &StoreObjects {
        (**self).objects()
    }
}

impl<S: AsContextMut> AsContextMut for &mut S {
    fn objects_mut(&mut self) -> &mut StoreObjects {
        (**self).objects_mut()
    }
    fn store_ptr(&mut self) -> *mut StoreInner<S::Data> {
        (**self).store_ptr()
    }
}

impl AsContext for StoreObjects {
    type Data = ();
    fn objects(&self) -> &StoreObjects {
        self
    }
}
