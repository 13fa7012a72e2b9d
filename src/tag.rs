//! Tags, and exceptions as the embedder sees them.
//!
//! A [`Tag`] is what a thrown exception is matched by: Wasm defines,
//! imports and exports tags like globals, and the host can make its own.
//! An exception no Wasm frame catches leaves the call as
//! [`Error::Exception`], an [`Exception`] naming its tag and holding its
//! payload; a host function that returns one throws it into the Wasm code
//! that called it. An [`ExnRef`] is Wasm's `exnref`, an exception object
//! the host holds: its store keeps it alive (see `tandem_vm::exn`).

use crate::store::{StoreObjects, Stored};
use crate::{AsContext, AsContextMut, Error, FuncType, Result, Val};
use tandem_vm::{RefRaw, VMExn, VMTag, ValRaw};

/// The runtime's tag object. `vm` comes first (`repr(C)`), so a
/// `*const VMTag` of this store is the address of its `TagInstance`.
#[repr(C)]
pub(crate) struct TagInstance {
    pub vm: VMTag,
    pub handle: Tag,
    pub ty: TagType,
}

/// A tag, by handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tag(pub(crate) Stored);

/// The type of a tag: the function type whose parameters are its
/// payload's types (it has no results).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagType {
    ty: FuncType,
}

impl TagType {
    /// A tag type carrying values of `ty`'s parameter types.
    ///
    /// # Errors
    /// If `ty` has results.
    pub fn new(ty: FuncType) -> Result<TagType> {
        if !ty.results().is_empty() {
            return Err(Error::Type("a tag's type has no results".into()));
        }
        Ok(TagType { ty })
    }

    /// The tag's function type, from the module that declares it.
    pub(crate) fn of(ty: FuncType) -> TagType {
        TagType { ty }
    }

    pub fn ty(&self) -> &FuncType {
        &self.ty
    }

    /// The payload's types.
    pub fn params(&self) -> &[crate::ValType] {
        self.ty.params()
    }
}

impl Tag {
    pub fn new(mut store: impl AsContextMut, ty: &TagType) -> Tag {
        let objs = store.objects_mut();
        let type_id = objs.engine.signature_id(ty.ty());
        objs.push_tag_with(|handle| TagInstance {
            vm: VMTag { type_id },
            handle,
            ty: ty.clone(),
        })
    }

    pub fn ty(&self, store: impl AsContext) -> TagType {
        store.objects().tag(self).ty.clone()
    }
}

/// An exception that left Wasm uncaught, or that a host function throws.
#[derive(Clone, Debug, PartialEq)]
pub struct Exception {
    tag: Tag,
    payload: Vec<Val>,
}

impl Exception {
    /// An exception of `tag` carrying `payload`, for a host function to
    /// throw (by returning it as [`Error::Exception`]).
    ///
    /// # Errors
    /// If the payload does not match the tag's type.
    pub fn new(store: impl AsContext, tag: Tag, payload: Vec<Val>) -> Result<Exception> {
        let objs = store.objects();
        crate::func::check_vals(objs, "payload value", &payload, objs.tag(tag).ty.params())?;
        Ok(Exception { tag, payload })
    }

    pub fn tag(&self) -> Tag {
        self.tag
    }

    pub fn payload(&self) -> &[Val] {
        &self.payload
    }

    /// The exception an object in flight stands for.
    pub(crate) fn from_vm(objs: &StoreObjects, exn: &tandem_vm::Exception) -> Exception {
        let tag = objs.tag_of(exn.tag());
        let ty = objs.tag(tag).ty.clone();
        let payload = (ty.params().iter().zip(exn.payload()))
            .map(|(&t, &raw)| Val::from_raw(raw, t, objs))
            .collect();
        Exception { tag, payload }
    }

    /// The object to throw into Wasm.
    pub(crate) fn to_vm(&self, objs: &StoreObjects) -> tandem_vm::Exception {
        let payload: Vec<ValRaw> = self.payload.iter().map(|v| v.to_raw(objs)).collect();
        tandem_vm::Exception::new(&objs.tag(self.tag).vm, &payload)
    }
}

impl std::fmt::Display for Exception {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "uncaught exception (payload {:?})", self.payload)
    }
}

/// An exception object Wasm code caught with a reference (`exnref`),
/// as the host holds it. It lives as long as its store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExnRef {
    store: u64,
    raw: RefRaw,
}

impl ExnRef {
    /// The exception the object holds.
    ///
    /// # Panics
    /// If the reference belongs to another store.
    pub fn exception(&self, store: impl AsContext) -> Exception {
        let objs = store.objects();
        // SAFETY: `raw` names an object the store adopted (checked to be
        // this store by `exn`), which lives as long as the store.
        // Dropping `exn` leaves it to the store, which adopted it.
        let exn = unsafe { tandem_vm::Exception::from_ref(objs.exn(*self)) };
        Exception::from_vm(objs, &exn)
    }
}

impl StoreObjects {
    pub(crate) fn push_tag_with(&mut self, make: impl FnOnce(Tag) -> TagInstance) -> Tag {
        let handle = Tag(self.stored(self.tags.len()));
        self.push_tag(Box::new(make(handle)))
    }

    /// The handle of a tag of this store, by its `VMTag`.
    pub(crate) fn tag_of(&self, vm: *const VMTag) -> Tag {
        // SAFETY: every `VMTag` Wasm code of this store can name is the
        // first field of a live, store-owned `TagInstance` (repr(C)).
        unsafe { (*(vm as *const TagInstance)).handle }
    }

    /// The raw `exnref` of a host-held reference.
    pub(crate) fn exn(&self, e: ExnRef) -> RefRaw {
        assert!(
            e.store == self.id,
            "an ExnRef was used with a store it does not belong to"
        );
        e.raw
    }

    /// The host's view of a raw, non-null `exnref` of this store.
    pub(crate) fn exn_from_ref(&self, raw: RefRaw) -> Option<ExnRef> {
        (raw != 0).then_some(ExnRef {
            store: self.id,
            raw,
        })
    }
}

// A raw `exnref` is the address of a `VMExn`.
const _: () = assert!(std::mem::size_of::<*const VMExn>() == std::mem::size_of::<RefRaw>());
