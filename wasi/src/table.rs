//! The guest's descriptor table: what each WASI file descriptor number
//! stands for on the host.

use crate::abi::rights;
use crate::errno::{Errno, WasiResult};
use std::collections::BTreeMap;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

/// What a guest descriptor refers to.
#[derive(Debug)]
pub enum Kind {
    /// The host process's standard input, output or error (0, 1, 2): never
    /// closed on the host, whatever the guest does with its number.
    Stdio(u32),
    File(OwnedFd),
    Dir(Dir),
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

#[derive(Debug)]
pub struct Descriptor {
    pub kind: Kind,
    /// Rights as `fd_fdstat_get` reports them. The host's own open mode and
    /// permissions decide what an operation may do; these only narrow
    /// (`fd_fdstat_set_rights`) and are inherited by `path_open`.
    pub base: u64,
    pub inheriting: u64,
}

impl Descriptor {
    pub fn host(&self) -> BorrowedFd<'_> {
        match &self.kind {
            Kind::Stdio(0) => rustix::stdio::stdin(),
            Kind::Stdio(1) => rustix::stdio::stdout(),
            Kind::Stdio(_) => rustix::stdio::stderr(),
            Kind::File(fd) => fd.as_fd(),
            Kind::Dir(dir) => dir.fd.as_fd(),
        }
    }

    pub fn dir(&mut self) -> WasiResult<&mut Dir> {
        match &mut self.kind {
            Kind::Dir(dir) => Ok(dir),
            _ => Err(Errno::NOTDIR),
        }
    }
}

/// Open descriptors by number. New ones take the lowest free number, as
/// POSIX `open` does.
#[derive(Debug, Default)]
pub struct Table(BTreeMap<u32, Descriptor>);

impl Table {
    pub fn get(&self, fd: u32) -> WasiResult<&Descriptor> {
        self.0.get(&fd).ok_or(Errno::BADF)
    }

    pub fn get_mut(&mut self, fd: u32) -> WasiResult<&mut Descriptor> {
        self.0.get_mut(&fd).ok_or(Errno::BADF)
    }

    pub fn insert(&mut self, descriptor: Descriptor) -> WasiResult<u32> {
        let fd = (0..=u32::MAX)
            .find(|fd| !self.0.contains_key(fd))
            .ok_or(Errno::MFILE)?;
        self.0.insert(fd, descriptor);
        Ok(fd)
    }

    pub fn remove(&mut self, fd: u32) -> WasiResult<Descriptor> {
        self.0.remove(&fd).ok_or(Errno::BADF)
    }

    /// `fd_renumber`: `from` takes the number `to`, closing what `to` was.
    pub fn renumber(&mut self, from: u32, to: u32) -> WasiResult {
        self.get(to)?;
        let descriptor = self.remove(from)?;
        self.0.insert(to, descriptor);
        Ok(())
    }

    pub fn stdio() -> Table {
        let mut table = Table::default();
        for fd in 0..3 {
            table.0.insert(
                fd,
                Descriptor {
                    kind: Kind::Stdio(fd),
                    base: rights::ALL,
                    inheriting: 0,
                },
            );
        }
        table
    }
}
