//! The linker: a namespace of definitions that satisfies imports by
//! module and field name.

use crate::func::{dynamic_host_fn, HostFn, HostSignature};
use crate::{AsContext, AsContextMut, Caller, Engine, Error, Extern, FuncType, Instance};
use crate::{IntoFunc, Module, Result, Store, Val};
use std::collections::HashMap;
use std::sync::Arc;

enum Definition<T> {
    Extern(Extern),
    /// A host function not yet bound to a store: each store that
    /// instantiates through the linker gets its own [`Func`] for it, once.
    HostFunc(HostSignature, Arc<HostFn<T>>),
}

/// Resolves imports by `module::name`.
///
/// A host function defined here is bound to a store (made a [`Func`] of
/// it) the first time an instance of that store imports it; the store
/// remembers the binding, so the linker holds nothing per store.
pub struct Linker<T> {
    engine: Engine,
    /// Definitions by module name, then name: looked up by `&str`.
    defs: HashMap<String, HashMap<String, Definition<T>>>,
}

impl<T: 'static> Linker<T> {
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker {
            engine: engine.clone(),
            defs: HashMap::new(),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) -> Result<&mut Self> {
        self.defs
            .entry(module.to_string())
            .or_default()
            .insert(name.to_string(), def);
        Ok(self)
    }

    /// Defines `module::name` as an existing item (later definitions win).
    pub fn define(
        &mut self,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self> {
        self.insert(module, name, Definition::Extern(item.into()))
    }

    /// Defines a host function from a Rust closure.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self> {
        let (ty, host) = f.into_func();
        let sig = HostSignature::new(&self.engine, ty);
        self.insert(module, name, Definition::HostFunc(sig, host))
    }

    /// Defines a host function with a dynamic signature.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        let host = dynamic_host_fn(ty.clone(), f);
        let sig = HostSignature::new(&self.engine, ty);
        self.insert(module, name, Definition::HostFunc(sig, host))
    }

    /// Defines every export of `instance` under `module`.
    pub fn instance(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self> {
        for (name, item) in instance.exports(&store) {
            self.define(module, &name, item)?;
        }
        Ok(self)
    }

    /// Looks up a definition, binding a host function to `store` if needed.
    pub fn get(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        Some(match self.defs.get(module)?.get(name)? {
            Definition::Extern(e) => *e,
            Definition::HostFunc(sig, f) => {
                // The store holds the closure (`HostFuncData`), so its
                // address names it as long as the store lives.
                let key = Arc::as_ptr(f).cast::<()>() as usize;
                if let Some(&func) = store.objects().bound_host_funcs.get(&key) {
                    return Some(Extern::Func(func));
                }
                // The signature as the store's engine knows it.
                let other;
                let sig = match store.objects().engine.same(&self.engine) {
                    true => sig,
                    false => {
                        other = HostSignature::new(&store.objects().engine, sig.ty.clone());
                        &other
                    }
                };
                let func = crate::func::new_host_func(store.store_ptr(), sig, f.clone());
                store.objects_mut().bound_host_funcs.insert(key, func);
                Extern::Func(func)
            }
        })
    }

    /// Instantiates `module`, resolving its imports here, and runs its start function.
    pub fn instantiate(&self, store: &mut Store<T>, module: &Module) -> Result<Instance> {
        let imports = module
            .imports()
            .map(|(m, n, _)| {
                self.get(&mut *store, m, n).ok_or_else(|| {
                    Error::Link(format!("unknown import: `{m}::{n}` has not been defined"))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Instance::new(store, module, &imports)
    }
}
