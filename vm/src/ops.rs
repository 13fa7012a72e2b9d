//! Operations on memories, tables and segments that every tier performs
//! the same way: sizes and growth, the bulk-memory and table instructions,
//! segment drops, and the epoch interrupt. The interpreter calls them from
//! its handlers, compiled code through its builtins, so their bounds
//! checks, traps and results are written once.

use crate::{RefRaw, TrapCode, VMContext, WASM_PAGE_SIZE};
use std::ptr;

/// Whether `[start, start + len)` lies within `size`.
#[inline(always)]
pub fn in_bounds(start: u32, len: u32, size: usize) -> bool {
    start as u64 + len as u64 <= size as u64
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
    dst: u32,
    value: u8,
    n: u32,
) -> Result<(), TrapCode> {
    let m = (*vmctx).memory(mem);
    check(in_bounds(dst, n, (*m).len), TrapCode::MemoryOutOfBounds)?;
    ptr::write_bytes((*m).base.add(dst as usize), value, n as usize);
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
    dst: u32,
    src: u32,
    n: u32,
) -> Result<(), TrapCode> {
    let (d, s) = ((*vmctx).memory(dst_mem), (*vmctx).memory(src_mem));
    check(
        in_bounds(dst, n, (*d).len) && in_bounds(src, n, (*s).len),
        TrapCode::MemoryOutOfBounds,
    )?;
    ptr::copy(
        (*s).base.add(src as usize),
        (*d).base.add(dst as usize),
        n as usize,
    );
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
    dst: u32,
    src: u32,
    n: u32,
) -> Result<(), TrapCode> {
    let m = (*vmctx).memory(mem);
    let seg = (*vmctx).data.add(seg as usize);
    check(
        in_bounds(dst, n, (*m).len) && in_bounds(src, n, (*seg).len),
        TrapCode::MemoryOutOfBounds,
    )?;
    if n > 0 {
        ptr::copy_nonoverlapping(
            (*seg).base.add(src as usize),
            (*m).base.add(dst as usize),
            n as usize,
        );
    }
    Ok(())
}

/// `table.get`.
///
/// # Safety
/// `vmctx` must be live with table `t`.
pub unsafe fn table_get(vmctx: *mut VMContext, t: u32, index: u32) -> Result<RefRaw, TrapCode> {
    let table = (*vmctx).table(t);
    check(index < (*table).len, TrapCode::TableOutOfBounds)?;
    Ok(*(*table).base.add(index as usize))
}

/// `table.set`.
///
/// # Safety
/// `vmctx` must be live with table `t`; `value` must be of its type.
pub unsafe fn table_set(
    vmctx: *mut VMContext,
    t: u32,
    index: u32,
    value: RefRaw,
) -> Result<(), TrapCode> {
    let table = (*vmctx).table(t);
    check(index < (*table).len, TrapCode::TableOutOfBounds)?;
    *(*table).base.add(index as usize) = value;
    Ok(())
}

/// `table.fill`.
///
/// # Safety
/// `vmctx` must be live with table `t`; `value` must be of its type.
pub unsafe fn table_fill(
    vmctx: *mut VMContext,
    t: u32,
    dst: u32,
    value: RefRaw,
    n: u32,
) -> Result<(), TrapCode> {
    let table = (*vmctx).table(t);
    check(
        in_bounds(dst, n, (*table).len as usize),
        TrapCode::TableOutOfBounds,
    )?;
    std::slice::from_raw_parts_mut((*table).base.add(dst as usize), n as usize).fill(value);
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
    dst: u32,
    src: u32,
    n: u32,
) -> Result<(), TrapCode> {
    let (d, s) = ((*vmctx).table(dst_t), (*vmctx).table(src_t));
    check(
        in_bounds(dst, n, (*d).len as usize) && in_bounds(src, n, (*s).len as usize),
        TrapCode::TableOutOfBounds,
    )?;
    ptr::copy(
        (*s).base.add(src as usize),
        (*d).base.add(dst as usize),
        n as usize,
    );
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
    dst: u32,
    src: u32,
    n: u32,
) -> Result<(), TrapCode> {
    let table = (*vmctx).table(t);
    let seg = (*vmctx).elems.add(seg as usize);
    check(
        in_bounds(dst, n, (*table).len as usize) && in_bounds(src, n, (*seg).len),
        TrapCode::TableOutOfBounds,
    )?;
    if n > 0 {
        let elems = (*seg).base.cast::<RefRaw>();
        ptr::copy_nonoverlapping(
            elems.add(src as usize),
            (*table).base.add(dst as usize),
            n as usize,
        );
    }
    Ok(())
}

/// `memory.size` of memory `mem`, in pages.
///
/// # Safety
/// `vmctx` must be live with memory `mem`.
pub unsafe fn memory_size(vmctx: *mut VMContext, mem: u32) -> u32 {
    ((*(*vmctx).memory(mem)).len / WASM_PAGE_SIZE) as u32
}

/// `memory.grow` of memory `mem` by `delta` pages, through the runtime
/// (which asks the store's limiter): the old size in pages, or `u32::MAX`
/// (-1) if the memory cannot grow so.
///
/// # Safety
/// `vmctx` must be live with memory `mem`.
pub unsafe fn memory_grow(vmctx: *mut VMContext, mem: u32, delta: u32) -> u32 {
    let old = ((*(*vmctx).builtins).memory_grow)((*vmctx).memory(mem), delta as u64);
    if old == u64::MAX {
        u32::MAX
    } else {
        old as u32
    }
}

/// `table.size` of table `t`.
///
/// # Safety
/// `vmctx` must be live with table `t`.
pub unsafe fn table_size(vmctx: *mut VMContext, t: u32) -> u32 {
    (*(*vmctx).table(t)).len
}

/// `table.grow` of table `t` by `delta` elements of `init`, through the
/// runtime: the old size, or `u32::MAX` (-1).
///
/// # Safety
/// `vmctx` must be live with table `t`; `init` must be of its type.
pub unsafe fn table_grow(vmctx: *mut VMContext, t: u32, delta: u32, init: RefRaw) -> u32 {
    ((*(*vmctx).builtins).table_grow)((*vmctx).table(t), delta, init)
}

/// `data.drop`: data segment `seg` becomes empty.
///
/// # Safety
/// `vmctx` must be live with data segment `seg`.
pub unsafe fn data_drop(vmctx: *mut VMContext, seg: u32) {
    (*(*vmctx).data.add(seg as usize)).len = 0;
}

/// `elem.drop`: element segment `seg` becomes empty.
///
/// # Safety
/// `vmctx` must be live with element segment `seg`.
pub unsafe fn elem_drop(vmctx: *mut VMContext, seg: u32) {
    (*(*vmctx).elems.add(seg as usize)).len = 0;
}

/// An epoch check that found the deadline reached: the runtime's verdict
/// (0 to go on, or the status of the trap it raised).
///
/// # Safety
/// `vmctx` must be the live instance of the code making the check.
pub unsafe fn interrupt(vmctx: *mut VMContext) -> u32 {
    ((*(*vmctx).builtins).interrupt)(vmctx)
}
