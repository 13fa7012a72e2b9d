//! The errors every fallible API call returns.

use crate::Trap;

/// Anything that can go wrong compiling, linking or running Wasm.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The `.wat` text could not be parsed.
    #[error("{0}")]
    Wat(String),
    /// The binary is malformed or does not validate.
    #[error("invalid module: {0}")]
    Invalid(String),
    /// A feature or tier this build cannot provide.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The tier cannot translate or compile a function; the message names it.
    #[error("compile error: {0}")]
    Compile(String),
    /// An import could not be satisfied; the message names it.
    #[error("link error: {0}")]
    Link(String),
    /// Wasm code trapped.
    #[error("{0}")]
    Trap(Trap),
    /// A Wasm exception no Wasm frame caught (or one a host function
    /// throws, by returning it).
    #[error("{0}")]
    Exception(crate::Exception),
    /// The program asked to exit (WASI `proc_exit`).
    #[error("exit with status {0}")]
    Exit(i32),
    /// A value of the wrong type was passed through the API.
    #[error("type mismatch: {0}")]
    Type(String),
    /// A host function failed.
    #[error("{0}")]
    Host(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A serialized module (or a cached one) that this engine cannot
    /// load: another build of tandem made it, or made its code for other
    /// settings, or it is not one at all.
    #[error("cannot load the serialized module: {0}")]
    Incompatible(String),
    /// A resource limit was reached (memory reservation, table size).
    #[error("limit exceeded: {0}")]
    Limit(String),
}

impl Error {
    /// A host-function error with a message.
    pub fn msg(message: impl Into<String>) -> Error {
        Error::Host(message.into())
    }

    /// Whether this is a trap with code `code` (an interrupt, say).
    pub fn is_trap(&self, code: crate::TrapCode) -> bool {
        self.as_trap().is_some_and(|t| t.code() == code)
    }

    /// The trap, if this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match self {
            Error::Trap(t) => Some(t),
            _ => None,
        }
    }
}

impl From<Trap> for Error {
    fn from(t: Trap) -> Error {
        Error::Trap(t)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
