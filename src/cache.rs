//! The code cache (`Config::cache_dir`, `tandem run --cache DIR`): what the
//! JIT compiled for a module in one run is saved when the module goes away,
//! and installed when the same module is loaded in a later run, so that run
//! starts with its hot functions compiled (the tiered tier then tiers up
//! the rest as before; the jit tier compiles only what is missing).
//!
//! An entry is named by a hash of the module's binary and of everything its
//! code depends on (the build, the engine's proposals, CPU features and
//! checks), so a module meets only code made for it by this build with
//! these settings. Its contents end with a hash of themselves: an entry
//! that does not match it, or whose header is not this engine's, is ignored
//! with a warning, as though it were not there. Since a hit proves the
//! binary is one this build validated before, a module loaded from the
//! cache is not validated again.
//!
//! Entries are written to a temporary file and renamed into place, so a
//! reader (in this process or another) sees a whole entry or none, and a
//! run that crashes mid-write leaves only a temporary file, which a later
//! eviction removes. The directory is kept under its size limit by
//! removing the entries used least recently (a hit refreshes an entry's
//! modification time).

use crate::module::ModuleInner;
use crate::serialize::{self, Fingerprint};
use crate::{Engine, Error, Result};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use tandem_vm::serial::{Reader, Writer};

/// The start of every entry; its last byte is the format's version.
const MAGIC: &[u8; 8] = b"\0tndcch\x01";

/// The file names of entries end so; temporary files end in `.tmp`.
const SUFFIX: &str = ".tandem";

/// A temporary file this old belongs to a run that died.
const STALE: Duration = Duration::from_secs(600);

/// A cache directory and its size limit.
#[derive(Debug)]
pub(crate) struct Cache {
    dir: PathBuf,
    max_bytes: u64,
}

/// What names a module's entry.
#[derive(Clone, Copy)]
pub(crate) struct Key(blake3::Hash);

impl Cache {
    /// The cache in `dir`, made if missing.
    pub fn open(dir: &Path, max_bytes: u64) -> Result<Cache> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::Io(std::io::Error::new(
                e.kind(),
                format!("cache directory {}: {e}", dir.display()),
            ))
        })?;
        Ok(Cache {
            dir: dir.to_path_buf(),
            max_bytes,
        })
    }

    /// The key of `wasm`'s entry for code `engine` makes.
    pub fn key(engine: &Engine, wasm: &[u8]) -> Key {
        let mut w = Writer::default();
        Fingerprint::of(engine).write(&mut w);
        serialize::CodeSettings::of(engine).write(&mut w);
        let mut h = blake3::Hasher::new();
        h.update(&w.bytes);
        h.update(wasm);
        Key(h.finalize())
    }

    fn path(&self, key: Key) -> PathBuf {
        self.dir.join(format!("{}{SUFFIX}", key.0.to_hex()))
    }

    /// What `with` makes of the code saved under `key`, if there is a
    /// sound entry for `engine`; a damaged or foreign entry is reported and
    /// ignored.
    pub fn load<R>(&self, engine: &Engine, key: Key, with: impl FnOnce(&[u8]) -> R) -> Option<R> {
        let path = self.path(key);
        let entry = std::fs::read(&path).ok()?;
        let code = match check(engine, &entry) {
            Ok(code) => code,
            Err(why) => {
                tracing::warn!(path = %path.display(), "ignoring a code cache entry: {why}");
                return None;
            }
        };
        // Least recently used goes first: this entry was just used.
        let now = std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(SystemTime::now()));
        if let Err(e) = now {
            tracing::debug!(path = %path.display(), "cannot refresh a cache entry: {e}");
        }
        tracing::debug!(path = %path.display(), bytes = entry.len(), "code cache hit");
        Some(with(code))
    }

    /// Saves the code the tier made for `module` under `key`, if it made
    /// any since the module was loaded, then keeps the cache under its
    /// limit. Failures are reported, never raised: the cache only saves
    /// time.
    pub fn store(&self, key: Key, module: &ModuleInner) {
        let Some(code) = module.code.serialize() else {
            return;
        };
        if !code.fresh {
            return;
        }
        let mut w = Writer::default();
        w.bytes.extend_from_slice(MAGIC);
        Fingerprint::of(&module.engine).write(&mut w);
        serialize::write_code(&mut w, module, Some(&code.bytes));
        let sum = blake3::hash(&w.bytes);
        w.bytes.extend_from_slice(sum.as_bytes());
        let path = self.path(key);
        match self.write_atomically(&path, &w.bytes) {
            Ok(()) => {
                tracing::debug!(path = %path.display(), bytes = w.bytes.len(), "code cache store")
            }
            Err(e) => {
                tracing::warn!(path = %path.display(), "cannot write a code cache entry: {e}")
            }
        }
        self.evict();
    }

    fn write_atomically(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let tmp = self.dir.join(format!(
            ".{}.{}.{nanos}.tmp",
            name.unwrap_or_default(),
            std::process::id()
        ));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }

    /// Removes the least recently used entries while the directory holds
    /// more than its limit, and temporary files that runs left behind.
    fn evict(&self) {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let now = SystemTime::now();
        let mut entries = Vec::new();
        for e in dir.flatten() {
            let (Ok(meta), name) = (e.metadata(), e.file_name()) else {
                continue;
            };
            let name = name.to_string_lossy();
            let modified = meta.modified().unwrap_or(now);
            if name.ends_with(".tmp") {
                if now.duration_since(modified).is_ok_and(|age| age > STALE) {
                    let _ = std::fs::remove_file(e.path());
                }
            } else if name.ends_with(SUFFIX) && meta.is_file() {
                entries.push((modified, meta.len(), e.path()));
            }
        }
        let mut total: u64 = entries.iter().map(|e| e.1).sum();
        entries.sort();
        for (_, len, path) in entries {
            if total <= self.max_bytes {
                break;
            }
            // Another process may have removed it first.
            if std::fs::remove_file(&path).is_ok() {
                tracing::debug!(path = %path.display(), "code cache eviction");
            }
            total -= len;
        }
    }
}

/// The code in `entry`, or why it is not an entry this engine wrote:
/// damaged, or foreign.
fn check<'a>(engine: &Engine, entry: &'a [u8]) -> std::result::Result<&'a [u8], String> {
    if !entry.starts_with(MAGIC) || entry.len() < MAGIC.len() + blake3::OUT_LEN {
        return Err("not a tandem code cache entry".into());
    }
    let (contents, sum) = entry.split_at(entry.len() - blake3::OUT_LEN);
    if blake3::hash(contents).as_bytes() != sum {
        return Err("its checksum does not match: damaged".into());
    }
    let mut r = Reader::new(&contents[MAGIC.len()..]);
    let fingerprint = Fingerprint::read(&mut r).map_err(|e| e.to_string())?;
    fingerprint.check(engine)?;
    match serialize::read_code(&mut r).map_err(|e| e.to_string())? {
        Some(code) if r.is_empty() => match code.for_engine(engine) {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err("this engine makes no code".into()),
            Err(e) => Err(e.to_string()),
        },
        _ => Err("no code, or trailing bytes".into()),
    }
}
