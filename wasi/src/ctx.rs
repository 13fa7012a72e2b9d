//! [`WasiCtx`]: what one WASI program sees of the host.

use crate::table::{Descriptor, Dir, Table};
use rustix::fs::{open, Mode, OFlags};
use std::path::Path;

/// The state of a WASI program: its arguments and environment, its
/// descriptors (standard input, output and error inherited from the host
/// process, then the preopened directories), and its exit code once it
/// called `proc_exit`.
#[derive(Debug)]
pub struct WasiCtx {
    /// `argv`, including the program name as `args[0]`.
    pub args: Vec<String>,
    /// `NAME=value` pairs.
    pub env: Vec<(String, String)>,
    /// Set by `proc_exit`, or by `proc_raise` of a signal that ends a
    /// process (then 128 + the signal number, as a shell reports it).
    pub exit_code: Option<i32>,
    /// The signal a `proc_raise` ended the program with.
    pub raised: Option<u32>,
    pub(crate) table: Table,
}

impl Default for WasiCtx {
    fn default() -> WasiCtx {
        WasiCtx::new(Vec::new(), Vec::new())
    }
}

impl WasiCtx {
    pub fn new(args: Vec<String>, env: Vec<(String, String)>) -> WasiCtx {
        WasiCtx {
            args,
            env,
            exit_code: None,
            raised: None,
            table: Table::stdio(),
        }
    }

    /// Gives the guest the host directory `host` under the name `guest`, as
    /// the next free descriptor (3 for the first). The guest reaches nothing
    /// outside it: see the `sandbox` module.
    pub fn preopen_dir(&mut self, host: impl AsRef<Path>, guest: &str) -> std::io::Result<()> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let fd = open(host.as_ref(), flags, Mode::empty())?;
        self.table
            .insert(Descriptor::Dir(Dir {
                fd,
                preopen: Some(guest.to_string()),
                listing: None,
            }))
            .map_err(|_| std::io::Error::other("too many open descriptors"))?;
        Ok(())
    }

    pub(crate) fn env_strings(&self) -> Vec<String> {
        self.env.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }
}
