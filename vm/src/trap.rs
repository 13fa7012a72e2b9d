//! Trap codes, and how a trap travels from running code to the host.
//!
//! A call under the [calling convention](crate::callconv) returns `0` on
//! success or a [`TrapCode`] as `u32`. The code that detects the trap first
//! calls [`raise`], which starts a [`TrapRecord`] in a thread-local slot; every
//! tier that unwinds through a Wasm frame appends it with [`push_frame`], so the
//! runtime can present a backtrace; the runtime finally collects the record
//! with [`take`]. Errors returned by host functions travel the same way, with
//! [`TrapCode::Host`] and the error object in [`TrapRecord::host_error`];
//! so do thrown exceptions, with [`TrapCode::Exception`] and the exception
//! in [`TrapRecord::exception`] (see [`exn`](crate::exn)).

use crate::exn::{Exception, VMTag};
use crate::VMContext;
use std::any::Any;
use std::cell::RefCell;

/// Every way Wasm execution can trap.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrapCode {
    Unreachable = 1,
    MemoryOutOfBounds,
    TableOutOfBounds,
    /// `call_indirect` with an index past the table's end.
    UndefinedElement,
    /// `call_indirect` through a null table entry.
    UninitializedElement,
    /// `call_indirect` to a function of another signature.
    BadSignature,
    IntegerOverflow,
    IntegerDivisionByZero,
    BadConversionToInteger,
    /// Call-stack exhaustion: too deep a recursion.
    StackOverflow,
    /// A host function returned an error; see [`TrapRecord::host_error`].
    Host,
    /// The store's epoch deadline was reached (and its callback, if any,
    /// did not extend it).
    Interrupt,
    /// The store's fuel ran out.
    OutOfFuel,
    /// `call_ref` or `return_call_ref` of a null reference.
    NullFunctionReference,
    /// `ref.as_non_null` of a null reference.
    NullReference,
    /// An exception is in flight ([`TrapRecord::exception`]): no trap
    /// until it leaves Wasm uncaught.
    Exception,
}

impl TrapCode {
    /// Decodes a non-zero status returned under the calling convention.
    pub const fn from_u32(code: u32) -> Option<TrapCode> {
        use TrapCode::*;
        Some(match code {
            1 => Unreachable,
            2 => MemoryOutOfBounds,
            3 => TableOutOfBounds,
            4 => UndefinedElement,
            5 => UninitializedElement,
            6 => BadSignature,
            7 => IntegerOverflow,
            8 => IntegerDivisionByZero,
            9 => BadConversionToInteger,
            10 => StackOverflow,
            11 => Host,
            12 => Interrupt,
            13 => OutOfFuel,
            14 => NullFunctionReference,
            15 => NullReference,
            16 => Exception,
            _ => return None,
        })
    }

    /// The message the Wasm specification's test suite uses for this trap.
    pub fn message(self) -> &'static str {
        use TrapCode::*;
        match self {
            Unreachable => "unreachable",
            MemoryOutOfBounds => "out of bounds memory access",
            TableOutOfBounds => "out of bounds table access",
            UndefinedElement => "undefined element",
            UninitializedElement => "uninitialized element",
            BadSignature => "indirect call type mismatch",
            IntegerOverflow => "integer overflow",
            IntegerDivisionByZero => "integer divide by zero",
            BadConversionToInteger => "invalid conversion to integer",
            StackOverflow => "call stack exhausted",
            Host => "host function error",
            Interrupt => "interrupt",
            OutOfFuel => "all fuel consumed",
            NullFunctionReference => "null function reference",
            NullReference => "null reference",
            Exception => "uncaught exception",
        }
    }
}

impl std::fmt::Display for TrapCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

/// One Wasm frame of a trap's backtrace, innermost first.
#[derive(Clone, Copy, Debug)]
pub struct BacktraceFrame {
    /// The instance the function belongs to.
    pub vmctx: *const VMContext,
    /// Index of the function in its module's function index space.
    pub func_index: u32,
}

/// A trap in flight: created by [`raise`], completed while unwinding.
#[derive(Debug)]
pub struct TrapRecord {
    pub code: TrapCode,
    pub backtrace: Vec<BacktraceFrame>,
    pub host_error: Option<Box<dyn Any + Send>>,
    pub exception: Option<Exception>,
}

thread_local! {
    static PENDING: RefCell<Option<TrapRecord>> = const { RefCell::new(None) };
}

/// Starts a trap record and returns the status to hand back to the caller.
pub fn raise(code: TrapCode) -> u32 {
    PENDING.with(|p| {
        *p.borrow_mut() = Some(TrapRecord {
            code,
            backtrace: Vec::new(),
            host_error: None,
            exception: None,
        })
    });
    code as u32
}

/// Starts a [`TrapCode::Host`] record carrying the host function's error.
pub fn raise_host(error: Box<dyn Any + Send>) -> u32 {
    let status = raise(TrapCode::Host);
    PENDING.with(|p| {
        if let Some(rec) = p.borrow_mut().as_mut() {
            rec.host_error = Some(error);
        }
    });
    status
}

/// Throws `exn`: starts a [`TrapCode::Exception`] record carrying it.
pub fn raise_exception(exn: Exception) -> u32 {
    let status = raise(TrapCode::Exception);
    PENDING.with(|p| {
        if let Some(rec) = p.borrow_mut().as_mut() {
            rec.exception = Some(exn);
        }
    });
    status
}

/// The tag of the exception in flight, for a handler to match its clauses
/// against (null if none is).
pub fn pending_tag() -> *const VMTag {
    PENDING.with(|p| {
        p.borrow()
            .as_ref()
            .and_then(|rec| rec.exception.as_ref())
            .map_or(std::ptr::null(), |e| e.tag())
    })
}

/// Takes the exception in flight, which a handler catches: the record
/// (and its backtrace) ends here.
///
/// # Panics
/// If no exception is in flight: a handler only catches after a
/// [`TrapCode::Exception`] status, whose record holds one.
pub fn catch() -> Exception {
    PENDING
        .with(|p| p.borrow_mut().take())
        .and_then(|rec| rec.exception)
        .expect("an exception in flight")
}

/// Appends a frame to the trap being unwound (a no-op if none is pending).
pub fn push_frame(vmctx: *const VMContext, func_index: u32) {
    PENDING.with(|p| {
        if let Some(rec) = p.borrow_mut().as_mut() {
            rec.backtrace.push(BacktraceFrame { vmctx, func_index });
        }
    });
}

/// Takes the pending record for a call that returned `status`.
///
/// A status without a record (a tier that returned a code without raising)
/// still yields a record, with an empty backtrace.
pub fn take(status: u32) -> TrapRecord {
    let code = TrapCode::from_u32(status).unwrap_or(TrapCode::Unreachable);
    PENDING
        .with(|p| p.borrow_mut().take())
        .unwrap_or(TrapRecord {
            code,
            backtrace: Vec::new(),
            host_error: None,
            exception: None,
        })
}
