//! The `fd_*` and `path_*` functions: files and directories.
//!
//! Every path is resolved by [`crate::sandbox`] below the directory
//! descriptor the guest names; every operation then acts on the directory
//! that resolution ended in and a single name, with the `*at` calls, and
//! never follows a symbolic link the sandbox did not check.

use crate::abi::{self, fdflags, fstflags, oflags, rights, LOOKUP_SYMLINK_FOLLOW};
use crate::errno::{Errno, WasiResult};
use crate::guest::{GuestMemory, IoVec};
use crate::sandbox::{self, Resolved};
use crate::table::{Descriptor, Dir, File};
use crate::WasiCtx;
use rustix::fs::{self as host, AtFlags, Mode, OFlags, SeekFrom, Timestamps};
use rustix::io::Errno as HostErrno;
use rustix::time::Timespec;
use std::os::fd::{AsFd, BorrowedFd};

/// The most one `fd_read`/`fd_write` moves through a bounce buffer when the
/// guest passes several buffers; a shorter transfer is a valid answer.
const MAX_BOUNCE: usize = 16 << 20;

/// One entry of a directory listing, as `fd_readdir` hands it out.
#[derive(Debug)]
pub struct DirEntry {
    ino: u64,
    ty: u8,
    name: Vec<u8>,
}

/// Retries a host call interrupted by a signal.
fn retry<T>(mut f: impl FnMut() -> rustix::io::Result<T>) -> WasiResult<T> {
    loop {
        match f() {
            Err(HostErrno::INTR) => continue,
            other => return other.map_err(Errno::from),
        }
    }
}

/// Reads once into the guest's buffers: straight into the buffer when there
/// is one, else through a bounce buffer (buffers may overlap). `at` reads
/// at an offset without moving the file position (`fd_pread`).
fn read_into(
    fd: BorrowedFd<'_>,
    mem: &mut GuestMemory<'_>,
    iovs: &[IoVec],
    at: Option<u64>,
) -> WasiResult<usize> {
    let read = |buf: &mut [u8]| match at {
        Some(offset) => retry(|| rustix::io::pread(fd, &mut *buf, offset)),
        None => retry(|| rustix::io::read(fd, &mut *buf)),
    };
    let mut nonempty = iovs.iter().filter(|r| !r.is_empty());
    match (nonempty.next(), nonempty.next()) {
        (None, _) => Ok(0),
        (Some(only), None) => read(&mut mem.0[only.clone()]),
        _ => {
            let total: usize = iovs.iter().map(|r| r.len()).sum();
            let mut buf = vec![0; total.min(MAX_BOUNCE)];
            let n = read(&mut buf)?;
            mem.scatter(iovs, &buf[..n]);
            Ok(n)
        }
    }
}

/// Writes the guest's buffers with one host write.
fn write_from(
    fd: BorrowedFd<'_>,
    mem: &GuestMemory<'_>,
    iovs: &[IoVec],
    at: Option<u64>,
) -> WasiResult<usize> {
    let write = |buf: &[u8]| match at {
        Some(offset) => retry(|| rustix::io::pwrite(fd, buf, offset)),
        None => retry(|| rustix::io::write(fd, buf)),
    };
    let mut nonempty = iovs.iter().filter(|r| !r.is_empty());
    match (nonempty.next(), nonempty.next()) {
        (None, _) => Ok(0),
        (Some(only), None) => write(&mem.0[only.clone()]),
        _ => {
            let mut bytes = mem.gather(iovs);
            bytes.truncate(MAX_BOUNCE);
            write(&bytes)
        }
    }
}

/// The host times a `*_set_times` call asks for.
fn timestamps(atim: u64, mtim: u64, flags: u16) -> WasiResult<Timestamps> {
    if flags & !0xf != 0 {
        return Err(Errno::INVAL);
    }
    let pick = |time: u64, set: u16, now: u16| -> WasiResult<Timespec> {
        let at = |nsec| Timespec {
            tv_sec: 0,
            tv_nsec: nsec,
        };
        match (flags & set != 0, flags & now != 0) {
            (true, true) => Err(Errno::INVAL),
            (true, false) => Ok(Timespec {
                tv_sec: (time / 1_000_000_000) as i64,
                tv_nsec: (time % 1_000_000_000) as _,
            }),
            (false, true) => Ok(at(host::UTIME_NOW)),
            (false, false) => Ok(at(host::UTIME_OMIT)),
        }
    };
    Ok(Timestamps {
        last_access: pick(atim, fstflags::ATIM, fstflags::ATIM_NOW)?,
        last_modification: pick(mtim, fstflags::MTIM, fstflags::MTIM_NOW)?,
    })
}

/// All entries of the directory `fd`: `.` and `..` first, then the others
/// in host order (as wasmtime lists them, so that even a program printing
/// an unsorted listing prints the same on both).
fn list(fd: BorrowedFd<'_>) -> WasiResult<Vec<DirEntry>> {
    let ino = host::fstat(fd)?.st_ino;
    let mut out: Vec<DirEntry> = [&b"."[..], b".."]
        .into_iter()
        .map(|name| DirEntry {
            ino,
            ty: abi::filetype::DIRECTORY,
            name: name.to_vec(),
        })
        .collect();
    let mut dir = host::Dir::read_from(fd)?;
    while let Some(entry) = dir.read() {
        let entry = entry?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let ty = match entry.file_type() {
            // Some file systems leave the type to a stat.
            host::FileType::Unknown => {
                host::statat(fd, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW)
                    .map_or(abi::filetype::UNKNOWN, |st| {
                        abi::filetype_of(host::FileType::from_raw_mode(st.st_mode))
                    })
            }
            ty => abi::filetype_of(ty),
        };
        out.push(DirEntry {
            ino: entry.ino(),
            ty,
            name: name.to_vec(),
        });
    }
    Ok(out)
}

/// The file type standard I/O reports: a terminal is a character device,
/// anything else unknown (as in wasmtime, which hands the guest streams).
fn stdio_filetype(fd: u32) -> u8 {
    use std::io::IsTerminal;
    let terminal = match fd {
        0 => std::io::stdin().is_terminal(),
        1 => std::io::stdout().is_terminal(),
        _ => std::io::stderr().is_terminal(),
    };
    if terminal {
        abi::filetype::CHARACTER_DEVICE
    } else {
        abi::filetype::UNKNOWN
    }
}

impl WasiCtx {
    /// The host descriptor of the file `fd`: `EBADF` for standard I/O and
    /// directories, which the calls using this do not serve (as wasmtime).
    fn file_fd(&self, fd: u32) -> WasiResult<BorrowedFd<'_>> {
        Ok(self.table.file(fd)?.fd.as_fd())
    }

    /// The directory descriptor `fd`, for resolving a path below it.
    fn dir_fd(&self, fd: u32) -> WasiResult<BorrowedFd<'_>> {
        Ok(self.table.dir(fd)?.fd.as_fd())
    }

    fn resolve(
        &self,
        mem: &GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
        follow: bool,
    ) -> WasiResult<Resolved<'_>> {
        let path = mem.bytes(path, len)?;
        sandbox::resolve(self.dir_fd(fd)?, &path, follow)
    }

    pub(crate) fn fd_advise(
        &mut self,
        _: &mut GuestMemory<'_>,
        fd: u32,
        offset: u64,
        len: u64,
        advice: u32,
    ) -> WasiResult {
        use host::Advice;
        let advice = match advice {
            0 => Advice::Normal,
            1 => Advice::Sequential,
            2 => Advice::Random,
            3 => Advice::WillNeed,
            4 => Advice::DontNeed,
            5 => Advice::NoReuse,
            _ => return Err(Errno::INVAL),
        };
        Ok(host::fadvise(
            self.file_fd(fd)?,
            offset,
            std::num::NonZeroU64::new(len),
            advice,
        )?)
    }

    pub(crate) fn fd_allocate(
        &mut self,
        _: &mut GuestMemory<'_>,
        fd: u32,
        offset: u64,
        len: u64,
    ) -> WasiResult {
        let fd = self.file_fd(fd)?;
        retry(|| host::fallocate(fd, host::FallocateFlags::empty(), offset, len))
    }

    pub(crate) fn fd_close(&mut self, _: &mut GuestMemory<'_>, fd: u32) -> WasiResult {
        self.table.remove(fd).map(drop)
    }

    pub(crate) fn fd_datasync(&mut self, _: &mut GuestMemory<'_>, fd: u32) -> WasiResult {
        let fd = self.file_fd(fd)?;
        retry(|| host::fdatasync(fd))
    }

    pub(crate) fn fd_sync(&mut self, _: &mut GuestMemory<'_>, fd: u32) -> WasiResult {
        let fd = self.file_fd(fd)?;
        retry(|| host::fsync(fd))
    }

    pub(crate) fn fd_fdstat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        out: u32,
    ) -> WasiResult {
        let d = self.table.get(fd)?;
        let (ty, flags, base, inheriting) = match d {
            Descriptor::Stdio(n) => {
                let rights = if *n == 0 {
                    rights::FD_READ
                } else {
                    rights::FD_WRITE
                };
                (stdio_filetype(*n), 0, rights, rights)
            }
            Descriptor::Dir(Dir {
                preopen: Some(_), ..
            }) => (
                abi::filetype::DIRECTORY,
                0,
                rights::PREOPEN_BASE,
                rights::PREOPEN_INHERITING,
            ),
            Descriptor::File(_) | Descriptor::Dir(_) => {
                let st = host::fstat(d.host())?;
                let ty = abi::filetype_of(host::FileType::from_raw_mode(st.st_mode));
                let (read, write) = match d {
                    Descriptor::File(file) => (file.read, file.write),
                    _ => (true, false),
                };
                let mut rights = rights::ALL;
                if ty == abi::filetype::DIRECTORY {
                    rights &= !(rights::FD_SEEK
                        | rights::FD_FILESTAT_SET_SIZE
                        | rights::PATH_FILESTAT_SET_SIZE);
                }
                if !read {
                    rights &= !(rights::FD_READ | rights::FD_READDIR);
                }
                if !write {
                    rights &= !rights::FD_WRITE;
                }
                let host_flags = host::fcntl_getfl(d.host())?;
                let mut flags = 0;
                if host_flags.contains(OFlags::APPEND) {
                    flags |= fdflags::APPEND;
                }
                if host_flags.contains(OFlags::NONBLOCK) {
                    flags |= fdflags::NONBLOCK;
                }
                (ty, flags, rights, rights)
            }
        };
        let mut stat = [0u8; 24];
        stat[0] = ty;
        stat[2..4].copy_from_slice(&flags.to_le_bytes());
        stat[8..16].copy_from_slice(&base.to_le_bytes());
        stat[16..24].copy_from_slice(&inheriting.to_le_bytes());
        mem.write(out, &stat)
    }

    /// Changes `APPEND` and `NONBLOCK` of a file; the synchronous-I/O flags
    /// cannot change on an open file (`EINVAL`, as wasmtime).
    pub(crate) fn fd_fdstat_set_flags(
        &mut self,
        _: &mut GuestMemory<'_>,
        fd: u32,
        flags: u32,
    ) -> WasiResult {
        let fd = self.file_fd(fd)?;
        if flags & !(fdflags::APPEND | fdflags::NONBLOCK) as u32 != 0 {
            return Err(Errno::INVAL);
        }
        let flags = flags as u16;
        let mut host_flags = host::fcntl_getfl(fd)?;
        host_flags.set(OFlags::APPEND, flags & fdflags::APPEND != 0);
        host_flags.set(OFlags::NONBLOCK, flags & fdflags::NONBLOCK != 0);
        Ok(host::fcntl_setfl(fd, host_flags)?)
    }

    /// Rights follow the open mode (see [`rights`]) and cannot be narrowed
    /// afterwards: `ENOTSUP` for any file or directory, as wasmtime answers.
    pub(crate) fn fd_fdstat_set_rights(
        &mut self,
        _: &mut GuestMemory<'_>,
        fd: u32,
        _base: u64,
        _inheriting: u64,
    ) -> WasiResult {
        match self.table.get(fd)? {
            Descriptor::Stdio(_) => Err(Errno::BADF),
            _ => Err(Errno::NOTSUP),
        }
    }

    pub(crate) fn fd_filestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        out: u32,
    ) -> WasiResult {
        let st = match self.table.get(fd)? {
            // Standard I/O are streams, with nothing to stat but a type.
            Descriptor::Stdio(n) => {
                let mut stat = [0u8; 64];
                stat[16] = stdio_filetype(*n);
                return mem.write(out, &stat);
            }
            d => host::fstat(d.host())?,
        };
        mem.write(out, &abi::filestat(&st))
    }

    pub(crate) fn fd_filestat_set_size(
        &mut self,
        _: &mut GuestMemory<'_>,
        fd: u32,
        size: u64,
    ) -> WasiResult {
        let fd = self.file_fd(fd)?;
        retry(|| host::ftruncate(fd, size))
    }

    pub(crate) fn fd_filestat_set_times(
        &mut self,
        _: &mut GuestMemory<'_>,
        fd: u32,
        atim: u64,
        mtim: u64,
        flags: u32,
    ) -> WasiResult {
        let times = timestamps(atim, mtim, flags as u16)?;
        let fd = match self.table.get(fd)? {
            Descriptor::Stdio(_) => return Err(Errno::BADF),
            d => d.host(),
        };
        Ok(host::futimens(fd, &times)?)
    }

    pub(crate) fn fd_pread(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        count: u32,
        offset: u64,
        out: u32,
    ) -> WasiResult {
        let iovs = mem.iovecs(iovs, count)?;
        let fd = match self.table.get(fd)? {
            Descriptor::File(file) => file.fd.as_fd(),
            Descriptor::Stdio(0) => return Err(Errno::SPIPE),
            _ => return Err(Errno::BADF),
        };
        let n = read_into(fd, mem, &iovs, Some(offset))?;
        mem.write_u32(out, n as u32)
    }

    pub(crate) fn fd_pwrite(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        count: u32,
        offset: u64,
        out: u32,
    ) -> WasiResult {
        let iovs = mem.iovecs(iovs, count)?;
        let fd = match self.table.get(fd)? {
            Descriptor::File(file) => file.fd.as_fd(),
            Descriptor::Stdio(1 | 2) => return Err(Errno::SPIPE),
            _ => return Err(Errno::BADF),
        };
        let n = write_from(fd, mem, &iovs, Some(offset))?;
        mem.write_u32(out, n as u32)
    }

    pub(crate) fn fd_read(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        count: u32,
        out: u32,
    ) -> WasiResult {
        let iovs = mem.iovecs(iovs, count)?;
        let fd = match self.table.get(fd)? {
            d @ (Descriptor::File(_) | Descriptor::Stdio(0)) => d.host(),
            _ => return Err(Errno::BADF),
        };
        let n = read_into(fd, mem, &iovs, None)?;
        mem.write_u32(out, n as u32)
    }

    pub(crate) fn fd_write(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        count: u32,
        out: u32,
    ) -> WasiResult {
        let iovs = mem.iovecs(iovs, count)?;
        let fd = match self.table.get(fd)? {
            d @ (Descriptor::File(_) | Descriptor::Stdio(1 | 2)) => d.host(),
            _ => return Err(Errno::BADF),
        };
        let n = write_from(fd, mem, &iovs, None)?;
        mem.write_u32(out, n as u32)
    }

    pub(crate) fn fd_readdir(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        buf: u32,
        len: u32,
        cookie: u64,
        out: u32,
    ) -> WasiResult {
        let Dir {
            fd: dir_fd,
            listing,
            ..
        } = self.table.dir_mut(fd)?;
        if cookie == 0 || listing.is_none() {
            *listing = Some(list(dir_fd.as_fd())?);
        }
        let entries = listing.as_deref().unwrap_or_default();
        // struct dirent { u64 d_next; u64 d_ino; u32 d_namlen; u8 d_type; } + name
        let mut bytes = Vec::new();
        let first = usize::try_from(cookie).unwrap_or(usize::MAX);
        for (i, entry) in entries.iter().enumerate().skip(first) {
            if bytes.len() >= len as usize {
                break;
            }
            bytes.extend_from_slice(&(i as u64 + 1).to_le_bytes());
            bytes.extend_from_slice(&entry.ino.to_le_bytes());
            bytes.extend_from_slice(&(entry.name.len() as u32).to_le_bytes());
            bytes.extend_from_slice(&[entry.ty, 0, 0, 0]);
            bytes.extend_from_slice(&entry.name);
        }
        // A full buffer tells the guest there may be more; the entry cut
        // short is read again, from its cookie, with a larger buffer.
        bytes.truncate(len as usize);
        mem.write(buf, &bytes)?;
        mem.write_u32(out, bytes.len() as u32)
    }

    pub(crate) fn fd_renumber(
        &mut self,
        _: &mut GuestMemory<'_>,
        from: u32,
        to: u32,
    ) -> WasiResult {
        self.table.renumber(from, to)
    }

    pub(crate) fn fd_seek(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        offset: i64,
        whence: u32,
        out: u32,
    ) -> WasiResult {
        let from = match whence {
            0 => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::INVAL)?),
            1 => SeekFrom::Current(offset),
            2 => SeekFrom::End(offset),
            _ => return Err(Errno::INVAL),
        };
        let fd = match self.table.get(fd)? {
            Descriptor::File(file) => file.fd.as_fd(),
            Descriptor::Stdio(_) => return Err(Errno::SPIPE),
            Descriptor::Dir(_) => return Err(Errno::BADF),
        };
        let pos = host::seek(fd, from)?;
        mem.write_u64(out, pos)
    }

    pub(crate) fn fd_tell(&mut self, mem: &mut GuestMemory<'_>, fd: u32, out: u32) -> WasiResult {
        self.fd_seek(mem, fd, 0, 1, out)
    }

    pub(crate) fn fd_prestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        out: u32,
    ) -> WasiResult {
        let name = self.preopen_name(fd).map_err(|_| Errno::BADF)?;
        // struct prestat { u8 tag (0: directory); u32 name_len }
        let mut prestat = [0u8; 8];
        prestat[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
        mem.write(out, &prestat)
    }

    pub(crate) fn fd_prestat_dir_name(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult {
        let name = self.preopen_name(fd)?;
        if (len as usize) < name.len() {
            return Err(Errno::NAMETOOLONG);
        }
        mem.write(path, name.as_bytes())
    }

    /// The name of the preopened directory `fd`: `EBADF` if `fd` is not
    /// open, `ENOTDIR` if it is not a preopen (as wasmtime answers).
    fn preopen_name(&self, fd: u32) -> WasiResult<&str> {
        match self.table.get(fd)? {
            Descriptor::Dir(Dir {
                preopen: Some(name),
                ..
            }) => Ok(name),
            _ => Err(Errno::NOTDIR),
        }
    }

    /// Opens a file or directory. The access mode follows wasmtime: read
    /// unless only writing was asked for (`FD_WRITE` without `FD_READ`),
    /// write when `FD_WRITE` was asked for or the file is created or
    /// truncated. Inheriting rights are not consulted: wasi-libc already
    /// masked `base` by them.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_open(
        &mut self,
        mem: &mut GuestMemory<'_>,
        dirfd: u32,
        dirflags: u32,
        path: u32,
        len: u32,
        open_flags: u32,
        base: u64,
        _inheriting: u64,
        fd_flags: u32,
        out: u32,
    ) -> WasiResult {
        let (open_flags, fd_flags) = (open_flags as u16, fd_flags as u16);
        match self.table.get(dirfd)? {
            Descriptor::File(_) => return Err(Errno::NOTDIR),
            Descriptor::Stdio(_) => return Err(Errno::BADF),
            Descriptor::Dir(_) => {}
        }
        if open_flags & oflags::DIRECTORY != 0
            && open_flags & (oflags::CREAT | oflags::EXCL | oflags::TRUNC) != 0
        {
            return Err(Errno::INVAL);
        }
        // Linux cannot honour these per descriptor as WASI defines them.
        if fd_flags & (fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC) != 0 {
            return Err(Errno::NOTSUP);
        }
        let creates = open_flags & (oflags::CREAT | oflags::TRUNC) != 0;
        let write = base & rights::FD_WRITE != 0 || creates;
        let read = base & rights::FD_READ != 0 || base & rights::FD_WRITE == 0;
        let r = self.resolve(mem, dirfd, path, len, dirflags & LOOKUP_SYMLINK_FOLLOW != 0)?;
        let mut flags = OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY;
        flags |= match (read, write) {
            (true, true) => OFlags::RDWR,
            (false, true) => OFlags::WRONLY,
            _ => OFlags::RDONLY,
        };
        for (flag, host_flag) in [
            (oflags::CREAT, OFlags::CREATE),
            (oflags::DIRECTORY, OFlags::DIRECTORY),
            (oflags::EXCL, OFlags::EXCL),
            (oflags::TRUNC, OFlags::TRUNC),
        ] {
            if open_flags & flag != 0 {
                flags |= host_flag;
            }
        }
        if fd_flags & fdflags::APPEND != 0 {
            flags |= OFlags::APPEND;
        }
        if fd_flags & fdflags::NONBLOCK != 0 {
            flags |= OFlags::NONBLOCK;
        }
        if r.trailing_slash {
            flags |= OFlags::DIRECTORY;
        }
        let fd = retry(|| host::openat(r.dir(), &r.name, flags, Mode::from_raw_mode(0o666)))?;
        drop(r);
        let st = host::fstat(&fd)?;
        let descriptor = if host::FileType::from_raw_mode(st.st_mode) == host::FileType::Directory {
            Descriptor::Dir(Dir {
                fd,
                preopen: None,
                listing: None,
            })
        } else {
            Descriptor::File(File { fd, read, write })
        };
        let fd = self.table.insert(descriptor)?;
        mem.write_u32(out, fd)
    }

    pub(crate) fn path_create_directory(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult {
        let r = self.resolve(mem, fd, path, len, false)?;
        Ok(host::mkdirat(r.dir(), &r.name, Mode::from_raw_mode(0o777))?)
    }

    pub(crate) fn path_filestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        flags: u32,
        path: u32,
        len: u32,
        out: u32,
    ) -> WasiResult {
        let r = self.resolve(mem, fd, path, len, flags & LOOKUP_SYMLINK_FOLLOW != 0)?;
        let st = host::statat(r.dir(), &r.name, AtFlags::SYMLINK_NOFOLLOW)?;
        if r.trailing_slash
            && host::FileType::from_raw_mode(st.st_mode) != host::FileType::Directory
        {
            return Err(Errno::NOTDIR);
        }
        drop(r);
        mem.write(out, &abi::filestat(&st))
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_filestat_set_times(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        flags: u32,
        path: u32,
        len: u32,
        atim: u64,
        mtim: u64,
        fst_flags: u32,
    ) -> WasiResult {
        let times = timestamps(atim, mtim, fst_flags as u16)?;
        let r = self.resolve(mem, fd, path, len, flags & LOOKUP_SYMLINK_FOLLOW != 0)?;
        Ok(host::utimensat(
            r.dir(),
            &r.name,
            &times,
            AtFlags::SYMLINK_NOFOLLOW,
        )?)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_link(
        &mut self,
        mem: &mut GuestMemory<'_>,
        old_fd: u32,
        old_flags: u32,
        old_path: u32,
        old_len: u32,
        new_fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> WasiResult {
        // Linux links a symbolic link itself; following it first is
        // refused, as wasmtime does.
        if old_flags & LOOKUP_SYMLINK_FOLLOW != 0 {
            return Err(Errno::INVAL);
        }
        let old = self.resolve(mem, old_fd, old_path, old_len, false)?;
        let new = self.resolve(mem, new_fd, new_path, new_len, false)?;
        Ok(host::linkat(
            old.dir(),
            &old.name,
            new.dir(),
            &new.name,
            AtFlags::empty(),
        )?)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_readlink(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
        buf: u32,
        buf_len: u32,
        out: u32,
    ) -> WasiResult {
        let r = self.resolve(mem, fd, path, len, false)?;
        let target = host::readlinkat(r.dir(), &r.name, Vec::new())?.into_bytes();
        drop(r);
        let n = target.len().min(buf_len as usize);
        mem.write(buf, &target[..n])?;
        mem.write_u32(out, n as u32)
    }

    pub(crate) fn path_remove_directory(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult {
        let r = self.resolve(mem, fd, path, len, false)?;
        Ok(host::unlinkat(r.dir(), &r.name, AtFlags::REMOVEDIR)?)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_rename(
        &mut self,
        mem: &mut GuestMemory<'_>,
        old_fd: u32,
        old_path: u32,
        old_len: u32,
        new_fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> WasiResult {
        let old = self.resolve(mem, old_fd, old_path, old_len, false)?;
        let new = self.resolve(mem, new_fd, new_path, new_len, false)?;
        Ok(host::renameat(old.dir(), &old.name, new.dir(), &new.name)?)
    }

    pub(crate) fn path_symlink(
        &mut self,
        mem: &mut GuestMemory<'_>,
        target: u32,
        target_len: u32,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult {
        let target = mem.bytes(target, target_len)?;
        if target.contains(&0) {
            return Err(Errno::INVAL);
        }
        // A link to an absolute path could never be followed inside.
        if target.starts_with(b"/") {
            return Err(sandbox::ESCAPE);
        }
        let r = self.resolve(mem, fd, path, len, false)?;
        Ok(host::symlinkat(target.as_slice(), r.dir(), &r.name)?)
    }

    pub(crate) fn path_unlink_file(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult {
        let r = self.resolve(mem, fd, path, len, false)?;
        if r.trailing_slash {
            return Err(Errno::NOTDIR);
        }
        Ok(host::unlinkat(r.dir(), &r.name, AtFlags::empty())?)
    }
}
