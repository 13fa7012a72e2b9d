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
//!
//! One concept a file: [`visit`] walks the operators, [`stack`] keeps the
//! virtual stack, [`control`] the blocks and branches, [`fuse`] the
//! peephole fusions, [`accumulator`] the values passed in a register; this
//! file drives them and emits.

mod accumulator;
mod control;
mod fuse;
mod stack;
mod visit;

use fuse::*;

use crate::bytecode::*;
use crate::simd::{SimdMemOp, SimdOp};
use std::borrow::Cow;
use std::sync::atomic::AtomicU32;
use tandem_vm::walk::{walk, OpInfo, Translate};
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
    /// The body of a legacy `try`, before its first `catch`.
    Try,
    /// A legacy `try`'s catch clause: under its operand stack, in the
    /// block's first slot, lies the exception it caught, for `rethrow`.
    Catch,
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
    /// For a `try_table` or a legacy `try`: its entry in the handlers.
    handler: Option<usize>,
    /// `(handler, clause)` of each catch clause that targets the end of
    /// the block.
    catches: Vec<(usize, usize)>,
    /// A legacy `try`'s clauses so far, which go to its handler at `end`.
    legacy: Vec<Catch>,
    /// How many handlers there were when the block opened (its own
    /// included): those that enclose it, where a legacy `delegate` to its
    /// label sends an exception.
    handlers_before: usize,
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
    /// Per `loop` operator so far (reachable or not), the types of the
    /// values live at its header (see [`LoopOsr`]).
    loops: Vec<Box<[ValType]>>,
    ops: Vec<Op>,
    /// The accumulator mode of each instruction (see [`Instr`]).
    modes: Vec<u8>,
    /// See [`FuncCode::aux`].
    aux: Vec<u32>,
    simd: Vec<SimdInstr>,
    simd_mem: Vec<SimdMemInstr>,
    mem: Vec<MemInstr>,
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
    /// See [`FuncCode::handlers`].
    handlers: Vec<Handler>,
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
            ops: Vec::new(),
            modes: Vec::new(),
            aux: Vec::new(),
            simd: Vec::new(),
            simd_mem: Vec::new(),
            mem: Vec::new(),
            stack: Vec::new(),
            ctrls: Vec::new(),
            clean: 0,
            locals,
            locals_end: next,
            max_slot: next,
            results: ty.results().to_vec(),
            unreachable: false,
            last_producer: None,
            acc_producer: None,
            label_at: 0,
            last_global_set: None,
            handlers: Vec::new(),
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
            handler: None,
            catches: Vec::new(),
            legacy: Vec::new(),
            handlers_before: 0,
        });
        let loops = walk(env, func_index, &mut t)?;
        t.loops.resize(loops as usize, Box::default());
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

    /// The translation in the encoding of width `S`, if everything fits.
    fn finish<S: Width<Word = u32>>(&self) -> Option<FuncCode<S>> {
        let (ops, modes, handlers) = self.write_through();
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
            mem: self.mem.as_slice().into(),
            func_index: self.func_index,
            param_slots,
            local_slots: self.locals_end - param_slots,
            frame_slots: self.max_slot,
            params: ty.params().into(),
            results: ty.results().into(),
            has_memory: !self.env.memories.is_empty(),
            handlers: handlers.into_owned().into(),
            countdown: AtomicU32::new(NOT_COUNTING),
            heat: AtomicU32::new(0),
            loops: match self.count_loops {
                true => (self.loops.iter())
                    .map(|live| LoopOsr {
                        live: live.clone(),
                        entry: Default::default(),
                    })
                    .collect(),
                false => Box::default(),
            },
        })
    }
}

impl Translator<'_> {
    fn emit(&mut self, op: Op) -> usize {
        let mode = self.link_acc(&op);
        self.emit_with_mode(op, mode)
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

    /// Appends words to `aux`; returns the index of the first.
    fn aux_push(&mut self, words: &[u32]) -> u32 {
        let at = self.aux.len() as u32;
        self.aux.extend_from_slice(words);
        at
    }
}

/// The shared walk drives the translator: it skips unreachable code,
/// numbers loops, and asks for the checks at the points both tiers make
/// them.
impl Translate for Translator<'_> {
    type Error = TranslateError;
    type Charge = usize;

    fn unreachable(&self) -> bool {
        self.unreachable
    }

    fn finished(&self) -> bool {
        self.ctrls.is_empty()
    }

    fn operator(&mut self, op: Operator<'_>, info: OpInfo) -> Result<()> {
        Translator::operator(self, op, info)
    }

    fn epoch_check(&mut self) {
        self.emit(Op::Epoch);
    }

    fn fuel_charge(&mut self) -> usize {
        self.emit(Op::Fuel(0))
    }

    fn set_fuel(&mut self, at: usize, cost: u64) {
        self.ops[at] = Op::Fuel(cost as u32);
    }
}
