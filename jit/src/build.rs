//! Wasm → SSA: one pass over a validated function body.
//!
//! Wasm locals become SSA values by Braun et al.'s construction ("Simple
//! and Efficient Construction of Static Single Assignment Form", 2013):
//! each block remembers the last value written to each local; a read in a
//! block without one asks its predecessors, and a block with several gets
//! a parameter. Structured control flow makes sealing simple: a block is
//! sealed once all jumps to it exist, which for a `loop` header is at its
//! `end`. Parameters carry the Wasm operand stack across edges too (block
//! results, loop parameters); those come first, then the locals' ones.
//! A read in a sealed block asks every predecessor at once and makes no
//! parameter when they all agree (a local a `block`'s arms left alone); a
//! read in a loop header before its `end` makes a parameter whose
//! arguments are filled in when the header is sealed. Parameters that
//! turn out to have a single incoming value are removed at the end.

use crate::ir::*;
use crate::passes::resolve;
use rustc_hash::FxHashMap;
use tandem_vm::osr::MAX_OSR_VALUES;
use tandem_vm::simd::{SimdMemOp, SimdOp};
use tandem_vm::walk::{walk, OpInfo, Translate};
use tandem_vm::{ModuleEnv, TrapCode};
use wasmparser::{BlockType, FuncType, Operator};

/// Why a function could not be compiled.
#[derive(Debug)]
pub enum BuildError {
    /// An operator this tier does not compile yet.
    Unsupported(String),
    Parse(wasmparser::BinaryReaderError),
}

impl From<wasmparser::BinaryReaderError> for BuildError {
    fn from(e: wasmparser::BinaryReaderError) -> BuildError {
        BuildError::Parse(e)
    }
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Unsupported(what) => {
                write!(f, "uses {what}, which the JIT does not compile")
            }
            BuildError::Parse(e) => write!(f, "{e}"),
        }
    }
}

type Result<T> = std::result::Result<T, BuildError>;

enum FrameKind {
    Block,
    Loop,
    /// The block the `else` arm starts in, and what it starts with: the
    /// `if`'s parameters (and the frame's `below` values under them).
    If(Block, Vec<Value>),
    Else,
    /// The body of a legacy `try`, whose `Try` is open.
    Try,
    /// A legacy `try`'s catch clause. Its operand stack starts with the
    /// landing pad's parameters for the values under the `try` (`below`),
    /// then the exception it caught, which only `rethrow` sees; `outer`
    /// are those values as the code before the `try` had them, for the
    /// code after it. `next` is where the landing pad goes on trying the
    /// clauses after this one, if anything throws and this clause may not
    /// take it.
    Catch {
        next: Option<Block>,
        below: Vec<Value>,
        outer: Vec<Value>,
    },
}

/// An enclosing construct: where a branch to it goes, and what it leaves.
struct Frame {
    kind: FrameKind,
    /// The loop header (for `loop`), else the block after `end`.
    label: Block,
    /// The block after `end`.
    end: Block,
    /// Types a branch to the label carries.
    label_types: Vec<Ty>,
    /// Operand-stack height below the frame's parameters.
    height: usize,
    /// How many values from the bottom of the operand stack a branch to
    /// the label (or to the end) passes before the label's own: none, but
    /// in a build for an OSR entry, all below the frame. There, every loop
    /// header and every end block takes the whole operand stack, so values
    /// from below a construct reach its inside and what follows it through
    /// blocks that dominate them, not from the code before the entry's
    /// loop, which the entry skips (and an outer loop reaches again through
    /// its back-edge). Those that turn out to be the same on every edge
    /// are removed with the other trivial parameters.
    below: usize,
    /// Whether the code after `end` can be reached.
    end_reached: bool,
}

/// The function being built, and the SSA construction state.
struct Builder<'a> {
    env: &'a ModuleEnv,
    f: Function,
    /// Type of each local.
    locals: Vec<Ty>,
    /// Last value of `(local, block)` for blocks that have ended (and
    /// values at entry found by reading).
    defs: FxHashMap<(u32, Block), Value>,
    /// The current block's values of locals, valid where `cur_epoch` is
    /// `epoch`: reads and writes within a block need no hashing. A block
    /// whose only predecessor is the block just ended (after `br_if`, an
    /// `if`'s `then` arm) starts with that block's values, so it keeps the
    /// epoch; any other block starts a new one.
    cur_val: Vec<Value>,
    cur_epoch: Vec<u32>,
    epoch: u32,
    /// What a parameter found to have one incoming value stands for
    /// (`alias[v] == v` for the others; values past the end stand for
    /// themselves).
    alias: Vec<Value>,
    /// Locals the current block wrote, flushed to `defs` when it ends, and
    /// per local the block that last wrote it.
    written: Vec<u32>,
    wrote_in: Vec<u32>,
    sealed: Vec<bool>,
    /// Per block, the edges into it: a predecessor and which of its
    /// terminator's targets (a predecessor's edges are consecutive).
    preds: Vec<Vec<(Block, u32)>>,
    /// Per loop header, its parameters that stand for locals and await
    /// their arguments until the header is sealed, and which locals.
    var_params: Vec<Vec<(Value, u32)>>,
    /// Per block, its parameters that carry operand-stack values.
    stack_params: Vec<usize>,
    stack: Vec<Value>,
    frames: Vec<Frame>,
    /// The block instructions go to; `None` in unreachable code.
    cur: Option<Block>,
    /// How many `loop`s are open.
    loop_depth: u32,
    /// For an on-stack-replacement entry: which `loop` it enters (see
    /// [`build_osr`]), and its entry block.
    osr: Option<(u32, Block)>,
    /// Whether the entry of `osr` jumps to its loop yet.
    osr_entered: bool,
    /// The open `try_table`s, innermost last.
    trys: Vec<Try>,
}

/// An open `try_table`: the landing pad its calls and throws go to, and
/// the catch clauses the pad tries in order.
struct Try {
    /// Its frame's index in `frames`.
    frame: usize,
    landing: Block,
    /// `(tag, with_ref, label)` per clause (`None`: any tag), labels as
    /// seen from outside the `try_table`.
    clauses: Vec<(Option<u32>, bool, u32)>,
    /// How many operand-stack values lie under the `try_table`'s
    /// parameters: the landing pad takes them as parameters (an OSR
    /// entry's edges reach it without passing where they were defined),
    /// and the clauses' branches carry them on.
    below: usize,
}

/// Builds the SSA form of local function `func_index`.
pub fn build(env: &ModuleEnv, func_index: u32) -> Result<Function> {
    build_entered_at(env, func_index, None)
}

/// Builds local function `func_index` entered at the header of its `loop`
/// number `loop_index` (counting every `loop` operator of the body from 0,
/// in order) by on-stack replacement: its parameters are the values of all
/// its locals there, then the operand stack at the loop's start (what lies
/// below the loop, then the loop's parameters); its results are the
/// function's. The body is the whole function's, so the rest of the
/// running call finishes in it: code before the loop stays unreachable
/// unless an enclosing loop comes back to it. An error if that loop is
/// never reached, or the entry would take more than [`MAX_OSR_VALUES`].
pub fn build_osr(env: &ModuleEnv, func_index: u32, loop_index: u32) -> Result<Function> {
    build_entered_at(env, func_index, Some(loop_index))
}

fn build_entered_at(env: &ModuleEnv, func_index: u32, osr: Option<u32>) -> Result<Function> {
    let ty = env.func_type(func_index);
    let mut b = Builder {
        env,
        f: Function::default(),
        locals: Vec::new(),
        defs: FxHashMap::default(),
        cur_val: Vec::new(),
        cur_epoch: Vec::new(),
        epoch: 0,
        written: Vec::new(),
        wrote_in: Vec::new(),
        alias: Vec::new(),
        sealed: Vec::new(),
        preds: Vec::new(),
        var_params: Vec::new(),
        stack_params: Vec::new(),
        stack: Vec::new(),
        frames: Vec::new(),
        cur: None,
        loop_depth: 0,
        osr: None,
        osr_entered: false,
        trys: Vec::new(),
    };
    b.f.results = types(ty.results());
    // Block 0 is the function's entry: the OSR entry if there is one, so
    // the Wasm entry below has no predecessor.
    if let Some(loop_index) = osr {
        let at = b.new_block(&[]);
        b.seal(at);
        b.osr = Some((loop_index, at));
    }
    let entry = b.new_block(&[]);
    b.seal(entry);
    b.cur = Some(entry);
    for (i, &p) in ty.params().iter().enumerate() {
        let t = Ty::of(p);
        let v = b.f.add_param(entry, t);
        b.locals.push(t);
        b.defs.insert((i as u32, entry), v);
    }
    let body = env.body(func_index);
    // Roughly one instruction and value per two bytes of code, so the
    // vectors seldom grow.
    let size = (body.range().end - body.range().start) as usize;
    b.defs.reserve(size / 4);
    b.f.insts.reserve(size / 2);
    b.f.types.reserve(size / 2);
    b.f.defs.reserve(size / 2);
    for local in body.get_locals_reader()? {
        let (count, t) = local?;
        let t = Ty::of(t);
        let zero = match t {
            Ty::V128 => InstKind::VConst(0),
            _ => InstKind::Const(0),
        };
        let zero = b.f.push(entry, zero, &[t]);
        let zero = b.f.result(zero);
        for _ in 0..count {
            let index = b.locals.len() as u32;
            b.locals.push(t);
            b.defs.insert((index, entry), zero);
        }
    }
    if let Some((_, at)) = b.osr {
        for (i, &t) in b.locals.iter().enumerate() {
            let v = b.f.add_param(at, t);
            b.defs.insert((i as u32, at), v);
        }
    }
    let n = b.locals.len();
    b.cur_val = vec![Value(0); n];
    b.cur_epoch = vec![u32::MAX; n];
    b.wrote_in = vec![u32::MAX; n];
    let results = b.f.results.clone();
    let end = b.new_block(&results);
    b.frames.push(Frame {
        kind: FrameKind::Block,
        label: end,
        end,
        label_types: results,
        height: 0,
        below: 0,
        end_reached: false,
    });
    walk(env, func_index, &mut b)?;
    if let (Some(loop_index), false) = (osr, b.osr_entered) {
        return Err(unsupported(&format!(
            "an OSR entry at loop {loop_index}, which is never reached"
        )));
    }
    let osr_params = &b.f.block(Block(0)).params;
    if osr_params.len() > MAX_OSR_VALUES as usize {
        return Err(unsupported("an OSR entry taking so many values"));
    }
    // Every block is sealed, so every edge has its arguments: what is
    // left is parameters that turned out to have one incoming value.
    crate::passes::remove_trivial_params(&mut b.f, b.alias);
    Ok(b.f)
}

fn unsupported(what: &str) -> BuildError {
    BuildError::Unsupported(what.to_string())
}

fn types(list: &[wasmparser::ValType]) -> Vec<Ty> {
    list.iter().map(|&t| Ty::of(t)).collect()
}

impl Builder<'_> {
    fn new_block(&mut self, params: &[Ty]) -> Block {
        let b = self.f.new_block();
        self.f.block_mut(b).loop_depth = self.loop_depth;
        for &t in params {
            self.f.add_param(b, t);
        }
        self.sealed.push(false);
        self.preds.push(Vec::new());
        self.var_params.push(Vec::new());
        self.stack_params.push(params.len());
        b
    }

    /// Makes `b` the current block, with none of the locals' values known
    /// yet.
    fn enter(&mut self, b: Block) {
        self.cur = Some(b);
        self.epoch += 1;
    }

    /// Marks `b` as having all its predecessors, and gives the parameters
    /// its locals' reads made meanwhile their arguments.
    fn seal(&mut self, b: Block) {
        let mut k = 0;
        while k < self.var_params[b.0 as usize].len() {
            let (v, local) = self.var_params[b.0 as usize][k];
            let index = self.stack_params[b.0 as usize] + k;
            debug_assert_eq!(self.f.block(b).params[index], v);
            self.add_args(b, local, index + 1);
            k += 1;
        }
        self.var_params[b.0 as usize].clear();
        self.sealed[b.0 as usize] = true;
    }

    /// Gives every edge into `b` its argument for parameter `want - 1`,
    /// which stands for `local`.
    fn add_args(&mut self, b: Block, local: u32, want: usize) {
        let bi = b.0 as usize;
        let mut last = None;
        for k in 0..self.preds[bi].len() {
            let (p, target) = self.preds[bi][k];
            let v = match last {
                Some((q, v)) if q == p => v,
                _ => self.read_local(local, p),
            };
            last = Some((p, v));
            let t = &mut self.f.block_mut(p).term.targets_mut()[target as usize];
            debug_assert!(t.block == b && t.args.len() + 1 == want);
            t.args.push(v);
        }
    }

    fn block_type(&self, bt: BlockType) -> Result<(Vec<Ty>, Vec<Ty>)> {
        match bt {
            BlockType::Empty => Ok((vec![], vec![])),
            BlockType::Type(t) => Ok((vec![], vec![Ty::of(t)])),
            BlockType::FuncType(i) => {
                let ft: &FuncType = &self.env.types[i as usize];
                Ok((types(ft.params()), types(ft.results())))
            }
        }
    }

    // --- SSA construction for locals ---

    fn write_local(&mut self, local: u32, v: Value) {
        let b = self.cur.expect("writes happen in reachable code");
        let l = local as usize;
        if self.wrote_in[l] != b.0 {
            self.wrote_in[l] = b.0;
            self.written.push(local);
        }
        self.cur_epoch[l] = self.epoch;
        self.cur_val[l] = v;
    }

    /// A local's value in the current block.
    fn get_local(&mut self, local: u32) -> Value {
        let b = self.cur.expect("reads happen in reachable code");
        let l = local as usize;
        if self.cur_epoch[l] == self.epoch {
            return self.cur_val[l];
        }
        let v = self.read_local(local, b);
        self.cur_epoch[l] = self.epoch;
        self.cur_val[l] = v;
        v
    }

    /// A local's value on entry to `b`, after Braun et al.'s SSA
    /// construction: a parameter where predecessors disagree or are not all
    /// known yet. The walk up the predecessors keeps its own stack, since a
    /// chain of blocks can be as deep as a function is long.
    fn read_local(&mut self, local: u32, b: Block) -> Value {
        /// A block whose value waits on its predecessors' values.
        enum Pending {
            /// One predecessor: the block has its value.
            Single(Block),
            /// Several: parameter `v` unless all of them agree on one value
            /// (`only`), checked up to predecessor `k`.
            Merge {
                b: Block,
                v: Value,
                k: usize,
                only: Option<Value>,
                agree: bool,
            },
        }
        let mut pending = Vec::new();
        let mut at = b;
        loop {
            // Down: from `at` towards the entry, until a value is known.
            let mut val = loop {
                if let Some(&v) = self.defs.get(&(local, at)) {
                    break resolve(&self.alias, v);
                }
                let bi = at.0 as usize;
                if !self.sealed[bi] {
                    // Some predecessors are not known yet: a parameter,
                    // whose arguments `seal` supplies.
                    let v = self.f.add_param(at, self.locals[local as usize]);
                    self.var_params[bi].push((v, local));
                    self.defs.insert((local, at), v);
                    break v;
                }
                if self.preds[bi].len() == 1 {
                    pending.push(Pending::Single(at));
                } else {
                    // Ask every predecessor, with a parameter in place
                    // first so that a read coming around a loop finds it.
                    let v = self.f.add_param(at, self.locals[local as usize]);
                    self.defs.insert((local, at), v);
                    pending.push(Pending::Merge {
                        b: at,
                        v,
                        k: 0,
                        only: None,
                        agree: true,
                    });
                }
                at = self.preds[bi][0].0;
            };
            // Up: hand the value to the blocks waiting for it.
            loop {
                match pending.pop() {
                    None => return val,
                    Some(Pending::Single(s)) => {
                        self.defs.insert((local, s), val);
                    }
                    Some(Pending::Merge {
                        b,
                        v,
                        k,
                        mut only,
                        mut agree,
                    }) => {
                        if val != v && only.is_some_and(|o| o != val) {
                            agree = false;
                        } else if val != v {
                            only = Some(val);
                        }
                        if k + 1 < self.preds[b.0 as usize].len() {
                            at = self.preds[b.0 as usize][k + 1].0;
                            pending.push(Pending::Merge {
                                b,
                                v,
                                k: k + 1,
                                only,
                                agree,
                            });
                            break;
                        }
                        val = self.merge(local, b, v, only.filter(|_| agree));
                        self.defs.insert((local, b), val);
                    }
                }
            }
        }
    }

    /// The end of a merge in `read_local`: with one incoming value `only`,
    /// parameter `v` goes again (reads around a loop that saw it resolve to
    /// the value); otherwise the predecessors pass their values to it.
    fn merge(&mut self, local: u32, b: Block, v: Value, only: Option<Value>) -> Value {
        match only {
            Some(w) => {
                let popped = self.f.block_mut(b).params.pop();
                debug_assert_eq!(popped, Some(v));
                let n = self.f.types.len();
                if self.alias.len() < n {
                    self.alias
                        .extend((self.alias.len() as u32..n as u32).map(Value));
                }
                self.alias[v.0 as usize] = w;
                w
            }
            None => {
                let want = self.f.block(b).params.len();
                self.add_args(b, local, want);
                v
            }
        }
    }

    // --- emitting ---

    fn push_inst(&mut self, kind: InstKind, results: &[Ty]) -> Inst {
        let b = self
            .cur
            .expect("instructions are emitted in reachable code");
        self.f.push(b, kind, results)
    }

    fn emit(&mut self, kind: InstKind, ty: Ty) -> Value {
        let i = self.push_inst(kind, &[ty]);
        let v = self.f.result(i);
        self.stack.push(v);
        v
    }

    fn pop(&mut self) -> Value {
        self.stack
            .pop()
            .expect("validated: operand stack underflow")
    }

    fn pop_n(&mut self, n: usize) -> Vec<Value> {
        let at = self.stack.len() - n;
        self.stack.split_off(at)
    }

    fn terminate(&mut self, term: Terminator) {
        let b = self.cur.take().expect("terminating reachable code");
        for local in std::mem::take(&mut self.written) {
            let l = local as usize;
            self.defs.insert((local, b), self.cur_val[l]);
        }
        for (k, t) in term.targets().iter().enumerate() {
            self.preds[t.block.0 as usize].push((b, k as u32));
        }
        self.f.block_mut(b).term = term;
    }

    fn jump(&mut self, to: Block, args: Vec<Value>) {
        self.terminate(Terminator::Jump(Target { block: to, args }));
    }

    /// The target and arguments of a branch to the frame `depth` out.
    /// A branch to `depth` taken when `cond` is non-zero (or zero, unless
    /// `when_nonzero`); the code after it goes on in a block of its own.
    fn branch_if(&mut self, cond: Value, depth: u32, when_nonzero: bool) {
        let t = self.branch_target(depth);
        let cont = self.new_block(&[]);
        let cont_target = Target {
            block: cont,
            args: vec![],
        };
        let targets = if when_nonzero {
            [t, cont_target]
        } else {
            [cont_target, t]
        };
        self.terminate(Terminator::Branch(cond, targets));
        self.seal(cont);
        self.cur = Some(cont); // the values of locals carry over
    }

    /// Traps with `code` if `cond` is non-zero.
    fn trap_if(&mut self, cond: Value, code: TrapCode) {
        let trap = self.new_block(&[]);
        let cont = self.new_block(&[]);
        let target = |block| Target {
            block,
            args: vec![],
        };
        self.terminate(Terminator::Branch(cond, [target(trap), target(cont)]));
        self.seal(trap);
        self.cur = Some(trap);
        self.terminate(Terminator::Trap(code));
        self.seal(cont);
        self.cur = Some(cont); // the values of locals carry over
    }

    /// Whether reference `r` is null, as an `i32`.
    fn is_null(&mut self, r: Value) -> Value {
        let i = self.push_inst(InstKind::Un(UnOp::Eqz, r), &[Ty::I32]);
        self.f.result(i)
    }

    fn branch_target(&mut self, depth: u32) -> Target {
        let at = self.frames.len() - 1 - depth as usize;
        let frame = &mut self.frames[at];
        frame.end_reached |= !matches!(frame.kind, FrameKind::Loop);
        let (block, n) = (frame.label, frame.label_types.len());
        let mut args = self.stack[..frame.below].to_vec();
        args.extend_from_slice(&self.stack[self.stack.len() - n..]);
        Target { block, args }
    }

    fn bin(&mut self, op: BinOp, ty: Ty) {
        let b = self.pop();
        let a = self.pop();
        self.emit(InstKind::Bin(op, a, b), ty);
    }

    fn un(&mut self, op: UnOp, ty: Ty) {
        let a = self.pop();
        self.emit(InstKind::Un(op, a), ty);
    }

    fn cmp(&mut self, op: CmpOp) {
        let b = self.pop();
        let a = self.pop();
        self.emit(InstKind::Cmp(op, a, b), Ty::I32);
    }

    fn load(&mut self, m: wasmparser::MemArg, bytes: u8, signed: bool, ty: Ty) {
        let addr = self.pop();
        let arg = MemArg {
            bytes,
            signed,
            offset: m.offset,
            memory: tandem_vm::module::memory_index(&m),
        };
        self.emit(InstKind::Load(arg, addr), ty);
    }

    fn store(&mut self, m: wasmparser::MemArg, bytes: u8) {
        let value = self.pop();
        let addr = self.pop();
        let arg = MemArg {
            bytes,
            signed: false,
            offset: m.offset,
            memory: tandem_vm::module::memory_index(&m),
        };
        self.push_inst(InstKind::Store(arg, addr, value), &[]);
    }

    /// The Wasm arguments of a call of `callee`, and its operand (element
    /// index or reference) if it has one.
    fn call_args(&mut self, callee: Callee) -> Vec<Value> {
        let n = callee.ty(self.env).params().len();
        let operand = !matches!(callee, Callee::Direct(_));
        self.pop_n(n + operand as usize)
    }

    fn call(&mut self, callee: Callee) {
        let args = self.call_args(callee);
        let results = types(callee.ty(self.env).results());
        let i = self.push_inst(InstKind::Call(callee, args), &results);
        let values = self.f.inst(i).results();
        self.stack.extend(values);
        if let Some(landing) = self.landing() {
            // The call ends its block: the edge to the landing pad carries
            // the locals' values at the call.
            let next = self.new_block(&[]);
            let next_target = Target {
                block: next,
                args: vec![],
            };
            self.terminate(Terminator::MayThrow([next_target, landing]));
            self.seal(next);
            self.cur = Some(next); // the values of locals carry over
        }
    }

    /// The landing pad of the innermost open `try_table`, as a target.
    fn landing(&self) -> Option<Target> {
        self.trys.last().map(|t| Target {
            block: t.landing,
            args: self.stack[..t.below].to_vec(),
        })
    }

    /// Raises an exception, which goes to the landing pad of the innermost
    /// `try_table`, if any.
    fn raise(&mut self, raise: Raise) {
        self.push_inst(InstKind::Raise(raise), &[]);
        let landing = self.landing();
        self.terminate(Terminator::Throw(landing));
    }

    /// Opens a `try_table`: a block, whose calls and throws go to a
    /// landing pad built at its end.
    fn try_table(&mut self, try_table: wasmparser::TryTable) -> Result<()> {
        let clauses = (try_table.catches.iter())
            .map(|c| match *c {
                wasmparser::Catch::One { tag, label } => (Some(tag), false, label),
                wasmparser::Catch::OneRef { tag, label } => (Some(tag), true, label),
                wasmparser::Catch::All { label } => (None, false, label),
                wasmparser::Catch::AllRef { label } => (None, true, label),
            })
            .collect();
        self.open_try(try_table.ty, FrameKind::Block, clauses)
    }

    /// Opens a block of `kind` whose calls and throws go to a landing pad
    /// trying `clauses`.
    fn open_try(
        &mut self,
        bt: wasmparser::BlockType,
        kind: FrameKind,
        clauses: Vec<(Option<u32>, bool, u32)>,
    ) -> Result<()> {
        let (params, results) = self.block_type(bt)?;
        let below = self.stack.len() - params.len();
        let tys: Vec<Ty> = self.stack[..below].iter().map(|&v| self.f.ty(v)).collect();
        let end = self.end_block(params.len(), &results);
        self.open(kind, end, end, results, params.len());
        let landing = self.new_block(&tys);
        self.trys.push(Try {
            frame: self.frames.len() - 1,
            landing,
            clauses,
            below,
        });
        Ok(())
    }

    /// Starts building the landing pad of `t` if anything reaches it:
    /// the pad becomes the current block, and its parameters for the
    /// values under the `try` are returned.
    fn enter_landing(&mut self, t: &Try) -> Option<Vec<Value>> {
        if self.preds[t.landing.0 as usize].is_empty() {
            return None; // nothing in the `try` throws
        }
        // Only a function with a reachable landing pad pays for it.
        self.f.catches = true;
        self.seal(t.landing);
        self.enter(t.landing);
        Some(self.f.block(t.landing).params[..t.below].to_vec())
    }

    /// A legacy `catch` of `tag` (`catch_all` for `None`): ends the
    /// `try`'s body or the clause before, and starts this clause, which
    /// the landing pad reaches if the clauses before did not match and
    /// this one does. The exception stays under the clause's stack if
    /// `rethrown` (else a null reference stands there).
    fn legacy_catch(&mut self, tag: Option<u32>, rethrown: bool) {
        let mut frame = self.frames.pop().expect("validated");
        self.fall_into_end(&mut frame);
        let (pending, below, outer) = match std::mem::replace(&mut frame.kind, FrameKind::Block) {
            FrameKind::Try => {
                let t = self.trys.pop().expect("a legacy try is open");
                debug_assert_eq!(t.frame, self.frames.len());
                let outer = std::mem::take(&mut self.stack);
                match self.enter_landing(&t) {
                    Some(below) => (Some(t.landing), below, outer),
                    None => (None, outer.clone(), outer),
                }
            }
            FrameKind::Catch { next, below, outer } => {
                if let Some(next) = next {
                    self.enter(next);
                }
                (next, below, outer)
            }
            _ => unreachable!("validated: catch outside a try"),
        };
        let mut next = None;
        if let (Some(tag), Some(_)) = (tag, pending) {
            next = Some(self.match_tag(tag));
        }
        self.stack = below.clone();
        if pending.is_some() {
            let mut tys = match tag {
                Some(tag) => self.tag_params(tag),
                None => vec![],
            };
            if rethrown {
                tys.push(Ty::I64);
            }
            let taken = self.push_inst(InstKind::Catch(tag, rethrown), &tys);
            let mut values: Vec<Value> = self.f.inst(taken).results().collect();
            let exn = match rethrown {
                true => values.pop().expect("the exnref"),
                false => {
                    let null = self.push_inst(InstKind::Const(0), &[Ty::I64]);
                    self.f.result(null)
                }
            };
            self.stack.push(exn);
            self.stack.extend(values);
        }
        frame.kind = FrameKind::Catch { next, below, outer };
        self.frames.push(frame);
    }

    /// The end of a legacy `try`'s last catch clause (`frame`, just
    /// closed): an exception no clause took goes on from where the
    /// landing pad left it; the code after the `try` gets back the values
    /// under it.
    fn end_catches(&mut self, next: Option<Block>, below: Vec<Value>, outer: Vec<Value>) {
        if let Some(next) = next {
            self.enter(next);
            self.stack = below;
            self.raise(Raise::Again);
        }
        self.stack = outer;
    }

    /// A legacy `try ... delegate depth`: ends the `try` (its frame just
    /// closed), whose landing pad passes the exception on to the one
    /// covering label `depth`, or out of the function.
    fn delegate(&mut self, t: Try, depth: u32) {
        let saved = std::mem::take(&mut self.stack);
        if let Some(below) = self.enter_landing(&t) {
            self.stack = below;
            let label = self.frames.len() - 1 - depth as usize;
            let to = (self.trys.iter().rev())
                .find(|o| o.frame <= label)
                .map(|o| Target {
                    block: o.landing,
                    args: self.stack[..o.below].to_vec(),
                });
            self.push_inst(InstKind::Raise(Raise::Again), &[]);
            self.terminate(Terminator::Throw(to));
        }
        self.stack = saved;
    }

    /// Whether the exception in flight has tag `tag`: goes on where it
    /// does, and returns the block where it does not.
    fn match_tag(&mut self, tag: u32) -> Block {
        let m = self.push_inst(
            InstKind::Builtin(Builtin::MatchTag(tag), vec![]),
            &[Ty::I32],
        );
        let m = self.f.result(m);
        let (yes, no) = (self.new_block(&[]), self.new_block(&[]));
        let to = |block| Target {
            block,
            args: vec![],
        };
        self.terminate(Terminator::Branch(m, [to(yes), to(no)]));
        self.seal(yes);
        self.seal(no);
        self.cur = Some(yes); // the values of locals carry over
        no
    }

    /// The payload types of tag `tag`.
    fn tag_params(&self, tag: u32) -> Vec<Ty> {
        let ty = self.env.tags[tag as usize] as usize;
        types(self.env.types[ty].params())
    }

    /// Builds the landing pad of `t`, whose frame has just been closed:
    /// it tries the clauses in order, and the first that matches takes
    /// the exception and branches to its label with the payload; if none
    /// does, the exception goes on.
    fn landing_pad(&mut self, t: Try) {
        let Some(below) = self.enter_landing(&t) else {
            return;
        };
        let saved = std::mem::take(&mut self.stack);
        for (tag, with_ref, label) in t.clauses {
            let mut tys = match tag {
                Some(tag) => self.tag_params(tag),
                None => vec![],
            };
            if with_ref {
                tys.push(Ty::I64);
            }
            let mut otherwise = None;
            if let Some(tag) = tag {
                otherwise = Some(self.match_tag(tag));
            }
            let taken = self.push_inst(InstKind::Catch(tag, with_ref), &tys);
            self.stack = below.clone();
            self.stack.extend(self.f.inst(taken).results());
            let target = self.branch_target(label);
            self.terminate(Terminator::Jump(target));
            match otherwise {
                Some(no) => self.cur = Some(no), // the locals carry over
                None => break,
            }
        }
        if self.cur.is_some() {
            // The stack under an enclosing `try_table` is under this one.
            self.stack = below;
            self.raise(Raise::Again);
        }
        self.stack = saved;
    }

    fn return_call(&mut self, callee: Callee) {
        let args = self.call_args(callee);
        self.terminate(Terminator::ReturnCall(callee, args));
    }

    /// A builtin whose result is a memory's or table's size in its
    /// address type: `i64` for a 64-bit one (`wide`).
    fn sized(&mut self, b: Builtin, nargs: usize, wide: bool) {
        self.builtin(b, nargs, Some(if wide { Ty::I64 } else { Ty::I32 }));
    }

    fn builtin(&mut self, b: Builtin, nargs: usize, result: Option<Ty>) {
        let args = self.pop_n(nargs);
        let results: Vec<Ty> = result.into_iter().collect();
        let i = self.push_inst(InstKind::Builtin(b, args), &results);
        if result.is_some() {
            let v = self.f.result(i);
            self.stack.push(v);
        }
    }

    fn simd(&mut self, op: SimdOp) -> Result<()> {
        let (params, result) = op.signature();
        let args = self.pop_n(params.len());
        self.emit(InstKind::Simd(op, args), Ty::of(result));
        Ok(())
    }

    fn simd_mem(&mut self, op: SimdMemOp, m: wasmparser::MemArg) -> Result<()> {
        let args = self.pop_n(if op.has_vector_operand() { 2 } else { 1 });
        let arg = MemArg {
            bytes: op.access_size() as u8,
            signed: false,
            offset: m.offset,
            memory: tandem_vm::module::memory_index(&m),
        };
        if op.is_store() {
            self.push_inst(InstKind::SimdMem(op, arg, args), &[]);
        } else {
            self.emit(InstKind::SimdMem(op, arg, args), Ty::V128);
        }
        Ok(())
    }

    fn constant(&mut self, bits: u64, ty: Ty) {
        self.emit(InstKind::Const(bits), ty);
    }

    // --- control ---

    fn open(
        &mut self,
        kind: FrameKind,
        label: Block,
        end: Block,
        label_types: Vec<Ty>,
        nparams: usize,
    ) {
        let height = self.stack.len() - nparams;
        let below = self.below(nparams);
        self.frames.push(Frame {
            kind,
            label,
            end,
            label_types,
            height,
            below,
            end_reached: false,
        });
    }

    /// How many values under a construct with `nparams` parameters its
    /// end block and branches carry (see `Frame::below`).
    fn below(&self, nparams: usize) -> usize {
        match self.osr {
            Some(_) => self.stack.len() - nparams,
            None => 0,
        }
    }

    /// The block after the `end` of a construct with `nparams` parameters
    /// and `results`, which takes the results (and, built for an OSR entry,
    /// the operand stack below the construct first: see `Frame::below`).
    fn end_block(&mut self, nparams: usize, results: &[Ty]) -> Block {
        let below = self.below(nparams);
        let mut tys: Vec<Ty> = self.stack[..below].iter().map(|&v| self.f.ty(v)).collect();
        tys.extend_from_slice(results);
        self.new_block(&tys)
    }

    /// `end` (and the end of the `then` arm at `else`): jumps to the frame's
    /// end block with the results, if reachable.
    fn fall_into_end(&mut self, frame: &mut Frame) {
        if self.cur.is_some() {
            let n = self.f.block(frame.end).params.len() - frame.below;
            let mut args = self.stack[..frame.below].to_vec();
            args.extend(self.pop_n(n));
            frame.end_reached = true;
            self.jump(frame.end, args);
        }
        self.stack.truncate(frame.height);
    }

    /// What follows a construct's `end` (`frame` just closed, its landing
    /// pad built): the code after it, or the function's return.
    fn close(&mut self, mut frame: Frame) {
        if let FrameKind::If(els, start_values) = &frame.kind {
            // An `if` without `else` passes on what the `else` arm would
            // start with.
            frame.end_reached = true;
            let (els, args) = (*els, start_values.clone());
            self.enter(els);
            self.jump(frame.end, args);
        }
        if let FrameKind::Loop = frame.kind {
            self.seal(frame.label);
            self.loop_depth -= 1;
        }
        self.seal(frame.end);
        if frame.end_reached {
            self.enter(frame.end);
            let values = self.f.block(frame.end).params.clone();
            self.stack.truncate(frame.height - frame.below);
            self.stack.extend(values);
        }
        if self.frames.is_empty() {
            // The function's end: return what reached it.
            if let Some(b) = self.cur {
                let values = self.f.block(b).params.clone();
                self.stack.clear();
                self.terminate(Terminator::Return(values));
            }
        }
    }

    /// Builds `op` (the walk skips unreachable code), of which the walk
    /// knows `info`.
    fn op(&mut self, op: Operator, info: OpInfo) -> Result<()> {
        use Operator as O;
        match op {
            O::Nop => {}
            O::Unreachable => self.terminate(Terminator::Trap(TrapCode::Unreachable)),
            O::Throw { tag_index } => {
                let ty = self.env.tags[tag_index as usize];
                let n = self.env.types[ty as usize].params().len();
                let payload = self.pop_n(n);
                self.raise(Raise::Tag(tag_index, payload));
            }
            O::ThrowRef => {
                let r = self.pop();
                self.raise(Raise::Ref(r));
            }
            O::TryTable { try_table } => self.try_table(try_table)?,
            O::Block { blockty } => {
                let (params, results) = self.block_type(blockty)?;
                let end = self.end_block(params.len(), &results);
                self.open(FrameKind::Block, end, end, results, params.len());
            }
            O::Loop { blockty } => {
                let (params, results) = self.block_type(blockty)?;
                let end = self.end_block(params.len(), &results);
                self.loop_depth += 1;
                let osr = self
                    .osr
                    .filter(|&(index, _)| Some(index) == info.loop_index)
                    .map(|(_, at)| at);
                // Built for an OSR entry, a loop header takes the whole
                // operand stack (see `Frame::below`), which the entry
                // supplies for its loop.
                let carried = match self.osr {
                    Some(_) => self.stack.len(),
                    None => params.len(),
                };
                let args = self.pop_n(carried);
                let tys: Vec<Ty> = args.iter().map(|&v| self.f.ty(v)).collect();
                let header = self.new_block(&tys);
                self.jump(header, args);
                if let Some(at) = osr {
                    let args = tys.iter().map(|&t| self.f.add_param(at, t)).collect();
                    self.cur = Some(at);
                    self.jump(header, args);
                    self.osr_entered = true;
                }
                self.enter(header);
                let values = self.f.block(header).params.clone();
                self.stack.extend(values);
                self.open(FrameKind::Loop, header, end, params.clone(), params.len());
            }
            O::If { blockty } => {
                let (params, results) = self.block_type(blockty)?;
                let cond = self.pop();
                let then = self.new_block(&[]);
                let els = self.new_block(&[]);
                let end = self.end_block(params.len(), &results);
                let from = self.stack.len() - params.len() - self.below(params.len());
                let start_values = self.stack[from..].to_vec();
                let to = |block| Target {
                    block,
                    args: vec![],
                };
                self.terminate(Terminator::Branch(cond, [to(then), to(els)]));
                self.seal(then);
                self.seal(els);
                self.cur = Some(then); // the values of locals carry over
                self.open(
                    FrameKind::If(els, start_values),
                    end,
                    end,
                    results,
                    params.len(),
                );
            }
            O::Else => {
                let mut frame = self.frames.pop().expect("validated");
                self.fall_into_end(&mut frame);
                let FrameKind::If(els, start_values) =
                    std::mem::replace(&mut frame.kind, FrameKind::Else)
                else {
                    unreachable!("validated: else without if")
                };
                self.enter(els);
                self.stack.truncate(frame.height - frame.below);
                self.stack.extend(start_values);
                self.frames.push(frame);
            }
            O::End => {
                let mut frame = self.frames.pop().expect("validated");
                self.fall_into_end(&mut frame);
                if self
                    .trys
                    .last()
                    .is_some_and(|t| t.frame == self.frames.len())
                {
                    let t = self.trys.pop().expect("just seen");
                    self.landing_pad(t);
                }
                if let FrameKind::Catch { .. } = frame.kind {
                    let FrameKind::Catch { next, below, outer } =
                        std::mem::replace(&mut frame.kind, FrameKind::Block)
                    else {
                        unreachable!("just seen")
                    };
                    self.end_catches(next, below, outer);
                }
                self.close(frame);
            }
            O::Try { blockty } => self.open_try(blockty, FrameKind::Try, vec![])?,
            O::Catch { tag_index } => self.legacy_catch(Some(tag_index), info.rethrown),
            O::CatchAll => self.legacy_catch(None, info.rethrown),
            O::Delegate { relative_depth } => {
                let mut frame = self.frames.pop().expect("validated");
                self.fall_into_end(&mut frame);
                let t = self.trys.pop().expect("validated: delegate ends a try");
                debug_assert_eq!(t.frame, self.frames.len());
                self.delegate(t, relative_depth);
                self.close(frame);
            }
            O::Rethrow { relative_depth } => {
                // The exception lies under the catch clause's own values.
                let at = self.frames.len() - 1 - relative_depth as usize;
                let exn = self.stack[self.frames[at].height];
                self.raise(Raise::Ref(exn));
            }
            O::Br { relative_depth } => {
                let t = self.branch_target(relative_depth);
                self.terminate(Terminator::Jump(t));
            }
            O::BrIf { relative_depth } => {
                let cond = self.pop();
                self.branch_if(cond, relative_depth, true);
            }
            O::BrOnNull { relative_depth } => {
                let r = self.pop();
                let null = self.is_null(r);
                self.branch_if(null, relative_depth, true);
                self.stack.push(r);
            }
            O::BrOnNonNull { relative_depth } => {
                // The branch carries the reference; the fall-through drops it.
                let r = *self.stack.last().expect("validated: a reference");
                let null = self.is_null(r);
                self.branch_if(null, relative_depth, false);
                self.pop();
            }
            O::RefAsNonNull => {
                let r = *self.stack.last().expect("validated: a reference");
                let null = self.is_null(r);
                self.trap_if(null, TrapCode::NullReference);
            }
            O::BrTable { targets } => {
                let index = self.pop();
                let mut ts = Vec::new();
                for depth in targets.targets() {
                    ts.push(self.branch_target(depth?));
                }
                ts.push(self.branch_target(targets.default()));
                self.terminate(Terminator::Table(index, ts));
            }
            O::Return => {
                let n = self.f.results.len();
                let values = self.stack[self.stack.len() - n..].to_vec();
                self.terminate(Terminator::Return(values));
            }
            O::Call { function_index } => self.call(Callee::Direct(function_index)),
            O::CallIndirect {
                type_index,
                table_index,
            } => self.call(Callee::Indirect {
                ty: type_index,
                table: table_index,
            }),
            O::CallRef { type_index } => self.call(Callee::Ref { ty: type_index }),
            O::ReturnCall { function_index } => {
                self.return_call(Callee::Direct(function_index));
            }
            O::ReturnCallIndirect {
                type_index,
                table_index,
            } => self.return_call(Callee::Indirect {
                ty: type_index,
                table: table_index,
            }),
            O::ReturnCallRef { type_index } => self.return_call(Callee::Ref { ty: type_index }),
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let c = self.pop();
                let b = self.pop();
                let a = self.pop();
                let ty = self.f.ty(a);
                self.emit(InstKind::Select(c, a, b), ty);
            }
            O::LocalGet { local_index } => {
                let v = self.get_local(local_index);
                self.stack.push(v);
            }
            O::LocalSet { local_index } => {
                let v = self.pop();
                self.write_local(local_index, v);
            }
            O::LocalTee { local_index } => {
                let v = *self.stack.last().expect("validated");
                self.write_local(local_index, v);
            }
            O::GlobalGet { global_index } => {
                let ty = Ty::of(self.env.globals[global_index as usize].content_type);
                let addr = self.push_inst(InstKind::GlobalAddr(global_index), &[Ty::I64]);
                let addr = self.f.result(addr);
                self.emit(InstKind::GlobalGet(addr), ty);
            }
            O::GlobalSet { global_index } => {
                let v = self.pop();
                let addr = self.push_inst(InstKind::GlobalAddr(global_index), &[Ty::I64]);
                let addr = self.f.result(addr);
                self.push_inst(InstKind::GlobalSet(addr, v), &[]);
            }

            O::I32Load { memarg } => self.load(memarg, 4, false, Ty::I32),
            O::I64Load { memarg } => self.load(memarg, 8, false, Ty::I64),
            O::F32Load { memarg } => self.load(memarg, 4, false, Ty::F32),
            O::F64Load { memarg } => self.load(memarg, 8, false, Ty::F64),
            O::I32Load8S { memarg } => self.load(memarg, 1, true, Ty::I32),
            O::I32Load8U { memarg } => self.load(memarg, 1, false, Ty::I32),
            O::I32Load16S { memarg } => self.load(memarg, 2, true, Ty::I32),
            O::I32Load16U { memarg } => self.load(memarg, 2, false, Ty::I32),
            O::I64Load8S { memarg } => self.load(memarg, 1, true, Ty::I64),
            O::I64Load8U { memarg } => self.load(memarg, 1, false, Ty::I64),
            O::I64Load16S { memarg } => self.load(memarg, 2, true, Ty::I64),
            O::I64Load16U { memarg } => self.load(memarg, 2, false, Ty::I64),
            O::I64Load32S { memarg } => self.load(memarg, 4, true, Ty::I64),
            O::I64Load32U { memarg } => self.load(memarg, 4, false, Ty::I64),
            O::I32Store { memarg } | O::F32Store { memarg } => self.store(memarg, 4),
            O::I64Store { memarg } | O::F64Store { memarg } => self.store(memarg, 8),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(memarg, 1),
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(memarg, 2),
            O::I64Store32 { memarg } => self.store(memarg, 4),
            O::MemorySize { mem } => {
                self.sized(Builtin::MemorySize(mem), 0, self.env.memory64(mem))
            }
            O::MemoryGrow { mem } => {
                self.sized(Builtin::MemoryGrow(mem), 1, self.env.memory64(mem))
            }
            O::MemoryFill { mem } => self.builtin(Builtin::MemoryFill(mem), 3, None),
            O::MemoryCopy { dst_mem, src_mem } => {
                self.builtin(Builtin::MemoryCopy(dst_mem, src_mem), 3, None)
            }
            O::MemoryInit { data_index, mem } => {
                self.builtin(Builtin::MemoryInit(mem, data_index), 3, None)
            }
            O::DataDrop { data_index } => self.builtin(Builtin::DataDrop(data_index), 0, None),
            O::TableGet { table } => self.builtin(Builtin::TableGet(table), 1, Some(Ty::I64)),
            O::TableSet { table } => self.builtin(Builtin::TableSet(table), 2, None),
            O::TableSize { table } => {
                self.sized(Builtin::TableSize(table), 0, self.env.table64(table))
            }
            O::TableGrow { table } => {
                self.sized(Builtin::TableGrow(table), 2, self.env.table64(table))
            }
            O::TableFill { table } => self.builtin(Builtin::TableFill(table), 3, None),
            O::TableCopy {
                dst_table,
                src_table,
            } => self.builtin(Builtin::TableCopy(dst_table, src_table), 3, None),
            O::TableInit { elem_index, table } => {
                self.builtin(Builtin::TableInit(table, elem_index), 3, None)
            }
            O::ElemDrop { elem_index } => self.builtin(Builtin::ElemDrop(elem_index), 0, None),
            O::RefNull { .. } => self.constant(0, Ty::I64),
            O::RefIsNull => self.un(UnOp::Eqz, Ty::I32),
            O::RefFunc { function_index } => {
                self.builtin(Builtin::RefFunc(function_index), 0, Some(Ty::I64))
            }

            O::I32Const { value } => self.constant(value as u32 as u64, Ty::I32),
            O::I64Const { value } => self.constant(value as u64, Ty::I64),
            O::F32Const { value } => self.constant(value.bits() as u64, Ty::F32),
            O::F64Const { value } => self.constant(value.bits(), Ty::F64),

            O::I32Eqz => self.un(UnOp::Eqz, Ty::I32),
            O::I64Eqz => self.un(UnOp::Eqz, Ty::I32),
            O::I32Eq | O::I64Eq | O::F32Eq | O::F64Eq => self.cmp(CmpOp::Eq),
            O::I32Ne | O::I64Ne | O::F32Ne | O::F64Ne => self.cmp(CmpOp::Ne),
            O::I32LtS | O::I64LtS => self.cmp(CmpOp::LtS),
            O::I32LtU | O::I64LtU => self.cmp(CmpOp::LtU),
            O::I32GtS | O::I64GtS => self.cmp(CmpOp::GtS),
            O::I32GtU | O::I64GtU => self.cmp(CmpOp::GtU),
            O::I32LeS | O::I64LeS => self.cmp(CmpOp::LeS),
            O::I32LeU | O::I64LeU => self.cmp(CmpOp::LeU),
            O::I32GeS | O::I64GeS => self.cmp(CmpOp::GeS),
            O::I32GeU | O::I64GeU => self.cmp(CmpOp::GeU),
            O::F32Lt | O::F64Lt => self.cmp(CmpOp::FLt),
            O::F32Gt | O::F64Gt => self.cmp(CmpOp::FGt),
            O::F32Le | O::F64Le => self.cmp(CmpOp::FLe),
            O::F32Ge | O::F64Ge => self.cmp(CmpOp::FGe),

            O::I32Clz => self.un(UnOp::Clz, Ty::I32),
            O::I32Ctz => self.un(UnOp::Ctz, Ty::I32),
            O::I32Popcnt => self.un(UnOp::Popcnt, Ty::I32),
            O::I64Clz => self.un(UnOp::Clz, Ty::I64),
            O::I64Ctz => self.un(UnOp::Ctz, Ty::I64),
            O::I64Popcnt => self.un(UnOp::Popcnt, Ty::I64),
            O::I32Add => self.bin(BinOp::Add, Ty::I32),
            O::I32Sub => self.bin(BinOp::Sub, Ty::I32),
            O::I32Mul => self.bin(BinOp::Mul, Ty::I32),
            O::I32DivS => self.bin(BinOp::DivS, Ty::I32),
            O::I32DivU => self.bin(BinOp::DivU, Ty::I32),
            O::I32RemS => self.bin(BinOp::RemS, Ty::I32),
            O::I32RemU => self.bin(BinOp::RemU, Ty::I32),
            O::I32And => self.bin(BinOp::And, Ty::I32),
            O::I32Or => self.bin(BinOp::Or, Ty::I32),
            O::I32Xor => self.bin(BinOp::Xor, Ty::I32),
            O::I32Shl => self.bin(BinOp::Shl, Ty::I32),
            O::I32ShrS => self.bin(BinOp::ShrS, Ty::I32),
            O::I32ShrU => self.bin(BinOp::ShrU, Ty::I32),
            O::I32Rotl => self.bin(BinOp::Rotl, Ty::I32),
            O::I32Rotr => self.bin(BinOp::Rotr, Ty::I32),
            O::I64Add => self.bin(BinOp::Add, Ty::I64),
            O::I64Sub => self.bin(BinOp::Sub, Ty::I64),
            O::I64Mul => self.bin(BinOp::Mul, Ty::I64),
            O::I64DivS => self.bin(BinOp::DivS, Ty::I64),
            O::I64DivU => self.bin(BinOp::DivU, Ty::I64),
            O::I64RemS => self.bin(BinOp::RemS, Ty::I64),
            O::I64RemU => self.bin(BinOp::RemU, Ty::I64),
            O::I64And => self.bin(BinOp::And, Ty::I64),
            O::I64Or => self.bin(BinOp::Or, Ty::I64),
            O::I64Xor => self.bin(BinOp::Xor, Ty::I64),
            O::I64Shl => self.bin(BinOp::Shl, Ty::I64),
            O::I64ShrS => self.bin(BinOp::ShrS, Ty::I64),
            O::I64ShrU => self.bin(BinOp::ShrU, Ty::I64),
            O::I64Rotl => self.bin(BinOp::Rotl, Ty::I64),
            O::I64Rotr => self.bin(BinOp::Rotr, Ty::I64),

            O::F32Abs => self.un(UnOp::FAbs, Ty::F32),
            O::F32Neg => self.un(UnOp::FNeg, Ty::F32),
            O::F32Ceil => self.un(UnOp::FCeil, Ty::F32),
            O::F32Floor => self.un(UnOp::FFloor, Ty::F32),
            O::F32Trunc => self.un(UnOp::FTrunc, Ty::F32),
            O::F32Nearest => self.un(UnOp::FNearest, Ty::F32),
            O::F32Sqrt => self.un(UnOp::FSqrt, Ty::F32),
            O::F32Add => self.bin(BinOp::Add, Ty::F32),
            O::F32Sub => self.bin(BinOp::Sub, Ty::F32),
            O::F32Mul => self.bin(BinOp::Mul, Ty::F32),
            O::F32Div => self.bin(BinOp::FDiv, Ty::F32),
            O::F32Min => self.bin(BinOp::FMin, Ty::F32),
            O::F32Max => self.bin(BinOp::FMax, Ty::F32),
            O::F32Copysign => self.bin(BinOp::FCopysign, Ty::F32),
            O::F64Abs => self.un(UnOp::FAbs, Ty::F64),
            O::F64Neg => self.un(UnOp::FNeg, Ty::F64),
            O::F64Ceil => self.un(UnOp::FCeil, Ty::F64),
            O::F64Floor => self.un(UnOp::FFloor, Ty::F64),
            O::F64Trunc => self.un(UnOp::FTrunc, Ty::F64),
            O::F64Nearest => self.un(UnOp::FNearest, Ty::F64),
            O::F64Sqrt => self.un(UnOp::FSqrt, Ty::F64),
            O::F64Add => self.bin(BinOp::Add, Ty::F64),
            O::F64Sub => self.bin(BinOp::Sub, Ty::F64),
            O::F64Mul => self.bin(BinOp::Mul, Ty::F64),
            O::F64Div => self.bin(BinOp::FDiv, Ty::F64),
            O::F64Min => self.bin(BinOp::FMin, Ty::F64),
            O::F64Max => self.bin(BinOp::FMax, Ty::F64),
            O::F64Copysign => self.bin(BinOp::FCopysign, Ty::F64),

            O::I32WrapI64 => self.un(UnOp::Wrap, Ty::I32),
            O::I64ExtendI32S => self.un(UnOp::ExtendS32, Ty::I64),
            O::I64ExtendI32U => self.un(UnOp::ExtendU32, Ty::I64),
            O::I32Extend8S => self.un(UnOp::Extend8S, Ty::I32),
            O::I32Extend16S => self.un(UnOp::Extend16S, Ty::I32),
            O::I64Extend8S => self.un(UnOp::Extend8S, Ty::I64),
            O::I64Extend16S => self.un(UnOp::Extend16S, Ty::I64),
            O::I64Extend32S => self.un(UnOp::Extend32S, Ty::I64),
            O::I32TruncF32S | O::I32TruncF64S => self.un(UnOp::TruncS, Ty::I32),
            O::I32TruncF32U | O::I32TruncF64U => self.un(UnOp::TruncU, Ty::I32),
            O::I64TruncF32S | O::I64TruncF64S => self.un(UnOp::TruncS, Ty::I64),
            O::I64TruncF32U | O::I64TruncF64U => self.un(UnOp::TruncU, Ty::I64),
            O::I32TruncSatF32S | O::I32TruncSatF64S => self.un(UnOp::TruncSatS, Ty::I32),
            O::I32TruncSatF32U | O::I32TruncSatF64U => self.un(UnOp::TruncSatU, Ty::I32),
            O::I64TruncSatF32S | O::I64TruncSatF64S => self.un(UnOp::TruncSatS, Ty::I64),
            O::I64TruncSatF32U | O::I64TruncSatF64U => self.un(UnOp::TruncSatU, Ty::I64),
            O::F32ConvertI32S | O::F32ConvertI64S => self.un(UnOp::ConvertS, Ty::F32),
            O::F32ConvertI32U | O::F32ConvertI64U => self.un(UnOp::ConvertU, Ty::F32),
            O::F64ConvertI32S | O::F64ConvertI64S => self.un(UnOp::ConvertS, Ty::F64),
            O::F64ConvertI32U | O::F64ConvertI64U => self.un(UnOp::ConvertU, Ty::F64),
            O::F32DemoteF64 => self.un(UnOp::FDemote, Ty::F32),
            O::F64PromoteF32 => self.un(UnOp::FPromote, Ty::F64),
            O::I32ReinterpretF32 => self.un(UnOp::Reinterpret, Ty::I32),
            O::I64ReinterpretF64 => self.un(UnOp::Reinterpret, Ty::I64),
            O::F32ReinterpretI32 => self.un(UnOp::Reinterpret, Ty::F32),
            O::F64ReinterpretI64 => self.un(UnOp::Reinterpret, Ty::F64),
            O::V128Const { value } => {
                self.emit(InstKind::VConst(value.i128() as u128), Ty::V128);
            }
            other => {
                if let Some(op) = SimdOp::from_operator(&other) {
                    return self.simd(op);
                }
                if let Some((op, memarg)) = SimdMemOp::from_operator(&other) {
                    return self.simd_mem(op, memarg);
                }
                return Err(BuildError::Unsupported(format!("{other:?}")));
            }
        }
        Ok(())
    }
}

/// The shared walk drives the builder: it skips unreachable code, numbers
/// loops, and asks for the checks at the points both tiers make them.
impl Translate for Builder<'_> {
    type Error = BuildError;
    type Charge = Inst;

    fn unreachable(&self) -> bool {
        self.cur.is_none()
    }

    fn finished(&self) -> bool {
        self.frames.is_empty()
    }

    fn operator(&mut self, op: Operator<'_>, info: OpInfo) -> Result<()> {
        self.op(op, info)
    }

    fn epoch_check(&mut self) {
        self.push_inst(InstKind::CheckEpoch, &[]);
    }

    fn fuel_charge(&mut self) -> Inst {
        self.push_inst(InstKind::Fuel(0), &[])
    }

    fn set_fuel(&mut self, at: Inst, cost: u64) {
        self.f.inst_mut(at).kind = InstKind::Fuel(cost);
    }
}
