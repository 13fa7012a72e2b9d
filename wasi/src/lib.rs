//! A minimal WASI preview1 (`wasi_snapshot_preview1`): arguments,
//! environment, clocks, randomness, standard input/output, `proc_exit`, and
//! plain file access below preopened directories (`tandem run --dir`).
//!
//! Every other function that wasi-libc programs commonly import is defined
//! too, returning `ENOSYS` (or `EBADF` for a descriptor that isn't open), so
//! that such programs link and run as far as they can.
//!
//! The guest's memory is its export `"memory"`; every guest pointer is
//! bounds-checked and a bad one yields `EFAULT`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};
use tandem::{Caller, Error, Extern, FuncType, Linker, Memory, Result, Val, ValType};

/// The module name WASI preview1 functions are imported from.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// WASI errno values used here.
pub mod errno {
    pub const SUCCESS: i32 = 0;
    pub const ACCES: i32 = 2;
    pub const BADF: i32 = 8;
    pub const EXIST: i32 = 20;
    pub const FAULT: i32 = 21;
    pub const INVAL: i32 = 28;
    pub const IO: i32 = 29;
    pub const ISDIR: i32 = 31;
    pub const NOENT: i32 = 44;
    pub const NOSYS: i32 = 52;
    pub const NOTDIR: i32 = 54;
    pub const SPIPE: i32 = 70;
    pub const NOTCAPABLE: i32 = 76;
}

/// WASI file types.
mod filetype {
    pub const CHARACTER_DEVICE: u8 = 2;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
}

/// All rights: descriptors here are limited by the host's permissions only.
const ALL_RIGHTS: u64 = (1 << 30) - 1;

/// An open descriptor other than standard input/output/error.
#[derive(Debug)]
enum Descriptor {
    /// A directory; preopened ones have the name the guest knows them by.
    Dir {
        host: PathBuf,
        preopen: Option<String>,
    },
    File {
        file: File,
        append: bool,
    },
}

/// The state of a WASI program: its arguments and environment, its open
/// files, and its exit code once it called `proc_exit`.
#[derive(Debug)]
pub struct WasiCtx {
    /// `argv`, including the program name as `args[0]`.
    pub args: Vec<String>,
    /// `NAME=value` pairs.
    pub env: Vec<(String, String)>,
    /// Set by `proc_exit`.
    pub exit_code: Option<i32>,
    fds: BTreeMap<u32, Descriptor>,
    rng: u64,
}

impl Default for WasiCtx {
    fn default() -> WasiCtx {
        WasiCtx::new(Vec::new(), Vec::new())
    }
}

impl WasiCtx {
    pub fn new(args: Vec<String>, env: Vec<(String, String)>) -> WasiCtx {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let addr = &nanos as *const u64 as u64;
        WasiCtx {
            args,
            env,
            exit_code: None,
            fds: BTreeMap::new(),
            rng: nanos ^ addr.rotate_left(32) ^ 0x9e37_79b9_7f4a_7c15,
        }
    }

    /// Gives the guest access to the host directory `host`, under the name
    /// `guest` (the next free descriptor, from 3 on).
    pub fn preopen_dir(&mut self, host: impl Into<PathBuf>, guest: &str) -> std::io::Result<()> {
        let host = host.into();
        if !std::fs::metadata(&host)?.is_dir() {
            return Err(std::io::Error::other(format!(
                "{} is not a directory",
                host.display()
            )));
        }
        let fd = self.free_fd();
        self.fds.insert(
            fd,
            Descriptor::Dir {
                host,
                preopen: Some(guest.to_string()),
            },
        );
        Ok(())
    }

    fn free_fd(&self) -> u32 {
        let mut fd = 3;
        while self.fds.contains_key(&fd) {
            fd += 1;
        }
        fd
    }

    /// The next 64 bits of a splitmix64 stream.
    fn next_random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn env_strings(&self) -> Vec<String> {
        self.env.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }

    fn is_open(&self, fd: i32) -> bool {
        (0..=2).contains(&fd) || self.fds.contains_key(&(fd as u32))
    }

    /// The host path of `path` below directory descriptor `fd`; `..` and
    /// absolute paths are refused, so the guest stays below its preopens.
    fn resolve(&self, fd: i32, path: &[u8]) -> std::result::Result<PathBuf, i32> {
        let Some(Descriptor::Dir { host, .. }) = self.fds.get(&(fd as u32)) else {
            return Err(if self.is_open(fd) {
                errno::NOTDIR
            } else {
                errno::BADF
            });
        };
        let path = std::str::from_utf8(path).map_err(|_| errno::INVAL)?;
        let mut out = host.clone();
        for component in Path::new(path).components() {
            match component {
                Component::Normal(c) => out.push(c),
                Component::CurDir => {}
                Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                    return Err(errno::NOTCAPABLE)
                }
            }
        }
        Ok(out)
    }
}

fn io_errno(e: &std::io::Error) -> i32 {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => errno::NOENT,
        PermissionDenied => errno::ACCES,
        AlreadyExists => errno::EXIST,
        InvalidInput => errno::INVAL,
        _ => match e.raw_os_error() {
            Some(21) => errno::ISDIR,
            Some(20) => errno::NOTDIR,
            _ => errno::IO,
        },
    }
}

/// The caller's exported memory, if it has one.
fn memory<T>(caller: &mut Caller<'_, T>) -> Option<Memory> {
    match caller.get_export("memory") {
        Some(Extern::Memory(m)) => Some(m),
        _ => None,
    }
}

/// `len` bytes of `mem` at guest address `ptr`, if entirely in bounds.
fn range(mem: &[u8], ptr: i32, len: u64) -> Option<Range<usize>> {
    let start = ptr as u32 as u64;
    let end = start.checked_add(len)?;
    if end > mem.len() as u64 {
        return None;
    }
    Some(start as usize..end as usize)
}

fn write_bytes(mem: &mut [u8], ptr: i32, bytes: &[u8]) -> bool {
    match range(mem, ptr, bytes.len() as u64) {
        Some(r) => {
            mem[r].copy_from_slice(bytes);
            true
        }
        None => false,
    }
}

fn read_u32(mem: &[u8], ptr: i32) -> Option<u32> {
    let r = range(mem, ptr, 4)?;
    Some(u32::from_le_bytes(mem[r].try_into().ok()?))
}

/// Writes `bytes` at `ptr` in the caller's memory: an errno.
fn store<T>(caller: &mut Caller<'_, T>, ptr: i32, bytes: &[u8]) -> i32 {
    let Some(mem) = memory(caller) else {
        return errno::FAULT;
    };
    if write_bytes(mem.data_mut(caller), ptr, bytes) {
        errno::SUCCESS
    } else {
        errno::FAULT
    }
}

/// A copy of `len` bytes at `ptr` of the caller's memory.
fn load<T>(caller: &mut Caller<'_, T>, ptr: i32, len: i32) -> Option<Vec<u8>> {
    let mem = memory(caller)?;
    let data = mem.data(caller);
    Some(data[range(data, ptr, len as u32 as u64)?].to_vec())
}

/// Writes a list of strings the way `args_get`/`environ_get` do: the
/// NUL-terminated strings one after the other at `buf`, and a pointer to each
/// in the array at `ptrs`.
fn write_string_list<T>(
    caller: &mut Caller<'_, T>,
    strings: &[String],
    ptrs: i32,
    buf: i32,
) -> i32 {
    let Some(mem) = memory(caller) else {
        return errno::FAULT;
    };
    let data = mem.data_mut(caller);
    let mut cursor = buf as u32;
    for (i, s) in strings.iter().enumerate() {
        let slot = (ptrs as u32).wrapping_add(4 * i as u32) as i32;
        if !write_bytes(data, slot, &cursor.to_le_bytes()) {
            return errno::FAULT;
        }
        let mut bytes = s.as_bytes().to_vec();
        bytes.push(0);
        if !write_bytes(data, cursor as i32, &bytes) {
            return errno::FAULT;
        }
        cursor = cursor.wrapping_add(bytes.len() as u32);
    }
    errno::SUCCESS
}

/// Writes the count and total size (NULs included) of a string list.
fn write_sizes<T>(
    caller: &mut Caller<'_, T>,
    strings: &[String],
    count_ptr: i32,
    size_ptr: i32,
) -> i32 {
    let count = strings.len() as u32;
    let size: u32 = strings.iter().map(|s| s.len() as u32 + 1).sum();
    match store(caller, count_ptr, &count.to_le_bytes()) {
        errno::SUCCESS => store(caller, size_ptr, &size.to_le_bytes()),
        e => e,
    }
}

/// Reads an iovec array: (pointer, length) pairs, as guest ranges.
fn iovecs(mem: &[u8], iovs: i32, count: i32) -> Option<Vec<Range<usize>>> {
    let count = count as u32;
    let mut out = Vec::new();
    for i in 0..count {
        let at = (iovs as u32).checked_add(i.checked_mul(8)?)?;
        let ptr = read_u32(mem, at as i32)?;
        let len = read_u32(mem, at.checked_add(4)? as i32)?;
        out.push(range(mem, ptr as i32, len as u64)?);
    }
    Some(out)
}

fn clock_now(id: i32) -> Option<u64> {
    match id {
        // realtime
        0 => Some(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0),
        ),
        // monotonic, process and thread CPU time: time since first use
        1..=3 => {
            use std::sync::OnceLock;
            static START: OnceLock<std::time::Instant> = OnceLock::new();
            let start = START.get_or_init(std::time::Instant::now);
            Some(start.elapsed().as_nanos() as u64 + 1)
        }
        _ => None,
    }
}

/// The 64-byte `filestat` of host metadata.
fn filestat(meta: &std::fs::Metadata) -> [u8; 64] {
    let nanos = |t: std::io::Result<SystemTime>| -> u64 {
        t.ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    };
    let mut out = [0u8; 64];
    let ty = if meta.is_dir() {
        filetype::DIRECTORY
    } else if meta.is_file() {
        filetype::REGULAR_FILE
    } else {
        0
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        out[0..8].copy_from_slice(&meta.dev().to_le_bytes());
        out[8..16].copy_from_slice(&meta.ino().to_le_bytes());
        out[24..32].copy_from_slice(&meta.nlink().to_le_bytes());
    }
    out[16] = ty;
    out[32..40].copy_from_slice(&meta.len().to_le_bytes());
    out[40..48].copy_from_slice(&nanos(meta.accessed()).to_le_bytes());
    out[48..56].copy_from_slice(&nanos(meta.modified()).to_le_bytes());
    out[56..64].copy_from_slice(&nanos(meta.modified()).to_le_bytes());
    out
}

/// Moves the position of file `fd` (`fd_seek`, and `fd_tell` as a zero
/// move); the new position, or the errno of the failure.
fn seek(ctx: &mut WasiCtx, fd: i32, from: SeekFrom) -> std::result::Result<u64, i32> {
    match ctx.fds.get_mut(&(fd as u32)) {
        Some(Descriptor::File { file, .. }) => file.seek(from).map_err(|e| io_errno(&e)),
        Some(Descriptor::Dir { .. }) => Err(errno::BADF),
        None if (0..=2).contains(&fd) => Err(errno::SPIPE),
        None => Err(errno::BADF),
    }
}

/// Defines the WASI preview1 functions in `linker`; `get` finds the
/// [`WasiCtx`] in the store's data.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get: impl Fn(&mut T) -> &mut WasiCtx + Copy + Send + Sync + 'static,
) -> Result<()> {
    // `args_*` and `environ_*` are the same pair of calls over two string lists.
    type Strings = fn(&WasiCtx) -> Vec<String>;
    let lists: [(&str, Strings); 2] = [
        ("args", |ctx| ctx.args.clone()),
        ("environ", WasiCtx::env_strings),
    ];
    for (list, strings) in lists {
        linker.func_wrap(
            MODULE,
            &format!("{list}_get"),
            move |mut caller: Caller<'_, T>, ptrs: i32, buf: i32| -> i32 {
                let items = strings(get(caller.data_mut()));
                write_string_list(&mut caller, &items, ptrs, buf)
            },
        )?;
        linker.func_wrap(
            MODULE,
            &format!("{list}_sizes_get"),
            move |mut caller: Caller<'_, T>, count: i32, size: i32| -> i32 {
                let items = strings(get(caller.data_mut()));
                write_sizes(&mut caller, &items, count, size)
            },
        )?;
    }
    linker.func_wrap(
        MODULE,
        "clock_time_get",
        |mut caller: Caller<'_, T>, id: i32, _precision: i64, out: i32| -> i32 {
            match clock_now(id) {
                Some(now) => store(&mut caller, out, &now.to_le_bytes()),
                None => errno::INVAL,
            }
        },
    )?;
    linker.func_wrap(
        MODULE,
        "clock_res_get",
        |mut caller: Caller<'_, T>, id: i32, out: i32| -> i32 {
            match id {
                0..=3 => store(&mut caller, out, &1_000u64.to_le_bytes()),
                _ => errno::INVAL,
            }
        },
    )?;
    linker.func_wrap(
        MODULE,
        "random_get",
        move |mut caller: Caller<'_, T>, buf: i32, len: i32| -> i32 {
            let Some(mem) = memory(&mut caller) else {
                return errno::FAULT;
            };
            if range(mem.data(&caller), buf, len as u32 as u64).is_none() {
                return errno::FAULT;
            }
            let mut bytes = vec![0u8; len as u32 as usize];
            let ctx = get(caller.data_mut());
            for chunk in bytes.chunks_mut(8) {
                let word = ctx.next_random().to_le_bytes();
                chunk.copy_from_slice(&word[..chunk.len()]);
            }
            store(&mut caller, buf, &bytes)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_write",
        move |mut caller: Caller<'_, T>, fd: i32, iovs: i32, iovs_len: i32, nwritten: i32| -> i32 {
            let Some(mem) = memory(&mut caller) else {
                return errno::FAULT;
            };
            let data = mem.data(&caller);
            let Some(ranges) = iovecs(data, iovs, iovs_len) else {
                return errno::FAULT;
            };
            let mut bytes = Vec::new();
            for r in ranges {
                bytes.extend_from_slice(&data[r]);
            }
            let result = match fd {
                1 => {
                    let mut out = std::io::stdout().lock();
                    out.write_all(&bytes).and_then(|()| out.flush())
                }
                2 => {
                    let mut out = std::io::stderr().lock();
                    out.write_all(&bytes).and_then(|()| out.flush())
                }
                _ => match get(caller.data_mut()).fds.get_mut(&(fd as u32)) {
                    Some(Descriptor::File { file, append }) => {
                        let seek = if *append {
                            file.seek(SeekFrom::End(0)).map(drop)
                        } else {
                            Ok(())
                        };
                        seek.and_then(|()| file.write_all(&bytes))
                    }
                    Some(Descriptor::Dir { .. }) => return errno::ISDIR,
                    None => return errno::BADF,
                },
            };
            if let Err(e) = result {
                return io_errno(&e);
            }
            store(&mut caller, nwritten, &(bytes.len() as u32).to_le_bytes())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_read",
        move |mut caller: Caller<'_, T>, fd: i32, iovs: i32, iovs_len: i32, nread: i32| -> i32 {
            let Some(mem) = memory(&mut caller) else {
                return errno::FAULT;
            };
            let Some(ranges) = iovecs(mem.data(&caller), iovs, iovs_len) else {
                return errno::FAULT;
            };
            let total: usize = ranges.iter().map(|r| r.len()).sum();
            let mut buf = vec![0u8; total];
            let result = if fd == 0 {
                // One read, as a POSIX readv on a terminal or pipe would do.
                std::io::stdin().lock().read(&mut buf)
            } else {
                match get(caller.data_mut()).fds.get_mut(&(fd as u32)) {
                    Some(Descriptor::File { file, .. }) => read_full(file, &mut buf),
                    Some(Descriptor::Dir { .. }) => return errno::ISDIR,
                    None => return errno::BADF,
                }
            };
            let n = match result {
                Ok(n) => n,
                Err(e) => return io_errno(&e),
            };
            let data = mem.data_mut(&mut caller);
            let mut done = 0;
            for r in ranges {
                if done >= n {
                    break;
                }
                let take = r.len().min(n - done);
                data[r.start..r.start + take].copy_from_slice(&buf[done..done + take]);
                done += take;
            }
            store(&mut caller, nread, &(n as u32).to_le_bytes())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_seek",
        move |mut caller: Caller<'_, T>, fd: i32, offset: i64, whence: i32, out: i32| -> i32 {
            let from = match whence {
                0 if offset >= 0 => SeekFrom::Start(offset as u64),
                1 => SeekFrom::Current(offset),
                2 => SeekFrom::End(offset),
                _ => return errno::INVAL,
            };
            match seek(get(caller.data_mut()), fd, from) {
                Ok(pos) => store(&mut caller, out, &pos.to_le_bytes()),
                Err(errno) => errno,
            }
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_tell",
        move |mut caller: Caller<'_, T>, fd: i32, out: i32| -> i32 {
            match seek(get(caller.data_mut()), fd, SeekFrom::Current(0)) {
                Ok(pos) => store(&mut caller, out, &pos.to_le_bytes()),
                Err(errno) => errno,
            }
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_close",
        move |mut caller: Caller<'_, T>, fd: i32| -> i32 {
            let ctx = get(caller.data_mut());
            if (0..=2).contains(&fd) || ctx.fds.remove(&(fd as u32)).is_some() {
                errno::SUCCESS
            } else {
                errno::BADF
            }
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_fdstat_get",
        move |mut caller: Caller<'_, T>, fd: i32, out: i32| -> i32 {
            // struct fdstat { u8 filetype; u16 flags; u64 rights_base; u64 rights_inheriting }
            let mut stat = [0u8; 24];
            let (ty, flags, base, inheriting) = match fd {
                0 => (filetype::CHARACTER_DEVICE, 0u16, 1u64 << 1, 0u64),
                1 | 2 => (filetype::CHARACTER_DEVICE, 0, 1 << 6, 0),
                _ => match get(caller.data_mut()).fds.get(&(fd as u32)) {
                    Some(Descriptor::Dir { .. }) => {
                        (filetype::DIRECTORY, 0, ALL_RIGHTS, ALL_RIGHTS)
                    }
                    Some(Descriptor::File { append, .. }) => {
                        (filetype::REGULAR_FILE, u16::from(*append), ALL_RIGHTS, 0)
                    }
                    None => return errno::BADF,
                },
            };
            stat[0] = ty;
            stat[2..4].copy_from_slice(&flags.to_le_bytes());
            stat[8..16].copy_from_slice(&base.to_le_bytes());
            stat[16..24].copy_from_slice(&inheriting.to_le_bytes());
            store(&mut caller, out, &stat)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_filestat_get",
        move |mut caller: Caller<'_, T>, fd: i32, out: i32| -> i32 {
            let meta = match get(caller.data_mut()).fds.get(&(fd as u32)) {
                Some(Descriptor::File { file, .. }) => file.metadata(),
                Some(Descriptor::Dir { host, .. }) => std::fs::metadata(host),
                None if (0..=2).contains(&fd) => {
                    let mut stat = [0u8; 64];
                    stat[16] = filetype::CHARACTER_DEVICE;
                    return store(&mut caller, out, &stat);
                }
                None => return errno::BADF,
            };
            match meta {
                Ok(meta) => store(&mut caller, out, &filestat(&meta)),
                Err(e) => io_errno(&e),
            }
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_prestat_get",
        move |mut caller: Caller<'_, T>, fd: i32, out: i32| -> i32 {
            // struct prestat { u8 tag (0: dir); u32 name_len }
            let len = match get(caller.data_mut()).fds.get(&(fd as u32)) {
                Some(Descriptor::Dir {
                    preopen: Some(name),
                    ..
                }) => name.len() as u32,
                _ => return errno::BADF,
            };
            let mut prestat = [0u8; 8];
            prestat[4..8].copy_from_slice(&len.to_le_bytes());
            store(&mut caller, out, &prestat)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_prestat_dir_name",
        move |mut caller: Caller<'_, T>, fd: i32, path: i32, len: i32| -> i32 {
            let name = match get(caller.data_mut()).fds.get(&(fd as u32)) {
                Some(Descriptor::Dir {
                    preopen: Some(name),
                    ..
                }) => name.clone(),
                _ => return errno::BADF,
            };
            if (len as u32 as usize) < name.len() {
                return errno::INVAL;
            }
            store(&mut caller, path, name.as_bytes())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_open",
        move |mut caller: Caller<'_, T>,
              dirfd: i32,
              _dirflags: i32,
              path: i32,
              path_len: i32,
              oflags: i32,
              rights: i64,
              _inheriting: i64,
              fdflags: i32,
              opened: i32|
              -> i32 {
            let Some(path) = load(&mut caller, path, path_len) else {
                return errno::FAULT;
            };
            let ctx = get(caller.data_mut());
            let host = match ctx.resolve(dirfd, &path) {
                Ok(p) => p,
                Err(e) => return e,
            };
            const CREAT: i32 = 1;
            const DIRECTORY: i32 = 2;
            const EXCL: i32 = 4;
            const TRUNC: i32 = 8;
            const APPEND: i32 = 1;
            const FD_WRITE: i64 = 1 << 6;
            let is_dir = std::fs::metadata(&host).is_ok_and(|m| m.is_dir());
            let entry = if is_dir {
                Descriptor::Dir {
                    host,
                    preopen: None,
                }
            } else if oflags & DIRECTORY != 0 {
                return if host.exists() {
                    errno::NOTDIR
                } else {
                    errno::NOENT
                };
            } else {
                let write = rights & FD_WRITE != 0 || oflags & (CREAT | TRUNC) != 0;
                let mut options = std::fs::OpenOptions::new();
                options
                    .read(true)
                    .write(write)
                    .truncate(write && oflags & TRUNC != 0);
                if oflags & CREAT != 0 {
                    if oflags & EXCL != 0 {
                        options.create_new(true);
                    } else {
                        options.create(true);
                    }
                }
                let file = match options.open(&host) {
                    Ok(f) => f,
                    Err(e) => return io_errno(&e),
                };
                Descriptor::File {
                    file,
                    append: fdflags & APPEND != 0,
                }
            };
            let fd = ctx.free_fd();
            ctx.fds.insert(fd, entry);
            store(&mut caller, opened, &fd.to_le_bytes())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_filestat_get",
        move |mut caller: Caller<'_, T>,
              dirfd: i32,
              flags: i32,
              path: i32,
              len: i32,
              out: i32|
              -> i32 {
            let Some(path) = load(&mut caller, path, len) else {
                return errno::FAULT;
            };
            let host = match get(caller.data_mut()).resolve(dirfd, &path) {
                Ok(p) => p,
                Err(e) => return e,
            };
            // lookupflags bit 0: follow symlinks
            let meta = if flags & 1 != 0 {
                std::fs::metadata(&host)
            } else {
                std::fs::symlink_metadata(&host)
            };
            match meta {
                Ok(meta) => store(&mut caller, out, &filestat(&meta)),
                Err(e) => io_errno(&e),
            }
        },
    )?;
    linker.func_wrap(
        MODULE,
        "proc_exit",
        move |mut caller: Caller<'_, T>, code: i32| -> Result<()> {
            get(caller.data_mut()).exit_code = Some(code);
            Err(Error::Exit(code))
        },
    )?;
    linker.func_wrap(MODULE, "sched_yield", || -> i32 { errno::SUCCESS })?;

    // The rest: EBADF for a descriptor that isn't open, else ENOSYS.
    use ValType::{I32, I64};
    let on_fd: &[(&str, &[ValType])] = &[
        ("fd_fdstat_set_flags", &[I32, I32]),
        ("fd_fdstat_set_rights", &[I32, I64, I64]),
        ("fd_sync", &[I32]),
        ("fd_datasync", &[I32]),
        ("fd_advise", &[I32, I64, I64, I32]),
        ("fd_allocate", &[I32, I64, I64]),
        ("fd_pread", &[I32, I32, I32, I64, I32]),
        ("fd_pwrite", &[I32, I32, I32, I64, I32]),
        ("fd_readdir", &[I32, I32, I32, I64, I32]),
        ("fd_renumber", &[I32, I32]),
        ("fd_filestat_set_size", &[I32, I64]),
        ("fd_filestat_set_times", &[I32, I64, I64, I32]),
        (
            "path_filestat_set_times",
            &[I32, I32, I32, I32, I64, I64, I32],
        ),
        ("path_create_directory", &[I32, I32, I32]),
        ("path_remove_directory", &[I32, I32, I32]),
        ("path_unlink_file", &[I32, I32, I32]),
        ("path_rename", &[I32, I32, I32, I32, I32, I32]),
        ("path_link", &[I32, I32, I32, I32, I32, I32, I32]),
        ("path_readlink", &[I32, I32, I32, I32, I32, I32]),
        ("sock_accept", &[I32, I32, I32]),
        ("sock_recv", &[I32, I32, I32, I32, I32, I32]),
        ("sock_send", &[I32, I32, I32, I32, I32]),
        ("sock_shutdown", &[I32, I32]),
    ];
    for &(name, params) in on_fd {
        stub(linker, name, params, Some(get))?;
    }
    let enosys: &[(&str, &[ValType])] = &[
        ("path_symlink", &[I32, I32, I32, I32, I32]),
        ("poll_oneoff", &[I32, I32, I32, I32]),
        ("proc_raise", &[I32]),
    ];
    for &(name, params) in enosys {
        stub(linker, name, params, None::<fn(&mut T) -> &mut WasiCtx>)?;
    }
    Ok(())
}

/// Reads until `buf` is full or the end of the file.
fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match file.read(&mut buf[done..]) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// Defines `name` as a function of `params` returning an errno: `EBADF` if
/// `fd_check` is given and the first argument isn't an open descriptor,
/// else `ENOSYS`.
fn stub<T: 'static>(
    linker: &mut Linker<T>,
    name: &str,
    params: &[ValType],
    fd_check: Option<impl Fn(&mut T) -> &mut WasiCtx + Copy + Send + Sync + 'static>,
) -> Result<()> {
    let ty = FuncType::new(params.iter().copied(), [ValType::I32]);
    linker.func_new(
        MODULE,
        name,
        ty,
        move |mut caller: Caller<'_, T>, params: &[Val], results: &mut [Val]| -> Result<()> {
            let mut errno = errno::NOSYS;
            if let (Some(get), Some(Val::I32(fd))) = (fd_check, params.first()) {
                if !get(caller.data_mut()).is_open(*fd) {
                    errno = errno::BADF;
                }
            }
            results[0] = Val::I32(errno);
            Ok(())
        },
    )?;
    Ok(())
}
