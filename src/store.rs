//! The store: owner of every runtime object (functions, memories, tables,
//! globals, instances, host references) and of the embedder's data `T`.
//!
//! Objects are boxed so their addresses never change: running code holds raw
//! pointers to them through each instance's `VMContext`. Handles such as
//! [`Func`] and [`Memory`] are indices into these lists.

use crate::func::FuncSlot;
use crate::global::GlobalInstance;
use crate::instance::InstanceData;
use crate::memory::MemoryInstance;
use crate::table::TableInstance;
use crate::{Engine, ExternRef, Func, Global, Instance, Memory, Table};
use std::any::Any;
use std::borrow::Borrow;
use std::cell::UnsafeCell;
use tandem_vm::{RefRaw, VMStoreContext};

/// Everything a store owns apart from the embedder's data.
///
/// Each object is boxed on its own: running code holds its address, which
/// must survive the list growing.
#[allow(clippy::vec_box)]
pub struct StoreObjects {
    /// Unique among all stores of the process, so caches keyed by store
    /// (see the linker) never mistake a new store for a dropped one.
    pub(crate) id: u64,
    pub(crate) engine: Engine,
    /// Tiers' hold on instances' functions (see `TierModule::attach`):
    /// declared before `funcs`, so dropped before them.
    pub(crate) tier_attachments: Vec<Box<dyn Send + Sync>>,
    pub(crate) funcs: Vec<Box<FuncSlot>>,
    pub(crate) memories: Vec<Box<MemoryInstance>>,
    pub(crate) tables: Vec<Box<TableInstance>>,
    pub(crate) globals: Vec<Box<GlobalInstance>>,
    pub(crate) instances: Vec<Box<InstanceData>>,
    pub(crate) externs: Vec<Box<dyn Any + Send + Sync>>,
    /// Host-function closures and their store back-pointers, type-erased.
    pub(crate) host_data: Vec<Box<dyn Any>>,
    /// The store's state that running code reads (boxed: instances point
    /// at it; written through that pointer while Wasm runs).
    pub(crate) vm_store: Box<UnsafeCell<VMStoreContext>>,
}

impl StoreObjects {
    /// The store's context, as instances and calls into Wasm see it.
    pub(crate) fn vm_store(&self) -> *mut VMStoreContext {
        self.vm_store.get()
    }
}

/// What a handle holds: the store it belongs to and the object's index there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Stored {
    store: u64,
    index: u32,
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

accessors! {
    funcs: Func => Box<FuncSlot>, get func, push push_func_slot;
    memories: Memory => Box<MemoryInstance>, get memory, get_mut memory_mut, push push_memory;
    tables: Table => Box<TableInstance>, get table, get_mut table_mut, push push_table;
    globals: Global => Box<GlobalInstance>, get global, get_mut global_mut, push push_global;
    instances: Instance => Box<InstanceData>, get instance, get_mut instance_mut, push push_instance;
    externs: ExternRef => Box<dyn Any + Send + Sync>, get extern_data, push push_extern;
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
        &self.func(f).vm as *const _ as RefRaw
    }

    /// The function behind a raw `funcref` of this store.
    pub(crate) fn func_from_ref(raw: RefRaw) -> Option<Func> {
        if raw == 0 {
            return None;
        }
        // SAFETY: every non-null funcref the runtime or a tier produces is the
        // address of a `VMFunc` that is the first field of a live, store-owned
        // `FuncSlot` (repr(C)).
        Some(unsafe { (*(raw as *const FuncSlot)).handle })
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
}

// SAFETY: the raw pointers a store holds point into objects the store itself
// owns (boxed, so they never move) or into module code kept alive by `Arc`s
// it holds; none of them is tied to a thread. Host closures are `Send + Sync`,
// host references `Send + Sync`, and the data `T` must be `Send`. Execution
// state lives on the calling thread only for the duration of a call.
unsafe impl<T: Send> Send for Store<T> {}

impl<T> Store<T> {
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        Store {
            inner: Box::new(StoreInner {
                objects: StoreObjects {
                    id: {
                        static NEXT_ID: std::sync::atomic::AtomicU64 =
                            std::sync::atomic::AtomicU64::new(0);
                        NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                    },
                    engine: engine.clone(),
                    tier_attachments: Vec::new(),
                    funcs: Vec::new(),
                    memories: Vec::new(),
                    tables: Vec::new(),
                    globals: Vec::new(),
                    instances: Vec::new(),
                    externs: Vec::new(),
                    host_data: Vec::new(),
                    vm_store: Box::new(UnsafeCell::new(VMStoreContext { stack_limit: 0 })),
                },
                data,
            }),
        }
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
