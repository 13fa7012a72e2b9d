//! Translation of one validated Wasm function body into [`FuncCode`].
//!
//! The translator walks the operators once, keeping a *virtual* operand
//! stack: each entry knows its canonical slot (fixed by its stack position)
//! and where its value actually is — already in that slot, in a local's slot
//! (after `local.get`), or a constant not yet written anywhere. Values are
//! only copied into their canonical slots ("materialized") when something
//! needs them there: control flow merges, calls, or a `local.set` that would
//! clobber a local still referenced by the stack. See [`crate::bytecode`] for
//! the frame layout.

use crate::bytecode::*;
use crate::simd::{SimdMemOp, SimdOp};
use std::borrow::Cow;
use std::sync::atomic::AtomicU32;
use tandem_vm::fuel::{ends_block, Meter};
use tandem_vm::ModuleEnv;
use wasmparser::{BlockType, MemArg, Operator, ValType};

/// Why a function could not be translated. Validated modules only hit this
/// for features outside Wasm 2.0.
#[derive(Debug)]
pub struct TranslateError(pub std::borrow::Cow<'static, str>);

impl From<wasmparser::BinaryReaderError> for TranslateError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        TranslateError(e.to_string().into())
    }
}

type Result<T> = std::result::Result<T, TranslateError>;

/// References are one slot whatever their type; the translator only needs
/// the size of a reference, so it uses one type for all of them.
const REF: ValType = ValType::FUNCREF;

/// Where a virtual stack entry's value is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Val {
    /// In the entry's canonical slot.
    Temp,
    /// In the slot of a local (a `local.get` not yet copied).
    Local(Slot),
    /// A scalar constant (as slot bits) not yet written anywhere.
    Const(u64),
    /// A `v128` constant not yet written anywhere.
    ConstV128(u128),
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    ty: ValType,
    /// The canonical slot of this stack position.
    slot: Slot,
    val: Val,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum CtrlKind {
    /// The function body: branching to it returns.
    Func,
    Block,
    Loop,
    If,
    Else,
}

#[derive(Debug)]
struct Ctrl {
    kind: CtrlKind,
    /// Virtual stack length below the block's parameters.
    height: usize,
    /// Canonical slot of the first parameter / result.
    base: Slot,
    params: Vec<ValType>,
    results: Vec<ValType>,
    /// The loop header (for loops).
    start: Target,
    /// Forward branches to the end of the block.
    patches: Vec<usize>,
    /// For `if`: the jump to the `else` branch (or the end).
    else_patch: Option<usize>,
}

impl Ctrl {
    /// The types a branch to this label carries.
    fn label_types(&self) -> &[ValType] {
        if self.kind == CtrlKind::Loop {
            &self.params
        } else {
            &self.results
        }
    }
}

/// The condition of a `br_if`/`if`, after peeking at the instruction that
/// computed it so compares fuse with the branch.
#[derive(Clone, Copy, Debug)]
enum Cond {
    Const(bool),
    Nez(Slot),
    Eqz(Slot),
    Eqz64(Slot),
    /// A removed integer comparison (value form), to fuse.
    Cmp(Op),
}

macro_rules! cmp_helpers {
    ($($V:ident $VI:ident $B:ident $BI:ident $NB:ident $NBI:ident : $t:ident $o:tt;)*) => {
        /// The compare-and-branch form of the value comparison `op`, on the
        /// opposite condition if `negate`.
        fn fused_branch(op: Op, negate: bool, target: Target) -> Option<Op> {
            Some(match (op, negate) {
                $(
                    (Op::$V(_, a, b), false) => Op::$B(a, b, target),
                    (Op::$V(_, a, b), true) => Op::$NB(a, b, target),
                    (Op::$VI(_, a, i), false) => Op::$BI(a, i, target),
                    (Op::$VI(_, a, i), true) => Op::$NBI(a, i, target),
                )*
                _ => return None,
            })
        }
    };
}
for_each_int_cmp!(cmp_helpers);

/// If `op`, run in accumulator mode `mode`, may sit between a result left
/// in the accumulator and that result's reader (a copy or constant, which
/// leaves the accumulator alone): the slot it writes and the one it reads.
/// The reader's slot must be neither (see `emit_with_mode`).
fn acc_neutral(op: Op, mode: u8) -> Option<(Slot, Option<Slot>)> {
    match op {
        _ if mode != 0 => None,
        Op::Copy(d, s) => Some((d, Some(s))),
        Op::Const32(d, _) | Op::Const32S(d, _) | Op::Const64(d, _) => Some((d, None)),
        _ => None,
    }
}

/// The comparison of `a` and `b` that `a ^ b` or `a - b` (an `i32`
/// instruction `op`) is zero (`eq`) or non-zero exactly when.
fn difference_compare(op: Op, eq: bool) -> Option<Op> {
    Some(match (op, eq) {
        (Op::I32Xor(d, a, b) | Op::I32Sub(d, a, b), true) => Op::I32Eq(d, a, b),
        (Op::I32Xor(d, a, b) | Op::I32Sub(d, a, b), false) => Op::I32Ne(d, a, b),
        (Op::I32XorImm(d, a, i), true) => Op::I32EqImm(d, a, i),
        (Op::I32XorImm(d, a, i), false) => Op::I32NeImm(d, a, i),
        _ => return None,
    })
}

impl Cond {
    /// The instruction that jumps to `target` when the condition holds (or
    /// fails, if `negate`); `None` if it never jumps.
    fn branch(self, negate: bool, target: Target) -> Option<Op> {
        Some(match self {
            Cond::Const(c) if c != negate => Op::Br(target),
            Cond::Const(_) => return None,
            Cond::Nez(s) if negate => Op::BrIfEqz(s, target),
            Cond::Nez(s) => Op::BrIfNez(s, target),
            Cond::Eqz(s) if negate => Op::BrIfNez(s, target),
            Cond::Eqz(s) => Op::BrIfEqz(s, target),
            Cond::Eqz64(s) if negate => Op::BrIfNez64(s, target),
            Cond::Eqz64(s) => Op::BrIfEqz64(s, target),
            Cond::Cmp(op) => fused_branch(op, negate, target)?,
        })
    }
}

/// Which immediate form a binary operator may take.
#[derive(Clone, Copy)]
enum Imm {
    /// `a op c` for any constant `c` (that fits), and `c op b` when commutative.
    Plain { commutative: bool },
    /// `a - c`, turned into `a + (-c)`.
    Sub,
}

type Ctor1 = fn(Slot, Slot) -> Op;
type Ctor2 = fn(Slot, Slot, Slot) -> Op;
type CtorImm = fn(Slot, Slot, u32) -> Op;

struct Translator<'a> {
    env: &'a ModuleEnv,
    func_index: u32,
    /// Whether the function is being translated for the narrow encoding
    /// (immediates and offsets limited to what its fields hold).
    narrow: bool,
    /// Whether compares fuse with branches (whose narrow target field may
    /// not reach far enough in huge functions).
    fuse: bool,
    /// Whether loop headers count iterations ([`Op::LoopHead`]).
    count_loops: bool,
    /// Per `loop` operator so far (reachable or not), the slots live at its
    /// header (see [`LoopOsr`]).
    loops: Vec<u32>,
    /// The block whose [`Op::Fuel`] awaits its cost, where fuel is metered.
    meter: Meter<usize>,
    ops: Vec<Op>,
    /// The accumulator mode of each instruction (see [`Instr`]).
    modes: Vec<u8>,
    /// See [`FuncCode::aux`].
    aux: Vec<u32>,
    simd: Vec<SimdInstr>,
    simd_mem: Vec<SimdMemInstr>,
    stack: Vec<Entry>,
    ctrls: Vec<Ctrl>,
    /// Slot and type of each local (parameters first).
    locals: Vec<(Slot, ValType)>,
    /// Entries below this index are known to be in their canonical slots
    /// (so materializing and scanning for locals can start here).
    clean: usize,
    /// The first slot above the locals, where temporaries start.
    locals_end: Slot,
    /// One past the highest slot used.
    max_slot: Slot,
    results: Vec<ValType>,
    /// Whether the current code is unreachable (after br, return, ...).
    unreachable: bool,
    /// Blocks opened inside unreachable code, skipped without translation.
    dead_depth: u32,
    /// The last instruction, if it wrote the value on top of the virtual
    /// stack into its canonical slot and nothing (no label) came after it:
    /// a following `local.set` may retarget it, a `br_if` may fuse it.
    last_producer: Option<usize>,
    /// `(at, t)`: the last instruction that wrote a temporary, to slot `t`,
    /// if only copies and constants not naming `t` came after it (and no
    /// label): a candidate to pass `t` through the accumulator.
    acc_producer: Option<(usize, Slot)>,
    /// Where the last label is (instructions from here on follow it).
    label_at: usize,
    /// `(at, src, global, producer)` of the last `global.set` (of a
    /// one-slot value), cleared at labels: while it is the last
    /// instruction, `src` still holds the global's value, so a `global.get`
    /// of it emits nothing. If `src` came through the accumulator, from
    /// `producer`, that link is undone then (so `src` is written after all).
    last_global_set: Option<(usize, Slot, u32, Option<usize>)>,
}

/// Translates function `func_index` (a local function) of `env`, in the
/// narrow encoding if it fits (first with fused branches, then without),
/// else in the wide one. With `count_loops`, every loop header counts its
/// iterations toward the function's tier-up.
pub fn translate(env: &ModuleEnv, func_index: u32, count_loops: bool) -> Result<Code> {
    for fuse in [true, false] {
        let t = Translator::run(env, func_index, true, fuse, count_loops)?;
        if t.max_slot > u16::MAX as u32 + 1 {
            break;
        }
        if let Some(code) = t.finish::<u16>() {
            return Ok(Code::Narrow(code));
        }
    }
    let t = Translator::run(env, func_index, false, true, count_loops)?;
    t.finish::<u32>()
        .map(Code::Wide)
        .ok_or_else(|| TranslateError("function too large".into()))
}

impl<'a> Translator<'a> {
    /// Translates the body of `func_index` into `Op<u32>` with absolute targets.
    fn run(
        env: &'a ModuleEnv,
        func_index: u32,
        narrow: bool,
        fuse: bool,
        count_loops: bool,
    ) -> Result<Self> {
        let ty = env.func_type(func_index);
        let body = env.body(func_index);
        let mut locals = Vec::new();
        let mut next: Slot = 0;
        for &p in ty.params() {
            locals.push((next, p));
            next += slots_of(p);
        }
        let mut reader = body.get_locals_reader()?;
        for _ in 0..reader.get_count() {
            let (count, ty) = reader.read()?;
            for _ in 0..count {
                locals.push((next, ty));
                next = next
                    .checked_add(slots_of(ty))
                    .ok_or_else(|| TranslateError("too many locals".into()))?;
            }
        }
        let mut t = Translator {
            env,
            func_index,
            narrow,
            fuse,
            count_loops,
            loops: Vec::new(),
            meter: Meter::default(),
            ops: Vec::new(),
            modes: Vec::new(),
            aux: Vec::new(),
            simd: Vec::new(),
            simd_mem: Vec::new(),
            stack: Vec::new(),
            ctrls: Vec::new(),
            clean: 0,
            locals,
            locals_end: next,
            max_slot: next,
            results: ty.results().to_vec(),
            unreachable: false,
            dead_depth: 0,
            last_producer: None,
            acc_producer: None,
            label_at: 0,
            last_global_set: None,
        };
        t.ctrls.push(Ctrl {
            kind: CtrlKind::Func,
            height: 0,
            base: next,
            params: Vec::new(),
            results: ty.results().to_vec(),
            start: 0,
            patches: Vec::new(),
            else_patch: None,
        });
        t.start_block(env.checks.epoch && env.makes_calls(func_index));
        let mut ops = body.get_operators_reader()?;
        while !t.ctrls.is_empty() {
            let op = ops.read()?;
            if !t.unreachable {
                if let Some((at, cost)) = t.meter.count(&op) {
                    t.ops[at] = Op::Fuel(cost as u32);
                }
            }
            let (ends, is_loop) = (ends_block(&op), matches!(op, Operator::Loop { .. }));
            t.operator(op)?;
            if ends && !t.unreachable && !t.ctrls.is_empty() {
                t.start_block(is_loop);
            }
        }
        if t.count_loops {
            // Where a frame goes on once an OSR entry finished its call.
            t.fence();
            t.emit(Op::Return);
        }
        if i32::try_from(t.ops.len()).is_err() {
            return Err(TranslateError("function too large".into()));
        }
        Ok(t)
    }

    /// Where code goes on after an operator that ended a block (see
    /// `tandem_vm::fuel`), or starts: the checks the engine wants there,
    /// an epoch check at a loop header or a calling function's entry
    /// (`epoch`) and the new block's fuel, its cost filled in once its end
    /// is known.
    fn start_block(&mut self, epoch: bool) {
        let checks = self.env.checks;
        if checks.epoch && epoch {
            self.emit(Op::Epoch);
        }
        if checks.fuel {
            let at = self.emit(Op::Fuel(0));
            self.meter.start(at);
        }
    }

    /// The translation in the encoding of width `S`, if everything fits.
    fn finish<S: Width<Word = u32>>(&self) -> Option<FuncCode<S>> {
        let (ops, modes) = self.write_through();
        let ops = (ops.iter().zip(&modes).enumerate())
            .map(|(at, (op, &mode))| Some(Instr::new(op.encode::<S>(at as u32)?, mode)))
            .collect::<Option<_>>()?;
        let ty = self.env.func_type(self.func_index);
        let param_slots = ty.params().iter().map(|&p| slots_of(p)).sum::<u32>();
        Some(FuncCode {
            ops,
            aux: self.aux.as_slice().into(),
            simd: self.simd.as_slice().into(),
            simd_mem: self.simd_mem.as_slice().into(),
            func_index: self.func_index,
            param_slots,
            local_slots: self.locals_end - param_slots,
            frame_slots: self.max_slot,
            params: ty.params().into(),
            results: ty.results().into(),
            has_memory: !self.env.memories.is_empty(),
            countdown: AtomicU32::new(NOT_COUNTING),
            heat: AtomicU32::new(0),
            loops: match self.count_loops {
                true => (self.loops.iter())
                    .map(|&live_slots| LoopOsr {
                        live_slots,
                        entry: Default::default(),
                    })
                    .collect(),
                false => Box::default(),
            },
        })
    }
}

impl Translator<'_> {
    /// The instructions and their modes, with write-through links added
    /// ([`ACC_W`]): where an instruction reads a slot (a local, say) as
    /// operand `A` or `B` and every instruction leading to it writes that
    /// slot, the value comes through the accumulator as well. If no branch
    /// lands on the reader, that is just the previous instruction. If
    /// branches do, they must all write the slot (a loop counter stepped
    /// and tested, branching back); then, unless the previous instruction
    /// writes it too, a copy of the slot to the accumulator goes before the
    /// reader, run once on entering the loop: the counter stays in the
    /// register from one iteration to the next, with no store-to-load
    /// forwarding in between.
    fn write_through(&self) -> (Cow<'_, [Op]>, Vec<u8>) {
        let mut modes = self.modes.clone();
        if !self.narrow {
            return (Cow::Borrowed(&self.ops), modes);
        }
        // (target, branch) pairs, by target.
        let mut into: Vec<(usize, usize)> = (self.ops.iter().enumerate())
            .filter_map(|(j, &op)| {
                let mut op = op;
                op.target_mut().map(|&mut t| (t as usize, j))
            })
            .collect();
        into.sort_unstable();
        // The instructions that sit between a result left in the
        // accumulator and its reader: they must not write it.
        let mut carrying = vec![false; self.ops.len()];
        let mut live = false;
        for (c, (&op, &mode)) in self.ops.iter().zip(&modes).enumerate() {
            live &= acc_neutral(op, mode).is_some();
            carrying[c] = live;
            live |= mode & ACC_D != 0;
        }
        let writes = |modes: &[u8], j: usize, l: Slot| {
            !carrying[j]
                && modes[j] & ACC_D == 0
                && ACC_MASKS[self.ops[j].tag()] & ACC_W != 0
                && self.ops[j].acc_fields()[0] == Some(l)
        };
        // (reader, slot) pairs that get a copy to the accumulator before them.
        let mut preloads = Vec::new();
        for c in 0..self.ops.len() {
            if modes[c] & (ACC_A | ACC_B) != 0 {
                continue;
            }
            let (lo, hi) = (
                into.partition_point(|&(t, _)| t < c),
                into.partition_point(|&(t, _)| t <= c),
            );
            let sources = &into[lo..hi];
            let [_, a, b] = self.ops[c].acc_fields();
            for (l, role) in [(a, ACC_A), (b, ACC_B)] {
                let Some(l) = l else { continue };
                let from_prev = c > 0 && writes(&modes, c - 1, l);
                if !sources.iter().all(|&(_, j)| writes(&modes, j, l)) {
                    continue;
                }
                if !from_prev {
                    if carrying[c] || !sources.iter().any(|&(_, j)| j >= c) {
                        continue;
                    }
                    preloads.push((c, l));
                } else {
                    modes[c - 1] |= ACC_W;
                }
                for &(_, j) in sources {
                    modes[j] |= ACC_W;
                }
                modes[c] |= role;
                break;
            }
        }
        if preloads.is_empty() {
            return (Cow::Borrowed(&self.ops), modes);
        }
        // Insert the copies; branches to a reader land after its copy.
        let shift = |t: Target| t + preloads.partition_point(|&(c, _)| c <= t as usize) as Target;
        let mut ops = Vec::with_capacity(self.ops.len() + preloads.len());
        let mut new_modes = Vec::with_capacity(ops.capacity());
        let mut next = preloads.iter().peekable();
        for (i, (&op, mode)) in self.ops.iter().zip(modes).enumerate() {
            if let Some(&(_, l)) = next.next_if(|&&(c, _)| c == i) {
                ops.push(Op::Copy(l, l));
                new_modes.push(ACC_D);
            }
            let mut op = op;
            if let Some(t) = op.target_mut() {
                *t = shift(*t);
            }
            ops.push(op);
            new_modes.push(mode);
        }
        (Cow::Owned(ops), new_modes)
    }

    // ---- virtual stack -------------------------------------------------

    fn next_slot(&self) -> Slot {
        self.stack
            .last()
            .map_or(self.locals_end, |e| e.slot + slots_of(e.ty))
    }

    fn push(&mut self, ty: ValType, val: Val) -> Slot {
        let slot = self.next_slot();
        self.max_slot = self.max_slot.max(slot + slots_of(ty));
        self.stack.push(Entry { ty, slot, val });
        slot
    }

    fn pop(&mut self) -> Result<Entry> {
        let e = self
            .stack
            .pop()
            .ok_or_else(|| TranslateError("operand stack underflow".into()))?;
        self.clean = self.clean.min(self.stack.len());
        Ok(e)
    }

    fn emit(&mut self, op: Op) -> usize {
        let mode = self.link_acc(&op);
        self.emit_with_mode(op, mode)
    }

    fn emit_with_mode(&mut self, op: Op, mode: u8) -> usize {
        self.last_producer = None;
        let slots = acc_neutral(op, mode);
        self.acc_producer = self
            .acc_producer
            .filter(|&(_, t)| slots.is_some_and(|(d, s)| d != t && s != Some(t)));
        self.ops.push(op);
        self.modes.push(mode);
        self.ops.len() - 1
    }

    /// Removes the last instruction; returns it with its mode.
    fn take_last(&mut self) -> Option<(Op, u8)> {
        self.last_producer = None;
        let last = (self.ops.pop()?, self.modes.pop()?);
        let len = self.ops.len();
        self.acc_producer = self.acc_producer.filter(|&(at, _)| at < len);
        Some(last)
    }

    /// A label: what comes after may be reached from elsewhere, so nothing
    /// before it fuses with or passes values to what follows.
    fn fence(&mut self) {
        self.last_producer = None;
        self.acc_producer = None;
        self.label_at = self.ops.len();
    }

    /// Lets a temporary pass to `op`, about to be emitted, through the
    /// accumulator (see [`Instr`]) when that is safe: its producer is the
    /// [`acc_producer`](Self::acc_producer) (so what came after it leaves
    /// the accumulator and the temporary's slot alone, and is no label), the
    /// temporary has been popped (so no one reads its slot later), and `op`
    /// reads it in exactly one of its `A`/`B` fields (its other slot fields
    /// are its result or also `A`/`B`). Marks the producer [`ACC_D`];
    /// returns `op`'s mode.
    fn link_acc(&mut self, op: &Op) -> u8 {
        let Some((at, t)) = self.acc_producer else {
            return 0;
        };
        if !self.narrow || t < self.next_slot() || ACC_MASKS[self.ops[at].tag()] & ACC_D == 0 {
            return 0;
        }
        let [_, a, b] = op.acc_fields();
        let role = match (a == Some(t), b == Some(t)) {
            (true, false) => ACC_A,
            (false, true) => ACC_B,
            _ => return 0,
        };
        self.modes[at] |= ACC_D;
        role
    }

    /// Emits `make(dst)` whose result of type `ty` goes to the next canonical
    /// slot, and pushes that result.
    fn emit_result(&mut self, ty: ValType, make: impl FnOnce(Slot) -> Op) {
        self.emit_result_with(ty, make, None)
    }

    /// [`emit_result`](Self::emit_result) with the accumulator mode `mode`
    /// if given (a fusion inheriting the mode of the instruction it
    /// replaces), else the mode [`link_acc`](Self::link_acc) picks.
    fn emit_result_with(&mut self, ty: ValType, make: impl FnOnce(Slot) -> Op, mode: Option<u8>) {
        let dst = self.next_slot();
        let op = make(dst);
        let at = match mode {
            Some(mode) => self.emit_with_mode(op, mode),
            None => self.emit(op),
        };
        self.push(ty, Val::Temp);
        self.last_producer = Some(at);
        let mut op = self.ops[at];
        if op.dst_mut().copied() == Some(dst) {
            self.acc_producer = Some((at, dst));
        }
    }

    fn here(&self) -> Target {
        self.ops.len() as Target
    }

    /// Writes constant bits of type `ty` into `dst`.
    fn emit_const(&mut self, dst: Slot, bits: u64) {
        if bits >> 32 == 0 {
            self.emit(Op::Const32(dst, bits as u32));
        } else if bits as i64 == bits as i32 as i64 {
            self.emit(Op::Const32S(dst, bits as u32));
        } else {
            let at = self.aux_push(&[bits as u32, (bits >> 32) as u32]);
            self.emit(Op::Const64(dst, at));
        }
    }

    fn emit_const128(&mut self, dst: Slot, v: u128) {
        let words = [
            v as u32,
            (v >> 32) as u32,
            (v >> 64) as u32,
            (v >> 96) as u32,
        ];
        let at = self.aux_push(&words);
        self.emit(Op::ConstV128(dst, at));
    }

    /// Appends words to `aux`; returns the index of the first.
    fn aux_push(&mut self, words: &[u32]) -> u32 {
        let at = self.aux.len() as u32;
        self.aux.extend_from_slice(words);
        at
    }

    fn emit_copy(&mut self, ty: ValType, dst: Slot, src: Slot) {
        if dst != src {
            if ty == ValType::V128 {
                self.emit(Op::Copy128(dst, src));
            } else {
                self.emit(Op::Copy(dst, src));
            }
        }
    }

    /// Writes the value of `e` into `dst`.
    fn emit_move(&mut self, e: Entry, dst: Slot) {
        match e.val {
            Val::Temp => self.emit_copy(e.ty, dst, e.slot),
            Val::Local(s) => self.emit_copy(e.ty, dst, s),
            Val::Const(c) => self.emit_const(dst, c),
            Val::ConstV128(v) => self.emit_const128(dst, v),
        }
    }

    /// The slot holding the value of a popped entry, writing a constant
    /// into the entry's (now free) canonical slot if needed.
    fn operand(&mut self, e: Entry) -> Slot {
        match e.val {
            Val::Temp => e.slot,
            Val::Local(s) => s,
            Val::Const(_) | Val::ConstV128(_) => {
                self.emit_move(e, e.slot);
                e.slot
            }
        }
    }

    fn pop_operand(&mut self) -> Result<Slot> {
        let e = self.pop()?;
        Ok(self.operand(e))
    }

    fn materialize(&mut self, i: usize) {
        let e = self.stack[i];
        if e.val != Val::Temp {
            self.emit_move(e, e.slot);
            self.stack[i].val = Val::Temp;
        }
    }

    fn materialize_from(&mut self, height: usize) {
        for i in height.max(self.clean)..self.stack.len() {
            self.materialize(i);
        }
        if height <= self.clean {
            self.clean = self.stack.len();
        }
    }

    fn truncate(&mut self, len: usize) {
        self.stack.truncate(len);
        self.clean = self.clean.min(len);
    }

    /// `memory.fill` / `memory.copy` (`make`), reading their three operands
    /// where they are.
    fn bulk_memory(&mut self, make: fn(Slot, Slot, Slot) -> Op) -> Result<()> {
        let n = self.pop_operand()?;
        let x = self.pop_operand()?;
        let d = self.pop_operand()?;
        self.emit(make(d, x, n));
        Ok(())
    }

    /// Materializes the top `n` entries and pops them; returns the canonical
    /// slot of the first (where an instruction reading them in place starts).
    fn pop_in_place(&mut self, n: usize) -> Result<Slot> {
        let len = self.stack.len();
        let height = len
            .checked_sub(n)
            .ok_or_else(|| TranslateError("operand stack underflow".into()))?;
        self.materialize_from(height);
        self.truncate(height);
        Ok(self.next_slot())
    }

    /// Before `local` is overwritten: copies out the entries still reading it.
    fn materialize_local(&mut self, local: Slot) {
        for i in self.clean..self.stack.len() {
            if self.stack[i].val == Val::Local(local) {
                self.materialize(i);
            }
        }
    }

    /// If the last instruction produced the popped `e`, returns its index.
    fn producer_of(&self, e: &Entry) -> Option<usize> {
        let at = self.last_producer?;
        let mut op = self.ops[at];
        (e.val == Val::Temp && at + 1 == self.ops.len() && op.dst_mut().copied() == Some(e.slot))
            .then_some(at)
    }

    fn local(&self, index: u32) -> Result<(Slot, ValType)> {
        self.locals
            .get(index as usize)
            .copied()
            .ok_or_else(|| TranslateError("bad local index".into()))
    }

    // ---- control flow --------------------------------------------------

    fn block_type(&self, bt: BlockType) -> (Vec<ValType>, Vec<ValType>) {
        match bt {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Type(t) => (Vec::new(), vec![t]),
            BlockType::FuncType(i) => {
                let ft = &self.env.types[i as usize];
                (ft.params().to_vec(), ft.results().to_vec())
            }
        }
    }

    fn push_ctrl(&mut self, kind: CtrlKind, bt: BlockType, else_patch: Option<usize>) {
        let (params, results) = self.block_type(bt);
        let height = self.stack.len() - params.len();
        let base = self.stack.get(height).map_or(self.next_slot(), |e| e.slot);
        // A block boundary is a label: nothing before it may be fused with
        // what follows.
        self.fence();
        self.last_global_set = None;
        self.ctrls.push(Ctrl {
            kind,
            height,
            base,
            params,
            results,
            start: self.here(),
            patches: Vec::new(),
            else_patch,
        });
    }

    fn ctrl_index(&self, depth: u32) -> Result<usize> {
        (self.ctrls.len())
            .checked_sub(depth as usize + 1)
            .ok_or_else(|| TranslateError("bad branch depth".into()))
    }

    /// Points a branch instruction at its label: a loop's start now, a
    /// block's end when it is reached.
    fn link(&mut self, patch: usize, depth: u32) -> Result<()> {
        let i = self.ctrl_index(depth)?;
        let ctrl = &mut self.ctrls[i];
        if ctrl.kind == CtrlKind::Loop {
            let start = ctrl.start;
            self.patch(patch, start);
        } else {
            ctrl.patches.push(patch);
        }
        Ok(())
    }

    /// Points the branch instruction (or `br_table` entry) at `at` to `target`.
    fn patch(&mut self, at: usize, target: Target) {
        if let Some(t) = self.ops[at].target_mut() {
            *t = target;
        }
    }

    /// Whether a branch to `depth` must copy values (or return) first.
    fn branch_needs_moves(&self, depth: u32) -> Result<bool> {
        let ctrl = &self.ctrls[self.ctrl_index(depth)?];
        if ctrl.kind == CtrlKind::Func {
            return Ok(true);
        }
        let n = ctrl.label_types().len();
        let mut dst = ctrl.base;
        for e in &self.stack[self.stack.len() - n..] {
            if e.val != Val::Temp || e.slot != dst {
                return Ok(true);
            }
            dst += slots_of(e.ty);
        }
        Ok(false)
    }

    /// Emits an unconditional branch to `depth`, moving the carried values
    /// into the label's slots (or returning, for the function label).
    fn branch_to(&mut self, depth: u32) -> Result<()> {
        let i = self.ctrl_index(depth)?;
        if self.ctrls[i].kind == CtrlKind::Func {
            return self.emit_return();
        }
        let n = self.ctrls[i].label_types().len();
        let mut dst = self.ctrls[i].base;
        // Sources sit at or above their destinations (canonical slots of the
        // same values, or locals below all temporaries), so copying in order
        // never clobbers a value not yet copied.
        for k in self.stack.len() - n..self.stack.len() {
            let e = self.stack[k];
            self.emit_move(e, dst);
            dst += slots_of(e.ty);
        }
        let at = self.emit(Op::Br(0));
        self.link(at, depth)
    }

    fn emit_return(&mut self) -> Result<()> {
        let n = self.results.len();
        let len = self.stack.len();
        if n == 1 && self.results[0] != ValType::V128 {
            let e = self.pop()?;
            let src = self.operand(e);
            // Emitted while the result is popped, so that it may come from
            // the accumulator: code after a return that is not on the
            // taken path of a `br_if` is unreachable, and on that path a
            // branch, not the producer, comes right before the return.
            self.emit(Op::Return1(src));
            self.stack.push(e);
            return Ok(());
        }
        // Results go to the first slots, which hold parameters and locals
        // that a result may still be reading: move them to their canonical
        // slots first. (The virtual stack is left as is: after a `br_if`
        // these moves only happen on the taken path.)
        for k in len - n..len {
            let e = self.stack[k];
            if e.val != Val::Temp {
                self.emit_move(e, e.slot);
            }
        }
        let mut dst = 0;
        for k in len - n..len {
            let e = self.stack[k];
            self.emit_copy(e.ty, dst, e.slot);
            dst += slots_of(e.ty);
        }
        self.emit(Op::Return);
        Ok(())
    }

    /// Pops the condition of a `br_if`/`if`, taking back the comparison that
    /// computed it (if it was the last instruction) so the branch can fuse
    /// it; with the accumulator mode the branch inherits from it.
    fn pop_cond(&mut self) -> Result<(Cond, u8)> {
        let e = self.pop()?;
        if let Val::Const(c) = e.val {
            return Ok((Cond::Const(c as u32 != 0), 0));
        }
        if let Some(at) = self.producer_of(&e) {
            let op = self.ops[at];
            let cond = match op {
                Op::I32Eqz(_, s) => Some(Cond::Eqz(s)),
                Op::I64Eqz(_, s) => Some(Cond::Eqz64(s)),
                _ if !self.fuse => None,
                _ => difference_compare(op, false)
                    .or(fused_branch(op, false, 0).map(|_| op))
                    .map(Cond::Cmp),
            };
            if let Some(cond) = cond {
                // The branch reads the operands of the comparison in the
                // same roles, so it inherits its accumulator mode.
                let (_, mode) = self.take_last().expect("the producer");
                return Ok((cond, mode));
            }
        }
        Ok((Cond::Nez(self.operand(e)), 0))
    }

    /// Emits a conditional branch that jumps when `cond` holds (or fails,
    /// with `negate`) to a target patched later; returns its index.
    fn emit_cond_branch(&mut self, (cond, mode): (Cond, u8), negate: bool) -> Option<usize> {
        let op = cond.branch(negate, 0)?;
        if let Some(fused) = self.fuse_with_last(op, mode) {
            self.take_last();
            let fused = match fused {
                Op::CopyBrNez(c, l, t) if self.retarget_last(l, c) => {
                    // A counter stepped in the label's slot fuses further.
                    let step = match (self.ops.last(), self.modes.last()) {
                        (Some(&Op::I32AddImm(x, y, i)), Some(0)) if x == c && y == c => {
                            i8::try_from(i as i32).ok()
                        }
                        _ => None,
                    };
                    match step.and_then(|i| pack_slots(l, i as u8 as u32)) {
                        Some(p) => {
                            self.take_last();
                            Op::I32AddImmCopyBrNez(c, p, t)
                        }
                        None => Op::CopyBrNez(l, c, t),
                    }
                }
                _ => fused,
            };
            return Some(self.emit(fused));
        }
        Some(if mode != 0 {
            self.emit_with_mode(op, mode)
        } else {
            self.emit(op)
        })
    }

    /// The fusion of the conditional branch `op` (target not yet set), about
    /// to be emitted with `mode`, with the last instruction, if they fuse: a
    /// loop counter stepped in its local (`local.tee`, or `local.set` then
    /// `local.get`) and tested against zero, a copy (a value the branch
    /// carries, or a local moved along; slots below 256 if not the tested
    /// one), or a load at offset 0 of the tested value.
    fn fuse_with_last(&self, op: Op, mode: u8) -> Option<Op> {
        let at = self.ops.len().checked_sub(1)?;
        if !self.fuse || mode != 0 || self.modes[at] != 0 || at < self.label_at {
            return None;
        }
        // The tested slot, whether the branch is taken on non-zero, and
        // whether it tests an `i64`.
        let (s, nez, wide) = match op {
            Op::BrIfNez(s, _) | Op::BrIfI32NeImm(s, 0, _) => (s, true, false),
            Op::BrIfEqz(s, _) | Op::BrIfI32EqImm(s, 0, _) => (s, false, false),
            Op::BrIfNez64(s, _) | Op::BrIfI64NeImm(s, 0, _) => (s, true, true),
            Op::BrIfEqz64(s, _) | Op::BrIfI64EqImm(s, 0, _) => (s, false, true),
            _ => return None,
        };
        let counter = |d, a| s < self.locals_end && d == s && a == s;
        Some(match (self.ops[at], nez, wide) {
            (Op::I32AddImm(d, a, i), true, false) if counter(d, a) => Op::I32AddImmBrNez(s, i, 0),
            (Op::I32AddImm(d, a, i), false, false) if counter(d, a) => Op::I32AddImmBrEqz(s, i, 0),
            (Op::I64AddImm(d, a, i), true, true) if counter(d, a) => Op::I64AddImmBrNez(s, i, 0),
            (Op::I64AddImm(d, a, i), false, true) if counter(d, a) => Op::I64AddImmBrEqz(s, i, 0),
            (Op::Copy(d, src), true, false) if src == s && d != s => Op::CopyBrNez(d, s, 0),
            (Op::Copy(d, src), true, false) if d == s => Op::CopyBrNez(d, src, 0),
            (Op::Copy(d, src), true, false) => Op::CopyBrIfNez(pack_slots(d, src)?, s, 0),
            (Op::Load32(d, a, 0), true, false) if d == s => Op::Load32BrNez(d, a, 0),
            _ => return None,
        })
    }

    /// For `copy c, l; br_if l` (a value computed into local `l`, then
    /// carried to a label's slot `c`), with the copy taken back: if the last
    /// instruction computed `l`, makes it write `c` instead, so that the
    /// branch becomes `copy l, c; br_if c`. Either way both slots end up
    /// with the value, but a loop reading `c` next no longer waits for the
    /// copy (one store-to-load forwarding less per iteration).
    fn retarget_last(&mut self, l: Slot, c: Slot) -> bool {
        let Some(at) = self.ops.len().checked_sub(1) else {
            return false;
        };
        if at < self.label_at || self.modes[at] & ACC_D != 0 || l >= self.locals_end {
            return false;
        }
        match self.ops[at].dst_mut() {
            Some(d) if *d == l => {
                *d = c;
                true
            }
            _ => false,
        }
    }

    /// Whether a branch to `depth` carries values into their own canonical
    /// slots (the label's results sit right at the top of the stack).
    fn carries_to_own_slots(&self, depth: u32) -> Result<bool> {
        let ctrl = &self.ctrls[self.ctrl_index(depth)?];
        let n = ctrl.label_types().len();
        let len = self.stack.len();
        Ok(ctrl.kind != CtrlKind::Func
            && n > 0
            && len >= n
            && self.stack[len - n].slot == ctrl.base)
    }

    fn br_if(&mut self, depth: u32) -> Result<()> {
        let cond = self.pop_cond()?;
        if self.carries_to_own_slots(depth)? {
            // Writing the carried values to their canonical slots is harmless
            // when the branch is not taken (those slots are theirs on both
            // paths), and it lets the branch itself jump straight to the
            // label. The condition reads no canonical slot below its own.
            let n = self.ctrls[self.ctrl_index(depth)?].label_types().len();
            self.materialize_from(self.stack.len() - n);
        }
        if !self.branch_needs_moves(depth)? {
            if let Some(at) = self.emit_cond_branch(cond, false) {
                self.link(at, depth)?;
            }
        } else {
            let skip = self.emit_cond_branch(cond, true);
            self.branch_to(depth)?;
            if let Some(at) = skip {
                let here = self.here();
                self.patch(at, here);
            }
            self.fence();
        }
        Ok(())
    }

    fn br_table(&mut self, targets: &wasmparser::BrTable) -> Result<()> {
        let index = self.pop_operand()?;
        let mut depths = targets
            .targets()
            .collect::<std::result::Result<Vec<_>, _>>()?;
        depths.push(targets.default());
        self.emit(Op::BrTable(index, depths.len() as u32));
        let first = self.ops.len();
        for _ in &depths {
            self.emit(Op::BrTarget(0));
        }
        // Targets that need values moved get a trampoline (one per label).
        let mut trampolines: Vec<(u32, Target)> = Vec::new();
        for (k, &depth) in depths.iter().enumerate() {
            if !self.branch_needs_moves(depth)? {
                self.link(first + k, depth)?;
            } else if let Some(&(_, t)) = trampolines.iter().find(|(d, _)| *d == depth) {
                self.patch(first + k, t);
            } else {
                let t = self.here();
                trampolines.push((depth, t));
                self.patch(first + k, t);
                self.branch_to(depth)?;
            }
        }
        Ok(())
    }

    fn else_(&mut self) -> Result<()> {
        let i = self.ctrls.len() - 1;
        if !self.unreachable {
            let height = self.ctrls[i].height;
            self.materialize_from(height);
            let at = self.emit(Op::Br(0));
            self.ctrls[i].patches.push(at);
        }
        if let Some(at) = self.ctrls[i].else_patch.take() {
            let here = self.here();
            self.patch(at, here);
        }
        let ctrl = &mut self.ctrls[i];
        ctrl.kind = CtrlKind::Else;
        let height = ctrl.height;
        let params = ctrl.params.clone();
        self.truncate(height);
        for ty in params {
            self.push(ty, Val::Temp);
        }
        self.unreachable = false;
        self.fence();
        self.last_global_set = None;
        Ok(())
    }

    fn end(&mut self) -> Result<()> {
        let Some(ctrl) = self.ctrls.pop() else {
            return Err(TranslateError("unbalanced end".into()));
        };
        if ctrl.kind == CtrlKind::Func {
            if !self.unreachable {
                self.emit_return()?;
            }
            return Ok(());
        }
        if !self.unreachable {
            self.materialize_from(ctrl.height);
        }
        let here = self.here();
        for p in ctrl.else_patch.into_iter().chain(ctrl.patches) {
            self.patch(p, here);
        }
        self.truncate(ctrl.height);
        for ty in ctrl.results {
            self.push(ty, Val::Temp);
        }
        self.unreachable = false;
        self.fence();
        self.last_global_set = None;
        Ok(())
    }

    fn call(
        &mut self,
        params: usize,
        results: &[ValType],
        make: impl FnOnce(Slot) -> Op,
    ) -> Result<()> {
        let base = self.pop_in_place(params)?;
        self.emit(make(base));
        for &ty in results {
            self.push(ty, Val::Temp);
        }
        Ok(())
    }

    // ---- operators -----------------------------------------------------

    fn unary(&mut self, ty: ValType, make: Ctor1) -> Result<()> {
        let a = self.pop_operand()?;
        self.emit_result(ty, |d| make(d, a));
        Ok(())
    }

    fn binary(&mut self, ty: ValType, make: Ctor2) -> Result<()> {
        let b = self.pop_operand()?;
        let a = self.pop_operand()?;
        self.emit_result(ty, |d| make(d, a, b));
        Ok(())
    }

    /// A binary operator with an immediate form `make_imm`, used when one
    /// operand is a constant that fits the immediate.
    fn binary_imm(&mut self, ty: ValType, make: Ctor2, make_imm: CtorImm, imm: Imm) -> Result<()> {
        let len = self.stack.len();
        if len < 2 {
            return Err(TranslateError("operand stack underflow".into()));
        }
        let (ea, eb) = (self.stack[len - 2], self.stack[len - 1]);
        // The immediate field holds an i32; ops on i64 operands (whatever
        // their result type) sign-extend it.
        let wide = ea.ty == ValType::I64;
        let narrow = self.narrow;
        let fit = |c: u64| -> Option<u32> {
            let c = if wide {
                c as i64
            } else {
                c as u32 as i32 as i64
            };
            let i = i32::try_from(c).ok()?;
            (!narrow || i16::try_from(i).is_ok()).then_some(i as u32)
        };
        let negate = |c: u64| -> u64 {
            if wide {
                (c as i64).wrapping_neg() as u64
            } else {
                (c as u32).wrapping_neg() as u64
            }
        };
        let chosen = match (ea.val, eb.val, imm) {
            (_, Val::Const(c), Imm::Plain { .. }) => fit(c).map(|i| (ea, i)),
            (_, Val::Const(c), Imm::Sub) => fit(negate(c)).map(|i| (ea, i)),
            (Val::Const(c), _, Imm::Plain { commutative: true }) => fit(c).map(|i| (eb, i)),
            _ => None,
        };
        match chosen {
            Some((e, i)) => {
                self.truncate(len - 2);
                let a = self.operand(e);
                self.emit_result(ty, |d| make_imm(d, a, i));
                Ok(())
            }
            None => self.binary(ty, make),
        }
    }

    fn load(&mut self, ty: ValType, memarg: MemArg, make: CtorImm) -> Result<()> {
        let offset = mem_offset(memarg)?;
        let e = self.pop()?;
        if let Some((op, mode)) = self.load_via(&e, offset, make) {
            self.emit_result_with(ty, op, Some(mode));
            return Ok(());
        }
        let (addr, offset) = self.address(e, offset);
        self.emit_result(ty, |d| make(d, addr, offset));
        Ok(())
    }

    /// A load (made by `make`) at offset `o2` of the address `e`, which the
    /// last instruction loaded with an `i32.load` into the accumulator's
    /// reach: both in one `Load32Load*` (offsets below 256), the first
    /// load taken back. Returns the fused instruction's maker and mode (the
    /// first load's: it reads the address the same way).
    fn load_via(
        &mut self,
        e: &Entry,
        o2: u32,
        make: CtorImm,
    ) -> Option<(impl FnOnce(Slot) -> Op, u8)> {
        let (at, t) = self.acc_producer?;
        let Op::Load32(_, a, o1) = self.ops[at] else {
            return None;
        };
        let fused: CtorImm = match make(0, 0, 0) {
            Op::Load32(..) => Op::Load32Load32,
            Op::Load16U(..) => Op::Load32Load16U,
            Op::Load8U(..) => Op::Load32Load8U,
            _ => return None,
        };
        let fits = self.narrow && o1 < 256 && o2 < 256;
        if !fits || at + 1 != self.ops.len() || e.val != Val::Temp || e.slot != t {
            return None;
        }
        let (_, mode) = self.take_last().expect("the first load");
        Some((move |d| fused(d, a, o1 | o2 << 8), mode))
    }

    fn store(&mut self, memarg: MemArg, make: CtorImm) -> Result<()> {
        let offset = mem_offset(memarg)?;
        let value = self.pop_operand()?;
        let e = self.pop()?;
        let (addr, offset) = self.address(e, offset);
        self.emit(make(addr, value, offset));
        Ok(())
    }

    /// The address slot and offset of a memory access on the popped
    /// address `e`. An offset too large for a narrow field is added
    /// beforehand in `e`'s canonical slot (free now, and read by the access
    /// before its result is written), see [`Op::AddrOffset`].
    fn address(&mut self, e: Entry, offset: u32) -> (Slot, u32) {
        if !self.narrow || offset <= u16::MAX as u32 {
            return (self.operand(e), offset);
        }
        if let Val::Const(c) = e.val {
            let ea = (c as u32 as u64 + (offset - 1) as u64).min(u32::MAX as u64);
            self.emit_const(e.slot, ea);
        } else {
            self.emit_move(e, e.slot);
            self.emit(Op::AddrOffset(e.slot, offset - 1));
        }
        (e.slot, 1)
    }

    /// `local.set`/`local.tee`.
    fn set_local(&mut self, index: u32, tee: bool) -> Result<()> {
        let (slot, ty) = self.local(index)?;
        let e = self.pop()?;
        if let Some(at) = self.producer_of(&e) {
            // Entries still reading the local are copied out *before* the
            // producer, which then writes the local directly. The copies
            // write canonical slots below the producer's operands, so they
            // cannot disturb it, and no label lies between (see
            // `last_producer`). Nor do they touch the accumulator, if the
            // producer reads an operand from it.
            debug_assert_eq!(at + 1, self.ops.len());
            let (mut op, mode) = self.take_last().expect("the producer");
            self.materialize_local(slot);
            if let Some(d) = op.dst_mut() {
                *d = slot;
            }
            self.emit_with_mode(op, mode);
            self.fuse_pair();
            if tee {
                self.push(ty, Val::Local(slot));
            }
        } else {
            self.materialize_local(slot);
            self.emit_move(e, slot);
            if !tee {
                self.fuse_pair();
            } else if self.modes.last().is_some_and(|&m| m & ACC_A != 0) {
                // The copy read a temporary from the accumulator (see
                // `link_acc`): its slot was never written, the local has it.
                self.push(ty, Val::Local(slot));
            } else {
                // Not fused: a branch testing the value may fuse with the
                // copy (see `fuse_with_last`).
                self.stack.push(e);
            }
        }
        Ok(())
    }

    /// Fuses the last instruction, just written to a local, with the one
    /// before it if they make a pair: two `i32` steps of locals in place (a
    /// loop's pointers and counters), a copy of an address and a load from
    /// it (a list walk), or two copies (the second may read the
    /// accumulator). Slots below 256 (see [`pack_slots`]).
    fn fuse_pair(&mut self) {
        let Some(p) = self.ops.len().checked_sub(2) else {
            return;
        };
        let mode = self.modes[p + 1];
        let copies = matches!(self.ops[p + 1], Op::Copy(..)) && mode & !ACC_A == 0;
        if p < self.label_at || self.modes[p] != 0 || mode != 0 && !copies {
            return;
        }
        let fused = match (self.ops[p], self.ops[p + 1]) {
            (Op::Copy(d1, s1), Op::Copy(d2, s2)) => {
                pack_slots(d1, s1).map(|q| Op::Copy2(q, d2, s2))
            }
            (Op::I32AddImm(x, x1, i), Op::I32AddImm(y, y1, j)) if x == x1 && y == y1 => {
                pack_slots(x, y).map(|s| Op::I32AddImm2(s, i, j))
            }
            (Op::I32AddImm(x, x1, i), Op::I32Add(y, a, b)) if x == x1 && (y == a || y == b) => {
                let z = if y == a { b } else { a };
                pack_slots(x, y).map(|s| Op::I32AddImmAdd(s, i, z))
            }
            (Op::Copy(keep, s), Op::Load32(d, a, o)) if s == a => {
                pack_slots(d, keep).map(|q| Op::Load32Keep(q, a, o))
            }
            _ => None,
        };
        if let Some(op) = fused {
            self.take_last();
            self.take_last();
            self.emit_with_mode(op, mode);
        }
    }

    fn select(&mut self) -> Result<()> {
        let len = self.stack.len();
        if len >= 3 && self.stack[len - 2].ty != ValType::V128 && self.select_acc()? {
            return Ok(());
        }
        if len >= 3 && self.stack[len - 2].ty == ValType::I32 && self.select_imm()? {
            return Ok(());
        }
        let cond = self.pop_operand()?;
        let b = self.pop()?;
        let b = self.operand(b);
        let a = self.pop()?;
        self.emit_move(a, a.slot);
        let op = if a.ty == ValType::V128 {
            Op::Select128(a.slot, cond, b)
        } else {
            Op::Select(a.slot, cond, b)
        };
        self.emit(op);
        self.push(a.ty, Val::Temp);
        Ok(())
    }

    /// A (one-slot) `select` whose condition was computed by the
    /// [`acc_producer`](Self::acc_producer): the condition passes through
    /// the accumulator, and the operands are read where they are, so the
    /// result may be retargeted (`SelectAcc`). Returns whether it applied.
    fn select_acc(&mut self) -> Result<bool> {
        let len = self.stack.len();
        let cond = self.stack[len - 1];
        let linkable = |t: &Translator| match t.acc_producer {
            Some((at, slot)) => {
                t.narrow
                    && cond.val == Val::Temp
                    && slot == cond.slot
                    && ACC_MASKS[t.ops[at].tag()] & ACC_D != 0
            }
            None => false,
        };
        if !linkable(self) {
            return Ok(false);
        }
        self.truncate(len - 1);
        let b = self.pop_operand()?;
        let a = self.pop()?;
        let ty = a.ty;
        let a = self.operand(a);
        // Constants the operands needed went to their canonical slots, below
        // the condition's: the link still holds.
        debug_assert!(linkable(self));
        let (at, _) = self.acc_producer.expect("checked above");
        // A condition `x & 1` with `x` in the accumulator is tested there,
        // and if `x` is `acc ^ s`, computed right before, so is that.
        let odd = at + 1 == self.ops.len()
            && self.modes[at] & ACC_A != 0
            && matches!(self.ops[at], Op::I32AndImm(_, _, 1));
        let xor = |t: &Self| {
            let x = at.checked_sub(1).filter(|&x| x >= t.label_at)?;
            let s = match (t.ops[x], t.modes[x] & !ACC_D) {
                (Op::I32Xor(_, _, s), ACC_A) | (Op::I32Xor(_, s, _), ACC_B) => s,
                _ => return None,
            };
            Some((s, pack_slots(a, b)?))
        };
        if let (true, Some((s, packed))) = (odd, xor(self)) {
            self.take_last();
            self.take_last();
            self.emit_result(ty, |d| Op::SelectOddXor(d, packed, s));
        } else if odd {
            self.take_last();
            self.emit_result(ty, |d| Op::SelectAccOdd(d, a, b));
        } else {
            self.modes[at] |= ACC_D;
            self.emit_result(ty, |d| Op::SelectAcc(d, a, b));
        }
        Ok(true)
    }

    /// `i32.add` of a local or temporary and the product computed by the
    /// last instruction, an `i32.mul` with one factor from the accumulator:
    /// one [`Op::I32MulAdd`] instead. Returns whether it applied.
    fn mul_add(&mut self) -> bool {
        let len = self.stack.len();
        let Some((at, t)) = self.acc_producer else {
            return false;
        };
        let (Op::I32Mul(_, x, y), mode) = (self.ops[at], self.modes[at]) else {
            return false;
        };
        if !self.narrow || len < 2 || at + 1 != self.ops.len() || mode & (ACC_A | ACC_B) == 0 {
            return false;
        }
        let product = |e: &Entry| e.val == Val::Temp && e.slot == t;
        let (ea, eb) = (self.stack[len - 2], self.stack[len - 1]);
        let addend = match (product(&ea), product(&eb)) {
            (false, true) => ea,
            (true, false) => eb,
            _ => return false,
        };
        let a = match addend.val {
            Val::Temp => addend.slot,
            Val::Local(s) => s,
            _ => return false,
        };
        let factor = if mode & ACC_A != 0 { y } else { x };
        self.truncate(len - 2);
        self.take_last();
        // The accumulator's producer, already linked to the product, now
        // feeds the fused instruction at the same place.
        self.emit_result_with(ValType::I32, |d| Op::I32MulAdd(d, a, factor), Some(0));
        true
    }

    /// `i32.eqz` of `a ^ b` or `a - b` computed by the last instruction
    /// (into a temporary): `a == b` instead, which a branch then fuses with.
    /// Returns whether it applied.
    fn eqz_of_difference(&mut self) -> bool {
        let Some(e) = self.stack.last().copied() else {
            return false;
        };
        let Some(at) = self.producer_of(&e) else {
            return false;
        };
        let Some(eq) = difference_compare(self.ops[at], true) else {
            return false;
        };
        // Same fields in the same roles: the mode carries over.
        self.ops[at] = eq;
        true
    }

    /// An `i32` `select` with one constant operand that fits a narrow
    /// immediate, the condition and the other operand in slots below 256:
    /// `SelectImmA`/`SelectImmB`, retargetable like any result. Returns
    /// whether it applied.
    fn select_imm(&mut self) -> Result<bool> {
        let len = self.stack.len();
        let imm = |e: &Entry| match e.val {
            Val::Const(c) => i16::try_from(c as u32 as i32).ok(),
            _ => None,
        };
        let (a, b) = (self.stack[len - 3], self.stack[len - 2]);
        let (first, k, other) = match (imm(&a), imm(&b)) {
            (Some(k), _) => (true, k, b),
            (None, Some(k)) => (false, k, a),
            (None, None) => return Ok(false),
        };
        // Where `operand` leaves each value: a local's slot, else its own.
        let slot = |e: &Entry| match e.val {
            Val::Local(s) => s,
            _ => e.slot,
        };
        let Some(packed) = pack_slots(slot(&self.stack[len - 1]), slot(&other)) else {
            return Ok(false);
        };
        let cond = self.pop()?;
        self.operand(cond);
        self.truncate(len - 3);
        self.operand(other);
        let k = k as i32 as u32;
        self.emit_result(ValType::I32, |d| match first {
            true => Op::SelectImmA(d, packed, k),
            false => Op::SelectImmB(d, packed, k),
        });
        Ok(true)
    }

    /// `i32.and` with a constant mask `2^k - 1` (`k <= 16`) on the result of
    /// the last instruction, if that is an `i32.shr_u` by a constant (a bit
    /// field: one [`Op::I32ShrUMask`] instead) or an `i32.add` of a constant
    /// that fits an `i8` (one [`Op::I32AddMask`]). Otherwise only a mask
    /// that `I32AndImm`'s signed immediate cannot hold (`0xffff`) becomes an
    /// `I32ShrUMask` (shifting by 0). Returns whether it applied.
    fn and_mask(&mut self) -> Result<bool> {
        let len = self.stack.len();
        if len < 2 {
            return Ok(false);
        }
        let Val::Const(c) = self.stack[len - 1].val else {
            return Ok(false);
        };
        let c = c as u32;
        let k = c.count_ones();
        if c == 0 || c & c.wrapping_add(1) != 0 || k > 16 {
            return Ok(false);
        }
        let e = self.stack[len - 2];
        // The fused form and its operand, by the producer of `e`.
        let producer = self.producer_of(&e).and_then(|at| match self.ops[at] {
            Op::I32ShrUImm(_, x, s) => Some((Op::I32ShrUMask as CtorImm, x, s & 31)),
            Op::I32AddImm(_, x, i) if self.narrow && i8::try_from(i as i32).is_ok() => {
                Some((Op::I32AddMask as CtorImm, x, i & 0xff))
            }
            _ => None,
        });
        if producer.is_none() && k < 16 {
            return Ok(false);
        }
        self.truncate(len - 2);
        let (make, x, low, mode) = match producer {
            Some((make, x, low)) => {
                // The producer's operand keeps its place (and accumulator role).
                let (_, mode) = self.take_last().expect("the producer");
                (make, x, low, Some(mode))
            }
            None => (Op::I32ShrUMask as CtorImm, self.operand(e), 0, None),
        };
        let imm = low | (32 - k) << 8;
        self.emit_result_with(ValType::I32, |d| make(d, x, imm), mode);
        Ok(true)
    }

    fn simd(&mut self, op: SimdOp) -> Result<()> {
        let (params, result) = op.signature();
        let mut slots = [0; 3];
        for k in (0..params.len().min(3)).rev() {
            slots[k] = self.pop_operand()?;
        }
        let dst = self.next_slot();
        let index = self.simd.len() as u32;
        self.simd.push(SimdInstr {
            op,
            dst,
            a: slots[0],
            b: slots[1],
            c: slots[2],
        });
        self.emit(Op::Simd(index));
        self.push(result, Val::Temp);
        Ok(())
    }

    fn simd_mem(&mut self, op: SimdMemOp, memarg: MemArg) -> Result<()> {
        let offset = mem_offset(memarg)?;
        let vector = if op.has_vector_operand() {
            self.pop_operand()?
        } else {
            0
        };
        let addr = self.pop_operand()?;
        let index = self.simd_mem.len() as u32;
        let dst = self.next_slot();
        self.simd_mem.push(SimdMemInstr {
            op,
            offset,
            dst,
            addr,
            vector,
        });
        self.emit(Op::SimdMem(index));
        if !op.is_store() {
            self.push(ValType::V128, Val::Temp);
        }
        Ok(())
    }

    fn operator(&mut self, op: Operator) -> Result<()> {
        use ValType::{F32, F64, I32, I64, V128};
        if let Operator::Loop { .. } = op {
            // Numbered as the JIT numbers them, dead ones too.
            self.loops.push(0);
        }
        if self.unreachable {
            // Skip dead code up to the `else`/`end` of the current block.
            match op {
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                    self.dead_depth += 1;
                    return Ok(());
                }
                Operator::End if self.dead_depth > 0 => {
                    self.dead_depth -= 1;
                    return Ok(());
                }
                Operator::Else | Operator::End if self.dead_depth == 0 => {}
                _ => return Ok(()),
            }
        }
        macro_rules! un {
            ($ty:expr, $op:ident) => {
                self.unary($ty, Op::$op)?
            };
        }
        macro_rules! bin {
            ($ty:expr, $op:ident) => {
                self.binary($ty, Op::$op)?
            };
        }
        macro_rules! imm {
            ($ty:expr, $op:ident, $opi:ident, $imm:expr) => {
                self.binary_imm($ty, Op::$op, Op::$opi, $imm)?
            };
        }
        const C: Imm = Imm::Plain { commutative: true };
        const N: Imm = Imm::Plain { commutative: false };
        macro_rules! retype {
            ($ty:expr) => {{
                let mut e = self.pop()?;
                e.ty = $ty;
                self.stack.push(e);
            }};
        }
        macro_rules! load {
            ($ty:expr, $memarg:expr, $op:ident) => {
                self.load($ty, $memarg, Op::$op)?
            };
        }
        macro_rules! store {
            ($memarg:expr, $op:ident) => {
                self.store($memarg, Op::$op)?
            };
        }
        match op {
            Operator::Unreachable => {
                self.emit(Op::Unreachable);
                self.unreachable = true;
            }
            Operator::Nop => {}
            Operator::Block { blockty } => {
                self.materialize_from(0);
                self.push_ctrl(CtrlKind::Block, blockty, None);
            }
            Operator::Loop { blockty } => {
                self.materialize_from(0);
                self.push_ctrl(CtrlKind::Loop, blockty, None);
                if self.count_loops {
                    let index = self.loops.len() - 1;
                    // The whole operand stack is in its slots (above).
                    self.loops[index] = self.next_slot();
                    self.emit(Op::LoopHead(index as u32));
                    // Nothing fuses across it either.
                    self.fence();
                }
            }
            Operator::If { blockty } => {
                let cond = self.pop_cond()?;
                self.materialize_from(0);
                let else_patch = self.emit_cond_branch(cond, true);
                self.push_ctrl(CtrlKind::If, blockty, else_patch);
            }
            Operator::Else => self.else_()?,
            Operator::End => self.end()?,
            Operator::Br { relative_depth } => {
                self.branch_to(relative_depth)?;
                self.unreachable = true;
            }
            Operator::BrIf { relative_depth } => self.br_if(relative_depth)?,
            Operator::BrTable { targets } => {
                self.br_table(&targets)?;
                self.unreachable = true;
            }
            Operator::Return => {
                self.emit_return()?;
                self.unreachable = true;
            }
            Operator::Call { function_index } => {
                let type_index = *self
                    .env
                    .funcs
                    .get(function_index as usize)
                    .ok_or_else(|| TranslateError("bad function index".into()))?;
                let ft = &self.env.types[type_index as usize];
                let (params, results) = (ft.params().len(), ft.results().to_vec());
                self.call(params, &results, |base| Op::Call(base, function_index))?;
            }
            Operator::CallIndirect {
                type_index,
                table_index,
            } => {
                let ft = &self.env.types[type_index as usize];
                let (params, results) = (ft.params().len(), ft.results().to_vec());
                let index = self.pop_operand()?;
                let at = self.aux_push(&[type_index, table_index, index]);
                self.call(params, &results, |base| Op::CallIndirect(base, at))?;
            }
            Operator::Drop => {
                self.pop()?;
            }
            Operator::Select => self.select()?,
            Operator::TypedSelect { .. } => self.select()?,
            Operator::LocalGet { local_index } => {
                let (slot, ty) = self.local(local_index)?;
                self.push(ty, Val::Local(slot));
            }
            Operator::LocalSet { local_index } => self.set_local(local_index, false)?,
            Operator::LocalTee { local_index } => self.set_local(local_index, true)?,
            Operator::GlobalGet { global_index } => {
                let ty = self.env.globals[global_index as usize].content_type;
                let ty = if ty.is_reference_type() { REF } else { ty };
                let set = self.last_global_set.filter(|&(at, _, g, _)| {
                    at + 1 == self.ops.len() && g == global_index && ty != V128
                });
                if let Some((_, src, ..)) = set.filter(|&(_, src, ..)| src < self.locals_end) {
                    self.push(ty, Val::Local(src));
                } else if let Some((at, _, _, producer)) =
                    set.filter(|&(_, src, ..)| src == self.next_slot())
                {
                    if let Some(p) = producer.filter(|_| self.modes[at] != 0) {
                        self.modes[at] = 0;
                        self.modes[p] &= !ACC_D;
                    }
                    self.push(ty, Val::Temp);
                } else if ty == V128 {
                    self.emit_result(ty, |d| Op::GlobalGet128(d, global_index));
                } else {
                    self.emit_result(ty, |d| Op::GlobalGet(d, global_index));
                }
            }
            Operator::GlobalSet { global_index } => {
                let e = self.pop()?;
                let src = self.operand(e);
                if e.ty == V128 {
                    self.emit(Op::GlobalSet128(src, global_index));
                } else {
                    let producer = self.acc_producer.map(|(p, _)| p);
                    let at = self.emit(Op::GlobalSet(src, global_index));
                    self.last_global_set = Some((at, src, global_index, producer));
                }
            }
            Operator::I32Load { memarg } | Operator::F32Load { memarg } => {
                load!(I32, memarg, Load32)
            }
            Operator::I64Load { memarg } | Operator::F64Load { memarg } => {
                load!(I64, memarg, Load64)
            }
            Operator::I32Load8S { memarg } => load!(I32, memarg, Load8S32),
            Operator::I32Load8U { memarg } => load!(I32, memarg, Load8U),
            Operator::I64Load8U { memarg } => load!(I64, memarg, Load8U),
            Operator::I32Load16S { memarg } => load!(I32, memarg, Load16S32),
            Operator::I32Load16U { memarg } => load!(I32, memarg, Load16U),
            Operator::I64Load8S { memarg } => load!(I64, memarg, Load8S64),
            Operator::I64Load16S { memarg } => load!(I64, memarg, Load16S64),
            Operator::I64Load16U { memarg } => load!(I64, memarg, Load16U),
            Operator::I64Load32S { memarg } => load!(I64, memarg, Load32S64),
            Operator::I64Load32U { memarg } => load!(I64, memarg, Load32),
            Operator::I32Store { memarg } | Operator::F32Store { memarg } => {
                store!(memarg, Store32)
            }
            Operator::I64Store { memarg } | Operator::F64Store { memarg } => {
                store!(memarg, Store64)
            }
            Operator::I32Store8 { memarg } | Operator::I64Store8 { memarg } => {
                store!(memarg, Store8)
            }
            Operator::I32Store16 { memarg } | Operator::I64Store16 { memarg } => {
                store!(memarg, Store16)
            }
            Operator::I64Store32 { memarg } => store!(memarg, Store32),
            Operator::MemorySize { .. } => self.emit_result(I32, Op::MemorySize),
            Operator::MemoryGrow { .. } => {
                let base = self.pop_in_place(1)?;
                self.emit(Op::MemoryGrow(base));
                self.push(I32, Val::Temp);
            }
            Operator::MemoryFill { .. } => self.bulk_memory(Op::MemoryFill)?,
            Operator::MemoryCopy { .. } => self.bulk_memory(Op::MemoryCopy)?,
            Operator::MemoryInit { data_index, .. } => {
                let base = self.pop_in_place(3)?;
                self.emit(Op::MemoryInit(base, data_index));
            }
            Operator::DataDrop { data_index } => {
                self.emit(Op::DataDrop(data_index));
            }
            Operator::TableGet { table } => {
                let index = self.pop_operand()?;
                self.emit_result(REF, |d| Op::TableGet(d, index, table));
            }
            Operator::TableSet { table } => {
                let value = self.pop_operand()?;
                let index = self.pop_operand()?;
                self.emit(Op::TableSet(index, value, table));
            }
            Operator::TableSize { table } => self.emit_result(I32, |d| Op::TableSize(d, table)),
            Operator::TableGrow { table } => {
                let base = self.pop_in_place(2)?;
                self.emit(Op::TableGrow(base, table));
                self.push(I32, Val::Temp);
            }
            Operator::TableFill { table } => {
                let base = self.pop_in_place(3)?;
                self.emit(Op::TableFill(base, table));
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let base = self.pop_in_place(3)?;
                self.emit(Op::TableCopy(base, dst_table, src_table));
            }
            Operator::TableInit { elem_index, table } => {
                let base = self.pop_in_place(3)?;
                let at = self.aux_push(&[elem_index, table]);
                self.emit(Op::TableInit(base, at));
            }
            Operator::ElemDrop { elem_index } => {
                self.emit(Op::ElemDrop(elem_index));
            }
            Operator::RefNull { .. } => {
                self.push(REF, Val::Const(0));
            }
            Operator::RefIsNull => un!(I32, I64Eqz),
            Operator::RefFunc { function_index } => {
                self.emit_result(REF, |d| Op::RefFunc(d, function_index))
            }
            Operator::I32Const { value } => {
                self.push(I32, Val::Const(value as u32 as u64));
            }
            Operator::I64Const { value } => {
                self.push(I64, Val::Const(value as u64));
            }
            Operator::F32Const { value } => {
                self.push(F32, Val::Const(value.bits() as u64));
            }
            Operator::F64Const { value } => {
                self.push(F64, Val::Const(value.bits()));
            }
            Operator::V128Const { value } => {
                self.push(V128, Val::ConstV128(u128::from_le_bytes(*value.bytes())));
            }

            Operator::I32Eqz => {
                if !self.eqz_of_difference() {
                    un!(I32, I32Eqz)
                }
            }
            Operator::I32Eq => imm!(I32, I32Eq, I32EqImm, C),
            Operator::I32Ne => imm!(I32, I32Ne, I32NeImm, C),
            Operator::I32LtS => imm!(I32, I32LtS, I32LtSImm, N),
            Operator::I32LtU => imm!(I32, I32LtU, I32LtUImm, N),
            Operator::I32GtS => imm!(I32, I32GtS, I32GtSImm, N),
            Operator::I32GtU => imm!(I32, I32GtU, I32GtUImm, N),
            Operator::I32LeS => imm!(I32, I32LeS, I32LeSImm, N),
            Operator::I32LeU => imm!(I32, I32LeU, I32LeUImm, N),
            Operator::I32GeS => imm!(I32, I32GeS, I32GeSImm, N),
            Operator::I32GeU => imm!(I32, I32GeU, I32GeUImm, N),
            Operator::I64Eqz => un!(I32, I64Eqz),
            Operator::I64Eq => imm!(I32, I64Eq, I64EqImm, C),
            Operator::I64Ne => imm!(I32, I64Ne, I64NeImm, C),
            Operator::I64LtS => imm!(I32, I64LtS, I64LtSImm, N),
            Operator::I64LtU => imm!(I32, I64LtU, I64LtUImm, N),
            Operator::I64GtS => imm!(I32, I64GtS, I64GtSImm, N),
            Operator::I64GtU => imm!(I32, I64GtU, I64GtUImm, N),
            Operator::I64LeS => imm!(I32, I64LeS, I64LeSImm, N),
            Operator::I64LeU => imm!(I32, I64LeU, I64LeUImm, N),
            Operator::I64GeS => imm!(I32, I64GeS, I64GeSImm, N),
            Operator::I64GeU => imm!(I32, I64GeU, I64GeUImm, N),
            Operator::F32Eq => bin!(I32, F32Eq),
            Operator::F32Ne => bin!(I32, F32Ne),
            Operator::F32Lt => bin!(I32, F32Lt),
            Operator::F32Gt => bin!(I32, F32Gt),
            Operator::F32Le => bin!(I32, F32Le),
            Operator::F32Ge => bin!(I32, F32Ge),
            Operator::F64Eq => bin!(I32, F64Eq),
            Operator::F64Ne => bin!(I32, F64Ne),
            Operator::F64Lt => bin!(I32, F64Lt),
            Operator::F64Gt => bin!(I32, F64Gt),
            Operator::F64Le => bin!(I32, F64Le),
            Operator::F64Ge => bin!(I32, F64Ge),

            Operator::I32Clz => un!(I32, I32Clz),
            Operator::I32Ctz => un!(I32, I32Ctz),
            Operator::I32Popcnt => un!(I32, I32Popcnt),
            Operator::I32Add => {
                if !self.mul_add() {
                    imm!(I32, I32Add, I32AddImm, C)
                }
            }
            Operator::I32Sub => imm!(I32, I32Sub, I32AddImm, Imm::Sub),
            Operator::I32Mul => imm!(I32, I32Mul, I32MulImm, C),
            Operator::I32DivS => bin!(I32, I32DivS),
            Operator::I32DivU => bin!(I32, I32DivU),
            Operator::I32RemS => bin!(I32, I32RemS),
            Operator::I32RemU => bin!(I32, I32RemU),
            Operator::I32And => {
                if !self.and_mask()? {
                    imm!(I32, I32And, I32AndImm, C)
                }
            }
            Operator::I32Or => imm!(I32, I32Or, I32OrImm, C),
            Operator::I32Xor => imm!(I32, I32Xor, I32XorImm, C),
            Operator::I32Shl => imm!(I32, I32Shl, I32ShlImm, N),
            Operator::I32ShrS => imm!(I32, I32ShrS, I32ShrSImm, N),
            Operator::I32ShrU => imm!(I32, I32ShrU, I32ShrUImm, N),
            Operator::I32Rotl => bin!(I32, I32Rotl),
            Operator::I32Rotr => bin!(I32, I32Rotr),
            Operator::I64Clz => un!(I64, I64Clz),
            Operator::I64Ctz => un!(I64, I64Ctz),
            Operator::I64Popcnt => un!(I64, I64Popcnt),
            Operator::I64Add => imm!(I64, I64Add, I64AddImm, C),
            Operator::I64Sub => imm!(I64, I64Sub, I64AddImm, Imm::Sub),
            Operator::I64Mul => imm!(I64, I64Mul, I64MulImm, C),
            Operator::I64DivS => bin!(I64, I64DivS),
            Operator::I64DivU => bin!(I64, I64DivU),
            Operator::I64RemS => bin!(I64, I64RemS),
            Operator::I64RemU => bin!(I64, I64RemU),
            Operator::I64And => imm!(I64, I64And, I64AndImm, C),
            Operator::I64Or => imm!(I64, I64Or, I64OrImm, C),
            Operator::I64Xor => imm!(I64, I64Xor, I64XorImm, C),
            Operator::I64Shl => imm!(I64, I64Shl, I64ShlImm, N),
            Operator::I64ShrS => imm!(I64, I64ShrS, I64ShrSImm, N),
            Operator::I64ShrU => imm!(I64, I64ShrU, I64ShrUImm, N),
            Operator::I64Rotl => bin!(I64, I64Rotl),
            Operator::I64Rotr => bin!(I64, I64Rotr),

            Operator::F32Abs => un!(F32, F32Abs),
            Operator::F32Neg => un!(F32, F32Neg),
            Operator::F32Ceil => un!(F32, F32Ceil),
            Operator::F32Floor => un!(F32, F32Floor),
            Operator::F32Trunc => un!(F32, F32Trunc),
            Operator::F32Nearest => un!(F32, F32Nearest),
            Operator::F32Sqrt => un!(F32, F32Sqrt),
            Operator::F32Add => bin!(F32, F32Add),
            Operator::F32Sub => bin!(F32, F32Sub),
            Operator::F32Mul => bin!(F32, F32Mul),
            Operator::F32Div => bin!(F32, F32Div),
            Operator::F32Min => bin!(F32, F32Min),
            Operator::F32Max => bin!(F32, F32Max),
            Operator::F32Copysign => bin!(F32, F32Copysign),
            Operator::F64Abs => un!(F64, F64Abs),
            Operator::F64Neg => un!(F64, F64Neg),
            Operator::F64Ceil => un!(F64, F64Ceil),
            Operator::F64Floor => un!(F64, F64Floor),
            Operator::F64Trunc => un!(F64, F64Trunc),
            Operator::F64Nearest => un!(F64, F64Nearest),
            Operator::F64Sqrt => un!(F64, F64Sqrt),
            Operator::F64Add => bin!(F64, F64Add),
            Operator::F64Sub => bin!(F64, F64Sub),
            Operator::F64Mul => bin!(F64, F64Mul),
            Operator::F64Div => bin!(F64, F64Div),
            Operator::F64Min => bin!(F64, F64Min),
            Operator::F64Max => bin!(F64, F64Max),
            Operator::F64Copysign => bin!(F64, F64Copysign),

            Operator::I32WrapI64 => un!(I32, I32WrapI64),
            Operator::I32TruncF32S => un!(I32, I32TruncF32S),
            Operator::I32TruncF32U => un!(I32, I32TruncF32U),
            Operator::I32TruncF64S => un!(I32, I32TruncF64S),
            Operator::I32TruncF64U => un!(I32, I32TruncF64U),
            Operator::I64ExtendI32S => un!(I64, I64ExtendI32S),
            // i32 slots are zero-extended: the value already is the i64.
            Operator::I64ExtendI32U => retype!(I64),
            Operator::I64TruncF32S => un!(I64, I64TruncF32S),
            Operator::I64TruncF32U => un!(I64, I64TruncF32U),
            Operator::I64TruncF64S => un!(I64, I64TruncF64S),
            Operator::I64TruncF64U => un!(I64, I64TruncF64U),
            Operator::F32ConvertI32S => un!(F32, F32ConvertI32S),
            Operator::F32ConvertI32U => un!(F32, F32ConvertI32U),
            Operator::F32ConvertI64S => un!(F32, F32ConvertI64S),
            Operator::F32ConvertI64U => un!(F32, F32ConvertI64U),
            Operator::F32DemoteF64 => un!(F32, F32DemoteF64),
            Operator::F64ConvertI32S => un!(F64, F64ConvertI32S),
            Operator::F64ConvertI32U => un!(F64, F64ConvertI32U),
            Operator::F64ConvertI64S => un!(F64, F64ConvertI64S),
            Operator::F64ConvertI64U => un!(F64, F64ConvertI64U),
            Operator::F64PromoteF32 => un!(F64, F64PromoteF32),
            // Slots hold floats as their bits: reinterpretation is free.
            Operator::I32ReinterpretF32 => retype!(I32),
            Operator::I64ReinterpretF64 => retype!(I64),
            Operator::F32ReinterpretI32 => retype!(F32),
            Operator::F64ReinterpretI64 => retype!(F64),
            Operator::I32Extend8S => un!(I32, I32Extend8S),
            Operator::I32Extend16S => un!(I32, I32Extend16S),
            Operator::I64Extend8S => un!(I64, I64Extend8S),
            Operator::I64Extend16S => un!(I64, I64Extend16S),
            Operator::I64Extend32S => un!(I64, I64Extend32S),
            Operator::I32TruncSatF32S => un!(I32, I32TruncSatF32S),
            Operator::I32TruncSatF32U => un!(I32, I32TruncSatF32U),
            Operator::I32TruncSatF64S => un!(I32, I32TruncSatF64S),
            Operator::I32TruncSatF64U => un!(I32, I32TruncSatF64U),
            Operator::I64TruncSatF32S => un!(I64, I64TruncSatF32S),
            Operator::I64TruncSatF32U => un!(I64, I64TruncSatF32U),
            Operator::I64TruncSatF64S => un!(I64, I64TruncSatF64S),
            Operator::I64TruncSatF64U => un!(I64, I64TruncSatF64U),

            ref other => {
                if let Some(s) = SimdOp::from_operator(other) {
                    self.simd(s)?;
                } else if let Some((m, memarg)) = SimdMemOp::from_operator(other) {
                    self.simd_mem(m, memarg)?;
                } else {
                    return Err(TranslateError(
                        format!("unsupported operator {other:?}").into(),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The constant offset of a memory access (32-bit memories only).
fn mem_offset(memarg: MemArg) -> Result<u32> {
    u32::try_from(memarg.offset).map_err(|_| TranslateError("64-bit memory offset".into()))
}
