//! Typed function references at the embedder's boundary and across
//! modules: compiled code calls a `(ref $t)` without checking its type, so
//! every value the host hands in is checked against it; function subtypes
//! pass `call_indirect` and imports; recursion groups are equal by
//! structure between modules. In every tier.

use tandem::{
    Config, Engine, Error, Func, FuncType, HeapType, Instance, Module, Mutability, Store, Tier,
    TrapCode, Val, ValType,
};

fn engines() -> Vec<(&'static str, Engine)> {
    [
        ("interp", Tier::Interp),
        ("jit", Tier::Jit),
        ("tiered", Tier::Tiered),
    ]
    .into_iter()
    .map(|(name, tier)| {
        let mut config = Config::new();
        config.tier(tier);
        if tier == Tier::Tiered {
            config.tier_up_threshold(1).tier_up_in_caller(true);
        }
        (name, Engine::new(&config).unwrap())
    })
    .collect()
}

const WAT: &str = r#"(module
  (type $t (func (param i32) (result i32)))
  (type $u (func (param i32) (result i32 i32)))
  (type $a (sub (func (result i32))))
  (type $b (sub $a (func (result i32))))
  (type $c (sub $b (func (result i32))))
  (func $double (type $t) (i32.mul (local.get 0) (i32.const 2)))
  (func $pair (type $u) (local.get 0) (local.get 0))
  (func $fa (type $a) (i32.const 1))
  (func $fb (type $b) (i32.const 2))
  (func $fc (type $c) (i32.const 3))
  (elem declare func $double)
  (table $subs funcref (elem $fa $fb $fc))
  (global $g (export "g") (mut (ref null $t)) (ref.null $t))
  (table $typed (export "typed") 2 (ref null $t))
  (func (export "apply") (param $f (ref $t)) (param i32) (result i32)
    (call_ref $t (local.get 1) (local.get $f)))
  (func (export "apply-null") (param $f (ref null $t)) (result i32)
    (call_ref $t (i32.const 5) (local.get $f)))
  (func (export "non-null") (param $f (ref null $t)) (result (ref $t))
    (ref.as_non_null (local.get $f)))
  (func (export "double") (result (ref $t)) (ref.func $double))
  (func (export "apply-global") (param i32) (result i32)
    (call_ref $t (local.get 0) (global.get $g)))
  (func (export "call-as") (param $i i32) (result i32)
    (call_indirect $subs (type $a) (local.get $i)))
  (func (export "call-as-b") (param $i i32) (result i32)
    (call_indirect $subs (type $b) (local.get $i)))
  (func (export "null-or") (param $f (ref null $t)) (result i32)
    (block $null
      (return (call_ref $t (i32.const 7) (br_on_null $null (local.get $f)))))
    (i32.const -1))
)"#;

fn expect_trap(r: Result<(), Error>, code: TrapCode, what: &str) {
    match r {
        Err(Error::Trap(t)) if t.code() == code => {}
        other => panic!("{what}: expected trap {code:?}, got {other:?}"),
    }
}

fn expect_type_error(r: Result<(), Error>, what: &str) {
    assert!(matches!(r, Err(Error::Type(_))), "{what}: got {r:?}");
}

#[test]
fn typed_references_run_and_trap_in_every_tier() {
    for (name, engine) in engines() {
        let module = Module::new(&engine, WAT).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let func = |store: &Store<()>, n: &str| instance.get_func(store, n).unwrap();
        let double = func(&store, "double");
        let mut out = [Val::I32(0)];
        double.call(&mut store, &[], &mut out).unwrap();
        let Val::FuncRef(Some(f)) = out[0] else {
            panic!("{name}: double returned {:?}", out[0]);
        };
        let apply = func(&store, "apply");
        apply
            .call(&mut store, &[Val::FuncRef(Some(f)), Val::I32(21)], &mut out)
            .unwrap();
        assert_eq!(out[0], Val::I32(42), "{name}");
        let null_or = func(&store, "null-or");
        null_or
            .call(&mut store, &[Val::FuncRef(None)], &mut out)
            .unwrap();
        assert_eq!(out[0], Val::I32(-1), "{name}");
        null_or
            .call(&mut store, &[Val::FuncRef(Some(f))], &mut out)
            .unwrap();
        assert_eq!(out[0], Val::I32(14), "{name}");

        let apply_null = func(&store, "apply-null");
        let r = apply_null.call(&mut store, &[Val::FuncRef(None)], &mut out);
        expect_trap(r, TrapCode::NullFunctionReference, name);
        let non_null = func(&store, "non-null");
        let r = non_null.call(&mut store, &[Val::FuncRef(None)], &mut out);
        expect_trap(r, TrapCode::NullReference, name);
        let r = func(&store, "apply-global").call(&mut store, &[Val::I32(1)], &mut out);
        expect_trap(r, TrapCode::NullFunctionReference, name);

        // call_indirect takes a function of a declared subtype, not of a
        // supertype.
        let call_as = func(&store, "call-as");
        for i in 0..3 {
            call_as.call(&mut store, &[Val::I32(i)], &mut out).unwrap();
            assert_eq!(out[0], Val::I32(i + 1), "{name}: call_indirect $a {i}");
        }
        let call_as_b = func(&store, "call-as-b");
        let r = call_as_b.call(&mut store, &[Val::I32(0)], &mut out);
        expect_trap(r, TrapCode::BadSignature, name);
        for i in 1..3 {
            call_as_b
                .call(&mut store, &[Val::I32(i)], &mut out)
                .unwrap();
            assert_eq!(out[0], Val::I32(i + 1), "{name}: call_indirect $b {i}");
        }
    }
}

#[test]
fn the_host_cannot_hand_wasm_a_reference_of_the_wrong_type() {
    for (name, engine) in engines() {
        let module = Module::new(&engine, WAT).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let apply = instance.get_func(&store, "apply").unwrap();
        let mut out = [Val::I32(0)];
        // Null where the type has none, and functions of other types.
        let r = apply.call(&mut store, &[Val::FuncRef(None), Val::I32(1)], &mut out);
        expect_type_error(r, name);
        let pair = Func::wrap(&mut store, |x: i32| (x, x));
        let r = apply.call(
            &mut store,
            &[Val::FuncRef(Some(pair)), Val::I32(1)],
            &mut out,
        );
        expect_type_error(r, name);
        let r = apply.call(
            &mut store,
            &[Val::FuncRef(Some(apply)), Val::I32(1)],
            &mut out,
        );
        expect_type_error(r, name);
        // A host function of the right signature is of the type.
        let triple = Func::wrap(&mut store, |x: i32| x * 3);
        apply
            .call(
                &mut store,
                &[Val::FuncRef(Some(triple)), Val::I32(5)],
                &mut out,
            )
            .unwrap();
        assert_eq!(out[0], Val::I32(15), "{name}");

        // Globals and tables of a typed reference type.
        let g = instance.get_global(&store, "g").unwrap();
        let ty = g.ty(&store);
        assert_eq!(ty.mutability, Mutability::Var);
        let ValType::Ref(r) = ty.content else {
            panic!("{name}: global of type {}", ty.content);
        };
        assert!(
            r.nullable && matches!(r.heap, HeapType::Concrete(_)),
            "{name}"
        );
        expect_type_error(g.set(&mut store, Val::FuncRef(Some(pair))), name);
        g.set(&mut store, Val::FuncRef(Some(triple))).unwrap();
        let apply_global = instance.get_func(&store, "apply-global").unwrap();
        apply_global
            .call(&mut store, &[Val::I32(4)], &mut out)
            .unwrap();
        assert_eq!(out[0], Val::I32(12), "{name}");
        let table = instance.get_table(&store, "typed").unwrap();
        expect_type_error(table.set(&mut store, 0, Val::FuncRef(Some(pair))), name);
        expect_type_error(table.set(&mut store, 0, Val::ExternRef(None)), name);
        table
            .set(&mut store, 1, Val::FuncRef(Some(triple)))
            .unwrap();

        // A host function's result is checked too.
        let t = apply.ty(&store).params()[0];
        let bad = Func::new(&mut store, FuncType::new([], [t]), move |_, _, results| {
            results[0] = Val::FuncRef(Some(pair));
            Ok(())
        });
        let r = bad.call(&mut store, &[], &mut out);
        expect_type_error(r, name);
    }
}

/// Two modules that define the same recursion group share its types: a
/// function of one is accepted where the other names the type, by import
/// and by `call_indirect`; a group of another shape is not.
#[test]
fn recursion_groups_are_equal_by_structure_across_modules() {
    let exporter = r#"(module
      (rec (type $f (func (param (ref null $g)) (result i32)))
           (type $g (func (param (ref null $f)) (result i32))))
      (func (export "f") (type $f) (i32.const 11))
      (table (export "table") funcref (elem 0)))"#;
    let same = r#"(module
      (rec (type $f (func (param (ref null $g)) (result i32)))
           (type $g (func (param (ref null $f)) (result i32))))
      (import "m" "f" (func $f (type $f)))
      (import "m" "table" (table 1 funcref))
      (func (export "run") (result i32)
        (i32.add (call $f (ref.null $g))
                 (call_indirect (type $f) (ref.null $g) (i32.const 0)))))"#;
    // The same shapes, in groups of one each: other types.
    let other = r#"(module
      (type $g (func (param funcref) (result i32)))
      (type $f (func (param (ref null $g)) (result i32)))
      (import "m" "f" (func $f (type $f))))"#;
    for (name, engine) in engines() {
        let mut store = Store::new(&engine, ());
        let m = Module::new(&engine, exporter).unwrap();
        let exports = Instance::new(&mut store, &m, &[]).unwrap();
        let f = exports.get_func(&store, "f").unwrap();
        let table = exports.get_table(&store, "table").unwrap();
        let same = Module::new(&engine, same).unwrap();
        let i = Instance::new(&mut store, &same, &[f.into(), table.into()]).unwrap();
        let mut out = [Val::I32(0)];
        let run = i.get_func(&store, "run").unwrap();
        run.call(&mut store, &[], &mut out).unwrap();
        assert_eq!(out[0], Val::I32(22), "{name}");
        let other = Module::new(&engine, other).unwrap();
        let r = Instance::new(&mut store, &other, &[f.into()]);
        assert!(matches!(r, Err(Error::Link(_))), "{name}: {r:?}");
    }
}

#[test]
fn wasm_gc_is_refused_clearly() {
    let engine = Engine::default();
    for wat in [
        "(module (type (struct (field i32))))",
        "(module (global anyref (ref.null any)))",
        "(module (func (param i32) (result i31ref) (ref.i31 (local.get 0))))",
        "(module (func (local eqref)))",
        "(module (func (block (result anyref) (ref.null none)) drop))",
    ] {
        let r = Module::new(&engine, wat);
        assert!(
            matches!(r, Err(Error::Unsupported(ref m)) if m.contains("Wasm GC")),
            "{wat}: {r:?}"
        );
    }
}
