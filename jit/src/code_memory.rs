//! Executable memory for compiled code, on memmap2: a region is written
//! while it is an anonymous read-write mapping, then turned read-execute
//! before anything runs it, and never made writable again (W^X). It is
//! registered with the code registry for as long as it is mapped.

use memmap2::{Mmap, MmapMut};
use std::sync::Arc;
use tandem_vm::code_registry::{self, CodeRegion, FuncRange, Landing};
use tandem_vm::TrapCode;

/// A mapped, executable region of code.
pub struct CodeMemory {
    map: Mmap,
    /// What the code registry knows of it.
    region: Arc<CodeRegion>,
}

impl CodeMemory {
    /// Maps `code` executable and registers its functions, trap sites and
    /// landing pads (offsets into `code`), letting `patch` finish the image
    /// once its address is known (for the absolute addresses it holds),
    /// before it becomes executable.
    pub fn new(
        code: &[u8],
        funcs: Vec<FuncRange>,
        traps: Vec<(u32, TrapCode)>,
        landings: Vec<Landing>,
        patch: impl FnOnce(&mut [u8], usize),
    ) -> std::io::Result<CodeMemory> {
        let mut map = MmapMut::map_anon(code.len().max(1))?;
        map[..code.len()].copy_from_slice(code);
        let base = map.as_ptr() as usize;
        patch(&mut map[..], base);
        let map = map.make_exec()?;
        let region = Arc::new(CodeRegion {
            start: map.as_ptr() as usize,
            len: code.len(),
            funcs,
            traps,
            landings,
        });
        code_registry::register(region.clone());
        Ok(CodeMemory { map, region })
    }

    /// The code, as mapped.
    pub fn bytes(&self) -> &[u8] {
        &self.map[..self.region.len]
    }

    /// Its functions, trap sites and landing pads.
    pub fn region(&self) -> &CodeRegion {
        &self.region
    }

    /// The address of the byte at `offset`.
    pub fn addr(&self, offset: usize) -> *const u8 {
        self.map[offset..].as_ptr()
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        code_registry::unregister(self.region.start, self.region.len);
    }
}
