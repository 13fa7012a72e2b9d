//! Traps as the embedder sees them: the cause and a Wasm backtrace.

pub use tandem_vm::TrapCode;

/// A trap raised by Wasm code.
#[derive(Clone, Debug)]
pub struct Trap {
    code: TrapCode,
    backtrace: Vec<FrameInfo>,
}

/// One Wasm frame of a backtrace, innermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    pub func_index: u32,
    /// From the module's name section, if it has one.
    pub func_name: Option<String>,
}

impl Trap {
    pub(crate) fn new(code: TrapCode, backtrace: Vec<FrameInfo>) -> Trap {
        tracing::debug!(%code, frames = backtrace.len(), "trap");
        Trap { code, backtrace }
    }
    pub fn code(&self) -> TrapCode {
        self.code
    }
    pub fn backtrace(&self) -> &[FrameInfo] {
        &self.backtrace
    }
}

impl std::fmt::Display for Trap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "wasm trap: {}", self.code.message())?;
        if !self.backtrace.is_empty() {
            write!(f, "\nwasm backtrace:")?;
            for (i, frame) in self.backtrace.iter().enumerate() {
                write!(f, "\n  {i:>3}: func[{}]", frame.func_index)?;
                if let Some(name) = &frame.func_name {
                    write!(f, " {name}")?;
                }
            }
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}
