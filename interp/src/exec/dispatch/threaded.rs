//! The threaded dispatch: each instruction's handler ends by tail-calling
//! the next one's, through a table of handlers indexed by encoded tag.

use crate::bytecode::{ACC_MASKS, OP_COUNT};
use crate::exec::*;

/// An instruction handler: runs the instruction at `ip` and everything after
/// it (each handler ends by tail-calling the next instruction's handler);
/// returns 0 when the outermost frame returns, or a trap status. The last
/// argument is the accumulator (see [`Instr`]). Calling one is unsafe: its
/// arguments must be as for [`dispatch()`], on an instruction whose handler
/// it is.
///
/// The handler table is not an argument: its address is a constant, formed
/// by one `lea` where a handler dispatches. Passed along, it would hold a
/// sixth argument register for good; left out, that register stays free as
/// scratch for the handlers, so fewer of them save and restore a
/// callee-saved register (a push and a pop).
pub(in crate::exec) type Handler<W> =
    unsafe fn(*const Instr<W>, *mut u64, *mut u8, &mut Cx<W>, u64) -> u32;

/// Encoded tags: every instruction tag with every mode.
pub(in crate::exec) const TAGS: usize = OP_COUNT << MODE_BITS;
/// Indices the handler table is generated for (a power of two >= `TAGS`).
pub(in crate::exec) const MAX_TAGS: usize = 8192;
const _: () = assert!(TAGS <= MAX_TAGS);

/// Whether encoded tag `tag` can occur in a function of a width with
/// (`acc`) or without accumulator modes: its mode is one its instruction
/// supports, with at most one operand from the accumulator and the result
/// in at most one of its two ways there.
pub(in crate::exec) const fn valid_tag(tag: usize, acc: bool) -> bool {
    let (op, mode) = (tag >> MODE_BITS, (tag & ((1 << MODE_BITS) - 1)) as u8);
    op < OP_COUNT
        && (mode == 0
            || acc
                && mode & !ACC_MASKS[op] == 0
                && mode & (ACC_A | ACC_B) != ACC_A | ACC_B
                && mode & (ACC_D | ACC_W) != ACC_D | ACC_W)
}

/// The handler of every encoded tag of width `W`.
pub(in crate::exec) const fn handler_table<W: Exec>() -> [Handler<W>; TAGS] {
    let mut all: [Handler<W>; MAX_TAGS] = [handler::<0, W>; MAX_TAGS];
    macro_rules! fill {
        ($i:expr) => {
            // Only tags that can occur get (and instantiate) a handler.
            if valid_tag($i, W::ACC) {
                all[$i] = handler::<{ ($i) as u32 }, W>;
            }
        };
    }
    // Calls `fill!` with every index below `MAX_TAGS`.
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

/// The handler of the instruction at `ip`.
///
/// # Safety
/// `ip` points at an instruction.
#[inline(always)]
pub(in crate::exec) unsafe fn handler_of<W: Exec>(ip: *const Instr<W>) -> Handler<W> {
    // SAFETY: `ip` points at an instruction (the contract), whose encoded
    // tag, as for every instruction of width `W`, is below `TAGS` and valid
    // for it (see `Instr` and `valid_tag`), so within `W::HANDLERS`.
    unsafe { *const { &W::HANDLERS }.as_ptr().add((*ip).tag() as usize) }
}

/// The handler of the instruction with tag `TAG` in the threaded dispatch:
/// [`step()`] with the tag a constant, so that LLVM keeps only that
/// instruction's arm. Each instantiation is one instruction's code followed
/// by the dispatch of the next.
///
/// # Safety
/// As for [`dispatch()`]; the handler table only calls it on an instruction
/// with tag `TAG`.
pub(in crate::exec) unsafe fn handler<const TAG: u32, W: Exec>(
    ip: *const Instr<W>,
    fp: *mut u64,
    mem_base: *mut u8,
    cx: &mut Cx<W>,
    acc: u64,
) -> u32 {
    // Before the tag is relied on: the call could write `*ip` as far as LLVM knows.
    #[cfg(feature = "op-histogram")]
    // SAFETY: `ip` points into `cx.code`'s instructions (as for `dispatch`).
    unsafe {
        histogram::count(ip, cx)
    };
    // SAFETY: `ip` points at an instruction (as for `dispatch`), and
    // `dispatch` picked this handler by its encoded tag, so that tag is `TAG`.
    unsafe {
        if (*ip).tag() as u32 != TAG {
            std::hint::unreachable_unchecked();
        }
    }
    // SAFETY: as required of this handler: `step`'s contract, with the
    // encoded tag of the instruction at `ip` being `TAG` (checked above).
    unsafe { step(TAG, ip, fp, mem_base, cx, acc) }
}

/// The handler table of a width, and whether its instructions use the
/// accumulator (the translator gives modes to narrow functions only, so
/// wide ones do not instantiate the extra handlers).
pub(in crate::exec) trait Backend: Width {
    /// The handler of every instruction, by tag. (A constant rather than a
    /// static, read through `const { &W::HANDLERS }`: a static referenced
    /// from generic code must be exported, and is then addressed through
    /// the GOT, one more load per dispatch.)
    const HANDLERS: [Handler<Self>; TAGS];
    const ACC: bool;
}

impl Backend for u16 {
    const HANDLERS: [Handler<u16>; TAGS] = handler_table::<u16>();
    const ACC: bool = true;
}

impl Backend for u32 {
    const HANDLERS: [Handler<u32>; TAGS] = handler_table::<u32>();
    const ACC: bool = false;
}

/// Runs from `ip` with the frame at `fp`, for
/// [`fault::catch_memory_faults`]: `arg` points at `(cx, ip, fp)`.
///
/// # Safety
/// `arg` points at a [`Start`]: a valid executor state, borrowed by nobody
/// else during the call, an instruction of the function it runs and that
/// function's frame; then as for [`dispatch()`].
pub(in crate::exec) unsafe extern "sysv64" fn start_at<W: Exec>(arg: *mut u8) -> u32 {
    // SAFETY: `arg` points at a `Start` (the contract).
    let (cx, ip, fp) = unsafe { *arg.cast::<Start<'_, W>>() };
    // SAFETY: `cx` is valid and borrowed by nobody else (the contract).
    let cx = unsafe { &mut *cx };
    let mem_base = cx.landing.mem_base;
    // SAFETY: `ip` is an instruction of `cx.code`, whose frame is at `fp`,
    // and `cx.landing.mem_base` the running instance's memory (the
    // contract).
    unsafe { dispatch(ip, fp, mem_base, cx, 0) }
}

/// Continues with the instruction at `ip`: calls its handler.
///
/// # Safety
/// `ip` points at an instruction of `cx.code`, `fp` and `mem_base` belong to
/// the running frame.
#[inline(always)]
pub(in crate::exec) unsafe fn dispatch<W: Exec>(
    ip: *const Instr<W>,
    fp: *mut u64,
    mem_base: *mut u8,
    cx: &mut Cx<W>,
    acc: u64,
) -> u32 {
    // SAFETY: `ip` points at an instruction of `cx.code` (the contract), so
    // `handler_of` finds the handler of its encoded tag, which asks no more
    // than this function's contract of its arguments.
    unsafe { handler_of(ip)(ip, fp, mem_base, cx, acc) }
}
