//! The guest's descriptor table: what each WASI file descriptor number
//! stands for on the host.

use crate::errno::{Errno, ErrnoResult};
use std::collections::{BTreeMap, BTreeSet};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

/// What a guest descriptor refers to.
#[derive(Debug)]
pub enum Descriptor {
    /// The host process's standard input, output or error (0, 1, 2): never
    /// closed on the host, whatever the guest does with its number.
    Stdio(u32),
    File(File),
    Dir(Dir),
}

#[derive(Debug)]
pub struct File {
    pub fd: OwnedFd,
    /// The open mode, which the rights `fd_fdstat_get` reports follow.
    pub read: bool,
    pub write: bool,
    /// Opened or set `APPEND` (the host descriptor is `O_APPEND` too, so
    /// that the kernel appends; this spares `fd_write` asking it).
    pub append: bool,
    /// Where `fd_read` and `fd_write` go next (see `fd_seek`).
    pub position: u64,
}

#[derive(Debug)]
pub struct Dir {
    pub fd: OwnedFd,
    /// The name a preopened directory is known by (`fd_prestat_dir_name`).
    pub preopen: Option<String>,
    /// The entries `fd_readdir` hands out, read when a listing starts at
    /// cookie 0 and kept until the next start, so that a program removing
    /// entries while it lists them sees each entry once.
    pub listing: Option<Vec<crate::fs::DirEntry>>,
}

impl Descriptor {
    pub fn host(&self) -> BorrowedFd<'_> {
        match self {
            Descriptor::Stdio(0) => rustix::stdio::stdin(),
            Descriptor::Stdio(1) => rustix::stdio::stdout(),
            Descriptor::Stdio(_) => rustix::stdio::stderr(),
            Descriptor::File(file) => file.fd.as_fd(),
            Descriptor::Dir(dir) => dir.fd.as_fd(),
        }
    }
}

/// Open descriptors by number, numbered as wasmtime numbers them, so that a
/// program printing its descriptors prints the same on both: a new one takes
/// the highest number closed before and not reused yet, else one past the
/// highest open.
#[derive(Debug, Default)]
pub struct Table {
    open: BTreeMap<u32, Descriptor>,
    closed: BTreeSet<u32>,
}

impl Table {
    pub fn get(&self, fd: u32) -> ErrnoResult<&Descriptor> {
        self.open.get(&fd).ok_or(Errno::BADF)
    }

    pub fn get_mut(&mut self, fd: u32) -> ErrnoResult<&mut Descriptor> {
        self.open.get_mut(&fd).ok_or(Errno::BADF)
    }

    /// The file `fd` is; `EBADF` for anything else, as every `fd_*` call
    /// that only makes sense on a file answers.
    pub fn file(&self, fd: u32) -> ErrnoResult<&File> {
        match self.get(fd)? {
            Descriptor::File(file) => Ok(file),
            _ => Err(Errno::BADF),
        }
    }

    /// The directory `fd` is; `EBADF` for anything else.
    pub fn dir(&self, fd: u32) -> ErrnoResult<&Dir> {
        match self.get(fd)? {
            Descriptor::Dir(dir) => Ok(dir),
            _ => Err(Errno::BADF),
        }
    }

    pub fn dir_mut(&mut self, fd: u32) -> ErrnoResult<&mut Dir> {
        match self.get_mut(fd)? {
            Descriptor::Dir(dir) => Ok(dir),
            _ => Err(Errno::BADF),
        }
    }

    pub fn insert(&mut self, descriptor: Descriptor) -> ErrnoResult<u32> {
        let fd = match self.closed.pop_last() {
            Some(fd) => fd,
            None => match self.open.last_key_value() {
                None => 0,
                Some((&last, _)) => match last.checked_add(1) {
                    Some(fd) => fd,
                    None => (0..u32::MAX)
                        .rev()
                        .find(|fd| !self.open.contains_key(fd))
                        .ok_or(Errno::MFILE)?,
                },
            },
        };
        self.open.insert(fd, descriptor);
        Ok(fd)
    }

    pub fn remove(&mut self, fd: u32) -> ErrnoResult<Descriptor> {
        let descriptor = self.open.remove(&fd).ok_or(Errno::BADF)?;
        self.closed.insert(fd);
        Ok(descriptor)
    }

    /// `fd_renumber`: `from` takes the number `to`, closing what `to` was;
    /// both must be open.
    pub fn renumber(&mut self, from: u32, to: u32) -> ErrnoResult {
        self.get(to)?;
        self.get(from)?;
        if from != to {
            let descriptor = self.remove(from)?;
            self.open.insert(to, descriptor);
        }
        Ok(())
    }

    pub fn stdio() -> Table {
        let mut table = Table::default();
        for fd in 0..3 {
            table.open.insert(fd, Descriptor::Stdio(fd));
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Descriptor {
        Descriptor::Stdio(1)
    }

    #[test]
    fn numbers_follow_wasmtime() {
        let mut t = Table::stdio();
        assert_eq!(t.insert(file()), Ok(3));
        assert_eq!(t.insert(file()), Ok(4));
        assert_eq!(t.insert(file()), Ok(5));
        t.remove(3).unwrap();
        t.remove(4).unwrap();
        // The highest number closed comes back first.
        assert_eq!(t.insert(file()), Ok(4));
        assert_eq!(t.insert(file()), Ok(3));
        assert_eq!(t.insert(file()), Ok(6));
        // Renumbering frees `from` and takes `to` off the closed numbers.
        t.renumber(6, 5).unwrap();
        assert_eq!(t.renumber(6, 5), Err(Errno::BADF));
        assert_eq!(t.renumber(5, 9), Err(Errno::BADF));
        assert_eq!(t.insert(file()), Ok(6));
    }
}
