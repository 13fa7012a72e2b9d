//! The guest's linear memory as WASI functions see it: every pointer and
//! length a guest passes is checked here. One that reaches past the end of
//! memory, or a pointer to a value not aligned as its type, traps (what the
//! preview 1 spec asks, and what wasmtime does), never a host access out of
//! bounds.

use crate::errno::{Fail, WasiResult};
use std::ops::Range;

/// The trap of a pointer or length that reaches outside memory.
pub const OUT_OF_BOUNDS: Fail = Fail::Trap("pointer out of bounds");
/// The trap of a pointer not aligned as the value it points to.
pub const MISALIGNED: Fail = Fail::Trap("pointer not aligned");

/// The calling instance's memory, for the length of one WASI call.
pub struct GuestMemory<'a>(pub &'a mut [u8]);

/// One `iovec`/`ciovec`: a buffer in guest memory, as a checked range.
pub type IoVec = Range<usize>;

/// Fails unless `ptr` is a multiple of `align`.
pub fn aligned(ptr: u32, align: u32) -> WasiResult<u32> {
    if ptr % align == 0 {
        Ok(ptr)
    } else {
        Err(MISALIGNED)
    }
}

impl GuestMemory<'_> {
    /// The bytes `ptr..ptr + len`, if they are all inside memory.
    pub fn range(&self, ptr: u32, len: u32) -> WasiResult<Range<usize>> {
        let start = ptr as usize;
        let end = start + len as usize;
        if end > self.0.len() {
            return Err(OUT_OF_BOUNDS);
        }
        Ok(start..end)
    }

    pub fn slice(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let r = self.range(ptr, len)?;
        Ok(&self.0[r])
    }

    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let r = self.range(ptr, len)?;
        Ok(&mut self.0[r])
    }

    pub fn read_u16(&self, ptr: u32) -> WasiResult<u16> {
        Ok(u16::from_le_bytes(self.array(aligned(ptr, 2)?)?))
    }

    pub fn read_u32(&self, ptr: u32) -> WasiResult<u32> {
        Ok(u32::from_le_bytes(self.array(aligned(ptr, 4)?)?))
    }

    pub fn read_u64(&self, ptr: u32) -> WasiResult<u64> {
        Ok(u64::from_le_bytes(self.array(aligned(ptr, 8)?)?))
    }

    fn array<const N: usize>(&self, ptr: u32) -> WasiResult<[u8; N]> {
        let mut out = [0; N];
        out.copy_from_slice(self.slice(ptr, N as u32)?);
        Ok(out)
    }

    /// Writes bytes (a string, or a structure of alignment 1).
    pub fn write(&mut self, ptr: u32, bytes: &[u8]) -> WasiResult {
        let len = u32::try_from(bytes.len()).map_err(|_| OUT_OF_BOUNDS)?;
        self.slice_mut(ptr, len)?.copy_from_slice(bytes);
        Ok(())
    }

    /// Writes a structure whose type is aligned to `align` bytes.
    pub fn write_struct(&mut self, ptr: u32, bytes: &[u8], align: u32) -> WasiResult {
        self.write(aligned(ptr, align)?, bytes)
    }

    pub fn write_u32(&mut self, ptr: u32, value: u32) -> WasiResult {
        self.write_struct(ptr, &value.to_le_bytes(), 4)
    }

    pub fn write_u64(&mut self, ptr: u32, value: u64) -> WasiResult {
        self.write_struct(ptr, &value.to_le_bytes(), 8)
    }

    /// A guest string of `len` bytes at `ptr` (a path), copied out.
    pub fn bytes(&self, ptr: u32, len: u32) -> WasiResult<Vec<u8>> {
        Ok(self.slice(ptr, len)?.to_vec())
    }

    /// The first buffer of an iovec array (pairs of pointer and length) that
    /// is not empty, or an empty one: what one `fd_read`/`fd_write` moves,
    /// as in wasmtime. A shorter transfer is a valid answer, and the program
    /// (wasi-libc's `writev` loop, `fwrite`) carries on with the rest.
    pub fn first_iovec(&self, ptr: u32, count: u32) -> WasiResult<IoVec> {
        self.range(aligned(ptr, 4)?, count.checked_mul(8).ok_or(OUT_OF_BOUNDS)?)?;
        for i in 0..count {
            let at = ptr + 8 * i;
            let (buf, len) = (self.read_u32(at)?, self.read_u32(at + 4)?);
            if len != 0 {
                return self.range(buf, len);
            }
        }
        Ok(0..0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_outside_memory_or_misaligned_trap() {
        let mut bytes = vec![0u8; 64];
        let mut mem = GuestMemory(&mut bytes);
        assert_eq!(mem.range(60, 4), Ok(60..64));
        assert_eq!(mem.range(61, 4), Err(OUT_OF_BOUNDS));
        assert_eq!(mem.range(u32::MAX, u32::MAX), Err(OUT_OF_BOUNDS));
        assert_eq!(mem.write_u64(64, 1), Err(OUT_OF_BOUNDS));
        assert_eq!(mem.write_u64(4, 1), Err(MISALIGNED));
        assert_eq!(mem.read_u32(2), Err(MISALIGNED));
        // Iovecs: the empty ones are skipped, the first other one is taken
        // (and must lie inside memory), the rest are not looked at.
        mem.write_u32(8, 40).unwrap();
        mem.write_u32(12, 30).unwrap();
        assert_eq!(mem.first_iovec(0, 2), Err(OUT_OF_BOUNDS));
        mem.write_u32(12, 8).unwrap();
        assert_eq!(mem.first_iovec(0, 2), Ok(40..48));
        assert_eq!(mem.first_iovec(0, 8), Ok(40..48));
        assert_eq!(mem.first_iovec(0, 9), Err(OUT_OF_BOUNDS));
        assert_eq!(mem.first_iovec(0, 1), Ok(0..0));
        assert_eq!(mem.first_iovec(2, 1), Err(MISALIGNED));
    }
}
