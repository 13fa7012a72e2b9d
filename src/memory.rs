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
use crate::pool::Pool;
use crate::store::{Hooks, Stored};
use crate::{AsContext, AsContextMut, Error, MemoryType, Result};
use rustix::mm::{madvise, mmap, mmap_anonymous, mprotect, munmap};
use rustix::mm::{Advice, MapFlags, MprotectFlags, ProtFlags};
use std::ptr::NonNull;
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
    slot: MemorySlot,
    max_pages: u64,
    pub ty: MemoryType,
    /// The owning store's limiter.
    hooks: Hooks,
}

impl MemoryInstance {
    /// A memory of type `ty`, in a slot of `pool` if the engine pools them.
    /// `image` is the one it will be given, if any: a pooled slot that
    /// has it mapped keeps it (see [`MemorySlot::map_image`]).
    pub fn new(
        ty: MemoryType,
        hooks: Hooks,
        pool: Option<&Pool>,
        image: Option<&MemoryImage>,
    ) -> Result<Box<MemoryInstance>> {
        let limit = if ty.memory64 { MAX_PAGES_64 } else { MAX_PAGES };
        let limit = limit.min(pool.map_or(u64::MAX, Pool::max_memory_pages));
        let max_pages = ty.max.unwrap_or(limit).min(limit);
        if ty.min > max_pages {
            return Err(Error::Limit(format!("memory of {} pages", ty.min)));
        }
        let bytes = |pages: u64| pages as usize * PAGE_SIZE;
        let max = ty.max.map(|m| bytes(m.min(max_pages)));
        if !hooks.memory_growing(0, bytes(ty.min), max) {
            return Err(Error::Limit(format!(
                "a memory of {} pages is more than the store's limiter allows",
                ty.min
            )));
        }
        let cannot = |e| Error::Limit(format!("cannot make a linear memory: {e}"));
        let mut slot = match pool {
            Some(pool) => pool.memory(image.map(|i| i.id))?,
            None => MemorySlot::reserve()?,
        };
        let ready = match slot.image_id() {
            Some(id) if image.is_none_or(|i| i.id != id) => slot.clear_image(),
            _ => Ok(()),
        };
        let mut mem = Box::new(MemoryInstance {
            vm: VMMemory {
                base: slot.base.as_ptr(),
                len: 0,
            },
            slot,
            max_pages,
            ty,
            hooks,
        });
        ready.map_err(cannot)?;
        mem.resize(ty.min).map_err(cannot)?;
        Ok(mem)
    }

    /// The memory's slot, for its pool.
    pub fn into_slot(self) -> MemorySlot {
        self.slot
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

    /// Makes the first `pages` pages accessible (at least the current
    /// ones, at most the maximum).
    fn resize(&mut self, pages: u64) -> rustix::io::Result<()> {
        let len = pages as usize * PAGE_SIZE;
        self.slot.make_accessible(len)?;
        self.vm.len = len;
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
        self.slot.map_image(image)
    }

    /// Makes every byte zero again where an image of a pooled slot's
    /// earlier memory still shows (when the segments are copied instead).
    pub fn clear_image(&mut self) -> rustix::io::Result<()> {
        self.slot.clear_image()
    }

    pub fn bytes(&self) -> &[u8] {
        // SAFETY: the first `len` bytes of the reservation are accessible
        // and belong to this memory, borrowed as `self` is.
        unsafe { std::slice::from_raw_parts(self.vm.base, self.vm.len) }
    }

    pub fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as for `bytes`, borrowed mutably.
        unsafe { std::slice::from_raw_parts_mut(self.vm.base, self.vm.len) }
    }
}

/// A linear memory's address space: the reservation, how much of it is
/// accessible, and which copy-on-write image is mapped in it. It outlives
/// its memory in a pool, and is then reset (see [`Pool`]).
pub(crate) struct MemorySlot {
    base: NonNull<u8>,
    /// Bytes from `base` readable and writable; the rest faults.
    accessible: usize,
    /// The image mapped, and where.
    image: Option<MappedImage>,
}

/// An image's place in a slot; `id` names the image (`MemoryImage::id`).
#[derive(Clone, Copy)]
struct MappedImage {
    id: u64,
    offset: usize,
    len: usize,
}

// SAFETY: the slot owns its mapping, which any thread may use; the memory
// that has it is borrowed as the store is.
unsafe impl Send for MemorySlot {}

impl Drop for MemorySlot {
    fn drop(&mut self) {
        // SAFETY: the reservation is ours; nothing points into it any more.
        if let Err(e) = unsafe { munmap(self.base.as_ptr().cast(), RESERVATION) } {
            tracing::warn!("cannot unmap a linear memory: {e}");
        }
    }
}

impl MemorySlot {
    /// A reservation of which nothing is accessible yet.
    pub fn reserve() -> Result<MemorySlot> {
        // SAFETY: a new private mapping where the kernel chooses: nothing
        // else is there.
        let base = unsafe {
            mmap_anonymous(
                std::ptr::null_mut(),
                RESERVATION,
                ProtFlags::empty(),
                MapFlags::PRIVATE | MapFlags::NORESERVE,
            )
        }
        .map_err(|e| Error::Limit(format!("cannot reserve linear memory: {e}")))?;
        Ok(MemorySlot {
            base: NonNull::new(base.cast()).expect("mmap never maps address 0"),
            accessible: 0,
            image: None,
        })
    }

    /// The image mapped in the slot, if any.
    pub fn image_id(&self) -> Option<u64> {
        self.image.map(|m| m.id)
    }

    /// Makes the first `len` bytes accessible and those past them not.
    fn make_accessible(&mut self, len: usize) -> rustix::io::Result<()> {
        let (from, to, prot) = match len.cmp(&self.accessible) {
            std::cmp::Ordering::Equal => return Ok(()),
            std::cmp::Ordering::Greater => (
                self.accessible,
                len,
                MprotectFlags::READ | MprotectFlags::WRITE,
            ),
            std::cmp::Ordering::Less => (len, self.accessible, MprotectFlags::empty()),
        };
        // SAFETY: [from, to) lies inside the reservation (`len` is at most a
        // memory's maximum, whose bytes it holds); no reference points into
        // what becomes inaccessible (a memory shrinks only in a pool, reset).
        unsafe { mprotect(self.base.as_ptr().add(from).cast(), to - from, prot)? };
        self.accessible = len;
        Ok(())
    }

    /// Maps `image` where it lies, unless it is there already (a pooled
    /// slot, reset, shows the image it had as it was).
    fn map_image(&mut self, image: &MemoryImage) -> rustix::io::Result<()> {
        if self.image_id() == Some(image.id) {
            return Ok(());
        }
        self.clear_image()?;
        // SAFETY: the range lies in the accessible part of the reservation
        // we own (checked by the memory; an image is host-page aligned), so
        // the fixed mapping replaces only pages of this memory; no
        // reference points into them, the memory being borrowed mutably.
        unsafe {
            mmap(
                self.base.as_ptr().add(image.offset).cast(),
                image.len,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::PRIVATE | MapFlags::FIXED,
                image.fd(),
                0,
            )?;
        }
        self.image = Some(MappedImage {
            id: image.id,
            offset: image.offset,
            len: image.len,
        });
        Ok(())
    }

    /// Replaces the image mapped, if any, with zeros.
    fn clear_image(&mut self) -> rustix::io::Result<()> {
        let Some(m) = self.image.take() else {
            return Ok(());
        };
        let prot = |end: usize| match end <= self.accessible {
            true => ProtFlags::READ | ProtFlags::WRITE,
            false => ProtFlags::empty(),
        };
        // SAFETY: the image's range lies inside the reservation; fresh
        // anonymous pages replace it, accessible as the rest of the slot is
        // (the image began inside the accessible part, which only a reset
        // slot's next memory may have made smaller).
        unsafe {
            let at = self.base.as_ptr().add(m.offset);
            mmap_anonymous(
                at.cast(),
                m.len,
                prot(m.offset + m.len),
                MapFlags::PRIVATE | MapFlags::FIXED | MapFlags::NORESERVE,
            )?;
            if m.offset + m.len > self.accessible && m.offset < self.accessible {
                mprotect(
                    at.cast(),
                    self.accessible - m.offset,
                    MprotectFlags::READ | MprotectFlags::WRITE,
                )?;
            }
        }
        Ok(())
    }

    /// Gives back every page written: what the image maps reads the image
    /// again, the rest zeros.
    pub fn reset(&mut self) -> rustix::io::Result<()> {
        // SAFETY: the accessible part of our reservation; its memory is
        // gone, so nothing points into it.
        unsafe {
            madvise(
                self.base.as_ptr().cast(),
                self.accessible,
                Advice::LinuxDontNeed,
            )
        }
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
        let memory = MemoryInstance::new(ty, objs.hooks, objs.engine.pool(), None)?;
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
