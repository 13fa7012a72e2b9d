//! What handlers leave to out-of-line helpers: the running instance's
//! memory, bulk memory and table operations, and SIMD. (Growth, segment
//! drops and epoch interrupts are `tandem_vm::ops`, as in every tier.)

use super::*;

/// The base and length of memory 0 of `vmctx`, if its module has one.
///
/// # Safety
/// `vmctx` must be live and `code` one of its module's functions.
#[inline(always)]
pub(super) unsafe fn memory<W: Width>(
    vmctx: *mut VMContext,
    code: *const FuncCode<W>,
) -> (*mut u8, usize) {
    // SAFETY: `vmctx` and `code` are live (the contract); a module with a
    // memory (`has_memory`) has a memory 0, live with its instance.
    unsafe {
        if (*code).has_memory {
            let m = (*vmctx).memory(0);
            ((*m).base, (*m).len)
        } else {
            (ptr::null_mut(), 0)
        }
    }
}

/// Bulk memory and table operations, kept out of the dispatch loop (but
/// for `memory.fill` and `memory.copy`, which handlers make themselves).
/// The instruction at `ip` has its three operands in consecutive slots of
/// the frame at `fp`. Everything comes in registers: a handler that passed
/// an operand through its stack frame (an array, the decoded instruction)
/// could not tail-call the next one once this helper lives in another
/// codegen unit, which cannot vouch that the pointer does not escape.
///
/// # Safety
/// `ip` is a bulk instruction of `code`, running in instance `vmctx` with
/// its frame at `fp`.
#[inline(never)]
pub(super) unsafe fn bulk<W: Exec>(
    ip: *const Instr<W>,
    code: *const FuncCode<W>,
    vmctx: *mut VMContext,
    fp: *mut u64,
) -> Result<(), TrapCode> {
    // SAFETY: `ip` points at an instruction (the contract).
    let op = unsafe { (*ip).op() };
    let base = match op {
        Op::MemoryInit(base, _)
        | Op::TableFill(base, _)
        | Op::TableCopy(base, ..)
        | Op::TableInit(base, _) => base.idx(),
        _ => unreachable!("bulk on {op:?}"),
    };
    // SAFETY: the instruction's three operand slots, from `base` on, lie
    // in the frame at `fp` (the contract, and the module invariants).
    let s = unsafe { fp.add(base) };
    // SAFETY: as above. (A 32-bit address, index or length reads the same
    // as a 64-bit one: slots hold them zero-extended.)
    let (d, x, n) = unsafe { (*s, *s.add(1), *s.add(2)) };
    // SAFETY: `vmctx` is the live instance running `code` (the contract),
    // and the memory, table and segment indices of the instruction (and its
    // `aux` entries) are valid for its validated module (the module
    // invariants); a `table.fill`'s value is of the table's type, as
    // validation requires; the operations check their bounds.
    unsafe {
        match op {
            Op::MemoryInit(_, seg) => ops::memory_init(vmctx, 0, seg, d, x, n),
            Op::TableFill(_, t) => ops::table_fill(vmctx, t, d, x, n),
            Op::TableCopy(_, dt, st) => {
                ops::table_copy(vmctx, dt.idx() as u32, st.idx() as u32, d, x, n)
            }
            Op::TableInit(_, at) => {
                let aux = &(*code).aux;
                let (seg, t) = (aux[at as usize], aux[at as usize + 1]);
                ops::table_init(vmctx, t, seg, d, x, n)
            }
            _ => Ok(()),
        }
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
pub(super) unsafe fn simd(s: &crate::bytecode::SimdInstr, fp: *mut u64) {
    let (params, result) = s.op.signature();
    // Scalar operands and results take one slot, in the low bits.
    // SAFETY: the operand slots of `s` lie in the frame at `fp` (the
    // contract), two of them for a `v128` (read unaligned).
    let read = |k: usize, slot: Slot| unsafe {
        match params.get(k) {
            Some(&ValType::V128) => ptr::read_unaligned(fp.add(slot.idx()).cast::<u128>()),
            Some(_) => *fp.add(slot.idx()) as u128,
            None => 0,
        }
    };
    let v = crate::simd::eval(s.op, read(0, s.a), read(1, s.b), read(2, s.c));
    // SAFETY: the result slot of `s` lies in the frame at `fp` (the
    // contract), two of them for a `v128` (written unaligned).
    unsafe {
        if result == ValType::V128 {
            ptr::write_unaligned(fp.add(s.dst.idx()).cast::<u128>(), v);
        } else {
            *fp.add(s.dst.idx()) = v as u64;
        }
    }
}

/// Runs SIMD memory instruction `m` of the frame at `fp` against memory 0
/// (`mem_base`, `mem_len`), bounds-checked.
///
/// # Safety
/// `m` belongs to the running function, whose frame is at `fp`; the memory is live.
#[inline(never)]
pub(super) unsafe fn simd_mem(
    m: &crate::bytecode::SimdMemInstr,
    fp: *mut u64,
    vmctx: *mut VMContext,
    mem_base: *mut u8,
    mem_len: usize,
) -> Result<(), TrapCode> {
    let (base, len) = if m.memory == 0 {
        (mem_base, mem_len)
    } else {
        // SAFETY: `vmctx` is live with memory `m.memory` (the contract).
        unsafe {
            let mem = (*vmctx).memory(m.memory);
            ((*mem).base, (*mem).len)
        }
    };
    // SAFETY: the address slot of `m` lies in the frame at `fp` (the
    // contract).
    let index = unsafe { *fp.add(m.addr.idx()) };
    // SAFETY: `base` and `len` are the live memory's; nothing else
    // accesses it during the instruction.
    let bytes = unsafe { access(base, len, index, m.offset, m.op.access_size())? };
    // SAFETY: the vector operand's slots of `m` (slot 0 when it has none) lie
    // in the frame at `fp` (the contract).
    let vector = unsafe { fp.add(m.vector.idx()) }.cast::<u128>();
    if m.op.is_store() {
        // SAFETY: `vector` points at two slots of the frame (read unaligned).
        crate::simd::store(m.op, unsafe { ptr::read_unaligned(vector) }, bytes);
    } else {
        let old = if m.op.has_vector_operand() {
            // SAFETY: as above.
            unsafe { ptr::read_unaligned(vector) }
        } else {
            0
        };
        // SAFETY: the result slots of `m` lie in the frame at `fp` (the
        // contract), two of them (written unaligned).
        unsafe {
            ptr::write_unaligned(
                fp.add(m.dst.idx()).cast::<u128>(),
                crate::simd::load(m.op, bytes, old),
            )
        };
    }
    Ok(())
}

/// The `size` bytes a memory access at `index + offset` reads or writes,
/// in the memory of `len` bytes at `base`, if they lie inside it. `index`
/// is a slot's value: an `i32` address zero-extended, an `i64` whole.
///
/// # Safety
/// `base` and `len` are a live memory's, whose bytes nothing else accesses
/// while the slice lives.
#[inline(always)]
unsafe fn access<'a>(
    base: *mut u8,
    len: usize,
    index: u64,
    offset: u64,
    size: usize,
) -> Result<&'a mut [u8], TrapCode> {
    let ea = index
        .checked_add(offset)
        .filter(|ea| ops::in_bounds(*ea, size as u64, len))
        .ok_or(TrapCode::MemoryOutOfBounds)?;
    // SAFETY: `[ea, ea + size)` lies inside the memory (checked above),
    // which nothing else accesses meanwhile (the contract).
    Ok(unsafe { std::slice::from_raw_parts_mut(base.add(ea as usize), size) })
}

/// A memory instruction in the general form (see [`MemInstr`]).
///
/// # Safety
/// `m` is an instruction of a function of `vmctx`'s module, whose slots lie
/// in the frame at `fp`.
#[inline(never)]
pub(super) unsafe fn general_memory(
    m: &MemInstr,
    fp: *mut u64,
    vmctx: *mut VMContext,
) -> Result<(), TrapCode> {
    // SAFETY: the instruction's slots lie in the frame at `fp` (the
    // contract).
    let arg = |k: usize| unsafe { *fp.add(m.args[k].idx()) };
    // SAFETY: as above.
    let put = |v: u64| unsafe { *fp.add(m.dst.idx()) = v };
    // SAFETY: `vmctx` is live with memory `m.memory` and the segments the
    // instruction names (the contract); the `ops` check their bounds.
    unsafe {
        let mem = (*vmctx).memory(m.memory);
        match m.op {
            MemOp::Load {
                bytes,
                signed,
                wide,
            } => {
                let b = access((*mem).base, (*mem).len, arg(0), m.offset, bytes.into())?;
                let mut le = [0u8; 8];
                le[..b.len()].copy_from_slice(b);
                let mut v = u64::from_le_bytes(le);
                if signed {
                    let shift = 64 - 8 * bytes as u32;
                    v = (((v << shift) as i64) >> shift) as u64;
                }
                put(if wide { v } else { v as u32 as u64 });
            }
            MemOp::Store { bytes } => {
                let b = access((*mem).base, (*mem).len, arg(0), m.offset, bytes.into())?;
                b.copy_from_slice(&arg(1).to_le_bytes()[..b.len()]);
            }
            MemOp::Size => put(ops::memory_size(vmctx, m.memory)),
            MemOp::Grow => {
                let old = ops::memory_grow(vmctx, m.memory, arg(0));
                put(if m.memory64 { old } else { old as u32 as u64 });
            }
            MemOp::Fill => ops::memory_fill(vmctx, m.memory, arg(0), arg(1) as u8, arg(2))?,
            MemOp::Copy { src } => ops::memory_copy(vmctx, m.memory, src, arg(0), arg(1), arg(2))?,
            MemOp::Init { data } => {
                ops::memory_init(vmctx, m.memory, data, arg(0), arg(1), arg(2))?
            }
        }
    }
    Ok(())
}

/// `table.get` of element `index` of table `t` into the slot at `dst`.
/// `tandem_vm::ops::table_get` returns its result through memory, which,
/// in a handler's stack frame, would keep the handler from tail-calling
/// the next one (see [`bulk`]); here it goes straight to the slot.
///
/// # Safety
/// `vmctx` must be live with table `t`; `dst` is a slot of the running
/// frame.
#[inline(never)]
pub(super) unsafe fn table_get(
    vmctx: *mut VMContext,
    t: u32,
    index: u64,
    dst: *mut u64,
) -> Result<(), TrapCode> {
    // SAFETY: `vmctx` is live with table `t`, and `dst` a slot of the running
    // frame (the contract).
    unsafe { *dst = ops::table_get(vmctx, t, index)? };
    Ok(())
}
