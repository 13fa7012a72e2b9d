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
//! Whenever control flow merges, every operand-stack value lives in its
//! canonical slot, so all paths agree; a branch that carries values copies
//! them into the target label's slots first. Integer compares followed by
//! `br_if`/`if` fuse into a single compare-and-branch instruction.
//!
//! # Encoding
//!
//! An instruction ([`Op`]) is a `u16` tag followed by operand fields, in one
//! of three shapes: three *narrow* fields, one narrow field and a 32-bit
//! field, or one 32-bit field. A narrow field is a slot, a small immediate
//! (sign-extended for arithmetic, zero-extended for memory offsets and table
//! indices) or a fused compare-and-branch's relative target, all of the
//! function's [`Width`]:
//!
//! - *narrow* (`Op<u16>`, 8 bytes, `tag | a:u16 | b:u16 | c:u16` or
//!   `tag | a:u16 | x:u32`): used whenever everything fits, i.e. for all
//!   but pathological functions;
//! - *wide* (`Op<u32>`, 16 bytes, the same shapes with 32-bit narrow
//!   fields): for functions whose frame exceeds 65,536 slots (up to 50,000
//!   locals are valid, and `v128` locals take two slots each), or whose
//!   fused branches jump further than 32,767 instructions (the narrow
//!   translation is first retried without fusing).
//!
//! The width is chosen per function, and the translator and the executor are
//! generic over it (monomorphized twice from one declaration and one
//! handler body), so a narrow function pays nothing for the existence of
//! huge frames: its handlers read fixed fields and never test for an escape.
//! (Extension words for slots would instead touch every instruction family
//! and every handler, for functions that practically never occur.) An
//! interpreted call to a function of the other width goes through
//! [`entry`](crate::entry), like a call to any other code. Wasm immediates that do not fit a narrow
//! field never force the wide form: arithmetic immediates outside `i16` use
//! the register form with the constant in a slot, memory offsets above
//! 65,535 get an [`Op::AddrOffset`] before the access, 32-bit constants
//! (zero- or sign-extended) fit [`Op::Const32`] / [`Op::Const32S`], and other
//! 64-bit and `v128` constants, `call_indirect` and `table.init` immediates
//! live in the function's `aux` side table of 32-bit words, with an index in
//! the instruction's 32-bit field. A `br_table`'s targets follow it inline,
//! one [`Op::BrTarget`] each. SIMD operations are described by entries of
//! the `simd` / `simd_mem` tables, and memory instructions outside the fast
//! forms (on a memory other than 0, or a 64-bit one) by those of `mem`.
//!
//! Branch targets are relative to the branch instruction (`ip + offset`):
//! 32-bit for [`Op::Br`], `BrIf*` and `br_table` entries, narrow for fused
//! compares. The translator itself works on
//! `Op<u32>` with absolute targets (forward branches are patched when their
//! block ends), and [`Op::encode`] turns the finished list into the chosen
//! width.
//!
//! In the function's instruction list each [`Op`] is stored as an
//! [`Instr`], whose tag also holds an accumulator mode: a temporary read
//! only by a later instruction, with nothing in between that touches it,
//! passes in a register instead of its slot (see [`Instr`]). Loop counters
//! stepped and tested against zero, and a copy followed by a branch on the
//! copied value, fuse into one instruction.
//!
//! Side-table indices and 32-bit fields are always wide enough: a function
//! body (at most 7,654,321 bytes) cannot produce 2^32 entries.

use crate::simd::{SimdMemOp, SimdOp};
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};
use wasmparser::ValType;

/// A slot index relative to the frame pointer, as the translator computes it.
pub type Slot = u32;
/// An instruction index in a function's instructions.
pub type Target = u32;

/// The width of a function's narrow operand fields (see the module docs):
/// `u16` for the 8-byte encoding, `u32` for the 16-byte one.
pub trait Width: Copy + std::fmt::Debug + Eq + Send + Sync + 'static {
    /// The type of 32-bit fields (`u32` in both widths).
    type Word: Copy + std::fmt::Debug + Eq;
    /// The field holding `x` zero-extended, if it fits.
    fn from_u32(x: u32) -> Option<Self>;
    /// The field holding `x` sign-extended, if it fits.
    fn from_i32(x: i32) -> Option<Self>;
    /// The field zero-extended (slots, offsets, indices).
    fn idx(self) -> usize;
    /// The field sign-extended (immediates, relative targets).
    fn sext(self) -> i32;
}

impl Width for u16 {
    type Word = u32;
    fn from_u32(x: u32) -> Option<u16> {
        u16::try_from(x).ok()
    }
    fn from_i32(x: i32) -> Option<u16> {
        i16::try_from(x).ok().map(|x| x as u16)
    }
    #[inline(always)]
    fn idx(self) -> usize {
        self as usize
    }
    #[inline(always)]
    fn sext(self) -> i32 {
        self as i16 as i32
    }
}

impl Width for u32 {
    type Word = u32;
    fn from_u32(x: u32) -> Option<u32> {
        Some(x)
    }
    fn from_i32(x: i32) -> Option<u32> {
        Some(x as u32)
    }
    #[inline(always)]
    fn idx(self) -> usize {
        self as usize
    }
    #[inline(always)]
    fn sext(self) -> i32 {
        self as i32
    }
}

/// The types of operand fields, by their kind in the [`Op`] declaration
/// (`W` is the function's [`Width`]): `S` slot, `I` signed immediate, `U`
/// unsigned immediate, `T` relative target (all narrow), `R` 32-bit
/// relative target, `X` any other 32-bit value. `D`, `A` and `B` are slots
/// that may instead be the accumulator (see [`Instr`]): `D` a result, `A`
/// and `B` operands read. `M` is a slot read (as operand `A`) and written
/// in place by a branch: it may be read from the accumulator and written
/// through to it ([`ACC_W`]), never written to the accumulator alone, since
/// the instruction the branch lands on may read the slot.
pub mod field {
    use super::Width;
    pub type S<W> = W;
    pub type D<W> = W;
    pub type M<W> = W;
    pub type A<W> = W;
    pub type B<W> = W;
    pub type I<W> = W;
    pub type U<W> = W;
    pub type T<W> = W;
    pub type R<W> = <W as Width>::Word;
    pub type X<W> = <W as Width>::Word;
}

/// Encodes a field of `Op<u32>` (as translated, targets absolute) at
/// instruction index `$at` for the width `W`; `None` if it does not fit.
macro_rules! encode_field {
    (S, $x:expr, $at:expr) => {
        W::from_u32($x)?
    };
    (D, $x:expr, $at:expr) => {
        W::from_u32($x)?
    };
    (M, $x:expr, $at:expr) => {
        W::from_u32($x)?
    };
    (A, $x:expr, $at:expr) => {
        W::from_u32($x)?
    };
    (B, $x:expr, $at:expr) => {
        W::from_u32($x)?
    };
    (U, $x:expr, $at:expr) => {
        W::from_u32($x)?
    };
    (I, $x:expr, $at:expr) => {
        W::from_i32($x as i32)?
    };
    (T, $x:expr, $at:expr) => {
        W::from_i32(($x as i32).wrapping_sub($at as i32))?
    };
    (R, $x:expr, $at:expr) => {
        ($x as i32).wrapping_sub($at as i32) as u32
    };
    (X, $x:expr, $at:expr) => {
        $x
    };
}

/// Encodes `$op`, an `Op::$V` with fields of the given kinds.
macro_rules! encode_variant {
    ($op:expr, $at:expr, $V:ident) => {
        Op::$V
    };
    ($op:expr, $at:expr, $V:ident, $a:ident) => {{
        let Op::$V(x) = $op else { unreachable!() };
        Op::$V(encode_field!($a, x, $at))
    }};
    ($op:expr, $at:expr, $V:ident, $a:ident, $b:ident) => {{
        let Op::$V(x, y) = $op else { unreachable!() };
        Op::$V(encode_field!($a, x, $at), encode_field!($b, y, $at))
    }};
    ($op:expr, $at:expr, $V:ident, $a:ident, $b:ident, $c:ident) => {{
        let Op::$V(x, y, z) = $op else { unreachable!() };
        Op::$V(
            encode_field!($a, x, $at),
            encode_field!($b, y, $at),
            encode_field!($c, z, $at),
        )
    }};
}

/// The [`Shape`] of a variant with fields of the given kinds (`R` and `X`
/// are 32 bits wide, the others narrow).
macro_rules! shape_of {
    () => {
        Shape::S0
    };
    (R) => {
        Shape::SX
    };
    (X) => {
        Shape::SX
    };
    ($a:ident) => {
        Shape::S1
    };
    ($a:ident, R) => {
        Shape::S1X
    };
    ($a:ident, X) => {
        Shape::S1X
    };
    ($a:ident, $b:ident) => {
        Shape::S2
    };
    ($a:ident, $b:ident, $c:ident) => {
        Shape::S3
    };
}

/// The accumulator role bit of a field kind (0 for fields without one).
macro_rules! role_bit {
    (D) => {
        ACC_D | ACC_W
    };
    (M) => {
        ACC_A | ACC_W
    };
    (A) => {
        ACC_A
    };
    (B) => {
        ACC_B
    };
    ($k:ident) => {
        0
    };
}

/// `Some($x)` if a field of kind `$k` has role `$role` (`D`, `A` or `B`;
/// an `M` field has both `D` and `A`).
macro_rules! role_of {
    (D, D, $x:expr) => {
        Some($x)
    };
    (D, M, $x:expr) => {
        Some($x)
    };
    (A, M, $x:expr) => {
        Some($x)
    };
    (A, A, $x:expr) => {
        Some($x)
    };
    (B, B, $x:expr) => {
        Some($x)
    };
    ($role:ident, $k:ident, $x:expr) => {
        None
    };
}

/// The `[d, a, b]` role slots of `$op`, an `Op::$V` with fields of the given kinds.
macro_rules! acc_fields_variant {
    ($op:expr, $V:ident) => {
        [None; 3]
    };
    ($op:expr, $V:ident, $a:ident) => {{
        let Op::$V(_x) = $op else { unreachable!() };
        [
            role_of!(D, $a, _x),
            role_of!(A, $a, _x),
            role_of!(B, $a, _x),
        ]
    }};
    ($op:expr, $V:ident, $a:ident, $b:ident) => {{
        let Op::$V(_x, _y) = $op else { unreachable!() };
        [
            role_of!(D, $a, _x).or(role_of!(D, $b, _y)),
            role_of!(A, $a, _x).or(role_of!(A, $b, _y)),
            role_of!(B, $a, _x).or(role_of!(B, $b, _y)),
        ]
    }};
    ($op:expr, $V:ident, $a:ident, $b:ident, $c:ident) => {{
        let Op::$V(_x, _y, _z) = $op else {
            unreachable!()
        };
        [
            role_of!(D, $a, _x)
                .or(role_of!(D, $b, _y))
                .or(role_of!(D, $c, _z)),
            role_of!(A, $a, _x)
                .or(role_of!(A, $b, _y))
                .or(role_of!(A, $c, _z)),
            role_of!(B, $a, _x)
                .or(role_of!(B, $b, _y))
                .or(role_of!(B, $c, _z)),
        ]
    }};
}

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
/// all `other` ops. Fields are given by kind (see [`field`]).
macro_rules! define_op {
    (
        cmp { $($V:ident $VI:ident $B:ident $BI:ident $NB:ident $NBI:ident : $t:ident $o:tt;)* }
        pure { $( $(#[$pm:meta])* $P:ident ( $($pf:ident),* ), )* }
        other { $( $(#[$om:meta])* $O:ident $( ( $($of:ident),* ) )?, )* }
    ) => {
        /// One interpreter instruction, with narrow fields of width `W`.
        /// Field conventions (unless documented otherwise): unary ops are
        /// `(dst, src)`, binary ops `(dst, a, b)`, `*Imm` ops `(dst, a,
        /// imm)`, loads `(dst, addr, offset)`, stores `(addr, value,
        /// offset)`, branches end with their target.
        ///
        /// `repr(u16)` lays every variant out as a C struct starting with
        /// the tag (numbered from 0 in declaration order), where the
        /// executor reads it to dispatch; the field orders keep `Op<u16>` at
        /// 8 bytes.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u16)]
        pub enum Op<W: Width = u32> {
            $(
                /// Integer comparison `(dst, a, b)`, result 0 or 1.
                $V(W, W, W),
                /// Integer comparison with an immediate `(dst, a, imm)`.
                $VI(W, W, W),
                /// Branch if the comparison holds `(a, b, target)`.
                $B(W, W, W),
                /// Branch if the comparison with an immediate holds `(a, imm, target)`.
                $BI(W, W, W),
            )*
            $( $(#[$pm])* $P($(field::$pf<W>),*), )*
            $( $(#[$om])* $O $( ( $(field::$of<W>),* ) )?, )*
        }

        /// The number of instructions (one past the highest tag).
        pub const OP_COUNT: usize = [
            $( stringify!($V), stringify!($VI), stringify!($B), stringify!($BI), )*
            $( stringify!($P), )*
            $( stringify!($O), )*
        ]
        .len();

        /// The field layout of each instruction, by tag.
        const SHAPES: [Shape; OP_COUNT] = [
            $( shape_of!($V, $V, $V), shape_of!($VI, $VI, $VI), shape_of!($B, $B, $B), shape_of!($BI, $BI, $BI), )*
            $( shape_of!($($pf),*), )*
            $( shape_of!($($($of),*)?), )*
        ];

        /// The accumulator roles each instruction supports, by tag: the
        /// [`ACC_D`] (and [`ACC_W`]), [`ACC_A`] and [`ACC_B`] bits of its
        /// `D`, `A` and `B` fields.
        pub const ACC_MASKS: [u8; OP_COUNT] = [
            $(
                role_bit!(D) | role_bit!(A) | role_bit!(B) | role_bit!($V),
                role_bit!(D) | ACC_A,
                ACC_A | ACC_B,
                ACC_A,
            )*
            $( 0 $(| role_bit!($pf))*, )*
            $( 0 $($(| role_bit!($of))*)?, )*
        ];

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
                    | Op::BrIfEqz64(_, t)
                    | Op::I32AddImmBrNez(.., t)
                    | Op::I32AddImmBrEqz(.., t)
                    | Op::I64AddImmBrNez(.., t)
                    | Op::I64AddImmBrEqz(.., t)
                    | Op::CopyBrNez(.., t)
                    | Op::CopyBrIfNez(.., t)
                    | Op::I32AddImmCopyBrNez(.., t)
                    | Op::Load32BrNez(.., t)
                    | Op::BrTarget(t) => Some(t),
                    _ => None,
                }
            }

            /// The slots of its `D`, `A` and `B` fields (see [`ACC_MASKS`]).
            pub fn acc_fields(&self) -> [Option<Slot>; 3] {
                match *self {
                    $(
                        Op::$V(..) => acc_fields_variant!(*self, $V, D, A, B),
                        Op::$VI(..) => acc_fields_variant!(*self, $VI, D, A, I),
                        Op::$B(..) => acc_fields_variant!(*self, $B, A, B, T),
                        Op::$BI(..) => acc_fields_variant!(*self, $BI, A, I, T),
                    )*
                    $( Op::$P(..) => acc_fields_variant!(*self, $P $(, $pf)*), )*
                    $( Op::$O { .. } => acc_fields_variant!(*self, $O $($(, $of)*)?), )*
                }
            }

            /// This translated instruction (absolute targets), at index
            /// `at`, in the encoding of width `W`; `None` if a field does
            /// not fit.
            pub fn encode<W: Width<Word = u32>>(self, at: u32) -> Option<Op<W>> {
                Some(match self {
                    $(
                        Op::$V(..) => encode_variant!(self, at, $V, D, A, B),
                        Op::$VI(..) => encode_variant!(self, at, $VI, D, A, I),
                        Op::$B(..) => encode_variant!(self, at, $B, A, B, T),
                        Op::$BI(..) => encode_variant!(self, at, $BI, A, I, T),
                    )*
                    $( Op::$P(..) => encode_variant!(self, at, $P $(, $pf)*), )*
                    $( Op::$O { .. } => encode_variant!(self, at, $O $($(, $of)*)?), )*
                })
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
                I32Eqz(D, A),
                I64Eqz(D, A),
                I32Clz(D, A),
                I32Ctz(D, A),
                I32Popcnt(D, A),
                I64Clz(D, A),
                I64Ctz(D, A),
                I64Popcnt(D, A),
                I32Extend8S(D, A),
                I32Extend16S(D, A),
                I64Extend8S(D, A),
                I64Extend16S(D, A),
                I64Extend32S(D, A),
                I32WrapI64(D, A),
                I32Add(D, A, B),
                I32Sub(D, A, B),
                I32Mul(D, A, B),
                I32DivS(D, A, B),
                I32DivU(D, A, B),
                I32RemS(D, A, B),
                I32RemU(D, A, B),
                I32And(D, A, B),
                I32Or(D, A, B),
                I32Xor(D, A, B),
                I32Shl(D, A, B),
                I32ShrS(D, A, B),
                I32ShrU(D, A, B),
                I32Rotl(D, A, B),
                I32Rotr(D, A, B),
                I64Add(D, A, B),
                I64Sub(D, A, B),
                I64Mul(D, A, B),
                I64DivS(D, A, B),
                I64DivU(D, A, B),
                I64RemS(D, A, B),
                I64RemU(D, A, B),
                I64And(D, A, B),
                I64Or(D, A, B),
                I64Xor(D, A, B),
                I64Shl(D, A, B),
                I64ShrS(D, A, B),
                I64ShrU(D, A, B),
                I64Rotl(D, A, B),
                I64Rotr(D, A, B),
                /// Integer ops with an immediate `(dst, a, imm)`; `i64` forms
                /// sign-extend the immediate. `sub` becomes `add` of the negation.
                I32AddImm(D, A, I),
                I32MulImm(D, A, I),
                I32AndImm(D, A, I),
                I32OrImm(D, A, I),
                I32XorImm(D, A, I),
                I32ShlImm(D, A, I),
                I32ShrSImm(D, A, I),
                I32ShrUImm(D, A, I),
                I64AddImm(D, A, I),
                I64MulImm(D, A, I),
                I64AndImm(D, A, I),
                I64OrImm(D, A, I),
                I64XorImm(D, A, I),
                I64ShlImm(D, A, I),
                I64ShrSImm(D, A, I),
                I64ShrUImm(D, A, I),
                /// `(x >> s) & (2^k - 1)` `(dst, x, s | (32 - k) << 8)`, for
                /// `1 <= k <= 16`: a bit field extracted (an `i32.shr_u`
                /// and `i32.and` fused), or with `s = 0` a mask too wide for
                /// `I32AndImm`'s signed immediate (`x & 0xffff`).
                I32ShrUMask(D, A, U),
                /// `(x + i) & (2^k - 1)` `(dst, x, i as u8 | (32 - k) << 8)`,
                /// `-128 <= i < 128`, `1 <= k <= 16`: a step in a narrow
                /// unsigned type (`(uint8_t)(c - '0')`).
                I32AddMask(D, A, U),
                /// `select` with the condition in the accumulator `(dst, a,
                /// b)`: `dst = if acc != 0 { a } else { b }` (the condition is
                /// computed by the instruction right before it).
                SelectAcc(D, S, S),
                /// `select` of `i32`s with a constant operand `(dst, cond |
                /// other << 8, imm)` (slots below 256, see [`pack_slots`]):
                /// `dst = if cond != 0 { imm } else { other }` (`...ImmA`, the
                /// constant first) or `if cond != 0 { other } else { imm }`
                /// (`...ImmB`), the immediate sign-extended.
                SelectImmA(D, U, I),
                SelectImmB(D, U, I),
                /// `SelectAcc` on the low bit of the accumulator: `dst = if
                /// acc & 1 != 0 { a } else { b }` (the `i32.and` with 1
                /// that computed the condition, fused).
                SelectAccOdd(D, S, S),
                /// `select` on whether the low bits of the accumulator and
                /// a slot differ `(dst, a | b << 8, s)` (slots below 256):
                /// `dst = if (acc ^ s) & 1 != 0 { a } else { b }` (the
                /// `i32.xor` before the `i32.and` with 1, fused too).
                SelectOddXor(D, U, S),
                /// Multiply-accumulate `(dst, a, b)`: `dst = a + b * acc`
                /// (an `i32.mul` whose other operand came through the
                /// accumulator, fused with the `i32.add` of its product).
                I32MulAdd(D, S, S),
                F32Eq(S, S, S),
                F32Ne(S, S, S),
                F32Lt(S, S, S),
                F32Gt(S, S, S),
                F32Le(S, S, S),
                F32Ge(S, S, S),
                F64Eq(S, S, S),
                F64Ne(S, S, S),
                F64Lt(S, S, S),
                F64Gt(S, S, S),
                F64Le(S, S, S),
                F64Ge(S, S, S),
                F32Abs(S, S),
                F32Neg(S, S),
                F32Ceil(S, S),
                F32Floor(S, S),
                F32Trunc(S, S),
                F32Nearest(S, S),
                F32Sqrt(S, S),
                F64Abs(S, S),
                F64Neg(S, S),
                F64Ceil(S, S),
                F64Floor(S, S),
                F64Trunc(S, S),
                F64Nearest(S, S),
                F64Sqrt(S, S),
                F32Add(S, S, S),
                F32Sub(S, S, S),
                F32Mul(S, S, S),
                F32Div(S, S, S),
                F32Min(S, S, S),
                F32Max(S, S, S),
                F32Copysign(S, S, S),
                F64Add(S, S, S),
                F64Sub(S, S, S),
                F64Mul(S, S, S),
                F64Div(S, S, S),
                F64Min(S, S, S),
                F64Max(S, S, S),
                F64Copysign(S, S, S),
                I32TruncF32S(S, S),
                I32TruncF32U(S, S),
                I32TruncF64S(S, S),
                I32TruncF64U(S, S),
                I64TruncF32S(S, S),
                I64TruncF32U(S, S),
                I64TruncF64S(S, S),
                I64TruncF64U(S, S),
                I32TruncSatF32S(S, S),
                I32TruncSatF32U(S, S),
                I32TruncSatF64S(S, S),
                I32TruncSatF64U(S, S),
                I64TruncSatF32S(S, S),
                I64TruncSatF32U(S, S),
                I64TruncSatF64S(S, S),
                I64TruncSatF64U(S, S),
                I64ExtendI32S(D, A),
                F32ConvertI32S(S, S),
                F32ConvertI32U(S, S),
                F32ConvertI64S(S, S),
                F32ConvertI64U(S, S),
                F32DemoteF64(S, S),
                F64ConvertI32S(S, S),
                F64ConvertI32U(S, S),
                F64ConvertI64S(S, S),
                F64ConvertI64U(S, S),
                F64PromoteF32(S, S),
                /// Loads `(dst, addr, offset)`, named by width and extension;
                /// float loads use the integer load of their width.
                Load8S32(D, A, U),
                Load8S64(D, A, U),
                Load8U(D, A, U),
                Load16S32(D, A, U),
                Load16S64(D, A, U),
                Load16U(D, A, U),
                Load32(D, A, U),
                Load32S64(D, A, U),
                Load64(D, A, U),
                /// `i32.load` of a pointer, then a load at that pointer
                /// `(dst, addr, o1 | o2 << 8)`, both offsets below 256 (a
                /// field reached through a pointer), the second load of the
                /// width the name ends with.
                Load32Load32(D, A, U),
                Load32Load16U(D, A, U),
                Load32Load8U(D, A, U),
                /// `global.get` `(dst, global)` of a one-slot value.
                GlobalGet(D, X),
                /// `ref.func` `(dst, func)`: the function's `VMFunc` address.
                RefFunc(S, X),
                /// `memory.size` `(dst)`.
                MemorySize(S),
                /// `table.get` `(dst, index, table)`.
                TableGet(S, S, U),
                /// `table.size` `(dst, table)`.
                TableSize(S, X),
            }
            other {
                /// Traps with `unreachable`.
                Unreachable,
                /// Jumps to the target.
                Br(R),
                /// Branches if the `i32` in the slot is non-zero / zero.
                BrIfNez(A, R),
                BrIfEqz(A, R),
                /// Branches if the `i64` in the slot is non-zero / zero.
                BrIfNez64(A, R),
                BrIfEqz64(A, R),
                /// `(local, imm, target)`: adds the immediate to the `i32` /
                /// `i64` in the slot (a loop counter), then branches if the
                /// sum is non-zero / zero.
                I32AddImmBrNez(M, I, T),
                I32AddImmBrEqz(M, I, T),
                I64AddImmBrNez(M, I, T),
                I64AddImmBrEqz(M, I, T),
                /// `(dst, src, target)`: copies a slot, then branches if the
                /// `i32` in it is non-zero (a loop carrying its counter).
                CopyBrNez(S, S, T),
                /// `(dst | src << 8, cond, target)`: copies a slot (both
                /// below 256, see [`pack_slots`]), then branches if the `i32`
                /// in `cond` is non-zero (a loop moving a value along).
                CopyBrIfNez(U, S, T),
                /// `(x, y | imm << 8, target)`: adds the immediate (an `i8`)
                /// to the `i32` in slot `x`, writes the sum to `x` and `y`
                /// (below 256), then branches if it is non-zero (a counter
                /// carried as a loop parameter and kept in a local).
                I32AddImmCopyBrNez(M, U, T),
                /// `(x | y << 8, i, j)`: two `i32` steps in place, `x += i`
                /// then `y += j` (slots below 256, see [`pack_slots`]): the
                /// pointers and counters a loop advances together.
                I32AddImm2(U, I, I),
                /// `(x | y << 8, i, z)`: `x += i` then `y += z`.
                I32AddImmAdd(U, I, S),
                /// `(dst | keep << 8, addr, offset)`: copies `addr` to `keep`,
                /// then `i32.load`s into `dst` (a list walk keeping the node
                /// it leaves).
                Load32Keep(U, S, U),
                /// `(dst, addr, target)`: `i32.load` at offset 0, then
                /// branches if the value is non-zero (walking a linked list).
                Load32BrNez(S, S, T),
                /// `br_table` `(index, n)`: the `n` instructions after it are
                /// its targets, [`Op::BrTarget`]s (the last is the default);
                /// jumps to the target of entry `min(index, n - 1)`. Inline
                /// rather than in a side table, the entry is one load away.
                BrTable(A, X),
                /// A `br_table` entry: its target, relative to the entry. Never
                /// executed.
                BrTarget(R),
                /// Returns; the results are already in the frame's first slots.
                Return,
                /// Copies one slot to the frame's first slot and returns.
                Return1(A),
                /// `(base, func)`: calls function `func` of the current
                /// instance with arguments (and then results) at `base`.
                Call(S, X),
                /// `(base, at)`: `call_indirect` with `aux[at..at + 3]` =
                /// `[type_index, table_index, index_slot]`.
                CallIndirect(S, X),
                /// `(base, func)`: `return_call`: replaces the running frame
                /// with a call of function `func`, arguments at `base`.
                ReturnCall(S, X),
                /// `(base, at)`: `return_call_indirect`, `aux` as for
                /// `CallIndirect`.
                ReturnCallIndirect(S, X),
                /// `(base, at)`: `call_ref` with `aux[at..at + 2]` =
                /// `[type_index, ref_slot]`.
                CallRef(S, X),
                /// `(base, at)`: `return_call_ref`, `aux` as for `CallRef`.
                ReturnCallRef(S, X),
                /// `ref.as_non_null` `(ref)`: traps if the reference is null.
                RefAsNonNull(S),
                /// `(base, tag)`: throws a new exception of tag `tag`, its
                /// payload at `base`.
                Throw(S, X),
                /// `throw_ref` `(ref)`: throws the exception again (traps if
                /// the reference is null).
                ThrowRef(S),
                /// Copies a one-slot / two-slot value `(dst, src)`.
                Copy(D, A),
                Copy128(S, S),
                /// `(d1 | s1 << 8, d2, s2)`: two copies in a row, `d1 = s1`
                /// then `d2 = s2` (the first pair below 256, see
                /// [`pack_slots`]): locals moved along together, as in `a, b
                /// = b, a + b`.
                Copy2(U, D, A),
                /// Writes a zero-extended 32-bit constant `(dst, value)`.
                Const32(S, X),
                /// Writes a sign-extended 32-bit constant `(dst, value)`.
                Const32S(S, X),
                /// Writes the 64-bit constant in `aux[at..at + 2]` (low word
                /// first) `(dst, at)`.
                Const64(S, X),
                /// Writes the `v128` constant in `aux[at..at + 4]` `(dst, at)`.
                ConstV128(S, X),
                /// Second half of `select` `(dst, cond, src)`: the first
                /// operand is already in `dst`; if `cond` is zero, copy `src` over it.
                Select(S, S, S),
                Select128(S, S, S),
                /// `global.set` `(src, global)` of a one-slot value.
                GlobalSet(A, X),
                /// `global.get`/`global.set` of a `v128`.
                GlobalGet128(S, X),
                GlobalSet128(S, X),
                /// Stores `(addr, value, offset)` of the low bytes of a slot.
                Store8(A, B, U),
                Store16(A, B, U),
                Store32(A, B, U),
                Store64(A, B, U),
                /// `memory.grow` `(dst_and_delta)`: reads the delta and writes
                /// the result in the same slot (grow has side effects, so the
                /// translator never retargets it).
                MemoryGrow(S),
                /// `memory.fill` `(dst, value, len)` and `memory.copy` `(dst,
                /// src, len)`: in loops (a `memset` or `memcpy`), so their
                /// operands are read where they are.
                MemoryFill(S, S, S),
                MemoryCopy(S, S, S),
                /// `memory.init` `(base, data)` on three consecutive slots
                /// from `base` (the Wasm operands in order).
                MemoryInit(S, X),
                /// `data.drop` `(data)`.
                DataDrop(X),
                /// `table.set` `(index, value, table)`.
                TableSet(S, S, U),
                /// `table.grow` `(base, table)`: init value at `base`, delta at
                /// `base + 1`, result written to `base`.
                TableGrow(S, X),
                /// `table.fill` `(base, table)` on three slots from `base`.
                TableFill(S, X),
                /// `table.copy` `(base, dst_table, src_table)`.
                TableCopy(S, U, U),
                /// `table.init` `(base, at)` with `aux[at..at + 2]` = `[elem, table]`.
                TableInit(S, X),
                /// `elem.drop` `(elem)`.
                ElemDrop(X),
                /// A non-memory SIMD op described by `simd[index]`.
                Simd(X),
                /// A SIMD memory op described by `simd_mem[index]`.
                SimdMem(X),
                /// A memory instruction described by `mem[index]`: one on
                /// a memory other than 0 or on a 64-bit memory.
                Mem(X),
                /// `table.grow` of a 64-bit table (table64) `(base, table)`,
                /// as `TableGrow` but with an `i64` result (-1 is 64 bits).
                TableGrow64(S, X),
                /// `(addr, offset)`: `addr = min(addr + offset, X::MAX)`.
                /// Precedes a memory access whose offset does not fit its
                /// field: the translator emits it with `offset - 1` and gives
                /// the access offset 1. An address that overflows 32 bits
                /// saturates, and adding 1 keeps it above any memory (at most
                /// 2^32 bytes), so it still traps.
                AddrOffset(S, X),
                /// `(loop)`: a loop header, emitted only where a faster tier
                /// listens: counts an iteration toward the function's tier-up
                /// (see [`FuncCode::tick`]), and once the countdown has run
                /// out, enters the loop's OSR entry if it is compiled (see
                /// [`LoopOsr`]) or asks for it. Every back-edge of the loop
                /// lands here. `loop` numbers the body's `loop` operators.
                LoopHead(X),
                /// `(cost)`: starts a block of code and charges its fuel
                /// (see `tandem_vm::fuel`), trapping if that leaves the
                /// store's fuel below zero. Only where the engine meters
                /// fuel.
                Fuel(X),
                /// At a function's entry and each loop header (after its
                /// `LoopHead`), where the engine checks epochs: stops, or
                /// asks the embedder, once the store's deadline is reached.
                Epoch,
            }
        }
    };
}
for_each_int_cmp!(declare_op);

/// Two slots below 256 packed into one narrow field (`a | b << 8`), for
/// fused instructions that need one field more than an 8-byte op has.
pub fn pack_slots(a: Slot, b: Slot) -> Option<u32> {
    (a < 256 && b < 256).then_some(a | b << 8)
}

/// The two slots of a field made by [`pack_slots`].
#[inline(always)]
pub fn unpack_slots(field: usize) -> (usize, usize) {
    (field & 0xff, field >> 8)
}

/// Accumulator role bits of an [`Instr`]'s mode: the result goes to the
/// accumulator instead of the `D` slot, or operand `A` / `B` comes from it.
pub const ACC_D: u8 = 1;
pub const ACC_A: u8 = 2;
pub const ACC_B: u8 = 4;
/// Mode bit: result `D` goes to its slot *and* to the accumulator, for the
/// next instruction, which reads that slot as operand `A` or `B` (marked
/// [`ACC_A`] / [`ACC_B`]). Excludes [`ACC_D`].
pub const ACC_W: u8 = 8;
/// Bits of an encoded tag below the [`Op`] tag, holding the mode.
pub const MODE_BITS: u32 = 4;

/// An encoded instruction: an [`Op`] whose tag is shifted left by
/// [`MODE_BITS`] to make room for its accumulator mode.
///
/// # The accumulator
///
/// The executor keeps one 64-bit value, the accumulator, in a register from
/// one handler to the next. When an instruction's result is read only by
/// the next instruction (a temporary popped right away, as in `(x >> 2) &
/// 15`), the translator lets the value pass through the accumulator: the
/// producer gets mode [`ACC_D`], the consumer [`ACC_A`] or [`ACC_B`] for the
/// operand field that named the temporary. That saves a store and a load,
/// and above all the store-to-load forwarding latency between them, which is
/// what bounds the dependency chains of an interpreter that keeps values in
/// memory slots. The slot the fields still name is then simply not written.
/// A value that must stay in its slot (a local) can still reach the next
/// instruction through the accumulator: the producer writes both
/// ([`ACC_W`]); so can a loop counter, which the branch back to the loop's
/// head writes (an `M` field), reach that head.
///
/// Each (tag, mode) pair has its own handler, so modes cost nothing at run
/// time; [`ACC_MASKS`] says which roles an instruction supports. Ordering
/// the table by tag first keeps an instruction's variants on one cache line.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct Instr<W: Width>(std::mem::MaybeUninit<Op<W>>);

impl<W: Width> Op<W> {
    /// The tag: the variant's index in declaration order.
    pub fn tag(&self) -> usize {
        // SAFETY: `Op` is `repr(u16)`: its first two bytes are its tag.
        unsafe { (self as *const Op<W>).cast::<u16>().read() as usize }
    }
}

const _: () = assert!(OP_COUNT << MODE_BITS <= 1 << 16);

impl<W: Width> Instr<W> {
    /// `op` with accumulator mode `mode` (a subset of its [`ACC_MASKS`] entry).
    pub fn new(op: Op<W>, mode: u8) -> Instr<W> {
        let tag = (op.tag() << MODE_BITS) as u16 | mode as u16;
        let mut raw = std::mem::MaybeUninit::new(op);
        // SAFETY: the tag is the first two bytes (see `Op::tag`).
        unsafe { raw.as_mut_ptr().cast::<u16>().write(tag) };
        Instr(raw)
    }

    /// The encoded tag: the [`Op`] tag and the mode.
    #[inline(always)]
    pub fn tag(&self) -> u16 {
        // SAFETY: the first two bytes are the (initialized) encoded tag.
        unsafe { self.0.as_ptr().cast::<u16>().read() }
    }

    pub fn mode(&self) -> u8 {
        (self.tag() & ((1 << MODE_BITS) - 1)) as u8
    }

    /// The instruction without its mode.
    pub fn op(&self) -> Op<W> {
        // SAFETY: `new` stored an `Op` with this tag.
        unsafe { Instr::decode(self, self.tag() as usize >> MODE_BITS) }
    }

    /// The instruction at `ip`, whose `Op` tag is `tag`.
    ///
    /// It is rebuilt field by field, through the `repr(C)` struct of its
    /// variant's [`Shape`], rather than by copying the whole instruction
    /// and fixing its tag: with the tag a constant (in a handler), LLVM then
    /// reads each field with one load of its own width.
    ///
    /// # Safety
    /// `ip` must point at an `Instr` made from an `Op` with tag `tag`.
    #[inline(always)]
    pub unsafe fn decode(ip: *const Instr<W>, tag: usize) -> Op<W> {
        use std::ptr::read;
        let mut raw = std::mem::MaybeUninit::<Op<W>>::uninit();
        let (src, dst) = (ip.cast::<u8>(), raw.as_mut_ptr().cast::<u8>());
        let t = tag as u16;
        // SAFETY: `Op` is `repr(u16)`, so each variant is laid out as the
        // `repr(C)` struct of its shape; the fields at `ip` are those of the
        // variant with tag `tag` (the contract), and each shape fits in an
        // `Op`, so both the read at `ip` and the write into `raw` stay inside
        // an `Op`.
        unsafe {
            match SHAPES[tag] {
                Shape::S0 => dst.cast::<u16>().write(t),
                Shape::S1 => {
                    let s = read(src.cast::<S1<W>>());
                    dst.cast::<S1<W>>().write(S1 { tag: t, ..s })
                }
                Shape::S2 => {
                    let s = read(src.cast::<S2<W>>());
                    dst.cast::<S2<W>>().write(S2 { tag: t, ..s })
                }
                Shape::S3 => {
                    let s = read(src.cast::<S3<W>>());
                    dst.cast::<S3<W>>().write(S3 { tag: t, ..s })
                }
                Shape::SX => {
                    let s = read(src.cast::<SX>());
                    dst.cast::<SX>().write(SX { tag: t, ..s })
                }
                Shape::S1X => {
                    let s = read(src.cast::<S1X<W>>());
                    dst.cast::<S1X<W>>().write(S1X { tag: t, ..s })
                }
            }
        }
        // SAFETY: the match wrote the tag and every field of the variant with
        // tag `tag`, which makes `raw` that `Op`.
        unsafe { raw.assume_init() }
    }
}

/// The field layouts of [`Op`] variants: a tag, then narrow fields (`W`) and
/// 32-bit ones.
#[derive(Clone, Copy)]
enum Shape {
    S0,
    S1,
    S2,
    S3,
    SX,
    S1X,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct S1<W> {
    tag: u16,
    a: W,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct S2<W> {
    tag: u16,
    a: W,
    b: W,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct S3<W> {
    tag: u16,
    a: W,
    b: W,
    c: W,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct SX {
    tag: u16,
    x: u32,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct S1X<W> {
    tag: u16,
    a: W,
    x: u32,
}

impl<W: Width> std::fmt::Debug for Instr<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.op())?;
        let mode = self.mode();
        for (bit, name) in [(ACC_D, "d"), (ACC_W, "w"), (ACC_A, "a"), (ACC_B, "b")] {
            if mode & bit != 0 {
                write!(f, " acc:{name}")?;
            }
        }
        Ok(())
    }
}

/// A SIMD operation with its operand and result slots.
#[derive(Clone, Copy, Debug)]
pub struct SimdInstr {
    pub op: SimdOp,
    pub dst: Slot,
    pub a: Slot,
    pub b: Slot,
    pub c: Slot,
}

/// A SIMD memory operation's immediates and slots: `vector` is the slot of
/// the `v128` operand of lane loads and stores, `dst` the result's.
#[derive(Clone, Copy, Debug)]
pub struct SimdMemInstr {
    pub op: SimdMemOp,
    pub memory: u32,
    pub offset: u64,
    pub dst: Slot,
    pub addr: Slot,
    pub vector: Slot,
}

/// A memory instruction outside the fast forms, which serve memory 0 with
/// 32-bit addresses (checked by the guard region where it can): one on
/// another memory, or on a 64-bit memory (memory64). Its handler checks
/// every address explicitly. Operands come from their slots in Wasm
/// order, where an `i32` address or length reads the same as an `i64`
/// (slots hold 32-bit values zero-extended).
#[derive(Clone, Copy, Debug)]
pub struct MemInstr {
    pub op: MemOp,
    pub memory: u32,
    /// Whether the memory is 64-bit, so `memory.grow` fails with an `i64`
    /// -1.
    pub memory64: bool,
    /// The constant offset of a load or store.
    pub offset: u64,
    pub args: [Slot; 3],
    /// The result's slot.
    pub dst: Slot,
}

/// What a [`MemInstr`] does.
#[derive(Clone, Copy, Debug)]
pub enum MemOp {
    /// A load of `bytes` bytes (a float load is its width's integer load),
    /// sign-extended if `signed`, to 64 bits if `wide`, else to 32 bits
    /// then zero-extended.
    Load {
        bytes: u8,
        signed: bool,
        wide: bool,
    },
    /// A store of the value's low `bytes` bytes.
    Store {
        bytes: u8,
    },
    Size,
    Grow,
    Fill,
    /// `memory.copy` to this memory from `src`.
    Copy {
        src: u32,
    },
    /// `memory.init` from a data segment.
    Init {
        data: u32,
    },
}

/// A translated function of width `W`: its instructions, side tables, and
/// frame layout.
#[derive(Debug)]
pub struct FuncCode<W: Width = u16> {
    pub ops: Box<[Instr<W>]>,
    /// 32-bit immediates that do not fit an instruction, see [`Op`].
    pub aux: Box<[u32]>,
    pub simd: Box<[SimdInstr]>,
    pub simd_mem: Box<[SimdMemInstr]>,
    pub mem: Box<[MemInstr]>,
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
    /// Calls and loop iterations left before the function asks to be
    /// compiled (see [`TierUp`](crate::TierUp)); at zero, the next one takes
    /// the slow path, which asks. Shared by every thread running the module:
    /// plain loads and stores, so a racing call may go uncounted, which only
    /// delays the request or understates the heat.
    pub countdown: AtomicU32,
    /// How hot the function has been since it asked to be compiled (see
    /// [`ModuleCode::heat`](crate::ModuleCode::heat)).
    pub heat: AtomicU32,
    /// The `try_table`s, in the order they open: each after those that
    /// enclose it (see [`Handler`]).
    pub handlers: Box<[Handler]>,
    /// Per `loop` operator of the body, in order, what entering its OSR
    /// entry takes; empty unless loops are counted (and then `ops` ends
    /// with a `Return` after the code, where a frame whose call an OSR
    /// entry finished, its results in place, goes on).
    pub loops: Box<[LoopOsr]>,
}

/// A `try_table` (or a legacy `try`): the instructions it covers and its
/// catch clauses. An exception thrown by one of them (a `throw`, or a call
/// whose callee let it through) goes to the first clause that matches its
/// tag; the clauses cost nothing until then.
#[derive(Debug, Clone)]
pub struct Handler {
    /// The covered instructions, `start..end`.
    pub start: u32,
    pub end: u32,
    pub clauses: Box<[Catch]>,
    /// For a legacy `try ... delegate`: an exception none of the clauses
    /// (there are none) takes goes on to the handlers before this index,
    /// the ones that enclose the delegate's label, skipping those between.
    pub delegate: Option<u32>,
}

/// One catch clause of a `try_table`, or of a legacy `try`.
#[derive(Debug, Clone, Copy)]
pub struct Catch {
    /// The tag it catches (`catch`, `catch_ref`), or none (`catch_all`,
    /// `catch_all_ref`).
    pub tag: Option<u32>,
    /// The label: where the frame goes on.
    pub target: u32,
    /// The label's first slot, where the payload goes.
    pub dst: u32,
    /// The slot the exception goes to as an `exnref`, if it does: after the
    /// payload for `catch_ref` and `catch_all_ref`; for a legacy `catch`,
    /// the slot under the payload, where `rethrow` finds it.
    pub exn: Option<u32>,
}

/// What on-stack replacement at one loop needs: a frame running the loop in
/// the interpreter moves to compiled code at its header (see
/// [`Op::LoopHead`]), passing its live slots as the arguments of the JIT's
/// OSR entry for the loop, which finishes the call.
#[derive(Debug, Default)]
pub struct LoopOsr {
    /// The types of the values live at the header, which fill the frame's
    /// first slots (a `v128` two): the locals, then the operand stack. See
    /// [`tandem_vm::osr`].
    pub live: Box<[ValType]>,
    /// The OSR entry's array-call entry (a `tandem_vm::ArrayCallFn`) once
    /// installed, else null.
    pub entry: AtomicPtr<()>,
}

impl LoopOsr {
    /// The frame an entry into this loop, loop `loop_index`, takes over.
    pub fn frame(&self, loop_index: u32) -> tandem_vm::osr::OsrFrame {
        tandem_vm::osr::OsrFrame {
            loop_index,
            values: self.live.len() as u32,
        }
    }
}

/// A countdown that is not counting: nothing asks to compile the function
/// (the interpreter alone, or the JIT cannot compile it), so calls write
/// nothing to the shared translation.
pub const NOT_COUNTING: u32 = u32::MAX;

impl<W: Width> FuncCode<W> {
    /// Counts a call or loop iteration; false once the countdown has run
    /// out.
    #[inline(always)]
    pub fn tick(&self) -> bool {
        match self.countdown.load(Ordering::Relaxed) {
            0 => false,
            NOT_COUNTING => true,
            n => {
                self.countdown.store(n - 1, Ordering::Relaxed);
                true
            }
        }
    }

    /// Heap and inline bytes this translation occupies.
    pub fn byte_size(&self) -> usize {
        use std::mem::size_of_val;
        std::mem::size_of::<Code>()
            + size_of_val(&*self.ops)
            + size_of_val(&*self.aux)
            + size_of_val(&*self.simd)
            + size_of_val(&*self.simd_mem)
            + size_of_val(&*self.mem)
            + size_of_val(&*self.params)
            + size_of_val(&*self.results)
            + size_of_val(&*self.loops)
    }
}

/// A translated function in the width chosen for it.
#[derive(Debug)]
pub enum Code {
    Narrow(FuncCode<u16>),
    Wide(FuncCode<u32>),
}

impl Code {
    /// Calls left before the function asks to be compiled.
    pub fn countdown(&self) -> &AtomicU32 {
        match self {
            Code::Narrow(c) => &c.countdown,
            Code::Wide(c) => &c.countdown,
        }
    }

    /// How hot the function has been since it asked to be compiled.
    pub fn heat(&self) -> &AtomicU32 {
        match self {
            Code::Narrow(c) => &c.heat,
            Code::Wide(c) => &c.heat,
        }
    }

    /// Per `loop` of the body, what on-stack replacement there needs.
    pub fn loops(&self) -> &[LoopOsr] {
        match self {
            Code::Narrow(c) => &c.loops,
            Code::Wide(c) => &c.loops,
        }
    }

    /// Heap and inline bytes this translation occupies.
    pub fn byte_size(&self) -> usize {
        match self {
            Code::Narrow(c) => c.byte_size(),
            Code::Wide(c) => c.byte_size(),
        }
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
    fn narrow_op_is_8_bytes_and_wide_16() {
        assert_eq!(std::mem::size_of::<Op<u16>>(), 8);
        assert_eq!(std::mem::size_of::<Op<u32>>(), 16);
    }
}
