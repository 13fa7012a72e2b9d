//! The vocabulary of the fixed-width SIMD (`v128`) operators, shared by the
//! tiers: [`SimdOp`] (every non-memory operator but `v128.const`) and
//! [`SimdMemOp`] (loads and stores), decoded from wasmparser's operators with
//! their immediates and typed once. What each operator computes is each
//! tier's own (the interpreter's `simd.rs`, the JIT's emission).
//!
//! Relaxed SIMD (Wasm 3.0) lets an engine choose among results where
//! hardware differs. tandem makes one choice per operator, here, so every
//! tier computes the same:
//!
//! | operator | computes |
//! |---|---|
//! | `i8x16.relaxed_swizzle` | `i8x16.swizzle` (an index above 15 gives 0) |
//! | `i32x4.relaxed_trunc_*` | the `trunc_sat` of the same lanes |
//! | `*.relaxed_laneselect` | `v128.bitselect` (bit by bit) |
//! | `f32x4/f64x2.relaxed_min`, `_max` | `min`, `max` |
//! | `i16x8.relaxed_q15mulr_s` | `i16x8.q15mulr_sat_s` |
//! | `f32x4/f64x2.relaxed_madd` | `c + a * b`, the product rounded first (not fused) |
//! | `f32x4/f64x2.relaxed_nmadd` | `c - a * b`, likewise |
//! | `i16x8.relaxed_dot_i8x16_i7x16_s` | `a`'s bytes signed times `b`'s unsigned, adjacent pairs summed with signed saturation (x86's `pmaddubsw`) |
//! | `i32x4.relaxed_dot_i8x16_i7x16_add_s` | that dot's adjacent pairs summed to 32 bits, plus `c` (wrapping) |

use wasmparser::{MemArg, Operator, ValType};

// ---------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------

/// A SIMD operator's type: operands (first pushed first) and its single result.
type Sig = (&'static [ValType], ValType);

/// Named signature classes, referenced by the operator table below so that each
/// operator's type is stated once, next to its name.
mod sig {
    use super::Sig;
    use wasmparser::ValType::{F32, F64, I32, I64, V128};

    pub const V_V: Sig = (&[V128], V128);
    pub const VV_V: Sig = (&[V128, V128], V128);
    pub const VVV_V: Sig = (&[V128, V128, V128], V128);
    pub const V_I32: Sig = (&[V128], I32);
    pub const V_I64: Sig = (&[V128], I64);
    pub const V_F32: Sig = (&[V128], F32);
    pub const V_F64: Sig = (&[V128], F64);
    pub const I32_V: Sig = (&[I32], V128);
    pub const I64_V: Sig = (&[I64], V128);
    pub const F32_V: Sig = (&[F32], V128);
    pub const F64_V: Sig = (&[F64], V128);
    pub const VI32_V: Sig = (&[V128, I32], V128);
    pub const VI64_V: Sig = (&[V128, I64], V128);
    pub const VF32_V: Sig = (&[V128, F32], V128);
    pub const VF64_V: Sig = (&[V128, F64], V128);
}

/// Declares [`SimdOp`] from one table so the enum, the decoder and the type
/// table cannot drift apart. Variant names and immediate field names are
/// exactly those of [`wasmparser::Operator`], which lets the decoder be a
/// mechanical field-for-field copy.
macro_rules! simd_ops {
    ($( $name:ident $({ $($field:ident : $ty:ty),* })? => $sig:ident, )*) => {
        /// Every non-memory v128 operator of Wasm 2.0 except `v128.const`, with
        /// its immediates (lane indices, shuffle pattern) inside. Variant names
        /// follow [`wasmparser::Operator`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum SimdOp {
            $( $name $({ $($field: $ty),* })?, )*
        }

        impl SimdOp {
            /// Decodes a wasmparser operator; `None` if it is not a (non-memory,
            /// non-const) SIMD operator.
            pub fn from_operator(op: &Operator) -> Option<SimdOp> {
                Some(match *op {
                    $( Operator::$name $({ $($field),* })? => SimdOp::$name $({ $($field),* })?, )*
                    // The relaxed operators that are one of Wasm 2.0's (see
                    // the table above).
                    Operator::I8x16RelaxedSwizzle => SimdOp::I8x16Swizzle,
                    Operator::I32x4RelaxedTruncF32x4S => SimdOp::I32x4TruncSatF32x4S,
                    Operator::I32x4RelaxedTruncF32x4U => SimdOp::I32x4TruncSatF32x4U,
                    Operator::I32x4RelaxedTruncF64x2SZero => SimdOp::I32x4TruncSatF64x2SZero,
                    Operator::I32x4RelaxedTruncF64x2UZero => SimdOp::I32x4TruncSatF64x2UZero,
                    Operator::I8x16RelaxedLaneselect
                    | Operator::I16x8RelaxedLaneselect
                    | Operator::I32x4RelaxedLaneselect
                    | Operator::I64x2RelaxedLaneselect => SimdOp::V128Bitselect,
                    Operator::F32x4RelaxedMin => SimdOp::F32x4Min,
                    Operator::F32x4RelaxedMax => SimdOp::F32x4Max,
                    Operator::F64x2RelaxedMin => SimdOp::F64x2Min,
                    Operator::F64x2RelaxedMax => SimdOp::F64x2Max,
                    Operator::I16x8RelaxedQ15mulrS => SimdOp::I16x8Q15MulrSatS,
                    _ => return None,
                })
            }

            /// Operand types consumed (in stack order, first pushed first) and the result type.
            pub fn signature(self) -> (&'static [ValType], ValType) {
                match self {
                    $( SimdOp::$name { .. } => sig::$sig, )*
                }
            }
        }
    };
}

simd_ops! {
    // Lane access and permutation.
    I8x16Shuffle { lanes: [u8; 16] } => VV_V,
    I8x16Swizzle => VV_V,
    I8x16ExtractLaneS { lane: u8 } => V_I32,
    I8x16ExtractLaneU { lane: u8 } => V_I32,
    I8x16ReplaceLane { lane: u8 } => VI32_V,
    I16x8ExtractLaneS { lane: u8 } => V_I32,
    I16x8ExtractLaneU { lane: u8 } => V_I32,
    I16x8ReplaceLane { lane: u8 } => VI32_V,
    I32x4ExtractLane { lane: u8 } => V_I32,
    I32x4ReplaceLane { lane: u8 } => VI32_V,
    I64x2ExtractLane { lane: u8 } => V_I64,
    I64x2ReplaceLane { lane: u8 } => VI64_V,
    F32x4ExtractLane { lane: u8 } => V_F32,
    F32x4ReplaceLane { lane: u8 } => VF32_V,
    F64x2ExtractLane { lane: u8 } => V_F64,
    F64x2ReplaceLane { lane: u8 } => VF64_V,
    I8x16Splat => I32_V,
    I16x8Splat => I32_V,
    I32x4Splat => I32_V,
    I64x2Splat => I64_V,
    F32x4Splat => F32_V,
    F64x2Splat => F64_V,
    // Comparisons.
    I8x16Eq => VV_V, I8x16Ne => VV_V,
    I8x16LtS => VV_V, I8x16LtU => VV_V, I8x16GtS => VV_V, I8x16GtU => VV_V,
    I8x16LeS => VV_V, I8x16LeU => VV_V, I8x16GeS => VV_V, I8x16GeU => VV_V,
    I16x8Eq => VV_V, I16x8Ne => VV_V,
    I16x8LtS => VV_V, I16x8LtU => VV_V, I16x8GtS => VV_V, I16x8GtU => VV_V,
    I16x8LeS => VV_V, I16x8LeU => VV_V, I16x8GeS => VV_V, I16x8GeU => VV_V,
    I32x4Eq => VV_V, I32x4Ne => VV_V,
    I32x4LtS => VV_V, I32x4LtU => VV_V, I32x4GtS => VV_V, I32x4GtU => VV_V,
    I32x4LeS => VV_V, I32x4LeU => VV_V, I32x4GeS => VV_V, I32x4GeU => VV_V,
    I64x2Eq => VV_V, I64x2Ne => VV_V,
    I64x2LtS => VV_V, I64x2GtS => VV_V, I64x2LeS => VV_V, I64x2GeS => VV_V,
    F32x4Eq => VV_V, F32x4Ne => VV_V, F32x4Lt => VV_V, F32x4Gt => VV_V,
    F32x4Le => VV_V, F32x4Ge => VV_V,
    F64x2Eq => VV_V, F64x2Ne => VV_V, F64x2Lt => VV_V, F64x2Gt => VV_V,
    F64x2Le => VV_V, F64x2Ge => VV_V,
    // Whole-vector bitwise.
    V128Not => V_V,
    V128And => VV_V,
    V128AndNot => VV_V,
    V128Or => VV_V,
    V128Xor => VV_V,
    V128Bitselect => VVV_V,
    V128AnyTrue => V_I32,
    // i8x16.
    I8x16Abs => V_V, I8x16Neg => V_V, I8x16Popcnt => V_V,
    I8x16AllTrue => V_I32, I8x16Bitmask => V_I32,
    I8x16NarrowI16x8S => VV_V, I8x16NarrowI16x8U => VV_V,
    I8x16Shl => VI32_V, I8x16ShrS => VI32_V, I8x16ShrU => VI32_V,
    I8x16Add => VV_V, I8x16AddSatS => VV_V, I8x16AddSatU => VV_V,
    I8x16Sub => VV_V, I8x16SubSatS => VV_V, I8x16SubSatU => VV_V,
    I8x16MinS => VV_V, I8x16MinU => VV_V, I8x16MaxS => VV_V, I8x16MaxU => VV_V,
    I8x16AvgrU => VV_V,
    // i16x8.
    I16x8ExtAddPairwiseI8x16S => V_V, I16x8ExtAddPairwiseI8x16U => V_V,
    I16x8Abs => V_V, I16x8Neg => V_V,
    I16x8Q15MulrSatS => VV_V,
    I16x8AllTrue => V_I32, I16x8Bitmask => V_I32,
    I16x8NarrowI32x4S => VV_V, I16x8NarrowI32x4U => VV_V,
    I16x8ExtendLowI8x16S => V_V, I16x8ExtendHighI8x16S => V_V,
    I16x8ExtendLowI8x16U => V_V, I16x8ExtendHighI8x16U => V_V,
    I16x8Shl => VI32_V, I16x8ShrS => VI32_V, I16x8ShrU => VI32_V,
    I16x8Add => VV_V, I16x8AddSatS => VV_V, I16x8AddSatU => VV_V,
    I16x8Sub => VV_V, I16x8SubSatS => VV_V, I16x8SubSatU => VV_V,
    I16x8Mul => VV_V,
    I16x8MinS => VV_V, I16x8MinU => VV_V, I16x8MaxS => VV_V, I16x8MaxU => VV_V,
    I16x8AvgrU => VV_V,
    I16x8ExtMulLowI8x16S => VV_V, I16x8ExtMulHighI8x16S => VV_V,
    I16x8ExtMulLowI8x16U => VV_V, I16x8ExtMulHighI8x16U => VV_V,
    // i32x4.
    I32x4ExtAddPairwiseI16x8S => V_V, I32x4ExtAddPairwiseI16x8U => V_V,
    I32x4Abs => V_V, I32x4Neg => V_V,
    I32x4AllTrue => V_I32, I32x4Bitmask => V_I32,
    I32x4ExtendLowI16x8S => V_V, I32x4ExtendHighI16x8S => V_V,
    I32x4ExtendLowI16x8U => V_V, I32x4ExtendHighI16x8U => V_V,
    I32x4Shl => VI32_V, I32x4ShrS => VI32_V, I32x4ShrU => VI32_V,
    I32x4Add => VV_V, I32x4Sub => VV_V, I32x4Mul => VV_V,
    I32x4MinS => VV_V, I32x4MinU => VV_V, I32x4MaxS => VV_V, I32x4MaxU => VV_V,
    I32x4DotI16x8S => VV_V,
    I32x4ExtMulLowI16x8S => VV_V, I32x4ExtMulHighI16x8S => VV_V,
    I32x4ExtMulLowI16x8U => VV_V, I32x4ExtMulHighI16x8U => VV_V,
    // i64x2.
    I64x2Abs => V_V, I64x2Neg => V_V,
    I64x2AllTrue => V_I32, I64x2Bitmask => V_I32,
    I64x2ExtendLowI32x4S => V_V, I64x2ExtendHighI32x4S => V_V,
    I64x2ExtendLowI32x4U => V_V, I64x2ExtendHighI32x4U => V_V,
    I64x2Shl => VI32_V, I64x2ShrS => VI32_V, I64x2ShrU => VI32_V,
    I64x2Add => VV_V, I64x2Sub => VV_V, I64x2Mul => VV_V,
    I64x2ExtMulLowI32x4S => VV_V, I64x2ExtMulHighI32x4S => VV_V,
    I64x2ExtMulLowI32x4U => VV_V, I64x2ExtMulHighI32x4U => VV_V,
    // f32x4.
    F32x4Ceil => V_V, F32x4Floor => V_V, F32x4Trunc => V_V, F32x4Nearest => V_V,
    F32x4Abs => V_V, F32x4Neg => V_V, F32x4Sqrt => V_V,
    F32x4Add => VV_V, F32x4Sub => VV_V, F32x4Mul => VV_V, F32x4Div => VV_V,
    F32x4Min => VV_V, F32x4Max => VV_V, F32x4PMin => VV_V, F32x4PMax => VV_V,
    // f64x2.
    F64x2Ceil => V_V, F64x2Floor => V_V, F64x2Trunc => V_V, F64x2Nearest => V_V,
    F64x2Abs => V_V, F64x2Neg => V_V, F64x2Sqrt => V_V,
    F64x2Add => VV_V, F64x2Sub => VV_V, F64x2Mul => VV_V, F64x2Div => VV_V,
    F64x2Min => VV_V, F64x2Max => VV_V, F64x2PMin => VV_V, F64x2PMax => VV_V,
    // Conversions.
    I32x4TruncSatF32x4S => V_V, I32x4TruncSatF32x4U => V_V,
    F32x4ConvertI32x4S => V_V, F32x4ConvertI32x4U => V_V,
    I32x4TruncSatF64x2SZero => V_V, I32x4TruncSatF64x2UZero => V_V,
    F64x2ConvertLowI32x4S => V_V, F64x2ConvertLowI32x4U => V_V,
    F32x4DemoteF64x2Zero => V_V, F64x2PromoteLowF32x4 => V_V,
    // Relaxed SIMD's own (see the table above).
    F32x4RelaxedMadd => VVV_V, F32x4RelaxedNmadd => VVV_V,
    F64x2RelaxedMadd => VVV_V, F64x2RelaxedNmadd => VVV_V,
    I16x8RelaxedDotI8x16I7x16S => VV_V, I32x4RelaxedDotI8x16I7x16AddS => VVV_V,
}

// ---------------------------------------------------------------------------
// Memory operators
// ---------------------------------------------------------------------------

/// Declares [`SimdMemOp`] from one table: wasmparser variant name, immediate
/// fields, and bytes accessed.
macro_rules! simd_mem_ops {
    ($( $name:ident $({ $($field:ident : $ty:ty),* })? => $size:expr, )*) => {
        /// The v128 memory operators. Variant names follow [`wasmparser::Operator`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum SimdMemOp {
            $( $name $({ $($field: $ty),* })?, )*
        }

        impl SimdMemOp {
            /// Decodes a wasmparser operator into the op and its memory immediate.
            pub fn from_operator(op: &Operator) -> Option<(SimdMemOp, MemArg)> {
                Some(match *op {
                    $( Operator::$name { memarg $(, $($field),*)? } =>
                        (SimdMemOp::$name $({ $($field),* })?, memarg), )*
                    _ => return None,
                })
            }

            /// Bytes read or written in memory.
            pub fn access_size(self) -> usize {
                match self {
                    $( SimdMemOp::$name { .. } => $size, )*
                }
            }
        }
    };
}

simd_mem_ops! {
    V128Load => 16,
    V128Load8x8S => 8,
    V128Load8x8U => 8,
    V128Load16x4S => 8,
    V128Load16x4U => 8,
    V128Load32x2S => 8,
    V128Load32x2U => 8,
    V128Load8Splat => 1,
    V128Load16Splat => 2,
    V128Load32Splat => 4,
    V128Load64Splat => 8,
    V128Load32Zero => 4,
    V128Load64Zero => 8,
    V128Load8Lane { lane: u8 } => 1,
    V128Load16Lane { lane: u8 } => 2,
    V128Load32Lane { lane: u8 } => 4,
    V128Load64Lane { lane: u8 } => 8,
    V128Store => 16,
    V128Store8Lane { lane: u8 } => 1,
    V128Store16Lane { lane: u8 } => 2,
    V128Store32Lane { lane: u8 } => 4,
    V128Store64Lane { lane: u8 } => 8,
}

impl SimdMemOp {
    /// Whether the op writes memory (and so pushes no result).
    pub fn is_store(self) -> bool {
        use SimdMemOp::*;
        matches!(
            self,
            V128Store
                | V128Store8Lane { .. }
                | V128Store16Lane { .. }
                | V128Store32Lane { .. }
                | V128Store64Lane { .. }
        )
    }

    /// Lane loads/stores and v128.store take a v128 operand after the i32 address.
    pub fn has_vector_operand(self) -> bool {
        use SimdMemOp::*;
        self.is_store()
            || matches!(
                self,
                V128Load8Lane { .. }
                    | V128Load16Lane { .. }
                    | V128Load32Lane { .. }
                    | V128Load64Lane { .. }
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_and_signature() {
        let lanes = [1; 16];
        let op = SimdOp::from_operator(&Operator::I8x16Shuffle { lanes }).unwrap();
        assert_eq!(op, SimdOp::I8x16Shuffle { lanes });
        assert_eq!(
            op.signature(),
            (&[ValType::V128, ValType::V128][..], ValType::V128)
        );
        let op = SimdOp::from_operator(&Operator::F64x2ReplaceLane { lane: 1 }).unwrap();
        assert_eq!(
            op.signature(),
            (&[ValType::V128, ValType::F64][..], ValType::V128)
        );
        assert_eq!(
            SimdOp::I8x16Shl.signature().0,
            &[ValType::V128, ValType::I32]
        );
        assert_eq!(
            SimdOp::I64x2ExtractLane { lane: 0 }.signature().1,
            ValType::I64
        );
        assert!(SimdOp::from_operator(&Operator::I32Add).is_none());
        assert!(SimdOp::from_operator(&Operator::V128Const {
            value: 0u128.into()
        })
        .is_none());
        let memarg = MemArg {
            align: 0,
            max_align: 0,
            offset: 8,
            target: Default::default(),
            ordering: None,
        };
        let (op, m) =
            SimdMemOp::from_operator(&Operator::V128Store8Lane { memarg, lane: 15 }).unwrap();
        assert_eq!((op, m), (SimdMemOp::V128Store8Lane { lane: 15 }, memarg));
        assert!(SimdMemOp::from_operator(&Operator::I8x16Add).is_none());
        assert!(std::mem::size_of::<SimdOp>() <= 17);
    }
}
