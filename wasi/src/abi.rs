//! The numbers and layouts of `wasi_snapshot_preview1` that are not errnos:
//! flags, file types, and the offsets of the structures the guest reads.

use crate::errno::{Fail, WasiResult};

/// An argument with a bit its flags type does not define traps (the spec's
/// rule for an invalid value; wasmtime ends the run there too).
pub fn flags(value: u64, defined: u64) -> WasiResult {
    if value & !defined == 0 {
        Ok(())
    } else {
        Err(Fail::Trap("invalid flags value"))
    }
}

/// An argument outside its enum (of `cases` values from 0) traps.
pub fn enum_case(value: u32, cases: u32) -> WasiResult<u32> {
    if value < cases {
        Ok(value)
    } else {
        Err(Fail::Trap("invalid enum value"))
    }
}

/// `rights`: one bit per operation a descriptor may allow. tandem reports
/// them as wasmtime does (wasi-libc masks the rights `open` asks for by a
/// directory's inheriting rights, and derives `fcntl(F_GETFL)` from them, so
/// ordinary programs see these): fixed sets for standard I/O and preopened
/// directories, and for everything else all rights but those its open mode
/// or file type rules out.
pub mod rights {
    pub const FD_DATASYNC: u64 = 1 << 0;
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub const FD_SYNC: u64 = 1 << 4;
    pub const FD_TELL: u64 = 1 << 5;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_ADVISE: u64 = 1 << 7;
    pub const FD_ALLOCATE: u64 = 1 << 8;
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    pub const PATH_LINK_SOURCE: u64 = 1 << 11;
    pub const PATH_LINK_TARGET: u64 = 1 << 12;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_READLINK: u64 = 1 << 15;
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
    pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    pub const PATH_SYMLINK: u64 = 1 << 24;
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub const POLL_FD_READWRITE: u64 = 1 << 27;
    /// Every right preview1 defines (bits 0..=29).
    pub const ALL: u64 = (1 << 30) - 1;
    /// What a preopened directory allows itself.
    pub const PREOPEN_BASE: u64 = PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_OPEN
        | FD_READDIR
        | PATH_READLINK
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE
        | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES;
    /// What a preopened directory passes on to what is opened below it.
    pub const PREOPEN_INHERITING: u64 = PREOPEN_BASE
        | FD_DATASYNC
        | FD_READ
        | FD_SEEK
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_TELL
        | FD_WRITE
        | FD_ADVISE
        | FD_ALLOCATE
        | FD_FILESTAT_SET_SIZE
        | POLL_FD_READWRITE;
}

/// `oflags` of `path_open`.
pub mod oflags {
    pub const ALL: u64 = 0xf;
    pub const CREAT: u16 = 1 << 0;
    pub const DIRECTORY: u16 = 1 << 1;
    pub const EXCL: u16 = 1 << 2;
    pub const TRUNC: u16 = 1 << 3;
}

/// `fdflags`.
pub mod fdflags {
    pub const ALL: u64 = 0x1f;
    pub const APPEND: u16 = 1 << 0;
    pub const DSYNC: u16 = 1 << 1;
    pub const NONBLOCK: u16 = 1 << 2;
    pub const RSYNC: u16 = 1 << 3;
    pub const SYNC: u16 = 1 << 4;
}

/// `lookupflags`.
pub const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
pub const LOOKUP_FLAGS: u64 = 1;

/// `fstflags` of the `*_set_times` calls.
pub mod fstflags {
    pub const ALL: u64 = 0xf;
    pub const ATIM: u16 = 1 << 0;
    pub const ATIM_NOW: u16 = 1 << 1;
    pub const MTIM: u16 = 1 << 2;
    pub const MTIM_NOW: u16 = 1 << 3;
}

/// `filetype`.
pub mod filetype {
    pub const UNKNOWN: u8 = 0;
    pub const BLOCK_DEVICE: u8 = 1;
    pub const CHARACTER_DEVICE: u8 = 2;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
    pub const SOCKET_STREAM: u8 = 6;
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// The WASI file type of a host file type.
pub fn filetype_of(ty: rustix::fs::FileType) -> u8 {
    use rustix::fs::FileType as F;
    match ty {
        F::RegularFile => filetype::REGULAR_FILE,
        F::Directory => filetype::DIRECTORY,
        F::Symlink => filetype::SYMBOLIC_LINK,
        F::CharacterDevice => filetype::CHARACTER_DEVICE,
        F::BlockDevice => filetype::BLOCK_DEVICE,
        F::Socket => filetype::SOCKET_STREAM,
        _ => filetype::UNKNOWN,
    }
}

/// The 64-byte `filestat` of a host `stat`.
// The casts are no-ops on x86-64 but not on every target's `stat`.
#[allow(clippy::unnecessary_cast)]
pub fn filestat(st: &rustix::fs::Stat) -> [u8; 64] {
    let nanos = |secs: i64, nsecs: u64| {
        (secs as u64)
            .wrapping_mul(1_000_000_000)
            .wrapping_add(nsecs)
    };
    let mut out = [0u8; 64];
    out[0..8].copy_from_slice(&st.st_dev.to_le_bytes());
    out[8..16].copy_from_slice(&st.st_ino.to_le_bytes());
    out[16] = filetype_of(rustix::fs::FileType::from_raw_mode(st.st_mode));
    out[24..32].copy_from_slice(&(st.st_nlink as u64).to_le_bytes());
    out[32..40].copy_from_slice(&(st.st_size as u64).to_le_bytes());
    out[40..48].copy_from_slice(&nanos(st.st_atime as i64, st.st_atime_nsec as u64).to_le_bytes());
    out[48..56].copy_from_slice(&nanos(st.st_mtime as i64, st.st_mtime_nsec as u64).to_le_bytes());
    out[56..64].copy_from_slice(&nanos(st.st_ctime as i64, st.st_ctime_nsec as u64).to_le_bytes());
    out
}
