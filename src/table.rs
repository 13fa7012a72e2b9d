//! Tables of references.

use crate::pool::Pool;
use crate::store::{Hooks, Stored};
use crate::{AsContext, AsContextMut, Error, Result, StoreObjects, TableType, Val};
use tandem_vm::{RefRaw, VMTable};

/// Tables never grow past this many elements, whatever their maximum says,
/// so a runaway `table.grow` fails instead of exhausting host memory.
const MAX_ELEMENTS: u64 = 10_000_000;

/// The runtime's table object; `vm` first, as for memories.
#[repr(C)]
pub(crate) struct TableInstance {
    pub vm: VMTable,
    elems: Vec<RefRaw>,
    /// The most elements it may grow to, whatever its maximum says.
    max_elements: u64,
    pub ty: TableType,
    /// The owning store's limiter.
    hooks: Hooks,
}

impl TableInstance {
    /// A table of type `ty` whose elements are `init`, its storage from
    /// `pool` if the engine pools tables.
    pub fn new(
        ty: TableType,
        init: RefRaw,
        hooks: Hooks,
        pool: Option<&Pool>,
    ) -> Result<Box<TableInstance>> {
        let max_elements = MAX_ELEMENTS.min(pool.map_or(u64::MAX, Pool::table_elements));
        if ty.min > max_elements {
            return Err(Error::Limit(format!("table of {} elements", ty.min)));
        }
        let elements = |n: u64| n.try_into().unwrap_or(usize::MAX);
        if !hooks.table_growing(0, elements(ty.min), ty.max.map(elements)) {
            return Err(Error::Limit(format!(
                "a table of {} elements is more than the store's limiter allows",
                ty.min
            )));
        }
        let mut elems = match pool {
            Some(pool) => pool.table()?,
            None => Vec::new(),
        };
        elems.resize(ty.min as usize, init);
        Ok(Box::new(TableInstance {
            vm: VMTable {
                base: elems.as_mut_ptr(),
                len: ty.min as u32,
            },
            elems,
            max_elements,
            ty,
            hooks,
        }))
    }

    /// The table's storage, for its pool.
    pub fn into_elements(self) -> Vec<RefRaw> {
        self.elems
    }

    /// Grows by `delta` elements set to `init`; returns the old size.
    pub fn grow(&mut self, delta: u64, init: RefRaw) -> Option<u64> {
        let old = self.vm.len as u64;
        let max = self.ty.max.unwrap_or(u64::MAX).min(self.max_elements);
        let new = old.checked_add(delta).filter(|&n| n <= max)?;
        let elements = |n: u64| n.try_into().unwrap_or(usize::MAX);
        let limit = self.ty.max.map(elements);
        if delta > 0
            && !self
                .hooks
                .table_growing(elements(old), elements(new), limit)
        {
            return None;
        }
        self.elems.resize(new as usize, init);
        self.vm = VMTable {
            base: self.elems.as_mut_ptr(),
            // At most `MAX_ELEMENTS`.
            len: new as u32,
        };
        self.ty.min = new;
        Some(old)
    }

    pub fn elements(&self) -> &[RefRaw] {
        &self.elems
    }

    pub fn elements_mut(&mut self) -> &mut [RefRaw] {
        &mut self.elems
    }
}

/// `Builtins::table_grow`.
pub(crate) unsafe extern "C" fn table_grow(table: *mut VMTable, delta: u64, init: RefRaw) -> u64 {
    // SAFETY: tiers only pass the `VMTable` pointers of a live instance,
    // which are the first field of a `TableInstance`.
    let table = unsafe { &mut *(table as *mut TableInstance) };
    table.grow(delta, init).unwrap_or(u64::MAX)
}

/// A table, by handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Table(pub(crate) Stored);

impl Table {
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table> {
        let objs = store.objects_mut();
        check_elem(objs, ty, &init)?;
        let init = init.to_raw(objs).get_ref();
        objs.check_counts(0, 1, 0)?;
        let table = TableInstance::new(ty, init, objs.hooks, objs.engine.pool())?;
        Ok(objs.push_table(table))
    }
    pub fn ty(&self, store: impl AsContext) -> TableType {
        store.objects().table(self).ty
    }
    pub fn size(&self, store: impl AsContext) -> u64 {
        store.objects().table(self).vm.len.into()
    }
    pub fn get(&self, store: impl AsContext, index: u64) -> Option<Val> {
        let objs = store.objects();
        let table = objs.table(self);
        let raw = *table.elements().get(usize::try_from(index).ok()?)?;
        Some(Val::from_raw(
            tandem_vm::ValRaw::reference(raw),
            table.ty.element,
            objs,
        ))
    }
    pub fn set(&self, mut store: impl AsContextMut, index: u64, val: Val) -> Result<()> {
        let objs = store.objects_mut();
        check_elem(objs, objs.table(self).ty, &val)?;
        let raw = val.to_raw(objs).get_ref();
        let slot = objs
            .table_mut(self)
            .elements_mut()
            .get_mut(usize::try_from(index).unwrap_or(usize::MAX))
            .ok_or_else(|| Error::Limit(format!("table index {index} out of bounds")))?;
        *slot = raw;
        Ok(())
    }
    /// Grows by `delta` elements, returning the old size.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64, init: Val) -> Result<u64> {
        let objs = store.objects_mut();
        check_elem(objs, objs.table(self).ty, &init)?;
        let raw = init.to_raw(objs).get_ref();
        objs.table_mut(self)
            .grow(delta, raw)
            .ok_or_else(|| Error::Limit(format!("cannot grow table by {delta}")))
    }
}

fn check_elem(objs: &StoreObjects, ty: TableType, val: &Val) -> Result<()> {
    if !val.matches(objs, ty.element) {
        return Err(Error::Type(format!(
            "table of {} cannot hold a {}",
            ty.element,
            val.ty()
        )));
    }
    Ok(())
}
