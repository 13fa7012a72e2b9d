//! The `fd_*` and `path_*` functions: files and directories.
//!
//! Every path is resolved by [`crate::sandbox`] below the directory
//! descriptor the guest names; every operation then acts on the directory
//! that resolution ended in and a single name, with the `*at` calls, and
//! never follows a symbolic link the sandbox did not check.

use crate::abi::{self, fdflags, fstflags, oflags, rights, LOOKUP_FLAGS, LOOKUP_SYMLINK_FOLLOW};
use crate::errno::{Errno, Fail, WasiResult};
use crate::guest::GuestMemory;
use crate::sandbox::{self, Resolved};
use crate::table::{Descriptor, Dir, File};
use crate::WasiCtx;
use rustix::fs::{self as host, AtFlags, Mode, OFlags, Timestamps};
use rustix::io::Errno as HostErrno;
use rustix::time::Timespec;
use std::os::fd::{AsFd, BorrowedFd};

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
            other => return other.map_err(Fail::from),
        }
    }
}

/// Reads once into the guest's first non-empty buffer. `at` reads at an
/// offset without moving the file position (`fd_pread`).
fn read_into(
    fd: BorrowedFd<'_>,
    mem: &mut GuestMemory<'_>,
    iovs: u32,
    count: u32,
    at: Option<u64>,
) -> WasiResult<usize> {
    let iov = mem.first_iovec(iovs, count)?;
    let buf = &mut mem.0[iov];
    match at {
        Some(offset) => retry(|| rustix::io::pread(fd, &mut *buf, offset)),
        None => retry(|| rustix::io::read(fd, &mut *buf)),
    }
}

/// Writes the guest's first non-empty buffer once.
fn write_from(
    fd: BorrowedFd<'_>,
    mem: &GuestMemory<'_>,
    iovs: u32,
    count: u32,
    at: Option<u64>,
) -> WasiResult<usize> {
    let buf = &mem.0[mem.first_iovec(iovs, count)?];
    match at {
        Some(offset) => retry(|| rustix::io::pwrite(fd, buf, offset)),
        None => retry(|| rustix::io::write(fd, buf)),
    }
}

/// The host times a `*_set_times` call asks for.
fn timestamps(atim: u64, mtim: u64, flags: u32) -> WasiResult<Timestamps> {
    abi::flags(flags.into(), fstflags::ALL)?;
    let flags = flags as u16;
    let pick = |time: u64, set: u16, now: u16| -> WasiResult<Timespec> {
        let at = |nsec| Timespec {
            tv_sec: 0,
            tv_nsec: nsec,
        };
        match (flags & set != 0, flags & now != 0) {
            (true, true) => Err(Errno::INVAL.into()),
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

/// A path the guest passes: UTF-8 (preview 1 strings are; `EILSEQ`
/// otherwise) and shorter than Linux's `PATH_MAX` (`ENAMETOOLONG`), as
/// wasmtime requires.
fn guest_path(mem: &GuestMemory<'_>, ptr: u32, len: u32) -> WasiResult<Vec<u8>> {
    let path = mem.bytes(ptr, len)?;
    if std::str::from_utf8(&path).is_err() {
        return Err(Errno::ILSEQ.into());
    }
    if path.len() >= 4096 {
        return Err(Errno::NAMETOOLONG.into());
    }
    Ok(path)
}

/// `path` without its trailing slashes (unless it is all slashes): what
/// `mkdir` and `rename` act on, which accept `dir/` for `dir`.
fn without_trailing_slashes(path: &[u8]) -> &[u8] {
    let end = path
        .iter()
        .rposition(|&b| b != b'/')
        .map_or(path.len(), |i| i + 1);
    &path[..end]
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

    /// Resolves the guest path at `path` below the directory `fd`.
    fn resolve(
        &self,
        mem: &GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
        follow: bool,
    ) -> WasiResult<Resolved<'_>> {
        let path = guest_path(mem, path, len)?;
        Ok(sandbox::resolve(self.dir_fd(fd)?, &path, follow)?)
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
        let advice = [
            Advice::Normal,
            Advice::Sequential,
            Advice::Random,
            Advice::WillNeed,
            Advice::DontNeed,
            Advice::NoReuse,
        ][abi::enum_case(advice, 6)? as usize];
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
        Ok(self.table.remove(fd).map(drop)?)
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
        mem.write_struct(out, &stat, 8)
    }

    /// Changes `APPEND` and `NONBLOCK` of a file; the synchronous-I/O flags
    /// cannot change on an open file (`EINVAL`, as wasmtime).
    pub(crate) fn fd_fdstat_set_flags(
        &mut self,
        _: &mut GuestMemory<'_>,
        fd: u32,
        flags: u32,
    ) -> WasiResult {
        abi::flags(flags.into(), fdflags::ALL)?;
        let Descriptor::File(file) = self.table.get_mut(fd)? else {
            return Err(Errno::BADF.into());
        };
        if flags & !(fdflags::APPEND | fdflags::NONBLOCK) as u32 != 0 {
            return Err(Errno::INVAL.into());
        }
        let flags = flags as u16;
        let mut host_flags = host::fcntl_getfl(&file.fd)?;
        host_flags.set(OFlags::APPEND, flags & fdflags::APPEND != 0);
        host_flags.set(OFlags::NONBLOCK, flags & fdflags::NONBLOCK != 0);
        host::fcntl_setfl(&file.fd, host_flags)?;
        file.append = flags & fdflags::APPEND != 0;
        Ok(())
    }

    /// Rights follow the open mode (see [`rights`]) and cannot be narrowed
    /// afterwards: `ENOTSUP` for any file or directory, as wasmtime answers.
    pub(crate) fn fd_fdstat_set_rights(
        &mut self,
        _: &mut GuestMemory<'_>,
        fd: u32,
        base: u64,
        inheriting: u64,
    ) -> WasiResult {
        abi::flags(base | inheriting, rights::ALL)?;
        match self.table.get(fd)? {
            Descriptor::Stdio(_) => Err(Errno::BADF.into()),
            _ => Err(Errno::NOTSUP.into()),
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
                return mem.write_struct(out, &stat, 8);
            }
            d => host::fstat(d.host())?,
        };
        mem.write_struct(out, &abi::filestat(&st), 8)
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
        let times = timestamps(atim, mtim, flags)?;
        let fd = match self.table.get(fd)? {
            Descriptor::Stdio(_) => return Err(Errno::BADF.into()),
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
        let fd = match self.table.get(fd)? {
            Descriptor::File(file) => file.fd.as_fd(),
            Descriptor::Stdio(0) => return Err(Errno::SPIPE.into()),
            _ => return Err(Errno::BADF.into()),
        };
        let n = read_into(fd, mem, iovs, count, Some(offset))?;
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
        let fd = match self.table.get(fd)? {
            Descriptor::File(file) => file.fd.as_fd(),
            Descriptor::Stdio(1 | 2) => return Err(Errno::SPIPE.into()),
            _ => return Err(Errno::BADF.into()),
        };
        let n = write_from(fd, mem, iovs, count, Some(offset))?;
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
        let n = match self.table.get_mut(fd)? {
            Descriptor::File(file) => {
                let n = read_into(file.fd.as_fd(), mem, iovs, count, Some(file.position))?;
                file.position += n as u64;
                n
            }
            d @ Descriptor::Stdio(0) => read_into(d.host(), mem, iovs, count, None)?,
            _ => return Err(Errno::BADF.into()),
        };
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
        let n = match self.table.get_mut(fd)? {
            Descriptor::File(file) => {
                let fd = file.fd.as_fd();
                if file.append {
                    // The host appends; the position follows to the end.
                    let n = write_from(fd, mem, iovs, count, None)?;
                    file.position = host::fstat(fd)?.st_size as u64;
                    n
                } else {
                    let n = write_from(fd, mem, iovs, count, Some(file.position))?;
                    file.position += n as u64;
                    n
                }
            }
            d @ Descriptor::Stdio(1 | 2) => match write_from(d.host(), mem, iovs, count, None) {
                // Standard output or error whose reader is gone: wasmtime's
                // closed stream answers `EIO`.
                Err(Fail::Errno(Errno::PIPE)) => return Err(Errno::IO.into()),
                other => other?,
            },
            _ => return Err(Errno::BADF.into()),
        };
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
        Ok(self.table.renumber(from, to)?)
    }

    /// Moves the position `fd_read` and `fd_write` use. tandem keeps it
    /// itself (the host's file offset is not used), as wasmtime does, so any
    /// position a `u64` holds can be set, as on wasmtime.
    pub(crate) fn fd_seek(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        offset: i64,
        whence: u32,
        out: u32,
    ) -> WasiResult {
        let whence = abi::enum_case(whence, 3)?;
        let file = match self.table.get_mut(fd)? {
            Descriptor::File(file) => file,
            Descriptor::Stdio(_) => return Err(Errno::SPIPE.into()),
            Descriptor::Dir(_) => return Err(Errno::BADF.into()),
        };
        let from = match whence {
            0 if offset < 0 => return Err(Errno::INVAL.into()),
            0 => 0,
            1 => file.position,
            _ => host::fstat(&file.fd)?.st_size as u64,
        };
        file.position = from.checked_add_signed(offset).ok_or(Errno::INVAL)?;
        mem.write_u64(out, file.position)
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
        mem.write_struct(out, &prestat, 4)
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
            return Err(Errno::NAMETOOLONG.into());
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
            _ => Err(Errno::NOTDIR.into()),
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
        inheriting: u64,
        fd_flags: u32,
        out: u32,
    ) -> WasiResult {
        abi::flags(dirflags.into(), LOOKUP_FLAGS)?;
        abi::flags(open_flags.into(), oflags::ALL)?;
        abi::flags(base | inheriting, rights::ALL)?;
        abi::flags(fd_flags.into(), fdflags::ALL)?;
        let (open_flags, fd_flags) = (open_flags as u16, fd_flags as u16);
        match self.table.get(dirfd)? {
            Descriptor::File(_) => return Err(Errno::NOTDIR.into()),
            Descriptor::Stdio(_) => return Err(Errno::BADF.into()),
            Descriptor::Dir(_) => {}
        }
        if open_flags & oflags::DIRECTORY != 0
            && open_flags & (oflags::CREAT | oflags::EXCL | oflags::TRUNC) != 0
        {
            return Err(Errno::INVAL.into());
        }
        // Linux cannot honour these per descriptor as WASI defines them.
        if fd_flags & (fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC) != 0 {
            return Err(Errno::NOTSUP.into());
        }
        let creates = open_flags & (oflags::CREAT | oflags::TRUNC) != 0;
        let write = base & rights::FD_WRITE != 0 || creates;
        let read = base & rights::FD_READ != 0 || base & rights::FD_WRITE == 0;
        let path = guest_path(mem, path, len)?;
        let create = open_flags & oflags::CREAT != 0;
        // Creating a file at a path that names a directory (as Linux).
        if create && (path.ends_with(b"/") || path.ends_with(b"/.")) {
            return Err(Errno::ISDIR.into());
        }
        // `O_CREAT|O_EXCL` never follows a link, even a dangling one.
        let follow =
            dirflags & LOOKUP_SYMLINK_FOLLOW != 0 && !(create && open_flags & oflags::EXCL != 0);
        let r = sandbox::resolve(self.dir_fd(dirfd)?, &path, follow)?;
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
        let opened = retry(|| host::openat(r.dir(), &r.name, flags, Mode::from_raw_mode(0o666)));
        let fd = match opened {
            // A directory asked for without following finds a link: the
            // open is refused as a link, as Linux refuses `O_NOFOLLOW`.
            Err(Fail::Errno(Errno::NOTDIR)) if !follow && flags.contains(OFlags::DIRECTORY) => {
                let st = host::statat(r.dir(), &r.name, AtFlags::SYMLINK_NOFOLLOW)?;
                return Err(match host::FileType::from_raw_mode(st.st_mode) {
                    host::FileType::Symlink => Errno::LOOP,
                    _ => Errno::NOTDIR,
                }
                .into());
            }
            other => other?,
        };
        drop(r);
        let st = host::fstat(&fd)?;
        let descriptor = if host::FileType::from_raw_mode(st.st_mode) == host::FileType::Directory {
            Descriptor::Dir(Dir {
                fd,
                preopen: None,
                listing: None,
            })
        } else {
            Descriptor::File(File {
                fd,
                read,
                write,
                append: fd_flags & fdflags::APPEND != 0,
                position: 0,
            })
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
        let path = guest_path(mem, path, len)?;
        let r = sandbox::resolve(self.dir_fd(fd)?, without_trailing_slashes(&path), false)?;
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
        abi::flags(flags.into(), LOOKUP_FLAGS)?;
        let r = self.resolve(mem, fd, path, len, flags & LOOKUP_SYMLINK_FOLLOW != 0)?;
        let st = host::statat(r.dir(), &r.name, AtFlags::SYMLINK_NOFOLLOW)?;
        drop(r);
        mem.write_struct(out, &abi::filestat(&st), 8)
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
        abi::flags(flags.into(), LOOKUP_FLAGS)?;
        let times = timestamps(atim, mtim, fst_flags)?;
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
        abi::flags(old_flags.into(), LOOKUP_FLAGS)?;
        if old_flags & LOOKUP_SYMLINK_FOLLOW != 0 {
            return Err(Errno::INVAL.into());
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
        // As Linux's `rename`, and as wasmtime: a trailing slash on either
        // path asks that both name directories, which the kernel checks on
        // the last names (never following them).
        let old_path = guest_path(mem, old_path, old_len)?;
        let new_path = guest_path(mem, new_path, new_len)?;
        let slash = old_path.ends_with(b"/") || new_path.ends_with(b"/");
        let name = |r: &Resolved<'_>| {
            let mut name = r.name.as_bytes().to_vec();
            if slash {
                name.push(b'/');
            }
            name
        };
        let old_dir = self.dir_fd(old_fd)?;
        let new_dir = self.dir_fd(new_fd)?;
        let old = sandbox::resolve(old_dir, without_trailing_slashes(&old_path), false)?;
        let new = sandbox::resolve(new_dir, without_trailing_slashes(&new_path), false)?;
        Ok(host::renameat(
            old.dir(),
            name(&old),
            new.dir(),
            name(&new),
        )?)
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
        let target = guest_path(mem, target, target_len)?;
        if target.contains(&0) {
            return Err(Errno::INVAL.into());
        }
        // A link to an absolute path could never be followed inside.
        if target.starts_with(b"/") {
            return Err(sandbox::ESCAPE.into());
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
        Ok(host::unlinkat(r.dir(), &r.name, AtFlags::empty())?)
    }
}
