//! Compiled modules: decoding, validation, and what instantiation needs.
//!
//! `Module::new` validates the whole module, function bodies included, as the
//! specification requires, but translates nothing: the tier translates each
//! function on its first call.

use crate::cache::Cache;
use crate::memory_image::MemoryImages;
use crate::validate::BodyValidator;
use crate::{no_gc, RefType, TableType, ValType};
use crate::{Engine, Error, ExternType, FuncType, GlobalType, MemoryType, Mutability, Result};
use std::ops::Range;
use std::sync::{Arc, OnceLock};
use tandem_vm::{CodeStats, EntryPoints, ModuleEnv, TierModule, VMSegment};
use wasmparser::{
    DataKind, ElementItems, ElementKind, ExternalKind, KnownCustom, Name, Operator, Parser,
    Payload, TypeRef, Validator, WasmFeatures,
};

/// A validated module, ready to be instantiated any number of times.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let env = &self.inner.env;
        f.debug_struct("Module")
            .field("name", &self.inner.name)
            .field("imports", &self.inner.imports.len())
            .field("exports", &self.inner.exports.len())
            .field("functions", &env.funcs.len())
            .finish_non_exhaustive()
    }
}

pub(crate) struct ModuleInner {
    pub engine: Engine,
    pub name: Option<String>,
    pub env: Arc<ModuleEnv>,
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    /// Initialisers of the module's own globals.
    pub global_inits: Vec<ConstExpr>,
    /// Initialisers of the module's own tables, for those that have one
    /// (else their elements start null).
    pub table_inits: Vec<Option<ConstExpr>>,
    pub elems: Vec<ElemSegment>,
    pub data: Vec<DataSegment>,
    pub start: Option<u32>,
    /// Engine-wide signature id of each type index.
    pub type_ids: Box<[u32]>,
    /// The signature of each type index, for the functions of instances.
    pub func_types: Box<[FuncType]>,
    /// The tier's code for the module, shared by every instance.
    pub code: Arc<dyn TierModule>,
    /// The copy-on-write images of its memories, made at the first
    /// instantiation (which would copy the segments anyway), so that
    /// `Module::new` does not pay for them.
    pub memory_images: OnceLock<MemoryImages>,
    /// What each instance's records of the module's own functions start
    /// from, made at the first instantiation.
    pub func_templates: OnceLock<Box<[FuncTemplate]>>,
    /// What each instance's data segments start as, made at the first
    /// instantiation.
    pub segment_templates: OnceLock<SegmentTemplates>,
    /// The module's entry in the engine's code cache, if it has one.
    pub cache_key: Option<crate::cache::Key>,
}

/// The code the tier compiled for the module while it lived goes to the
/// engine's cache, for the next run.
impl Drop for ModuleInner {
    fn drop(&mut self) {
        if let (Some(key), Some(cache)) = (self.cache_key, self.engine.cache()) {
            cache.store(key, self);
        }
    }
}

impl ModuleInner {
    pub fn memory_images(&self) -> &MemoryImages {
        self.memory_images.get_or_init(|| MemoryImages::new(self))
    }

    pub fn num_imported_memories(&self) -> usize {
        (self.imports.iter())
            .filter(|i| matches!(i.ty, TypeRef::Memory(_)))
            .count()
    }

    pub fn segment_templates(&self) -> &SegmentTemplates {
        self.segment_templates.get_or_init(|| {
            let segment = |seg: &DataSegment| VMSegment {
                base: self.env.bytes[seg.bytes.clone()].as_ptr(),
                len: seg.bytes.len(),
            };
            SegmentTemplates {
                data: self.data.iter().map(segment).collect(),
                applied: (self.data.iter())
                    .map(|seg| match seg.mode {
                        SegmentMode::Active { .. } => VMSegment::EMPTY,
                        _ => segment(seg),
                    })
                    .collect(),
            }
        })
    }

    /// The templates of the module's own functions' records, in order.
    pub fn func_templates(&self) -> &[FuncTemplate] {
        self.func_templates.get_or_init(|| {
            let registry = self.engine.types();
            let first = self.env.num_imported_funcs;
            (first..self.env.funcs.len() as u32)
                .map(|func_index| {
                    let type_id = self.type_ids[self.env.funcs[func_index as usize] as usize];
                    FuncTemplate {
                        entry: self.code.entry_points(func_index),
                        type_id,
                        supertypes: registry.supertypes(type_id),
                    }
                })
                .collect()
        })
    }
}

/// An instance's data segments, as instantiation begins (`data`) and as it
/// leaves them once every active segment is applied (`applied`: dropped).
pub(crate) struct SegmentTemplates {
    pub data: Box<[VMSegment]>,
    pub applied: Box<[VMSegment]>,
}

// SAFETY: the segments point into the module's bytes, which never change
// and live as long as the module.
unsafe impl Send for SegmentTemplates {}
unsafe impl Sync for SegmentTemplates {}

/// What the record of a module's function holds in every instance: all but
/// the instance's context and the function's handle. The tiers' entry
/// points for a module never change (code compiled later is installed in
/// the records, by `TierModule::attach`).
pub(crate) struct FuncTemplate {
    pub entry: EntryPoints,
    pub type_id: u32,
    /// From the engine's type registry, which outlives its modules.
    pub supertypes: *const u32,
}

// SAFETY: the pointers are to code and type data that never change and
// live as long as the module.
unsafe impl Send for FuncTemplate {}
unsafe impl Sync for FuncTemplate {}

pub(crate) struct Import {
    pub module: String,
    pub name: String,
    pub ty: TypeRef,
}

pub(crate) struct Export {
    pub name: String,
    pub kind: ExternalKind,
    pub index: u32,
}

/// A constant expression, kept as a short list of operators.
#[derive(Clone, Debug)]
pub(crate) enum ConstOp {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    RefNull,
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

#[derive(Clone, Debug)]
pub(crate) struct ConstExpr(pub Vec<ConstOp>);

pub(crate) enum SegmentMode {
    Passive,
    Active { index: u32, offset: ConstExpr },
    Declared,
}

pub(crate) struct ElemSegment {
    pub mode: SegmentMode,
    pub items: ElemItems,
}

/// An element segment's items: function indices in the binary's short form
/// (each a `ref.func`, so nothing to evaluate per instance), expressions
/// otherwise.
pub(crate) enum ElemItems {
    Funcs(Box<[u32]>),
    Exprs(Box<[ConstExpr]>),
}

pub(crate) struct DataSegment {
    pub mode: SegmentMode,
    pub bytes: Range<usize>,
}

impl Module {
    /// Compiles a module from its binary or `.wat` text (text needs the
    /// default `wat` feature).
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = bytes.as_ref();
        if bytes.starts_with(b"\0asm") {
            return Module::from_binary(engine, bytes);
        }
        Module::from_binary(engine, &parse_text(bytes, None)?)
    }

    /// Compiles a module from a file holding its binary or `.wat` text.
    pub fn from_file(engine: &Engine, path: impl AsRef<std::path::Path>) -> Result<Module> {
        let bytes = std::fs::read(path.as_ref())?;
        if bytes.starts_with(b"\0asm") {
            return Module::from_binary(engine, &bytes);
        }
        Module::from_binary(engine, &parse_text(&bytes, Some(path.as_ref()))?)
    }

    /// Compiles a module from its binary form only. With a code cache
    /// ([`Config::cache_dir`](crate::Config::cache_dir)), code an earlier
    /// run compiled for the same binary is installed, and the binary, which
    /// that run validated, is not validated again.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let _span = tracing::debug_span!("module_new", size = bytes.len()).entered();
        let Some(cache) = engine.cache() else {
            return decode(engine, bytes, false, None).map(Module::of);
        };
        let key = Cache::key(engine, bytes);
        let cached = cache.load(engine, key, |code| {
            decode(engine, bytes, true, Some(code))
                .inspect_err(|e| tracing::warn!("ignoring a code cache entry: {e}"))
                .ok()
        });
        let mut inner = match cached.flatten() {
            Some(inner) => inner,
            None => decode(engine, bytes, false, None)?,
        };
        inner.cache_key = Some(key);
        Ok(Module::of(inner))
    }

    fn of(inner: ModuleInner) -> Module {
        Module {
            inner: Arc::new(inner),
        }
    }

    /// The module as bytes that [`deserialize`](Self::deserialize) loads
    /// back in another process: its binary, and the machine code the tier
    /// has made for it so far (in the jit tier, every function; in the
    /// tiered tier, those compiled until now), with the fingerprint of this
    /// build and of the settings the code depends on.
    pub fn serialize(&self) -> Result<Vec<u8>> {
        Ok(crate::serialize::serialize(&self.inner))
    }

    /// Loads a module [`serialize`](Self::serialize) wrote, without
    /// validating or compiling it again: its saved code is installed (in
    /// the jit tier, functions it lacks are compiled; in the tiered tier,
    /// they start interpreted). Bytes from another build of tandem, or
    /// code made for other settings (CPU features, fuel, epochs, Wasm
    /// proposals), are an [`Error::Incompatible`].
    ///
    /// # Safety
    /// `bytes` must be what `serialize` wrote, unaltered: they are trusted
    /// to hold a valid module and machine code that is right for it, and
    /// neither is checked. Never load bytes from an untrusted source.
    pub unsafe fn deserialize(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = bytes.as_ref();
        let _span = tracing::debug_span!("module_deserialize", size = bytes.len()).entered();
        let parts = crate::serialize::read(engine, bytes)?;
        let saved = match &parts.code {
            Some(code) => code.for_engine(engine)?,
            None => None,
        };
        decode(engine, parts.wasm, true, saved).map(Module::of)
    }

    /// As [`deserialize`](Self::deserialize), from a file, which is mapped
    /// rather than read.
    ///
    /// # Safety
    /// As for `deserialize`: the file must be what `serialize` wrote, and
    /// must not change while it loads.
    pub unsafe fn deserialize_file(
        engine: &Engine,
        path: impl AsRef<std::path::Path>,
    ) -> Result<Module> {
        let map = crate::serialize::MappedFile::open(path.as_ref())?;
        // SAFETY: the caller vouches for the file's contents.
        unsafe { Module::deserialize(engine, map.bytes()) }
    }

    /// Whether `bytes` are a serialized module rather than a binary or
    /// text one: what [`deserialize`](Self::deserialize) takes.
    pub fn is_serialized(bytes: &[u8]) -> bool {
        crate::serialize::is_serialized(bytes)
    }

    /// The module's name from its name section.
    pub fn name(&self) -> Option<&str> {
        self.inner.name.as_deref()
    }

    /// The module's imports: module name, field name and type.
    pub fn imports(&self) -> impl Iterator<Item = (&str, &str, ExternType)> + '_ {
        self.inner
            .imports
            .iter()
            .map(|i| (i.module.as_str(), i.name.as_str(), self.type_ref(i.ty)))
    }

    /// The module's exports with their types.
    pub fn exports(&self) -> impl Iterator<Item = (&str, ExternType)> + '_ {
        self.inner
            .exports
            .iter()
            .map(|e| (e.name.as_str(), self.inner.extern_type(e.kind, e.index)))
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// How many of the module's functions the tier has translated or
    /// compiled so far (the interpreter translates lazily), and the memory
    /// their code takes.
    pub fn code_stats(&self) -> CodeStats {
        self.inner.code.stats()
    }

    /// The machine code of function `func_index` as assembly text, if the
    /// tier made machine code for it (`tandem run --print-asm`).
    pub fn disassemble(&self, func_index: u32) -> Option<String> {
        let env = &self.inner.env;
        if func_index < env.num_imported_funcs || func_index as usize >= env.funcs.len() {
            return None;
        }
        self.inner.code.disassemble(func_index)
    }

    /// The name of function `func_index` in the module's name section.
    pub fn func_name(&self, func_index: u32) -> Option<&str> {
        self.inner
            .env
            .func_names
            .get(&func_index)
            .map(String::as_str)
    }

    /// What the tiers see of the module: for tests of a tier's internals,
    /// not part of the embedder API.
    #[doc(hidden)]
    pub fn env(&self) -> &tandem_vm::ModuleEnv {
        &self.inner.env
    }

    /// The number of functions, imported ones included.
    pub fn num_funcs(&self) -> u32 {
        self.inner.env.funcs.len() as u32
    }

    /// Translates or compiles every function now, as the tier would on
    /// first calls; an error names what the tier cannot run.
    pub fn compile_all(&self) -> Result<()> {
        self.inner
            .code
            .compile_all()
            .map_err(|e| Error::Compile(e.0))
    }

    /// In the tiered tier, queues every function of the module for the
    /// engine's compile threads now, as though each had got hot, and
    /// returns at once: an embedder that knows a module will run long can
    /// so have it compiled while it starts in the interpreter. Functions
    /// that run while they wait go first (the queue takes the hottest).
    /// The other tiers have nothing to do.
    pub fn compile_in_background(&self) {
        self.inner.code.request_all();
    }

    fn type_ref(&self, ty: TypeRef) -> ExternType {
        match ty {
            TypeRef::Func(t) => ExternType::Func(self.inner.func_type(t)),
            TypeRef::Table(t) => ExternType::Table(self.inner.table_type(&t)),
            TypeRef::Memory(m) => ExternType::Memory(memory_type(&m)),
            TypeRef::Global(g) => ExternType::Global(self.inner.global_type(&g)),
            TypeRef::Tag(t) => {
                ExternType::Tag(crate::TagType::of(self.inner.func_type(t.func_type_idx)))
            }
            TypeRef::FuncExact(_) => unreachable!("rejected by validation"),
        }
    }
}

impl ModuleInner {
    pub fn extern_type(&self, kind: ExternalKind, index: u32) -> ExternType {
        let env = &self.env;
        match kind {
            ExternalKind::Func | ExternalKind::FuncExact => {
                ExternType::Func(self.func_type(env.funcs[index as usize]))
            }
            ExternalKind::Table => ExternType::Table(self.table_type(&env.tables[index as usize])),
            ExternalKind::Memory => ExternType::Memory(memory_type(&env.memories[index as usize])),
            ExternalKind::Global => {
                ExternType::Global(self.global_type(&env.globals[index as usize]))
            }
            ExternalKind::Tag => {
                ExternType::Tag(crate::TagType::of(self.func_type(env.tags[index as usize])))
            }
        }
    }

    /// The embedder's view of the module's function type `index`.
    pub fn func_type(&self, index: u32) -> FuncType {
        self.func_types[index as usize].clone()
    }

    pub fn table_type(&self, t: &wasmparser::TableType) -> TableType {
        TableType {
            element: ValType::Ref(RefType::from_wasm(t.element_type, &self.type_ids)),
            min: t.initial,
            max: t.maximum,
            table64: t.table64,
        }
    }

    pub fn global_type(&self, g: &wasmparser::GlobalType) -> GlobalType {
        GlobalType::new(
            ValType::from_wasm(g.content_type, &self.type_ids),
            if g.mutable {
                Mutability::Var
            } else {
                Mutability::Const
            },
        )
    }
}

pub(crate) fn memory_type(m: &wasmparser::MemoryType) -> MemoryType {
    MemoryType {
        min: m.initial,
        max: m.maximum,
        memory64: m.memory64,
    }
}

pub(crate) fn invalid(e: wasmparser::BinaryReaderError) -> Error {
    Error::Invalid(format!("{} (at offset {:#x})", e.message(), e.offset()))
}

fn const_expr(expr: &wasmparser::ConstExpr) -> Result<ConstExpr> {
    let mut ops = Vec::new();
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        ops.push(match reader.read().map_err(invalid)? {
            Operator::I32Const { value } => ConstOp::I32(value),
            Operator::I64Const { value } => ConstOp::I64(value),
            Operator::F32Const { value } => ConstOp::F32(value.bits()),
            Operator::F64Const { value } => ConstOp::F64(value.bits()),
            Operator::V128Const { value } => ConstOp::V128(u128::from_le_bytes(*value.bytes())),
            Operator::RefNull { hty } => {
                no_gc::check_heap_type(hty)?;
                ConstOp::RefNull
            }
            Operator::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            Operator::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            Operator::I32Add => ConstOp::I32Add,
            Operator::I32Sub => ConstOp::I32Sub,
            Operator::I32Mul => ConstOp::I32Mul,
            Operator::I64Add => ConstOp::I64Add,
            Operator::I64Sub => ConstOp::I64Sub,
            Operator::I64Mul => ConstOp::I64Mul,
            Operator::End => break,
            // Validated: an instruction of Wasm GC.
            op => {
                return Err(Error::Unsupported(format!(
                    "Wasm GC: the constant instruction {op:?}"
                )))
            }
        });
    }
    Ok(ConstExpr(ops))
}

/// The proposals a module may use by default: Wasm 2.0 and the parts of
/// Wasm 3.0 that every tier runs (see [`Config::wasm_2_0`](crate::Config)).
pub(crate) const FEATURES: WasmFeatures = WasmFeatures::WASM2
    .union(WasmFeatures::MULTI_MEMORY)
    .union(WasmFeatures::MEMORY64)
    .union(WasmFeatures::EXTENDED_CONST)
    .union(WasmFeatures::RELAXED_SIMD)
    .union(WasmFeatures::TAIL_CALL)
    .union(WasmFeatures::FUNCTION_REFERENCES)
    .union(WasmFeatures::EXCEPTIONS)
    .union(WasmFeatures::LEGACY_EXCEPTIONS)
    // For the validation rules typed references share with Wasm GC; GC's
    // own types and instructions are refused (see `no_gc`).
    .union(WasmFeatures::GC);

/// Decodes and validates a module; function bodies are validated while
/// decoding goes on, on threads in a scope that ends with the decoding.
/// A `trusted` binary, one this build validated before (serialized, or
/// cached), is not validated again. `saved` is code the tier saved for it.
fn decode(
    engine: &Engine,
    bytes: &[u8],
    trusted: bool,
    saved: Option<&[u8]>,
) -> Result<ModuleInner> {
    std::thread::scope(|scope| decode_in(scope, engine, bytes, trusted, saved))
}

fn decode_in<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    engine: &Engine,
    bytes: &'env [u8],
    trusted: bool,
    saved: Option<&[u8]>,
) -> Result<ModuleInner> {
    let features = engine.config().features;
    let mut validator = Validator::new_with_features(features);
    let mut env = ModuleEnv::new(Arc::from(bytes));
    env.checks = engine.config().checks();
    env.cpu = engine.cpu_features();
    let mut name = None;
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    let mut global_inits = Vec::new();
    let mut table_inits = Vec::new();
    let mut elems = Vec::new();
    let mut data = Vec::new();
    let mut start = None;
    let mut type_ids = Vec::new();
    let mut bodies = BodyValidator::new(scope);

    // The parser needs the feature set too: it decides how limits and
    // other encodings are read (e.g. memory64's wider limits).
    let mut parser = Parser::new(0);
    parser.set_features(features);
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(invalid)?;
        if trusted {
            if let Payload::CodeSectionEntry(body) = &payload {
                let range = body.range();
                env.bodies.push(range.start as usize..range.end as usize);
            }
        } else if let wasmparser::ValidPayload::Func(func, body) =
            validator.payload(&payload).map_err(invalid)?
        {
            let range = body.range();
            env.bodies.push(range.start as usize..range.end as usize);
            bodies.push((func, body));
        }
        match payload {
            Payload::CodeSectionStart { size, .. } if !trusted => bodies.code_section(size),
            Payload::TypeSection(reader) => {
                let mut registry = engine.types();
                for group in reader {
                    let group = group.map_err(invalid)?;
                    let start = env.types.len() as u32;
                    for sub in group.types() {
                        if let wasmparser::CompositeInnerType::Func(f) = &sub.composite_type.inner {
                            for &t in f.params().iter().chain(f.results()) {
                                no_gc::check_val_type(t)?;
                            }
                        }
                    }
                    let ids = registry
                        .register(&group, start, &type_ids)
                        .map_err(|_| Error::Unsupported("Wasm GC types".into()))?;
                    type_ids.extend(ids);
                    for sub in group.into_types() {
                        let wasmparser::CompositeInnerType::Func(f) = sub.composite_type.inner
                        else {
                            unreachable!("the registry takes function types only");
                        };
                        env.types.push(f);
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(invalid)?;
                    match import.ty {
                        TypeRef::Table(t) => no_gc::check_ref_type(t.element_type)?,
                        TypeRef::Global(g) => no_gc::check_val_type(g.content_type)?,
                        _ => {}
                    }
                    match import.ty {
                        TypeRef::Func(t) => {
                            env.funcs.push(t);
                            env.num_imported_funcs += 1;
                        }
                        TypeRef::Table(t) => env.tables.push(t),
                        TypeRef::Memory(m) => env.memories.push(m),
                        TypeRef::Global(g) => env.globals.push(g),
                        TypeRef::Tag(t) => env.tags.push(t.func_type_idx),
                        _ => return Err(Error::Invalid("unsupported import kind".into())),
                    }
                    imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        ty: import.ty,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    env.funcs.push(t.map_err(invalid)?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table.map_err(invalid)?;
                    no_gc::check_ref_type(table.ty.element_type)?;
                    env.tables.push(table.ty);
                    table_inits.push(match table.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(const_expr(&e)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    env.memories.push(memory.map_err(invalid)?);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global.map_err(invalid)?;
                    no_gc::check_val_type(global.ty.content_type)?;
                    env.globals.push(global.ty);
                    global_inits.push(const_expr(&global.init_expr)?);
                }
            }
            Payload::TagSection(reader) => {
                for tag in reader {
                    env.tags.push(tag.map_err(invalid)?.func_type_idx);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(invalid)?;
                    exports.push(Export {
                        name: export.name.to_string(),
                        kind: export.kind,
                        index: export.index,
                    });
                }
            }
            Payload::StartSection { func, .. } => start = Some(func),
            Payload::ElementSection(reader) => {
                for elem in reader {
                    let elem = elem.map_err(invalid)?;
                    let mode = match elem.kind {
                        ElementKind::Passive => SegmentMode::Passive,
                        ElementKind::Declared => SegmentMode::Declared,
                        ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => SegmentMode::Active {
                            index: table_index.unwrap_or(0),
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    let (ty, items) = match elem.items {
                        ElementItems::Functions(funcs) => (
                            wasmparser::RefType::FUNCREF,
                            ElemItems::Funcs(
                                funcs
                                    .into_iter()
                                    .collect::<Result<_, _>>()
                                    .map_err(invalid)?,
                            ),
                        ),
                        ElementItems::Expressions(ty, exprs) => {
                            no_gc::check_ref_type(ty)?;
                            let exprs = exprs
                                .into_iter()
                                .map(|e| const_expr(&e.map_err(invalid)?))
                                .collect::<Result<_>>()?;
                            (ty, ElemItems::Exprs(exprs))
                        }
                    };
                    env.elem_types.push(ty);
                    elems.push(ElemSegment { mode, items });
                }
            }
            Payload::DataSection(reader) => {
                for segment in reader {
                    let segment = segment.map_err(invalid)?;
                    let mode = match segment.kind {
                        DataKind::Passive => SegmentMode::Passive,
                        DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => SegmentMode::Active {
                            index: memory_index,
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    let start = segment.data.as_ptr() as usize - bytes.as_ptr() as usize;
                    data.push(DataSegment {
                        mode,
                        bytes: start..start + segment.data.len(),
                    });
                }
            }
            Payload::CustomSection(reader) => {
                // A broken name section is not an error: names are advisory.
                if let KnownCustom::Name(names) = reader.as_known() {
                    for n in names.into_iter().flatten() {
                        match n {
                            Name::Module { name: n, .. } => name = Some(n.to_string()),
                            Name::Function(map) => {
                                for naming in map.into_iter().flatten() {
                                    env.func_names.insert(naming.index, naming.name.to_string());
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }

    bodies.finish()?;

    let func_types = (env.types.iter())
        .map(|t| FuncType::from_wasm(t, &type_ids))
        .collect();
    let env = Arc::new(env);
    let code = engine
        .tier()
        .prepare(env.clone(), saved)
        .map_err(|e| Error::Compile(e.0))?;
    Ok(ModuleInner {
        engine: engine.clone(),
        name,
        code,
        env,
        imports,
        exports,
        global_inits,
        table_inits,
        elems,
        data,
        start,
        func_types,
        type_ids: type_ids.into_boxed_slice(),
        memory_images: OnceLock::new(),
        func_templates: OnceLock::new(),
        segment_templates: OnceLock::new(),
        cache_key: None,
    })
}

/// The binary of the module in `.wat` text `bytes` (read from `path`, if given).
#[cfg(feature = "wat")]
fn parse_text(bytes: &[u8], path: Option<&std::path::Path>) -> Result<Vec<u8>> {
    wat::parse_bytes(bytes)
        .map(|b| b.into_owned())
        .map_err(|mut e| {
            if let Some(path) = path {
                e.set_path(path);
            }
            Error::Wat(e.to_string())
        })
}

/// Without the `wat` feature, text is an error.
#[cfg(not(feature = "wat"))]
fn parse_text(_bytes: &[u8], _path: Option<&std::path::Path>) -> Result<Vec<u8>> {
    Err(Error::Wat(
        "not a binary module, and tandem was built without the `wat` feature to parse text".into(),
    ))
}
