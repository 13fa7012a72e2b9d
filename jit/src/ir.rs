//! The compiler's intermediate representation: a function in SSA form,
//! as basic blocks with parameters (instead of φ-nodes) ending in one
//! terminator each.
//!
//! Values are numbered densely; each is defined once, by a block parameter
//! or by an instruction, and has one of five machine types (references are
//! `I64`: a funcref is a `VMFunc` address, an externref a handle). Passes
//! rewrite instructions in place and leave dead ones to dead-code
//! elimination; the backend reads blocks in layout order.

use tandem_vm::simd::{SimdMemOp, SimdOp};
use tandem_vm::ModuleEnv;
use tandem_vm::TrapCode;
use wasmparser::FuncType;

/// An SSA value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Value(pub u32);

/// A basic block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Block(pub u32);

/// An instruction, by its index in [`Function::insts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Inst(pub u32);

/// Machine type of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    I32,
    I64,
    F32,
    F64,
    V128,
}

impl Ty {
    pub fn is_float(self) -> bool {
        matches!(self, Ty::F32 | Ty::F64)
    }
    /// Whether values of the type live in SSE registers (floats and
    /// vectors).
    pub fn in_xmm(self) -> bool {
        matches!(self, Ty::F32 | Ty::F64 | Ty::V128)
    }
    pub fn is_64(self) -> bool {
        matches!(self, Ty::I64 | Ty::F64)
    }
    pub fn of(ty: wasmparser::ValType) -> Ty {
        use wasmparser::ValType as W;
        match ty {
            W::I32 => Ty::I32,
            W::I64 | W::Ref(_) => Ty::I64,
            W::F32 => Ty::F32,
            W::F64 => Ty::F64,
            W::V128 => Ty::V128,
        }
    }
}

/// Two-operand integer and float operations; `Ty` says which width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
    /// Integer division and remainder: trap on zero (and `DivS` on overflow).
    DivS,
    DivU,
    RemS,
    RemU,
    FDiv,
    FMin,
    FMax,
    FCopysign,
}

impl BinOp {
    pub fn commutative(self) -> bool {
        matches!(
            self,
            BinOp::Add | BinOp::Mul | BinOp::And | BinOp::Or | BinOp::Xor
        )
    }
}

/// One-operand operations. Conversions name their source type in the
/// instruction and produce the type given with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    Clz,
    Ctz,
    Popcnt,
    Eqz,
    /// `i32.wrap_i64`.
    Wrap,
    /// `i64.extend_i32_s` / `_u`.
    ExtendS32,
    ExtendU32,
    /// In-width sign extensions (`i32.extend8_s`, …).
    Extend8S,
    Extend16S,
    Extend32S,
    FAbs,
    FNeg,
    FSqrt,
    FCeil,
    FFloor,
    FTrunc,
    FNearest,
    /// `f32.demote_f64` / `f64.promote_f32`.
    FDemote,
    FPromote,
    /// Integer to float (`convert_i32_s` …): the source type is the
    /// operand's.
    ConvertS,
    ConvertU,
    /// Float to integer, trapping or saturating.
    TruncS,
    TruncU,
    TruncSatS,
    TruncSatU,
    /// Bit casts between same-width integer and float types.
    Reinterpret,
}

/// Comparisons; they produce an `i32` 0 or 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
    FLt,
    FGt,
    FLe,
    FGe,
}

/// A memory access's width and extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemArg {
    /// Bytes accessed: 1, 2, 4 or 8.
    pub bytes: u8,
    /// Whether a narrow load sign-extends.
    pub signed: bool,
    /// The static offset added to the address.
    pub offset: u64,
    /// The memory index.
    pub memory: u32,
}

/// Runtime services compiled code calls (see `builtins.rs`), which may
/// allocate, loop over memory or trap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    MemorySize(u32),
    MemoryGrow(u32),
    MemoryFill(u32),
    MemoryCopy(u32, u32),
    MemoryInit(u32, u32),
    DataDrop(u32),
    TableGet(u32),
    TableSet(u32),
    TableSize(u32),
    TableGrow(u32),
    TableFill(u32),
    TableCopy(u32, u32),
    TableInit(u32, u32),
    ElemDrop(u32),
    RefFunc(u32),
    /// `throw` of tag `.0` with `.1` payload values, in 16-byte cells at
    /// the operand's address: raises the exception (its status).
    Throw(u32, u32),
    /// `throw_ref`: raises the exception the operand names, or traps if
    /// it is null.
    ThrowRef,
    /// Raises the exception in flight again (its status).
    Rethrow,
    /// Whether the exception in flight is of tag `.0` (an `i32`).
    MatchTag(u32),
    /// Takes the exception in flight (tag `.0`, or any for `u32::MAX`):
    /// its payload to the cells at the operand's address; returns the
    /// `exnref` if `.1` is 1 (its store adopts it).
    Catch(u32, u32),
}

/// How an exception is raised.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Raise {
    /// `throw` of a tag with its payload.
    Tag(u32, Vec<Value>),
    /// `throw_ref` of an `exnref`.
    Ref(Value),
    /// The exception in flight, which no catch clause of a landing pad
    /// took, goes on.
    Again,
}

/// What an instruction computes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum InstKind {
    /// A constant's bits (floats as their bit patterns).
    Const(u64),
    /// A `v128` constant.
    VConst(u128),
    /// A SIMD operator on its operands (in stack order).
    Simd(SimdOp, Vec<Value>),
    /// A SIMD load or store: the address, then the vector operand of lane
    /// loads and of stores.
    SimdMem(SimdMemOp, MemArg, Vec<Value>),
    Bin(BinOp, Value, Value),
    Un(UnOp, Value),
    Cmp(CmpOp, Value, Value),
    /// `cond ? a : b`.
    Select(Value, Value, Value),
    Load(MemArg, Value),
    Store(MemArg, Value, Value),
    /// The address of global `g`'s cell, which never moves: pure, so value
    /// numbering computes it once where it dominates its uses.
    GlobalAddr(u32),
    /// A global's value, from its cell's address.
    GlobalGet(Value),
    /// Stores a value into a global's cell: `(address, value)`.
    GlobalSet(Value, Value),
    /// A call of a Wasm function.
    Call(Callee, Vec<Value>),
    /// Raises an exception, leaving its status (or a trap's) for the
    /// block's [`Terminator::Throw`].
    Raise(Raise),
    /// In a landing pad: takes the exception in flight, which is of tag
    /// `.0` (any, for `None`): its payload, then its `exnref` if `.1`.
    Catch(Option<u32>, bool),
    Builtin(Builtin, Vec<Value>),
    /// Starts a block of code: charges its fuel (`tandem_vm::fuel`) and
    /// traps if that leaves it below zero. Emits nothing for a cost of 0.
    Fuel(u64),
    /// At a function's entry and loop headers: asks the runtime what to
    /// do once the store's epoch deadline is reached (an out-of-line call
    /// that preserves every register, so values live across it stay put).
    CheckEpoch,
    /// Already removed by a pass.
    Nop,
}

impl InstKind {
    /// Calls `f` on each value the instruction reads.
    pub fn for_each_arg(&self, mut f: impl FnMut(Value)) {
        use InstKind::*;
        match self {
            Const(_) | VConst(_) | GlobalAddr(_) | Fuel(_) | CheckEpoch | Nop => {}
            Catch(..) | Raise(crate::ir::Raise::Again) => {}
            Bin(_, a, b) | Cmp(_, a, b) | Store(_, a, b) | GlobalSet(a, b) => {
                f(*a);
                f(*b);
            }
            Un(_, a) | Load(_, a) | GlobalGet(a) | Raise(crate::ir::Raise::Ref(a)) => f(*a),
            Raise(crate::ir::Raise::Tag(_, args)) => args.iter().for_each(|&a| f(a)),
            Select(c, a, b) => {
                f(*c);
                f(*a);
                f(*b);
            }
            Call(_, args) | Builtin(_, args) | Simd(_, args) | SimdMem(_, _, args) => {
                args.iter().for_each(|&a| f(a))
            }
        }
    }

    /// Rewrites every value the instruction reads.
    pub fn map_args(&mut self, mut f: impl FnMut(Value) -> Value) {
        use InstKind::*;
        match self {
            Const(_) | VConst(_) | GlobalAddr(_) | Fuel(_) | CheckEpoch | Nop => {}
            Catch(..) | Raise(crate::ir::Raise::Again) => {}
            Bin(_, a, b) | Cmp(_, a, b) | Store(_, a, b) | GlobalSet(a, b) => {
                *a = f(*a);
                *b = f(*b);
            }
            Un(_, a) | Load(_, a) | GlobalGet(a) | Raise(crate::ir::Raise::Ref(a)) => *a = f(*a),
            Raise(crate::ir::Raise::Tag(_, args)) => args.iter_mut().for_each(|a| *a = f(*a)),
            Select(c, a, b) => {
                *c = f(*c);
                *a = f(*a);
                *b = f(*b);
            }
            Call(_, args) | Builtin(_, args) | Simd(_, args) | SimdMem(_, _, args) => {
                args.iter_mut().for_each(|a| *a = f(*a))
            }
        }
    }

    /// Whether removing it when its results are unused changes behaviour
    /// (stores, calls, traps).
    pub fn has_effects(&self) -> bool {
        use InstKind::*;
        match self {
            Const(_) | VConst(_) | Cmp(..) | Select(..) | GlobalAddr(_) | GlobalGet(_) | Nop => {
                false
            }
            // No SIMD operator traps; every memory one may.
            Simd(..) => false,
            SimdMem(..) => true,
            Bin(op, ..) => matches!(op, BinOp::DivS | BinOp::DivU | BinOp::RemS | BinOp::RemU),
            Un(op, _) => matches!(op, UnOp::TruncS | UnOp::TruncU),
            // A load may trap out of bounds.
            Load(..) | Store(..) | GlobalSet(..) | Call(..) | Raise(_) | Catch(..) => true,
            Fuel(_) | CheckEpoch => true,
            Builtin(b, _) => !matches!(
                b,
                crate::ir::Builtin::MemorySize(_)
                    | crate::ir::Builtin::TableSize(_)
                    | crate::ir::Builtin::RefFunc(_)
            ),
        }
    }

    /// Whether two instances with the same operands always compute the same
    /// value and may be merged (no effects, no traps, no state read).
    pub fn is_pure(&self) -> bool {
        use InstKind::*;
        match self {
            Const(_) | VConst(_) | Cmp(..) | Select(..) | GlobalAddr(_) | Simd(..) => true,
            Bin(..) | Un(..) => !self.has_effects(),
            _ => false,
        }
    }

    /// Whether the backend emits a call for it (so values live across it
    /// must survive a call).
    /// Whether it is an integer condition a branch or a `select` may
    /// take as flags (see the backend's `analysis::folded`).
    pub fn is_condition(&self) -> bool {
        matches!(self, InstKind::Cmp(..) | InstKind::Un(UnOp::Eqz, _))
    }

    pub fn is_call(&self) -> bool {
        matches!(
            self,
            InstKind::Call(..) | InstKind::Builtin(..) | InstKind::Raise(_) | InstKind::Catch(..)
        )
    }
}

/// An instruction and the values it defines (numbered consecutively).
#[derive(Clone, Debug)]
pub struct InstData {
    pub kind: InstKind,
    first_result: u32,
    result_count: u32,
}

impl InstData {
    /// The values the instruction defines.
    pub fn results(&self) -> impl ExactSizeIterator<Item = Value> + Clone {
        (self.first_result..self.first_result + self.result_count).map(Value)
    }

    pub fn first_result(&self) -> Option<Value> {
        (self.result_count > 0).then_some(Value(self.first_result))
    }
}

/// A jump to a block with arguments for its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub block: Block,
    pub args: Vec<Value>,
}

/// The callee of a call or tail call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Callee {
    /// Function `func` of the module.
    Direct(u32),
    /// Through table `table`, of type index `ty` (`call_indirect`); the
    /// last argument is the element index.
    Indirect { ty: u32, table: u32 },
    /// A function reference of type index `ty` (`call_ref`); the last
    /// argument is the reference.
    Ref { ty: u32 },
}

impl Callee {
    /// The callee's signature.
    pub fn ty(self, env: &ModuleEnv) -> &FuncType {
        match self {
            Callee::Direct(func) => env.func_type(func),
            Callee::Indirect { ty, .. } | Callee::Ref { ty } => &env.types[ty as usize],
        }
    }
}

/// How a block ends.
#[derive(Clone, Debug, PartialEq)]
pub enum Terminator {
    Jump(Target),
    /// `cond != 0` goes to the first target, else the second.
    Branch(Value, [Target; 2]),
    /// The target at `index`, or the last one if `index` is past the others.
    Table(Value, Vec<Target>),
    Return(Vec<Value>),
    /// A tail call: the callee's results are the function's.
    ReturnCall(Callee, Vec<Value>),
    Trap(TrapCode),
    /// After a [`InstKind::Raise`]: the exception goes to the landing pad
    /// of the `try_table` around it, if any, else unwinds (as does a
    /// trap the raise ended in).
    Throw(Option<Target>),
    /// After a call a `try_table` covers: goes on to the first target; an
    /// exception the call lets through lands in the second (the landing
    /// pad), entered from the call's return address by the unwinder.
    MayThrow([Target; 2]),
}

impl Terminator {
    pub fn targets(&self) -> &[Target] {
        match self {
            Terminator::Jump(t) => std::slice::from_ref(t),
            Terminator::Branch(_, ts) => ts,
            Terminator::Table(_, ts) => ts,
            Terminator::MayThrow(ts) => ts,
            Terminator::Throw(t) => t.as_slice(),
            Terminator::Return(_) | Terminator::ReturnCall(..) | Terminator::Trap(_) => &[],
        }
    }

    pub fn targets_mut(&mut self) -> &mut [Target] {
        match self {
            Terminator::Jump(t) => std::slice::from_mut(t),
            Terminator::Branch(_, ts) => ts,
            Terminator::Table(_, ts) => ts,
            Terminator::MayThrow(ts) => ts,
            Terminator::Throw(t) => t.as_mut_slice(),
            Terminator::Return(_) | Terminator::ReturnCall(..) | Terminator::Trap(_) => &mut [],
        }
    }

    /// Calls `f` on each value it reads (branch conditions, arguments,
    /// results).
    pub fn for_each_arg(&self, mut f: impl FnMut(Value)) {
        match self {
            Terminator::Branch(c, _) | Terminator::Table(c, _) => f(*c),
            Terminator::Return(vals) | Terminator::ReturnCall(_, vals) => {
                vals.iter().for_each(|&v| f(v))
            }
            _ => {}
        }
        for t in self.targets() {
            t.args.iter().for_each(|&v| f(v));
        }
    }

    pub fn map_args(&mut self, mut f: impl FnMut(Value) -> Value) {
        match self {
            Terminator::Branch(c, _) | Terminator::Table(c, _) => *c = f(*c),
            Terminator::Return(vals) | Terminator::ReturnCall(_, vals) => {
                vals.iter_mut().for_each(|v| *v = f(*v))
            }
            _ => {}
        }
        for t in self.targets_mut() {
            t.args.iter_mut().for_each(|v| *v = f(*v));
        }
    }
}

/// A basic block: parameters, instructions in order, and its terminator.
#[derive(Clone, Debug)]
pub struct BlockData {
    pub params: Vec<Value>,
    pub insts: Vec<Inst>,
    pub term: Terminator,
    /// How many loops contain the block (a hint for register allocation:
    /// uses in loops weigh more).
    pub loop_depth: u32,
}

impl BlockData {
    /// How much what runs in the block weighs against what runs outside
    /// loops: 8 per loop around it, up to 4 loops.
    pub fn weight(&self) -> f32 {
        8f32.powi(self.loop_depth.min(4) as i32)
    }
}

/// Where a value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Def {
    Param(Block, u32),
    Result(Inst, u32),
}

/// A function in SSA form. Block 0 is the entry; its parameters are the
/// Wasm function's parameters (or, entered at a loop, the values of the
/// frame there: see [`build_osr`](crate::build::build_osr)).
#[derive(Clone, Debug, Default)]
pub struct Function {
    pub blocks: Vec<BlockData>,
    pub insts: Vec<InstData>,
    pub types: Vec<Ty>,
    pub defs: Vec<Def>,
    /// Result types of the function.
    pub results: Vec<Ty>,
    /// Whether it has landing pads: then no value stays in a callee-saved
    /// register across a call, and the prologue saves them all (see
    /// `tandem_vm::unwind`).
    pub catches: bool,
}

impl Function {
    /// For tests of the passes over the control-flow graph: a function of
    /// empty blocks whose terminators jump where `succ` says (none for a
    /// return, one, two, or a table).
    #[cfg(test)]
    pub(crate) fn from_successors(succ: &[Vec<u32>]) -> Function {
        let mut f = Function::default();
        for _ in succ {
            f.new_block();
        }
        let to = |b: u32| Target {
            block: Block(b),
            args: vec![],
        };
        for (b, s) in succ.iter().enumerate() {
            f.blocks[b].term = match s[..] {
                [] => Terminator::Return(vec![]),
                [t] => Terminator::Jump(to(t)),
                [t, e] => Terminator::Branch(Value(0), [to(t), to(e)]),
                _ => Terminator::Table(Value(0), s.iter().map(|&t| to(t)).collect()),
            };
        }
        f
    }

    /// The constant `v` is, if an instruction defines it as one.
    pub fn constant(&self, v: Value) -> Option<u64> {
        match self.defs[v.0 as usize] {
            Def::Result(i, _) => match self.inst(i).kind {
                InstKind::Const(bits) => Some(bits),
                _ => None,
            },
            Def::Param(..) => None,
        }
    }

    /// The vector constant `v` is, if an instruction defines it as one.
    pub fn vector_constant(&self, v: Value) -> Option<u128> {
        match self.defs[v.0 as usize] {
            Def::Result(i, _) => match self.inst(i).kind {
                InstKind::VConst(bits) => Some(bits),
                _ => None,
            },
            Def::Param(..) => None,
        }
    }

    pub fn ty(&self, v: Value) -> Ty {
        self.types[v.0 as usize]
    }

    pub fn new_block(&mut self) -> Block {
        self.blocks.push(BlockData {
            params: Vec::new(),
            insts: Vec::new(),
            term: Terminator::Trap(TrapCode::Unreachable),
            loop_depth: 0,
        });
        Block(self.blocks.len() as u32 - 1)
    }

    pub fn add_param(&mut self, block: Block, ty: Ty) -> Value {
        let v = self.new_value(ty, Def::Param(block, self.block(block).params.len() as u32));
        self.blocks[block.0 as usize].params.push(v);
        v
    }

    fn new_value(&mut self, ty: Ty, def: Def) -> Value {
        self.types.push(ty);
        self.defs.push(def);
        Value(self.types.len() as u32 - 1)
    }

    /// Appends an instruction to `block`, defining one value per type in
    /// `results`.
    pub fn push(&mut self, block: Block, kind: InstKind, results: &[Ty]) -> Inst {
        let inst = Inst(self.insts.len() as u32);
        let first_result = self.types.len() as u32;
        for (i, &ty) in results.iter().enumerate() {
            self.new_value(ty, Def::Result(inst, i as u32));
        }
        self.insts.push(InstData {
            kind,
            first_result,
            result_count: results.len() as u32,
        });
        self.blocks[block.0 as usize].insts.push(inst);
        inst
    }

    pub fn block(&self, b: Block) -> &BlockData {
        &self.blocks[b.0 as usize]
    }

    pub fn block_mut(&mut self, b: Block) -> &mut BlockData {
        &mut self.blocks[b.0 as usize]
    }

    pub fn inst(&self, i: Inst) -> &InstData {
        &self.insts[i.0 as usize]
    }

    pub fn inst_mut(&mut self, i: Inst) -> &mut InstData {
        &mut self.insts[i.0 as usize]
    }

    /// The single result of `inst`.
    pub fn result(&self, inst: Inst) -> Value {
        self.inst(inst)
            .first_result()
            .expect("the instruction has a result")
    }
}
