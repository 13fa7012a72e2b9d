//! The interpreter's internal bytecode: what the translator produces from a
//! validated Wasm function body and what the executor runs.
//!
//! # Frames and slots
//!
//! Execution state lives on a per-thread value stack of 8-byte slots (`u64`).
//! A function's frame is a window of that stack:
//!
//! ```text
//! fp ─► [ params ][ locals ][ operand-stack temporaries ]
//!         ▲ results are written back here on return
//! ```
//!
//! A `v128` value occupies two consecutive slots (low half first); every
//! other value occupies one. Scalars sit in the low bits of their slot,
//! zero-extended: an `i32`/`f32` slot always has its upper 32 bits clear, which
//! is why `i64.extend_i32_u` and the reinterpretations emit no code, and why a
//! slot can be copied to a [`ValRaw`](tandem_vm::ValRaw) as is.
//!
//! The height of the Wasm operand stack is known statically at every
//! instruction, so each stack position maps to a fixed *canonical* slot
//! above the locals. Instructions therefore name their operands and result by
//! slot index relative to the frame pointer (a register machine), instead of
//! pushing and popping. The translator avoids most copies: `local.get` and
//! `*.const` do not emit anything, later instructions read the local's slot
//! (or take the constant as an immediate) directly, and a `local.set` right
//! after an instruction retargets that instruction's result slot.
//!
//! # Calls
//!
//! A caller leaves the arguments of a call in its topmost canonical slots,
//! and the callee's frame starts right there (frames overlap), so an
//! interpreted call copies nothing: [`Op::Call`] names the slot `base` where the
//! arguments start and where the results will be found after the call.
//!
//! # Control flow
//!
//! Branch targets are indices into the function's `ops` (forward branches are
//! patched when their block ends). Whenever control flow merges, every
//! operand-stack value lives in its canonical slot, so all paths agree; a
//! branch that carries values copies them into the target label's slots
//! first. Integer compares followed by `br_if`/`if` fuse into a single
//! compare-and-branch instruction.
//!
//! # Size
//!
//! [`Op`] is kept at 16 bytes (a tag and three 32-bit fields); anything that
//! does not fit (`br_table` targets, `v128` constants, SIMD operators,
//! `call_indirect` immediates) lives in side tables of [`FuncCode`] indexed by
//! an operand of the instruction.

use crate::simd::{SimdMemOp, SimdOp};
use wasmparser::ValType;

/// A slot index relative to the frame pointer.
pub type Slot = u32;
/// An instruction index in [`FuncCode::ops`].
pub type Target = u32;

/// Calls `$m!` with the table of integer comparisons, one row each:
/// `Value ValueImm Branch BranchImm NegBranch NegBranchImm : type operator;`
///
/// `Value` computes the comparison into a slot, `ValueImm` compares with an
/// immediate (an `i32` sign-extended to the type), `Branch`/`BranchImm` are
/// the fused compare-and-branch forms, and `NegBranch`/`NegBranchImm` branch
/// on the opposite comparison (an `if` jumps to its `else` when the condition fails).
macro_rules! for_each_int_cmp {
    ($m:ident) => {
        $m! {
            I32Eq I32EqImm BrIfI32Eq BrIfI32EqImm BrIfI32Ne BrIfI32NeImm : i32 ==;
            I32Ne I32NeImm BrIfI32Ne BrIfI32NeImm BrIfI32Eq BrIfI32EqImm : i32 !=;
            I32LtS I32LtSImm BrIfI32LtS BrIfI32LtSImm BrIfI32GeS BrIfI32GeSImm : i32 <;
            I32LtU I32LtUImm BrIfI32LtU BrIfI32LtUImm BrIfI32GeU BrIfI32GeUImm : u32 <;
            I32GtS I32GtSImm BrIfI32GtS BrIfI32GtSImm BrIfI32LeS BrIfI32LeSImm : i32 >;
            I32GtU I32GtUImm BrIfI32GtU BrIfI32GtUImm BrIfI32LeU BrIfI32LeUImm : u32 >;
            I32LeS I32LeSImm BrIfI32LeS BrIfI32LeSImm BrIfI32GtS BrIfI32GtSImm : i32 <=;
            I32LeU I32LeUImm BrIfI32LeU BrIfI32LeUImm BrIfI32GtU BrIfI32GtUImm : u32 <=;
            I32GeS I32GeSImm BrIfI32GeS BrIfI32GeSImm BrIfI32LtS BrIfI32LtSImm : i32 >=;
            I32GeU I32GeUImm BrIfI32GeU BrIfI32GeUImm BrIfI32LtU BrIfI32LtUImm : u32 >=;
            I64Eq I64EqImm BrIfI64Eq BrIfI64EqImm BrIfI64Ne BrIfI64NeImm : i64 ==;
            I64Ne I64NeImm BrIfI64Ne BrIfI64NeImm BrIfI64Eq BrIfI64EqImm : i64 !=;
            I64LtS I64LtSImm BrIfI64LtS BrIfI64LtSImm BrIfI64GeS BrIfI64GeSImm : i64 <;
            I64LtU I64LtUImm BrIfI64LtU BrIfI64LtUImm BrIfI64GeU BrIfI64GeUImm : u64 <;
            I64GtS I64GtSImm BrIfI64GtS BrIfI64GtSImm BrIfI64LeS BrIfI64LeSImm : i64 >;
            I64GtU I64GtUImm BrIfI64GtU BrIfI64GtUImm BrIfI64LeU BrIfI64LeUImm : u64 >;
            I64LeS I64LeSImm BrIfI64LeS BrIfI64LeSImm BrIfI64GtS BrIfI64GtSImm : i64 <=;
            I64LeU I64LeUImm BrIfI64LeU BrIfI64LeUImm BrIfI64GtU BrIfI64GtUImm : u64 <=;
            I64GeS I64GeSImm BrIfI64GeS BrIfI64GeSImm BrIfI64LtS BrIfI64LtSImm : i64 >=;
            I64GeU I64GeUImm BrIfI64GeU BrIfI64GeUImm BrIfI64LtU BrIfI64LtUImm : u64 >=;
        }
    };
}
pub(crate) use for_each_int_cmp;

/// Declares [`Op`] from the comparison table plus two lists: `pure` ops,
/// whose first field is a result slot written only after every operand has
/// been read (so the translator may retarget it, see [`Op::dst_mut`]), and
/// all `other` ops.
macro_rules! define_op {
    (
        cmp { $($V:ident $VI:ident $B:ident $BI:ident $NB:ident $NBI:ident : $t:ident $o:tt;)* }
        pure { $( $(#[$pm:meta])* $P:ident ( $($pf:ty),* ), )* }
        other { $( $(#[$om:meta])* $O:ident $( ( $($of:ty),* ) )?, )* }
    ) => {
        /// One interpreter instruction. Field conventions (unless documented
        /// otherwise): unary ops are `(dst, src)`, binary ops `(dst, a, b)`,
        /// `*Imm` ops `(dst, a, imm)`, loads `(dst, addr, offset)`, stores
        /// `(addr, value, offset)`, branches end with their [`Target`].
        ///
        /// `repr(u32)` puts the tag in the first four bytes, numbered from
        /// 0 in declaration order, where the executor reads it to dispatch.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u32)]
        pub enum Op {
            $(
                /// Integer comparison `(dst, a, b)`, result 0 or 1.
                $V(Slot, Slot, Slot),
                /// Integer comparison with an immediate `(dst, a, imm)`.
                $VI(Slot, Slot, u32),
                /// Branch if the comparison holds `(a, b, target)`.
                $B(Slot, Slot, Target),
                /// Branch if the comparison with an immediate holds `(a, imm, target)`.
                $BI(Slot, u32, Target),
            )*
            $( $(#[$pm])* $P($($pf),*), )*
            $( $(#[$om])* $O $( ( $($of),* ) )?, )*
        }

        /// The number of instructions (one past the highest tag).
        pub const OP_COUNT: usize = [
            $( stringify!($V), stringify!($VI), stringify!($B), stringify!($BI), )*
            $( stringify!($P), )*
            $( stringify!($O), )*
        ]
        .len();

        impl Op {
            /// The result slot of an instruction that the translator may
            /// redirect (to fold a following `local.set`), if it has one.
            pub fn dst_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $( Op::$V(d, ..) | Op::$VI(d, ..) => Some(d), )*
                    $( Op::$P(d, ..) => Some(d), )*
                    _ => None,
                }
            }

            /// The branch target of a branch instruction, to patch it.
            pub fn target_mut(&mut self) -> Option<&mut Target> {
                match self {
                    $( Op::$B(.., t) | Op::$BI(.., t) => Some(t), )*
                    Op::Br(t)
                    | Op::BrIfNez(_, t)
                    | Op::BrIfEqz(_, t)
                    | Op::BrIfNez64(_, t)
                    | Op::BrIfEqz64(_, t) => Some(t),
                    _ => None,
                }
            }
        }
    };
}

macro_rules! declare_op {
    ($($cmp:tt)*) => {
        define_op! {
            cmp { $($cmp)* }
            pure {
                /// `i32.eqz`, and `i64.eqz`/`ref.is_null` below.
                I32Eqz(Slot, Slot),
                I64Eqz(Slot, Slot),
                I32Clz(Slot, Slot),
                I32Ctz(Slot, Slot),
                I32Popcnt(Slot, Slot),
                I64Clz(Slot, Slot),
                I64Ctz(Slot, Slot),
                I64Popcnt(Slot, Slot),
                I32Extend8S(Slot, Slot),
                I32Extend16S(Slot, Slot),
                I64Extend8S(Slot, Slot),
                I64Extend16S(Slot, Slot),
                I64Extend32S(Slot, Slot),
                I32WrapI64(Slot, Slot),
                I32Add(Slot, Slot, Slot),
                I32Sub(Slot, Slot, Slot),
                I32Mul(Slot, Slot, Slot),
                I32DivS(Slot, Slot, Slot),
                I32DivU(Slot, Slot, Slot),
                I32RemS(Slot, Slot, Slot),
                I32RemU(Slot, Slot, Slot),
                I32And(Slot, Slot, Slot),
                I32Or(Slot, Slot, Slot),
                I32Xor(Slot, Slot, Slot),
                I32Shl(Slot, Slot, Slot),
                I32ShrS(Slot, Slot, Slot),
                I32ShrU(Slot, Slot, Slot),
                I32Rotl(Slot, Slot, Slot),
                I32Rotr(Slot, Slot, Slot),
                I64Add(Slot, Slot, Slot),
                I64Sub(Slot, Slot, Slot),
                I64Mul(Slot, Slot, Slot),
                I64DivS(Slot, Slot, Slot),
                I64DivU(Slot, Slot, Slot),
                I64RemS(Slot, Slot, Slot),
                I64RemU(Slot, Slot, Slot),
                I64And(Slot, Slot, Slot),
                I64Or(Slot, Slot, Slot),
                I64Xor(Slot, Slot, Slot),
                I64Shl(Slot, Slot, Slot),
                I64ShrS(Slot, Slot, Slot),
                I64ShrU(Slot, Slot, Slot),
                I64Rotl(Slot, Slot, Slot),
                I64Rotr(Slot, Slot, Slot),
                /// Integer ops with an immediate `(dst, a, imm)`; `i64` forms
                /// sign-extend the immediate. `sub` becomes `add` of the negation.
                I32AddImm(Slot, Slot, u32),
                I32MulImm(Slot, Slot, u32),
                I32AndImm(Slot, Slot, u32),
                I32OrImm(Slot, Slot, u32),
                I32XorImm(Slot, Slot, u32),
                I32ShlImm(Slot, Slot, u32),
                I32ShrSImm(Slot, Slot, u32),
                I32ShrUImm(Slot, Slot, u32),
                I64AddImm(Slot, Slot, u32),
                I64MulImm(Slot, Slot, u32),
                I64AndImm(Slot, Slot, u32),
                I64OrImm(Slot, Slot, u32),
                I64XorImm(Slot, Slot, u32),
                I64ShlImm(Slot, Slot, u32),
                I64ShrSImm(Slot, Slot, u32),
                I64ShrUImm(Slot, Slot, u32),
                F32Eq(Slot, Slot, Slot),
                F32Ne(Slot, Slot, Slot),
                F32Lt(Slot, Slot, Slot),
                F32Gt(Slot, Slot, Slot),
                F32Le(Slot, Slot, Slot),
                F32Ge(Slot, Slot, Slot),
                F64Eq(Slot, Slot, Slot),
                F64Ne(Slot, Slot, Slot),
                F64Lt(Slot, Slot, Slot),
                F64Gt(Slot, Slot, Slot),
                F64Le(Slot, Slot, Slot),
                F64Ge(Slot, Slot, Slot),
                F32Abs(Slot, Slot),
                F32Neg(Slot, Slot),
                F32Ceil(Slot, Slot),
                F32Floor(Slot, Slot),
                F32Trunc(Slot, Slot),
                F32Nearest(Slot, Slot),
                F32Sqrt(Slot, Slot),
                F64Abs(Slot, Slot),
                F64Neg(Slot, Slot),
                F64Ceil(Slot, Slot),
                F64Floor(Slot, Slot),
                F64Trunc(Slot, Slot),
                F64Nearest(Slot, Slot),
                F64Sqrt(Slot, Slot),
                F32Add(Slot, Slot, Slot),
                F32Sub(Slot, Slot, Slot),
                F32Mul(Slot, Slot, Slot),
                F32Div(Slot, Slot, Slot),
                F32Min(Slot, Slot, Slot),
                F32Max(Slot, Slot, Slot),
                F32Copysign(Slot, Slot, Slot),
                F64Add(Slot, Slot, Slot),
                F64Sub(Slot, Slot, Slot),
                F64Mul(Slot, Slot, Slot),
                F64Div(Slot, Slot, Slot),
                F64Min(Slot, Slot, Slot),
                F64Max(Slot, Slot, Slot),
                F64Copysign(Slot, Slot, Slot),
                I32TruncF32S(Slot, Slot),
                I32TruncF32U(Slot, Slot),
                I32TruncF64S(Slot, Slot),
                I32TruncF64U(Slot, Slot),
                I64TruncF32S(Slot, Slot),
                I64TruncF32U(Slot, Slot),
                I64TruncF64S(Slot, Slot),
                I64TruncF64U(Slot, Slot),
                I32TruncSatF32S(Slot, Slot),
                I32TruncSatF32U(Slot, Slot),
                I32TruncSatF64S(Slot, Slot),
                I32TruncSatF64U(Slot, Slot),
                I64TruncSatF32S(Slot, Slot),
                I64TruncSatF32U(Slot, Slot),
                I64TruncSatF64S(Slot, Slot),
                I64TruncSatF64U(Slot, Slot),
                I64ExtendI32S(Slot, Slot),
                F32ConvertI32S(Slot, Slot),
                F32ConvertI32U(Slot, Slot),
                F32ConvertI64S(Slot, Slot),
                F32ConvertI64U(Slot, Slot),
                F32DemoteF64(Slot, Slot),
                F64ConvertI32S(Slot, Slot),
                F64ConvertI32U(Slot, Slot),
                F64ConvertI64S(Slot, Slot),
                F64ConvertI64U(Slot, Slot),
                F64PromoteF32(Slot, Slot),
                /// Loads `(dst, addr, offset)`, named by width and extension;
                /// float loads use the integer load of their width.
                Load8S32(Slot, Slot, u32),
                Load8S64(Slot, Slot, u32),
                Load8U(Slot, Slot, u32),
                Load16S32(Slot, Slot, u32),
                Load16S64(Slot, Slot, u32),
                Load16U(Slot, Slot, u32),
                Load32(Slot, Slot, u32),
                Load32S64(Slot, Slot, u32),
                Load64(Slot, Slot, u32),
                /// `global.get` `(dst, global)` of a one-slot value.
                GlobalGet(Slot, u32),
                /// `ref.func` `(dst, func)`: the function's `VMFunc` address.
                RefFunc(Slot, u32),
                /// `memory.size` `(dst)`.
                MemorySize(Slot),
                /// `table.get` `(dst, index, table)`.
                TableGet(Slot, Slot, u32),
                /// `table.size` `(dst, table)`.
                TableSize(Slot, u32),
            }
            other {
                /// Traps with `unreachable`.
                Unreachable,
                /// Jumps to the target.
                Br(Target),
                /// Branches if the `i32` in the slot is non-zero / zero.
                BrIfNez(Slot, Target),
                BrIfEqz(Slot, Target),
                /// Branches if the `i64` in the slot is non-zero / zero.
                BrIfNez64(Slot, Target),
                BrIfEqz64(Slot, Target),
                /// `br_table` `(index, first, len)`: jumps to
                /// `br_targets[first + min(index, len - 1)]` (the last entry is the default).
                BrTable(Slot, u32, u32),
                /// Returns; the results are already in the frame's first slots.
                Return,
                /// Copies one slot to the frame's first slot and returns.
                Return1(Slot),
                /// `(func, base, type_index)`: calls function `func` of the
                /// current instance with arguments (and then results) at `base`.
                Call(u32, Slot, u32),
                /// `(index, base, side)`: `call_indirect` through the table
                /// and type in `indirect[side]`.
                CallIndirect(Slot, Slot, u32),
                /// Copies a one-slot / two-slot value `(dst, src)`.
                Copy(Slot, Slot),
                Copy128(Slot, Slot),
                /// Writes a zero-extended 32-bit constant `(dst, value)`.
                Const32(Slot, u32),
                /// Writes a 64-bit constant `(dst, low, high)`.
                Const64(Slot, u32, u32),
                /// Writes `consts128[index]` `(dst, index)`.
                ConstV128(Slot, u32),
                /// Second half of `select` `(dst, cond, src)`: the first
                /// operand is already in `dst`; if `cond` is zero, copy `src` over it.
                Select(Slot, Slot, Slot),
                Select128(Slot, Slot, Slot),
                /// `global.set` `(src, global)` of a one-slot value.
                GlobalSet(Slot, u32),
                /// `global.get`/`global.set` of a `v128`.
                GlobalGet128(Slot, u32),
                GlobalSet128(Slot, u32),
                /// Stores `(addr, value, offset)` of the low bytes of a slot.
                Store8(Slot, Slot, u32),
                Store16(Slot, Slot, u32),
                Store32(Slot, Slot, u32),
                Store64(Slot, Slot, u32),
                /// `memory.grow` `(dst_and_delta)`: reads the delta and writes
                /// the result in the same slot (grow has side effects, so the
                /// translator never retargets it).
                MemoryGrow(Slot),
                /// Bulk memory ops on three consecutive slots from `base`
                /// (the Wasm operands in order): `memory.fill` `(base)`,
                /// `memory.copy` `(base)`, `memory.init` `(base, data)`.
                MemoryFill(Slot),
                MemoryCopy(Slot),
                MemoryInit(Slot, u32),
                /// `data.drop` `(data)`.
                DataDrop(u32),
                /// `table.set` `(index, value, table)`.
                TableSet(Slot, Slot, u32),
                /// `table.grow` `(base, table)`: init value at `base`, delta at
                /// `base + 1`, result written to `base`.
                TableGrow(Slot, u32),
                /// `table.fill` `(base, table)` on three slots from `base`.
                TableFill(Slot, u32),
                /// `table.copy` `(base, dst_table, src_table)`.
                TableCopy(Slot, u32, u32),
                /// `table.init` `(base, elem, table)`.
                TableInit(Slot, u32, u32),
                /// `elem.drop` `(elem)`.
                ElemDrop(u32),
                /// A non-memory SIMD op described by `simd[index]`.
                Simd(u32),
                /// A SIMD memory op `(dst, addr, index)` described by `simd_mem[index]`.
                SimdMem(Slot, Slot, u32),
            }
        }
    };
}
for_each_int_cmp!(declare_op);

/// A SIMD operation with its operand and result slots.
#[derive(Clone, Copy, Debug)]
pub struct SimdInstr {
    pub op: SimdOp,
    pub dst: Slot,
    pub a: Slot,
    pub b: Slot,
    pub c: Slot,
}

/// A SIMD memory operation's immediates: `vector` is the slot of the `v128`
/// operand of lane loads and stores.
#[derive(Clone, Copy, Debug)]
pub struct SimdMemInstr {
    pub op: SimdMemOp,
    pub offset: u32,
    pub vector: Slot,
}

/// A translated function: its instructions, side tables, and frame layout.
#[derive(Debug)]
pub struct FuncCode {
    pub ops: Box<[Op]>,
    /// `br_table` target lists, see [`Op::BrTable`].
    pub br_targets: Box<[Target]>,
    pub consts128: Box<[u128]>,
    /// `(type_index, table_index)` of each `call_indirect`.
    pub indirect: Box<[(u32, u32)]>,
    pub simd: Box<[SimdInstr]>,
    pub simd_mem: Box<[SimdMemInstr]>,
    /// Index in the module's function index space (for backtraces).
    pub func_index: u32,
    /// Slots taken by the parameters.
    pub param_slots: u32,
    /// Slots taken by the declared locals, which are zeroed on entry.
    pub local_slots: u32,
    /// Total slots the frame may use (params, locals, temporaries).
    pub frame_slots: u32,
    pub params: Box<[ValType]>,
    pub results: Box<[ValType]>,
    /// Whether the module has a linear memory (to cache its base and length).
    pub has_memory: bool,
}

impl FuncCode {
    /// Heap and inline bytes this translation occupies.
    pub fn byte_size(&self) -> usize {
        use std::mem::size_of_val;
        std::mem::size_of::<FuncCode>()
            + size_of_val(&*self.ops)
            + size_of_val(&*self.br_targets)
            + size_of_val(&*self.consts128)
            + size_of_val(&*self.indirect)
            + size_of_val(&*self.simd)
            + size_of_val(&*self.simd_mem)
            + size_of_val(&*self.params)
            + size_of_val(&*self.results)
    }
}

/// Slots a value of type `ty` occupies.
pub fn slots_of(ty: ValType) -> u32 {
    if ty == ValType::V128 {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Op>(), 16);
    }
}
