//! Functions: the store's callee records, calls from the host, and host
//! functions callable from Wasm.
//!
//! Every call from the host enters through the callee's [`VMFunc`] code
//! pointer under the shared calling convention, whichever tier (or the host
//! itself) runs it, so a tier swap is invisible here.

use crate::store::Stored;
use crate::store::{SlotPtr, StoreInner, StoreObjects};
use crate::trap::FrameInfo;
use crate::{
    AsContext, AsContextMut, Engine, Error, Extern, FuncType, Instance, Result, Trap, Val,
};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::atomic::AtomicPtr;
use std::sync::Arc;
use tandem_vm::{trap, VMContext, VMFunc, ValRaw};

/// A function, by handle: Wasm-defined or host-defined.
///
/// A Wasm function is found through its instance (`owner`), which holds
/// the records of all its functions: instantiation makes no handle, and
/// lists nothing, per function. A host function is found in the store's
/// list of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Func {
    /// The instance, or the host function.
    pub(crate) owner: Stored,
    /// The index among the instance's own functions, or [`HOST`].
    pub(crate) local: u32,
}

/// [`Func::local`] of a host function.
pub(crate) const HOST: u32 = u32::MAX;

/// What the runtime reads of a function: its record and its signature.
pub(crate) struct FuncRecord<'a> {
    pub vm: &'a VMFunc,
    ty: &'a FuncType,
}

impl<'a> FuncRecord<'a> {
    pub fn new(vm: &'a VMFunc, ty: &'a FuncType) -> FuncRecord<'a> {
        FuncRecord { vm, ty }
    }
    pub fn ty(&self) -> &'a FuncType {
        self.ty
    }
}

/// A host function's record. `vm` comes first so the address of the
/// `VMFunc` (the raw funcref) is also the address of this record.
#[repr(C)]
pub(crate) struct FuncSlot {
    pub vm: VMFunc,
    pub handle: Func,
    /// The signature, in the host function's data beside this record.
    ty: NonNull<FuncType>,
}

impl FuncSlot {
    pub fn record(&self) -> FuncRecord<'_> {
        // SAFETY: the host function's data holds the signature as long as
        // this record (`new_host_func`).
        FuncRecord::new(&self.vm, unsafe { self.ty.as_ref() })
    }
}

/// A host function's closure over raw values: arguments in `values[..params]`,
/// results written to `values[..results]`.
pub(crate) type HostFn<T> =
    dyn Fn(Caller<'_, T>, &mut [ValRaw]) -> Result<()> + Send + Sync + 'static;

/// What a host function's `VMFunc::host` points at: its record first (so the
/// store can list it like any function's), and what the record refers to.
#[repr(C)]
struct HostFuncData<T> {
    slot: FuncSlot,
    ty: FuncType,
    store: *mut StoreInner<T>,
    func: Arc<HostFn<T>>,
}

/// The context a host function runs in: the store's data and the calling
/// instance's exports.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut StoreInner<T>,
    pub(crate) instance: Option<Instance>,
}

impl<T> Caller<'_, T> {
    pub fn data(&self) -> &T {
        &self.store.data
    }
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.store.data
    }
    /// An export of the calling instance (e.g. its `memory`).
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        self.instance?.get_export(self, name)
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn objects(&self) -> &StoreObjects {
        &self.store.objects
    }
}

impl<T> AsContextMut for Caller<'_, T> {
    fn objects_mut(&mut self) -> &mut StoreObjects {
        &mut self.store.objects
    }
    fn store_ptr(&mut self) -> *mut StoreInner<T> {
        &mut *self.store
    }
}

impl Func {
    /// Defines a host function with a dynamic signature.
    pub fn new<S: AsContextMut>(
        mut store: S,
        ty: FuncType,
        f: impl Fn(Caller<'_, S::Data>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Func
    where
        S::Data: 'static,
    {
        let host = dynamic_host_fn(ty.clone(), f);
        let sig = HostSignature::new(&store.objects().engine, ty);
        new_host_func(store.store_ptr(), &sig, host)
    }

    /// Defines a host function from a Rust closure, its signature derived
    /// from the closure's parameter and result types.
    pub fn wrap<S: AsContextMut, Params, Results>(
        mut store: S,
        f: impl crate::IntoFunc<S::Data, Params, Results>,
    ) -> Func
    where
        S::Data: 'static,
    {
        let (ty, host) = f.into_func();
        let sig = HostSignature::new(&store.objects().engine, ty);
        new_host_func(store.store_ptr(), &sig, host)
    }

    pub fn ty(&self, store: impl AsContext) -> FuncType {
        store.objects().func(self).ty().clone()
    }

    /// Calls the function with dynamically typed values.
    pub fn call(
        &self,
        mut store: impl AsContextMut,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<()> {
        let objs = store.objects_mut();
        let ty = objs.func(self).ty();
        check_vals(objs, "argument", params, ty.params())?;
        if results.len() != ty.results().len() {
            return Err(Error::Type(format!(
                "expected {} results, got room for {}",
                ty.results().len(),
                results.len()
            )));
        }
        let mut values = vec![ValRaw::default(); params.len().max(results.len())];
        for (raw, val) in values.iter_mut().zip(params) {
            *raw = val.to_raw(objs);
        }
        call_raw(objs, *self, &mut values)?;
        // The signature is borrowed again: the call needed the store mutably.
        let ty = objs.func(self).ty();
        for ((res, raw), &t) in results.iter_mut().zip(&values).zip(ty.results()) {
            *res = Val::from_raw(*raw, t, objs);
        }
        Ok(())
    }

    /// A statically typed view of this function, after checking its signature.
    pub fn typed<Params: crate::WasmParams, Results: crate::WasmResults>(
        &self,
        store: impl AsContext,
    ) -> Result<crate::TypedFunc<Params, Results>> {
        let ty = self.ty(&store);
        let expected = FuncType::new(Params::types(), Results::types());
        if ty != expected {
            return Err(Error::Type(format!(
                "function is {ty}, requested {expected}"
            )));
        }
        Ok(crate::TypedFunc::new(*self))
    }
}

/// Checks values the host hands to Wasm against their types: compiled code
/// trusts them (a typed reference is called without a check).
pub(crate) fn check_vals(
    objs: &StoreObjects,
    what: &str,
    vals: &[Val],
    types: &[crate::ValType],
) -> Result<()> {
    if vals.len() != types.len() {
        return Err(Error::Type(format!(
            "expected {} {what}s, got {}",
            types.len(),
            vals.len()
        )));
    }
    for (i, (v, &t)) in vals.iter().zip(types).enumerate() {
        if !v.matches(objs, t) {
            return Err(Error::Type(format!(
                "{what} {i} is a {}, expected {t}",
                v.ty()
            )));
        }
    }
    Ok(())
}

/// Calls `func` with `values` holding the arguments; leaves the results there.
/// `values` must have room for max(params, results) values.
pub(crate) fn call_raw(objs: &mut StoreObjects, func: Func, values: &mut [ValRaw]) -> Result<()> {
    let vm: *const VMFunc = objs.func(func).vm;
    let values = values.as_mut_ptr();
    // SAFETY: the store context lives as long as `objs`, which this thread
    // holds mutably; `vm` is a live, store-owned VMFunc, called through its
    // own array-call entry; `values` has room for the signature's arguments
    // and results (checked by the callers).
    let status = unsafe {
        tandem_vm::callconv::with_native_stack_budget(objs.vm_store(), || {
            tandem_vm::tail::call((*vm).array_call(), vm, std::ptr::null_mut(), values)
        })
    };
    if status == 0 {
        Ok(())
    } else {
        // A block that ran out of fuel left it below zero: none is left,
        // whatever the next code costs (a block that costs nothing must
        // not trap in one tier and not in the other).
        objs.vm_store.get_mut().fuel = objs.vm_store.get_mut().fuel.max(0);
        Err(trap_error(objs, status))
    }
}

/// Collects the pending trap for `status` into an [`Error`]. A host error
/// travels through Wasm frames unchanged.
pub(crate) fn trap_error(objs: &StoreObjects, status: u32) -> Error {
    let record = trap::take(status);
    if let Some(exn) = &record.exception {
        return Error::Exception(crate::Exception::from_vm(objs, exn));
    }
    if let Some(host) = record.host_error {
        return match host.downcast::<Error>() {
            Ok(err) => *err,
            Err(other) => match other.downcast::<tandem_vm::TierError>() {
                // A tier that could not translate a function it was to run.
                Ok(e) => Error::Compile(e.0),
                Err(_) => Error::Host("host function failed".into()),
            },
        };
    }
    let backtrace = record
        .backtrace
        .iter()
        .map(|frame| FrameInfo {
            func_index: frame.func_index,
            func_name: objs.func_name(frame.vmctx, frame.func_index),
        })
        .collect();
    Error::Trap(Trap::new(record.code, backtrace))
}

/// What a host function's record needs of its signature, worked out once
/// (per definition, in a linker) rather than per store.
pub(crate) struct HostSignature {
    pub ty: FuncType,
    /// The engine's id of the signature.
    type_id: u32,
    supertypes: *const u32,
    /// The tier's trampoline from compiled callers.
    native_call: *const (),
}

// SAFETY: the pointers are to the engine's type registry and code, which
// never change and live as long as the engine.
unsafe impl Send for HostSignature {}
unsafe impl Sync for HostSignature {}

impl HostSignature {
    pub fn new(engine: &Engine, ty: FuncType) -> HostSignature {
        let type_id = engine.signature_id(&ty);
        HostSignature {
            type_id,
            supertypes: engine.types().supertypes(type_id),
            native_call: engine.tier().host_native_call(&ty.to_wasm()),
            ty,
        }
    }
}

/// A host function of the store; `sig` must be of the store's engine.
pub(crate) fn new_host_func<T: 'static>(
    store: *mut StoreInner<T>,
    sig: &HostSignature,
    func: Arc<HostFn<T>>,
) -> Func {
    // SAFETY: `store` came from a live `&mut` store handle just now.
    let objs = unsafe { &mut (*store).objects };
    let handle = objs.next_host_func();
    let mut data = Box::new(HostFuncData {
        slot: FuncSlot {
            vm: VMFunc {
                array_call: AtomicPtr::new(host_trampoline::<T> as *mut ()),
                native_call: AtomicPtr::new(sig.native_call.cast_mut()),
                vmctx: std::ptr::null_mut(),
                host: std::ptr::null(),
                type_id: sig.type_id,
                func_index: 0,
                tier_code: AtomicPtr::new(std::ptr::null_mut()),
                supertypes: sig.supertypes,
            },
            handle,
            ty: NonNull::dangling(),
        },
        ty: sig.ty.clone(),
        store,
        func,
    });
    data.slot.ty = NonNull::from(&data.ty);
    let host: *const HostFuncData<T> = &*data;
    data.slot.vm.host = host.cast();
    objs.add_host_func(&data.slot);
    objs.host_data.push(data);
    handle
}

pub(crate) fn dynamic_host_fn<T: 'static>(
    ty: FuncType,
    f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
) -> Arc<HostFn<T>> {
    Arc::new(move |caller: Caller<'_, T>, values: &mut [ValRaw]| {
        let params: Vec<Val> = ty
            .params()
            .iter()
            .zip(values.iter())
            .map(|(&t, &raw)| Val::from_raw(raw, t, &caller.store.objects))
            .collect();
        let mut results: Vec<Val> = ty.results().iter().map(|&t| Val::default_for(t)).collect();
        let caller_objs: *const StoreObjects = &caller.store.objects;
        f(caller, &params, &mut results)?;
        // SAFETY: the caller's borrow of the store ended with `f`.
        let objs = unsafe { &*caller_objs };
        check_vals(objs, "result", &results, ty.results())?;
        for (raw, val) in values.iter_mut().zip(&results) {
            *raw = val.to_raw(objs);
        }
        Ok(())
    })
}

/// The calling-convention entry of every host function.
unsafe extern "C" fn host_trampoline<T: 'static>(
    callee: *const VMFunc,
    caller: *mut VMContext,
    values: *mut ValRaw,
) -> u32 {
    // SAFETY: `callee` is a host function's VMFunc, whose `host` points at
    // the `HostFuncData<T>` the store keeps alive; the store outlives every
    // call into it; `values` has room for max(params, results) values.
    let (data, values) = unsafe {
        let data = &*((*callee).host as *const HostFuncData<T>);
        let ty = &data.ty;
        let n = ty.params().len().max(ty.results().len());
        (data, std::slice::from_raw_parts_mut(values, n))
    };
    let instance = if caller.is_null() {
        None
    } else {
        // SAFETY: a non-null caller is a live instance's context, whose
        // `runtime` field the runtime set to its `InstanceData`.
        Some(unsafe { crate::instance::InstanceData::handle_of(caller) })
    };
    // SAFETY: the store outlives the call; see `call_raw`.
    let store = unsafe { &mut *data.store };
    let caller = Caller { store, instance };
    match catch_unwind(AssertUnwindSafe(|| (data.func)(caller, values))) {
        Ok(Ok(())) => 0,
        // An exception the host throws goes on as one.
        Ok(Err(Error::Exception(e))) => {
            // SAFETY: the store outlives the call, and the host function's
            // borrow of it has ended.
            let objs = unsafe { &(*data.store).objects };
            // An exception of another store (its tag or a reference in its
            // payload) is the host's mistake, reported as such.
            match catch_unwind(AssertUnwindSafe(|| e.to_vm(objs))) {
                Ok(exn) => trap::raise_exception(exn),
                Err(_) => trap::raise_host(Box::new(Error::Host(
                    "a host function threw an exception of another store".into(),
                ))),
            }
        }
        Ok(Err(e)) => trap::raise_host(Box::new(e)),
        Err(_) => trap::raise_host(Box::new(Error::Host("host function panicked".into()))),
    }
}

impl StoreObjects {
    /// The handle the next host function added will have.
    pub(crate) fn next_host_func(&self) -> Func {
        Func {
            owner: self.stored(self.host_funcs.len()),
            local: HOST,
        }
    }

    /// Lists a host function's record, which must live as long as the store
    /// (in host data, which the store owns and never moves).
    pub(crate) fn add_host_func(&mut self, slot: &FuncSlot) {
        debug_assert_eq!(slot.handle, self.next_host_func());
        self.host_funcs.push(SlotPtr(NonNull::from(slot)));
    }

    fn func_name(&self, vmctx: *const VMContext, func_index: u32) -> Option<String> {
        if vmctx.is_null() {
            return None;
        }
        // SAFETY: backtrace frames name live instances of this store.
        let instance = unsafe { &*((*vmctx).runtime as *const crate::instance::InstanceData) };
        instance
            .module()
            .inner
            .env
            .func_names
            .get(&func_index)
            .cloned()
    }
}
