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
//!
//! One concept a file: [`stack`] (the value stack), [`step`](mod@step)
//! (what each instruction does), [`dispatch`](mod@dispatch) (how the next
//! one is reached, in one of two ways), [`calls`] and [`osr`] (leaving the
//! running frame), [`runtime`] (the helpers handlers call out of line).

mod calls;
mod dispatch;
mod exceptions;
#[cfg(feature = "op-histogram")]
mod histogram;
mod osr;
mod runtime;
mod stack;
mod step;

use calls::*;
use dispatch::*;
use exceptions::*;
use osr::*;
use runtime::*;
use stack::*;
use step::*;

use crate::bytecode::{
    for_each_int_cmp, slots_of, unpack_slots, Code, FuncCode, Instr, MemInstr, MemOp, Op, Slot,
    Width, ACC_A, ACC_B, ACC_D, ACC_W, MODE_BITS,
};
use crate::num::{self, WasmFloat};
use crate::translate::TranslateError;
use crate::ModuleCode;
use std::cell::Cell;
use std::ptr;
use std::sync::atomic::Ordering;
use tandem_vm::fault::{self, Landing};
use tandem_vm::ops;
use tandem_vm::WASM_PAGE_SIZE;
use tandem_vm::{callconv, tail, trap, TierError, TrapCode, VMContext, VMFunc, ValRaw};
use wasmparser::ValType;

/// Interpreted frames one entry into the interpreter may nest.
const MAX_FRAMES: usize = 100_000;

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
/// `tier_state` is its module's [`ModuleCode`], and `values` must hold
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
        // SAFETY: the caller guarantees `callee` is live.
        Err(e) => unsafe { untranslatable(callee, e) },
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
    /// The callee of the call that [`call_slow`] or [`return_call_slow`]
    /// completes.
    callee: *const VMFunc,
    /// Whether the running frame is out of the backtrace of a trap: its
    /// call ended in its OSR entry, which trapped and so put it there
    /// itself, or it made a tail call out, which replaced it.
    frame_gone: bool,
    /// Where [`return_call_slow`] goes on: the next instruction, its frame
    /// and memory base.
    resume: (*const Instr<W>, *mut u64, *mut u8),
    /// Where the last exception in the running frame was raised: the
    /// instruction (a throw, or a call) and its frame (see [`catch`]).
    raised: (*const Instr<W>, *mut u64),
    /// Where a memory fault resumes; its `mem_base` follows the running
    /// instance's memory.
    landing: Landing,
    /// The next instruction's `ip`, `fp`, `mem_base` and accumulator, as
    /// [`dispatch()`] leaves them for the loop in [`start_at`].
    #[cfg(tandem_dispatch = "loop")]
    next: (*const Instr<W>, *mut u64, *mut u8, u64),
}

/// What [`start_at`] starts from: the executor state, the instruction to
/// run and its frame.
type Start<'a, W> = (*mut Cx<'a, W>, *const Instr<W>, *mut u64);

/// A [`Width`] the executor is instantiated for: each has its own handlers,
/// and runs only functions translated in it (a call to a function of the
/// other width goes through [`entry`], like a call to any other code).
trait Exec: Width<Word = u32> + Backend {
    /// Whether loads and stores leave bounds to the guard region (see the
    /// module docs): narrow offsets keep every address inside it, 32-bit
    /// ones may not.
    const GUARDED: bool;
    /// `code` if it is translated in this width.
    fn code_of(code: &Code) -> Option<&FuncCode<Self>>;
}

macro_rules! impl_exec {
    ($w:ty, $variant:ident, $guarded:expr) => {
        impl Exec for $w {
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
impl_exec!(u16, Narrow, fault::CATCHES);
impl_exec!(u32, Wide, false);

/// Runs `code` with its frame at `fp` (arguments and zeroed locals in
/// place) until it returns; returns 0, a trap status after raising the
/// trap and pushing every unwound frame, or
/// [`TAIL_CALL`](tail::TAIL_CALL) when its bottom frame left a tail call
/// pending.
///
/// # Safety
/// See the module invariants; `fp` must have room for `code.frame_slots`.
unsafe fn execute<W: Exec>(
    stack: &ValueStack,
    vmctx: *mut VMContext,
    code: &FuncCode<W>,
    fp: *mut u64,
) -> u32 {
    // SAFETY: `vmctx` is live and `code` one of its module's functions (the
    // contract).
    let (mem_base, mem_len) = unsafe { memory(vmctx, code) };
    let mut cx = Cx {
        stack,
        vmctx,
        code,
        ops: code.ops.as_ptr(),
        mem_len,
        frames: Vec::new(),
        callee: ptr::null(),
        resume: (ptr::null(), ptr::null_mut(), ptr::null_mut()),
        raised: (ptr::null(), ptr::null_mut()),
        frame_gone: false,
        landing: Landing::new(),
        #[cfg(tandem_dispatch = "loop")]
        next: (ptr::null(), ptr::null_mut(), ptr::null_mut(), 0),
    };
    cx.landing.mem_base = mem_base;
    let cxp: *mut Cx<W> = &mut cx;
    let mut start: Start<'_, W> = (cxp, code.ops.as_ptr(), fp);
    let status = loop {
        // SAFETY: `start_at` gets the `(cx, ip, fp)` it reads: the first
        // instruction of `code` and its frame at `fp` (the contract), or
        // where `catch` left a frame to go on, with `cx` running it; nothing
        // else touches `cx` until it returns; `cx.landing` stays in place on
        // this frame meanwhile; the frames that may be running at a fault
        // (the handlers and their helpers) own nothing that needs dropping,
        // and `call_array` suspends the landing around code that may.
        let status = unsafe {
            fault::catch_memory_faults(
                start_at::<W>,
                (&mut start as *mut Start<'_, W>).cast(),
                ptr::addr_of_mut!((*cxp).landing),
            )
        };
        if status == fault::FAULT {
            break trap::raise(TrapCode::MemoryOutOfBounds);
        }
        if status != TrapCode::Exception as u32 {
            break status;
        }
        // SAFETY: an exception status ended the run, with `cx.raised` set
        // where it was raised; the run is over, so `cx` is ours again.
        match unsafe { catch(&mut *cxp) } {
            Some((ip, fp)) => start = (cxp, ip, fp),
            None => break status,
        }
    };
    #[cfg(feature = "op-histogram")]
    histogram::report();
    // A pending tail call is no trap: its caller makes it.
    if status != 0 && status != tail::TAIL_CALL {
        if !cx.frame_gone {
            // SAFETY: `cx.code` is the translation of the function that was
            // running, which lives as long as its module's code (the module
            // invariants).
            trap::push_frame(cx.vmctx, unsafe { (*cx.code).func_index });
        }
        for f in cx.frames.iter().rev() {
            // SAFETY: as above, for a suspended caller's translation.
            trap::push_frame(f.vmctx, unsafe { (*f.code).func_index });
        }
    }
    status
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

/// Stops the run at a call of function `callee`, which cannot be
/// translated: a validated module always translates, so this is a bug's
/// way out, reported to the embedder as a compile error naming the
/// function rather than as a Wasm trap.
///
/// # Safety
/// `callee` must be live.
#[cold]
#[inline(never)]
unsafe fn untranslatable(callee: *const VMFunc, e: &TranslateError) -> u32 {
    // SAFETY: `callee` is live (the contract).
    let func_index = unsafe { (*callee).func_index };
    let error = TierError(format!("function {func_index}: {}", e.0));
    trap::raise_host(Box::new(error))
}
