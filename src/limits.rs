//! Resource limits: how an embedder caps what a store's guests allocate.
//!
//! A [`ResourceLimiter`], set with [`Store::limiter`], is asked before any
//! memory or table of the store grows (by `memory.grow`, `table.grow`, the
//! API, or instantiation giving one its initial size) and before each new
//! instance, table and memory. A refused `memory.grow` or `table.grow`
//! returns -1 to the guest, as the specification allows, and the guest
//! goes on; a refused instantiation is an [`Error::Limit`] naming the
//! limit. [`StoreLimits`] covers the common case.

use crate::store::{StoreInner, WithLimiter};
use crate::{Error, Result, Store};

/// The instances a store with a limiter may hold unless it says (as in
/// wasmtime; a store without one has no such limit).
pub const DEFAULT_INSTANCE_LIMIT: usize = 10_000;
/// The tables a store with a limiter may hold unless it says.
pub const DEFAULT_TABLE_LIMIT: usize = 10_000;
/// The memories a store with a limiter may hold unless it says.
pub const DEFAULT_MEMORY_LIMIT: usize = 10_000;

/// Decides how far a store's memories and tables may grow, and how many
/// instances, tables and memories it may hold.
pub trait ResourceLimiter {
    /// Whether a memory of `current` bytes may grow to `desired` bytes
    /// (`maximum`: what its type allows, if it says). Creating a memory
    /// asks with `current` 0.
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> bool;

    /// Whether a table of `current` elements may grow to `desired`.
    fn table_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> bool;

    /// The most instances the store may hold.
    fn instances(&self) -> usize {
        DEFAULT_INSTANCE_LIMIT
    }

    /// The most tables the store may hold (imported ones count where they
    /// were made).
    fn tables(&self) -> usize {
        DEFAULT_TABLE_LIMIT
    }

    /// The most memories the store may hold.
    fn memories(&self) -> usize {
        DEFAULT_MEMORY_LIMIT
    }
}

/// A [`ResourceLimiter`] with fixed limits, made by [`StoreLimitsBuilder`].
#[derive(Clone, Debug)]
pub struct StoreLimits {
    memory_size: Option<usize>,
    table_elements: Option<usize>,
    instances: usize,
    tables: usize,
    memories: usize,
}

impl Default for StoreLimits {
    fn default() -> StoreLimits {
        StoreLimits {
            memory_size: None,
            table_elements: None,
            instances: DEFAULT_INSTANCE_LIMIT,
            tables: DEFAULT_TABLE_LIMIT,
            memories: DEFAULT_MEMORY_LIMIT,
        }
    }
}

impl ResourceLimiter for StoreLimits {
    fn memory_growing(&mut self, _current: usize, desired: usize, _max: Option<usize>) -> bool {
        self.memory_size.is_none_or(|limit| desired <= limit)
    }
    fn table_growing(&mut self, _current: usize, desired: usize, _max: Option<usize>) -> bool {
        self.table_elements.is_none_or(|limit| desired <= limit)
    }
    fn instances(&self) -> usize {
        self.instances
    }
    fn tables(&self) -> usize {
        self.tables
    }
    fn memories(&self) -> usize {
        self.memories
    }
}

/// Builds [`StoreLimits`]: no limit on sizes, and the default counts,
/// unless set.
#[derive(Clone, Debug, Default)]
pub struct StoreLimitsBuilder(StoreLimits);

impl StoreLimitsBuilder {
    pub fn new() -> StoreLimitsBuilder {
        StoreLimitsBuilder::default()
    }
    /// The most bytes each linear memory may have.
    pub fn memory_size(mut self, bytes: usize) -> StoreLimitsBuilder {
        self.0.memory_size = Some(bytes);
        self
    }
    /// The most elements each table may have.
    pub fn table_elements(mut self, elements: usize) -> StoreLimitsBuilder {
        self.0.table_elements = Some(elements);
        self
    }
    pub fn instances(mut self, limit: usize) -> StoreLimitsBuilder {
        self.0.instances = limit;
        self
    }
    pub fn tables(mut self, limit: usize) -> StoreLimitsBuilder {
        self.0.tables = limit;
        self
    }
    pub fn memories(mut self, limit: usize) -> StoreLimitsBuilder {
        self.0.memories = limit;
        self
    }
    pub fn build(self) -> StoreLimits {
        self.0
    }
}

/// How the store finds its limiter in the embedder's data.
pub(crate) type GetLimiter<T> = Box<dyn FnMut(&mut T) -> &mut (dyn ResourceLimiter) + Send + Sync>;

impl<T> Store<T> {
    /// Makes `get`'s limiter, found in the store's data, decide the
    /// store's resource limits from now on, e.g.
    /// `store.limiter(|data| &mut data.limits)`.
    pub fn limiter(
        &mut self,
        get: impl FnMut(&mut T) -> &mut (dyn ResourceLimiter) + Send + Sync + 'static,
    ) {
        self.inner.limiter = Some(Box::new(get));
    }
}

/// The store's limiter applied to `f`, if it has one: reached from the
/// runtime's untyped parts through [`Hooks`](crate::store::Hooks).
///
/// # Safety
/// `inner` must be a live `StoreInner<T>` whose `limiter` and `data` no
/// reference covers (the runtime's callers hold at most its `objects`).
pub(crate) unsafe fn call_limiter<T>(inner: *mut (), f: &mut WithLimiter) {
    let inner = inner.cast::<StoreInner<T>>();
    // SAFETY: see above; the two fields are disjoint from `objects`.
    let (get, data) = unsafe {
        (
            &mut *std::ptr::addr_of_mut!((*inner).limiter),
            &mut *std::ptr::addr_of_mut!((*inner).data),
        )
    };
    if let Some(get) = get {
        f(get(data));
    }
}

/// Checks that a store holding `have` objects of a kind may take `more`
/// under `limit`.
pub(crate) fn check_count(have: usize, more: usize, limit: usize, what: &str) -> Result<()> {
    if have + more > limit {
        return Err(Error::Limit(format!(
            "the store's limit of {limit} {what} is reached"
        )));
    }
    Ok(())
}
