//! Copy-on-write images of the memories a module defines: the bytes its
//! active data segments give each memory, laid out once per module in an
//! anonymous file (a sealed memfd) that every instance maps private over
//! its linear memory instead of copying the segments. Instantiation then
//! costs one `mmap` per memory, whatever the segments' size; the pages stay
//! shared until an instance writes them, and only those it touches are
//! ever read.
//!
//! A memory gets an image when every active segment writing into it has a
//! constant offset (not one read from a global, which only instantiation
//! knows) and fits in its initial size: then none of them traps, and
//! applying them in order is writing the image. Otherwise instantiation
//! copies the segments as before, trapping where it must; so it does for
//! imported memories, which belong to another instance.

use crate::module::{ConstExpr, ConstOp, ModuleInner, SegmentMode};
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU64, Ordering};
use tandem_vm::WASM_PAGE_SIZE;

/// Images map from and to host page boundaries.
const HOST_PAGE: u64 = 4096;

/// The initial contents of one memory, where they are not all zeros.
pub(crate) struct MemoryImage {
    /// Unique in the process: names the image mapped in a pooled memory.
    pub id: u64,
    fd: OwnedFd,
    /// Where the image lies in the memory, host-page aligned.
    pub offset: usize,
    pub len: usize,
}

impl MemoryImage {
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// The images of a module's memories, by memory index (none for imported
/// memories, or where the segments are copied).
pub(crate) struct MemoryImages {
    images: Box<[Option<MemoryImage>]>,
    /// Whether every active data segment writes into a memory with an image.
    covers_all: bool,
}

impl MemoryImages {
    pub fn new(module: &ModuleInner) -> MemoryImages {
        let _span =
            tracing::debug_span!("memory_images", module = module.name.as_deref()).entered();
        let imported = module.num_imported_memories();
        let images: Box<[Option<MemoryImage>]> = (0..module.env.memories.len())
            .map(|m| (m >= imported).then(|| image(module, m as u32)).flatten())
            .collect();
        let covers_all = module.data.iter().all(|seg| match seg.mode {
            SegmentMode::Active { index, .. } => images[index as usize].is_some(),
            _ => true,
        });
        MemoryImages { images, covers_all }
    }

    /// The image of memory `index`, if it has one.
    pub fn get(&self, index: usize) -> Option<&MemoryImage> {
        self.images.get(index)?.as_ref()
    }

    /// Whether every active data segment writes into a memory with an
    /// image (so fits it, and is applied by mapping it).
    pub fn covers_all(&self) -> bool {
        self.covers_all
    }
}

/// The image of defined memory `memory`, if it can have one.
fn image(module: &ModuleInner, memory: u32) -> Option<MemoryImage> {
    let ty = &module.env.memories[memory as usize];
    let size = ty.initial.saturating_mul(WASM_PAGE_SIZE as u64);
    let mut segments: Vec<(u64, Range<usize>)> = Vec::new();
    for seg in &module.data {
        let SegmentMode::Active { index, offset } = &seg.mode else {
            continue;
        };
        if *index != memory {
            continue;
        }
        let Some(at) = constant(offset, ty.memory64) else {
            tracing::debug!(
                memory,
                "no copy-on-write image: a data segment's offset reads a global; \
                 instantiation copies the segments"
            );
            return None;
        };
        let len = seg.bytes.len() as u64;
        if at.checked_add(len).is_none_or(|end| end > size) {
            tracing::debug!(
                memory,
                "no copy-on-write image: a data segment lies past the initial size \
                 (instantiation traps there)"
            );
            return None;
        }
        if len > 0 {
            segments.push((at, seg.bytes.clone()));
        }
    }
    let start = segments.iter().map(|s| s.0).min()? / HOST_PAGE * HOST_PAGE;
    let end = (segments.iter())
        .map(|(at, bytes)| at + bytes.len() as u64)
        .max()?
        .next_multiple_of(HOST_PAGE);
    match write(&module.env.bytes, start, end - start, &segments) {
        Ok(fd) => Some(MemoryImage {
            id: {
                static NEXT_ID: AtomicU64 = AtomicU64::new(0);
                NEXT_ID.fetch_add(1, Ordering::Relaxed)
            },
            fd,
            offset: start as usize,
            len: (end - start) as usize,
        }),
        Err(e) => {
            tracing::debug!(
                memory,
                "no copy-on-write image: {e}; instantiation copies the segments"
            );
            None
        }
    }
}

/// A sealed memfd of `len` bytes holding, from `start` on, the module's
/// `bytes` of each of `segments` at its offset, in order (a later segment
/// overwrites an earlier one, as applying them does). Pages no segment
/// writes stay holes, which read as zeros and take no memory.
fn write(
    bytes: &[u8],
    start: u64,
    len: u64,
    segments: &[(u64, Range<usize>)],
) -> std::io::Result<OwnedFd> {
    use rustix::fs::{fcntl_add_seals, ftruncate, memfd_create, MemfdFlags, SealFlags};
    let fd = memfd_create(
        "tandem-memory-image",
        MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING,
    )?;
    ftruncate(&fd, len)?;
    let file = std::fs::File::from(fd);
    for (at, range) in segments {
        file.write_all_at(&bytes[range.clone()], at - start)?;
    }
    let fd = OwnedFd::from(file);
    // Nothing may change an image under the instances that map it.
    fcntl_add_seals(&fd, SealFlags::SHRINK | SealFlags::GROW | SealFlags::WRITE)?;
    Ok(fd)
}

/// The value of a segment offset that reads no global: as instantiation
/// computes it, an `i32` taken unsigned unless `wide`.
fn constant(expr: &ConstExpr, wide: bool) -> Option<u64> {
    let mut stack: Vec<i64> = Vec::with_capacity(2);
    for op in &expr.0 {
        // The low 32 bits of a 64-bit add, sub or mul are those of the
        // 32-bit operation, so 64-bit arithmetic serves both widths.
        let v = match *op {
            ConstOp::I32(v) => v as i64,
            ConstOp::I64(v) => v,
            ConstOp::I32Add | ConstOp::I64Add => {
                let (b, a) = (stack.pop()?, stack.pop()?);
                a.wrapping_add(b)
            }
            ConstOp::I32Sub | ConstOp::I64Sub => {
                let (b, a) = (stack.pop()?, stack.pop()?);
                a.wrapping_sub(b)
            }
            ConstOp::I32Mul | ConstOp::I64Mul => {
                let (b, a) = (stack.pop()?, stack.pop()?);
                a.wrapping_mul(b)
            }
            _ => return None,
        };
        stack.push(v);
    }
    let v = stack.pop()?;
    Some(if wide { v as u64 } else { v as u32 as u64 })
}
