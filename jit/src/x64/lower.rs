//! Instruction selection and emission: walks the blocks in layout order and
//! turns each IR instruction into x86-64 through [`Masm`], reading
//! operands from the locations the register allocator chose.
//!
//! Frame layout (see also [`tandem_vm::unwind`]):
//!
//! ```text
//! [rbp + 16 + 8k]  stack parameter k
//! [rbp + 8]        return address
//! [rbp]            caller's rbp
//! [rbp - 8]        VMContext
//! [rbp - 16 ...]   the callee-saved registers the function uses (r15 and,
//!                  with a memory, r14 always), `saved` of them
//! then             the callee of the call being made,
//!                  the caller's return area (functions with 2+ results),
//!                  spill slots
//! [rsp + 8k]       outgoing stack argument k, then the callees' return area
//! ```
//!
//! `r15` holds the VMContext and `r14` memory 0's base for the whole
//! function (the base never moves); `rax`, `rcx`, `rdx`, `r11`, `xmm14` and
//! `xmm15` are scratch.

use super::masm::*;
use super::regalloc::{self, Loc};
use crate::builtins;
use crate::ir::*;
use iced_x86::code_asm::*;
use tandem_vm::offsets::*;
use tandem_vm::{ModuleEnv, TrapCode};

/// Where an argument or parameter goes under the native convention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Gpr(Gpr),
    Xmm(Xmm),
    Mem(Gpr, i32),
}

/// Integer argument registers after the two contexts.
const INT_ARGS: [Gpr; 4] = [RDX, RCX, R8, R9];

/// The native convention's place of each parameter (stack ones as their
/// index among stack arguments, `Mem(RSP, 8k)`), and how many go on the
/// stack.
pub fn arg_places(params: &[Ty], multi_result: bool) -> (Vec<Place>, u32) {
    let ints: &[Gpr] = if multi_result {
        &INT_ARGS[1..]
    } else {
        &INT_ARGS
    };
    let (mut ni, mut nf, mut ns) = (0, 0, 0u32);
    let places = params
        .iter()
        .map(|t| {
            if t.is_float() && nf < 8 {
                nf += 1;
                Place::Xmm(Xmm(nf as u8 - 1))
            } else if !t.is_float() && ni < ints.len() {
                ni += 1;
                Place::Gpr(ints[ni - 1])
            } else {
                ns += 1;
                Place::Mem(RSP, 8 * (ns as i32 - 1))
            }
        })
        .collect();
    (places, ns)
}

/// Machine code for one function, at offset 0.
pub fn compile(f: &Function, env: &ModuleEnv) -> Assembled {
    let order = layout(f);
    let mut folded = fold_conditions(f, &order);
    inline_constants(f, &order, &mut folded);
    let numbering = regalloc::number(f, &order);
    let alloc = regalloc::allocate(f, &order, &numbering, &folded);
    let mut m = Masm::new();
    let labels = (0..f.blocks.len()).map(|_| m.label()).collect();
    let mut g = Gen {
        f,
        env,
        m,
        locs: alloc.locs,
        labels,
        folded,
        builtin_trap: None,
        epoch_checks: Vec::new(),
        near_check: None,
        epoch_shared: None,
        dest: Vec::new(),
        out_ret_area: 0,
        zf_of: None,
        saved: Vec::new(),
    };
    g.function(&order, alloc.slots);
    g.m.finish()
}

/// Blocks reachable from the entry in reverse postorder, with each block's
/// first target right after it where possible (the fall-through of a
/// branch, a loop body after its header). Every block comes after its
/// dominators, so a value's definition precedes its uses in the layout
/// and live intervals stay tight (the function's exit comes last, not
/// right after the entry where Wasm creates it).
fn layout(f: &Function) -> Vec<Block> {
    let mut visited = vec![false; f.blocks.len()];
    let mut post = Vec::with_capacity(f.blocks.len());
    // (block, index of the next target to visit, counting down).
    let mut stack = vec![(Block(0), f.block(Block(0)).term.targets().len())];
    visited[0] = true;
    while let Some(&mut (b, ref mut next)) = stack.last_mut() {
        if *next == 0 {
            post.push(b);
            stack.pop();
            continue;
        }
        *next -= 1;
        let t = f.block(b).term.targets()[*next].block;
        if !visited[t.0 as usize] {
            visited[t.0 as usize] = true;
            stack.push((t, f.block(t).term.targets().len()));
        }
    }
    post.reverse();
    post
}

/// Integer comparisons (and `eqz`) whose only use is the branch that ends
/// their block right after them: they set the flags for the branch and
/// are never materialised (compare+branch fusion).
fn fold_conditions(f: &Function, order: &[Block]) -> Vec<bool> {
    let mut uses = vec![0u32; f.types.len()];
    for &b in order {
        for &i in &f.block(b).insts {
            f.inst(i).kind.for_each_arg(|a| uses[a.0 as usize] += 1);
        }
        f.block(b).term.for_each_arg(|a| uses[a.0 as usize] += 1);
    }
    let mut folded = vec![false; f.types.len()];
    for &b in order {
        let block = f.block(b);
        let (Terminator::Branch(c, _), Some(&last)) = (&block.term, block.insts.last()) else {
            continue;
        };
        let inst = f.inst(last);
        if inst.first_result() != Some(*c) || uses[c.0 as usize] != 1 {
            continue;
        }
        let fusable = match inst.kind {
            InstKind::Cmp(op, a, _) => {
                !f.ty(a).is_float()
                    && !matches!(op, CmpOp::FLt | CmpOp::FGt | CmpOp::FLe | CmpOp::FGe)
            }
            InstKind::Un(UnOp::Eqz, a) => !f.ty(a).is_float(),
            _ => false,
        };
        folded[c.0 as usize] = fusable;
    }
    folded
}

fn fits_i32(bits: u64) -> bool {
    bits as i64 >= i32::MIN as i64 && bits as i64 <= i32::MAX as i64
}

/// Whether operand `k` of `inst`, the integer constant `bits`, can be an
/// immediate of the instruction the backend emits for it.
fn takes_immediate(f: &Function, inst: &InstKind, k: usize, bits: u64) -> bool {
    match *inst {
        InstKind::Bin(op, a, _) if k == 1 && !f.ty(a).is_float() => {
            let wide = f.ty(a).is_64();
            matches!(
                op,
                BinOp::Add
                    | BinOp::Sub
                    | BinOp::Mul
                    | BinOp::And
                    | BinOp::Or
                    | BinOp::Xor
                    | BinOp::Shl
                    | BinOp::ShrS
                    | BinOp::ShrU
                    | BinOp::Rotl
                    | BinOp::Rotr
            ) && (!wide || fits_i32(bits))
        }
        InstKind::Cmp(_, a, _) if k == 1 && !f.ty(a).is_float() => {
            !f.ty(a).is_64() || fits_i32(bits)
        }
        InstKind::Store(m, _, v) if k == 1 && !f.ty(v).is_float() => m.bytes < 8 || fits_i32(bits),
        InstKind::Load(m, _) | InstKind::Store(m, ..) if k == 0 => {
            (bits as u32 as u64).saturating_add(m.offset) <= i32::MAX as u64
        }
        _ => false,
    }
}

/// Integer constants every use of which takes them as an immediate: they
/// are never materialised in a register (marked in `folded`).
fn inline_constants(f: &Function, order: &[Block], folded: &mut [bool]) {
    let mut ok = vec![false; f.types.len()];
    for &b in order {
        for &i in &f.block(b).insts {
            if let (InstKind::Const(_), Some(r)) = (&f.inst(i).kind, f.inst(i).first_result()) {
                ok[r.0 as usize] = !f.ty(r).is_float();
            }
        }
    }
    let bits_of = |v: Value| match f.defs[v.0 as usize] {
        Def::Result(i, _) => match f.inst(i).kind {
            InstKind::Const(bits) => Some(bits),
            _ => None,
        },
        Def::Param(..) => None,
    };
    for &b in order {
        for &i in &f.block(b).insts {
            let kind = &f.inst(i).kind;
            let mut k = 0;
            kind.for_each_arg(|v| {
                if ok[v.0 as usize] {
                    let bits = bits_of(v).expect("a constant");
                    if !takes_immediate(f, kind, k, bits) {
                        ok[v.0 as usize] = false;
                    }
                }
                k += 1;
            });
        }
        f.block(b).term.for_each_arg(|v| ok[v.0 as usize] = false);
    }
    for (v, ok) in ok.into_iter().enumerate() {
        if ok {
            folded[v] = true;
        }
    }
}

/// Where a call finds its callee's `VMFunc`.
#[derive(Clone, Copy)]
enum Callee {
    /// Function `index` of the instance's entrypoint table.
    Direct(u32),
    /// Already loaded into the frame's callee slot (`call_indirect`, whose
    /// checks need the element index before the arguments move).
    InSlot,
}

/// A condition code, for `jcc` and `setcc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cc {
    E,
    Ne,
    L,
    B,
    G,
    A,
    Le,
    Be,
    Ge,
    Ae,
}

impl Cc {
    fn not(self) -> Cc {
        use Cc::*;
        match self {
            E => Ne,
            Ne => E,
            L => Ge,
            Ge => L,
            B => Ae,
            Ae => B,
            G => Le,
            Le => G,
            A => Be,
            Be => A,
        }
    }

    fn of(op: CmpOp) -> Cc {
        match op {
            CmpOp::Eq => Cc::E,
            CmpOp::Ne => Cc::Ne,
            CmpOp::LtS => Cc::L,
            CmpOp::LtU => Cc::B,
            CmpOp::GtS => Cc::G,
            CmpOp::GtU => Cc::A,
            CmpOp::LeS => Cc::Le,
            CmpOp::LeU => Cc::Be,
            CmpOp::GeS => Cc::Ge,
            CmpOp::GeU => Cc::Ae,
            _ => unreachable!("float comparisons have their own sequences"),
        }
    }
}

struct Gen<'a> {
    f: &'a Function,
    env: &'a ModuleEnv,
    m: Masm,
    locs: Vec<Loc>,
    labels: Vec<CodeLabel>,
    folded: Vec<bool>,
    /// Where a builtin that returned a trap status goes (made on first use).
    builtin_trap: Option<CodeLabel>,
    /// Per epoch check whose slow path starts at the end, where that
    /// starts and where it goes back.
    epoch_checks: Vec<(CodeLabel, CodeLabel)>,
    /// The slow path of the epoch check the block being emitted starts
    /// with, emitted just before it (see `starts_with_check`), and where
    /// it goes back.
    near_check: Option<(CodeLabel, CodeLabel)>,
    /// The slow path every epoch check of the function goes through.
    epoch_shared: Option<CodeLabel>,
    /// The callee-saved registers the prologue saves, in push order.
    saved: Vec<Gpr>,
    /// Where a jump to each block goes (itself, or past empty blocks).
    dest: Vec<Block>,
    /// Offset from `rsp` of the return area for callees with 2+ results.
    out_ret_area: i32,
    /// A value whose register the last instruction emitted computed with
    /// an ALU operation, and the assembler's length then: while nothing
    /// else has been emitted, the zero flag says whether the value is 0.
    zf_of: Option<(Value, usize)>,
}

fn mem(base: Gpr, disp: i32) -> AsmMemoryOperand {
    base.q() + disp
}

impl Gen<'_> {
    fn a(&mut self) -> &mut CodeAssembler {
        &mut self.m.a
    }

    /// Bytes the prologue pushes below `rbp` (the VMContext and the saved
    /// registers).
    fn pushed(&self) -> i32 {
        8 + 8 * self.saved.len() as i32
    }

    fn callee_slot(&self) -> i32 {
        -self.pushed() - 8
    }

    fn ret_area_slot(&self) -> i32 {
        -self.pushed() - 16
    }

    fn slot(&self, n: u32) -> Place {
        Place::Mem(RBP, -self.pushed() - 24 - 8 * n as i32)
    }

    fn place(&self, v: Value) -> Place {
        match self.locs[v.0 as usize] {
            Loc::Gpr(r) => Place::Gpr(r),
            Loc::Xmm(x) => Place::Xmm(x),
            Loc::Slot(n) => self.slot(n),
            Loc::None => unreachable!("value {v:?} has no location"),
        }
    }

    // --- moves ---

    fn mov(&mut self, src: Place, dst: Place) {
        if src == dst {
            return;
        }
        let a = &mut self.m.a;
        match (src, dst) {
            (Place::Gpr(s), Place::Gpr(d)) => ok(a.mov(d.q(), s.q())),
            (Place::Gpr(s), Place::Mem(b, o)) => ok(a.mov(qword_ptr(mem(b, o)), s.q())),
            (Place::Mem(b, o), Place::Gpr(d)) => ok(a.mov(d.q(), qword_ptr(mem(b, o)))),
            (Place::Xmm(s), Place::Xmm(d)) => ok(a.movaps(d.x(), s.x())),
            (Place::Xmm(s), Place::Mem(b, o)) => ok(a.movsd_2(qword_ptr(mem(b, o)), s.x())),
            (Place::Mem(b, o), Place::Xmm(d)) => ok(a.movsd_2(d.x(), qword_ptr(mem(b, o)))),
            (Place::Mem(sb, so), Place::Mem(db, dof)) => {
                ok(a.mov(rax, qword_ptr(mem(sb, so))));
                ok(a.mov(qword_ptr(mem(db, dof)), rax));
            }
            (Place::Gpr(s), Place::Xmm(d)) => ok(a.movq(d.x(), s.q())),
            (Place::Xmm(s), Place::Gpr(d)) => ok(a.movq(d.q(), s.x())),
        }
    }

    /// Moves several values at once (no destination is read after it is
    /// written): ready moves first, cycles broken through `r11`/`xmm15`.
    fn parallel_move(&mut self, moves: Vec<(Place, Place)>) {
        let mut pending: Vec<(Place, Place)> = moves.into_iter().filter(|(s, d)| s != d).collect();
        while !pending.is_empty() {
            let ready =
                (0..pending.len()).find(|&i| !pending.iter().any(|&(s, _)| s == pending[i].1));
            match ready {
                Some(i) => {
                    let (s, d) = pending.remove(i);
                    self.mov(s, d);
                }
                None => {
                    let (s, _) = pending[0];
                    let temp = match s {
                        Place::Xmm(_) => Place::Xmm(Xmm(15)),
                        _ => Place::Gpr(R11),
                    };
                    self.mov(s, temp);
                    for p in &mut pending {
                        if p.0 == s {
                            p.0 = temp;
                        }
                    }
                }
            }
        }
    }

    /// The constant `v` is, if it is an immediate of its uses (never in a
    /// register).
    fn imm(&self, v: Value) -> Option<u64> {
        if !self.folded[v.0 as usize] {
            return None;
        }
        match self.f.defs[v.0 as usize] {
            Def::Result(i, _) => match self.f.inst(i).kind {
                InstKind::Const(bits) => Some(bits),
                _ => None,
            },
            Def::Param(..) => None,
        }
    }

    /// The register holding integer `v` (loaded into `scratch` if spilled).
    fn gpr(&mut self, v: Value, scratch: Gpr) -> Gpr {
        match self.place(v) {
            Place::Gpr(r) => r,
            p => {
                self.mov(p, Place::Gpr(scratch));
                scratch
            }
        }
    }

    fn xmm(&mut self, v: Value, scratch: Xmm) -> Xmm {
        match self.place(v) {
            Place::Xmm(x) => x,
            p => {
                self.mov(p, Place::Xmm(scratch));
                scratch
            }
        }
    }

    /// The register to compute integer result `v` in (`rax` if spilled);
    /// [`Self::store`] puts it in place afterwards.
    fn dst_gpr(&self, v: Value) -> Gpr {
        match self.place(v) {
            Place::Gpr(r) => r,
            _ => RAX,
        }
    }

    fn dst_xmm(&self, v: Value) -> Xmm {
        match self.place(v) {
            Place::Xmm(x) => x,
            _ => Xmm(14),
        }
    }

    fn store_gpr(&mut self, v: Value, r: Gpr) {
        let p = self.place(v);
        self.mov(Place::Gpr(r), p);
    }

    fn store_xmm(&mut self, v: Value, x: Xmm) {
        let p = self.place(v);
        self.mov(Place::Xmm(x), p);
    }

    /// `d = a` for integers, 32- or 64-bit.
    fn copy_gpr(&mut self, d: Gpr, s: Gpr) {
        if d != s {
            ok(self.a().mov(d.q(), s.q()));
        }
    }

    // --- the function ---

    fn function(&mut self, order: &[Block], slots: u32) {
        let f = self.f;
        // The outgoing area: stack arguments, then a return area.
        let (mut out_args, mut out_rets) = (0u32, 0u32);
        for inst in &f.insts {
            let (params, results) = match &inst.kind {
                InstKind::Call(func, _) => {
                    let ty = self.env.func_type(*func);
                    (ty.params().to_vec(), ty.results().len())
                }
                InstKind::CallIndirect { ty, .. } => {
                    let ty = &self.env.types[*ty as usize];
                    (ty.params().to_vec(), ty.results().len())
                }
                _ => continue,
            };
            let params: Vec<Ty> = params
                .iter()
                .map(|&t| Ty::of(t).expect("no v128"))
                .collect();
            let (_, stack) = arg_places(&params, results > 1);
            out_args = out_args.max(stack);
            if results > 1 {
                out_rets = out_rets.max(results as u32);
            }
        }
        self.out_ret_area = (8 * out_args as i32 + 15) & !15;
        for r in [RBX, R12, R13] {
            if self.locs.contains(&Loc::Gpr(r)) {
                self.saved.push(r);
            }
        }
        if !self.env.memories.is_empty() {
            self.saved.push(R14);
        }
        self.saved.push(R15);
        let below =
            self.pushed() + 24 + 8 * slots as i32 + self.out_ret_area + 16 * out_rets as i32;
        let below = (below + 15) & !15;

        // Prologue.
        let (pushed, ret_area) = (self.pushed(), self.ret_area_slot());
        let a = &mut self.m.a;
        ok(a.push(rbp));
        ok(a.mov(rbp, rsp));
        ok(a.mov(rax, qword_ptr(rdi + FUNC_VMCTX)));
        ok(a.push(rax));
        for r in &self.saved {
            ok(a.push(r.q()));
        }
        ok(a.mov(r15, rax));
        ok(a.sub(rsp, below - pushed));
        ok(a.mov(rax, qword_ptr(r15 + VMCTX_STORE)));
        ok(a.cmp(rsp, qword_ptr(rax + STORE_STACK_LIMIT)));
        let overflow = self.m.trap_label(TrapCode::StackOverflow);
        ok(self.m.a.jb(overflow));
        let a = &mut self.m.a;
        if !self.env.memories.is_empty() {
            ok(a.mov(r14, qword_ptr(r15 + VMCTX_MEMORY0)));
            ok(a.mov(r14, qword_ptr(r14 + MEMORY_BASE)));
        }
        let multi = f.results.len() > 1;
        if multi {
            ok(a.mov(qword_ptr(rbp + ret_area), rdx));
        }
        let entry = f.block(Block(0));
        let tys: Vec<Ty> = entry.params.iter().map(|&p| f.ty(p)).collect();
        let (places, _) = arg_places(&tys, multi);
        let moves = entry
            .params
            .iter()
            .zip(places)
            .filter(|(p, _)| self.locs[p.0 as usize] != Loc::None)
            .map(|(&p, place)| {
                let src = match place {
                    Place::Mem(_, o) => Place::Mem(RBP, 16 + o),
                    other => other,
                };
                (src, self.place(p))
            })
            .collect();
        self.parallel_move(moves);

        // Jump threading: an empty block that only jumps on, moving
        // nothing, is never emitted; jumps to it go where it goes.
        self.dest = (0..f.blocks.len() as u32).map(Block).collect();
        for &b in order {
            if let (true, Terminator::Jump(t)) = (f.block(b).insts.is_empty(), &f.block(b).term) {
                if self.moves_of(t).is_empty() {
                    self.dest[b.0 as usize] = t.block;
                }
            }
        }
        for &b in order {
            // Follow the chain; a cycle of empty blocks (an empty infinite
            // loop) keeps its first block.
            let (mut d, mut steps) = (b, 0);
            while self.dest[d.0 as usize] != d && steps < order.len() {
                d = self.dest[d.0 as usize];
                steps += 1;
            }
            self.dest[b.0 as usize] = if steps == order.len() { b } else { d };
        }
        let emitted: Vec<Block> = order
            .iter()
            .copied()
            .filter(|&b| self.dest[b.0 as usize] == b)
            .collect();
        if emitted.first() != Some(&self.dest[0]) {
            let l = self.label_of(Block(0));
            ok(self.a().jmp(l));
        }
        // A block after the first that starts with an epoch check (a loop
        // header) has the check's slow path just before it, which nothing
        // falls into: the check's branch to it is short, so the loop
        // carries 7 bytes for it, not 11.
        let starts_with_check = |b: Block| {
            let first = f.block(b).insts.first();
            first.is_some_and(|&i| f.inst(i).kind == InstKind::CheckEpoch)
        };
        for (k, &b) in emitted.iter().enumerate() {
            if k > 0 && starts_with_check(b) {
                let (mut slow, back) = (self.m.label(), self.m.label());
                self.m.bind(&mut slow);
                self.epoch_slow_path(back);
                self.near_check = Some((slow, back));
            }
            let mut label = self.labels[b.0 as usize];
            self.m.bind(&mut label);
            self.labels[b.0 as usize] = label;
            for &i in &f.block(b).insts {
                self.inst(i);
            }
            let next = emitted.get(k + 1).copied();
            self.terminator(b, next.filter(|&n| !starts_with_check(n)));
        }

        self.epoch_slow_paths();

        // A builtin returned a trap status in rdx.
        let Some(mut label) = self.builtin_trap else {
            return;
        };
        self.m.bind(&mut label);
        let unwinder = tandem_vm::unwind::trap_in_compiled_code;
        self.unwind(edx, "trap_in_compiled_code", unwinder as *const () as u64);
    }

    /// Leaves the function for the innermost landing, calling `unwinder`
    /// (`fn(status, pc, fp) -> !`) with the trap status in `status`.
    fn unwind(&mut self, status: AsmRegister32, name: &'static str, unwinder: u64) {
        let a = &mut self.m.a;
        ok(a.mov(edi, status));
        let mut here = a.create_label();
        ok(a.set_label(&mut here));
        ok(a.lea(rsi, ptr(here)));
        ok(a.mov(rdx, rbp));
        ok(a.and(rsp, -16));
        self.m.call_fn(name, unwinder);
    }

    fn epilogue(&mut self) {
        let pushed = self.pushed();
        let a = &mut self.m.a;
        ok(a.lea(rsp, qword_ptr(rbp - pushed)));
        for r in self.saved.iter().rev() {
            ok(a.pop(r.q()));
        }
        ok(a.leave());
        ok(a.ret());
    }

    /// The label a jump to `b` goes to (past empty forwarding blocks).
    fn label_of(&self, b: Block) -> CodeLabel {
        self.labels[self.dest[b.0 as usize].0 as usize]
    }

    /// Whether a jump to `b` would go to `next`, the block emitted next.
    fn falls_into(&self, b: Block, next: Option<Block>) -> bool {
        Some(self.dest[b.0 as usize]) == next
    }

    fn jump_to(&mut self, t: &Target, next: Option<Block>) {
        let moves = self.moves_of(t);
        self.parallel_move(moves);
        if !self.falls_into(t.block, next) {
            let l = self.label_of(t.block);
            ok(self.a().jmp(l));
        }
    }

    /// The moves an edge makes: its arguments into the target's parameters
    /// (none where they share a location).
    fn moves_of(&self, t: &Target) -> Vec<(Place, Place)> {
        let params = &self.f.block(t.block).params;
        t.args
            .iter()
            .zip(params)
            .filter(|(_, p)| self.locs[p.0 as usize] != Loc::None)
            .map(|(&a, &p)| (self.place(a), self.place(p)))
            .filter(|(s, d)| s != d)
            .collect()
    }

    fn terminator(&mut self, b: Block, next: Option<Block>) {
        let f = self.f;
        match &f.block(b).term {
            Terminator::Jump(t) => self.jump_to(t, next),
            Terminator::Branch(c, [t, e]) => {
                let cc = self.condition(*c);
                if self.moves_of(t).is_empty() && self.moves_of(e).is_empty() {
                    let lt = self.label_of(t.block);
                    if self.falls_into(t.block, next) {
                        let le = self.label_of(e.block);
                        self.jcc(cc.not(), le);
                    } else {
                        self.jcc(cc, lt);
                        self.jump_to(e, next);
                    }
                } else {
                    let mut other = self.m.label();
                    self.jcc(cc.not(), other);
                    self.jump_to(t, None);
                    self.m.bind(&mut other);
                    self.jump_to(e, next);
                }
            }
            Terminator::Table(index, targets) => {
                let r = self.gpr(*index, RAX);
                ok(self.a().mov(eax, r.d()));
                let n = targets.len() - 1;
                let mut stubs = Vec::new();
                let mut labels = Vec::new();
                for t in targets {
                    if self.moves_of(t).is_empty() {
                        labels.push(self.label_of(t.block));
                    } else {
                        let l = self.m.label();
                        labels.push(l);
                        stubs.push((l, t));
                    }
                }
                ok(self.a().cmp(eax, n as i32));
                ok(self.a().jae(labels[n]));
                self.table_search(&labels[..n], 0);
                for (mut l, t) in stubs {
                    self.m.bind(&mut l);
                    self.jump_to(t, None);
                }
            }
            Terminator::Return(values) => {
                let f = self.f;
                if f.results.len() > 1 {
                    // Each result into its 16-byte cell, through rcx (rax
                    // holds the area), f32 zero-extended as a ValRaw is.
                    let area = self.ret_area_slot();
                    ok(self.a().mov(rax, qword_ptr(rbp + area)));
                    for (i, &v) in values.iter().enumerate() {
                        match f.ty(v) {
                            Ty::F32 => {
                                let x = self.xmm(v, Xmm(15));
                                ok(self.a().movd(ecx, x.x()));
                            }
                            Ty::F64 => {
                                let x = self.xmm(v, Xmm(15));
                                ok(self.a().movq(rcx, x.x()));
                            }
                            _ => {
                                let r = self.gpr(v, RCX);
                                self.copy_gpr(RCX, r);
                            }
                        }
                        ok(self.a().mov(qword_ptr(rax + 16 * i as i32), rcx));
                    }
                } else if let Some(&v) = values.first() {
                    let dst = if f.ty(v).is_float() {
                        Place::Xmm(Xmm(0))
                    } else {
                        Place::Gpr(RAX)
                    };
                    let src = self.place(v);
                    self.mov(src, dst);
                }
                self.epilogue();
            }
            Terminator::Trap(code) => {
                let l = self.m.trap_label(*code);
                ok(self.a().jmp(l));
            }
        }
    }

    /// Binary search over `labels` (the non-default targets) for the index
    /// in `eax`, which is below `labels.len()`; `base` is the first one's
    /// index.
    fn table_search(&mut self, labels: &[CodeLabel], base: usize) {
        if labels.len() <= 3 {
            for (i, &l) in labels.iter().enumerate() {
                if i + 1 == labels.len() {
                    ok(self.a().jmp(l));
                } else {
                    ok(self.a().cmp(eax, (base + i) as i32));
                    ok(self.a().je(l));
                }
            }
            return;
        }
        let mid = labels.len() / 2;
        let mut right = self.m.label();
        ok(self.a().cmp(eax, (base + mid) as i32));
        ok(self.a().jae(right));
        self.table_search(&labels[..mid], base);
        self.m.bind(&mut right);
        self.table_search(&labels[mid..], base + mid);
    }

    fn jcc(&mut self, cc: Cc, l: CodeLabel) {
        let a = &mut self.m.a;
        ok(match cc {
            Cc::E => a.je(l),
            Cc::Ne => a.jne(l),
            Cc::L => a.jl(l),
            Cc::B => a.jb(l),
            Cc::G => a.jg(l),
            Cc::A => a.ja(l),
            Cc::Le => a.jle(l),
            Cc::Be => a.jbe(l),
            Cc::Ge => a.jge(l),
            Cc::Ae => a.jae(l),
        })
    }

    fn setcc(&mut self, cc: Cc, r: Gpr) {
        let a = &mut self.m.a;
        let b = r.b();
        ok(match cc {
            Cc::E => a.sete(b),
            Cc::Ne => a.setne(b),
            Cc::L => a.setl(b),
            Cc::B => a.setb(b),
            Cc::G => a.setg(b),
            Cc::A => a.seta(b),
            Cc::Le => a.setle(b),
            Cc::Be => a.setbe(b),
            Cc::Ge => a.setge(b),
            Cc::Ae => a.setae(b),
        })
    }

    /// Sets the flags for branching on `c` and says which condition means
    /// "non-zero".
    fn condition(&mut self, c: Value) -> Cc {
        if self.folded[c.0 as usize] {
            let Def::Result(i, _) = self.f.defs[c.0 as usize] else {
                unreachable!()
            };
            let f = self.f;
            match f.inst(i).kind {
                InstKind::Cmp(op @ (CmpOp::Eq | CmpOp::Ne), a, b)
                    if self.imm(b) == Some(0) && self.zf_holds(a) =>
                {
                    return Cc::of(op);
                }
                InstKind::Cmp(op, a, b) => {
                    self.int_compare(a, b);
                    return Cc::of(op);
                }
                InstKind::Un(UnOp::Eqz, a) if self.zf_holds(a) => return Cc::E,
                InstKind::Un(UnOp::Eqz, a) => {
                    let r = self.gpr(a, R11);
                    let w = self.f.ty(a).is_64();
                    self.test(r, w);
                    return Cc::E;
                }
                _ => unreachable!("only comparisons are folded"),
            }
        }
        if self.zf_holds(c) {
            return Cc::Ne;
        }
        let r = self.gpr(c, R11);
        self.test(r, false);
        Cc::Ne
    }

    /// Notes that the instruction just emitted (`add`, `sub`, `and`, `or`
    /// or `xor`, then perhaps a spill store, which leaves the flags alone)
    /// set the zero flag from `v`.
    fn note_zf(&mut self, v: Value) {
        self.zf_of = Some((v, self.m.a.instructions().len()));
    }

    fn zf_holds(&self, v: Value) -> bool {
        self.zf_of == Some((v, self.m.a.instructions().len()))
    }

    fn test(&mut self, r: Gpr, wide: bool) {
        if wide {
            ok(self.a().test(r.q(), r.q()));
        } else {
            ok(self.a().test(r.d(), r.d()));
        }
    }

    fn int_compare(&mut self, a: Value, b: Value) {
        let wide = self.f.ty(a).is_64();
        let ra = self.gpr(a, R11);
        if let Some(k) = self.imm(b) {
            ok(if wide {
                self.a().cmp(ra.q(), k as i32)
            } else {
                self.a().cmp(ra.d(), k as u32 as i32)
            });
            return;
        }
        let rb = self.gpr(b, RCX);
        if wide {
            ok(self.a().cmp(ra.q(), rb.q()));
        } else {
            ok(self.a().cmp(ra.d(), rb.d()));
        }
    }

    // --- instructions ---

    fn inst(&mut self, i: Inst) {
        let f = self.f;
        let data = f.inst(i);
        if data.results().any(|r| self.folded[r.0 as usize]) {
            return;
        }
        let results = || data.results().collect::<Vec<Value>>();
        let r0 = data.first_result();
        match data.kind {
            InstKind::Nop => {}
            InstKind::Const(bits) => {
                let v = r0.expect("a constant has a result");
                if self.f.ty(v).is_float() {
                    let d = self.dst_xmm(v);
                    if bits == 0 {
                        ok(self.a().xorps(d.x(), d.x()));
                    } else {
                        ok(self.a().mov(rax, bits));
                        ok(self.a().movq(d.x(), rax));
                    }
                    self.store_xmm(v, d);
                } else {
                    let d = self.dst_gpr(v);
                    self.load_const(d, bits);
                    self.store_gpr(v, d);
                }
            }
            InstKind::Bin(op, a, b) => {
                let v = r0.expect("result");
                match self.f.ty(v) {
                    Ty::I32 | Ty::I64 => self.int_bin(op, v, a, b),
                    _ => self.float_bin(op, v, a, b),
                }
            }
            InstKind::Un(op, a) => self.unary(op, r0.expect("result"), a),
            InstKind::Cmp(op, a, b) => {
                let v = r0.expect("result");
                if self.f.ty(a).is_float() {
                    self.float_compare(op, v, a, b);
                } else {
                    self.int_compare(a, b);
                    ok(self.a().mov(eax, 0));
                    self.setcc(Cc::of(op), RAX);
                    let d = self.dst_gpr(v);
                    ok(self.a().mov(d.d(), eax));
                    self.store_gpr(v, d);
                }
            }
            InstKind::Select(c, a, b) => self.select(r0.expect("result"), c, a, b),
            InstKind::Load(m, addr) => self.load(r0.expect("result"), m, addr),
            InstKind::Store(m, addr, value) => self.store(m, addr, value),
            InstKind::GlobalAddr(g) => {
                let v = r0.expect("result");
                let d = self.dst_gpr(v);
                ok(self.a().mov(d.q(), qword_ptr(r15 + VMCTX_GLOBALS)));
                ok(self.a().mov(d.q(), qword_ptr(d.q() + 8 * g as i32)));
                self.store_gpr(v, d);
            }
            InstKind::GlobalGet(addr) => {
                let v = r0.expect("result");
                let ra = self.gpr(addr, RCX);
                // The whole cell: a 32-bit value's upper bits are zero there.
                if self.f.ty(v).is_float() {
                    let d = self.dst_xmm(v);
                    ok(self.a().movsd_2(d.x(), qword_ptr(ra.q())));
                    self.store_xmm(v, d);
                } else {
                    let d = self.dst_gpr(v);
                    ok(self.a().mov(d.q(), qword_ptr(ra.q())));
                    self.store_gpr(v, d);
                }
            }
            InstKind::GlobalSet(addr, value) => {
                let ra = self.gpr(addr, RCX);
                let r = match self.f.ty(value) {
                    // The whole cell, an f32 zero-extended.
                    Ty::F32 => {
                        let x = self.xmm(value, Xmm(15));
                        ok(self.a().movd(eax, x.x()));
                        RAX
                    }
                    Ty::F64 => {
                        let x = self.xmm(value, Xmm(15));
                        ok(self.a().movq(rax, x.x()));
                        RAX
                    }
                    _ => self.gpr(value, RAX),
                };
                ok(self.a().mov(qword_ptr(ra.q()), r.q()));
            }
            InstKind::Call(func, ref args) => {
                let ty = self.env.func_type(func).clone();
                self.call(&ty, args, &results(), Callee::Direct(func));
            }
            InstKind::CallIndirect {
                ty,
                table,
                ref args,
            } => {
                let (index, args) = args.split_last().expect("the element index");
                let r = self.gpr(*index, RCX);
                ok(self.a().mov(ecx, r.d()));
                ok(self.a().mov(rax, qword_ptr(r15 + VMCTX_TABLES)));
                ok(self.a().mov(rax, qword_ptr(rax + 8 * table as i32)));
                ok(self.a().cmp(ecx, dword_ptr(rax + TABLE_LEN)));
                let undefined = self.m.trap_label(TrapCode::UndefinedElement);
                ok(self.a().jae(undefined));
                ok(self.a().mov(rax, qword_ptr(rax + TABLE_BASE)));
                ok(self.a().mov(rax, qword_ptr(rax + rcx * 8)));
                ok(self.a().test(rax, rax));
                let uninit = self.m.trap_label(TrapCode::UninitializedElement);
                ok(self.a().je(uninit));
                ok(self.a().mov(rcx, qword_ptr(r15 + VMCTX_TYPE_IDS)));
                ok(self.a().mov(ecx, dword_ptr(rcx + 4 * ty as i32)));
                ok(self.a().cmp(ecx, dword_ptr(rax + FUNC_TYPE_ID)));
                let bad = self.m.trap_label(TrapCode::BadSignature);
                ok(self.a().jne(bad));
                let slot = self.callee_slot();
                ok(self.a().mov(qword_ptr(rbp + slot), rax));
                let ft = self.env.types[ty as usize].clone();
                self.call(&ft, args, &results(), Callee::InSlot);
            }
            InstKind::Builtin(b, ref args) => self.builtin(b, args, r0),
            InstKind::Fuel(0) => {}
            InstKind::Fuel(cost) => {
                ok(self.a().mov(rax, qword_ptr(r15 + VMCTX_STORE)));
                let fuel = qword_ptr(rax + STORE_FUEL);
                match i32::try_from(cost) {
                    Ok(k) => ok(self.a().sub(fuel, k)),
                    Err(_) => {
                        ok(self.a().mov(rcx, cost));
                        ok(self.a().sub(fuel, rcx));
                    }
                }
                let out = self.m.trap_label(TrapCode::OutOfFuel);
                ok(self.a().jl(out));
            }
            InstKind::CheckEpoch => {
                ok(self.a().cmp(byte_ptr(r15 + VMCTX_EPOCH_FLAG), 0));
                let (slow, mut back) = match self.near_check.take() {
                    Some(near) => near,
                    None => {
                        let far = (self.m.label(), self.m.label());
                        self.epoch_checks.push(far);
                        far
                    }
                };
                ok(self.a().jne(slow));
                self.m.bind(&mut back);
            }
        }
    }

    /// One epoch check's slow path: pushes where it goes back to and jumps
    /// to the shared path (see `epoch_slow_paths`).
    fn epoch_slow_path(&mut self, back: CodeLabel) {
        let shared = match self.epoch_shared {
            Some(l) => l,
            None => *self.epoch_shared.insert(self.m.label()),
        };
        let a = &mut self.m.a;
        ok(a.lea(rax, ptr(back)));
        ok(a.push(rax));
        ok(a.jmp(shared));
    }

    /// The out-of-line halves of the function's epoch checks: each pushes
    /// where it goes back to and jumps to one shared path, which calls
    /// the runtime with every allocatable caller-saved register saved (so
    /// a check costs its values no registers) and returns there, or
    /// continues the trap the runtime raised.
    fn epoch_slow_paths(&mut self) {
        for (mut slow, back) in std::mem::take(&mut self.epoch_checks) {
            self.m.bind(&mut slow);
            self.epoch_slow_path(back);
        }
        let Some(mut shared) = self.epoch_shared else {
            return;
        };
        self.m.bind(&mut shared);
        // The pushed address and these five keep `rsp` 16-byte aligned, as
        // it is in the body.
        const GPRS: [Gpr; 5] = [RSI, RDI, R8, R9, R10];
        const XMMS: i32 = 14;
        let a = &mut self.m.a;
        for r in GPRS {
            ok(a.push(r.q()));
        }
        ok(a.sub(rsp, 16 * XMMS));
        for i in 0..XMMS {
            ok(a.movdqu(xmmword_ptr(rsp + 16 * i), Xmm(i as u8).x()));
        }
        ok(a.mov(rdi, r15));
        self.m
            .call_fn("interrupt", builtins::interrupt as *const () as u64);
        let a = &mut self.m.a;
        ok(a.test(eax, eax));
        let mut trapped = a.create_label();
        ok(a.jne(trapped));
        for i in 0..XMMS {
            ok(a.movdqu(Xmm(i as u8).x(), xmmword_ptr(rsp + 16 * i)));
        }
        ok(a.add(rsp, 16 * XMMS));
        for r in GPRS.iter().rev() {
            ok(a.pop(r.q()));
        }
        ok(a.ret());
        self.m.bind(&mut trapped);
        let unwinder = tandem_vm::unwind::raised_in_compiled_code;
        self.unwind(eax, "raised_in_compiled_code", unwinder as *const () as u64);
    }

    fn load_const(&mut self, d: Gpr, bits: u64) {
        let a = &mut self.m.a;
        if bits == 0 {
            ok(a.xor(d.d(), d.d()));
        } else if bits <= u32::MAX as u64 {
            ok(a.mov(d.d(), bits as u32));
        } else {
            ok(a.mov(d.q(), bits));
        }
    }

    /// A call under the native convention to the callee in its frame slot.
    fn call(
        &mut self,
        ty: &wasmparser::FuncType,
        args: &[Value],
        results: &[Value],
        callee: Callee,
    ) {
        let params: Vec<Ty> = ty
            .params()
            .iter()
            .map(|&t| Ty::of(t).expect("no v128"))
            .collect();
        let multi = ty.results().len() > 1;
        let (places, _) = arg_places(&params, multi);
        let moves = args
            .iter()
            .zip(places)
            .map(|(&a, p)| (self.place(a), p))
            .collect();
        self.parallel_move(moves);
        let (slot, area) = (self.callee_slot(), self.out_ret_area);
        let a = &mut self.m.a;
        if multi {
            ok(a.lea(rdx, qword_ptr(rsp + area)));
        }
        // The arguments are in place, and none is in rdi or rsi.
        match callee {
            Callee::Direct(func) => {
                ok(a.mov(rdi, qword_ptr(r15 + VMCTX_FUNCS)));
                ok(a.mov(rdi, qword_ptr(rdi + 8 * func as i32)));
            }
            Callee::InSlot => ok(a.mov(rdi, qword_ptr(rbp + slot))),
        }
        ok(a.mov(rsi, r15));
        ok(a.call(qword_ptr(rdi + FUNC_NATIVE_CALL)));
        if multi {
            for (i, &r) in results.iter().enumerate() {
                if self.locs[r.0 as usize] == Loc::None {
                    continue;
                }
                let src = Place::Mem(RSP, self.out_ret_area + 16 * i as i32);
                let tmp = if self.f.ty(r).is_float() {
                    Place::Xmm(Xmm(15))
                } else {
                    Place::Gpr(RAX)
                };
                self.mov(src, tmp);
                let d = self.place(r);
                self.mov(tmp, d);
            }
        } else if let Some(&r) = results.first() {
            if self.locs[r.0 as usize] != Loc::None {
                let src = if self.f.ty(r).is_float() {
                    Place::Xmm(Xmm(0))
                } else {
                    Place::Gpr(RAX)
                };
                let d = self.place(r);
                self.mov(src, d);
            }
        }
    }

    /// A call to a runtime builtin: `fn(vmctx, imm_a, imm_b, x, y, z)`,
    /// returning a value in `rax` and a trap status in `rdx`.
    fn builtin(&mut self, b: Builtin, args: &[Value], result: Option<Value>) {
        let (name, func, imm_a, imm_b) = builtins::entry(b);
        let places = [Place::Gpr(RCX), Place::Gpr(R8), Place::Gpr(R9)];
        let moves = args
            .iter()
            .zip(places)
            .map(|(&a, p)| (self.place(a), p))
            .collect();
        self.parallel_move(moves);
        let a = &mut self.m.a;
        ok(a.mov(rdi, r15));
        ok(a.mov(rsi, imm_a as u64));
        ok(a.mov(rdx, imm_b as u64));
        self.m.call_fn(name, func as u64);
        if builtins::may_trap(b) {
            ok(self.a().test(rdx, rdx));
            let l = match self.builtin_trap {
                Some(l) => l,
                None => *self.builtin_trap.insert(self.m.label()),
            };
            ok(self.a().jne(l));
        }
        if let Some(v) = result {
            if self.locs[v.0 as usize] != Loc::None {
                self.store_gpr(v, RAX);
            }
        }
    }

    fn int_bin(&mut self, op: BinOp, v: Value, a: Value, b: Value) {
        let wide = self.f.ty(v).is_64();
        match op {
            BinOp::DivS | BinOp::DivU | BinOp::RemS | BinOp::RemU => {
                return self.divide(op, wide, v, a, b)
            }
            BinOp::Shl | BinOp::ShrS | BinOp::ShrU | BinOp::Rotl | BinOp::Rotr => {
                // The count: an immediate, or in cl.
                let k = self
                    .imm(b)
                    .map(|k| (k as u32 & if wide { 63 } else { 31 }) as i32);
                if k.is_none() {
                    let rb = self.gpr(b, RCX);
                    ok(self.a().mov(rcx, rb.q()));
                }
                let d = self.dst_gpr(v);
                let ra = self.gpr(a, d);
                self.copy_gpr(d, ra);
                let a_ = &mut self.m.a;
                macro_rules! shift {
                    ($count:expr) => {
                        match (op, wide) {
                            (BinOp::Shl, false) => a_.shl(d.d(), $count),
                            (BinOp::Shl, true) => a_.shl(d.q(), $count),
                            (BinOp::ShrS, false) => a_.sar(d.d(), $count),
                            (BinOp::ShrS, true) => a_.sar(d.q(), $count),
                            (BinOp::ShrU, false) => a_.shr(d.d(), $count),
                            (BinOp::ShrU, true) => a_.shr(d.q(), $count),
                            (BinOp::Rotl, false) => a_.rol(d.d(), $count),
                            (BinOp::Rotl, true) => a_.rol(d.q(), $count),
                            (BinOp::Rotr, false) => a_.ror(d.d(), $count),
                            _ => a_.ror(d.q(), $count),
                        }
                    };
                }
                ok(match k {
                    Some(k) => shift!(k),
                    None => shift!(cl),
                });
                self.store_gpr(v, d);
                return;
            }
            _ => {}
        }
        let d = self.dst_gpr(v);
        if let Some(k) = self.imm(b) {
            let ra = self.gpr(a, d);
            let k = if wide { k as i32 } else { k as u32 as i32 };
            let a_ = &mut self.m.a;
            let lea_disp = match op {
                BinOp::Add => Some(k),
                BinOp::Sub => k.checked_neg(),
                _ => None,
            };
            if op == BinOp::Mul {
                ok(if wide {
                    a_.imul_3(d.q(), ra.q(), k)
                } else {
                    a_.imul_3(d.d(), ra.d(), k)
                });
            } else if let (Some(disp), true) = (lea_disp, d != ra) {
                // Three operands in one instruction (32-bit: the low half
                // of the 64-bit sum, zero-extended).
                ok(if wide {
                    a_.lea(d.q(), qword_ptr(ra.q() + disp))
                } else {
                    a_.lea(d.d(), qword_ptr(ra.q() + disp))
                });
            } else {
                if d != ra {
                    ok(a_.mov(d.q(), ra.q()));
                }
                ok(match (op, wide) {
                    (BinOp::Add, false) => a_.add(d.d(), k),
                    (BinOp::Add, true) => a_.add(d.q(), k),
                    (BinOp::Sub, false) => a_.sub(d.d(), k),
                    (BinOp::Sub, true) => a_.sub(d.q(), k),
                    (BinOp::And, false) => a_.and(d.d(), k),
                    (BinOp::And, true) => a_.and(d.q(), k),
                    (BinOp::Or, false) => a_.or(d.d(), k),
                    (BinOp::Or, true) => a_.or(d.q(), k),
                    (BinOp::Xor, false) => a_.xor(d.d(), k),
                    (BinOp::Xor, true) => a_.xor(d.q(), k),
                    _ => unreachable!("{op:?} takes no immediate"),
                });
                self.store_gpr(v, d);
                self.note_zf(v);
                return;
            }
            self.store_gpr(v, d);
            return;
        }
        let mut rb = self.gpr(b, R11);
        let (mut a, mut b) = (a, b);
        if rb == d && self.place(a) != Place::Gpr(d) {
            if op.commutative() {
                std::mem::swap(&mut a, &mut b);
                rb = self.gpr(b, R11);
            } else {
                ok(self.a().mov(r11, rb.q()));
                rb = R11;
            }
        }
        let _ = b;
        let ra = self.gpr(a, d);
        if op == BinOp::Add && d != ra && d != rb {
            // Three operands in one instruction (32-bit: the low half of
            // the 64-bit sum).
            let sum = ra.q() + rb.q();
            ok(if wide {
                self.a().lea(d.q(), qword_ptr(sum))
            } else {
                self.a().lea(d.d(), qword_ptr(sum))
            });
            self.store_gpr(v, d);
            return;
        }
        self.copy_gpr(d, ra);
        let a_ = &mut self.m.a;
        ok(match (op, wide) {
            (BinOp::Add, false) => a_.add(d.d(), rb.d()),
            (BinOp::Add, true) => a_.add(d.q(), rb.q()),
            (BinOp::Sub, false) => a_.sub(d.d(), rb.d()),
            (BinOp::Sub, true) => a_.sub(d.q(), rb.q()),
            (BinOp::Mul, false) => a_.imul_2(d.d(), rb.d()),
            (BinOp::Mul, true) => a_.imul_2(d.q(), rb.q()),
            (BinOp::And, false) => a_.and(d.d(), rb.d()),
            (BinOp::And, true) => a_.and(d.q(), rb.q()),
            (BinOp::Or, false) => a_.or(d.d(), rb.d()),
            (BinOp::Or, true) => a_.or(d.q(), rb.q()),
            (BinOp::Xor, false) => a_.xor(d.d(), rb.d()),
            (BinOp::Xor, true) => a_.xor(d.q(), rb.q()),
            _ => unreachable!("{op:?} is not an integer operation"),
        });
        self.store_gpr(v, d);
        if op != BinOp::Mul {
            self.note_zf(v);
        }
    }

    fn divide(&mut self, op: BinOp, wide: bool, v: Value, a: Value, b: Value) {
        let rb = self.gpr(b, RCX);
        ok(self.a().mov(rcx, rb.q()));
        let ra = self.gpr(a, RAX);
        ok(self.a().mov(rax, ra.q()));
        self.test(RCX, wide);
        let zero = self.m.trap_label(TrapCode::IntegerDivisionByZero);
        ok(self.a().je(zero));
        let mut done = self.m.label();
        let signed = matches!(op, BinOp::DivS | BinOp::RemS);
        if signed {
            let mut normal = self.m.label();
            let a_ = &mut self.m.a;
            if wide {
                ok(a_.cmp(rcx, -1));
            } else {
                ok(a_.cmp(ecx, -1));
            }
            ok(a_.jne(normal));
            if op == BinOp::DivS {
                // MIN / -1 overflows; anything else / -1 is a negation.
                if wide {
                    ok(a_.mov(rdx, i64::MIN as u64));
                    ok(a_.cmp(rax, rdx));
                } else {
                    ok(a_.cmp(eax, i32::MIN));
                }
                let overflow = self.m.trap_label(TrapCode::IntegerOverflow);
                ok(self.a().je(overflow));
                ok(self.a().jmp(normal));
            } else {
                // x rem -1 is 0 (and MIN rem -1 would fault).
                ok(a_.xor(edx, edx));
                ok(a_.jmp(done));
            }
            self.m.bind(&mut normal);
            let a_ = &mut self.m.a;
            if wide {
                ok(a_.cqo());
                ok(a_.idiv(rcx));
            } else {
                ok(a_.cdq());
                ok(a_.idiv(ecx));
            }
        } else {
            let a_ = &mut self.m.a;
            ok(a_.xor(edx, edx));
            if wide {
                ok(a_.div(rcx));
            } else {
                ok(a_.div(ecx));
            }
        }
        self.m.bind(&mut done);
        let src = if matches!(op, BinOp::DivS | BinOp::DivU) {
            RAX
        } else {
            RDX
        };
        if !wide {
            ok(self.a().mov(src.d(), src.d()));
        }
        self.store_gpr(v, src);
    }

    fn float_bin(&mut self, op: BinOp, v: Value, a: Value, b: Value) {
        let wide = self.f.ty(v).is_64();
        if op == BinOp::FCopysign {
            let ra = self.xmm(a, Xmm(14));
            let rb = self.xmm(b, Xmm(15));
            let a_ = &mut self.m.a;
            ok(a_.movq(rax, ra.x()));
            ok(a_.movq(rcx, rb.x()));
            if wide {
                ok(a_.btr(rax, 63));
                ok(a_.shr(rcx, 63));
                ok(a_.shl(rcx, 63));
                ok(a_.or(rax, rcx));
            } else {
                ok(a_.and(eax, 0x7fff_ffff));
                ok(a_.and(ecx, 0x8000_0000u32 as i32));
                ok(a_.or(eax, ecx));
            }
            let d = self.dst_xmm(v);
            ok(self.a().movq(d.x(), rax));
            self.store_xmm(v, d);
            return;
        }
        if matches!(op, BinOp::FMin | BinOp::FMax) {
            // Wasm's min/max: NaN if either is, and -0 below +0.
            let rb = self.xmm(b, Xmm(15));
            let ra = self.xmm(a, Xmm(14));
            let t = Xmm(14);
            let a_ = &mut self.m.a;
            if ra != t {
                ok(a_.movaps(t.x(), ra.x()));
            }
            let mut nan = a_.create_label();
            let mut normal = a_.create_label();
            let mut done = a_.create_label();
            if wide {
                ok(a_.ucomisd(t.x(), rb.x()));
            } else {
                ok(a_.ucomiss(t.x(), rb.x()));
            }
            ok(a_.jp(nan));
            ok(a_.jne(normal));
            ok(if op == BinOp::FMin {
                a_.orps(t.x(), rb.x())
            } else {
                a_.andps(t.x(), rb.x())
            });
            ok(a_.jmp(done));
            self.m.bind(&mut nan);
            let a_ = &mut self.m.a;
            ok(if wide {
                a_.addsd(t.x(), rb.x())
            } else {
                a_.addss(t.x(), rb.x())
            });
            ok(a_.jmp(done));
            self.m.bind(&mut normal);
            let a_ = &mut self.m.a;
            ok(match (op, wide) {
                (BinOp::FMin, false) => a_.minss(t.x(), rb.x()),
                (BinOp::FMin, true) => a_.minsd(t.x(), rb.x()),
                (_, false) => a_.maxss(t.x(), rb.x()),
                (_, true) => a_.maxsd(t.x(), rb.x()),
            });
            self.m.bind(&mut done);
            ok(self.a().nop());
            self.store_xmm(v, t);
            return;
        }
        let d = self.dst_xmm(v);
        let mut rb = self.xmm(b, Xmm(15));
        // Operands are never swapped: with two NaNs the hardware keeps the
        // first one's payload, and both tiers must keep the same one.
        if rb == d && self.place(a) != Place::Xmm(d) {
            ok(self.a().movaps(xmm15, rb.x()));
            rb = Xmm(15);
        }
        let ra = self.xmm(a, d);
        if ra != d {
            ok(self.a().movaps(d.x(), ra.x()));
        }
        let a_ = &mut self.m.a;
        ok(match (op, wide) {
            (BinOp::Add, false) => a_.addss(d.x(), rb.x()),
            (BinOp::Add, true) => a_.addsd(d.x(), rb.x()),
            (BinOp::Sub, false) => a_.subss(d.x(), rb.x()),
            (BinOp::Sub, true) => a_.subsd(d.x(), rb.x()),
            (BinOp::Mul, false) => a_.mulss(d.x(), rb.x()),
            (BinOp::Mul, true) => a_.mulsd(d.x(), rb.x()),
            (BinOp::FDiv, false) => a_.divss(d.x(), rb.x()),
            (BinOp::FDiv, true) => a_.divsd(d.x(), rb.x()),
            _ => unreachable!("{op:?} is not a float operation"),
        });
        self.store_xmm(v, d);
    }

    fn float_compare(&mut self, op: CmpOp, v: Value, a: Value, b: Value) {
        let wide = self.f.ty(a).is_64();
        // a < b is b > a, so that unordered (CF=ZF=PF=1) is false with `a`.
        let (x, y) = match op {
            CmpOp::FLt | CmpOp::FLe => (b, a),
            _ => (a, b),
        };
        let rx = self.xmm(x, Xmm(14));
        let ry = self.xmm(y, Xmm(15));
        let a_ = &mut self.m.a;
        ok(if wide {
            a_.ucomisd(rx.x(), ry.x())
        } else {
            a_.ucomiss(rx.x(), ry.x())
        });
        ok(match op {
            CmpOp::Eq => {
                ok(a_.sete(al));
                ok(a_.setnp(cl));
                a_.and(al, cl)
            }
            CmpOp::Ne => {
                ok(a_.setne(al));
                ok(a_.setp(cl));
                a_.or(al, cl)
            }
            CmpOp::FLt | CmpOp::FGt => a_.seta(al),
            _ => a_.setae(al),
        });
        let d = self.dst_gpr(v);
        ok(self.a().movzx(d.d(), al));
        self.store_gpr(v, d);
    }

    fn select(&mut self, v: Value, c: Value, a: Value, b: Value) {
        let rc = self.gpr(c, R11);
        ok(self.a().test(rc.d(), rc.d()));
        if self.f.ty(v).is_float() {
            let d = self.dst_xmm(v);
            let ra = self.xmm(a, Xmm(14));
            let rb = self.xmm(b, Xmm(15));
            let mut done = self.m.label();
            let a_ = &mut self.m.a;
            if d == ra {
                ok(a_.jne(done));
                ok(a_.movaps(d.x(), rb.x()));
            } else if d == rb {
                ok(a_.je(done));
                ok(a_.movaps(d.x(), ra.x()));
            } else {
                ok(a_.movaps(d.x(), rb.x()));
                ok(a_.je(done));
                ok(a_.movaps(d.x(), ra.x()));
            }
            self.m.bind(&mut done);
            ok(self.a().nop());
            self.store_xmm(v, d);
        } else {
            let d = self.dst_gpr(v);
            // Loads of spilled operands use `mov`, which keeps the flags.
            let ra = self.gpr(a, RCX);
            let rb = self.gpr(b, RDX);
            let a_ = &mut self.m.a;
            if d == ra {
                ok(a_.cmove(d.q(), rb.q()));
            } else {
                if d != rb {
                    ok(a_.mov(d.q(), rb.q()));
                }
                ok(a_.cmovne(d.q(), ra.q()));
            }
            self.store_gpr(v, d);
        }
    }

    /// The address `base + index + offset` of a memory access, with the
    /// offset folded into the displacement when it fits.
    fn address(&mut self, m: MemArg, addr: Value) -> AsmMemoryOperand {
        if let Some(k) = self.imm(addr) {
            return r14 + (k as u32 as u64 + m.offset) as i32;
        }
        let ra = self.gpr(addr, RCX);
        if m.offset <= i32::MAX as u64 {
            r14 + ra.q() + m.offset as i32
        } else {
            ok(self.a().mov(rcx, m.offset));
            ok(self.a().add(rcx, ra.q()));
            r14 + rcx
        }
    }

    fn load(&mut self, v: Value, m: MemArg, addr: Value) {
        let at = self.address(m, addr);
        let ty = self.f.ty(v);
        if ty.is_float() {
            let d = self.dst_xmm(v);
            self.m.trap_site(TrapCode::MemoryOutOfBounds);
            ok(if ty.is_64() {
                self.a().movsd_2(d.x(), qword_ptr(at))
            } else {
                self.a().movss(d.x(), dword_ptr(at))
            });
            self.store_xmm(v, d);
            return;
        }
        let d = self.dst_gpr(v);
        self.m.trap_site(TrapCode::MemoryOutOfBounds);
        let a_ = &mut self.m.a;
        ok(match (m.bytes, m.signed, ty.is_64()) {
            (1, false, _) => a_.movzx(d.d(), byte_ptr(at)),
            (1, true, false) => a_.movsx(d.d(), byte_ptr(at)),
            (1, true, true) => a_.movsx(d.q(), byte_ptr(at)),
            (2, false, _) => a_.movzx(d.d(), word_ptr(at)),
            (2, true, false) => a_.movsx(d.d(), word_ptr(at)),
            (2, true, true) => a_.movsx(d.q(), word_ptr(at)),
            (4, false, _) => a_.mov(d.d(), dword_ptr(at)),
            (4, true, _) => a_.movsxd(d.q(), dword_ptr(at)),
            _ => a_.mov(d.q(), qword_ptr(at)),
        });
        self.store_gpr(v, d);
    }

    fn store(&mut self, m: MemArg, addr: Value, value: Value) {
        if self.f.ty(value).is_float() {
            let x = self.xmm(value, Xmm(15));
            let at = self.address(m, addr);
            self.m.trap_site(TrapCode::MemoryOutOfBounds);
            ok(if m.bytes == 8 {
                self.a().movsd_2(qword_ptr(at), x.x())
            } else {
                self.a().movss(dword_ptr(at), x.x())
            });
            return;
        }
        if let Some(k) = self.imm(value) {
            let at = self.address(m, addr);
            self.m.trap_site(TrapCode::MemoryOutOfBounds);
            let a_ = &mut self.m.a;
            ok(match m.bytes {
                1 => a_.mov(byte_ptr(at), k as u8 as i32),
                2 => a_.mov(word_ptr(at), k as u16 as i32),
                4 => a_.mov(dword_ptr(at), k as u32 as i32),
                _ => a_.mov(qword_ptr(at), k as i32),
            });
            return;
        }
        let r = self.gpr(value, R11);
        let at = self.address(m, addr);
        self.m.trap_site(TrapCode::MemoryOutOfBounds);
        let a_ = &mut self.m.a;
        ok(match m.bytes {
            1 => a_.mov(byte_ptr(at), r.b()),
            2 => a_.mov(word_ptr(at), r.w()),
            4 => a_.mov(dword_ptr(at), r.d()),
            _ => a_.mov(qword_ptr(at), r.q()),
        });
    }

    fn unary(&mut self, op: UnOp, v: Value, a: Value) {
        let src = self.f.ty(a);
        let dst = self.f.ty(v);
        match op {
            UnOp::Clz | UnOp::Ctz | UnOp::Popcnt => {
                let ra = self.gpr(a, R11);
                let d = self.dst_gpr(v);
                let a_ = &mut self.m.a;
                ok(match (op, dst.is_64()) {
                    (UnOp::Clz, false) => a_.lzcnt(d.d(), ra.d()),
                    (UnOp::Clz, true) => a_.lzcnt(d.q(), ra.q()),
                    (UnOp::Ctz, false) => a_.tzcnt(d.d(), ra.d()),
                    (UnOp::Ctz, true) => a_.tzcnt(d.q(), ra.q()),
                    (_, false) => a_.popcnt(d.d(), ra.d()),
                    (_, true) => a_.popcnt(d.q(), ra.q()),
                });
                self.store_gpr(v, d);
            }
            UnOp::Eqz => {
                let ra = self.gpr(a, R11);
                ok(self.a().xor(eax, eax));
                self.test(ra, src.is_64());
                ok(self.a().sete(al));
                self.store_gpr(v, RAX);
            }
            UnOp::Wrap
            | UnOp::ExtendU32
            | UnOp::ExtendS32
            | UnOp::Extend8S
            | UnOp::Extend16S
            | UnOp::Extend32S => {
                let ra = self.gpr(a, R11);
                let d = self.dst_gpr(v);
                let a_ = &mut self.m.a;
                ok(match (op, dst.is_64()) {
                    (UnOp::Wrap | UnOp::ExtendU32, _) => a_.mov(d.d(), ra.d()),
                    (UnOp::ExtendS32 | UnOp::Extend32S, _) => a_.movsxd(d.q(), ra.d()),
                    (UnOp::Extend8S, false) => a_.movsx(d.d(), ra.b()),
                    (UnOp::Extend8S, true) => a_.movsx(d.q(), ra.b()),
                    (UnOp::Extend16S, false) => a_.movsx(d.d(), ra.w()),
                    (_, _) => a_.movsx(d.q(), ra.w()),
                });
                self.store_gpr(v, d);
            }
            UnOp::Reinterpret => {
                if dst.is_float() {
                    let ra = self.gpr(a, R11);
                    let d = self.dst_xmm(v);
                    ok(self.a().movq(d.x(), ra.q()));
                    self.store_xmm(v, d);
                } else {
                    let x = self.xmm(a, Xmm(15));
                    let d = self.dst_gpr(v);
                    ok(if dst.is_64() {
                        self.a().movq(d.q(), x.x())
                    } else {
                        self.a().movd(d.d(), x.x())
                    });
                    self.store_gpr(v, d);
                }
            }
            UnOp::FAbs | UnOp::FNeg => {
                let x = self.xmm(a, Xmm(15));
                let a_ = &mut self.m.a;
                ok(a_.movq(rax, x.x()));
                ok(match (op, dst.is_64()) {
                    (UnOp::FAbs, true) => a_.btr(rax, 63),
                    (UnOp::FAbs, false) => a_.and(eax, 0x7fff_ffff),
                    (_, true) => a_.btc(rax, 63),
                    (_, false) => a_.xor(eax, 0x8000_0000u32 as i32),
                });
                let d = self.dst_xmm(v);
                ok(self.a().movq(d.x(), rax));
                self.store_xmm(v, d);
            }
            UnOp::FSqrt
            | UnOp::FCeil
            | UnOp::FFloor
            | UnOp::FTrunc
            | UnOp::FNearest
            | UnOp::FDemote
            | UnOp::FPromote => {
                let x = self.xmm(a, Xmm(15));
                let d = self.dst_xmm(v);
                let wide = src.is_64();
                let mode = match op {
                    UnOp::FNearest => 8,
                    UnOp::FFloor => 9,
                    UnOp::FCeil => 10,
                    _ => 11,
                };
                let a_ = &mut self.m.a;
                ok(match (op, wide) {
                    (UnOp::FSqrt, false) => a_.sqrtss(d.x(), x.x()),
                    (UnOp::FSqrt, true) => a_.sqrtsd(d.x(), x.x()),
                    (UnOp::FDemote, _) => a_.cvtsd2ss(d.x(), x.x()),
                    (UnOp::FPromote, _) => a_.cvtss2sd(d.x(), x.x()),
                    (_, false) => a_.roundss(d.x(), x.x(), mode),
                    (_, true) => a_.roundsd(d.x(), x.x(), mode),
                });
                self.store_xmm(v, d);
            }
            UnOp::ConvertS | UnOp::ConvertU => self.convert(op, v, a),
            UnOp::TruncS | UnOp::TruncU => self.truncate(op, v, a),
            UnOp::TruncSatS | UnOp::TruncSatU => {
                let x = self.xmm(a, Xmm(15));
                ok(self.a().movq(rdi, x.x()));
                let (name, f) =
                    builtins::trunc_sat(op == UnOp::TruncSatS, src.is_64(), dst.is_64());
                self.m.call_fn(name, f as u64);
                self.store_gpr(v, RAX);
            }
        }
    }

    fn convert(&mut self, op: UnOp, v: Value, a: Value) {
        let wide_src = self.f.ty(a).is_64();
        let wide_dst = self.f.ty(v).is_64();
        let ra = self.gpr(a, R11);
        let d = self.dst_xmm(v);
        let cvt = |a_: &mut CodeAssembler, d: Xmm, r: AsmRegister64| {
            ok(if wide_dst {
                a_.cvtsi2sd(d.x(), r)
            } else {
                a_.cvtsi2ss(d.x(), r)
            })
        };
        let a_ = &mut self.m.a;
        ok(a_.xorps(d.x(), d.x()));
        match (op, wide_src) {
            (UnOp::ConvertS, false) => ok(if wide_dst {
                a_.cvtsi2sd(d.x(), ra.d())
            } else {
                a_.cvtsi2ss(d.x(), ra.d())
            }),
            (UnOp::ConvertS, true) => cvt(a_, d, ra.q()),
            (_, false) => {
                ok(a_.mov(eax, ra.d()));
                cvt(a_, d, rax);
            }
            (_, true) => {
                // Unsigned 64-bit: halve (keeping the low bit for rounding),
                // convert, double.
                let mut big = a_.create_label();
                let mut done = a_.create_label();
                ok(a_.mov(rax, ra.q()));
                ok(a_.test(rax, rax));
                ok(a_.js(big));
                cvt(a_, d, rax);
                ok(a_.jmp(done));
                self.m.bind(&mut big);
                let a_ = &mut self.m.a;
                ok(a_.mov(rcx, rax));
                ok(a_.shr(rcx, 1));
                ok(a_.and(eax, 1));
                ok(a_.or(rcx, rax));
                cvt(a_, d, rcx);
                ok(if wide_dst {
                    a_.addsd(d.x(), d.x())
                } else {
                    a_.addss(d.x(), d.x())
                });
                self.m.bind(&mut done);
                ok(self.a().nop());
            }
        }
        self.store_xmm(v, d);
    }

    /// Trapping float → integer: NaN is an invalid conversion, a value
    /// outside the target range an overflow.
    fn truncate(&mut self, op: UnOp, v: Value, a: Value) {
        let wide_src = self.f.ty(a).is_64();
        let wide_dst = self.f.ty(v).is_64();
        let signed = op == UnOp::TruncS;
        // (lowest value that traps if `<=`, or else if `<`; upper bound
        // that traps if `>=`).
        let (lo, lo_inclusive, hi): (f64, bool, f64) = match (signed, wide_dst) {
            (true, false) => {
                if wide_src {
                    (-2147483649.0, true, 2147483648.0)
                } else {
                    (-2147483648.0, false, 2147483648.0)
                }
            }
            (true, true) => (-9223372036854775808.0, false, 9223372036854775808.0),
            (false, false) => (-1.0, true, 4294967296.0),
            (false, true) => (-1.0, true, 18446744073709551616.0),
        };
        let x = self.xmm(a, Xmm(15));
        let bad = self.m.trap_label(TrapCode::BadConversionToInteger);
        let overflow = self.m.trap_label(TrapCode::IntegerOverflow);
        let bits = |f: f64| {
            if wide_src {
                f.to_bits()
            } else {
                (f as f32).to_bits() as u64
            }
        };
        let a_ = &mut self.m.a;
        let ucomi = |a_: &mut CodeAssembler, p: AsmRegisterXmm, q: AsmRegisterXmm| {
            ok(if wide_src {
                a_.ucomisd(p, q)
            } else {
                a_.ucomiss(p, q)
            })
        };
        ucomi(a_, x.x(), x.x());
        ok(a_.jp(bad));
        ok(a_.mov(rax, bits(lo)));
        ok(a_.movq(xmm14, rax));
        ucomi(a_, x.x(), xmm14);
        ok(if lo_inclusive {
            a_.jbe(overflow)
        } else {
            a_.jb(overflow)
        });
        ok(a_.mov(rax, bits(hi)));
        ok(a_.movq(xmm14, rax));
        ucomi(a_, x.x(), xmm14);
        ok(a_.jae(overflow));
        let cvtt = |a_: &mut CodeAssembler, r: AsmRegister64, x: AsmRegisterXmm| {
            ok(if wide_src {
                a_.cvttsd2si(r, x)
            } else {
                a_.cvttss2si(r, x)
            })
        };
        if !signed && wide_dst {
            // Above 2^63: subtract it first, then set the top bit.
            let mut small = a_.create_label();
            let mut done = a_.create_label();
            ok(a_.mov(rax, bits(9223372036854775808.0)));
            ok(a_.movq(xmm14, rax));
            ucomi(a_, x.x(), xmm14);
            ok(a_.jb(small));
            ok(a_.movaps(xmm15, x.x()));
            ok(if wide_src {
                a_.subsd(xmm15, xmm14)
            } else {
                a_.subss(xmm15, xmm14)
            });
            cvtt(a_, rax, xmm15);
            ok(a_.btc(rax, 63));
            ok(a_.jmp(done));
            self.m.bind(&mut small);
            cvtt(&mut self.m.a, rax, x.x());
            self.m.bind(&mut done);
            ok(self.a().nop());
        } else {
            cvtt(a_, rax, x.x());
            if !wide_dst {
                ok(a_.mov(eax, eax));
            }
        }
        self.store_gpr(v, RAX);
    }
}
