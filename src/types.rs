//! The engine's type registry: one canonical id per function type, equal
//! for types that Wasm says are the same, across all the engine's modules.
//!
//! Wasm 3.0 types are *iso-recursive*: types are defined in recursion
//! groups, which may refer to each other's members, and two types are the
//! same when they sit at the same position of two structurally equal
//! groups. A group is compared by its *key*: each member's definition with
//! every reference to a type outside the group replaced by that type's
//! canonical id, and every reference inside the group by the position it
//! names. Equal keys get the same ids, so that `call_indirect`, imports
//! and a function's identity compare types by one integer, between
//! modules too. A Wasm 2.0 type is a group of one function type that
//! refers to no other type: its key is its signature.
//!
//! Declared supertypes are kept by id: a type is a subtype of another if
//! that one is on its chain of supertypes.

use std::collections::HashMap;
use tandem_vm::vmctx::NO_TYPE;
use wasmparser::{
    AbstractHeapType, CompositeInnerType, HeapType, PackedIndex, RecGroup, RefType, UnpackedIndex,
    ValType,
};

/// A reference to a type in a group's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Canon {
    /// An abstract heap type (`func`, `extern`, …).
    Abstract { shared: bool, ty: AbstractHeapType },
    /// A type outside the group, by canonical id.
    Id(u32),
    /// A member of the group, by position.
    Member(u32),
}

/// A value type in a group's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Val {
    Num(ValType),
    Ref { nullable: bool, heap: Canon },
}

/// A member of a group, as its key holds it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Member {
    is_final: bool,
    supertype: Option<Canon>,
    params: Box<[Val]>,
    results: Box<[Val]>,
}

/// A type the registry has an id for.
struct Entry {
    /// Its chain of declared supertypes, nearest first, ended by
    /// [`NO_TYPE`]: what compiled code walks (see `VMFunc::supertypes`).
    /// Boxed, so that it stays put as the registry grows.
    supertypes: Box<[u32]>,
}

/// The engine-wide registry (behind the engine's lock).
#[derive(Default)]
pub(crate) struct TypeRegistry {
    /// Each key's first id; its members have consecutive ids from there.
    groups: HashMap<Box<[Member]>, u32>,
    types: Vec<Entry>,
}

/// A group's type that the registry cannot take: not a function type
/// (Wasm GC's structs and arrays are not run yet).
#[derive(Debug)]
pub(crate) struct Unsupported;

impl TypeRegistry {
    /// The ids of the members of `group`, which starts at type index
    /// `start` of a module whose earlier types have the ids `earlier`.
    pub(crate) fn register(
        &mut self,
        group: &RecGroup,
        start: u32,
        earlier: &[u32],
    ) -> Result<Vec<u32>, Unsupported> {
        let canon = |i: PackedIndex| match i.unpack() {
            UnpackedIndex::Module(i) if i < start => Canon::Id(earlier[i as usize]),
            UnpackedIndex::Module(i) => Canon::Member(i - start),
            UnpackedIndex::RecGroup(i) => Canon::Member(i),
            UnpackedIndex::Id(_) => unreachable!("a module's types name module indices"),
        };
        let val = |t: &ValType| match *t {
            ValType::Ref(r) => ref_val(r, canon),
            num => Val::Num(num),
        };
        let mut key = Vec::new();
        for sub in group.types() {
            let CompositeInnerType::Func(f) = &sub.composite_type.inner else {
                return Err(Unsupported);
            };
            key.push(Member {
                is_final: sub.is_final,
                supertype: sub.supertype_idxs.first().map(|&i| canon(i)),
                params: f.params().iter().map(val).collect(),
                results: f.results().iter().map(val).collect(),
            });
        }
        Ok(self.intern(key.into_boxed_slice()))
    }

    /// The id of the embedder's function type `ty` (a host function's): a
    /// final group of one, whose references to types are by id.
    pub(crate) fn signature(&mut self, ty: &crate::FuncType) -> u32 {
        let val = |t: &crate::ValType| match *t {
            crate::ValType::Ref(r) => {
                let abstract_ = |ty| Canon::Abstract { shared: false, ty };
                let heap = match r.heap {
                    crate::HeapType::Func => abstract_(AbstractHeapType::Func),
                    crate::HeapType::NoFunc => abstract_(AbstractHeapType::NoFunc),
                    crate::HeapType::Extern => abstract_(AbstractHeapType::Extern),
                    crate::HeapType::NoExtern => abstract_(AbstractHeapType::NoExtern),
                    crate::HeapType::Exn => abstract_(AbstractHeapType::Exn),
                    crate::HeapType::NoExn => abstract_(AbstractHeapType::NoExn),
                    crate::HeapType::Concrete(id) => Canon::Id(id.0),
                };
                Val::Ref {
                    nullable: r.nullable,
                    heap,
                }
            }
            num => Val::Num(num.to_wasm()),
        };
        let member = Member {
            is_final: true,
            supertype: None,
            params: ty.params().iter().map(val).collect(),
            results: ty.results().iter().map(val).collect(),
        };
        self.intern(Box::new([member]))[0]
    }

    /// Whether type `a` is `b` or declares it among its supertypes.
    pub(crate) fn is_subtype(&self, a: u32, b: u32) -> bool {
        a == b || self.types[a as usize].supertypes.contains(&b)
    }

    /// The supertype chain of type `id`, for its functions' `VMFunc`s:
    /// valid as long as the registry.
    pub(crate) fn supertypes(&self, id: u32) -> *const u32 {
        self.types[id as usize].supertypes.as_ptr()
    }

    /// Whether a value of type `a` may stand where one of type `b` is
    /// expected.
    pub(crate) fn val_matches(&self, a: crate::ValType, b: crate::ValType) -> bool {
        use crate::ValType::Ref;
        match (a, b) {
            (Ref(a), Ref(b)) => (!a.nullable || b.nullable) && self.heap_matches(a.heap, b.heap),
            _ => a == b,
        }
    }

    fn heap_matches(&self, a: crate::HeapType, b: crate::HeapType) -> bool {
        use crate::HeapType::*;
        match (a, b) {
            (Concrete(x), Concrete(y)) => self.is_subtype(x.0, y.0),
            (Concrete(_) | NoFunc, Func) | (NoFunc, Concrete(_)) | (NoExtern, Extern) => true,
            (NoExn, Exn) => true,
            _ => a == b,
        }
    }

    fn intern(&mut self, key: Box<[Member]>) -> Vec<u32> {
        let n = key.len() as u32;
        let first = match self.groups.get(&key) {
            Some(&first) => first,
            None => {
                let first = self.types.len() as u32;
                for m in key.iter() {
                    let supertype = m.supertype.map(|s| match s {
                        Canon::Id(id) => id,
                        Canon::Member(i) => first + i,
                        Canon::Abstract { .. } => unreachable!("a supertype is a type index"),
                    });
                    let supertypes = match supertype {
                        // Declared supertypes come earlier (validated).
                        Some(s) => std::iter::once(s)
                            .chain(self.types[s as usize].supertypes.iter().copied())
                            .collect(),
                        None => Box::new([NO_TYPE]) as Box<[u32]>,
                    };
                    self.types.push(Entry { supertypes });
                }
                self.groups.insert(key, first);
                first
            }
        };
        (first..first + n).collect()
    }
}

fn ref_val(r: RefType, canon: impl Fn(PackedIndex) -> Canon) -> Val {
    let heap = match r.heap_type() {
        HeapType::Abstract { shared, ty } => Canon::Abstract { shared, ty },
        HeapType::Concrete(i) | HeapType::Exact(i) => {
            canon(i.pack().expect("a type index in range"))
        }
    };
    Val::Ref {
        nullable: r.is_nullable(),
        heap,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The groups of the type section of `wat`.
    fn groups(wat: &str) -> Vec<RecGroup> {
        let bytes = wat::parse_str(wat).unwrap();
        for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
            if let wasmparser::Payload::TypeSection(r) = payload.unwrap() {
                return r.into_iter().map(|g| g.unwrap()).collect();
            }
        }
        Vec::new()
    }

    /// The ids of the types of `wat`, registered in `reg`.
    fn ids(reg: &mut TypeRegistry, wat: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        for g in groups(wat) {
            let got = reg.register(&g, ids.len() as u32, &ids).unwrap();
            ids.extend(got);
        }
        ids
    }

    #[test]
    fn equal_signatures_share_an_id_across_modules_and_with_host_functions() {
        let mut reg = TypeRegistry::default();
        let a = ids(
            &mut reg,
            "(module (type (func (param i32) (result i64))) (type (func)))",
        );
        let b = ids(
            &mut reg,
            "(module (type (func)) (type (func (param i32) (result i64))))",
        );
        assert_eq!((a[0], a[1]), (b[1], b[0]));
        let host = crate::FuncType::new([crate::ValType::I32], [crate::ValType::I64]);
        assert_eq!(reg.signature(&host), a[0]);
        assert_ne!(a[0], a[1]);
    }

    #[test]
    fn references_to_types_compare_by_the_referenced_type() {
        let mut reg = TypeRegistry::default();
        let a = ids(
            &mut reg,
            "(module (type $x (func)) (type $y (func (param i32)))
               (type (func (param (ref $x)))) (type (func (param (ref null $y)))))",
        );
        let b = ids(
            &mut reg,
            "(module (type $y (func (param i32))) (type $x (func))
               (type (func (param (ref null $y)))) (type (func (param (ref $x)))))",
        );
        assert_eq!((a[2], a[3]), (b[3], b[2]));
        assert_ne!(a[2], a[3]);
        // Nullability counts.
        let c = ids(
            &mut reg,
            "(module (type $x (func)) (type (func (param (ref null $x)))))",
        );
        assert_ne!(c[1], a[2]);
        // A concrete reference is not the abstract `funcref`.
        let d = ids(&mut reg, "(module (type (func (param funcref))))");
        assert_ne!(d[0], c[1]);
    }

    #[test]
    fn recursion_groups_are_canonical_by_structure_and_position() {
        let mut reg = TypeRegistry::default();
        let rec =
            "(module (rec (type $a (func (param (ref $b)))) (type $b (func (param (ref $a))))))";
        let a = ids(&mut reg, rec);
        let b = ids(&mut reg, rec);
        assert_eq!(a, b);
        // The two members differ by position, though alike in shape.
        assert_ne!(a[0], a[1]);
        // A group of one is not the same as a member of a bigger group.
        let single = ids(&mut reg, "(module (type $a (func)))");
        let grouped = ids(&mut reg, "(module (rec (type $a (func)) (type $b (func))))");
        assert!(!grouped.contains(&single[0]));
        assert_ne!(grouped[0], grouped[1]);
        // A group that refers to itself differs from one referring out.
        let out = ids(
            &mut reg,
            "(module (rec (type $a (func (param (ref $b)))) (type $b (func (param (ref $a)))))
               (rec (type $c (func (param (ref 0)))) (type $d (func (param (ref 1))))))",
        );
        assert_eq!(&out[..2], &a[..]);
        assert!(!out[2..].contains(&a[0]) && !out[2..].contains(&a[1]));
    }

    #[test]
    fn subtypes_follow_the_declared_chain() {
        let mut reg = TypeRegistry::default();
        let t = ids(
            &mut reg,
            "(module (type $a (sub (func))) (type $b (sub $a (func)))
               (type $c (sub final $b (func))) (type $d (sub (func (param i32)))))",
        );
        assert!(reg.is_subtype(t[2], t[0]) && reg.is_subtype(t[1], t[0]));
        assert!(reg.is_subtype(t[2], t[2]));
        assert!(!reg.is_subtype(t[0], t[1]) && !reg.is_subtype(t[2], t[3]));
        // Equal shapes and supertypes: the same type, from any module.
        let again = ids(
            &mut reg,
            "(module (type $d (sub (func))) (type (sub $d (func))))",
        );
        assert_eq!(again, t[..2]);
        // The same shape with another supertype: another type.
        let other = ids(
            &mut reg,
            "(module (type $e (sub (func (param i32)))) (type (sub $e (func))))",
        );
        assert_ne!(other[1], t[1]);
    }
}
