//! Value types, function types and values as the embedder sees them.

use crate::store::StoreObjects;
use crate::store::Stored;
use crate::{AsContext, AsContextMut, Func};
use std::any::Any;
use tandem_vm::ValRaw;

/// The type of a Wasm value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    Ref(RefType),
}

/// A reference type: what it points to, and whether it may be null.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RefType {
    pub nullable: bool,
    pub heap: HeapType,
}

/// What a reference points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// Any function.
    Func,
    /// No function: the type of only the null function reference.
    NoFunc,
    /// Any host value.
    Extern,
    /// No host value: the type of only the null external reference.
    NoExtern,
    /// A function of one type (typed function references).
    Concrete(TypeId),
    /// Any exception.
    Exn,
    /// No exception: the type of only the null exception reference.
    NoExn,
}

/// A function type as the engine knows it: one id for every type Wasm
/// says is the same, across all the engine's modules (see the type
/// registry). Meaningful within one engine only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TypeId(pub(crate) u32);

impl RefType {
    /// `funcref`: `(ref null func)`.
    pub const FUNCREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Func,
    };
    /// `externref`: `(ref null extern)`.
    pub const EXTERNREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Extern,
    };

    /// The reference type of a module whose types have the engine-wide
    /// ids `type_ids`.
    pub(crate) fn from_wasm(r: wasmparser::RefType, type_ids: &[u32]) -> RefType {
        use wasmparser::{AbstractHeapType as A, HeapType as W, UnpackedIndex};
        let heap = match r.heap_type() {
            W::Concrete(UnpackedIndex::Module(i)) | W::Exact(UnpackedIndex::Module(i)) => {
                HeapType::Concrete(TypeId(type_ids[i as usize]))
            }
            W::Concrete(_) | W::Exact(_) => unreachable!("a module's types name module indices"),
            W::Abstract { ty: A::Func, .. } => HeapType::Func,
            W::Abstract { ty: A::NoFunc, .. } => HeapType::NoFunc,
            W::Abstract { ty: A::Extern, .. } => HeapType::Extern,
            W::Abstract {
                ty: A::NoExtern, ..
            } => HeapType::NoExtern,
            W::Abstract { ty: A::Exn, .. } => HeapType::Exn,
            W::Abstract { ty: A::NoExn, .. } => HeapType::NoExn,
            W::Abstract { ty, .. } => unreachable!("refused by validation: {ty:?}"),
        };
        RefType {
            nullable: r.is_nullable(),
            heap,
        }
    }

    /// Whether references of this type are to functions.
    pub fn is_func(self) -> bool {
        matches!(
            self.heap,
            HeapType::Func | HeapType::NoFunc | HeapType::Concrete(_)
        )
    }

    /// Whether references of this type are to exceptions.
    pub fn is_exn(self) -> bool {
        matches!(self.heap, HeapType::Exn | HeapType::NoExn)
    }
}

impl ValType {
    /// `funcref`.
    pub const FUNCREF: ValType = ValType::Ref(RefType::FUNCREF);
    /// `externref`.
    pub const EXTERNREF: ValType = ValType::Ref(RefType::EXTERNREF);

    /// The value type of a module whose types have the engine-wide ids
    /// `type_ids`.
    pub(crate) fn from_wasm(ty: wasmparser::ValType, type_ids: &[u32]) -> ValType {
        use wasmparser::ValType as W;
        match ty {
            W::I32 => ValType::I32,
            W::I64 => ValType::I64,
            W::F32 => ValType::F32,
            W::F64 => ValType::F64,
            W::V128 => ValType::V128,
            W::Ref(r) => ValType::Ref(RefType::from_wasm(r, type_ids)),
        }
    }

    /// The type as the calling convention sees it: a reference is a
    /// reference, whatever it points to.
    pub(crate) fn to_wasm(self) -> wasmparser::ValType {
        use wasmparser::{RefType as R, ValType as W};
        match self {
            ValType::I32 => W::I32,
            ValType::I64 => W::I64,
            ValType::F32 => W::F32,
            ValType::F64 => W::F64,
            ValType::V128 => W::V128,
            ValType::Ref(r) if r.is_func() => W::Ref(R::FUNCREF),
            ValType::Ref(r) if r.is_exn() => W::Ref(R::EXNREF),
            ValType::Ref(_) => W::Ref(R::EXTERNREF),
        }
    }

    pub fn is_ref(self) -> bool {
        matches!(self, ValType::Ref(_))
    }
}

impl std::fmt::Display for HeapType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeapType::Func => f.write_str("func"),
            HeapType::NoFunc => f.write_str("nofunc"),
            HeapType::Extern => f.write_str("extern"),
            HeapType::NoExtern => f.write_str("noextern"),
            HeapType::Exn => f.write_str("exn"),
            HeapType::NoExn => f.write_str("noexn"),
            HeapType::Concrete(TypeId(id)) => write!(f, "<type {id}>"),
        }
    }
}

impl std::fmt::Display for RefType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            RefType::FUNCREF => f.write_str("funcref"),
            RefType::EXTERNREF => f.write_str("externref"),
            RefType { nullable, heap } => {
                let null = if nullable { "null " } else { "" };
                write!(f, "(ref {null}{heap})")
            }
        }
    }
}

impl std::fmt::Display for ValType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValType::I32 => f.write_str("i32"),
            ValType::I64 => f.write_str("i64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::V128 => f.write_str("v128"),
            ValType::Ref(r) => r.fmt(f),
        }
    }
}

/// A function signature. Cloning one is cheap: every function of an
/// instance holds its own.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncType {
    /// The parameters, then the results.
    types: std::sync::Arc<[ValType]>,
    params: usize,
}

impl FuncType {
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> FuncType {
        let mut types: Vec<ValType> = params.into_iter().collect();
        let params = types.len();
        types.extend(results);
        FuncType {
            types: types.into(),
            params,
        }
    }
    /// The function type of a module whose types have the engine-wide ids
    /// `type_ids`.
    pub(crate) fn from_wasm(ty: &wasmparser::FuncType, type_ids: &[u32]) -> FuncType {
        FuncType::new(
            ty.params().iter().map(|&t| ValType::from_wasm(t, type_ids)),
            ty.results()
                .iter()
                .map(|&t| ValType::from_wasm(t, type_ids)),
        )
    }
    pub(crate) fn to_wasm(&self) -> wasmparser::FuncType {
        wasmparser::FuncType::new(
            self.params().iter().map(|t| t.to_wasm()),
            self.results().iter().map(|t| t.to_wasm()),
        )
    }
    pub fn params(&self) -> &[ValType] {
        &self.types[..self.params]
    }
    pub fn results(&self) -> &[ValType] {
        &self.types[self.params..]
    }
}

impl std::fmt::Display for FuncType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |v: &[ValType]| {
            v.iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        write!(
            f,
            "(func (param {}) (result {}))",
            list(self.params()),
            list(self.results())
        )
    }
}

/// Whether a global can be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mutability {
    Const,
    Var,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    pub content: ValType,
    pub mutability: Mutability,
}

impl GlobalType {
    pub fn new(content: ValType, mutability: Mutability) -> GlobalType {
        GlobalType {
            content,
            mutability,
        }
    }
}

/// A table's element type and limits, in elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    pub element: ValType,
    pub min: u64,
    pub max: Option<u64>,
    /// Whether the table is indexed by `i64` (table64) instead of `i32`.
    pub table64: bool,
}

impl TableType {
    /// A table indexed by `i32`.
    pub fn new(element: ValType, min: u32, max: Option<u32>) -> TableType {
        TableType {
            element,
            min: min.into(),
            max: max.map(Into::into),
            table64: false,
        }
    }

    /// A table indexed by `i64` (table64).
    pub fn new64(element: ValType, min: u64, max: Option<u64>) -> TableType {
        TableType {
            element,
            min,
            max,
            table64: true,
        }
    }
}

/// Limits of a linear memory, in 64 KiB pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoryType {
    pub min: u64,
    pub max: Option<u64>,
    /// Whether the memory is addressed by `i64` (memory64) instead of `i32`.
    pub memory64: bool,
}

impl MemoryType {
    /// A memory addressed by `i32`.
    pub fn new(min: u32, max: Option<u32>) -> MemoryType {
        MemoryType {
            min: min.into(),
            max: max.map(Into::into),
            memory64: false,
        }
    }

    /// A memory addressed by `i64` (memory64).
    pub fn new64(min: u64, max: Option<u64>) -> MemoryType {
        MemoryType {
            min,
            max,
            memory64: true,
        }
    }
}

/// The type of an import or export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternType {
    Func(FuncType),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    Tag(crate::TagType),
}

/// A reference to a host value, opaque to Wasm (`externref`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExternRef(pub(crate) Stored);

impl ExternRef {
    /// Wraps `value` so it can be passed to Wasm as an `externref`.
    pub fn new(mut store: impl AsContextMut, value: impl Any + Send + Sync) -> ExternRef {
        let objs = store.objects_mut();
        objs.push_extern(Box::new(value))
    }

    /// The host value behind this reference.
    ///
    /// # Panics
    /// If the reference belongs to another store.
    pub fn data<'a>(&self, store: &'a impl AsContext) -> &'a (dyn Any + Send + Sync) {
        &**store.objects().extern_data(self)
    }
}

/// A Wasm value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val {
    I32(i32),
    I64(i64),
    /// An `f32` by its bits, so NaN payloads are kept exactly.
    F32(u32),
    /// An `f64` by its bits.
    F64(u64),
    V128(u128),
    FuncRef(Option<Func>),
    ExternRef(Option<ExternRef>),
    ExnRef(Option<crate::ExnRef>),
}

impl Val {
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FUNCREF,
            Val::ExternRef(_) => ValType::EXTERNREF,
            Val::ExnRef(_) => ValType::Ref(RefType {
                nullable: true,
                heap: HeapType::Exn,
            }),
        }
    }

    /// Whether the value is of type `ty` (a reference: of a subtype of it).
    pub(crate) fn matches(&self, objs: &StoreObjects, ty: ValType) -> bool {
        let ValType::Ref(r) = ty else {
            return self.ty() == ty;
        };
        match *self {
            Val::FuncRef(None) => r.nullable && r.is_func(),
            Val::FuncRef(Some(f)) => match r.heap {
                HeapType::Func => true,
                HeapType::Concrete(TypeId(id)) => {
                    objs.engine.types().is_subtype(objs.func(f).vm.type_id, id)
                }
                _ => false,
            },
            Val::ExternRef(None) => r.nullable && !r.is_func() && !r.is_exn(),
            Val::ExternRef(Some(_)) => r.heap == HeapType::Extern,
            Val::ExnRef(None) => r.nullable && r.is_exn(),
            Val::ExnRef(Some(_)) => r.heap == HeapType::Exn,
            _ => false,
        }
    }

    /// The default (zero or null) value of a type.
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::Ref(r) if r.is_func() => Val::FuncRef(None),
            ValType::Ref(r) if r.is_exn() => Val::ExnRef(None),
            ValType::Ref(_) => Val::ExternRef(None),
        }
    }

    pub fn i32(&self) -> Option<i32> {
        match *self {
            Val::I32(v) => Some(v),
            _ => None,
        }
    }
    pub fn i64(&self) -> Option<i64> {
        match *self {
            Val::I64(v) => Some(v),
            _ => None,
        }
    }
    pub fn f32(&self) -> Option<f32> {
        match *self {
            Val::F32(v) => Some(f32::from_bits(v)),
            _ => None,
        }
    }
    pub fn f64(&self) -> Option<f64> {
        match *self {
            Val::F64(v) => Some(f64::from_bits(v)),
            _ => None,
        }
    }

    pub(crate) fn to_raw(self, objs: &StoreObjects) -> ValRaw {
        match self {
            Val::I32(v) => ValRaw::i32(v),
            Val::I64(v) => ValRaw::i64(v),
            Val::F32(v) => ValRaw::f32_bits(v),
            Val::F64(v) => ValRaw::f64_bits(v),
            Val::V128(v) => ValRaw::v128(v),
            Val::FuncRef(f) => ValRaw::reference(f.map_or(0, |f| objs.func_ref(f))),
            Val::ExternRef(e) => ValRaw::reference(e.map_or(0, |e| objs.extern_ref(e))),
            Val::ExnRef(e) => ValRaw::reference(e.map_or(0, |e| objs.exn(e))),
        }
    }

    pub(crate) fn from_raw(raw: ValRaw, ty: ValType, objs: &StoreObjects) -> Val {
        match ty {
            ValType::I32 => Val::I32(raw.get_i32()),
            ValType::I64 => Val::I64(raw.get_i64()),
            ValType::F32 => Val::F32(raw.get_f32_bits()),
            ValType::F64 => Val::F64(raw.get_f64_bits()),
            ValType::V128 => Val::V128(raw.get_v128()),
            ValType::Ref(r) if r.is_func() => {
                Val::FuncRef(StoreObjects::func_from_ref(raw.get_ref()))
            }
            ValType::Ref(r) if r.is_exn() => Val::ExnRef(objs.exn_from_ref(raw.get_ref())),
            ValType::Ref(_) => Val::ExternRef(objs.extern_from_ref(raw.get_ref())),
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}
