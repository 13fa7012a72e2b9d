//! Globals.

use crate::{AsContext, AsContextMut, Error, GlobalType, Mutability, Result, Val};
use tandem_vm::ValRaw;

/// The runtime's global object: its boxed cell is what instances point to.
pub(crate) struct GlobalInstance {
    pub cell: ValRaw,
    pub ty: GlobalType,
}

/// A global, by handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Global(pub(crate) u32);

impl Global {
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, val: Val) -> Result<Global> {
        if val.ty() != ty.content {
            return Err(Error::Type(format!(
                "global of type {} initialised with a {}",
                ty.content,
                val.ty()
            )));
        }
        let objs = store.objects_mut();
        let cell = val.to_raw(objs);
        objs.globals.push(Box::new(GlobalInstance { cell, ty }));
        Ok(Global(objs.globals.len() as u32 - 1))
    }
    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        store.objects().globals[self.0 as usize].ty
    }
    pub fn get(&self, store: impl AsContext) -> Val {
        let g = &store.objects().globals[self.0 as usize];
        Val::from_raw(g.cell, g.ty.content)
    }
    pub fn set(&self, mut store: impl AsContextMut, val: Val) -> Result<()> {
        let objs = store.objects_mut();
        let ty = objs.globals[self.0 as usize].ty;
        if ty.mutability != Mutability::Var {
            return Err(Error::Type("cannot set an immutable global".into()));
        }
        if val.ty() != ty.content {
            return Err(Error::Type(format!(
                "global of type {} set to a {}",
                ty.content,
                val.ty()
            )));
        }
        let raw = val.to_raw(objs);
        objs.globals[self.0 as usize].cell = raw;
        Ok(())
    }
}
