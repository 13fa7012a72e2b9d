//! Instantiation — linking a module's imports and evaluating its
//! initialisers, in the order the specification gives — and instances.
//!
//! Order of evaluation (Wasm 2.0): imports are checked against their
//! declared types; globals are initialised; element segments, then data
//! segments, are applied one after another (an out-of-bounds segment traps,
//! and what earlier segments wrote stays written, visible through imported
//! tables and memories); finally the start function runs.

use crate::func::FuncSlot;
use crate::global::GlobalInstance;
use crate::memory::MemoryInstance;
use crate::module::{ConstExpr, ConstOp, ModuleInner, SegmentMode};
use crate::store::StoreObjects;
use crate::store::Stored;
use crate::table::TableInstance;
use crate::tag::{TagInstance, TagType};
use crate::{AsContext, AsContextMut, Error, ExternType, Func, Global, Memory, Module};
use crate::{Mutability, Result, Table, Tag, Trap, TypedFunc};
use std::sync::atomic::{AtomicPtr, AtomicU32};
use tandem_vm::{
    Builtins, RefRaw, TrapCode, VMContext, VMFunc, VMMemory, VMSegment, VMTable, VMTag, ValRaw,
};
use wasmparser::{ExternalKind, TypeRef};

/// The runtime services every instance's context points to.
static BUILTINS: Builtins = Builtins {
    memory_grow: crate::memory::memory_grow,
    table_grow: crate::table::table_grow,
    interrupt: crate::epoch::interrupt,
};

/// An instance, by handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instance(pub(crate) Stored);

/// The runtime's side of an instance. `vmctx` points into the boxed slices
/// below, which never move.
pub(crate) struct InstanceData {
    pub vmctx: VMContext,
    pub module: Module,
    handle: Instance,
    funcs: Box<[*const VMFunc]>,
    memories: Box<[*mut VMMemory]>,
    tables: Box<[*mut VMTable]>,
    globals: Box<[*mut ValRaw]>,
    tags: Box<[*const VMTag]>,
    data: Box<[VMSegment]>,
    elems: Box<[VMSegment]>,
    /// Resolved element-segment contents that `elems` points into.
    elem_items: Vec<Box<[RefRaw]>>,
    /// Handles of everything in the index spaces, for exports.
    func_handles: Vec<Func>,
    memory_handles: Vec<Memory>,
    table_handles: Vec<Table>,
    global_handles: Vec<Global>,
    tag_handles: Vec<Tag>,
}

impl InstanceData {
    /// The handle of the instance behind a context.
    ///
    /// # Safety
    /// `vmctx` must be the context of a live instance.
    pub(crate) unsafe fn handle_of(vmctx: *const VMContext) -> Instance {
        unsafe { (*((*vmctx).runtime as *const InstanceData)).handle }
    }

    fn export(&self, kind: ExternalKind, index: u32) -> Extern {
        let i = index as usize;
        match kind {
            ExternalKind::Func | ExternalKind::FuncExact => Extern::Func(self.func_handles[i]),
            ExternalKind::Table => Extern::Table(self.table_handles[i]),
            ExternalKind::Memory => Extern::Memory(self.memory_handles[i]),
            ExternalKind::Global => Extern::Global(self.global_handles[i]),
            ExternalKind::Tag => Extern::Tag(self.tag_handles[i]),
        }
    }
}

impl Instance {
    /// Instantiates `module` with `imports` given in the module's import order.
    pub fn new(
        mut store: impl AsContextMut,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance> {
        instantiate(store.objects_mut(), module, imports)
    }

    pub fn get_export(&self, store: impl AsContext, name: &str) -> Option<Extern> {
        let data = store.objects().instance(self);
        let export = data.module.inner.exports.iter().find(|e| e.name == name)?;
        Some(data.export(export.kind, export.index))
    }

    /// Every export, in the module's order.
    pub fn exports(&self, store: impl AsContext) -> Vec<(String, Extern)> {
        let data = store.objects().instance(self);
        data.module
            .inner
            .exports
            .iter()
            .map(|e| (e.name.clone(), data.export(e.kind, e.index)))
            .collect()
    }

    pub fn get_func(&self, store: impl AsContext, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }
    pub fn get_memory(&self, store: impl AsContext, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }
    pub fn get_table(&self, store: impl AsContext, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }
    pub fn get_global(&self, store: impl AsContext, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }

    pub fn get_typed_func<P: crate::WasmParams, R: crate::WasmResults>(
        &self,
        store: impl AsContext,
        name: &str,
    ) -> Result<TypedFunc<P, R>> {
        let func = self
            .get_func(&store, name)
            .ok_or_else(|| Error::Type(format!("no exported function `{name}`")))?;
        func.typed(&store)
    }

    pub fn module<'a>(&self, store: &'a impl AsContext) -> &'a Module {
        &store.objects().instance(self).module
    }
}

fn link_error(module: &Module, index: usize, reason: String) -> Error {
    let import = &module.inner.imports[index];
    Error::Link(format!(
        "incompatible import type for `{}::{}`: {reason}",
        import.module, import.name
    ))
}

/// Whether limits `actual` satisfy the import's declared limits.
fn limits_match(actual_min: u64, actual_max: Option<u64>, min: u64, max: Option<u64>) -> bool {
    actual_min >= min
        && match max {
            None => true,
            Some(max) => actual_max.is_some_and(|am| am <= max),
        }
}

fn check_import(objs: &StoreObjects, module: &Module, index: usize, item: &Extern) -> Result<()> {
    let wanted = &module.inner.imports[index].ty;
    let found = item.ty(objs);
    let ok = match (wanted, item, &found) {
        // A function of a subtype may stand for its supertype.
        (TypeRef::Func(t), Extern::Func(f), _) => module
            .inner
            .engine
            .types()
            .is_subtype(objs.func(f).vm.type_id, module.inner.type_ids[*t as usize]),
        // A table's elements are read and written: their types must be the
        // same.
        (TypeRef::Table(t), Extern::Table(_), ExternType::Table(actual)) => {
            actual.element == module.inner.table_type(t).element
                && actual.table64 == t.table64
                && limits_match(actual.min, actual.max, t.initial, t.maximum)
        }
        (TypeRef::Memory(m), Extern::Memory(_), ExternType::Memory(actual)) => {
            actual.memory64 == m.memory64
                && limits_match(actual.min, actual.max, m.initial, m.maximum)
        }
        // An immutable global may hold a subtype of what is asked for; a
        // mutable one is written too, so its type must be the same.
        (TypeRef::Global(g), Extern::Global(_), ExternType::Global(actual)) => {
            let wanted = module.inner.global_type(g);
            actual.mutability == wanted.mutability
                && match wanted.mutability {
                    Mutability::Const => module
                        .inner
                        .engine
                        .types()
                        .val_matches(actual.content, wanted.content),
                    Mutability::Var => actual.content == wanted.content,
                }
        }
        // A tag's payload is read and written: its type must be the same.
        (TypeRef::Tag(t), Extern::Tag(tag), _) => {
            objs.tag(tag).vm.type_id == module.inner.type_ids[t.func_type_idx as usize]
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(link_error(
            module,
            index,
            format!("expected {wanted:?}, found {found:?}"),
        ))
    }
}

fn num_imported(imports: &[Extern], kind: impl Fn(&Extern) -> bool) -> usize {
    imports.iter().filter(|e| kind(e)).count()
}

pub(crate) fn instantiate(
    objs: &mut StoreObjects,
    module: &Module,
    imports: &[Extern],
) -> Result<Instance> {
    let _span = tracing::debug_span!("instantiate", module = module.name()).entered();
    let inner = &module.inner;
    let env = &inner.env;
    if !objs.engine.same(&inner.engine) {
        return Err(Error::Link(
            "module and store belong to different engines".into(),
        ));
    }
    if imports.len() != inner.imports.len() {
        return Err(Error::Link(format!(
            "module needs {} imports, {} given",
            inner.imports.len(),
            imports.len()
        )));
    }
    for (i, item) in imports.iter().enumerate() {
        check_import(objs, module, i, item)?;
    }
    objs.check_counts(
        1,
        env.tables.len() - num_imported(imports, |e| matches!(e, Extern::Table(_))),
        env.memories.len() - num_imported(imports, |e| matches!(e, Extern::Memory(_))),
    )?;

    let handle = Instance(objs.stored(objs.instances.len()));
    let mut data = Box::new(InstanceData {
        vmctx: VMContext {
            memory0: std::ptr::null_mut(),
            store: objs.vm_store(),
            funcs: std::ptr::null(),
            memories: std::ptr::null(),
            tables: std::ptr::null(),
            globals: std::ptr::null(),
            type_ids: inner.type_ids.as_ptr(),
            data: std::ptr::null_mut(),
            elems: std::ptr::null_mut(),
            builtins: &BUILTINS,
            tier_state: inner.code.tier_state(),
            runtime: std::ptr::null_mut(),
            epoch_flag: AtomicU32::new(0),
            tags: std::ptr::null(),
        },
        module: module.clone(),
        handle,
        funcs: Box::new([]),
        memories: Box::new([]),
        tables: Box::new([]),
        globals: Box::new([]),
        tags: Box::new([]),
        data: Box::new([]),
        elems: Box::new([]),
        elem_items: Vec::new(),
        func_handles: Vec::new(),
        memory_handles: Vec::new(),
        table_handles: Vec::new(),
        global_handles: Vec::new(),
        tag_handles: Vec::new(),
    });
    let vmctx: *mut VMContext = &mut data.vmctx;
    data.vmctx.runtime = (&mut *data as *mut InstanceData).cast();

    for item in imports {
        match *item {
            Extern::Func(f) => data.func_handles.push(f),
            Extern::Table(t) => data.table_handles.push(t),
            Extern::Memory(m) => data.memory_handles.push(m),
            Extern::Global(g) => data.global_handles.push(g),
            Extern::Tag(t) => data.tag_handles.push(t),
        }
    }
    // The module's own functions, with the tier's entry points.
    let supertypes: Vec<*const u32> = {
        let registry = inner.engine.types();
        inner
            .type_ids
            .iter()
            .map(|&id| registry.supertypes(id))
            .collect()
    };
    for func_index in env.num_imported_funcs..env.funcs.len() as u32 {
        let entry = inner.code.entry_points(func_index);
        let ty_index = env.funcs[func_index as usize] as usize;
        let ty = inner.func_type(ty_index as u32);
        let type_id = inner.type_ids[ty_index];
        let f = objs.push_func(|handle| FuncSlot {
            vm: VMFunc {
                array_call: AtomicPtr::new(entry.array_call as *mut ()),
                native_call: AtomicPtr::new(entry.native_call as *mut ()),
                vmctx,
                host: std::ptr::null(),
                type_id,
                func_index,
                tier_code: AtomicPtr::new(std::ptr::null_mut()),
                supertypes: supertypes[ty_index],
            },
            handle,
            ty,
        });
        data.func_handles.push(f);
    }
    for ty in &env.tables[data.table_handles.len()..] {
        let table = TableInstance::new(inner.table_type(ty), 0, objs.hooks)?;
        data.table_handles.push(objs.push_table(table));
    }
    for ty in &env.memories[data.memory_handles.len()..] {
        let memory = MemoryInstance::new(crate::module::memory_type(ty), objs.hooks)?;
        data.memory_handles.push(objs.push_memory(memory));
    }
    data.funcs = data
        .func_handles
        .iter()
        .map(|f| &objs.func(f).vm as *const VMFunc)
        .collect();
    if let Some(guard) = inner
        .code
        .attach(&data.funcs[env.num_imported_funcs as usize..])
    {
        objs.tier_attachments.push(guard);
    }
    data.tables = data
        .table_handles
        .iter()
        .map(|t| &mut objs.table_mut(t).vm as *mut VMTable)
        .collect();
    data.memories = data
        .memory_handles
        .iter()
        .map(|m| &mut objs.memory_mut(m).vm as *mut VMMemory)
        .collect();
    // Globals, in order: an initialiser may read the globals before it.
    let num_imported_globals = data.global_handles.len();
    for (i, init) in inner.global_inits.iter().enumerate() {
        let ty = inner.global_type(&env.globals[num_imported_globals + i]);
        let cell = eval_const(objs, &data, init);
        let global = objs.push_global(Box::new(GlobalInstance { cell, ty }));
        data.global_handles.push(global);
    }
    data.globals = data
        .global_handles
        .iter()
        .map(|g| &mut objs.global_mut(g).cell as *mut ValRaw)
        .collect();
    for &ty_index in &env.tags[data.tag_handles.len()..] {
        let ty = TagType::of(inner.func_type(ty_index));
        let type_id = inner.type_ids[ty_index as usize];
        let tag = objs.push_tag_with(|handle| TagInstance {
            vm: VMTag { type_id },
            handle,
            ty,
        });
        data.tag_handles.push(tag);
    }
    data.tags = data
        .tag_handles
        .iter()
        .map(|t| &objs.tag(t).vm as *const VMTag)
        .collect();
    // Tables with an initialiser (which may read the globals): every
    // element starts as its value.
    let num_imported_tables = env.tables.len() - inner.table_inits.len();
    for (i, init) in inner.table_inits.iter().enumerate() {
        if let Some(init) = init {
            let value = eval_const(objs, &data, init).get_ref();
            let table = data.table_handles[num_imported_tables + i];
            objs.table_mut(table).elements_mut().fill(value);
        }
    }
    // Segments: resolved now; active and declared ones are dropped once applied.
    data.elem_items = inner
        .elems
        .iter()
        .map(|seg| {
            seg.items
                .iter()
                .map(|e| eval_const(objs, &data, e).get_ref())
                .collect()
        })
        .collect();
    data.elems = data
        .elem_items
        .iter()
        .map(|items| VMSegment {
            base: items.as_ptr().cast(),
            len: items.len(),
        })
        .collect();
    data.data = inner
        .data
        .iter()
        .map(|seg| VMSegment {
            base: env.bytes[seg.bytes.clone()].as_ptr(),
            len: seg.bytes.len(),
        })
        .collect();
    data.vmctx.funcs = data.funcs.as_ptr();
    data.vmctx.tables = data.tables.as_ptr();
    data.vmctx.memories = data.memories.as_ptr();
    data.vmctx.memory0 = data
        .memories
        .first()
        .copied()
        .unwrap_or(std::ptr::null_mut());
    data.vmctx.globals = data.globals.as_ptr();
    data.vmctx.tags = data.tags.as_ptr();
    data.vmctx.elems = data.elems.as_mut_ptr();
    data.vmctx.data = data.data.as_mut_ptr();
    objs.push_instance(data);
    if objs.engine.config().epoch_interruption {
        let flag = &objs.instance(handle).vmctx.epoch_flag;
        objs.engine.epoch().add_instance(objs.id, flag);
    }

    // Element segments, then data segments, in order.
    for (i, seg) in inner.elems.iter().enumerate() {
        match &seg.mode {
            SegmentMode::Passive => continue,
            SegmentMode::Declared => {}
            SegmentMode::Active { index, offset } => {
                let wide = env.tables[*index as usize].table64;
                let offset = eval_offset(objs, handle, offset, wide);
                let data = objs.instance(handle);
                let (items, table) = (
                    data.elem_items[i].clone(),
                    data.table_handles[*index as usize],
                );
                let table = objs.table_mut(table);
                let offset = usize::try_from(offset).unwrap_or(usize::MAX);
                let dst = offset
                    .checked_add(items.len())
                    .and_then(|end| table.elements_mut().get_mut(offset..end))
                    .ok_or_else(|| trap(TrapCode::TableOutOfBounds))?;
                dst.copy_from_slice(&items);
            }
        }
        drop_segment(objs.instance(handle).vmctx.elems, i);
    }
    // A memory with a copy-on-write image maps it: its segments are in it.
    // Unless a segment traps: then each segment before it, and none after,
    // must have been written, which the copies do (a function of this
    // instance that an element segment put in an imported table may read
    // its memories after the failed instantiation).
    let mut imaged = vec![false; env.memories.len()];
    let images = match objs.engine.config().memory_init_cow && data_fits(objs, handle, inner) {
        true => Some(inner.memory_images()),
        false => None,
    };
    for (m, done) in imaged.iter_mut().enumerate() {
        let Some(images) = images else { break };
        let Some(image) = images.get(m) else { continue };
        let memory = objs.memory_mut(objs.instance(handle).memory_handles[m]);
        match memory.map_image(image) {
            Ok(()) => *done = true,
            Err(e) => tracing::debug!(memory = m, "cannot map the memory image ({e}): copying"),
        }
    }
    for (i, seg) in inner.data.iter().enumerate() {
        if let SegmentMode::Active { index, offset } = &seg.mode {
            if imaged[*index as usize] {
                drop_segment(objs.instance(handle).vmctx.data, i);
                continue;
            }
            let wide = env.memories[*index as usize].memory64;
            let offset = eval_offset(objs, handle, offset, wide);
            let offset = usize::try_from(offset).unwrap_or(usize::MAX);
            let memory = objs.instance(handle).memory_handles[*index as usize];
            let memory = objs.memory_mut(memory);
            let bytes = &env.bytes[seg.bytes.clone()];
            let dst = offset
                .checked_add(bytes.len())
                .and_then(|end| memory.bytes_mut().get_mut(offset..end))
                .ok_or_else(|| trap(TrapCode::MemoryOutOfBounds))?;
            dst.copy_from_slice(bytes);
            drop_segment(objs.instance(handle).vmctx.data, i);
        }
    }
    if let Some(start) = inner.start {
        let f = objs.instance(handle).func_handles[start as usize];
        crate::func::call_raw(objs, f, &mut [])?;
    }
    Ok(handle)
}

/// Drops segment `i` of `segments` (the instance's element or data
/// segments), as `elem.drop`/`data.drop` do: through the context, so that
/// once pushed, the instance is never borrowed mutably (other threads
/// write its epoch flag).
fn drop_segment(segments: *mut VMSegment, i: usize) {
    // SAFETY: `segments` points at the instance's segments, which live as
    // long as it, and `i` is one of them; running code writes them the
    // same way.
    unsafe { *segments.add(i) = VMSegment::EMPTY };
}

fn trap(code: TrapCode) -> Error {
    Error::Trap(Trap::new(code, Vec::new()))
}

/// A segment's offset: an `i32`, or an `i64` for a 64-bit memory or table
/// (whose offset expressions validate as `i64`), taken unsigned.
/// Whether every active data segment of `instance` fits its memory.
fn data_fits(objs: &StoreObjects, instance: Instance, inner: &ModuleInner) -> bool {
    inner.data.iter().all(|seg| {
        let SegmentMode::Active { index, offset } = &seg.mode else {
            return true;
        };
        let wide = inner.env.memories[*index as usize].memory64;
        let at = eval_offset(objs, instance, offset, wide);
        let memory = objs.instance(instance).memory_handles[*index as usize];
        at.checked_add(seg.bytes.len() as u64)
            .is_some_and(|end| end <= objs.memory(memory).bytes().len() as u64)
    })
}

fn eval_offset(objs: &StoreObjects, instance: Instance, expr: &ConstExpr, wide: bool) -> u64 {
    let v = eval_const(objs, objs.instance(instance), expr);
    if wide {
        v.get_i64() as u64
    } else {
        v.get_i32() as u32 as u64
    }
}

/// Evaluates a validated constant expression.
fn eval_const(objs: &StoreObjects, data: &InstanceData, expr: &ConstExpr) -> ValRaw {
    let mut stack: Vec<ValRaw> = Vec::with_capacity(2);
    for op in &expr.0 {
        let v = match *op {
            ConstOp::I32(v) => ValRaw::i32(v),
            ConstOp::I64(v) => ValRaw::i64(v),
            ConstOp::F32(v) => ValRaw::f32_bits(v),
            ConstOp::F64(v) => ValRaw::f64_bits(v),
            ConstOp::V128(v) => ValRaw::v128(v),
            ConstOp::RefNull => ValRaw::reference(0),
            ConstOp::RefFunc(f) => ValRaw::reference(objs.func_ref(data.func_handles[f as usize])),
            ConstOp::GlobalGet(g) => objs.global(data.global_handles[g as usize]).cell,
            // The low 32 bits of a 64-bit add, sub or mul are those of the
            // 32-bit operation, so one evaluation serves both widths.
            ConstOp::I32Add
            | ConstOp::I32Sub
            | ConstOp::I32Mul
            | ConstOp::I64Add
            | ConstOp::I64Sub
            | ConstOp::I64Mul => {
                let b = stack.pop().unwrap_or_default().get_i64();
                let a = stack.pop().unwrap_or_default().get_i64();
                let r = match op {
                    ConstOp::I32Add | ConstOp::I64Add => a.wrapping_add(b),
                    ConstOp::I32Sub | ConstOp::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                };
                match op {
                    ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => ValRaw::i32(r as i32),
                    _ => ValRaw::i64(r),
                }
            }
        };
        stack.push(v);
    }
    stack.pop().unwrap_or_default()
}

/// Something an instance imports or exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extern {
    Func(Func),
    Table(Table),
    Memory(Memory),
    Global(Global),
    Tag(Tag),
}

impl Extern {
    pub fn into_func(self) -> Option<Func> {
        match self {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }
    pub fn into_table(self) -> Option<Table> {
        match self {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }
    pub fn into_memory(self) -> Option<Memory> {
        match self {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }
    pub fn into_global(self) -> Option<Global> {
        match self {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }
    pub fn into_tag(self) -> Option<Tag> {
        match self {
            Extern::Tag(t) => Some(t),
            _ => None,
        }
    }
    /// The item's current type (tables and memories report their current size as minimum).
    pub fn ty(&self, store: impl AsContext) -> ExternType {
        let objs = store.objects();
        match *self {
            Extern::Func(f) => ExternType::Func(objs.func(f).ty.clone()),
            Extern::Table(t) => ExternType::Table(objs.table(t).ty),
            Extern::Memory(m) => ExternType::Memory(objs.memory(m).ty),
            Extern::Global(g) => ExternType::Global(objs.global(g).ty),
            Extern::Tag(t) => ExternType::Tag(objs.tag(t).ty.clone()),
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}
impl From<Tag> for Extern {
    fn from(t: Tag) -> Extern {
        Extern::Tag(t)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}
