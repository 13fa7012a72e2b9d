//! What Wasm GC adds, refused until the engine runs it.
//!
//! Wasm 3.0 validation needs wasmparser's GC feature for rules that
//! other proposals rely on (a constant expression may read any earlier
//! immutable global; typed function references subtype like GC types).
//! With it, wasmparser also accepts GC's heap types and instructions, which
//! no tier runs yet: this module refuses them, with
//! [`Error::Unsupported`], wherever a module can name them: value types
//! (checked where the module declares them) and instructions (checked as
//! function bodies are validated, by a visitor that wraps wasmparser's).
//! Structs and arrays themselves are refused by the type registry.

use crate::module::invalid;
use crate::Error;
use wasmparser::{
    AbstractHeapType, BinaryReader, BlockType, FrameKind, FrameStack, FuncValidator, HeapType,
    RefType, ValType, ValidatorResources, VisitOperator, VisitSimdOperator,
};

/// Whether `ty` is a value type the engine runs.
pub(crate) fn check_val_type(ty: ValType) -> Result<(), Error> {
    match ty {
        ValType::Ref(r) => check_ref_type(r),
        _ => Ok(()),
    }
}

pub(crate) fn check_ref_type(r: RefType) -> Result<(), Error> {
    check_heap_type(r.heap_type())
}

pub(crate) fn check_heap_type(h: HeapType) -> Result<(), Error> {
    use AbstractHeapType::*;
    match h {
        HeapType::Concrete(_) => Ok(()),
        HeapType::Abstract {
            shared: false,
            ty: Func | NoFunc | Extern | NoExtern | Exn | NoExn,
        } => Ok(()),
        HeapType::Abstract { shared, ty } => {
            let shared = if shared { "shared " } else { "" };
            let ty = format!("{ty:?}").to_lowercase();
            Err(refused(&format!("the heap type {shared}{ty}")))
        }
        HeapType::Exact(_) => Err(refused("exact reference types")),
    }
}

fn check_block_type(bt: BlockType) -> Result<(), Error> {
    match bt {
        BlockType::Type(t) => check_val_type(t),
        BlockType::Empty | BlockType::FuncType(_) => Ok(()),
    }
}

fn refused(what: &str) -> Error {
    Error::Unsupported(format!("Wasm GC: {what}"))
}

/// Validates a function body, refusing Wasm GC's types and instructions.
pub(crate) fn validate_body(
    validator: &mut FuncValidator<ValidatorResources>,
    mut reader: BinaryReader<'_>,
) -> Result<(), Error> {
    reader.set_features(*validator.features());
    for _ in 0..reader.read_var_u32().map_err(invalid)? {
        let offset = reader.original_position();
        let count = reader.read().map_err(invalid)?;
        let ty = reader.read().map_err(invalid)?;
        check_val_type(ty)?;
        validator
            .define_locals(offset, count, ty)
            .map_err(invalid)?;
    }
    while !reader.eof() {
        let offset = reader.original_position();
        let mut visitor = NoGc(validator.visitor(offset));
        reader.visit_operator(&mut visitor).map_err(invalid)??;
    }
    let end = reader.original_position();
    reader
        .finish_expression(&validator.visitor(end))
        .map_err(invalid)
}

/// wasmparser's operator validator, refusing what Wasm GC adds.
struct NoGc<V>(V);

impl<V: FrameStack> FrameStack for NoGc<V> {
    fn current_frame(&self) -> Option<FrameKind> {
        self.0.current_frame()
    }
}

/// The types an operator's immediates name must be ones the engine runs.
macro_rules! check_immediates {
    (Block $blockty:ident) => {
        check_block_type($blockty)?
    };
    (Loop $blockty:ident) => {
        check_block_type($blockty)?
    };
    (If $blockty:ident) => {
        check_block_type($blockty)?
    };
    (Try $blockty:ident) => {
        check_block_type($blockty)?
    };
    (TryTable $try_table:ident) => {
        check_block_type($try_table.ty)?
    };
    (TypedSelect $ty:ident) => {
        check_val_type($ty)?
    };
    (TypedSelectMulti $tys:ident) => {
        for &t in &$tys {
            check_val_type(t)?;
        }
    };
    (RefNull $hty:ident) => {
        check_heap_type($hty)?
    };
    ($op:ident $($arg:ident)*) => {};
}

/// Each operator: refused if Wasm GC's, else its immediates checked and
/// the operator validated.
macro_rules! forward {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            forward!(one @$proposal $op $({ $($arg: $argty),* })? => $visit);
        )*
    };
    (one @gc $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident) => {
        fn $visit(&mut self $($(, _: $argty)*)?) -> Self::Output {
            Err(refused(concat!("the instruction ", stringify!($op))))
        }
    };
    (one @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident) => {
        #[inline]
        fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
            check_immediates!($op $($($arg)*)?);
            self.0.$visit($($($arg),*)?).map_err(invalid)
        }
    };
}

macro_rules! forward_simd {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            #[inline]
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                let v = self.0.simd_visitor().expect("SIMD enabled: see simd_visitor");
                v.$visit($($($arg),*)?).map_err(invalid)
            }
        )*
    };
}

impl<'a, V> VisitOperator<'a> for NoGc<V>
where
    V: VisitOperator<'a, Output = wasmparser::Result<()>>,
{
    type Output = Result<(), Error>;

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        // The SIMD operators, if the validator takes them (it refuses them
        // when the feature is off).
        match self.0.simd_visitor() {
            Some(_) => Some(self),
            None => None,
        }
    }

    wasmparser::for_each_visit_operator!(forward);
}

impl<'a, V> VisitSimdOperator<'a> for NoGc<V>
where
    V: VisitOperator<'a, Output = wasmparser::Result<()>>,
{
    wasmparser::for_each_visit_simd_operator!(forward_simd);
}
