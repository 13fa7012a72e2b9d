//! WASI preview 1 (`wasi_snapshot_preview1`) for tandem: every function of
//! the snapshot, to add to a [`Linker`] with [`add_to_linker`].
//!
//! - Standard input, output and error are the host process's own.
//! - Files are reached only through directories the embedder preopens
//!   ([`WasiCtx::preopen_dir`]); [`sandbox`] explains why no path, `..` or
//!   symbolic link leads outside them.
//! - Host errors become the matching WASI errno ([`Errno`]). Where the
//!   preview 1 spec says a call traps — a pointer or length that reaches
//!   outside the guest's memory, a misaligned pointer, an argument outside
//!   its enum or flags — the run ends with an error naming the function and
//!   the reason, as in wasmtime.
//! - `proc_exit` ends the run with [`tandem::Error::Exit`]. `proc_raise` of
//!   a signal whose default action ends a process ends the run with an
//!   error, recording the signal in [`WasiCtx::raised`] and 128 + its number
//!   as the exit code (what a shell reports); signals whose default is to be
//!   ignored or to stop are no-ops.
//! - Sockets: tandem opens none (there is no preopened-socket option), so
//!   `sock_accept`, `sock_recv`, `sock_send` and `sock_shutdown` answer
//!   `ENOTSOCK` on an open descriptor and `EBADF` on a closed one.

mod abi;
mod clock;
mod ctx;
mod errno;
mod fs;
mod guest;
mod poll;
mod process;
pub mod sandbox;
mod table;

pub use ctx::WasiCtx;
pub use errno::Errno;

use errno::Fail;

use guest::GuestMemory;
use tandem::{Caller, Error, Extern, Linker, Result};

/// The module name WASI preview1 functions are imported from.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Runs `f` on the caller's context and exported memory; its errno is the
/// function's result, and a trap ends the run. A caller without an exported
/// `memory` cannot call WASI at all.
fn call<T>(
    caller: &mut Caller<'_, T>,
    name: &str,
    get: impl Fn(&mut T) -> &mut WasiCtx,
    f: impl FnOnce(&mut WasiCtx, &mut GuestMemory<'_>) -> errno::WasiResult,
) -> Result<i32> {
    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
        return Err(Error::Host(format!(
            "{MODULE}::{name}: the module exports no memory"
        )));
    };
    let (bytes, data) = memory.data_and_store_mut(caller);
    match f(get(data), &mut GuestMemory(bytes)) {
        Ok(()) => Ok(0),
        Err(Fail::Errno(e)) => Ok(e.0 as i32),
        Err(Fail::Trap(why)) => Err(trap(name, why)),
    }
}

/// The error that ends the run when the WASI function `name` traps.
fn trap(name: &str, why: &str) -> Error {
    Error::Host(format!("{MODULE}::{name}: {why}"))
}

/// Defines each listed function as a host function of the same Wasm
/// parameters that calls the `WasiCtx` method of the same name.
macro_rules! wasi_functions {
    ($linker:ident, $get:ident; $($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        $linker.func_wrap(
            MODULE,
            stringify!($name),
            move |mut caller: Caller<'_, T>, $($arg: $ty),*| -> Result<i32> {
                call(&mut caller, stringify!($name), $get, |ctx, mem| {
                    ctx.$name(mem, $($arg as _),*)
                })
            },
        )?;
    )*};
}

/// Defines every `wasi_snapshot_preview1` function in `linker`; `get` finds
/// the [`WasiCtx`] in the store's data.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get: impl Fn(&mut T) -> &mut WasiCtx + Copy + Send + Sync + 'static,
) -> Result<()> {
    wasi_functions! { linker, get;
        args_get(argv: i32, buf: i32);
        args_sizes_get(count: i32, size: i32);
        environ_get(environ: i32, buf: i32);
        environ_sizes_get(count: i32, size: i32);
        clock_res_get(id: i32, out: i32);
        clock_time_get(id: i32, precision: i64, out: i32);
        random_get(buf: i32, len: i32);
        fd_advise(fd: i32, offset: i64, len: i64, advice: i32);
        fd_allocate(fd: i32, offset: i64, len: i64);
        fd_close(fd: i32);
        fd_datasync(fd: i32);
        fd_sync(fd: i32);
        fd_fdstat_get(fd: i32, out: i32);
        fd_fdstat_set_flags(fd: i32, flags: i32);
        fd_fdstat_set_rights(fd: i32, base: i64, inheriting: i64);
        fd_filestat_get(fd: i32, out: i32);
        fd_filestat_set_size(fd: i32, size: i64);
        fd_filestat_set_times(fd: i32, atim: i64, mtim: i64, flags: i32);
        fd_pread(fd: i32, iovs: i32, count: i32, offset: i64, out: i32);
        fd_pwrite(fd: i32, iovs: i32, count: i32, offset: i64, out: i32);
        fd_read(fd: i32, iovs: i32, count: i32, out: i32);
        fd_write(fd: i32, iovs: i32, count: i32, out: i32);
        fd_readdir(fd: i32, buf: i32, len: i32, cookie: i64, out: i32);
        fd_renumber(from: i32, to: i32);
        fd_seek(fd: i32, offset: i64, whence: i32, out: i32);
        fd_tell(fd: i32, out: i32);
        fd_prestat_get(fd: i32, out: i32);
        fd_prestat_dir_name(fd: i32, path: i32, len: i32);
        path_open(fd: i32, dirflags: i32, path: i32, len: i32, oflags: i32,
                  base: i64, inheriting: i64, fdflags: i32, out: i32);
        path_create_directory(fd: i32, path: i32, len: i32);
        path_filestat_get(fd: i32, flags: i32, path: i32, len: i32, out: i32);
        path_filestat_set_times(fd: i32, flags: i32, path: i32, len: i32,
                                atim: i64, mtim: i64, fst_flags: i32);
        path_link(old_fd: i32, old_flags: i32, old_path: i32, old_len: i32,
                  new_fd: i32, new_path: i32, new_len: i32);
        path_readlink(fd: i32, path: i32, len: i32, buf: i32, buf_len: i32, out: i32);
        path_remove_directory(fd: i32, path: i32, len: i32);
        path_rename(fd: i32, old_path: i32, old_len: i32, new_fd: i32, new_path: i32, new_len: i32);
        path_symlink(target: i32, target_len: i32, fd: i32, path: i32, len: i32);
        path_unlink_file(fd: i32, path: i32, len: i32);
        poll_oneoff(subs: i32, events: i32, count: i32, out: i32);
        sock_accept(fd: i32, flags: i32, out: i32);
        sock_recv(fd: i32, iovs: i32, count: i32, flags: i32, out_len: i32, out_flags: i32);
        sock_send(fd: i32, iovs: i32, count: i32, flags: i32, out: i32);
        sock_shutdown(fd: i32, how: i32);
    }
    linker.func_wrap(
        MODULE,
        "proc_exit",
        move |mut caller: Caller<'_, T>, code: i32| -> Result<()> {
            get(caller.data_mut()).exit_code = Some(code);
            Err(Error::Exit(code))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "proc_raise",
        move |mut caller: Caller<'_, T>, signal: i32| -> Result<i32> {
            let signal = match abi::enum_case(signal as u32, 31) {
                Ok(signal) => signal,
                Err(Fail::Trap(why)) => return Err(trap("proc_raise", why)),
                Err(Fail::Errno(e)) => return Ok(e.0 as i32),
            };
            match process::raise(signal) {
                None => Ok(0),
                Some(status) => {
                    let ctx = get(caller.data_mut());
                    ctx.exit_code = Some(status);
                    ctx.raised = Some(signal);
                    Err(Error::Host(format!("the program raised signal {signal}")))
                }
            }
        },
    )?;
    linker.func_wrap(MODULE, "sched_yield", || -> i32 {
        std::thread::yield_now();
        0
    })?;
    Ok(())
}
