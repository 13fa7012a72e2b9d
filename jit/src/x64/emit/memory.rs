//! Linear memory accesses and globals.
//!
//! An access to a 32-bit memory is one instruction on `[base + address +
//! offset]`: the memory's guard region turns an out-of-bounds access into
//! a fault, which the instruction's trap site makes a Wasm trap. Memory 0's
//! base lives in [`HEAP`]; another memory's is loaded from the context at
//! each access. A 64-bit address (memory64) can reach past any guard
//! region, so an access to a 64-bit memory first checks that it ends
//! within the memory's reservation, by one compare with a constant: the
//! pages of the reservation past the memory's length fault as for a
//! 32-bit memory, so its current length need not be loaded.

use super::Emitter;
use crate::ir::*;
use crate::x64::analysis::BoundsCheck;
use crate::x64::masm::*;
use crate::x64::regs::*;
use tandem_vm::fault::MEMORY_RESERVATION;
use tandem_vm::offsets::{MEMORY_BASE, VMCTX_GLOBALS, VMCTX_MEMORIES};
use tandem_vm::TrapCode;

impl Emitter<'_> {
    /// The address `base + index + offset` of a memory access, with the
    /// offset folded into the displacement when it fits. Uses `rcx` and
    /// `rax` (an offset past 2^31, the check of a 64-bit memory), and `rdx`
    /// for a memory other than 0.
    pub(super) fn address(&mut self, m: MemArg, addr: Value) -> Mem {
        let memory64 = self.env.memory64(m.memory);
        if let Some(k) = self.imm(addr) {
            // A constant address in the first 2 GiB: the displacement. It
            // lies inside the reservation, so a 64-bit memory needs no
            // check either (the analysis folds a 32-bit memory's constant
            // only where it fits).
            let index = if memory64 { k } else { k as u32 as u64 };
            if let Some(d) = index
                .checked_add(m.offset)
                .filter(|&d| d <= i32::MAX as u64)
            {
                let base = self.memory_base(m.memory);
                return Mem::base(base, d as i32);
            }
        }
        let ra = match self.imm(addr) {
            Some(k) => {
                self.m.mov_imm64(RCX, k);
                RCX
            }
            None => self.gpr(addr, RCX),
        };
        if memory64 {
            let own = m.offset.checked_add(m.bytes.into());
            match self.inst.and_then(|i| self.bounds.get(&i)) {
                None => self.bounds_check(own, ra),
                Some(&BoundsCheck::Extent(e)) => self.bounds_check(Some(e), ra),
                Some(BoundsCheck::Covered) => {}
            }
        }
        let base = self.memory_base(m.memory);
        if m.offset <= i32::MAX as u64 {
            return Mem::indexed(base, ra, 1, m.offset as i32);
        }
        // The offset in a register: the index's copy, if that is `rcx`.
        let k = if ra == RCX { RAX } else { RCX };
        self.m.mov_imm64(k, m.offset);
        self.m.alu(Alu::Add, k, ra, Size::S64);
        Mem::indexed(base, k, 1, 0)
    }

    /// The register holding memory `index`'s base: [`HEAP`] for memory 0,
    /// else `rdx`, loaded from the context.
    fn memory_base(&mut self, index: u32) -> Gpr {
        if index == 0 {
            return HEAP;
        }
        self.m
            .load(RDX, Mem::base(VMCTX, VMCTX_MEMORIES), Size::S64);
        self.m
            .load(RDX, Mem::base(RDX, 8 * index as i32), Size::S64);
        self.m.load(RDX, Mem::base(RDX, MEMORY_BASE), Size::S64);
        RDX
    }

    /// Traps unless an access at 64-bit index `ra` spanning `extent`
    /// bytes from it (its offset and width; `None` past 2^64) ends within
    /// its memory's reservation: `ra + extent <= MEMORY_RESERVATION`,
    /// compared as `ra <= MEMORY_RESERVATION - extent` (in `rax`), which
    /// cannot wrap. An access past the memory's length but within the
    /// reservation faults at its trap site.
    fn bounds_check(&mut self, extent: Option<u64>, ra: Gpr) {
        let oob = self.m.trap_label(TrapCode::MemoryOutOfBounds);
        let limit = extent.and_then(|extent| (MEMORY_RESERVATION as u64).checked_sub(extent));
        let Some(limit) = limit else {
            self.m.jmp(oob);
            return;
        };
        self.m.mov_imm64(RAX, limit);
        self.m.alu(Alu::Cmp, ra, RAX, Size::S64);
        self.m.jcc(Cc::A, oob);
    }

    pub(super) fn load(&mut self, v: Value, m: MemArg, addr: Value) {
        let at = self.address(m, addr);
        let ty = self.f.ty(v);
        let size = access_size(m.bytes);
        if ty.is_float() {
            let d = self.dst_xmm(v);
            self.m.trap_site(TrapCode::MemoryOutOfBounds);
            self.m.load_float(d, at, size);
            self.store_xmm(v, d);
            return;
        }
        let d = self.dst_gpr(v);
        self.m.trap_site(TrapCode::MemoryOutOfBounds);
        self.m
            .load_extend(d, at, size, Size::of(ty.is_64()), m.signed);
        self.store_gpr(v, d);
    }

    pub(super) fn store(&mut self, m: MemArg, addr: Value, value: Value) {
        let size = access_size(m.bytes);
        if self.f.ty(value).is_float() {
            let x = self.xmm(value, XMM_SCRATCH[1]);
            let at = self.address(m, addr);
            self.m.trap_site(TrapCode::MemoryOutOfBounds);
            self.m.store_float(at, x, size);
            return;
        }
        if let Some(k) = self.imm(value) {
            let at = self.address(m, addr);
            self.m.trap_site(TrapCode::MemoryOutOfBounds);
            let k = match size {
                Size::S8 => k as u8 as i32,
                Size::S16 => k as u16 as i32,
                _ => k as i32,
            };
            self.m.store_imm(at, k, size);
            return;
        }
        let r = self.gpr(value, R11);
        let at = self.address(m, addr);
        self.m.trap_site(TrapCode::MemoryOutOfBounds);
        self.m.store(at, r, size);
    }

    /// The address of global `g`'s cell.
    pub(super) fn global_addr(&mut self, v: Value, g: u32) {
        let d = self.dst_gpr(v);
        self.m.load(d, Mem::base(VMCTX, VMCTX_GLOBALS), Size::S64);
        self.m.load(d, Mem::base(d, 8 * g as i32), Size::S64);
        self.store_gpr(v, d);
    }

    pub(super) fn global_get(&mut self, v: Value, addr: Value) {
        let ra = self.gpr(addr, RCX);
        // The whole cell: a 32-bit value's upper bits are zero there.
        if self.f.ty(v) == Ty::V128 {
            let d = self.dst_xmm(v);
            self.m.load_v128(d, Mem::base(ra, 0));
            self.store_xmm(v, d);
        } else if self.f.ty(v).is_float() {
            let d = self.dst_xmm(v);
            self.m.load_float(d, Mem::base(ra, 0), Size::S64);
            self.store_xmm(v, d);
        } else {
            let d = self.dst_gpr(v);
            self.m.load(d, Mem::base(ra, 0), Size::S64);
            self.store_gpr(v, d);
        }
    }

    pub(super) fn global_set(&mut self, addr: Value, value: Value) {
        let ra = self.gpr(addr, RCX);
        // The whole cell, an f32 zero-extended.
        let r = match self.f.ty(value) {
            ty @ (Ty::F32 | Ty::F64) => {
                let x = self.xmm(value, XMM_SCRATCH[1]);
                self.m.xmm_to_gpr(RAX, x, Size::of(ty.is_64()));
                RAX
            }
            Ty::V128 => {
                let x = self.xmm(value, XMM_SCRATCH[1]);
                self.m.store_v128(Mem::base(ra, 0), x);
                return;
            }
            _ => self.gpr(value, RAX),
        };
        self.m.store(Mem::base(ra, 0), r, Size::S64);
    }
}

/// The width of an access of `bytes`.
fn access_size(bytes: u8) -> Size {
    match bytes {
        1 => Size::S8,
        2 => Size::S16,
        4 => Size::S32,
        _ => Size::S64,
    }
}
