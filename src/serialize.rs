//! Serialized modules: what `Module::serialize` writes and
//! `Module::deserialize` maps back, so that a module is neither validated
//! nor compiled twice (`tandem compile -o`, then `tandem run`).
//!
//! A file holds its [`Fingerprint`] (this build, and the proposals its
//! engine allowed), the module's binary, and the machine code made for it
//! so far, with the CPU features and checks that code was compiled for.
//! Loading checks all of them: a file from another build or for other
//! settings is a clear error, never code that does not fit. The binary is
//! decoded again (it is cheap next to validation, and keeps one decoder);
//! the copy-on-write memory images are made from its data segments, as for
//! any module, at the first instantiation.

use crate::module::ModuleInner;
use crate::{Engine, Error, Result, Tier};
use tandem_vm::serial::{Malformed, Reader, Writer};
use tandem_vm::{Checks, CpuFeatures};

/// The start of every serialized module; its last byte is the format's
/// version.
const MAGIC: &[u8; 8] = b"\0tandem\x01";

/// What a serialized module must share with the engine that loads it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    /// The build of tandem (see `build.rs`).
    build: String,
    /// The proposals modules may use: the file's module validated under them.
    features: u64,
}

impl Fingerprint {
    pub fn of(engine: &Engine) -> Fingerprint {
        Fingerprint {
            build: env!("TANDEM_BUILD_ID").to_string(),
            features: engine.config().features.bits(),
        }
    }

    pub fn write(&self, w: &mut Writer) {
        w.bytes(self.build.as_bytes());
        w.u64(self.features);
    }

    pub fn read(r: &mut Reader<'_>) -> std::result::Result<Fingerprint, Malformed> {
        Ok(Fingerprint {
            build: String::from_utf8_lossy(r.bytes()?).into_owned(),
            features: r.u64()?,
        })
    }

    /// Why something with this fingerprint cannot be loaded into `engine`.
    pub fn check(&self, engine: &Engine) -> std::result::Result<(), String> {
        let ours = Fingerprint::of(engine);
        if self.build != ours.build {
            return Err(format!(
                "made by tandem {}, and this is tandem {}",
                self.build, ours.build
            ));
        }
        if self.features != ours.features {
            return Err(format!(
                "validated for other Wasm proposals ({:#x}) than this engine allows ({:#x})",
                self.features, ours.features
            ));
        }
        Ok(())
    }
}

/// What compiled code depends on besides the build: it runs only in an
/// engine that makes the same.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct CodeSettings {
    cpu: CpuFeatures,
    checks: Checks,
}

impl CodeSettings {
    pub fn of(engine: &Engine) -> CodeSettings {
        CodeSettings {
            cpu: engine.cpu_features(),
            checks: engine.config().checks(),
        }
    }

    pub fn write(&self, w: &mut Writer) {
        w.u8(self.cpu.avx as u8);
        w.u8(self.checks.epoch as u8);
        w.u8(self.checks.fuel as u8);
    }

    fn read(r: &mut Reader<'_>) -> std::result::Result<CodeSettings, Malformed> {
        let mut flag = || r.u8().map(|b| b != 0);
        Ok(CodeSettings {
            cpu: CpuFeatures { avx: flag()? },
            checks: Checks {
                epoch: flag()?,
                fuel: flag()?,
            },
        })
    }

    fn describe(&self) -> String {
        let on = |b: bool| if b { "on" } else { "off" };
        format!(
            "AVX {}, epoch interruption {}, fuel {}",
            on(self.cpu.avx),
            on(self.checks.epoch),
            on(self.checks.fuel)
        )
    }
}

/// Machine code saved for a module, once checked against an engine.
pub(crate) struct SavedCode<'a> {
    settings: CodeSettings,
    bytes: &'a [u8],
}

impl<'a> SavedCode<'a> {
    /// The code the engine `engine` can run: none for the interpreter,
    /// which makes no machine code; an error if it was compiled for other
    /// settings.
    pub fn for_engine(&self, engine: &Engine) -> Result<Option<&'a [u8]>> {
        if engine.config().tier_kind() == Tier::Interp {
            return Ok(None);
        }
        let ours = CodeSettings::of(engine);
        if self.settings != ours {
            return Err(Error::Incompatible(format!(
                "its code was compiled for {}, and this engine compiles for {}",
                self.settings.describe(),
                ours.describe()
            )));
        }
        Ok(Some(self.bytes))
    }
}

/// Writes the machine code the tier has made for `module`, if any.
pub(crate) fn write_code(w: &mut Writer, module: &ModuleInner, bytes: Option<&[u8]>) {
    match bytes {
        Some(bytes) => {
            w.u8(1);
            CodeSettings::of(&module.engine).write(w);
            w.bytes(bytes);
        }
        None => w.u8(0),
    }
}

pub(crate) fn read_code<'a>(
    r: &mut Reader<'a>,
) -> std::result::Result<Option<SavedCode<'a>>, Malformed> {
    match r.u8()? {
        0 => Ok(None),
        1 => Ok(Some(SavedCode {
            settings: CodeSettings::read(r)?,
            bytes: r.bytes()?,
        })),
        _ => Err(Malformed("an unknown code section")),
    }
}

/// `module` as a serialized module.
pub(crate) fn serialize(module: &ModuleInner) -> Vec<u8> {
    let mut w = Writer::default();
    w.bytes.extend_from_slice(MAGIC);
    Fingerprint::of(&module.engine).write(&mut w);
    w.bytes(&module.env.bytes);
    let code = module.code.serialize();
    write_code(&mut w, module, code.as_ref().map(|c| &c.bytes[..]));
    w.bytes
}

/// A serialized module's parts: its binary and the code saved for it.
pub(crate) struct Parts<'a> {
    pub wasm: &'a [u8],
    pub code: Option<SavedCode<'a>>,
}

/// Reads what [`serialize`] wrote, checked against `engine`.
pub(crate) fn read<'a>(engine: &Engine, bytes: &'a [u8]) -> Result<Parts<'a>> {
    let Some(rest) = bytes.strip_prefix(MAGIC) else {
        return Err(Error::Incompatible(
            "not a serialized tandem module (or one of another format version)".into(),
        ));
    };
    let mut r = Reader::new(rest);
    let malformed = |Malformed(what)| Error::Incompatible(format!("a damaged file: {what}"));
    Fingerprint::read(&mut r)
        .map_err(malformed)?
        .check(engine)
        .map_err(Error::Incompatible)?;
    let wasm = r.bytes().map_err(malformed)?;
    let code = read_code(&mut r).map_err(malformed)?;
    if !r.is_empty() {
        return Err(malformed(Malformed("trailing bytes")));
    }
    Ok(Parts { wasm, code })
}

/// Whether `bytes` start as a serialized module does.
pub(crate) fn is_serialized(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// A file mapped read-only, for as long as this lives.
pub(crate) struct MappedFile {
    ptr: *mut std::ffi::c_void,
    len: usize,
}

impl MappedFile {
    pub fn open(path: &std::path::Path) -> Result<MappedFile> {
        let file = std::fs::File::open(path)?;
        let len = usize::try_from(file.metadata()?.len())
            .map_err(|_| Error::Incompatible("too large a file".into()))?;
        if len == 0 {
            return Ok(MappedFile {
                ptr: std::ptr::null_mut(),
                len,
            });
        }
        use rustix::mm::{mmap, MapFlags, ProtFlags};
        // SAFETY: a new private read-only mapping of a whole file, at an
        // address the kernel picks: it overlaps nothing of Rust's.
        let ptr = unsafe {
            mmap(
                std::ptr::null_mut(),
                len,
                ProtFlags::READ,
                MapFlags::PRIVATE,
                &file,
                0,
            )
        }
        .map_err(std::io::Error::from)?;
        Ok(MappedFile { ptr, len })
    }

    pub fn bytes(&self) -> &[u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: `len` readable bytes are mapped at `ptr` until `self`
        // drops.
        unsafe { std::slice::from_raw_parts(self.ptr.cast(), self.len) }
    }
}

impl Drop for MappedFile {
    fn drop(&mut self) {
        if self.len != 0 {
            // SAFETY: unmaps exactly the mapping `open` made, which no
            // borrow outlives (`bytes` borrows `self`).
            let _ = unsafe { rustix::mm::munmap(self.ptr, self.len) };
        }
    }
}
