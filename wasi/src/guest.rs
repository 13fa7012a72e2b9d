//! The guest's linear memory as WASI functions see it: every pointer and
//! length a guest passes is checked here, and one that reaches past the end
//! of memory is `EFAULT`, never a host access out of bounds.

use crate::errno::{Errno, WasiResult};
use std::ops::Range;

/// The calling instance's memory, for the length of one WASI call.
pub struct GuestMemory<'a>(pub &'a mut [u8]);

/// One `iovec`/`ciovec`: a buffer in guest memory, as a checked range.
pub type IoVec = Range<usize>;

impl GuestMemory<'_> {
    /// The bytes `ptr..ptr + len`, if they are all inside memory.
    pub fn range(&self, ptr: u32, len: u32) -> WasiResult<Range<usize>> {
        let start = ptr as usize;
        let end = start + len as usize;
        if end > self.0.len() {
            return Err(Errno::FAULT);
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
        Ok(u16::from_le_bytes(self.array(ptr)?))
    }

    pub fn read_u32(&self, ptr: u32) -> WasiResult<u32> {
        Ok(u32::from_le_bytes(self.array(ptr)?))
    }

    pub fn read_u64(&self, ptr: u32) -> WasiResult<u64> {
        Ok(u64::from_le_bytes(self.array(ptr)?))
    }

    fn array<const N: usize>(&self, ptr: u32) -> WasiResult<[u8; N]> {
        let mut out = [0; N];
        out.copy_from_slice(self.slice(ptr, N as u32)?);
        Ok(out)
    }

    pub fn write(&mut self, ptr: u32, bytes: &[u8]) -> WasiResult {
        let len = u32::try_from(bytes.len()).map_err(|_| Errno::FAULT)?;
        self.slice_mut(ptr, len)?.copy_from_slice(bytes);
        Ok(())
    }

    pub fn write_u32(&mut self, ptr: u32, value: u32) -> WasiResult {
        self.write(ptr, &value.to_le_bytes())
    }

    pub fn write_u64(&mut self, ptr: u32, value: u64) -> WasiResult {
        self.write(ptr, &value.to_le_bytes())
    }

    /// A guest string of `len` bytes at `ptr` (a path), copied out.
    pub fn bytes(&self, ptr: u32, len: u32) -> WasiResult<Vec<u8>> {
        Ok(self.slice(ptr, len)?.to_vec())
    }

    /// The `count` buffers of an iovec array at `ptr` (pairs of pointer and
    /// length), each checked to lie inside memory.
    pub fn iovecs(&self, ptr: u32, count: u32) -> WasiResult<Vec<IoVec>> {
        let size = count.checked_mul(8).ok_or(Errno::FAULT)?;
        self.range(ptr, size)?;
        (0..count)
            .map(|i| {
                let at = ptr + 8 * i;
                self.range(self.read_u32(at)?, self.read_u32(at + 4)?)
            })
            .collect()
    }

    /// Copies `data` into the buffers in order, as far as it goes.
    pub fn scatter(&mut self, iovs: &[IoVec], mut data: &[u8]) {
        for iov in iovs {
            let n = iov.len().min(data.len());
            self.0[iov.start..iov.start + n].copy_from_slice(&data[..n]);
            data = &data[n..];
        }
    }

    /// The buffers' bytes, concatenated.
    pub fn gather(&self, iovs: &[IoVec]) -> Vec<u8> {
        let mut out = Vec::with_capacity(iovs.iter().map(|r| r.len()).sum());
        for iov in iovs {
            out.extend_from_slice(&self.0[iov.clone()]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_past_the_end_are_efault() {
        let mut bytes = vec![0u8; 64];
        let mut mem = GuestMemory(&mut bytes);
        assert_eq!(mem.range(60, 4), Ok(60..64));
        assert_eq!(mem.range(61, 4), Err(Errno::FAULT));
        assert_eq!(mem.range(u32::MAX, u32::MAX), Err(Errno::FAULT));
        assert_eq!(mem.write_u64(57, 1), Err(Errno::FAULT));
        // An iovec array whose entries point outside memory.
        mem.write_u32(0, 32).unwrap();
        mem.write_u32(4, 40).unwrap();
        assert_eq!(mem.iovecs(0, 1), Err(Errno::FAULT));
        assert_eq!(mem.iovecs(0, u32::MAX), Err(Errno::FAULT));
        mem.write_u32(4, 8).unwrap();
        assert_eq!(mem.iovecs(0, 1).unwrap()[0], 32..40);
    }
}
