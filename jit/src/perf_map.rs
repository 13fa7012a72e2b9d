//! `perf` map output: with it enabled, each function compiled is appended
//! to `/tmp/perf-<pid>.map` as `START SIZE NAME` (hexadecimal address and
//! size), so `perf report` names JIT code by Wasm function.

use parking_lot::Mutex;
use std::fs::File;
use std::io::Write;

/// The open map file, once enabled.
static MAP: Mutex<Option<File>> = parking_lot::const_mutex(None);

/// Starts writing the map (creating or truncating it).
pub fn enable() -> std::io::Result<()> {
    let mut map = MAP.lock();
    if map.is_none() {
        *map = Some(File::create(format!(
            "/tmp/perf-{}.map",
            std::process::id()
        ))?);
    }
    Ok(())
}

/// Records functions `(start, len, name)`, if the map is enabled. A write
/// error disables it (profiling output never stops execution).
pub(crate) fn record(funcs: impl Iterator<Item = (usize, usize, String)>) {
    let mut map = MAP.lock();
    let Some(file) = map.as_mut() else {
        return;
    };
    let mut text = String::new();
    for (start, len, name) in funcs {
        text.push_str(&format!("{start:x} {len:x} {name}\n"));
    }
    if file.write_all(text.as_bytes()).is_err() {
        *map = None;
    }
}
