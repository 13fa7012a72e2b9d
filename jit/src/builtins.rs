//! Runtime services compiled code calls for what it does not inline:
//! memory and table sizes and growth, bulk operations, segment drops,
//! `ref.func`, and saturating float-to-integer conversions.
//!
//! Every builtin has one shape, so the code generator calls them all the
//! same way: `fn(vmctx, imm_a, imm_b, x, y, z) -> Ret`, the immediates
//! being the instruction's indices and `x, y, z` its operands; the result
//! comes back in `rax` and a trap status (0 or a [`TrapCode`]) in `rdx`.
//! Addresses, indices and lengths come as 64 bits: an `i32` one is
//! zero-extended in its register, as every `i32` in compiled code is.

use crate::ir::Builtin;
use tandem_vm::{ops, trap, Exception, TrapCode, VMContext, ValRaw};

/// Two words, returned in `rax` and `rdx`.
#[repr(C)]
pub struct Ret {
    value: u64,
    status: u64,
}

type BuiltinFn = unsafe extern "sysv64" fn(*mut VMContext, u64, u64, u64, u64, u64) -> Ret;

/// A saturating conversion's shape: the float's bits in, the integer's out.
type SatFn = extern "sysv64" fn(u64) -> u64;

fn done(r: Result<u64, TrapCode>) -> Ret {
    match r {
        Ok(value) => Ret { value, status: 0 },
        Err(code) => Ret {
            value: 0,
            status: code as u64,
        },
    }
}

// The builtins' contract: compiled code calls each builtin below (through
// `entry`) with its own live VMContext, immediates that are indices the
// validated module declares for the instruction (a memory, table, data or
// element segment, or function of the instance), and operands that are
// Wasm values of the instruction's types. The SAFETY comment in each says
// which part it relies on.

unsafe extern "sysv64" fn memory_size(
    vmctx: *mut VMContext,
    mem: u64,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with memory `mem`,
    // so the lookup yields that memory's live `VMMemory`.
    done(Ok(unsafe { ops::memory_size(vmctx, mem as u32) }))
}

unsafe extern "sysv64" fn memory_grow(
    vmctx: *mut VMContext,
    mem: u64,
    _: u64,
    delta: u64,
    _: u64,
    _: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with memory `mem`;
    // a live instance's `builtins` is the runtime's table, whose
    // `memory_grow` takes one of the store's memories.
    done(Ok(unsafe { ops::memory_grow(vmctx, mem as u32, delta) }))
}

unsafe extern "sysv64" fn memory_fill(
    vmctx: *mut VMContext,
    mem: u64,
    _: u64,
    d: u64,
    v: u64,
    n: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with memory `mem`.
    let r = unsafe { ops::memory_fill(vmctx, mem as u32, d, v as u8, n) };
    done(r.map(|()| 0))
}

unsafe extern "sysv64" fn memory_copy(
    vmctx: *mut VMContext,
    dm: u64,
    sm: u64,
    d: u64,
    s: u64,
    n: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with memories `dm`
    // and `sm`.
    let r = unsafe { ops::memory_copy(vmctx, dm as u32, sm as u32, d, s, n) };
    done(r.map(|()| 0))
}

unsafe extern "sysv64" fn memory_init(
    vmctx: *mut VMContext,
    mem: u64,
    seg: u64,
    d: u64,
    s: u64,
    n: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with memory `mem`
    // and data segment `seg`.
    let r = unsafe { ops::memory_init(vmctx, mem as u32, seg as u32, d, s, n) };
    done(r.map(|()| 0))
}

unsafe extern "sysv64" fn data_drop(
    vmctx: *mut VMContext,
    seg: u64,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with data segment
    // `seg`; zeroing its length is how running code drops it (see
    // `VMSegment`).
    unsafe { ops::data_drop(vmctx, seg as u32) };
    done(Ok(0))
}

unsafe extern "sysv64" fn table_get(
    vmctx: *mut VMContext,
    t: u64,
    _: u64,
    i: u64,
    _: u64,
    _: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with table `t`.
    done(unsafe { ops::table_get(vmctx, t as u32, i) })
}

unsafe extern "sysv64" fn table_set(
    vmctx: *mut VMContext,
    t: u64,
    _: u64,
    i: u64,
    v: u64,
    _: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with table `t`, and
    // the operand `v` is a reference of the table's type.
    let r = unsafe { ops::table_set(vmctx, t as u32, i, v) };
    done(r.map(|()| 0))
}

unsafe extern "sysv64" fn table_size(
    vmctx: *mut VMContext,
    t: u64,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with table `t`, so
    // the lookup yields that table's live `VMTable`.
    done(Ok(unsafe { ops::table_size(vmctx, t as u32) as u64 }))
}

unsafe extern "sysv64" fn table_grow(
    vmctx: *mut VMContext,
    t: u64,
    _: u64,
    init: u64,
    delta: u64,
    _: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with table `t`, and
    // the operand `init` is a reference of its type; a live instance's
    // `builtins` is the runtime's table, whose `table_grow` takes one of
    // the store's tables.
    done(Ok(unsafe { ops::table_grow(vmctx, t as u32, delta, init) }))
}

unsafe extern "sysv64" fn table_fill(
    vmctx: *mut VMContext,
    t: u64,
    _: u64,
    d: u64,
    v: u64,
    n: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with table `t`, and
    // the operand `v` is a reference of the table's type.
    let r = unsafe { ops::table_fill(vmctx, t as u32, d, v, n) };
    done(r.map(|()| 0))
}

unsafe extern "sysv64" fn table_copy(
    vmctx: *mut VMContext,
    dt: u64,
    st: u64,
    d: u64,
    s: u64,
    n: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with tables `dt`
    // and `st`.
    let r = unsafe { ops::table_copy(vmctx, dt as u32, st as u32, d, s, n) };
    done(r.map(|()| 0))
}

unsafe extern "sysv64" fn table_init(
    vmctx: *mut VMContext,
    t: u64,
    seg: u64,
    d: u64,
    s: u64,
    n: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with table `t` and
    // element segment `seg`.
    let r = unsafe { ops::table_init(vmctx, t as u32, seg as u32, d, s, n) };
    done(r.map(|()| 0))
}

unsafe extern "sysv64" fn elem_drop(
    vmctx: *mut VMContext,
    seg: u64,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with element
    // segment `seg`; zeroing its length is how running code drops it (see
    // `VMSegment`).
    unsafe { ops::elem_drop(vmctx, seg as u32) };
    done(Ok(0))
}

unsafe extern "sysv64" fn ref_func(
    vmctx: *mut VMContext,
    f: u64,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live and `f` is one of
    // its function indices.
    let func = unsafe { (*vmctx).func(f as u32) };
    done(Ok(func as u64))
}

unsafe extern "sysv64" fn throw(
    vmctx: *mut VMContext,
    tag: u64,
    n: u64,
    payload: u64,
    _: u64,
    _: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with tag `tag`,
    // and compiled code passes the address of the `n` payload cells it
    // wrote (16-byte aligned `ValRaw`s).
    let exn = unsafe {
        let payload = std::slice::from_raw_parts(payload as *const ValRaw, n as usize);
        Exception::new((*vmctx).tag(tag as u32), payload)
    };
    Ret {
        value: 0,
        status: trap::raise_exception(exn) as u64,
    }
}

unsafe extern "sysv64" fn throw_ref(
    _: *mut VMContext,
    _: u64,
    _: u64,
    r: u64,
    _: u64,
    _: u64,
) -> Ret {
    let status = if r == 0 {
        trap::raise(TrapCode::NullReference)
    } else {
        // SAFETY: a non-null `exnref` that Wasm code holds names an object
        // its store adopted when a catch clause handed it out.
        trap::raise_exception(unsafe { Exception::from_ref(r) })
    };
    Ret {
        value: 0,
        status: status as u64,
    }
}

unsafe extern "sysv64" fn rethrow(
    _: *mut VMContext,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
) -> Ret {
    Ret {
        value: 0,
        status: TrapCode::Exception as u64,
    }
}

unsafe extern "sysv64" fn match_tag(
    vmctx: *mut VMContext,
    tag: u64,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
) -> Ret {
    // SAFETY: by the builtins' contract, `vmctx` is live with tag `tag`.
    let tag = unsafe { (*vmctx).tag(tag as u32) };
    done(Ok((trap::pending_tag() == tag) as u64))
}

unsafe extern "sysv64" fn catch(
    vmctx: *mut VMContext,
    tag: u64,
    with_ref: u64,
    cells: u64,
    _: u64,
    _: u64,
) -> Ret {
    // A landing pad's clause calls this with an exception in flight.
    let exn = trap::catch();
    if tag != u32::MAX as u64 {
        // SAFETY: compiled code passes cells for the payload of tag `tag`,
        // which is the exception's (the clause matched it).
        unsafe {
            let cells = cells as *mut ValRaw;
            for (i, &v) in exn.payload().iter().enumerate() {
                *cells.add(i) = v;
            }
        }
    }
    let r = if with_ref == 0 {
        0
    } else {
        // SAFETY: by the builtins' contract, `vmctx` and its store are live.
        unsafe { (*(*vmctx).store).exns.adopt(exn) }
    };
    done(Ok(r))
}

/// Every function of the runtime that compiled code calls by address, which
/// the code holds as a 64-bit immediate: a relocation names one (see
/// [`Reloc`](crate::x64::reloc::Reloc)), so that code compiled in one process
/// can run in another, where each lies elsewhere.
macro_rules! runtime_fns {
    ($($variant:ident = $name:literal => $f:expr, $ty:ty;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum RuntimeFn {
            $($variant,)*
        }

        impl RuntimeFn {
            /// Every one, in a fixed order: a serialized relocation names
            /// one by its place here.
            pub const ALL: &[RuntimeFn] = &[$(RuntimeFn::$variant,)*];

            /// Its name, as disassembly shows it.
            pub fn name(self) -> &'static str {
                match self {
                    $(RuntimeFn::$variant => $name,)*
                }
            }

            /// Its address in this process.
            pub fn addr(self) -> u64 {
                match self {
                    $(RuntimeFn::$variant => {
                        // The type of each is checked against its shape.
                        let f: $ty = $f;
                        f as *const () as u64
                    })*
                }
            }
        }
    };
}

runtime_fns! {
    MemorySize = "memory_size" => memory_size, BuiltinFn;
    MemoryGrow = "memory_grow" => memory_grow, BuiltinFn;
    MemoryFill = "memory_fill" => memory_fill, BuiltinFn;
    MemoryCopy = "memory_copy" => memory_copy, BuiltinFn;
    MemoryInit = "memory_init" => memory_init, BuiltinFn;
    DataDrop = "data_drop" => data_drop, BuiltinFn;
    TableGet = "table_get" => table_get, BuiltinFn;
    TableSet = "table_set" => table_set, BuiltinFn;
    TableSize = "table_size" => table_size, BuiltinFn;
    TableGrow = "table_grow" => table_grow, BuiltinFn;
    TableFill = "table_fill" => table_fill, BuiltinFn;
    TableCopy = "table_copy" => table_copy, BuiltinFn;
    TableInit = "table_init" => table_init, BuiltinFn;
    ElemDrop = "elem_drop" => elem_drop, BuiltinFn;
    RefFunc = "ref_func" => ref_func, BuiltinFn;
    Throw = "throw" => throw, BuiltinFn;
    ThrowRef = "throw_ref" => throw_ref, BuiltinFn;
    Rethrow = "rethrow" => rethrow, BuiltinFn;
    MatchTag = "match_tag" => match_tag, BuiltinFn;
    Catch = "catch" => catch, BuiltinFn;
    Interrupt = "interrupt" => interrupt, _;
    SatF32I32 = "sat_f32_i32" => sat_f32_i32, SatFn;
    SatF32U32 = "sat_f32_u32" => sat_f32_u32, SatFn;
    SatF64I32 = "sat_f64_i32" => sat_f64_i32, SatFn;
    SatF64U32 = "sat_f64_u32" => sat_f64_u32, SatFn;
    SatF32I64 = "sat_f32_i64" => sat_f32_i64, SatFn;
    SatF32U64 = "sat_f32_u64" => sat_f32_u64, SatFn;
    SatF64I64 = "sat_f64_i64" => sat_f64_i64, SatFn;
    SatF64U64 = "sat_f64_u64" => sat_f64_u64, SatFn;
    TrapInCompiledCode = "trap_in_compiled_code" => tandem_vm::unwind::trap_in_compiled_code, _;
    RaisedInCompiledCode = "raised_in_compiled_code" => tandem_vm::unwind::raised_in_compiled_code, _;
    ContinueTrap = "continue_trap" => tandem_vm::unwind::continue_trap, _;
    Enter = "enter" => crate::x64::trampolines::enter, _;
    NativeTailCall = "native_tail_call" => crate::x64::trampolines::native_tail_call, _;
}

/// The function implementing `b`, and its two immediates.
pub fn entry(b: Builtin) -> (RuntimeFn, u32, u32) {
    use RuntimeFn as F;
    match b {
        Builtin::MemorySize(m) => (F::MemorySize, m, 0),
        Builtin::MemoryGrow(m) => (F::MemoryGrow, m, 0),
        Builtin::MemoryFill(m) => (F::MemoryFill, m, 0),
        Builtin::MemoryCopy(d, s) => (F::MemoryCopy, d, s),
        Builtin::MemoryInit(m, seg) => (F::MemoryInit, m, seg),
        Builtin::DataDrop(seg) => (F::DataDrop, seg, 0),
        Builtin::TableGet(t) => (F::TableGet, t, 0),
        Builtin::TableSet(t) => (F::TableSet, t, 0),
        Builtin::TableSize(t) => (F::TableSize, t, 0),
        Builtin::TableGrow(t) => (F::TableGrow, t, 0),
        Builtin::TableFill(t) => (F::TableFill, t, 0),
        Builtin::TableCopy(d, s) => (F::TableCopy, d, s),
        Builtin::TableInit(t, seg) => (F::TableInit, t, seg),
        Builtin::ElemDrop(seg) => (F::ElemDrop, seg, 0),
        Builtin::RefFunc(f) => (F::RefFunc, f, 0),
        Builtin::Throw(tag, n) => (F::Throw, tag, n),
        Builtin::ThrowRef => (F::ThrowRef, 0, 0),
        Builtin::Rethrow => (F::Rethrow, 0, 0),
        Builtin::MatchTag(tag) => (F::MatchTag, tag, 0),
        Builtin::Catch(tag, with_ref) => (F::Catch, tag, with_ref),
    }
}

/// An epoch check found the deadline reached: the runtime's verdict (0,
/// or the status of the trap it raised).
///
/// # Safety
/// `vmctx` must be the live instance of the calling compiled code.
pub(crate) unsafe extern "sysv64" fn interrupt(vmctx: *mut VMContext) -> u32 {
    // SAFETY: the caller guarantees `vmctx` is live.
    unsafe { ops::interrupt(vmctx) }
}

/// Whether `b` may return a trap status.
pub fn may_trap(b: Builtin) -> bool {
    matches!(
        b,
        Builtin::MemoryFill(_)
            | Builtin::MemoryCopy(..)
            | Builtin::MemoryInit(..)
            | Builtin::TableGet(_)
            | Builtin::TableSet(_)
            | Builtin::TableFill(_)
            | Builtin::TableCopy(..)
            | Builtin::TableInit(..)
    )
}

// Saturating conversions: Rust's `as` from float to integer is exactly
// Wasm's `trunc_sat` (NaN to 0, out of range to the nearest bound).
extern "sysv64" fn sat_f32_i32(b: u64) -> u64 {
    f32::from_bits(b as u32) as i32 as u32 as u64
}
extern "sysv64" fn sat_f32_u32(b: u64) -> u64 {
    f32::from_bits(b as u32) as u32 as u64
}
extern "sysv64" fn sat_f64_i32(b: u64) -> u64 {
    f64::from_bits(b) as i32 as u32 as u64
}
extern "sysv64" fn sat_f64_u32(b: u64) -> u64 {
    f64::from_bits(b) as u32 as u64
}
extern "sysv64" fn sat_f32_i64(b: u64) -> u64 {
    f32::from_bits(b as u32) as i64 as u64
}
extern "sysv64" fn sat_f32_u64(b: u64) -> u64 {
    f32::from_bits(b as u32) as u64
}
extern "sysv64" fn sat_f64_i64(b: u64) -> u64 {
    f64::from_bits(b) as i64 as u64
}
extern "sysv64" fn sat_f64_u64(b: u64) -> u64 {
    f64::from_bits(b) as u64
}

/// The name and address of the saturating conversion from a float
/// (`src64`: f64) to an integer (`dst64`: i64), taking the float's bits
/// in `rdi`.
pub fn trunc_sat(signed: bool, src64: bool, dst64: bool) -> RuntimeFn {
    use RuntimeFn as F;
    match (signed, src64, dst64) {
        (true, false, false) => F::SatF32I32,
        (false, false, false) => F::SatF32U32,
        (true, true, false) => F::SatF64I32,
        (false, true, false) => F::SatF64U32,
        (true, false, true) => F::SatF32I64,
        (false, false, true) => F::SatF32U64,
        (true, true, true) => F::SatF64I64,
        (false, true, true) => F::SatF64U64,
    }
}
