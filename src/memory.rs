//! Linear memories.
//!
//! Each memory reserves, up front, the address space of the largest memory a
//! 32-bit index can reach plus a guard region of the same size, so that
//! `memory.grow` never moves the base and any `base + u32 index + u32 offset`
//! lands inside the reservation. Pages past the current size are
//! inaccessible; growing makes more of them readable and writable.
//!
//! A 64-bit memory (memory64) has the same reservation, all of it usable,
//! so it can grow to 8 GiB; a `memory.grow` past that fails (returns -1) as
//! the specification allows. No guard region can cover a 64-bit index, so
//! every tier checks its accesses: the interpreter against the current
//! size, compiled code against the reservation (whose pages past the size
//! fault, as a 32-bit memory's guard pages do).

use crate::memory_image::MemoryImage;
use crate::store::{Hooks, Stored};
use crate::{AsContext, AsContextMut, Error, MemoryType, Result};
use memmap2::{MmapMut, MmapOptions};
use tandem_vm::VMMemory;

use tandem_vm::WASM_PAGE_SIZE as PAGE_SIZE;
/// Pages a 32-bit memory can have at most.
const MAX_PAGES: u64 = 1 << 16;
/// Pages a 64-bit memory can have at most here: its whole reservation.
const MAX_PAGES_64: u64 = (RESERVATION / PAGE_SIZE) as u64;
/// 4 GiB addressable + 4 GiB guard (a fault there is a trap, see
/// [`tandem_vm::fault`]).
const RESERVATION: usize = tandem_vm::fault::MEMORY_RESERVATION;

/// The runtime's memory object; `vm` comes first so a `*mut VMMemory` handed
/// to a tier is also a pointer to this.
#[repr(C)]
pub(crate) struct MemoryInstance {
    pub vm: VMMemory,
    map: MmapMut,
    max_pages: u64,
    pub ty: MemoryType,
    /// The owning store's limiter.
    hooks: Hooks,
}

impl MemoryInstance {
    pub fn new(ty: MemoryType, hooks: Hooks) -> Result<Box<MemoryInstance>> {
        let limit = if ty.memory64 { MAX_PAGES_64 } else { MAX_PAGES };
        let max_pages = ty.max.unwrap_or(limit).min(limit);
        if ty.min > max_pages {
            return Err(Error::Limit(format!("memory of {} pages", ty.min)));
        }
        let mut map = MmapOptions::new()
            .len(RESERVATION)
            .no_reserve_swap()
            .map_anon()
            .map_err(|e| Error::Limit(format!("cannot reserve linear memory: {e}")))?;
        let base = map.as_mut_ptr();
        // SAFETY: the range lies within the mapping we own; no references to
        // its bytes exist yet.
        unsafe {
            rustix::mm::mprotect(base.cast(), RESERVATION, rustix::mm::MprotectFlags::empty())
                .map_err(|e| Error::Limit(format!("cannot protect linear memory: {e}")))?;
        }
        let bytes = |pages: u64| pages as usize * PAGE_SIZE;
        let max = ty.max.map(|m| bytes(m.min(max_pages)));
        if !hooks.memory_growing(0, bytes(ty.min), max) {
            return Err(Error::Limit(format!(
                "a memory of {} pages is more than the store's limiter allows",
                ty.min
            )));
        }
        let mut mem = Box::new(MemoryInstance {
            vm: VMMemory { base, len: 0 },
            map,
            max_pages,
            ty,
            hooks,
        });
        mem.resize(ty.min)
            .map_err(|e| Error::Limit(format!("cannot make linear memory accessible: {e}")))?;
        Ok(mem)
    }

    pub fn pages(&self) -> u64 {
        (self.vm.len / PAGE_SIZE) as u64
    }

    /// Grows by `delta` pages; returns the old size, or `None` past the
    /// maximum or where the store's limiter refuses.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta).filter(|&n| n <= self.max_pages)?;
        if delta > 0 {
            let bytes = |pages: u64| pages as usize * PAGE_SIZE;
            let max = self.ty.max.map(|m| bytes(m.min(self.max_pages)));
            if !self.hooks.memory_growing(self.vm.len, bytes(new), max) {
                return None;
            }
            self.resize(new).ok()?;
        }
        Some(old)
    }

    /// Makes the first `pages` pages (at least the current ones, at most
    /// the maximum) accessible.
    fn resize(&mut self, pages: u64) -> rustix::io::Result<()> {
        let new_len = pages as usize * PAGE_SIZE;
        if new_len > self.vm.len {
            // SAFETY: [len, new_len) lies inside our reservation (`pages` is at
            // most `max_pages`, whose bytes it holds).
            unsafe {
                rustix::mm::mprotect(
                    self.vm.base.add(self.vm.len).cast(),
                    new_len - self.vm.len,
                    rustix::mm::MprotectFlags::READ | rustix::mm::MprotectFlags::WRITE,
                )?;
            }
            self.vm.len = new_len;
        }
        self.ty.min = pages;
        Ok(())
    }

    /// Maps `image` over the memory's bytes where it lies, copy-on-write,
    /// replacing what they held (zeros, in a new memory).
    pub fn map_image(&mut self, image: &MemoryImage) -> rustix::io::Result<()> {
        if image
            .offset
            .checked_add(image.len)
            .is_none_or(|end| end > self.vm.len)
        {
            return Err(rustix::io::Errno::INVAL);
        }
        use rustix::mm::{MapFlags, ProtFlags};
        // SAFETY: the range lies in the accessible part of the reservation
        // we own (checked above; an image is host-page aligned), so the
        // fixed mapping replaces only pages of this memory; no reference
        // points into them, the memory being borrowed mutably.
        unsafe {
            rustix::mm::mmap(
                self.vm.base.add(image.offset).cast(),
                image.len,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::PRIVATE | MapFlags::FIXED,
                image.fd(),
                0,
            )?;
        }
        Ok(())
    }

    pub fn bytes(&self) -> &[u8] {
        &self.map[..self.vm.len]
    }

    pub fn bytes_mut(&mut self) -> &mut [u8] {
        let len = self.vm.len;
        &mut self.map[..len]
    }
}

/// `Builtins::memory_grow`.
pub(crate) unsafe extern "C" fn memory_grow(memory: *mut VMMemory, delta: u64) -> u64 {
    // SAFETY: tiers only pass the `VMMemory` pointers of a live instance,
    // which are the first field of a `MemoryInstance`.
    let memory = unsafe { &mut *(memory as *mut MemoryInstance) };
    memory.grow(delta).unwrap_or(u64::MAX)
}

/// A linear memory, by handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory(pub(crate) Stored);

impl Memory {
    pub fn new(mut store: impl AsContextMut, ty: MemoryType) -> Result<Memory> {
        let objs = store.objects_mut();
        objs.check_counts(0, 0, 1)?;
        let memory = MemoryInstance::new(ty, objs.hooks)?;
        Ok(objs.push_memory(memory))
    }
    pub fn ty(&self, store: impl AsContext) -> MemoryType {
        store.objects().memory(self).ty
    }
    /// Current size in pages.
    pub fn size(&self, store: impl AsContext) -> u64 {
        store.objects().memory(self).pages()
    }
    pub fn data<'a, S: AsContext>(&self, store: &'a S) -> &'a [u8] {
        store.objects().memory(self).bytes()
    }
    pub fn data_mut<'a, S: AsContextMut>(&self, store: &'a mut S) -> &'a mut [u8] {
        store.objects_mut().memory_mut(self).bytes_mut()
    }
    /// The memory's bytes and the store's data at once, so a host function
    /// can move bytes between guest memory and its own state (a WASI
    /// `fd_read` into the guest's buffers, say) without copying.
    pub fn data_and_store_mut<'a, S: AsContextMut>(
        &self,
        store: &'a mut S,
    ) -> (&'a mut [u8], &'a mut S::Data) {
        // SAFETY: `store_ptr` points at the store `store` borrows mutably for
        // 'a; the memory (in `objects`) and `data` are disjoint fields.
        let inner = unsafe { &mut *store.store_ptr() };
        (inner.objects.memory_mut(self).bytes_mut(), &mut inner.data)
    }
    /// Grows by `delta` pages, returning the old size.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64) -> Result<u64> {
        store
            .objects_mut()
            .memory_mut(self)
            .grow(delta)
            .ok_or_else(|| Error::Limit(format!("cannot grow memory by {delta} pages")))
    }
    pub fn read(&self, store: impl AsContext, offset: usize, buf: &mut [u8]) -> Result<()> {
        let data = store.objects().memory(self).bytes();
        buf.copy_from_slice(&data[span(data.len(), offset, buf.len(), "read")?]);
        Ok(())
    }
    pub fn write(&self, mut store: impl AsContextMut, offset: usize, buf: &[u8]) -> Result<()> {
        let data = store.objects_mut().memory_mut(self).bytes_mut();
        let span = span(data.len(), offset, buf.len(), "write")?;
        data[span].copy_from_slice(buf);
        Ok(())
    }
}

/// The bytes `offset..offset + len` of a memory of `size` bytes, if in bounds.
fn span(size: usize, offset: usize, len: usize, what: &str) -> Result<std::ops::Range<usize>> {
    offset
        .checked_add(len)
        .filter(|&end| end <= size)
        .map(|end| offset..end)
        .ok_or_else(|| Error::Limit(format!("memory {what} out of bounds")))
}
