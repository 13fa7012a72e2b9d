//! Calls: to other Wasm functions under the native convention (direct, or
//! through a table after its checks), and to the runtime's builtins.

use super::Emitter;
use crate::builtins::{self, RuntimeFn};
use crate::ir::*;
use crate::x64::abi::{self, Place};
use crate::x64::masm::*;
use crate::x64::regs::*;
use tandem_vm::offsets::*;
use tandem_vm::vmctx::NO_TYPE;
use tandem_vm::TrapCode;

/// Where a call finds its callee's `VMFunc`.
#[derive(Clone, Copy)]
enum Source {
    /// Function `index` of the instance's entrypoint table.
    Entry(u32),
    /// Already loaded into the frame's callee slot (`call_indirect` and
    /// `call_ref`, whose checks need their operand before the arguments
    /// move).
    Slot,
    /// Function `index`, of the same instance, compiled into the same
    /// image: called at its local entry, with no record.
    Local(u32),
}

impl<'a> Emitter<'a> {
    /// A call under the native convention.
    pub(super) fn call(&mut self, callee: Callee, args: &[Value], results: &[Value]) {
        let (ty, args, mut source) = self.callee(callee, args);
        if let Source::Entry(func) = source {
            // Compiled into the same image, it is this code the table
            // holds, and calls to it go there directly.
            if self.in_image.binary_search(&func).is_ok() {
                source = Source::Local(func);
            }
        }
        let area = self.frame.out_ret_area();
        let stack = self.pass_args(ty, args, source, false);
        match source {
            Source::Local(func) => self.m.call_local(func),
            _ => self.m.call_mem(Mem::base(abi::CALLEE, FUNC_NATIVE_CALL)),
        }
        self.last_call = self.m.position();
        if stack > 0 {
            // The callee popped its stack arguments: the frame's bottom
            // back where it was.
            self.m.alu_imm(Alu::Sub, RSP, stack, Size::S64);
        }
        if results.len() > 1 {
            self.read_cells(area, results);
        } else if let Some(&r) = results.first() {
            if self.is_live(r) {
                let d = self.place(r);
                self.mov(abi::result_place(self.f.ty(r)), d);
            }
        }
    }

    /// A tail call (`return_call`, `return_call_indirect`,
    /// `return_call_ref`): the callee takes the frame's place, and its
    /// results are the function's.
    pub(super) fn return_call(&mut self, callee: Callee, args: &[Value]) {
        let (ty, args, source) = self.callee(callee, args);
        let stack = self.pass_args(ty, args, source, true);
        self.frame.tail_call(&mut self.m, stack);
    }

    /// The signature of a call's callee, the call's Wasm arguments, and
    /// where the callee is found, after the checks an indirect callee
    /// needs.
    fn callee<'v>(
        &mut self,
        callee: Callee,
        args: &'v [Value],
    ) -> (&'a wasmparser::FuncType, &'v [Value], Source) {
        let ty = callee.ty(self.env);
        match callee {
            Callee::Direct(func) => (ty, args, Source::Entry(func)),
            Callee::Indirect { ty: index, table } => {
                let (element, args) = args.split_last().expect("the element index");
                self.indirect_callee(index, table, *element);
                (ty, args, Source::Slot)
            }
            Callee::Ref { .. } => {
                let (reference, args) = args.split_last().expect("the reference");
                self.ref_callee(*reference);
                (ty, args, Source::Slot)
            }
        }
    }

    /// Moves a call's arguments into place (stack ones at the bottom of the
    /// frame), with the callee, the calling instance and, for a callee with
    /// 2+ results, the return area: the frame's own for a call, its
    /// caller's for a `tail` call. Returns the bytes of stack the arguments
    /// take.
    fn pass_args(
        &mut self,
        ty: &wasmparser::FuncType,
        args: &[Value],
        source: Source,
        tail: bool,
    ) -> i32 {
        let (params, n_results) = abi::signature(ty);
        let multi = n_results > 1;
        let (places, stack) = abi::arg_places(&params, multi);
        self.move_args(args, &places);
        if multi && tail {
            let slot = self.frame.ret_area_slot();
            self.m.load(abi::RET_AREA, slot, Size::S64);
        } else if multi {
            let area = Mem::base(RSP, self.frame.out_ret_area());
            self.m.lea(abi::RET_AREA, area, Size::S64);
        }
        // The arguments are in place, and none is in rdi or rsi.
        match source {
            Source::Entry(func) => {
                self.m
                    .load(abi::CALLEE, Mem::base(VMCTX, VMCTX_FUNCS), Size::S64);
                self.m.load(
                    abi::CALLEE,
                    Mem::base(abi::CALLEE, 8 * func as i32),
                    Size::S64,
                );
            }
            Source::Slot => self
                .m
                .load(abi::CALLEE, self.frame.callee_slot(), Size::S64),
            Source::Local(_) => {}
        }
        self.m.mov(abi::CALLER_VMCTX, VMCTX, Size::S64);
        abi::stack_area(stack)
    }

    /// Checks the element at `index` of `table` (in the table, set, of type
    /// index `ty` or a subtype of it) and keeps it in the frame's callee slot.
    fn indirect_callee(&mut self, ty: u32, table: u32, index: Value) {
        let r = self.gpr(index, RCX);
        let table64 = self.env.table64(table);
        let m = &mut self.m;
        m.mov(RCX, r, if table64 { Size::S64 } else { Size::S32 });
        m.load(RAX, Mem::base(VMCTX, VMCTX_TABLES), Size::S64);
        m.load(RAX, Mem::base(RAX, 8 * table as i32), Size::S64);
        if table64 {
            // A 64-bit index against the 32-bit length, zero-extended.
            m.load(RDX, Mem::base(RAX, TABLE_LEN), Size::S32);
            m.alu(Alu::Cmp, RCX, RDX, Size::S64);
        } else {
            m.cmp_load(RCX, Mem::base(RAX, TABLE_LEN), Size::S32);
        }
        let undefined = m.trap_label(TrapCode::UndefinedElement);
        m.jcc(Cc::Ae, undefined);
        m.load(RAX, Mem::base(RAX, TABLE_BASE), Size::S64);
        m.load(RAX, Mem::indexed(RAX, RCX, 8, 0), Size::S64);
        m.test(RAX, RAX, Size::S64);
        let uninit = m.trap_label(TrapCode::UninitializedElement);
        m.jcc(Cc::E, uninit);
        m.load(RCX, Mem::base(VMCTX, VMCTX_TYPE_IDS), Size::S64);
        m.load(RCX, Mem::base(RCX, 4 * ty as i32), Size::S32);
        m.cmp_load(RCX, Mem::base(RAX, FUNC_TYPE_ID), Size::S32);
        let mut typed = m.label();
        m.jcc(Cc::E, typed);
        // Another type: the function's may be a subtype of the expected
        // one, if the expected one is on its chain of supertypes.
        m.load(RDX, Mem::base(RAX, FUNC_SUPERTYPES), Size::S64);
        let mut next = m.label();
        m.bind(&mut next);
        m.cmp_load(RCX, Mem::base(RDX, 0), Size::S32);
        m.jcc(Cc::E, typed);
        m.cmp_mem_imm(Mem::base(RDX, 0), NO_TYPE as i32, Size::S32);
        let bad = m.trap_label(TrapCode::BadSignature);
        m.jcc(Cc::E, bad);
        m.alu_imm(Alu::Add, RDX, 4, Size::S64);
        m.jmp(next);
        m.bind(&mut typed);
        m.store(self.frame.callee_slot(), RAX, Size::S64);
    }

    /// Checks the function reference `reference` (not null) and keeps it
    /// in the frame's callee slot.
    fn ref_callee(&mut self, reference: Value) {
        let r = self.gpr(reference, RAX);
        let m = &mut self.m;
        m.test(r, r, Size::S64);
        let null = m.trap_label(TrapCode::NullFunctionReference);
        m.jcc(Cc::E, null);
        m.store(self.frame.callee_slot(), r, Size::S64);
    }

    /// A call to a runtime builtin: `fn(vmctx, imm_a, imm_b, x, y, z)`,
    /// returning a value in `rax` and a trap status in `rdx`.
    pub(super) fn builtin(&mut self, b: Builtin, args: &[Value], result: Option<Value>) {
        self.move_args(args, &abi::BUILTIN_OPERANDS);
        self.call_builtin(b);
        if builtins::may_trap(b) {
            self.m.test(RDX, RDX, Size::S64);
            let l = match self.builtin_trap {
                Some(l) => l,
                None => *self.builtin_trap.insert(self.m.label()),
            };
            self.m.jcc(Cc::Ne, l);
        }
        if let Some(v) = result {
            if self.is_live(v) {
                // Builtins return 64 bits (a 32-bit `memory.grow`'s -1
                // among them): an `i32` is the low half, zero-extended as
                // every `i32` in a register is.
                if self.f.ty(v) == Ty::I32 {
                    self.m.mov(RAX, RAX, Size::S32);
                }
                self.store_gpr(v, RAX);
            }
        }
    }

    /// Reads `results` from the 16-byte cells at `rsp + area` (a callee's
    /// return area, an exception's payload), through `rax` or `xmm15`.
    pub(super) fn read_cells(&mut self, area: i32, results: &[Value]) {
        for (i, &r) in results.iter().enumerate() {
            if !self.is_live(r) {
                continue;
            }
            let src = Place::mem(self.f.ty(r), RSP, area + 16 * i as i32);
            let tmp = if self.f.ty(r).in_xmm() {
                Place::Xmm(XMM_SCRATCH[1])
            } else {
                Place::Gpr(RAX)
            };
            self.mov(src, tmp);
            let d = self.place(r);
            self.mov(tmp, d);
        }
    }

    /// Calls builtin `b`, its operands in place.
    pub(super) fn call_builtin(&mut self, b: Builtin) {
        let (func, imm_a, imm_b) = builtins::entry(b);
        let [vmctx, first, second] = abi::BUILTIN_CONTEXT;
        self.m.mov(vmctx, VMCTX, Size::S64);
        self.m.mov_imm64(first, imm_a as u64);
        self.m.mov_imm64(second, imm_b as u64);
        self.m.call_fn(func);
    }

    /// Moves `args` into `places`, all at once.
    fn move_args(&mut self, args: &[Value], places: &[Place]) {
        let moves = args
            .iter()
            .zip(places)
            .map(|(&a, &p)| (self.place(a), p))
            .collect();
        self.parallel_move(moves);
    }

    /// Where builtins that returned a trap status (in `rdx`) go: the trap
    /// continues through the compiled frames.
    pub(super) fn builtin_trap_path(&mut self) {
        let Some(mut label) = self.builtin_trap else {
            return;
        };
        self.m.bind(&mut label);
        self.unwind(RDX, RuntimeFn::TrapInCompiledCode);
    }
}
