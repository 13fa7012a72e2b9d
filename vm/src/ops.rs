//! Operations on memories, tables and segments that every tier performs
//! the same way: sizes and growth, the bulk-memory and table instructions,
//! segment drops, and the epoch interrupt. The interpreter calls them from
//! its handlers, compiled code through its builtins, so their bounds
//! checks, traps and results are written once.

use crate::{RefRaw, TrapCode, VMContext, WASM_PAGE_SIZE};
use std::ptr;

/// Whether `[start, start + len)` lies within `size`. Addresses, indices
/// and lengths are `u64` throughout: a 32-bit memory's or table's are
/// zero-extended, a 64-bit one's (memory64, table64) taken whole.
#[inline(always)]
pub fn in_bounds(start: u64, len: u64, size: usize) -> bool {
    start.checked_add(len).is_some_and(|end| end <= size as u64)
}

fn check(ok: bool, code: TrapCode) -> Result<(), TrapCode> {
    if ok {
        Ok(())
    } else {
        Err(code)
    }
}

/// `memory.fill` of memory `mem`: `n` bytes of `value` at `dst`.
///
/// # Safety
/// `vmctx` must be live with memory `mem`.
pub unsafe fn memory_fill(
    vmctx: *mut VMContext,
    mem: u32,
    dst: u64,
    value: u8,
    n: u64,
) -> Result<(), TrapCode> {
    // SAFETY: the caller guarantees `vmctx` is live with memory `mem`, so
    // the lookup is in bounds and `m` is that memory's live `VMMemory`.
    let m = unsafe { (*vmctx).memory(mem) };
    // SAFETY: `m` is live (above).
    let len = unsafe { (*m).len };
    check(in_bounds(dst, n, len), TrapCode::MemoryOutOfBounds)?;
    // SAFETY: `[dst, dst + n)` was checked to lie within the memory's `len`
    // bytes, which are accessible from `base`.
    unsafe { ptr::write_bytes((*m).base.add(dst as usize), value, n as usize) };
    Ok(())
}

/// `memory.copy` from memory `src_mem` to `dst_mem` (possibly overlapping).
///
/// # Safety
/// `vmctx` must be live with both memories.
pub unsafe fn memory_copy(
    vmctx: *mut VMContext,
    dst_mem: u32,
    src_mem: u32,
    dst: u64,
    src: u64,
    n: u64,
) -> Result<(), TrapCode> {
    // SAFETY: the caller guarantees `vmctx` is live with both memories, so
    // the lookups are in bounds and yield their live `VMMemory`s.
    let (d, s) = unsafe { ((*vmctx).memory(dst_mem), (*vmctx).memory(src_mem)) };
    // SAFETY: `d` and `s` are live (above).
    let (d_len, s_len) = unsafe { ((*d).len, (*s).len) };
    check(
        in_bounds(dst, n, d_len) && in_bounds(src, n, s_len),
        TrapCode::MemoryOutOfBounds,
    )?;
    // SAFETY: both ranges were checked to lie within their memories' `len`
    // bytes; `ptr::copy` allows them to overlap (the same memory).
    unsafe {
        ptr::copy(
            (*s).base.add(src as usize),
            (*d).base.add(dst as usize),
            n as usize,
        )
    };
    Ok(())
}

/// `memory.init` of memory `mem` from data segment `seg`.
///
/// # Safety
/// `vmctx` must be live with memory `mem` and data segment `seg`.
pub unsafe fn memory_init(
    vmctx: *mut VMContext,
    mem: u32,
    seg: u32,
    dst: u64,
    src: u64,
    n: u64,
) -> Result<(), TrapCode> {
    // SAFETY: the caller guarantees `vmctx` is live with memory `mem` and
    // data segment `seg`, so both lookups are in bounds and yield live
    // structures.
    let (m, seg) = unsafe { ((*vmctx).memory(mem), (*vmctx).data.add(seg as usize)) };
    // SAFETY: `m` and `seg` are live (above).
    let (m_len, seg_len) = unsafe { ((*m).len, (*seg).len) };
    check(
        in_bounds(dst, n, m_len) && in_bounds(src, n, seg_len),
        TrapCode::MemoryOutOfBounds,
    )?;
    if n > 0 {
        // SAFETY: both ranges were checked against their lengths; with `n > 0`
        // the segment is not empty, so its base points at its `len` bytes (an
        // empty or dropped segment's base may be null). A data segment's
        // bytes are the module's, never a memory's, so the ranges do not
        // overlap.
        unsafe {
            ptr::copy_nonoverlapping(
                (*seg).base.add(src as usize),
                (*m).base.add(dst as usize),
                n as usize,
            )
        };
    }
    Ok(())
}

/// `table.get`.
///
/// # Safety
/// `vmctx` must be live with table `t`.
pub unsafe fn table_get(vmctx: *mut VMContext, t: u32, index: u64) -> Result<RefRaw, TrapCode> {
    // SAFETY: the caller guarantees `vmctx` is live with table `t`, so the
    // lookup is in bounds and `table` is that table's live `VMTable`.
    let table = unsafe { (*vmctx).table(t) };
    // SAFETY: `table` is live (above).
    let len = unsafe { (*table).len };
    check(index < len as u64, TrapCode::TableOutOfBounds)?;
    // SAFETY: `index` was checked to be below the table's length.
    Ok(unsafe { *(*table).base.add(index as usize) })
}

/// `table.set`.
///
/// # Safety
/// `vmctx` must be live with table `t`; `value` must be of its type.
pub unsafe fn table_set(
    vmctx: *mut VMContext,
    t: u32,
    index: u64,
    value: RefRaw,
) -> Result<(), TrapCode> {
    // SAFETY: the caller guarantees `vmctx` is live with table `t`, so the
    // lookup is in bounds and `table` is that table's live `VMTable`.
    let table = unsafe { (*vmctx).table(t) };
    // SAFETY: `table` is live (above).
    let len = unsafe { (*table).len };
    check(index < len as u64, TrapCode::TableOutOfBounds)?;
    // SAFETY: `index` was checked to be below the table's length; the caller
    // guarantees `value` is of the table's type.
    unsafe { *(*table).base.add(index as usize) = value };
    Ok(())
}

/// `table.fill`.
///
/// # Safety
/// `vmctx` must be live with table `t`; `value` must be of its type.
pub unsafe fn table_fill(
    vmctx: *mut VMContext,
    t: u32,
    dst: u64,
    value: RefRaw,
    n: u64,
) -> Result<(), TrapCode> {
    // SAFETY: the caller guarantees `vmctx` is live with table `t`, so the
    // lookup is in bounds and `table` is that table's live `VMTable`.
    let table = unsafe { (*vmctx).table(t) };
    // SAFETY: `table` is live (above).
    let len = unsafe { (*table).len };
    check(in_bounds(dst, n, len as usize), TrapCode::TableOutOfBounds)?;
    // SAFETY: `[dst, dst + n)` was checked to lie within the table's
    // elements, which nothing else references during the call; the caller
    // guarantees `value` is of the table's type.
    unsafe { std::slice::from_raw_parts_mut((*table).base.add(dst as usize), n as usize) }
        .fill(value);
    Ok(())
}

/// `table.copy` from table `src_t` to `dst_t` (possibly overlapping).
///
/// # Safety
/// `vmctx` must be live with both tables.
pub unsafe fn table_copy(
    vmctx: *mut VMContext,
    dst_t: u32,
    src_t: u32,
    dst: u64,
    src: u64,
    n: u64,
) -> Result<(), TrapCode> {
    // SAFETY: the caller guarantees `vmctx` is live with both tables, so the
    // lookups are in bounds and yield their live `VMTable`s.
    let (d, s) = unsafe { ((*vmctx).table(dst_t), (*vmctx).table(src_t)) };
    // SAFETY: `d` and `s` are live (above).
    let (d_len, s_len) = unsafe { ((*d).len, (*s).len) };
    check(
        in_bounds(dst, n, d_len as usize) && in_bounds(src, n, s_len as usize),
        TrapCode::TableOutOfBounds,
    )?;
    // SAFETY: both ranges were checked to lie within their tables;
    // `ptr::copy` allows them to overlap (the same table).
    unsafe {
        ptr::copy(
            (*s).base.add(src as usize),
            (*d).base.add(dst as usize),
            n as usize,
        )
    };
    Ok(())
}

/// `table.init` of table `t` from element segment `seg`.
///
/// # Safety
/// `vmctx` must be live with table `t` and element segment `seg`.
pub unsafe fn table_init(
    vmctx: *mut VMContext,
    t: u32,
    seg: u32,
    dst: u64,
    src: u64,
    n: u64,
) -> Result<(), TrapCode> {
    // SAFETY: the caller guarantees `vmctx` is live with table `t` and
    // element segment `seg`, so both lookups are in bounds and yield live
    // structures.
    let (table, seg) = unsafe { ((*vmctx).table(t), (*vmctx).elems.add(seg as usize)) };
    // SAFETY: `table` and `seg` are live (above).
    let (table_len, seg_len) = unsafe { ((*table).len, (*seg).len) };
    check(
        in_bounds(dst, n, table_len as usize) && in_bounds(src, n, seg_len),
        TrapCode::TableOutOfBounds,
    )?;
    if n > 0 {
        // SAFETY: both ranges were checked against their lengths; with `n > 0`
        // the segment is not empty, so its base points at its `len` resolved
        // `RefRaw`s (see `VMSegment`; an empty or dropped segment's base may
        // be null). The instance owns those apart from any table's elements,
        // so the ranges do not overlap.
        unsafe {
            let elems = (*seg).base.cast::<RefRaw>();
            ptr::copy_nonoverlapping(
                elems.add(src as usize),
                (*table).base.add(dst as usize),
                n as usize,
            )
        };
    }
    Ok(())
}

/// `memory.size` of memory `mem`, in pages.
///
/// # Safety
/// `vmctx` must be live with memory `mem`.
pub unsafe fn memory_size(vmctx: *mut VMContext, mem: u32) -> u64 {
    // SAFETY: the caller guarantees `vmctx` is live with memory `mem`, so
    // the lookup yields that memory's live `VMMemory`.
    let len = unsafe { (*(*vmctx).memory(mem)).len };
    (len / WASM_PAGE_SIZE) as u64
}

/// `memory.grow` of memory `mem` by `delta` pages, through the runtime
/// (which asks the store's limiter): the old size in pages, or `u64::MAX`
/// (-1, whose low half is a 32-bit memory's -1) if the memory cannot grow
/// so.
///
/// # Safety
/// `vmctx` must be live with memory `mem`.
pub unsafe fn memory_grow(vmctx: *mut VMContext, mem: u32, delta: u64) -> u64 {
    // SAFETY: the caller guarantees `vmctx` is live with memory `mem`; a
    // live instance's `builtins` is the runtime's table, whose
    // `memory_grow` takes one of the store's memories.
    unsafe { ((*(*vmctx).builtins).memory_grow)((*vmctx).memory(mem), delta) }
}

/// `table.size` of table `t`.
///
/// # Safety
/// `vmctx` must be live with table `t`.
pub unsafe fn table_size(vmctx: *mut VMContext, t: u32) -> u64 {
    // SAFETY: the caller guarantees `vmctx` is live with table `t`, so the
    // lookup yields that table's live `VMTable`.
    unsafe { (*(*vmctx).table(t)).len as u64 }
}

/// `table.grow` of table `t` by `delta` elements of `init`, through the
/// runtime: the old size, or `u64::MAX` (-1).
///
/// # Safety
/// `vmctx` must be live with table `t`; `init` must be of its type.
pub unsafe fn table_grow(vmctx: *mut VMContext, t: u32, delta: u64, init: RefRaw) -> u64 {
    // SAFETY: the caller guarantees `vmctx` is live with table `t` and
    // `init` of its type; a live instance's `builtins` is the runtime's
    // table, whose `table_grow` takes one of the store's tables.
    unsafe { ((*(*vmctx).builtins).table_grow)((*vmctx).table(t), delta, init) }
}

/// `data.drop`: data segment `seg` becomes empty.
///
/// # Safety
/// `vmctx` must be live with data segment `seg`.
pub unsafe fn data_drop(vmctx: *mut VMContext, seg: u32) {
    // SAFETY: the caller guarantees `vmctx` is live with data segment
    // `seg`, an index into its `data` array; zeroing the length is how
    // running code drops a segment (see `VMSegment`).
    unsafe { (*(*vmctx).data.add(seg as usize)).len = 0 };
}

/// `elem.drop`: element segment `seg` becomes empty.
///
/// # Safety
/// `vmctx` must be live with element segment `seg`.
pub unsafe fn elem_drop(vmctx: *mut VMContext, seg: u32) {
    // SAFETY: the caller guarantees `vmctx` is live with element segment
    // `seg`, an index into its `elems` array; zeroing the length is how
    // running code drops a segment (see `VMSegment`).
    unsafe { (*(*vmctx).elems.add(seg as usize)).len = 0 };
}

/// An epoch check that found the deadline reached: the runtime's verdict
/// (0 to go on, or the status of the trap it raised).
///
/// # Safety
/// `vmctx` must be the live instance of the code making the check.
pub unsafe fn interrupt(vmctx: *mut VMContext) -> u32 {
    // SAFETY: the caller guarantees `vmctx` is live; a live instance's
    // `builtins` is the runtime's table, whose `interrupt` takes it.
    unsafe { ((*(*vmctx).builtins).interrupt)(vmctx) }
}
