//! The pooling allocator ([`Config::pooling`](crate::Config::pooling)):
//! linear memories and tables that outlive their stores, recycled by the
//! engine for the next instances instead of being made and unmade each
//! time, with limits on how many are alive at once and how large each may
//! be.
//!
//! A memory's slot keeps its address-space reservation, its accessible
//! pages and the copy-on-write image mapped in it: released, it is reset
//! with `madvise(MADV_DONTNEED)`, which gives back its written pages (the
//! image's pages read the image again, the others zeros), so the next
//! instance of the same module finds its initial memory without a system
//! call to map it (see `MemorySlot`). A table's slot keeps its element
//! storage. An embedder that instantiates a module per request pays for
//! neither mappings nor their teardown.

use crate::instance::InstanceData;
use crate::memory::MemorySlot;
use crate::module::ModuleInner;
use crate::{Error, Module, Result};
use parking_lot::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Weak};
use tandem_vm::RefRaw;

/// The limits of the pooling allocator.
#[derive(Clone, Copy, Debug)]
pub struct PoolingConfig {
    total_memories: u32,
    total_tables: u32,
    total_instances: u32,
    max_memory_pages: u64,
    table_elements: u64,
}

impl Default for PoolingConfig {
    fn default() -> PoolingConfig {
        PoolingConfig {
            total_memories: 1000,
            total_tables: 1000,
            total_instances: 1000,
            max_memory_pages: 1 << 16,
            table_elements: 20_000,
        }
    }
}

impl PoolingConfig {
    pub fn new() -> PoolingConfig {
        PoolingConfig::default()
    }
    /// Linear memories alive at once in all the engine's stores (defined
    /// by instances or by the host). Default 1000.
    pub fn total_memories(&mut self, n: u32) -> &mut PoolingConfig {
        self.total_memories = n;
        self
    }
    /// Tables alive at once. Default 1000.
    pub fn total_tables(&mut self, n: u32) -> &mut PoolingConfig {
        self.total_tables = n;
        self
    }
    /// Instances alive at once. Default 1000.
    pub fn total_instances(&mut self, n: u32) -> &mut PoolingConfig {
        self.total_instances = n;
        self
    }
    /// The most Wasm pages a memory may start with or grow to. Default
    /// 65536 (4 GiB).
    pub fn max_memory_pages(&mut self, pages: u64) -> &mut PoolingConfig {
        self.max_memory_pages = pages;
        self
    }
    /// The most elements a table may start with or grow to. Default 20,000.
    pub fn table_elements(&mut self, n: u64) -> &mut PoolingConfig {
        self.table_elements = n;
        self
    }
}

/// An engine's pool: the free slots and the counts of those in use.
pub(crate) struct Pool {
    config: PoolingConfig,
    memories: Mutex<Vec<MemorySlot>>,
    tables: Mutex<Vec<Vec<RefRaw>>>,
    /// Instances' data (see [`Pool::take_instance`]).
    instances: Mutex<Vec<PooledInstance>>,
    live_memories: AtomicU32,
    live_tables: AtomicU32,
    live_instances: AtomicU32,
}

/// Takes one of `total` from `live`, or says what ran out.
fn take(live: &AtomicU32, total: u32, what: &str) -> Result<()> {
    live.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
        (n < total).then_some(n + 1)
    })
    .map(drop)
    .map_err(|_| {
        Error::Limit(format!(
            "all {total} {what} of the pooling allocator are in use"
        ))
    })
}

impl Pool {
    pub fn new(config: PoolingConfig) -> Pool {
        Pool {
            config,
            memories: Mutex::new(Vec::new()),
            tables: Mutex::new(Vec::new()),
            instances: Mutex::new(Vec::new()),
            live_memories: AtomicU32::new(0),
            live_tables: AtomicU32::new(0),
            live_instances: AtomicU32::new(0),
        }
    }

    /// The most pages a pooled memory may have.
    pub fn max_memory_pages(&self) -> u64 {
        self.config.max_memory_pages
    }

    /// The most elements a pooled table may have.
    pub fn table_elements(&self) -> u64 {
        self.config.table_elements
    }

    /// A memory slot: a free one (reset), that with `image` mapped if there
    /// is one, or a new reservation.
    pub fn memory(&self, image: Option<u64>) -> Result<MemorySlot> {
        take(&self.live_memories, self.config.total_memories, "memories")?;
        let slot = {
            let mut free = self.memories.lock();
            let same = image.and_then(|id| free.iter().rposition(|s| s.image_id() == Some(id)));
            match same {
                Some(i) => Some(free.swap_remove(i)),
                None => free.pop(),
            }
        };
        match slot {
            Some(slot) => Ok(slot),
            None => MemorySlot::reserve().inspect_err(|_| {
                self.live_memories.fetch_sub(1, Ordering::AcqRel);
            }),
        }
    }

    /// Takes back a memory's slot; one that cannot be reset is unmapped.
    pub fn put_memory(&self, mut slot: MemorySlot) {
        match slot.reset() {
            Ok(()) => self.memories.lock().push(slot),
            Err(e) => tracing::warn!("a pooled memory could not be reset ({e}): dropped"),
        }
        self.live_memories.fetch_sub(1, Ordering::AcqRel);
    }

    /// Storage for a table's elements.
    pub fn table(&self) -> Result<Vec<RefRaw>> {
        take(&self.live_tables, self.config.total_tables, "tables")?;
        Ok(self.tables.lock().pop().unwrap_or_default())
    }

    pub fn put_table(&self, mut elements: Vec<RefRaw>) {
        elements.clear();
        self.tables.lock().push(elements);
        self.live_tables.fetch_sub(1, Ordering::AcqRel);
    }

    /// Counts an instance in.
    pub fn instance(&self) -> Result<()> {
        take(
            &self.live_instances,
            self.config.total_instances,
            "instances",
        )
    }

    /// The data of an instance of `module` that is no more, if the pool
    /// has one: its functions' records are the module's already. Data
    /// whose module is gone is dropped on the way.
    pub fn take_instance(&self, module: &Module) -> Option<Box<InstanceData>> {
        let mut free = self.instances.lock();
        free.retain(|pooled| pooled.module.strong_count() > 0);
        let same = Arc::as_ptr(&module.inner);
        let i = free
            .iter()
            .rposition(|pooled| pooled.module.as_ptr() == same)?;
        Some(free.swap_remove(i).data.from_pooled(module))
    }

    /// Counts an instance out, keeping its data for the next instance of
    /// its module.
    pub fn put_instance(&self, data: Box<InstanceData>) {
        let (data, module) = data.into_pooled();
        if let Some(module) = module {
            let module = Arc::downgrade(&module.inner);
            self.instances.lock().push(PooledInstance { data, module });
        }
        self.live_instances.fetch_sub(1, Ordering::AcqRel);
    }
}

/// An instance's data in the pool, and its module while that lives.
struct PooledInstance {
    data: Box<InstanceData>,
    module: Weak<ModuleInner>,
}

// SAFETY: nothing runs in a pooled instance, and nothing else points into
// it (its store is gone, and the tiers let go of it first); its pointers
// are to itself and to its module, read only once the module is given
// back (`take_instance`), alive.
unsafe impl Send for PooledInstance {}
