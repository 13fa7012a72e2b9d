//! The byte encoding of what outlives a process: serialized modules and
//! cached code. Little-endian integers and length-prefixed byte strings,
//! read back with every length checked, so that a truncated or foreign
//! file is an error, never a panic. Each producer puts its own version and
//! fingerprint in front; this is only the alphabet.

/// A byte string being written.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    #[inline]
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }

    #[inline]
    pub fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    #[inline]
    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    /// A length (as 64 bits), then the bytes.
    #[inline]
    pub fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.bytes.extend_from_slice(b);
    }
}

/// A byte string being read back.
pub struct Reader<'a> {
    rest: &'a [u8],
}

/// The input ended early, or holds what its producer never writes.
#[derive(Debug, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { rest: bytes }
    }

    /// The next `n` bytes.
    #[inline]
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        if n > self.rest.len() {
            return Err(Malformed("truncated"));
        }
        let (taken, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(taken)
    }

    #[inline]
    pub fn u8(&mut self) -> Result<u8, Malformed> {
        Ok(self.take(1)?[0])
    }

    #[inline]
    pub fn u32(&mut self) -> Result<u32, Malformed> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes(b.try_into().expect("4 bytes")))
    }

    #[inline]
    pub fn u64(&mut self) -> Result<u64, Malformed> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    /// What [`Writer::bytes`] wrote.
    #[inline]
    pub fn bytes(&mut self) -> Result<&'a [u8], Malformed> {
        let n = self.u64()?;
        self.take(usize::try_from(n).map_err(|_| Malformed("truncated"))?)
    }

    /// A count of items each at least `min_size` bytes long: checked
    /// against what is left, so that a corrupt count allocates nothing.
    #[inline]
    pub fn count(&mut self, min_size: usize) -> Result<usize, Malformed> {
        let n = self.u32()? as usize;
        match n.checked_mul(min_size.max(1)) {
            Some(bytes) if bytes <= self.rest.len() => Ok(n),
            _ => Err(Malformed("truncated")),
        }
    }

    /// Whether everything has been read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back_and_truncation_is_an_error() {
        let mut w = Writer::default();
        w.u8(7);
        w.u32(0xdead_beef);
        w.u64(u64::MAX - 1);
        w.bytes(b"tandem");
        w.u32(3);
        let mut r = Reader::new(&w.bytes);
        assert_eq!(r.u8(), Ok(7));
        assert_eq!(r.u32(), Ok(0xdead_beef));
        assert_eq!(r.u64(), Ok(u64::MAX - 1));
        assert_eq!(r.bytes(), Ok(&b"tandem"[..]));
        assert_eq!(r.count(1), Err(Malformed("truncated")));
        assert!(r.is_empty());
        for len in 0..w.bytes.len() - 4 {
            let mut r = Reader::new(&w.bytes[..len]);
            let all = (|| {
                r.u8()?;
                r.u32()?;
                r.u64()?;
                r.bytes().map(|_| ())
            })();
            assert_eq!(all, Err(Malformed("truncated")), "at {len}");
        }
    }
}
