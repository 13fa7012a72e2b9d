//! The linker: a namespace of definitions that satisfies imports by
//! module and field name.

use crate::func::{dynamic_host_fn, HostFn};
use crate::{AsContext, AsContextMut, Caller, Engine, Error, Extern, Func, FuncType, Instance};
use crate::{IntoFunc, Module, Result, Store, Val};
use std::collections::HashMap;
use std::sync::Arc;

enum Definition<T> {
    Extern(Extern),
    /// A host function not yet bound to a store: each store that
    /// instantiates through the linker gets its own [`Func`] for it, once.
    HostFunc(FuncType, Arc<HostFn<T>>),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(*e),
            Definition::HostFunc(ty, f) => Definition::HostFunc(ty.clone(), f.clone()),
        }
    }
}

/// Resolves imports by `module::name`.
pub struct Linker<T> {
    engine: Engine,
    defs: HashMap<(String, String), Definition<T>>,
    /// Host functions already bound, per store (keyed by store id).
    bound: HashMap<(u64, String, String), Func>,
}

impl<T: 'static> Linker<T> {
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker {
            engine: engine.clone(),
            defs: HashMap::new(),
            bound: HashMap::new(),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) -> Result<&mut Self> {
        self.defs
            .insert((module.to_string(), name.to_string()), def);
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
        self.insert(module, name, Definition::HostFunc(ty, host))
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
        self.insert(module, name, Definition::HostFunc(ty, host))
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
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        let def = self
            .defs
            .get(&(module.to_string(), name.to_string()))?
            .clone();
        Some(match def {
            Definition::Extern(e) => e,
            Definition::HostFunc(ty, f) => {
                let key = (store.objects().id, module.to_string(), name.to_string());
                let func = *self
                    .bound
                    .entry(key)
                    .or_insert_with(|| crate::func::new_host_func(store.store_ptr(), ty, f));
                Extern::Func(func)
            }
        })
    }

    /// Instantiates `module`, resolving its imports here, and runs its start function.
    pub fn instantiate(&mut self, store: &mut Store<T>, module: &Module) -> Result<Instance> {
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
