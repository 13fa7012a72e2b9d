//! Instruction selection and emission: walks the blocks in layout order and
//! turns each IR instruction into x86-64 through [`Masm`], reading
//! operands from the locations the register allocator chose. One file per
//! family: [`int`], [`float`], [`simd`], [`memory`], [`calls`], [`control`].

mod calls;
mod control;
mod exceptions;
mod float;
mod int;
mod memory;
mod simd;

pub(super) use simd::{reads_constant, takes_immediate_count};

use super::abi::{self, Place};
use super::analysis::BoundsCheck;
use super::blockorder;
use super::frame::Frame;
use super::masm::*;
use super::regalloc::{Allocation, Loc};
use super::regs::*;
use crate::ir::*;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use tandem_vm::ModuleEnv;

/// Machine code for `f`, its blocks laid out in `order`, its values in the
/// locations `alloc` chose (`folded` ones in none).
pub fn emit(
    f: &Function,
    env: &ModuleEnv,
    order: &[Block],
    folded: Vec<bool>,
    bounds: FxHashMap<Inst, BoundsCheck>,
    alloc: Allocation,
    in_image: &[u32],
) -> Assembled {
    let mut m = Masm::for_cpu(env.cpu);
    let labels = (0..f.blocks.len()).map(|_| m.label()).collect();
    let frame = Frame::new(f, env, &alloc.locs, alloc.slots, alloc.vector_slots);
    let mut e = Emitter {
        f,
        env,
        m,
        frame,
        locs: alloc.locs,
        around_calls: alloc.around_calls,
        in_image,
        labels,
        folded,
        bounds,
        inst: None,
        builtin_trap: None,
        epoch: control::EpochChecks::default(),
        dest: Vec::new(),
        zf_of: None,
        last_call: 0,
        landings: Vec::new(),
    };
    e.function(order);
    e.m.finish()
}

struct Emitter<'a> {
    f: &'a Function,
    env: &'a ModuleEnv,
    m: Masm,
    frame: Frame,
    locs: Vec<Loc>,
    /// Per call, the values it saves before and reloads after, with the
    /// slots they wait in.
    around_calls: FxHashMap<Inst, Vec<(Value, u32)>>,
    /// The functions compiled into the same image, sorted: calls to them
    /// are direct.
    in_image: &'a [u32],
    labels: Vec<Label>,
    folded: Vec<bool>,
    /// The bounds checks of 64-bit memories merged with others.
    bounds: FxHashMap<Inst, BoundsCheck>,
    /// The instruction being emitted.
    inst: Option<Inst>,
    /// Where a builtin that returned a trap status goes (made on first use).
    builtin_trap: Option<Label>,
    epoch: control::EpochChecks,
    /// Where a jump to each block goes (itself, or past empty blocks).
    dest: Vec<Block>,
    /// A value whose register the last instruction emitted computed with
    /// an ALU operation, and the assembler's position then: while nothing
    /// else has been emitted, the zero flag says whether the value is 0.
    zf_of: Option<(Value, usize)>,
    /// The position of the instruction after the last call emitted: its
    /// return address.
    last_call: usize,
    /// The covered calls so far: the return address's position, and the
    /// edge to the landing pad.
    landings: Vec<(usize, Target)>,
}

impl Emitter<'_> {
    fn place(&self, v: Value) -> Place {
        match self.locs[v.0 as usize] {
            Loc::Gpr(r) => Place::Gpr(r),
            Loc::Xmm(x) => Place::Xmm(x),
            Loc::Slot(n) => self.frame.slot(n, self.f.ty(v)),
            Loc::None => unreachable!("value {v:?} has no location"),
        }
    }

    /// Whether `v` has a location (it is used, and not folded).
    fn is_live(&self, v: Value) -> bool {
        self.locs[v.0 as usize] != Loc::None
    }

    // --- moves ---

    fn mov(&mut self, src: Place, dst: Place) {
        if src == dst {
            return;
        }
        let m = &mut self.m;
        match (src, dst) {
            (Place::Gpr(s), Place::Gpr(d)) => m.mov(d, s, Size::S64),
            (Place::Gpr(s), Place::Mem(b, o)) => m.store(Mem::base(b, o), s, Size::S64),
            (Place::Mem(b, o), Place::Gpr(d)) => m.load(d, Mem::base(b, o), Size::S64),
            (Place::Xmm(s), Place::Xmm(d)) => m.movaps(d, s),
            (Place::Xmm(s), Place::Mem(b, o)) => m.store_float(Mem::base(b, o), s, Size::S64),
            (Place::Mem(b, o), Place::Xmm(d)) => m.load_float(d, Mem::base(b, o), Size::S64),
            (Place::Mem(sb, so), Place::Mem(db, dof)) => {
                m.load(RAX, Mem::base(sb, so), Size::S64);
                m.store(Mem::base(db, dof), RAX, Size::S64);
            }
            (Place::Gpr(s), Place::Xmm(d)) => m.gpr_to_xmm(d, s, Size::S64),
            (Place::Xmm(s), Place::Gpr(d)) => m.xmm_to_gpr(d, s, Size::S64),
            (Place::Xmm(s), Place::Mem128(b, o)) => m.store_v128(Mem::base(b, o), s),
            (Place::Mem128(b, o), Place::Xmm(d)) => m.load_v128(d, Mem::base(b, o)),
            (Place::Mem128(sb, so), Place::Mem128(db, dof)) => {
                m.load_v128(XMM_SCRATCH[0], Mem::base(sb, so));
                m.store_v128(Mem::base(db, dof), XMM_SCRATCH[0]);
            }
            (Place::Mem128(..), _) | (_, Place::Mem128(..)) => {
                unreachable!("a vector moves between xmm registers and 16-byte places only")
            }
        }
    }

    /// Moves several values at once (no destination is read after it is
    /// written): a move is ready once no pending move reads its
    /// destination, and the lowest-numbered ready move goes first. When none
    /// is ready, every pending move lies on a cycle (each place has one
    /// writer), which the first pending move's source leaving for
    /// `r11`/`xmm15` breaks. Linear in the moves, for edges that carry
    /// thousands of values.
    fn parallel_move(&mut self, moves: Vec<(Place, Place)>) {
        let moves: Vec<(Place, Place)> = moves.into_iter().filter(|(s, d)| s != d).collect();
        let mut readers: FxHashMap<Place, u32> = FxHashMap::default();
        let mut writer: FxHashMap<Place, usize> = FxHashMap::default();
        for (i, &(s, d)) in moves.iter().enumerate() {
            *readers.entry(s).or_default() += 1;
            writer.insert(d, i);
        }
        let mut ready: BinaryHeap<Reverse<usize>> = (0..moves.len())
            .filter(|&i| !readers.contains_key(&moves[i].1))
            .map(Reverse)
            .collect();
        let mut done = vec![false; moves.len()];
        let (mut first, mut left) = (0, moves.len());
        // The place a cycle was broken at, and where its value went.
        let mut freed: Option<(Place, Place)> = None;
        while left > 0 {
            let Some(Reverse(i)) = ready.pop() else {
                while done[first] {
                    first += 1;
                }
                let s = moves[first].0;
                let temp = match s {
                    Place::Xmm(_) | Place::Mem128(..) => Place::Xmm(XMM_SCRATCH[1]),
                    _ => Place::Gpr(R11),
                };
                self.mov(s, temp);
                freed = Some((s, temp));
                readers.insert(s, 0);
                ready.push(Reverse(writer[&s]));
                continue;
            };
            let (s, d) = moves[i];
            let from = match freed {
                Some((f, temp)) if f == s => temp,
                _ => s,
            };
            self.mov(from, d);
            (done[i], left) = (true, left - 1);
            let r = readers.get_mut(&s).expect("a source has readers");
            *r = r.saturating_sub(1);
            if *r == 0 && from == s {
                if let Some(&w) = writer.get(&s) {
                    ready.push(Reverse(w));
                }
            }
        }
    }

    /// The vector constant `v` is, if its uses read it from the pool.
    fn pooled(&self, v: Value) -> Option<u128> {
        match self.folded[v.0 as usize] {
            true => self.f.vector_constant(v),
            false => None,
        }
    }

    /// The constant `v` is, if it is an immediate of its uses (never in a
    /// register).
    fn imm(&self, v: Value) -> Option<u64> {
        match self.folded[v.0 as usize] {
            true => self.f.constant(v),
            false => None,
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
    /// [`Self::store_gpr`] puts it in place afterwards.
    fn dst_gpr(&self, v: Value) -> Gpr {
        match self.place(v) {
            Place::Gpr(r) => r,
            _ => RAX,
        }
    }

    fn dst_xmm(&self, v: Value) -> Xmm {
        match self.place(v) {
            Place::Xmm(x) => x,
            _ => XMM_SCRATCH[0],
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

    /// `d = s` for integers, 32- or 64-bit.
    fn copy_gpr(&mut self, d: Gpr, s: Gpr) {
        if d != s {
            self.m.mov(d, s, Size::S64);
        }
    }

    // --- the function ---

    fn function(&mut self, order: &[Block]) {
        let f = self.f;
        let multi = f.results.len() > 1;
        self.frame
            .prologue(&mut self.m, !self.env.memories.is_empty(), multi);
        let entry = f.block(Block(0));
        let tys: Vec<Ty> = entry.params.iter().map(|&p| f.ty(p)).collect();
        let (places, _) = abi::arg_places(&tys, multi);
        let moves = entry
            .params
            .iter()
            .zip(places)
            .filter(|(&p, _)| self.is_live(p))
            .map(|(&p, place)| {
                let src = match place {
                    Place::Mem(_, o) => Place::Mem(RBP, 16 + o),
                    Place::Mem128(_, o) => Place::Mem128(RBP, 16 + o),
                    other => other,
                };
                (src, self.place(p))
            })
            .collect();
        self.parallel_move(moves);

        let dest = blockorder::thread_jumps(f, order, |t| self.moves_of(t).is_empty());
        self.dest = dest;
        let emitted: Vec<Block> = order
            .iter()
            .copied()
            .filter(|&b| self.dest[b.0 as usize] == b)
            .collect();
        if emitted.first() != Some(&self.dest[0]) {
            let l = self.label_of(Block(0));
            self.m.jmp(l);
        }
        for (k, &b) in emitted.iter().enumerate() {
            if k > 0 && self.starts_with_check(b) {
                self.near_epoch_slow_path();
            }
            let mut label = self.labels[b.0 as usize];
            self.m.bind(&mut label);
            self.labels[b.0 as usize] = label;
            for &i in &f.block(b).insts {
                self.inst(i);
            }
            let next = emitted.get(k + 1).copied();
            self.terminator(b, next.filter(|&n| !self.starts_with_check(n)));
        }
        self.epoch_slow_paths();
        self.builtin_trap_path();
        self.landing_pads();
    }

    // --- instructions ---

    fn inst(&mut self, i: Inst) {
        self.inst = Some(i);
        let f = self.f;
        let data = f.inst(i);
        if data.results().any(|r| self.folded[r.0 as usize]) {
            return;
        }
        // Before the arguments move: they may go where these values are.
        let saved = self.around_calls.remove(&i).unwrap_or_default();
        let homes: Vec<(Place, Place)> = (saved.iter())
            .map(|&(v, slot)| (self.place(v), self.frame.slot(slot, f.ty(v))))
            .collect();
        for &(reg, home) in &homes {
            self.mov(reg, home);
        }
        self.operation(i);
        for &(reg, home) in &homes {
            self.mov(home, reg);
        }
    }

    /// Emits instruction `i` (not folded).
    fn operation(&mut self, i: Inst) {
        let f = self.f;
        let data = f.inst(i);
        let results = || data.results().collect::<Vec<Value>>();
        let r0 = data.first_result();
        match data.kind {
            InstKind::Nop => {}
            InstKind::Const(bits) => {
                let v = r0.expect("a constant has a result");
                if self.f.ty(v).is_float() {
                    self.float_const(v, bits);
                } else {
                    let d = self.dst_gpr(v);
                    self.m.mov_imm(d, bits);
                    self.store_gpr(v, d);
                }
            }
            InstKind::VConst(bits) => self.vector_const(r0.expect("result"), bits),
            InstKind::Simd(op, ref args) => self.simd(op, r0, args),
            InstKind::SimdMem(op, m, ref args) => self.simd_mem(op, m, r0, args),
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
                    self.int_compare_value(op, v, a, b);
                }
            }
            InstKind::Select(c, a, b) => self.select(r0.expect("result"), c, a, b),
            InstKind::Load(m, addr) => self.load(r0.expect("result"), m, addr),
            InstKind::Store(m, addr, value) => self.store(m, addr, value),
            InstKind::GlobalAddr(g) => self.global_addr(r0.expect("result"), g),
            InstKind::GlobalGet(addr) => self.global_get(r0.expect("result"), addr),
            InstKind::GlobalSet(addr, value) => self.global_set(addr, value),
            InstKind::Call(callee, ref args) => self.call(callee, args, &results()),
            InstKind::Builtin(b, ref args) => self.builtin(b, args, r0),
            InstKind::Raise(ref raise) => self.raise(raise),
            InstKind::Catch(tag, with_ref) => self.catch(tag, with_ref, &results()),
            InstKind::Fuel(cost) => self.fuel(cost),
            InstKind::CheckEpoch => self.check_epoch(),
        }
    }

    /// The unary operations, by family.
    fn unary(&mut self, op: UnOp, v: Value, a: Value) {
        match op {
            UnOp::Clz
            | UnOp::Ctz
            | UnOp::Popcnt
            | UnOp::Eqz
            | UnOp::Wrap
            | UnOp::ExtendU32
            | UnOp::ExtendS32
            | UnOp::Extend8S
            | UnOp::Extend16S
            | UnOp::Extend32S => self.int_unary(op, v, a),
            UnOp::Reinterpret => self.reinterpret(v, a),
            _ => self.float_unary(op, v, a),
        }
    }
}
