//! The executor: runs [`FuncCode`] on a per-thread value stack.
//!
//! All of the interpreter's `unsafe` lives here (but for the raw encoding of
//! [`Instr`] in `bytecode.rs`). The invariants it relies on:
//!
//! - a frame's slots `fp[0..frame_slots)` lie inside the value stack: checked
//!   when the frame is pushed ([`entry`], interpreted calls), and every slot an
//!   instruction names is below its function's `frame_slots` (by construction
//!   in the translator);
//! - `vmctx` pointers come from live `VMFunc`s, so the instance, its
//!   memories, tables, globals and segments outlive the call, and indices in
//!   instructions are valid for the (validated) module;
//! - memory and table accesses are bounds-checked explicitly before the
//!   access, except for the loads and stores of narrow functions where
//!   [`fault::CATCHES`]: their address (`u32` index plus an offset below
//!   64 KiB) always lies in the memory's reservation, past its end they
//!   fault, and [`execute`] runs inside [`fault::catch_memory_faults`],
//!   which turns the fault into the trap. The handlers hold no owned values
//!   for it to drop.

use crate::bytecode::{
    for_each_int_cmp, unpack_slots, Code, FuncCode, Instr, Op, Slot, Width, ACC_A, ACC_B, ACC_D,
    ACC_W, MODE_BITS,
};
#[cfg(tandem_dispatch = "threaded")]
use crate::bytecode::{ACC_MASKS, OP_COUNT};
use crate::num::{self, WasmFloat};
use crate::translate::TranslateError;
use crate::ModuleCode;
use std::cell::Cell;
use std::ptr;
use std::sync::atomic::Ordering;
use tandem_vm::fault::{self, Landing};
use tandem_vm::ops::{self, in_bounds};
use tandem_vm::{callconv, trap, RefRaw, TrapCode, VMContext, VMFunc, ValRaw};
use wasmparser::ValType;

/// Slots in each thread's value stack (8 MiB, committed lazily by the OS).
const STACK_SLOTS: usize = 1 << 20;
/// Interpreted frames one entry into the interpreter may nest.
const MAX_FRAMES: usize = 100_000;
const PAGE_SIZE: usize = 65536;

/// The per-thread value stack. It never moves, so frame pointers into it
/// stay valid; `top` is where the next entry from outside starts its frame
/// (everything below belongs to interpreter activations further out).
struct ValueStack {
    base: *mut u64,
    top: Cell<usize>,
}

impl ValueStack {
    fn new() -> ValueStack {
        let slots = vec![0u64; STACK_SLOTS].into_boxed_slice();
        ValueStack {
            base: Box::into_raw(slots).cast::<u64>(),
            top: Cell::new(0),
        }
    }
}

impl Drop for ValueStack {
    fn drop(&mut self) {
        // SAFETY: `base` came from `Box::into_raw` of a `STACK_SLOTS` slice.
        drop(unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(self.base, STACK_SLOTS)) });
    }
}

thread_local! {
    static STACK: ValueStack = ValueStack::new();
}

/// A suspended interpreted caller.
struct Frame<W: Width> {
    ret: *const Instr<W>,
    fp: *mut u64,
    vmctx: *mut VMContext,
    code: *const FuncCode<W>,
}

/// The [`ArrayCallFn`](tandem_vm::ArrayCallFn) of every interpreted function.
///
/// # Safety
/// `callee` must be a live local function of an instance whose
/// `interp` is its module's [`ModuleCode`], and `values` must hold
/// `max(params, results)` values with the arguments.
pub unsafe extern "C" fn entry(
    callee: *const VMFunc,
    _caller: *mut VMContext,
    values: *mut ValRaw,
) -> u32 {
    // SAFETY: the caller guarantees `callee` is live and interpreted.
    let (vmctx, func_index) = unsafe { ((*callee).vmctx, (*callee).func_index) };
    let fail = |code| {
        let status = trap::raise(code);
        trap::push_frame(vmctx, func_index);
        status
    };
    // SAFETY: `vmctx` is the live instance of `callee`.
    if !unsafe { callconv::native_stack_ok(vmctx) } {
        return fail(TrapCode::StackOverflow);
    }
    // SAFETY: the caller guarantees `callee` is live and interpreted.
    match unsafe { translation(callee) } {
        // SAFETY: as required of `entry`.
        Ok(Code::Narrow(code)) => unsafe {
            count_call(callee, code);
            enter(code, vmctx, values, fail)
        },
        // SAFETY: as required of `entry`.
        Ok(Code::Wide(code)) => unsafe {
            count_call(callee, code);
            enter(code, vmctx, values, fail)
        },
        Err(_) => fail(TrapCode::Unreachable),
    }
}

/// Runs `code` on this thread's value stack with the arguments in `values`,
/// and writes its results there.
///
/// # Safety
/// As for [`entry`]; `code` belongs to the module of `vmctx`.
unsafe fn enter<W: Exec>(
    code: &FuncCode<W>,
    vmctx: *mut VMContext,
    values: *mut ValRaw,
    fail: impl Fn(TrapCode) -> u32,
) -> u32 {
    STACK.with(|stack| {
        let top = stack.top.get();
        if STACK_SLOTS - top < code.frame_slots as usize {
            return fail(TrapCode::StackOverflow);
        }
        // SAFETY: the frame fits in the stack (checked above), and `values`
        // holds the arguments and room for the results.
        unsafe {
            let fp = stack.base.add(top);
            let mut slot = 0;
            for (i, &ty) in code.params.iter().enumerate() {
                slot += write_val(fp.add(slot), ty, *values.add(i));
            }
            ptr::write_bytes(fp.add(slot), 0, code.local_slots as usize);
            let status = execute(stack, vmctx, code, fp);
            if status == 0 {
                let mut slot = 0;
                for (i, &ty) in code.results.iter().enumerate() {
                    let (v, n) = read_val(fp.add(slot), ty);
                    *values.add(i) = v;
                    slot += n;
                }
            }
            status
        }
    })
}

/// Writes `v` of type `ty` into slots at `p`; returns the slots used.
/// Scalars are normalized to the slot invariant (32-bit values zero-extended).
///
/// # Safety
/// `p` must point at enough writable slots.
#[inline]
unsafe fn write_val(p: *mut u64, ty: ValType, v: ValRaw) -> usize {
    match ty {
        ValType::V128 => {
            ptr::write_unaligned(p.cast::<u128>(), v.0);
            2
        }
        ValType::I32 | ValType::F32 => {
            *p = v.0 as u32 as u64;
            1
        }
        _ => {
            *p = v.0 as u64;
            1
        }
    }
}

/// Reads a value of type `ty` from slots at `p`; returns it and the slots used.
///
/// # Safety
/// `p` must point at enough readable slots.
#[inline]
unsafe fn read_val(p: *const u64, ty: ValType) -> (ValRaw, usize) {
    if ty == ValType::V128 {
        (ValRaw(ptr::read_unaligned(p.cast::<u128>())), 2)
    } else {
        (ValRaw(*p as u128), 1)
    }
}

/// The base and length of memory 0 of `vmctx`, if its module has one.
///
/// # Safety
/// `vmctx` must be live and `code` one of its module's functions.
#[inline(always)]
unsafe fn memory<W: Width>(vmctx: *mut VMContext, code: *const FuncCode<W>) -> (*mut u8, usize) {
    if (*code).has_memory {
        let m = (*vmctx).memory(0);
        ((*m).base, (*m).len)
    } else {
        (ptr::null_mut(), 0)
    }
}

/// Calls a callee that the interpreter does not run itself, through the
/// calling convention. `args` are the caller's slots holding the arguments,
/// which receive the results; `frame_end` is the first slot above the
/// caller's frame, where a nested entry into the interpreter may start.
///
/// # Safety
/// `callee` must be live, of signature `ty`, and `args` must have room for
/// the parameters and results.
#[inline(never)]
unsafe fn call_out(
    stack: &ValueStack,
    callee: *const VMFunc,
    vmctx: *mut VMContext,
    ty: &wasmparser::FuncType,
    args: *mut u64,
    frame_end: *mut u64,
) -> u32 {
    if !callconv::native_stack_ok(vmctx) {
        return trap::raise(TrapCode::StackOverflow);
    }
    let n = ty.params().len().max(ty.results().len());
    let mut small = [ValRaw::default(); 8];
    let mut big = Vec::new();
    let buf: &mut [ValRaw] = if n <= small.len() {
        &mut small[..n]
    } else {
        big.resize(n, ValRaw::default());
        &mut big
    };
    let mut slot = 0;
    for (i, &p) in ty.params().iter().enumerate() {
        let (v, k) = read_val(args.add(slot), p);
        buf[i] = v;
        slot += k;
    }
    let status = call_array(stack, (*callee).array_call(), callee, vmctx, buf, frame_end);
    if status == 0 {
        let mut slot = 0;
        for (i, &r) in ty.results().iter().enumerate() {
            slot += write_val(args.add(slot), r, buf[i]);
        }
    }
    status
}

/// Calls array-call entry `f` of `callee` (its own, or an OSR entry into
/// it) with `buf`, from code whose frame ends at `frame_end`, where a
/// nested entry into the interpreter may start.
///
/// # Safety
/// As for `f`, with `buf` holding its arguments and room for its results.
#[inline(never)]
unsafe fn call_array(
    stack: &ValueStack,
    f: tandem_vm::ArrayCallFn,
    callee: *const VMFunc,
    vmctx: *mut VMContext,
    buf: &mut [ValRaw],
    frame_end: *mut u64,
) -> u32 {
    let saved = stack.top.get();
    stack.top.set(frame_end.offset_from(stack.base) as usize);
    // The callee is not this interpreter's code: its faults are not ours.
    let landing = fault::suspend_landing();
    let status = f(callee, vmctx, buf.as_mut_ptr());
    fault::resume_landing(landing);
    stack.top.set(saved);
    status
}

/// The signature of type `type_index` of the module of `vmctx`.
///
/// # Safety
/// `vmctx` must be a live interpreted instance.
unsafe fn func_type<'a>(vmctx: *mut VMContext, type_index: u32) -> &'a wasmparser::FuncType {
    &module_code(vmctx).env().types[type_index as usize]
}

/// The type index of function `func` of the module of `vmctx`.
///
/// # Safety
/// `vmctx` must be a live interpreted instance.
unsafe fn func_type_index(vmctx: *mut VMContext, func: u32) -> u32 {
    module_code(vmctx).env().funcs[func as usize]
}

/// Bulk memory and table operations, kept out of the dispatch loop (but
/// for `memory.fill` and `memory.copy`, which handlers make themselves).
///
/// # Safety
/// `vmctx` must be live; `s` holds the three operands.
#[inline(never)]
unsafe fn bulk<W: Exec>(
    op: Op<W>,
    aux: &[u32],
    vmctx: *mut VMContext,
    s: [u64; 3],
) -> Result<(), TrapCode> {
    let (d, x, n) = (s[0] as u32, s[1], s[2] as u32);
    match op {
        Op::MemoryInit(_, seg) => ops::memory_init(vmctx, 0, seg, d, x as u32, n),
        Op::TableFill(_, t) => ops::table_fill(vmctx, t, d, x, n),
        Op::TableCopy(_, dt, st) => {
            ops::table_copy(vmctx, dt.idx() as u32, st.idx() as u32, d, x as u32, n)
        }
        Op::TableInit(_, at) => {
            let (seg, t) = (aux[at as usize], aux[at as usize + 1]);
            ops::table_init(vmctx, t, seg, d, x as u32, n)
        }
        _ => Ok(()),
    }
}

// The helpers below are out of line for the threaded dispatch's sake: a
// handler must keep nothing on its native stack frame (no local arrays, no
// spilled `u128`s) past its dispatch, or LLVM makes that dispatch a real call
// and every such instruction keeps a native frame until the interpreter
// returns. (Inlined, the SIMD evaluation did just that.)

/// Runs SIMD instruction `s` of the frame at `fp`.
///
/// # Safety
/// `s` belongs to the running function, whose frame is at `fp`.
#[inline(never)]
unsafe fn simd(s: &crate::bytecode::SimdInstr, fp: *mut u64) {
    let (params, result) = s.op.signature();
    // Scalar operands and results take one slot, in the low bits.
    let read = |k: usize, slot: Slot| match params.get(k) {
        Some(&ValType::V128) => ptr::read_unaligned(fp.add(slot.idx()).cast::<u128>()),
        Some(_) => *fp.add(slot.idx()) as u128,
        None => 0,
    };
    let v = crate::simd::eval(s.op, read(0, s.a), read(1, s.b), read(2, s.c));
    if result == ValType::V128 {
        ptr::write_unaligned(fp.add(s.dst.idx()).cast::<u128>(), v);
    } else {
        *fp.add(s.dst.idx()) = v as u64;
    }
}

/// Runs SIMD memory instruction `m` of the frame at `fp` against memory 0
/// (`mem_base`, `mem_len`), bounds-checked.
///
/// # Safety
/// `m` belongs to the running function, whose frame is at `fp`; the memory is live.
#[inline(never)]
unsafe fn simd_mem(
    m: &crate::bytecode::SimdMemInstr,
    fp: *mut u64,
    mem_base: *mut u8,
    mem_len: usize,
) -> Result<(), TrapCode> {
    let size = m.op.access_size();
    let ea = *fp.add(m.addr.idx()) as u32 as u64 + m.offset as u64;
    if ea + size as u64 > mem_len as u64 {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    // SAFETY: `[ea, ea + size)` is inside the memory (checked above).
    let bytes = std::slice::from_raw_parts_mut(mem_base.add(ea as usize), size);
    let vector = fp.add(m.vector.idx()).cast::<u128>();
    if m.op.is_store() {
        m.op.store(ptr::read_unaligned(vector), bytes);
    } else {
        let old = if m.op.has_vector_operand() {
            ptr::read_unaligned(vector)
        } else {
            0
        };
        ptr::write_unaligned(fp.add(m.dst.idx()).cast::<u128>(), m.op.load(bytes, old));
    }
    Ok(())
}

/// `memory.grow` of memory 0 by `delta` pages through the runtime's builtin:
/// the old size in pages, or `u32::MAX`.
///
/// # Safety
/// `vmctx` must be live and have a memory.
#[inline(never)]
unsafe fn memory_grow(vmctx: *mut VMContext, delta: u32) -> u32 {
    let old = ((*(*vmctx).builtins).memory_grow)((*vmctx).memory(0), delta as u64);
    if old == u64::MAX {
        u32::MAX
    } else {
        old as u32
    }
}

/// An epoch check that found the deadline reached: the runtime's verdict
/// (0, or a raised trap's status). Out of line: handlers make no calls
/// through pointers (see `check-tail-calls.sh`).
///
/// # Safety
/// `vmctx` must be live.
#[cold]
#[inline(never)]
unsafe fn interrupt(vmctx: *mut VMContext) -> u32 {
    ((*(*vmctx).builtins).interrupt)(vmctx)
}

/// `table.grow` of table `t` through the runtime's builtin: the old size,
/// or `u32::MAX`.
///
/// # Safety
/// `vmctx` must be live and have table `t`.
#[inline(never)]
unsafe fn table_grow(vmctx: *mut VMContext, t: u32, delta: u32, init: RefRaw) -> u32 {
    ((*(*vmctx).builtins).table_grow)((*vmctx).table(t), delta, init)
}

/// The executor state that changes only at calls, returns and
/// `memory.grow`. The state every instruction touches (`ip`, `fp`, the
/// memory base) is passed to the handlers as arguments instead, so it stays
/// in registers from one handler to the next.
struct Cx<'a, W: Width> {
    stack: &'a ValueStack,
    vmctx: *mut VMContext,
    code: *const FuncCode<W>,
    ops: *const Instr<W>,
    mem_len: usize,
    /// The suspended interpreted callers. Its capacity never exceeds
    /// `MAX_FRAMES`, so a push within it needs no other depth check.
    frames: Vec<Frame<W>>,
    /// The callee of the call that [`call_slow`] completes.
    callee: *const VMFunc,
    /// Whether the running frame's call ended in its OSR entry (see
    /// [`loop_slow`]), which trapped and so put it in the backtrace.
    finished_by_osr: bool,
    /// Where a memory fault resumes; its `mem_base` follows the running
    /// instance's memory.
    landing: Landing,
    /// The next instruction's `ip`, `fp`, `mem_base` and accumulator, as
    /// [`dispatch`] leaves them for the loop in [`start_at`].
    #[cfg(tandem_dispatch = "loop")]
    next: (*const Instr<W>, *mut u64, *mut u8, u64),
}

/// An instruction handler: runs the instruction at `ip` and everything after
/// it (each handler ends by tail-calling the next instruction's handler);
/// returns 0 when the outermost frame returns, or a trap status. The last
/// argument is the accumulator (see [`Instr`]).
///
/// The handler table is not an argument: its address is a constant, formed
/// by one `lea` where a handler dispatches. Passed along, it held a sixth
/// argument register for good, leaving the handlers three scratch
/// registers; with four, 164 of 1397 handlers save a callee-saved register
/// (push/pop) instead of 373 of 1396, and CoreMark runs 1.2-1.6% faster.
#[cfg(tandem_dispatch = "threaded")]
type Handler<W> = unsafe fn(*const Instr<W>, *mut u64, *mut u8, &mut Cx<W>, u64) -> u32;

/// A [`Width`] the executor is instantiated for: each has its own handlers,
/// and runs only functions translated in it (a call to a function of the
/// other width goes through [`entry`], like a call to any other code).
trait Exec: Width<Word = u32> {
    /// The handler of every instruction, by tag, in the threaded dispatch.
    /// (A constant rather than a static, read through `const {
    /// &W::HANDLERS }`: a static referenced from generic code must be
    /// exported, and is then addressed through the GOT, one more load per
    /// dispatch.)
    #[cfg(tandem_dispatch = "threaded")]
    const HANDLERS: [Handler<Self>; TAGS];
    /// Whether instructions of this width use the accumulator (the
    /// translator gives modes to narrow functions only, so wide ones do
    /// not instantiate the extra handlers).
    #[cfg(tandem_dispatch = "threaded")]
    const ACC: bool;
    /// Whether loads and stores leave bounds to the guard region (see the
    /// module docs): narrow offsets keep every address inside it, 32-bit
    /// ones may not.
    const GUARDED: bool;
    /// `code` if it is translated in this width.
    fn code_of(code: &Code) -> Option<&FuncCode<Self>>;
}

macro_rules! impl_exec {
    ($w:ty, $variant:ident, $acc:expr, $guarded:expr) => {
        impl Exec for $w {
            #[cfg(tandem_dispatch = "threaded")]
            const HANDLERS: [Handler<$w>; TAGS] = handler_table::<$w>();
            #[cfg(tandem_dispatch = "threaded")]
            const ACC: bool = $acc;
            const GUARDED: bool = $guarded;
            #[inline(always)]
            fn code_of(code: &Code) -> Option<&FuncCode<$w>> {
                match code {
                    Code::$variant(c) => Some(c),
                    _ => None,
                }
            }
        }
    };
}
impl_exec!(u16, Narrow, true, fault::CATCHES);
impl_exec!(u32, Wide, false, false);

/// Encoded tags: every instruction tag with every mode.
#[cfg(tandem_dispatch = "threaded")]
const TAGS: usize = OP_COUNT << MODE_BITS;
/// Indices the handler table is generated for (a power of two >= `TAGS`).
#[cfg(tandem_dispatch = "threaded")]
const MAX_TAGS: usize = 8192;
#[cfg(tandem_dispatch = "threaded")]
const _: () = assert!(TAGS <= MAX_TAGS);

/// Whether encoded tag `tag` can occur in a function of a width with
/// (`acc`) or without accumulator modes: its mode is one its instruction
/// supports, with at most one operand from the accumulator and the result
/// in at most one of its two ways there.
#[cfg(tandem_dispatch = "threaded")]
const fn valid_tag(tag: usize, acc: bool) -> bool {
    let (op, mode) = (tag >> MODE_BITS, (tag & ((1 << MODE_BITS) - 1)) as u8);
    op < OP_COUNT
        && (mode == 0
            || acc
                && mode & !ACC_MASKS[op] == 0
                && mode & (ACC_A | ACC_B) != ACC_A | ACC_B
                && mode & (ACC_D | ACC_W) != ACC_D | ACC_W)
}

/// The handler of every encoded tag of width `W`.
#[cfg(tandem_dispatch = "threaded")]
const fn handler_table<W: Exec>() -> [Handler<W>; TAGS] {
    let mut all: [Handler<W>; MAX_TAGS] = [handler::<0, W>; MAX_TAGS];
    macro_rules! fill {
        ($i:expr) => {
            // Only tags that can occur get (and instantiate) a handler.
            if valid_tag($i, W::ACC) {
                all[$i] = handler::<{ ($i) as u32 }, W>;
            }
        };
    }
    // Calls `fill!` with every index below `MAX_OPS`.
    macro_rules! indices {
        ($base:expr;) => { fill!($base) };
        ($base:expr; $bit:literal $($rest:literal)*) => {
            indices!($base; $($rest)*);
            indices!($base + $bit; $($rest)*);
        };
    }
    indices!(0; 1 2 4 8 16 32 64 128 256 512 1024 2048 4096);
    let mut table: [Handler<W>; TAGS] = [handler::<0, W>; TAGS];
    let mut i = 0;
    while i < TAGS {
        table[i] = all[i];
        i += 1;
    }
    table
}

/// Runs `code` with its frame at `fp` (arguments and zeroed locals in
/// place) until it returns; returns 0, or a trap status after raising the
/// trap and pushing every unwound frame.
///
/// # Safety
/// See the module invariants; `fp` must have room for `code.frame_slots`.
unsafe fn execute<W: Exec>(
    stack: &ValueStack,
    vmctx: *mut VMContext,
    code: &FuncCode<W>,
    fp: *mut u64,
) -> u32 {
    let (mem_base, mem_len) = memory(vmctx, code);
    let mut cx = Cx {
        stack,
        vmctx,
        code,
        ops: code.ops.as_ptr(),
        mem_len,
        frames: Vec::new(),
        callee: ptr::null(),
        finished_by_osr: false,
        landing: Landing::new(),
        #[cfg(tandem_dispatch = "loop")]
        next: (ptr::null(), ptr::null_mut(), ptr::null_mut(), 0),
    };
    cx.landing.mem_base = mem_base;
    let cxp: *mut Cx<W> = &mut cx;
    let mut start = (cxp, fp);
    let status = fault::catch_memory_faults(
        start_at::<W>,
        (&mut start as *mut (*mut Cx<W>, *mut u64)).cast(),
        ptr::addr_of_mut!((*cxp).landing),
    );
    let status = if status == fault::FAULT {
        trap::raise(TrapCode::MemoryOutOfBounds)
    } else {
        status
    };
    #[cfg(feature = "op-histogram")]
    histogram::report();
    if status != 0 {
        if !cx.finished_by_osr {
            trap::push_frame(cx.vmctx, (*cx.code).func_index);
        }
        for f in cx.frames.iter().rev() {
            trap::push_frame(f.vmctx, (*f.code).func_index);
        }
    }
    status
}

/// Starts running at `cx.ops` with the frame at `fp`, for
/// [`fault::catch_memory_faults`]: `arg` points at `(cx, fp)`.
///
/// # Safety
/// As for [`dispatch`].
unsafe extern "sysv64" fn start_at<W: Exec>(arg: *mut u8) -> u32 {
    let (cx, fp) = *arg.cast::<(*mut Cx<W>, *mut u64)>();
    let cx = &mut *cx;
    let (ip, mem_base) = (cx.ops, cx.landing.mem_base);
    #[cfg(tandem_dispatch = "threaded")]
    {
        dispatch(ip, fp, mem_base, cx, 0)
    }
    #[cfg(tandem_dispatch = "loop")]
    {
        cx.next = (ip, fp, mem_base, 0);
        loop {
            let (ip, fp, mem_base, acc) = cx.next;
            #[cfg(feature = "op-histogram")]
            histogram::count(ip, cx);
            let status = step((*ip).tag() as u32, ip, fp, mem_base, cx, acc);
            if status != CONTINUE {
                return status;
            }
        }
    }
}

/// Continues with the instruction at `ip`. Every instruction's [`step`]
/// ends with this call in tail position.
///
/// In the threaded dispatch (see `build.rs`) it calls the instruction's
/// handler, and LLVM turns that call into a `jmp` (a sibling call: same
/// signature, arguments in registers, no stack frame to keep), so execution
/// threads from handler to handler without growing the native stack. In the
/// loop dispatch, where nothing guarantees that a tail call is a jump, it
/// leaves the state for the loop in [`start_at`] and returns [`CONTINUE`]
/// to it.
///
/// # Safety
/// `ip` points at an instruction of `cx.code`, `fp` and `mem_base` belong to
/// the running frame.
#[inline(always)]
unsafe fn dispatch<W: Exec>(
    ip: *const Instr<W>,
    fp: *mut u64,
    mem_base: *mut u8,
    cx: &mut Cx<W>,
    acc: u64,
) -> u32 {
    #[cfg(tandem_dispatch = "threaded")]
    {
        handler_of(ip)(ip, fp, mem_base, cx, acc)
    }
    #[cfg(tandem_dispatch = "loop")]
    {
        cx.next = (ip, fp, mem_base, acc);
        CONTINUE
    }
}

/// The status [`step`] returns to the loop dispatch to run the next
/// instruction, distinct from 0 (returned) and every trap status.
#[cfg(tandem_dispatch = "loop")]
const CONTINUE: u32 = u32::MAX - 1;
#[cfg(tandem_dispatch = "loop")]
const _: () = assert!(CONTINUE != fault::FAULT && TrapCode::from_u32(CONTINUE).is_none());

/// The handler of the instruction at `ip`.
///
/// # Safety
/// `ip` points at an instruction.
#[cfg(tandem_dispatch = "threaded")]
#[inline(always)]
unsafe fn handler_of<W: Exec>(ip: *const Instr<W>) -> Handler<W> {
    // SAFETY: the encoded tag of an instruction of width `W` is below `TAGS`
    // and valid for it (see `Instr` and `valid_tag`), so within `W::HANDLERS`.
    *const { &W::HANDLERS }.as_ptr().add((*ip).tag() as usize)
}

/// Locals the call fast path zeroes itself (more go through [`call_slow`]).
const INLINE_ZEROED: usize = 16;

/// The translation of `callee` if the interpreter runs it in width `W`
/// (`Ok(None)`: another width or tier); an error if it cannot be translated.
///
/// # Safety
/// `callee` must be live.
#[inline(always)]
unsafe fn interpreted<'a, W: Exec>(callee: *const VMFunc) -> Result<Option<&'a FuncCode<W>>, ()> {
    if !ptr::fn_addr_eq((*callee).array_call(), entry as tandem_vm::ArrayCallFn) {
        return Ok(None);
    }
    Ok(W::code_of(translation(callee).map_err(|_| ())?))
}

/// The translation of interpreted function `callee` (translating it on its
/// first call), also recorded in its [`interp_code`](VMFunc::interp_code) for
/// [`translated`].
///
/// # Safety
/// `callee` must be live and interpreted; its translation lives as long as
/// its instance's module code.
unsafe fn translation<'a>(callee: *const VMFunc) -> Result<&'a Code, &'a TranslateError> {
    let code = module_of(callee).func((*callee).func_index)?;
    (*callee)
        .interp_code
        .store(code as *const Code as *mut (), Ordering::Relaxed);
    Ok(code)
}

/// The translation cache of interpreted function `callee`'s module.
///
/// # Safety
/// `callee` must be live and interpreted; the cache lives as long as its
/// instance.
unsafe fn module_of<'a>(callee: *const VMFunc) -> &'a ModuleCode {
    module_code((*callee).vmctx)
}

/// The translation cache of interpreted instance `vmctx`'s module.
///
/// # Safety
/// `vmctx` must be a live interpreted instance.
unsafe fn module_code<'a>(vmctx: *mut VMContext) -> &'a ModuleCode {
    &*((*vmctx).interp as *const ModuleCode)
}

/// Counts a call of interpreted function `callee`, whose translation is
/// `code`; asks for a tier-up when its countdown has run out.
///
/// # Safety
/// As for [`module_of`].
#[inline(always)]
unsafe fn count_call<W: Width>(callee: *const VMFunc, code: &FuncCode<W>) {
    if !code.tick() {
        module_of(callee).ran_out(code.func_index, None, &code.countdown);
    }
}

/// The translation of `callee` if it is a function of instance `vmctx`
/// that the interpreter runs in width `W` and has translated already.
///
/// # Safety
/// `callee` and `vmctx` must be live.
#[inline(always)]
unsafe fn translated<'a, W: Exec>(
    callee: *const VMFunc,
    vmctx: *mut VMContext,
) -> Option<&'a FuncCode<W>> {
    if (*callee).vmctx != vmctx
        || !ptr::fn_addr_eq((*callee).array_call(), entry as tandem_vm::ArrayCallFn)
    {
        return None;
    }
    // SAFETY: an interpreted function's `interp_code` is null or its
    // translation (see `remember`).
    let code = (*callee).interp_code.load(Ordering::Relaxed) as *const Code;
    W::code_of(code.as_ref()?)
}

/// Whether a frame of `code` at `fp` fits in the value stack.
#[inline(always)]
fn frame_fits<W: Width>(stack: &ValueStack, fp: *mut u64, code: &FuncCode<W>) -> bool {
    let room = (stack.base.wrapping_add(STACK_SLOTS) as usize - fp as usize) / 8;
    room >= code.frame_slots as usize
}

/// Completes the call at `ip` to `cx.callee` that the handler's fast path
/// does not make: to another instance, to code of another width or tier, or to a function that
/// is not translated yet, or with a frame push that allocates or traps, or
/// many locals. Then goes on running (the callee, or the caller after it).
/// Has the handlers' signature, so they reach it by a tail call.
///
/// # Safety
/// As for a handler; `ip` is a `Call` or `CallIndirect` whose callee (of
/// the right signature) is `cx.callee`.
#[inline(never)]
unsafe fn call_slow<W: Exec>(
    ip: *const Instr<W>,
    fp: *mut u64,
    mem_base: *mut u8,
    cx: &mut Cx<W>,
    acc: u64,
) -> u32 {
    let (callee, vmctx, code) = (cx.callee, cx.vmctx, cx.code);
    let (base, type_index) = match (*ip).op() {
        Op::Call(base, func) => (base, func_type_index(vmctx, func)),
        Op::CallIndirect(base, at) => (base, (*code).aux[at as usize]),
        _ => unreachable!("call_slow on a non-call"),
    };
    let new_fp = fp.add(base.idx());
    let Ok(here) = interpreted::<W>(callee) else {
        return raise(TrapCode::Unreachable);
    };
    let Some(ccode) = here else {
        let ty = func_type(vmctx, type_index);
        let frame_end = fp.add((*code).frame_slots as usize);
        let status = call_out(cx.stack, callee, vmctx, ty, new_fp, frame_end);
        if status != 0 {
            return status;
        }
        // The callee may have grown the memory.
        let (mem_base, mem_len) = memory(vmctx, code);
        cx.mem_len = mem_len;
        return dispatch(ip.add(1), fp, mem_base, cx, acc);
    };
    count_call(callee, ccode);
    if cx.frames.len() >= MAX_FRAMES || !frame_fits(cx.stack, new_fp, ccode) {
        return raise(TrapCode::StackOverflow);
    }
    if cx.frames.len() == cx.frames.capacity() {
        let grown = (cx.frames.capacity() * 2).clamp(16, MAX_FRAMES);
        cx.frames.reserve_exact(grown - cx.frames.len());
    }
    cx.frames.push(Frame {
        ret: ip.add(1),
        fp,
        vmctx,
        code,
    });
    ptr::write_bytes(
        new_fp.add(ccode.param_slots as usize),
        0,
        ccode.local_slots as usize,
    );
    let cvm = (*callee).vmctx;
    let mut mem_base = mem_base;
    if cvm != vmctx {
        (mem_base, cx.mem_len) = memory(cvm, ccode);
        cx.landing.mem_base = mem_base;
    }
    (cx.vmctx, cx.code, cx.ops) = (cvm, ccode, ccode.ops.as_ptr());
    dispatch(cx.ops, new_fp, mem_base, cx, acc)
}

/// A loop header (`ip`, a [`Op::LoopHead`]) whose function's countdown has
/// run out: enters the loop's OSR entry if one is installed, which
/// finishes the call (its results land in the frame's first slots, as a
/// return leaves them), then returns from the frame; else asks for it (or
/// for the function) and goes on. Has the handlers' signature, so they
/// reach it by a tail call.
///
/// # Safety
/// As for a handler; `ip` is a `LoopHead` of `cx.code`, whose frame is at
/// `fp`.
#[inline(never)]
unsafe fn loop_slow<W: Exec>(
    ip: *const Instr<W>,
    fp: *mut u64,
    mem_base: *mut u8,
    cx: &mut Cx<W>,
    acc: u64,
) -> u32 {
    let (vmctx, code) = (cx.vmctx, &*cx.code);
    let Op::LoopHead(l) = (*ip).op() else {
        unreachable!("loop_slow on a non-loop")
    };
    match enter_osr(cx.stack, vmctx, code, l, fp) {
        None => dispatch(ip.add(1), fp, mem_base, cx, acc),
        Some(0) => {
            // The compiled code may have grown the memory.
            let (mem_base, mem_len) = memory(vmctx, code);
            cx.mem_len = mem_len;
            cx.landing.mem_base = mem_base;
            // The `Return` a translation with loop heads ends with.
            let ret = code.ops.as_ptr().add(code.ops.len() - 1);
            dispatch(ret, fp, mem_base, cx, acc)
        }
        Some(status) => {
            // The compiled frame is in the backtrace already.
            cx.finished_by_osr = true;
            status
        }
    }
}

/// Finishes the call of `code` whose frame at `fp` is at the header of loop
/// `l` in the loop's OSR entry, if one is installed and the native stack
/// has room: returns the entry's status, with the results in the frame's
/// first slots. Else asks for the entry and returns `None`.
///
/// # Safety
/// `vmctx` is the running instance, `code` its function running at `fp`.
#[inline(never)]
unsafe fn enter_osr<W: Width>(
    stack: &ValueStack,
    vmctx: *mut VMContext,
    code: &FuncCode<W>,
    l: u32,
    fp: *mut u64,
) -> Option<u32> {
    let osr = &code.loops[l as usize];
    let entry = osr.entry.load(Ordering::Acquire);
    // Too deep for compiled code, the loop goes on here too, and looks
    // again once the countdown runs out.
    if entry.is_null() || !callconv::native_stack_ok(vmctx) {
        module_code(vmctx).ran_out(code.func_index, Some(l), &code.countdown);
        return None;
    }
    let heat = code.heat.load(Ordering::Relaxed);
    tracing::debug!(func = code.func_index, r#loop = l, heat, "osr entry");
    // SAFETY: installed entries are array-call entries (see `LoopOsr`).
    let entry = std::mem::transmute::<*mut (), tandem_vm::ArrayCallFn>(entry);
    let live = osr.live_slots as usize;
    let mut buf = vec![ValRaw::default(); live.max(code.results.len())];
    for (i, v) in buf.iter_mut().enumerate().take(live) {
        *v = ValRaw(*fp.add(i) as u128);
    }
    let frame_end = fp.add(code.frame_slots as usize);
    let callee = (*vmctx).func(code.func_index);
    let status = call_array(stack, entry, callee, vmctx, &mut buf, frame_end);
    if status == 0 {
        let mut slot = 0;
        for (i, &r) in code.results.iter().enumerate() {
            slot += write_val(fp.add(slot), r, buf[i]);
        }
    }
    Some(status)
}

/// A slot index in an instruction field (or computed from one).
trait SlotIndex {
    fn at(self) -> usize;
}

impl<W: Width> SlotIndex for W {
    #[inline(always)]
    fn at(self) -> usize {
        self.idx()
    }
}

impl SlotIndex for usize {
    #[inline(always)]
    fn at(self) -> usize {
        self
    }
}

/// Raises a trap detected by a handler; kept out of line so handlers stay small.
#[cold]
#[inline(never)]
fn raise(code: TrapCode) -> u32 {
    trap::raise(code)
}

/// The handler of the instruction with tag `TAG` in the threaded dispatch:
/// [`step`] with the tag a constant, so that LLVM keeps only that
/// instruction's arm. Each instantiation is one instruction's code followed
/// by the dispatch of the next.
///
/// # Safety
/// As for [`dispatch`]; the handler table only calls it on an instruction
/// with tag `TAG`.
#[cfg(tandem_dispatch = "threaded")]
unsafe fn handler<const TAG: u32, W: Exec>(
    ip: *const Instr<W>,
    fp: *mut u64,
    mem_base: *mut u8,
    cx: &mut Cx<W>,
    acc: u64,
) -> u32 {
    // Before the tag is relied on: the call could write `*ip` as far as LLVM knows.
    #[cfg(feature = "op-histogram")]
    histogram::count(ip, cx);
    // SAFETY: `dispatch` picked this handler by the encoded tag.
    if (*ip).tag() as u32 != TAG {
        std::hint::unreachable_unchecked();
    }
    step(TAG, ip, fp, mem_base, cx, acc)
}

/// Runs the instruction at `ip`, whose encoded tag is `tag`, then continues
/// with [`dispatch`]: its body is the whole instruction `match`. Every path
/// ends in a `return`: of a trap status, of 0 when the outermost frame
/// returns, or of the next dispatch.
///
/// # Safety
/// As for [`dispatch`]; `tag` is the encoded tag of the instruction at `ip`.
#[inline(always)]
unsafe fn step<W: Exec>(
    tag: u32,
    ip: *const Instr<W>,
    fp: *mut u64,
    mem_base: *mut u8,
    cx: &mut Cx<W>,
    acc: u64,
) -> u32 {
    // The accumulator roles of this instruction's mode.
    let mode = (tag & ((1 << MODE_BITS) - 1)) as u8;
    let (acc_d, acc_a, acc_b) = (mode & ACC_D != 0, mode & ACC_A != 0, mode & ACC_B != 0);
    let acc_w = mode & ACC_W != 0;
    let mut acc = acc;
    let mut ip = ip;
    let mut fp = fp;
    let mut mem_base = mem_base;
    let mut vmctx = cx.vmctx;
    let mut code = cx.code;
    let mut mem_len = cx.mem_len;
    let stack = cx.stack;

    // Slot access. Every slot named by an instruction is inside the frame.
    macro_rules! r64 {
        ($s:expr) => {
            *fp.add(SlotIndex::at($s))
        };
    }
    macro_rules! w64 {
        ($s:expr, $v:expr) => {
            *fp.add(SlotIndex::at($s)) = $v
        };
    }
    macro_rules! r128 {
        ($s:expr) => {
            ptr::read_unaligned(fp.add(SlotIndex::at($s)).cast::<u128>())
        };
    }
    macro_rules! w128 {
        ($s:expr, $v:expr) => {
            ptr::write_unaligned(fp.add(SlotIndex::at($s)).cast::<u128>(), $v)
        };
    }
    // The fields with accumulator roles: operand `A` / `B` and result `D`
    // are the accumulator instead of their slot in the modes that say so
    // (constant per handler).
    macro_rules! read {
        ($in_acc:expr, $s:expr) => {
            if $in_acc {
                acc
            } else {
                r64!($s)
            }
        };
    }
    macro_rules! ra {
        ($s:expr) => {
            read!(acc_a, $s)
        };
    }
    macro_rules! rb {
        ($s:expr) => {
            read!(acc_b, $s)
        };
    }
    macro_rules! wd {
        ($s:expr, $v:expr) => {{
            let v = $v;
            if acc_d {
                acc = v
            } else {
                w64!($s, v);
                if acc_w {
                    acc = v
                }
            }
        }};
    }
    // Typed values from and to slot bits; 32-bit values are zero-extended.
    macro_rules! from_bits {
        (f32, $v:expr) => {
            f32::from_bits($v as u32)
        };
        (f64, $v:expr) => {
            f64::from_bits($v)
        };
        ($t:ident, $v:expr) => {
            $v as $t
        };
    }
    macro_rules! to_bits {
        (i32, $v:expr) => {
            $v as u32 as u64
        };
        (f32, $v:expr) => {
            ($v).to_bits() as u64
        };
        (f64, $v:expr) => {
            ($v).to_bits()
        };
        ($t:ident, $v:expr) => {
            $v as u64
        };
    }
    // Typed reads of a plain slot or of operand `A` / `B`, and writes of result `D`.
    macro_rules! get {
        ($t:ident, $s:expr) => {
            from_bits!($t, r64!($s))
        };
    }
    macro_rules! get_a {
        ($t:ident, $s:expr) => {
            from_bits!($t, ra!($s))
        };
    }
    macro_rules! get_b {
        ($t:ident, $s:expr) => {
            from_bits!($t, rb!($s))
        };
    }
    macro_rules! put_d {
        ($t:ident, $s:expr, $v:expr) => {
            wd!($s, to_bits!($t, $v))
        };
    }
    macro_rules! trap {
        ($code:expr) => {
            return raise($code)
        };
    }
    macro_rules! un {
        ($d:expr, $a:expr, $ti:ident => $to:ident, $f:expr) => {{
            let x = get_a!($ti, $a);
            put_d!($to, $d, ($f)(x))
        }};
    }
    macro_rules! bin {
        ($d:expr, $a:expr, $b:expr, $ti:ident => $to:ident, $f:expr) => {{
            let x = get_a!($ti, $a);
            let y = get_b!($ti, $b);
            put_d!($to, $d, ($f)(x, y))
        }};
    }
    // An `i32` immediate, sign-extended to the operation's type.
    macro_rules! imm {
        ($d:expr, $a:expr, $i:expr, $t:ident, $f:expr) => {{
            let x = get_a!($t, $a);
            put_d!($t, $d, ($f)(x, $i.sext() as $t))
        }};
    }
    macro_rules! fallible {
        ($d:expr, $v:expr, $to:ident) => {
            match $v {
                Ok(v) => put_d!($to, $d, v),
                Err(c) => trap!(c),
            }
        };
    }
    // The address of an access of a `$t` at `$index + $off`: bounds-checked
    // here, or by the guard region (see the module docs).
    macro_rules! addr {
        ($index:expr, $off:expr, $t:ty) => {{
            let ea = $index as u32 as u64 + $off as u64;
            if !W::GUARDED && ea + std::mem::size_of::<$t>() as u64 > mem_len as u64 {
                trap!(TrapCode::MemoryOutOfBounds);
            }
            mem_base.add(ea as usize).cast::<$t>()
        }};
    }
    macro_rules! load {
        ($d:expr, $addr:expr, $off:expr, $t:ty, $conv:expr) => {{
            // SAFETY: inside the memory, or in its guard region (see `addr!`).
            let v = <$t>::from_le(ptr::read_unaligned(addr!(ra!($addr), $off.idx(), $t)));
            wd!($d, ($conv)(v))
        }};
    }
    // A pointer loaded at `$addr + o1`, then a `$t` at it + `o2`.
    macro_rules! load_via {
        ($d:expr, $addr:expr, $offs:expr, $t:ty) => {{
            let (o1, o2) = unpack_slots($offs.idx());
            // SAFETY: inside the memory, or in its guard region (see `addr!`).
            let p = u32::from_le(ptr::read_unaligned(addr!(ra!($addr), o1, u32)));
            // SAFETY: as above.
            let v = <$t>::from_le(ptr::read_unaligned(addr!(p, o2, $t)));
            wd!($d, v as u64)
        }};
    }
    macro_rules! store {
        ($addr:expr, $val:expr, $off:expr, $t:ty) => {{
            // SAFETY: inside the memory, or in its guard region (see `addr!`).
            ptr::write_unaligned(addr!(ra!($addr), $off.idx(), $t), (rb!($val) as $t).to_le())
        }};
    }
    // Continues at `$ip`. `$tag` is an empty instruction sequence (at most
    // a comment), different at each site: LLVM cannot see through it, so it
    // does not merge the dispatch of a taken branch with the fall-through one
    // (or the self-loop's with the general branch's), and each stays a site
    // the branch predictor learns on its own. (Not `dispatch` after the
    // barrier: with the barrier before the table load, LLVM merged 113 more
    // dispatch sites and CoreMark lost 1.5%.)
    macro_rules! dispatch_at {
        ($ip:expr, $tag:literal) => {{
            let ip = $ip;
            #[cfg(tandem_dispatch = "threaded")]
            {
                let next = handler_of(ip);
                // SAFETY: an empty instruction sequence.
                std::arch::asm!($tag, options(nomem, nostack, preserves_flags));
                return next(ip, fp, mem_base, cx, acc);
            }
            #[cfg(tandem_dispatch = "loop")]
            {
                return dispatch(ip, fp, mem_base, cx, acc);
            }
        }};
    }
    // Relative branches (from the branch, which `ip` has already passed).
    // A taken branch dispatches on its own: a conditional branch then stays
    // a branch with two dispatch sites (each predicted on its own) instead
    // of the `cmov` LLVM would pick for so cheap a target, which makes the
    // next dispatch wait for the condition.
    macro_rules! jump {
        ($off:expr) => {
            dispatch_at!(ip.offset($off as isize - 1), "")
        };
    }
    // The branch of an instruction that may be a loop on its own (a counter
    // step, a list walk): jumping to itself, it has its `ip` at hand, so the
    // next iteration need not wait for the offset's load, a dependency that
    // no prediction breaks (counting down: 3x faster). Only where it was
    // measured not to cost: in every branch the test cost CoreMark 3%, in
    // the `i64` counter step fibonacci-iter 5%.
    macro_rules! loop_jump {
        ($off:expr) => {{
            if $off == 0 {
                dispatch_at!(ip.sub(1), "/* self */");
            }
            jump!($off)
        }};
    }
    // Switches to the frame of `$callee` (arguments at `$base`), running it
    // in this loop: here if it is a function of this instance, interpreted
    // in this width, and the frame push needs no allocation and few locals
    // to zero, so that this path
    // makes no calls (and the handler saves no registers); in `call_slow`
    // (reached by a tail call) otherwise.
    macro_rules! call {
        ($callee:expr, $base:expr) => {{
            let callee: *const VMFunc = $callee;
            let new_fp = fp.add($base.idx());
            let fast = match translated::<W>(callee, vmctx) {
                Some(c)
                    if cx.frames.len() < cx.frames.capacity()
                        && c.local_slots as usize <= INLINE_ZEROED
                        && frame_fits(stack, new_fp, c)
                        && c.tick() =>
                {
                    Some(c)
                }
                _ => None,
            };
            let Some(ccode) = fast else {
                cx.callee = callee;
                return call_slow(ip.sub(1), fp, mem_base, cx, acc);
            };
            cx.frames.push(Frame {
                ret: ip,
                fp,
                vmctx,
                code,
            });
            let (locals, n) = (
                new_fp.add(ccode.param_slots as usize),
                ccode.local_slots as usize,
            );
            for k in 0..n {
                // Volatile, so that LLVM keeps the loop rather than calling memset.
                ptr::write_volatile(locals.add(k), 0);
            }
            // Within the instance, the memory stays the same (and
            // `cx.mem_len` current).
            fp = new_fp;
            code = ccode;
            let ops = ccode.ops.as_ptr();
            ip = ops;
            (cx.vmctx, cx.code, cx.ops) = (vmctx, code, ops);
        }};
    }
    macro_rules! ret {
        () => {
            match cx.frames.pop() {
                None => return 0,
                Some(f) => {
                    ip = f.ret;
                    fp = f.fp;
                    if f.vmctx != vmctx {
                        (mem_base, mem_len) = memory(f.vmctx, f.code);
                        cx.mem_len = mem_len;
                        cx.landing.mem_base = mem_base;
                    }
                    vmctx = f.vmctx;
                    code = f.code;
                    let ops = (*code).ops.as_ptr();
                    (cx.vmctx, cx.code, cx.ops) = (vmctx, code, ops);
                }
            }
        };
    }
    macro_rules! bulk {
        ($op:expr, $base:expr) => {{
            let s = [r64!($base), r64!($base.idx() + 1), r64!($base.idx() + 2)];
            if let Err(c) = bulk($op, &(*code).aux, vmctx, s) {
                trap!(c);
            }
        }};
    }

    macro_rules! arms {
        ($($V:ident $VI:ident $B:ident $BI:ident $NB:ident $NBI:ident : $t:ident $o:tt;)*) => {
            // SAFETY: the translator ends every path with a branch or return,
            // so `ip` stays inside the current function's `ops`.
            // In a handler, the decoded instruction has a constant tag, so
            // LLVM keeps only its arm.
            let op = Instr::decode(ip, tag as usize >> MODE_BITS);
            ip = ip.add(1);
            match op {
                $(
                    Op::$V(d, a, b) => put_d!(bool, d, get_a!($t, a) $o get_b!($t, b)),
                    Op::$VI(d, a, i) => put_d!(bool, d, get_a!($t, a) $o (i.sext() as $t)),
                    Op::$B(a, b, t) => if get_a!($t, a) $o get_b!($t, b) { jump!(t.sext()) },
                    Op::$BI(a, i, t) => if get_a!($t, a) $o (i.sext() as $t) { jump!(t.sext()) },
                )*
                Op::Unreachable => trap!(TrapCode::Unreachable),
                Op::Br(t) => jump!(t as i32),
                Op::BrIfNez(c, t) => if get_a!(u32, c) != 0 { jump!(t as i32) },
                Op::BrIfEqz(c, t) => if get_a!(u32, c) == 0 { jump!(t as i32) },
                Op::BrIfNez64(c, t) => if ra!(c) != 0 { jump!(t as i32) },
                Op::BrIfEqz64(c, t) => if ra!(c) == 0 { jump!(t as i32) },
                Op::I32AddImmBrNez(x, i, t) | Op::I32AddImmBrEqz(x, i, t) => {
                    let v = get_a!(u32, x).wrapping_add(i.sext() as u32);
                    wd!(x, v as u64);
                    if (v != 0) == matches!(op, Op::I32AddImmBrNez(..)) {
                        loop_jump!(t.sext())
                    }
                }
                Op::I64AddImmBrNez(x, i, t) | Op::I64AddImmBrEqz(x, i, t) => {
                    let v = ra!(x).wrapping_add(i.sext() as i64 as u64);
                    wd!(x, v);
                    if (v != 0) == matches!(op, Op::I64AddImmBrNez(..)) {
                        jump!(t.sext())
                    }
                }
                Op::CopyBrNez(d, s, t) => {
                    let v = r64!(s);
                    w64!(d, v);
                    if v as u32 != 0 {
                        jump!(t.sext())
                    }
                }
                Op::CopyBrIfNez(p, c, t) => {
                    let (d, s) = unpack_slots(p.idx());
                    w64!(d, r64!(s));
                    if get!(u32, c) != 0 {
                        jump!(t.sext())
                    }
                }
                Op::I32AddImmCopyBrNez(x, p, t) => {
                    let (y, i) = unpack_slots(p.idx());
                    let v = get_a!(u32, x).wrapping_add(i as u8 as i8 as u32);
                    wd!(x, v as u64);
                    w64!(y, v as u64);
                    if v != 0 {
                        loop_jump!(t.sext())
                    }
                }
                Op::I32AddImm2(p, i, j) => {
                    let (x, y) = unpack_slots(p.idx());
                    w64!(x, get!(u32, x).wrapping_add(i.sext() as u32) as u64);
                    w64!(y, get!(u32, y).wrapping_add(j.sext() as u32) as u64);
                }
                Op::I32AddImmAdd(p, i, z) => {
                    let (x, y) = unpack_slots(p.idx());
                    w64!(x, get!(u32, x).wrapping_add(i.sext() as u32) as u64);
                    w64!(y, get!(u32, y).wrapping_add(get!(u32, z)) as u64);
                }
                Op::Load32Keep(p, a, o) => {
                    let (d, keep) = unpack_slots(p.idx());
                    let x = r64!(a);
                    w64!(keep, x);
                    // SAFETY: inside the memory, or in its guard region (see `addr!`).
                    let v = u32::from_le(ptr::read_unaligned(addr!(x, o.idx(), u32)));
                    w64!(d, v as u64);
                }
                Op::Load32BrNez(d, a, t) => {
                    // SAFETY: inside the memory, or in its guard region (see `addr!`).
                    let v = u32::from_le(ptr::read_unaligned(addr!(r64!(a), 0, u32)));
                    w64!(d, v as u64);
                    if v != 0 {
                        loop_jump!(t.sext())
                    }
                }
                Op::BrTable(index, n) => {
                    // `ip` is at the first entry; the translator emits `n >= 1`.
                    let entry = ip.add(get_a!(u32, index).min(n - 1) as usize);
                    let Op::BrTarget(t) = Instr::decode(entry, Op::<W>::BrTarget(0).tag()) else {
                        std::hint::unreachable_unchecked()
                    };
                    jump!(t as i32 + entry.offset_from(ip) as i32 + 1)
                }
                Op::BrTarget(_) => trap!(TrapCode::Unreachable),
                Op::LoopHead(_) => {
                    if !(*code).tick() {
                        return loop_slow(ip.sub(1), fp, mem_base, cx, acc);
                    }
                }
                Op::Fuel(cost) => {
                    let store = (*vmctx).store;
                    let left = (*store).fuel - cost as i64;
                    (*store).fuel = left;
                    if left < 0 {
                        trap!(TrapCode::OutOfFuel);
                    }
                }
                Op::Epoch => {
                    if (*vmctx).epoch_reached() {
                        let status = interrupt(vmctx);
                        if status != 0 {
                            return status;
                        }
                    }
                }
                Op::Return => ret!(),
                Op::Return1(s) => {
                    *fp = ra!(s);
                    ret!()
                }
                Op::Call(base, func) => call!((*vmctx).func(func), base),
                Op::CallIndirect(base, at) => {
                    let aux = &(*code).aux;
                    let (type_index, table_index, index) =
                        (aux[at as usize], aux[at as usize + 1], aux[at as usize + 2]);
                    let table = (*vmctx).table(table_index);
                    let i = get!(u32, index);
                    if i >= (*table).len {
                        trap!(TrapCode::UndefinedElement);
                    }
                    let callee = *(*table).base.add(i as usize) as *const VMFunc;
                    if callee.is_null() {
                        trap!(TrapCode::UninitializedElement);
                    }
                    if (*callee).type_id != *(*vmctx).type_ids.add(type_index as usize) {
                        trap!(TrapCode::BadSignature);
                    }
                    call!(callee, base)
                }
                Op::Copy(d, s) => wd!(d, ra!(s)),
                Op::Copy128(d, s) => w128!(d, r128!(s)),
                Op::Copy2(p, d, s) => {
                    let (d1, s1) = unpack_slots(p.idx());
                    w64!(d1, r64!(s1));
                    wd!(d, ra!(s));
                }
                Op::Const32(d, v) => w64!(d, v as u64),
                Op::Const32S(d, v) => w64!(d, v as i32 as u64),
                Op::Const64(d, at) => {
                    let aux = &(*code).aux;
                    w64!(d, (aux[at as usize + 1] as u64) << 32 | aux[at as usize] as u64)
                }
                Op::ConstV128(d, at) => {
                    let w = &(&(*code).aux)[at as usize..][..4];
                    w128!(d, (0..4).fold(0, |v, k| v | (w[k] as u128) << (32 * k)))
                }
                Op::AddrOffset(s, o) => w64!(s, (get!(u32, s) as u64 + o as u64).min(u32::MAX as u64)),
                Op::Select(d, c, s) => if get!(u32, c) == 0 { w64!(d, r64!(s)) },
                Op::SelectAcc(d, a, b) => {
                    // Both loaded, so that LLVM picks with a `cmov` rather
                    // than a branch on the (often unpredictable) condition.
                    let (x, y) = (r64!(a), r64!(b));
                    wd!(d, if acc as u32 != 0 { x } else { y })
                }
                Op::SelectAccOdd(d, a, b) => {
                    let (x, y) = (r64!(a), r64!(b));
                    wd!(d, if acc & 1 != 0 { x } else { y })
                }
                Op::SelectOddXor(d, p, s) => {
                    let (a, b) = unpack_slots(p.idx());
                    let (x, y) = (r64!(a), r64!(b));
                    wd!(d, if (acc ^ r64!(s)) & 1 != 0 { x } else { y })
                }
                Op::Select128(d, c, s) => if get!(u32, c) == 0 { w128!(d, r128!(s)) },
                Op::GlobalGet(d, g) => wd!(d, *(*vmctx).global(g).cast::<u64>()),
                Op::GlobalSet(s, g) => *(*vmctx).global(g).cast::<u64>() = ra!(s),
                Op::GlobalGet128(d, g) => w128!(d, (*(*vmctx).global(g)).0),
                Op::GlobalSet128(s, g) => (*(*vmctx).global(g)).0 = r128!(s),
                Op::RefFunc(d, f) => w64!(d, (*vmctx).func(f) as u64),

                Op::I32Eqz(d, a) => put_d!(bool, d, get_a!(u32, a) == 0),
                Op::I64Eqz(d, a) => put_d!(bool, d, ra!(a) == 0),
                Op::I32Clz(d, a) => un!(d, a, u32 => u32, u32::leading_zeros),
                Op::I32Ctz(d, a) => un!(d, a, u32 => u32, u32::trailing_zeros),
                Op::I32Popcnt(d, a) => un!(d, a, u32 => u32, u32::count_ones),
                Op::I64Clz(d, a) => un!(d, a, u64 => u64, |x: u64| x.leading_zeros() as u64),
                Op::I64Ctz(d, a) => un!(d, a, u64 => u64, |x: u64| x.trailing_zeros() as u64),
                Op::I64Popcnt(d, a) => un!(d, a, u64 => u64, |x: u64| x.count_ones() as u64),
                Op::I32Extend8S(d, a) => un!(d, a, i32 => i32, |x: i32| x as i8 as i32),
                Op::I32Extend16S(d, a) => un!(d, a, i32 => i32, |x: i32| x as i16 as i32),
                Op::I64Extend8S(d, a) => un!(d, a, i64 => i64, |x: i64| x as i8 as i64),
                Op::I64Extend16S(d, a) => un!(d, a, i64 => i64, |x: i64| x as i16 as i64),
                Op::I64Extend32S(d, a) => un!(d, a, i64 => i64, |x: i64| x as i32 as i64),
                Op::I32WrapI64(d, a) => un!(d, a, u32 => u32, |x: u32| x),
                Op::I64ExtendI32S(d, a) => un!(d, a, i32 => i64, |x: i32| x as i64),

                Op::I32Add(d, a, b) => bin!(d, a, b, u32 => u32, u32::wrapping_add),
                Op::I32Sub(d, a, b) => bin!(d, a, b, u32 => u32, u32::wrapping_sub),
                Op::I32Mul(d, a, b) => bin!(d, a, b, u32 => u32, u32::wrapping_mul),
                Op::I32MulAdd(d, a, b) => {
                    put_d!(u32, d, get!(u32, a).wrapping_add(get!(u32, b).wrapping_mul(acc as u32)))
                }
                Op::I32DivS(d, a, b) => fallible!(d, num::i32_div_s(get_a!(i32, a), get_b!(i32, b)), i32),
                Op::I32DivU(d, a, b) => fallible!(d, num::i32_div_u(get_a!(u32, a), get_b!(u32, b)), u32),
                Op::I32RemS(d, a, b) => fallible!(d, num::i32_rem_s(get_a!(i32, a), get_b!(i32, b)), i32),
                Op::I32RemU(d, a, b) => fallible!(d, num::i32_rem_u(get_a!(u32, a), get_b!(u32, b)), u32),
                Op::I32And(d, a, b) => bin!(d, a, b, u32 => u32, |x, y| x & y),
                Op::I32Or(d, a, b) => bin!(d, a, b, u32 => u32, |x, y| x | y),
                Op::I32Xor(d, a, b) => bin!(d, a, b, u32 => u32, |x, y| x ^ y),
                Op::I32Shl(d, a, b) => bin!(d, a, b, u32 => u32, u32::wrapping_shl),
                Op::I32ShrS(d, a, b) => bin!(d, a, b, i32 => i32, |x: i32, y: i32| x.wrapping_shr(y as u32)),
                Op::I32ShrU(d, a, b) => bin!(d, a, b, u32 => u32, u32::wrapping_shr),
                Op::I32Rotl(d, a, b) => bin!(d, a, b, u32 => u32, u32::rotate_left),
                Op::I32Rotr(d, a, b) => bin!(d, a, b, u32 => u32, u32::rotate_right),
                Op::I64Add(d, a, b) => bin!(d, a, b, u64 => u64, u64::wrapping_add),
                Op::I64Sub(d, a, b) => bin!(d, a, b, u64 => u64, u64::wrapping_sub),
                Op::I64Mul(d, a, b) => bin!(d, a, b, u64 => u64, u64::wrapping_mul),
                Op::I64DivS(d, a, b) => fallible!(d, num::i64_div_s(get_a!(i64, a), get_b!(i64, b)), i64),
                Op::I64DivU(d, a, b) => fallible!(d, num::i64_div_u(get_a!(u64, a), get_b!(u64, b)), u64),
                Op::I64RemS(d, a, b) => fallible!(d, num::i64_rem_s(get_a!(i64, a), get_b!(i64, b)), i64),
                Op::I64RemU(d, a, b) => fallible!(d, num::i64_rem_u(get_a!(u64, a), get_b!(u64, b)), u64),
                Op::I64And(d, a, b) => bin!(d, a, b, u64 => u64, |x, y| x & y),
                Op::I64Or(d, a, b) => bin!(d, a, b, u64 => u64, |x, y| x | y),
                Op::I64Xor(d, a, b) => bin!(d, a, b, u64 => u64, |x, y| x ^ y),
                Op::I64Shl(d, a, b) => bin!(d, a, b, u64 => u64, |x: u64, y: u64| x.wrapping_shl(y as u32)),
                Op::I64ShrS(d, a, b) => bin!(d, a, b, i64 => i64, |x: i64, y: i64| x.wrapping_shr(y as u32)),
                Op::I64ShrU(d, a, b) => bin!(d, a, b, u64 => u64, |x: u64, y: u64| x.wrapping_shr(y as u32)),
                Op::I64Rotl(d, a, b) => bin!(d, a, b, u64 => u64, |x: u64, y: u64| x.rotate_left((y & 63) as u32)),
                Op::I64Rotr(d, a, b) => bin!(d, a, b, u64 => u64, |x: u64, y: u64| x.rotate_right((y & 63) as u32)),

                Op::I32AddImm(d, a, i) => imm!(d, a, i, u32, u32::wrapping_add),
                Op::I32MulImm(d, a, i) => imm!(d, a, i, u32, u32::wrapping_mul),
                Op::I32AndImm(d, a, i) => imm!(d, a, i, u32, |x, y| x & y),
                Op::I32OrImm(d, a, i) => imm!(d, a, i, u32, |x, y| x | y),
                Op::I32XorImm(d, a, i) => imm!(d, a, i, u32, |x, y| x ^ y),
                Op::I32ShlImm(d, a, i) => imm!(d, a, i, u32, u32::wrapping_shl),
                Op::I32ShrSImm(d, a, i) => imm!(d, a, i, i32, |x: i32, y: i32| x.wrapping_shr(y as u32)),
                Op::I32ShrUImm(d, a, i) => imm!(d, a, i, u32, u32::wrapping_shr),
                Op::I32ShrUMask(d, a, i) => {
                    let (s, sh) = (i.idx() as u32 & 31, i.idx() as u32 >> 8);
                    put_d!(u32, d, get_a!(u32, a) >> s << sh >> sh)
                }
                Op::I32AddMask(d, a, i) => {
                    let (k, sh) = (i.idx() as u8 as i8 as u32, i.idx() as u32 >> 8);
                    put_d!(u32, d, get_a!(u32, a).wrapping_add(k) << sh >> sh)
                }
                Op::SelectImmA(d, p, i) | Op::SelectImmB(d, p, i) => {
                    let (c, s) = unpack_slots(p.idx());
                    let (k, v) = (i.sext() as u32 as u64, r64!(s));
                    let first = matches!(op, Op::SelectImmA(..));
                    wd!(d, if (get!(u32, c) != 0) == first { k } else { v })
                }
                Op::I64AddImm(d, a, i) => imm!(d, a, i, u64, u64::wrapping_add),
                Op::I64MulImm(d, a, i) => imm!(d, a, i, u64, u64::wrapping_mul),
                Op::I64AndImm(d, a, i) => imm!(d, a, i, u64, |x, y| x & y),
                Op::I64OrImm(d, a, i) => imm!(d, a, i, u64, |x, y| x | y),
                Op::I64XorImm(d, a, i) => imm!(d, a, i, u64, |x, y| x ^ y),
                Op::I64ShlImm(d, a, i) => imm!(d, a, i, u64, |x: u64, y: u64| x.wrapping_shl(y as u32)),
                Op::I64ShrSImm(d, a, i) => imm!(d, a, i, i64, |x: i64, y: i64| x.wrapping_shr(y as u32)),
                Op::I64ShrUImm(d, a, i) => imm!(d, a, i, u64, |x: u64, y: u64| x.wrapping_shr(y as u32)),

                Op::F32Eq(d, a, b) => bin!(d, a, b, f32 => bool, |x, y| x == y),
                Op::F32Ne(d, a, b) => bin!(d, a, b, f32 => bool, |x, y| x != y),
                Op::F32Lt(d, a, b) => bin!(d, a, b, f32 => bool, |x, y| x < y),
                Op::F32Gt(d, a, b) => bin!(d, a, b, f32 => bool, |x, y| x > y),
                Op::F32Le(d, a, b) => bin!(d, a, b, f32 => bool, |x, y| x <= y),
                Op::F32Ge(d, a, b) => bin!(d, a, b, f32 => bool, |x, y| x >= y),
                Op::F64Eq(d, a, b) => bin!(d, a, b, f64 => bool, |x, y| x == y),
                Op::F64Ne(d, a, b) => bin!(d, a, b, f64 => bool, |x, y| x != y),
                Op::F64Lt(d, a, b) => bin!(d, a, b, f64 => bool, |x, y| x < y),
                Op::F64Gt(d, a, b) => bin!(d, a, b, f64 => bool, |x, y| x > y),
                Op::F64Le(d, a, b) => bin!(d, a, b, f64 => bool, |x, y| x <= y),
                Op::F64Ge(d, a, b) => bin!(d, a, b, f64 => bool, |x, y| x >= y),
                // abs/neg/copysign are bit operations (NaN payloads untouched).
                Op::F32Abs(d, a) => un!(d, a, u32 => u32, |x: u32| x & 0x7fff_ffff),
                Op::F32Neg(d, a) => un!(d, a, u32 => u32, |x: u32| x ^ 0x8000_0000),
                Op::F32Ceil(d, a) => un!(d, a, f32 => f32, f32::wasm_ceil),
                Op::F32Floor(d, a) => un!(d, a, f32 => f32, f32::wasm_floor),
                Op::F32Trunc(d, a) => un!(d, a, f32 => f32, f32::wasm_trunc),
                Op::F32Nearest(d, a) => un!(d, a, f32 => f32, f32::wasm_nearest),
                Op::F32Sqrt(d, a) => un!(d, a, f32 => f32, f32::sqrt),
                Op::F64Abs(d, a) => un!(d, a, u64 => u64, |x: u64| x & 0x7fff_ffff_ffff_ffff),
                Op::F64Neg(d, a) => un!(d, a, u64 => u64, |x: u64| x ^ 0x8000_0000_0000_0000),
                Op::F64Ceil(d, a) => un!(d, a, f64 => f64, f64::wasm_ceil),
                Op::F64Floor(d, a) => un!(d, a, f64 => f64, f64::wasm_floor),
                Op::F64Trunc(d, a) => un!(d, a, f64 => f64, f64::wasm_trunc),
                Op::F64Nearest(d, a) => un!(d, a, f64 => f64, f64::wasm_nearest),
                Op::F64Sqrt(d, a) => un!(d, a, f64 => f64, f64::sqrt),
                Op::F32Add(d, a, b) => bin!(d, a, b, f32 => f32, |x, y| x + y),
                Op::F32Sub(d, a, b) => bin!(d, a, b, f32 => f32, |x, y| x - y),
                Op::F32Mul(d, a, b) => bin!(d, a, b, f32 => f32, |x, y| x * y),
                Op::F32Div(d, a, b) => bin!(d, a, b, f32 => f32, |x, y| x / y),
                Op::F32Min(d, a, b) => bin!(d, a, b, f32 => f32, f32::wasm_min),
                Op::F32Max(d, a, b) => bin!(d, a, b, f32 => f32, f32::wasm_max),
                Op::F32Copysign(d, a, b) => bin!(d, a, b, u32 => u32, num::copysign32),
                Op::F64Add(d, a, b) => bin!(d, a, b, f64 => f64, |x, y| x + y),
                Op::F64Sub(d, a, b) => bin!(d, a, b, f64 => f64, |x, y| x - y),
                Op::F64Mul(d, a, b) => bin!(d, a, b, f64 => f64, |x, y| x * y),
                Op::F64Div(d, a, b) => bin!(d, a, b, f64 => f64, |x, y| x / y),
                Op::F64Min(d, a, b) => bin!(d, a, b, f64 => f64, f64::wasm_min),
                Op::F64Max(d, a, b) => bin!(d, a, b, f64 => f64, f64::wasm_max),
                Op::F64Copysign(d, a, b) => bin!(d, a, b, u64 => u64, num::copysign64),

                Op::I32TruncF32S(d, a) => fallible!(d, num::i32_trunc_f32_s(get_a!(f32, a)), i32),
                Op::I32TruncF32U(d, a) => fallible!(d, num::i32_trunc_f32_u(get_a!(f32, a)), u32),
                Op::I32TruncF64S(d, a) => fallible!(d, num::i32_trunc_f64_s(get_a!(f64, a)), i32),
                Op::I32TruncF64U(d, a) => fallible!(d, num::i32_trunc_f64_u(get_a!(f64, a)), u32),
                Op::I64TruncF32S(d, a) => fallible!(d, num::i64_trunc_f32_s(get_a!(f32, a)), i64),
                Op::I64TruncF32U(d, a) => fallible!(d, num::i64_trunc_f32_u(get_a!(f32, a)), u64),
                Op::I64TruncF64S(d, a) => fallible!(d, num::i64_trunc_f64_s(get_a!(f64, a)), i64),
                Op::I64TruncF64U(d, a) => fallible!(d, num::i64_trunc_f64_u(get_a!(f64, a)), u64),
                // Rust's float-to-int `as` saturates and maps NaN to 0: exactly trunc_sat.
                Op::I32TruncSatF32S(d, a) => un!(d, a, f32 => i32, |x: f32| x as i32),
                Op::I32TruncSatF32U(d, a) => un!(d, a, f32 => u32, |x: f32| x as u32),
                Op::I32TruncSatF64S(d, a) => un!(d, a, f64 => i32, |x: f64| x as i32),
                Op::I32TruncSatF64U(d, a) => un!(d, a, f64 => u32, |x: f64| x as u32),
                Op::I64TruncSatF32S(d, a) => un!(d, a, f32 => i64, |x: f32| x as i64),
                Op::I64TruncSatF32U(d, a) => un!(d, a, f32 => u64, |x: f32| x as u64),
                Op::I64TruncSatF64S(d, a) => un!(d, a, f64 => i64, |x: f64| x as i64),
                Op::I64TruncSatF64U(d, a) => un!(d, a, f64 => u64, |x: f64| x as u64),
                Op::F32ConvertI32S(d, a) => un!(d, a, i32 => f32, |x: i32| x as f32),
                Op::F32ConvertI32U(d, a) => un!(d, a, u32 => f32, |x: u32| x as f32),
                Op::F32ConvertI64S(d, a) => un!(d, a, i64 => f32, |x: i64| x as f32),
                Op::F32ConvertI64U(d, a) => un!(d, a, u64 => f32, |x: u64| x as f32),
                Op::F32DemoteF64(d, a) => un!(d, a, f64 => f32, |x: f64| x as f32),
                Op::F64ConvertI32S(d, a) => un!(d, a, i32 => f64, |x: i32| x as f64),
                Op::F64ConvertI32U(d, a) => un!(d, a, u32 => f64, |x: u32| x as f64),
                Op::F64ConvertI64S(d, a) => un!(d, a, i64 => f64, |x: i64| x as f64),
                Op::F64ConvertI64U(d, a) => un!(d, a, u64 => f64, |x: u64| x as f64),
                Op::F64PromoteF32(d, a) => un!(d, a, f32 => f64, |x: f32| x as f64),

                Op::Load8S32(d, a, o) => load!(d, a, o, i8, |v: i8| v as i32 as u32 as u64),
                Op::Load8S64(d, a, o) => load!(d, a, o, i8, |v: i8| v as i64 as u64),
                Op::Load8U(d, a, o) => load!(d, a, o, u8, |v: u8| v as u64),
                Op::Load16S32(d, a, o) => load!(d, a, o, i16, |v: i16| v as i32 as u32 as u64),
                Op::Load16S64(d, a, o) => load!(d, a, o, i16, |v: i16| v as i64 as u64),
                Op::Load16U(d, a, o) => load!(d, a, o, u16, |v: u16| v as u64),
                Op::Load32(d, a, o) => load!(d, a, o, u32, |v: u32| v as u64),
                Op::Load32Load32(d, a, o) => load_via!(d, a, o, u32),
                Op::Load32Load16U(d, a, o) => load_via!(d, a, o, u16),
                Op::Load32Load8U(d, a, o) => load_via!(d, a, o, u8),
                Op::Load32S64(d, a, o) => load!(d, a, o, i32, |v: i32| v as i64 as u64),
                Op::Load64(d, a, o) => load!(d, a, o, u64, |v: u64| v),
                Op::Store8(a, v, o) => store!(a, v, o, u8),
                Op::Store16(a, v, o) => store!(a, v, o, u16),
                Op::Store32(a, v, o) => store!(a, v, o, u32),
                Op::Store64(a, v, o) => store!(a, v, o, u64),

                Op::MemorySize(d) => put_d!(u32, d, (mem_len / PAGE_SIZE) as u32),
                Op::MemoryGrow(s) => {
                    put_d!(u32, s, memory_grow(vmctx, get!(u32, s)));
                    (mem_base, mem_len) = memory(vmctx, code);
                    cx.mem_len = mem_len;
                }
                Op::MemoryFill(d, x, n) | Op::MemoryCopy(d, x, n) => {
                    let (d, x, n) = (get!(u32, d), r64!(x), get!(u32, n));
                    let fill = matches!(op, Op::MemoryFill(..));
                    if !in_bounds(d, n, mem_len) || !fill && !in_bounds(x as u32, n, mem_len) {
                        trap!(TrapCode::MemoryOutOfBounds);
                    }
                    // SAFETY: both ranges are inside the memory (checked above).
                    let dst = mem_base.add(d as usize);
                    if fill {
                        ptr::write_bytes(dst, x as u8, n as usize);
                    } else {
                        ptr::copy(mem_base.add(x as u32 as usize), dst, n as usize);
                    }
                }
                Op::MemoryInit(base, _) => bulk!(op, base),
                Op::DataDrop(seg) => (*(*vmctx).data.add(seg as usize)).len = 0,
                Op::TableGet(d, index, t) => {
                    let table = (*vmctx).table(t.idx() as u32);
                    let i = get!(u32, index);
                    if i >= (*table).len {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    w64!(d, *(*table).base.add(i as usize));
                }
                Op::TableSet(index, v, t) => {
                    let table = (*vmctx).table(t.idx() as u32);
                    let i = get!(u32, index);
                    if i >= (*table).len {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    *(*table).base.add(i as usize) = r64!(v);
                }
                Op::TableSize(d, t) => put_d!(u32, d, (*(*vmctx).table(t)).len),
                Op::TableGrow(base, t) => {
                    let old = table_grow(vmctx, t, get!(u32, base.idx() + 1), r64!(base));
                    put_d!(u32, base, old);
                }
                Op::TableFill(base, _) | Op::TableCopy(base, ..) | Op::TableInit(base, ..) => bulk!(op, base),
                Op::ElemDrop(seg) => (*(*vmctx).elems.add(seg as usize)).len = 0,

                Op::Simd(i) => simd(&(*code).simd[i as usize], fp),
                Op::SimdMem(i) => {
                    if let Err(c) = simd_mem(&(*code).simd_mem[i as usize], fp, mem_base, mem_len) {
                        trap!(c);
                    }
                }
            }
        };
    }

    for_each_int_cmp!(arms);
    dispatch(ip, fp, mem_base, cx, acc)
}

#[cfg(feature = "op-histogram")]
mod histogram {
    use crate::bytecode::{FuncCode, Instr, Width};
    use std::cell::RefCell;
    use std::collections::HashMap;

    /// The name of an instruction's variant, with its accumulator mode.
    fn name<W: Width>(op: &Instr<W>) -> String {
        let s = format!("{:?}", op.op());
        let name = s.split('(').next().unwrap_or("");
        match op.mode() {
            0 => name.to_string(),
            mode => format!("{name}/acc{mode}"),
        }
    }

    /// Counts per instruction and per pair of consecutive instructions, the
    /// previous instruction, and the total.
    type Counts = (
        HashMap<String, u64>,
        HashMap<(String, String), u64>,
        String,
        u64,
    );
    /// Per function (code address, function index): counts per instruction
    /// index, and the instructions' names.
    type FuncCounts = HashMap<(usize, u32), (Vec<u64>, Vec<String>)>;

    thread_local! {
        static H: RefCell<Counts> = RefCell::new(Default::default());
        static F: RefCell<FuncCounts> = RefCell::new(Default::default());
    }

    /// Counts the instruction at `ip` of the running function.
    ///
    /// # Safety
    /// `ip` points into `cx.code`'s instructions.
    pub(super) unsafe fn count<W: super::Exec>(ip: *const Instr<W>, cx: &super::Cx<W>) {
        let code = &*cx.code;
        count_at(&*ip, code, ip.offset_from(code.ops.as_ptr()) as usize);
    }

    /// Out of line, so that the handlers keep their tail calls.
    #[inline(never)]
    fn count_at<W: Width>(op: &Instr<W>, code: &FuncCode<W>, at: usize) {
        F.with(|f| {
            let mut f = f.borrow_mut();
            let e = f
                .entry((code as *const _ as usize, code.func_index))
                .or_insert_with(|| {
                    let ops = code.ops.iter().map(|op| format!("{op:?}")).collect();
                    (vec![0; code.ops.len()], ops)
                });
            e.0[at] += 1;
        });
        H.with(|h| {
            let (ops, pairs, prev, total) = &mut *h.borrow_mut();
            let n = name(op);
            *ops.entry(n.clone()).or_default() += 1;
            *pairs.entry((prev.clone(), n.clone())).or_default() += 1;
            *prev = n;
            *total += 1;
        })
    }

    pub fn report() {
        H.with(|h| {
            let (ops, pairs, _, total) = &mut *h.borrow_mut();
            if *total < 1_000_000 {
                return;
            }
            let mut v: Vec<_> = ops.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1));
            eprintln!("total {total}");
            for (k, c) in v.iter().take(60) {
                eprintln!("{:6.2}% {k}", **c as f64 * 100.0 / *total as f64);
            }
            let mut v: Vec<_> = pairs.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1));
            for ((a, b), c) in v.iter().take(60) {
                eprintln!("{:6.2}% {a} -> {b}", **c as f64 * 100.0 / *total as f64);
            }
            *total = 0;
        });
        F.with(|f| {
            let f = f.borrow();
            let mut v: Vec<_> = f
                .iter()
                .map(|(k, (c, _))| (c.iter().sum::<u64>(), *k))
                .collect();
            v.sort();
            v.reverse();
            for &(n, k) in v.iter().take(8) {
                eprintln!("== func {}: {n}", k.1);
                let (c, ops) = &f[&k];
                for (i, op) in ops.iter().enumerate() {
                    eprintln!("{:10} {i:4}: {op}", c[i]);
                }
            }
        })
    }
}
