//! Instantiation — linking a module's imports and evaluating its
//! initialisers, in the order the specification gives — and instances.
//!
//! Order of evaluation (Wasm 2.0): imports are checked against their
//! declared types; globals are initialised; element segments, then data
//! segments, are applied one after another (an out-of-bounds segment traps,
//! and what earlier segments wrote stays written, visible through imported
//! tables and memories); finally the start function runs.

use crate::func::FuncRecord;
use crate::global::GlobalInstance;
use crate::memory::MemoryInstance;
use crate::memory_image::MemoryImages;
use crate::module::{ConstExpr, ConstOp, ElemItems, SegmentMode};
use crate::store::StoreObjects;
use crate::store::Stored;
use crate::table::TableInstance;
use crate::tag::{TagInstance, TagType};
use crate::{AsContext, AsContextMut, Error, ExternType, Func, Global, Memory, Module};
use crate::{Mutability, Result, Table, Tag, Trap, TypedFunc};
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};
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
    /// The module; none while the data waits in a pool (which must not
    /// keep the module, and through it the engine, alive).
    module: Option<Module>,
    handle: Instance,
    /// The records of the module's own functions, in one allocation, which
    /// `funcs` points at.
    own_funcs: Box<[VMFunc]>,
    funcs: Box<[*const VMFunc]>,
    memories: Box<[*mut VMMemory]>,
    tables: Box<[*mut VMTable]>,
    globals: Box<[*mut ValRaw]>,
    tags: Box<[*const VMTag]>,
    data: Box<[VMSegment]>,
    elems: Box<[VMSegment]>,
    /// Resolved element-segment contents that `elems` points into: those of
    /// passive segments (the others are dropped once applied).
    elem_items: Vec<Box<[RefRaw]>>,
    /// Handles of everything in the index spaces, for exports (of functions,
    /// the imported ones: `own_funcs` has the others' handles).
    imported_funcs: Box<[Func]>,
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

    /// The data of a new instance of `module`, with its functions' records
    /// (those of imported functions to be filled in).
    fn new(module: &Module) -> Box<InstanceData> {
        let inner = &module.inner;
        let mut data = Box::new(InstanceData {
            vmctx: VMContext {
                memory0: std::ptr::null_mut(),
                store: std::ptr::null_mut(),
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
                memory0_base: std::ptr::null_mut(),
            },
            module: Some(module.clone()),
            handle: Instance(Stored::NONE),
            own_funcs: Box::new([]),
            funcs: Box::new([]),
            memories: Box::new([]),
            tables: Box::new([]),
            globals: Box::new([]),
            tags: Box::new([]),
            data: Box::new([]),
            elems: Box::new([]),
            elem_items: Vec::new(),
            imported_funcs: Box::new([]),
            memory_handles: Vec::new(),
            table_handles: Vec::new(),
            global_handles: Vec::new(),
            tag_handles: Vec::new(),
        });
        let vmctx: *mut VMContext = &mut data.vmctx;
        data.vmctx.runtime = (&mut *data as *mut InstanceData).cast();
        let num_imported = inner.env.num_imported_funcs;
        // The module's own functions, with the tier's entry points.
        data.own_funcs = (inner.func_templates().iter())
            .enumerate()
            .map(|(i, t)| VMFunc {
                array_call: AtomicPtr::new(t.entry.array_call as *mut ()),
                native_call: AtomicPtr::new(t.entry.native_call.cast_mut()),
                vmctx,
                host: std::ptr::null(),
                type_id: t.type_id,
                func_index: num_imported + i as u32,
                tier_code: AtomicPtr::new(std::ptr::null_mut()),
                supertypes: t.supertypes,
            })
            .collect();
        data.funcs = (0..num_imported)
            .map(|_| std::ptr::null())
            .chain(data.own_funcs.iter().map(|vm| vm as *const VMFunc))
            .collect();
        data
    }

    pub fn module(&self) -> &Module {
        self.module
            .as_ref()
            .expect("only pooled data, never an instance's, lacks its module")
    }

    /// The data without its module, for a pool.
    pub fn into_pooled(mut self: Box<Self>) -> (Box<InstanceData>, Option<Module>) {
        let module = self.module.take();
        (self, module)
    }

    /// Pooled data, given back the module it was made for.
    pub fn from_pooled(mut self: Box<Self>, module: &Module) -> Box<InstanceData> {
        self.module = Some(module.clone());
        self
    }

    /// The function of index `index` in the module's index space.
    fn func_handle(&self, index: u32) -> Func {
        let i = index as usize;
        match i.checked_sub(self.imported_funcs.len()) {
            None => self.imported_funcs[i],
            Some(own) => Func {
                owner: self.handle.0,
                local: own as u32,
            },
        }
    }

    /// Own function `local` (of handle `Func { owner: this, local }`).
    pub(crate) fn own_func(&self, local: u32) -> FuncRecord<'_> {
        let inner = &self.module().inner;
        let func_index = self.imported_funcs.len() + local as usize;
        let ty = &inner.func_types[inner.env.funcs[func_index] as usize];
        FuncRecord::new(&self.own_funcs[local as usize], ty)
    }

    /// The handle of a Wasm function, by its record.
    ///
    /// # Safety
    /// `vm` must be the record of a function of a live instance.
    pub(crate) unsafe fn func_of(vm: *const VMFunc) -> Func {
        // SAFETY: a Wasm function's record names its live instance's
        // context, whose `runtime` is the instance (the contract).
        unsafe {
            let data = &*((*(*vm).vmctx).runtime as *const InstanceData);
            data.func_handle((*vm).func_index)
        }
    }

    fn export(&self, kind: ExternalKind, index: u32) -> Extern {
        let i = index as usize;
        match kind {
            ExternalKind::Func | ExternalKind::FuncExact => Extern::Func(self.func_handle(index)),
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
        let export = data
            .module()
            .inner
            .exports
            .iter()
            .find(|e| e.name == name)?;
        Some(data.export(export.kind, export.index))
    }

    /// Every export, in the module's order.
    pub fn exports(&self, store: impl AsContext) -> Vec<(String, Extern)> {
        let data = store.objects().instance(self);
        data.module()
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
        store.objects().instance(self).module()
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

    // Tables and memories first: their limits (and the pool's) may refuse
    // them; after them, nothing fails before the instance is pushed.
    let mut table_handles = Vec::with_capacity(env.tables.len());
    let mut memory_handles = Vec::with_capacity(env.memories.len());
    for item in imports {
        match *item {
            Extern::Table(t) => table_handles.push(t),
            Extern::Memory(m) => memory_handles.push(m),
            _ => {}
        }
    }
    let engine = objs.engine.clone();
    let pool = engine.pool();
    for ty in &env.tables[table_handles.len()..] {
        let table = TableInstance::new(inner.table_type(ty), 0, objs.hooks, pool)?;
        table_handles.push(objs.push_table(table));
    }
    let images = (engine.config().memory_init_cow).then(|| inner.memory_images());
    for (m, ty) in env.memories.iter().enumerate().skip(memory_handles.len()) {
        let image = images.and_then(|images| images.get(m));
        let memory = MemoryInstance::new(crate::module::memory_type(ty), objs.hooks, pool, image)?;
        memory_handles.push(objs.push_memory(memory));
    }
    if let Some(pool) = pool {
        pool.instance()?;
    }

    let handle = Instance(objs.stored(objs.instances.len()));
    // A pooled instance of the module has its functions' records made.
    let mut data = match pool.and_then(|pool| pool.take_instance(module)) {
        Some(data) => data,
        None => InstanceData::new(module),
    };
    data.handle = handle;
    data.vmctx.store = objs.vm_store();
    data.vmctx.epoch_flag.store(0, Ordering::Relaxed);
    data.imported_funcs = imports.iter().filter_map(|e| e.into_func()).collect();
    data.memory_handles = memory_handles;
    data.table_handles = table_handles;
    data.global_handles.clear();
    data.tag_handles.clear();
    for item in imports {
        match *item {
            Extern::Global(g) => data.global_handles.push(g),
            Extern::Tag(t) => data.tag_handles.push(t),
            _ => {}
        }
    }
    for (i, f) in data.imported_funcs.iter().enumerate() {
        data.funcs[i] = objs.func(f).vm;
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
    // Segments: passive ones resolved now; active and declared ones count
    // as dropped, being applied (or dropped) below.
    data.elems = (inner.elems.iter()).map(|_| VMSegment::EMPTY).collect();
    data.elem_items.clear();
    for (i, seg) in inner.elems.iter().enumerate() {
        if let SegmentMode::Passive = seg.mode {
            resolve_elems(objs, &mut data, i);
        }
    }
    let segments = &inner.segment_templates().data;
    if data.data.len() == segments.len() {
        data.data.copy_from_slice(segments);
    } else {
        data.data = segments.clone();
    }
    data.vmctx.funcs = data.funcs.as_ptr();
    data.vmctx.tables = data.tables.as_ptr();
    data.vmctx.memories = data.memories.as_ptr();
    data.vmctx.memory0 = data
        .memories
        .first()
        .copied()
        .unwrap_or(std::ptr::null_mut());
    data.vmctx.memory0_base = match data.vmctx.memory0.is_null() {
        true => std::ptr::null_mut(),
        // SAFETY: a non-null entry of `memories` points at a live memory
        // of the store (this instance's or an import's), which outlives
        // the instance; its base is set when it is made and never moves.
        false => unsafe { (*data.vmctx.memory0).base },
    };
    data.vmctx.globals = data.globals.as_ptr();
    data.vmctx.tags = data.tags.as_ptr();
    data.vmctx.elems = data.elems.as_mut_ptr();
    data.vmctx.data = data.data.as_mut_ptr();

    // Segments are applied before the instance is pushed (no code runs
    // meanwhile); a trap leaves it pushed all the same, as its functions
    // may be in imported tables.
    let applied = apply_elems(objs, &mut data).and_then(|()| apply_data(objs, &mut data));
    objs.push_instance(data);
    let data = objs.instance(handle);
    if objs.engine.config().epoch_interruption {
        objs.engine
            .epoch()
            .add_instance(objs.id, &data.vmctx.epoch_flag);
    }
    if let Some(guard) = inner.code.attach(&data.own_funcs) {
        objs.tier_attachments.push(guard);
    }

    applied?;
    if let Some(start) = inner.start {
        let f = objs.instance(handle).func_handle(start);
        crate::func::call_raw(objs, f, &mut [])?;
    }
    Ok(handle)
}

/// Appends the values of element segment items to `out`.
fn eval_items(objs: &StoreObjects, data: &InstanceData, items: &ElemItems, out: &mut Vec<RefRaw>) {
    match items {
        ElemItems::Funcs(funcs) => {
            out.extend(funcs.iter().map(|&f| data.funcs[f as usize] as RefRaw))
        }
        ElemItems::Exprs(exprs) => {
            out.extend(exprs.iter().map(|e| eval_const(objs, data, e).get_ref()))
        }
    }
}

/// Resolves element segment `i` of the instance, which is not yet dropped.
fn resolve_elems(objs: &StoreObjects, data: &mut InstanceData, i: usize) {
    let module = data.module().clone();
    let mut items = Vec::new();
    eval_items(objs, data, &module.inner.elems[i].items, &mut items);
    let items = items.into_boxed_slice();
    data.elems[i] = VMSegment {
        base: items.as_ptr().cast(),
        len: items.len(),
    };
    data.elem_items.push(items);
}

/// Element segments, in order: active ones written to their tables. A
/// segment that traps, and every one after it, stays undropped (resolved).
fn apply_elems(objs: &mut StoreObjects, data: &mut InstanceData) -> Result<()> {
    let module = data.module().clone();
    let (env, elems) = (&module.inner.env, &module.inner.elems);
    let mut values = Vec::new();
    for (i, seg) in elems.iter().enumerate() {
        let SegmentMode::Active { index, offset } = &seg.mode else {
            continue;
        };
        let wide = env.tables[*index as usize].table64;
        let offset = eval_offset(objs, data, offset, wide);
        let len = match &seg.items {
            ElemItems::Funcs(funcs) => funcs.len(),
            ElemItems::Exprs(_) => {
                values.clear();
                eval_items(objs, data, &seg.items, &mut values);
                values.len()
            }
        };
        let table = objs.table_mut(data.table_handles[*index as usize]);
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        let dst = offset
            .checked_add(len)
            .and_then(|end| table.elements_mut().get_mut(offset..end));
        let Some(dst) = dst else {
            for (j, seg) in elems.iter().enumerate().skip(i) {
                if !matches!(seg.mode, SegmentMode::Passive) {
                    resolve_elems(objs, data, j);
                }
            }
            return Err(trap(TrapCode::TableOutOfBounds));
        };
        match &seg.items {
            // Straight to the table: nothing to evaluate.
            ElemItems::Funcs(funcs) => {
                for (element, &f) in dst.iter_mut().zip(funcs.iter()) {
                    *element = data.funcs[f as usize] as RefRaw;
                }
            }
            ElemItems::Exprs(_) => dst.copy_from_slice(&values),
        }
    }
    Ok(())
}

/// Data segments, in order: active ones written to their memories (or
/// mapped with a memory's image) and dropped. A segment that traps, and
/// every one after it, stays undropped.
fn apply_data(objs: &mut StoreObjects, data: &mut InstanceData) -> Result<()> {
    let module = data.module().clone();
    let inner = &module.inner;
    // A memory with a copy-on-write image maps it: its segments are in it.
    // Unless a segment traps: then each segment before it, and none after,
    // must have been written, which the copies do (a function of this
    // instance that an element segment put in an imported table may read
    // its memories after the failed instantiation).
    let mut imaged = vec![false; inner.env.memories.len()];
    let images = objs
        .engine
        .config()
        .memory_init_cow
        .then(|| inner.memory_images());
    let images = images.filter(|images| data_fits(objs, data, images));
    let cannot_clear = |e| Error::Limit(format!("cannot clear a pooled memory: {e}"));
    let imported = inner.num_imported_memories();
    for (m, done) in imaged.iter_mut().enumerate().skip(imported) {
        let memory = objs.memory_mut(data.memory_handles[m]);
        let Some(image) = images.and_then(|images| images.get(m)) else {
            // A pooled memory may still show the image it had: zeros first.
            memory.clear_image().map_err(cannot_clear)?;
            continue;
        };
        match memory.map_image(image) {
            Ok(()) => *done = true,
            Err(e) => {
                tracing::debug!(memory = m, "cannot map the memory image ({e}): copying");
                memory.clear_image().map_err(cannot_clear)?;
            }
        }
    }
    let all_mapped = images.is_some_and(|images| {
        images.covers_all()
            && (imported..imaged.len()).all(|m| imaged[m] || images.get(m).is_none())
    });
    if all_mapped {
        data.data
            .copy_from_slice(&inner.segment_templates().applied);
        return Ok(());
    }
    for (i, seg) in inner.data.iter().enumerate() {
        let SegmentMode::Active { index, offset } = &seg.mode else {
            continue;
        };
        if !imaged[*index as usize] {
            let wide = inner.env.memories[*index as usize].memory64;
            let offset = eval_offset(objs, data, offset, wide);
            let offset = usize::try_from(offset).unwrap_or(usize::MAX);
            let memory = objs.memory_mut(data.memory_handles[*index as usize]);
            let bytes = &inner.env.bytes[seg.bytes.clone()];
            let dst = offset
                .checked_add(bytes.len())
                .and_then(|end| memory.bytes_mut().get_mut(offset..end))
                .ok_or_else(|| trap(TrapCode::MemoryOutOfBounds))?;
            dst.copy_from_slice(bytes);
        }
        data.data[i] = VMSegment::EMPTY;
    }
    Ok(())
}

fn trap(code: TrapCode) -> Error {
    Error::Trap(Trap::new(code, Vec::new()))
}

/// Whether every active data segment of the instance fits its memory
/// (known of those into memories with an image).
fn data_fits(objs: &StoreObjects, data: &InstanceData, images: &MemoryImages) -> bool {
    let inner = &data.module().inner;
    if images.covers_all() {
        return true;
    }
    inner.data.iter().all(|seg| {
        let SegmentMode::Active { index, offset } = &seg.mode else {
            return true;
        };
        if images.get(*index as usize).is_some() {
            return true;
        }
        let wide = inner.env.memories[*index as usize].memory64;
        let at = eval_offset(objs, data, offset, wide);
        let memory = data.memory_handles[*index as usize];
        at.checked_add(seg.bytes.len() as u64)
            .is_some_and(|end| end <= objs.memory(memory).bytes().len() as u64)
    })
}

/// A segment's offset: an `i32`, or an `i64` for a 64-bit memory or table
/// (whose offset expressions validate as `i64`), taken unsigned.
fn eval_offset(objs: &StoreObjects, data: &InstanceData, expr: &ConstExpr, wide: bool) -> u64 {
    let v = eval_const(objs, data, expr);
    if wide {
        v.get_i64() as u64
    } else {
        v.get_i32() as u32 as u64
    }
}

/// Evaluates a validated constant expression.
fn eval_const(objs: &StoreObjects, data: &InstanceData, expr: &ConstExpr) -> ValRaw {
    // Most are one operand (a segment's offset, each `ref.func` item of an
    // element segment): no stack for them.
    if let [op] = &expr.0[..] {
        return eval_op(objs, data, op, &mut Vec::new());
    }
    let mut stack: Vec<ValRaw> = Vec::with_capacity(4);
    for op in &expr.0 {
        let v = eval_op(objs, data, op, &mut stack);
        stack.push(v);
    }
    stack.pop().unwrap_or_default()
}

/// One operation of a constant expression, popping its operands.
fn eval_op(
    objs: &StoreObjects,
    data: &InstanceData,
    op: &ConstOp,
    stack: &mut Vec<ValRaw>,
) -> ValRaw {
    match *op {
        ConstOp::I32(v) => ValRaw::i32(v),
        ConstOp::I64(v) => ValRaw::i64(v),
        ConstOp::F32(v) => ValRaw::f32_bits(v),
        ConstOp::F64(v) => ValRaw::f64_bits(v),
        ConstOp::V128(v) => ValRaw::v128(v),
        ConstOp::RefNull => ValRaw::reference(0),
        ConstOp::RefFunc(f) => ValRaw::reference(data.funcs[f as usize] as RefRaw),
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
    }
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
            Extern::Func(f) => ExternType::Func(objs.func(f).ty().clone()),
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
