//! Relocations: the absolute addresses compiled code holds, each a 64-bit
//! immediate recorded where it lies, so that an image's bytes say nothing
//! about where it or the runtime were loaded. The same bytes then serve
//! the code mapped now and code saved and mapped again in another process
//! (`Module::serialize`, the code cache): loading applies the relocations
//! for the addresses of that process and that mapping.

use crate::builtins::RuntimeFn;

/// What an address immediate holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reloc {
    /// A function of the runtime.
    Runtime(RuntimeFn),
    /// A place in the same image, by its offset from the image's start (a
    /// stub's trampoline, an OSR trampoline's entry).
    Image(u32),
}

impl Reloc {
    /// The address it stands for in an image mapped at `base`.
    pub fn resolve(self, base: usize) -> u64 {
        match self {
            Reloc::Runtime(f) => f.addr(),
            Reloc::Image(offset) => (base + offset as usize) as u64,
        }
    }
}

/// Writes the address of each relocation at its offset in `image`, which
/// is mapped at `base`.
pub fn apply(image: &mut [u8], base: usize, relocs: &[(u32, Reloc)]) {
    for &(at, r) in relocs {
        let at = at as usize;
        image[at..at + 8].copy_from_slice(&r.resolve(base).to_le_bytes());
    }
}
