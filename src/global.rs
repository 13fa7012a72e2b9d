//! Globals.

use crate::store::Stored;
use crate::{AsContext, AsContextMut, Error, GlobalType, Mutability, Result, Val};
use tandem_vm::ValRaw;

/// The runtime's global object: its boxed cell is what instances point to.
pub(crate) struct GlobalInstance {
    pub cell: ValRaw,
    pub ty: GlobalType,
}

/// A global, by handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Global(pub(crate) Stored);

impl Global {
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, val: Val) -> Result<Global> {
        let objs = store.objects_mut();
        if !val.matches(objs, ty.content) {
            return Err(Error::Type(format!(
                "global of type {} initialised with a {}",
                ty.content,
                val.ty()
            )));
        }
        let cell = val.to_raw(objs);
        Ok(objs.push_global(Box::new(GlobalInstance { cell, ty })))
    }
    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        store.objects().global(self).ty
    }
    pub fn get(&self, store: impl AsContext) -> Val {
        let objs = store.objects();
        let g = objs.global(self);
        Val::from_raw(g.cell, g.ty.content, objs)
    }
    pub fn set(&self, mut store: impl AsContextMut, val: Val) -> Result<()> {
        let objs = store.objects_mut();
        let ty = objs.global(self).ty;
        if ty.mutability != Mutability::Var {
            return Err(Error::Type("cannot set an immutable global".into()));
        }
        if !val.matches(objs, ty.content) {
            return Err(Error::Type(format!(
                "global of type {} set to a {}",
                ty.content,
                val.ty()
            )));
        }
        let raw = val.to_raw(objs);
        objs.global_mut(self).cell = raw;
        Ok(())
    }
}
