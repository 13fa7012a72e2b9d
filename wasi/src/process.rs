//! The program's surroundings: arguments, environment, signals, sockets.

use crate::abi::{self, fdflags};
use crate::errno::{Errno, WasiResult};
use crate::guest::GuestMemory;
use crate::WasiCtx;

/// Writes a list of strings the way `args_get`/`environ_get` do: the
/// NUL-terminated strings one after the other at `buf`, a pointer to each in
/// the array at `ptrs`.
fn write_list(mem: &mut GuestMemory<'_>, strings: &[String], ptrs: u32, buf: u32) -> WasiResult {
    let mut cursor = buf;
    for (i, s) in strings.iter().enumerate() {
        mem.write_u32(ptrs.wrapping_add(4 * i as u32), cursor)?;
        mem.write(cursor, s.as_bytes())?;
        mem.write(cursor.wrapping_add(s.len() as u32), &[0])?;
        cursor = cursor.wrapping_add(s.len() as u32 + 1);
    }
    Ok(())
}

/// Writes the count and total size (NULs included) of a string list.
fn write_sizes(mem: &mut GuestMemory<'_>, strings: &[String], count: u32, size: u32) -> WasiResult {
    mem.write_u32(count, strings.len() as u32)?;
    mem.write_u32(size, strings.iter().map(|s| s.len() as u32 + 1).sum())
}

/// What `proc_raise(signal)` does: `None` to carry on, or the exit status
/// of a process the signal ends (128 + its number, as a shell reports it).
pub(crate) fn raise(signal: u32) -> Option<i32> {
    // WASI numbers signals 0 (none), 1 (HUP) … 30 (SYS): `signal` in the
    // preview1 witx.
    const IGNORED: [u32; 6] = [
        16, // CHLD
        17, // CONT
        18, // STOP (cannot stop a single guest: carry on)
        19, // TSTP
        22, // URG
        27, // WINCH
    ];
    const STOPPING: [u32; 2] = [20, 21]; // TTIN, TTOU
    match signal {
        0 => None,
        s if IGNORED.contains(&s) || STOPPING.contains(&s) => None,
        s => Some(128 + s as i32),
    }
}

impl WasiCtx {
    pub(crate) fn args_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        ptrs: u32,
        buf: u32,
    ) -> WasiResult {
        write_list(mem, &self.args, ptrs, buf)
    }

    pub(crate) fn args_sizes_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        count: u32,
        size: u32,
    ) -> WasiResult {
        write_sizes(mem, &self.args, count, size)
    }

    pub(crate) fn environ_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        ptrs: u32,
        buf: u32,
    ) -> WasiResult {
        write_list(mem, &self.env_strings(), ptrs, buf)
    }

    pub(crate) fn environ_sizes_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        count: u32,
        size: u32,
    ) -> WasiResult {
        write_sizes(mem, &self.env_strings(), count, size)
    }

    /// Every `sock_*` call: tandem opens no sockets, so no descriptor is one.
    fn not_a_socket(&self, fd: u32) -> WasiResult {
        self.table.get(fd)?;
        Err(Errno::NOTSOCK.into())
    }

    pub(crate) fn sock_accept(
        &mut self,
        _: &mut GuestMemory<'_>,
        fd: u32,
        flags: u32,
        _out: u32,
    ) -> WasiResult {
        abi::flags(flags.into(), fdflags::ALL)?;
        self.not_a_socket(fd)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sock_recv(
        &mut self,
        _: &mut GuestMemory<'_>,
        fd: u32,
        _iovs: u32,
        _count: u32,
        flags: u32,
        _len: u32,
        _out_flags: u32,
    ) -> WasiResult {
        // riflags: RECV_PEEK, RECV_WAITALL.
        abi::flags(flags.into(), 0b11)?;
        self.not_a_socket(fd)
    }

    pub(crate) fn sock_send(
        &mut self,
        _: &mut GuestMemory<'_>,
        fd: u32,
        _iovs: u32,
        _count: u32,
        flags: u32,
        _out: u32,
    ) -> WasiResult {
        // siflags: none defined.
        abi::flags(flags.into(), 0)?;
        self.not_a_socket(fd)
    }

    pub(crate) fn sock_shutdown(
        &mut self,
        _: &mut GuestMemory<'_>,
        fd: u32,
        how: u32,
    ) -> WasiResult {
        // sdflags: RD, WR.
        abi::flags(how.into(), 0b11)?;
        self.not_a_socket(fd)
    }
}
