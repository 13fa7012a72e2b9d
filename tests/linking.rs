//! The linking and instantiation rules of the shared runtime: import type
//! checks, export identity, segments and the start function.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use tandem::*;

fn setup() -> (Engine, Store<()>, Linker<()>) {
    let engine = Engine::default();
    let store = Store::new(&engine, ());
    let linker = Linker::new(&engine);
    (engine, store, linker)
}

fn instantiate(
    engine: &Engine,
    store: &mut Store<()>,
    linker: &mut Linker<()>,
    wat: &str,
) -> Result<Instance> {
    let module = Module::new(engine, wat)?;
    linker.instantiate(store, &module)
}

#[test]
fn reexported_import_keeps_identity() {
    let (engine, mut store, mut linker) = setup();
    let a = instantiate(
        &engine,
        &mut store,
        &mut linker,
        r#"(module (func (export "f") (result i32) i32.const 7))"#,
    )
    .unwrap();
    linker.instance(&store, "a", a).unwrap();
    let b = instantiate(
        &engine,
        &mut store,
        &mut linker,
        r#"(module (import "a" "f" (func $f (result i32)))
                   (export "g" (func $f))
                   (func (export "ref") (result funcref) ref.func $f))"#,
    )
    .unwrap();
    let f = a.get_func(&store, "f").unwrap();
    let g = b.get_func(&store, "g").unwrap();
    assert_eq!(f, g, "exporting an import yields the same function");
    let mut out = [Val::I32(0)];
    b.get_func(&store, "ref")
        .unwrap()
        .call(&mut store, &[], &mut out)
        .unwrap();
    assert_eq!(
        out[0],
        Val::FuncRef(Some(f)),
        "ref.func of an import is the original function"
    );
}

#[test]
fn imported_functions_sit_in_tables() {
    let (engine, mut store, mut linker) = setup();
    linker.func_wrap("host", "forty", || 40i32).unwrap();
    let a = instantiate(
        &engine,
        &mut store,
        &mut linker,
        r#"(module (func (export "two") (result i32) i32.const 2))"#,
    )
    .unwrap();
    linker.instance(&store, "a", a).unwrap();
    let b = instantiate(
        &engine,
        &mut store,
        &mut linker,
        r#"(module
             (import "host" "forty" (func $forty (result i32)))
             (import "a" "two" (func $two (result i32)))
             (table (export "t") 2 funcref)
             (elem (i32.const 0) $forty $two)
             (type $r (func (result i32)))
             (func (export "sum") (result i32)
               (i32.add (call_indirect (type $r) (i32.const 0))
                        (call_indirect (type $r) (i32.const 1)))))"#,
    )
    .unwrap();
    let sum = b.get_typed_func::<(), i32>(&store, "sum").unwrap();
    assert_eq!(sum.call(&mut store, ()).unwrap(), 42);
    let table = b.get_table(&store, "t").unwrap();
    let two = a.get_func(&store, "two").unwrap();
    assert_eq!(table.get(&store, 1), Some(Val::FuncRef(Some(two))));
}

#[test]
fn segment_offsets_from_imported_globals() {
    let (engine, mut store, mut linker) = setup();
    let base = Global::new(
        &mut store,
        GlobalType::new(ValType::I32, Mutability::Const),
        Val::I32(16),
    )
    .unwrap();
    linker.define("env", "base", base).unwrap();
    let i = instantiate(
        &engine,
        &mut store,
        &mut linker,
        r#"(module
             (import "env" "base" (global $base i32))
             (memory (export "mem") 1)
             (table (export "t") 20 funcref)
             (func $f)
             (elem (global.get $base) $f)
             (data (global.get $base) "hi"))"#,
    )
    .unwrap();
    let mem = i.get_memory(&store, "mem").unwrap();
    assert_eq!(&mem.data(&store)[16..18], b"hi");
    let t = i.get_table(&store, "t").unwrap();
    assert!(matches!(t.get(&store, 16), Some(Val::FuncRef(Some(_)))));
    assert_eq!(t.get(&store, 15), Some(Val::FuncRef(None)));
}

#[test]
fn out_of_bounds_segments_fail_but_keep_earlier_writes() {
    let (engine, mut store, mut linker) = setup();
    let mem = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let table = Table::new(
        &mut store,
        TableType::new(ValType::FUNCREF, 4, None),
        Val::FuncRef(None),
    )
    .unwrap();
    linker.define("env", "mem", mem).unwrap();
    linker.define("env", "t", table).unwrap();
    // The second data segment is out of bounds: the first one's bytes stay.
    let err = instantiate(
        &engine,
        &mut store,
        &mut linker,
        r#"(module (import "env" "mem" (memory 1))
                   (data (i32.const 0) "ok")
                   (data (i32.const 65535) "xx"))"#,
    )
    .unwrap_err();
    assert_eq!(
        err.as_trap().map(Trap::code),
        Some(TrapCode::MemoryOutOfBounds),
        "{err}"
    );
    assert_eq!(&mem.data(&store)[..2], b"ok");
    // Element segments: likewise for tables.
    let err = instantiate(
        &engine,
        &mut store,
        &mut linker,
        r#"(module (import "env" "t" (table 4 funcref))
                   (func $f)
                   (elem (i32.const 0) $f)
                   (elem (i32.const 3) $f $f))"#,
    )
    .unwrap_err();
    assert_eq!(
        err.as_trap().map(Trap::code),
        Some(TrapCode::TableOutOfBounds),
        "{err}"
    );
    assert!(matches!(table.get(&store, 0), Some(Val::FuncRef(Some(_)))));
    // Element segments apply before data segments: a failing element segment
    // leaves the memory untouched.
    let err = instantiate(
        &engine,
        &mut store,
        &mut linker,
        r#"(module (import "env" "mem" (memory 1)) (import "env" "t" (table 4 funcref))
                   (func $f)
                   (elem (i32.const 9) $f)
                   (data (i32.const 0) "no"))"#,
    )
    .unwrap_err();
    assert!(err.as_trap().is_some());
    assert_eq!(&mem.data(&store)[..2], b"ok");
}

/// A failed instantiation stops at the segment that traps: that segment
/// and those after it are not dropped, those before it are. The instance's
/// functions that an earlier segment put in an imported table see both.
#[test]
fn a_failed_instance_keeps_its_unapplied_segments() {
    let (engine, mut store, mut linker) = setup();
    let table = Table::new(
        &mut store,
        TableType::new(ValType::FUNCREF, 4, None),
        Val::FuncRef(None),
    )
    .unwrap();
    linker.define("env", "t", table).unwrap();
    let err = instantiate(
        &engine,
        &mut store,
        &mut linker,
        r#"(module (import "env" "t" (table 4 funcref))
                   (func $f)
                   (func $init_later (table.init 0 2 (i32.const 2) (i32.const 0) (i32.const 2)))
                   (func $init_applied (table.init 0 0 (i32.const 2) (i32.const 0) (i32.const 1)))
                   (elem (i32.const 0) $init_later $init_applied)
                   (elem (i32.const 3) $f $f)
                   (elem (i32.const 0) $f $init_later)
                   (elem declare func $f))"#,
    )
    .unwrap_err();
    assert_eq!(
        err.as_trap().map(Trap::code),
        Some(TrapCode::TableOutOfBounds),
        "{err}"
    );
    let get = |store: &Store<()>, i| match table.get(store, i) {
        Some(Val::FuncRef(f)) => f,
        other => panic!("{other:?}"),
    };
    let init_later = get(&store, 0).unwrap();
    let init_applied = get(&store, 1).unwrap();
    assert!(get(&store, 2).is_none());
    init_later.call(&mut store, &[], &mut []).unwrap();
    assert!(get(&store, 2).is_some() && get(&store, 3) == Some(init_later));
    let err = init_applied.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(
        err.as_trap().map(Trap::code),
        Some(TrapCode::TableOutOfBounds)
    );
}

/// A linker binds each host function to a store once, however many of
/// the store's instances import it; another store gets its own.
#[test]
fn host_functions_bind_once_per_store() {
    let engine = Engine::default();
    let mut linker = Linker::<()>::new(&engine);
    linker.func_wrap("env", "f", || 7i32).unwrap();
    let (mut a, mut b) = (Store::new(&engine, ()), Store::new(&engine, ()));
    let func = |linker: &Linker<()>, store: &mut Store<()>| {
        linker.get(store, "env", "f").unwrap().into_func().unwrap()
    };
    let fa = func(&linker, &mut a);
    assert_eq!(func(&linker, &mut a), fa);
    let fb = func(&linker, &mut b);
    assert_ne!(fa, fb);
    let mut out = [Val::I32(0)];
    fb.call(&mut b, &[], &mut out).unwrap();
    assert_eq!(out[0], Val::I32(7));
    // A new definition is a new function.
    linker.func_wrap("env", "f", || 8i32).unwrap();
    let fa2 = func(&linker, &mut a);
    assert_ne!(fa2, fa);
    fa2.call(&mut a, &[], &mut out).unwrap();
    assert_eq!(out[0], Val::I32(8));
}

#[test]
fn start_function_runs_last_and_may_be_imported() {
    let (engine, mut store, mut linker) = setup();
    // Local start: sees the data segment and the table entry.
    let i = instantiate(
        &engine,
        &mut store,
        &mut linker,
        r#"(module
             (memory 1)
             (table 1 funcref)
             (global $seen (export "seen") (mut i32) (i32.const 0))
             (type $r (func (result i32)))
             (func $five (result i32) i32.const 5)
             (elem (i32.const 0) $five)
             (data (i32.const 0) "\2a")
             (func $start
               (global.set $seen (i32.add (i32.load8_u (i32.const 0))
                                          (call_indirect (type $r) (i32.const 0)))))
             (start $start))"#,
    )
    .unwrap();
    let seen = i.get_global(&store, "seen").unwrap();
    assert_eq!(seen.get(&store), Val::I32(47));
    // Imported start.
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    linker
        .func_wrap("host", "start", move || {
            c.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    instantiate(
        &engine,
        &mut store,
        &mut linker,
        r#"(module (import "host" "start" (func $s)) (start $s))"#,
    )
    .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// Asserts that instantiating `wat` fails with a link error naming `import`.
fn assert_link_error(
    engine: &Engine,
    store: &mut Store<()>,
    linker: &mut Linker<()>,
    wat: &str,
    import: &str,
) {
    let err = instantiate(engine, store, linker, wat).unwrap_err();
    assert!(
        matches!(&err, Error::Link(m) if m.contains(import)),
        "expected a link error naming {import}, got: {err}"
    );
}

#[test]
fn import_type_mismatches_are_link_errors_naming_the_import() {
    let (engine, mut store, mut linker) = setup();
    linker.func_wrap("host", "f", |x: i32| x).unwrap();
    let g = Global::new(
        &mut store,
        GlobalType::new(ValType::I32, Mutability::Const),
        Val::I32(1),
    )
    .unwrap();
    linker.define("env", "g", g).unwrap();
    let mem = Memory::new(&mut store, MemoryType::new(1, Some(4))).unwrap();
    linker.define("env", "m", mem).unwrap();
    for (wat, import) in [
        (
            r#"(module (import "host" "f" (func (param i64))))"#,
            "host::f",
        ),
        (
            r#"(module (import "host" "missing" (func)))"#,
            "host::missing",
        ),
        (
            r#"(module (import "env" "g" (global (mut i32))))"#,
            "env::g",
        ),
        (r#"(module (import "env" "m" (memory 2)))"#, "env::m"),
        (r#"(module (import "env" "m" (memory 1 2)))"#, "env::m"),
        (r#"(module (import "env" "g" (func)))"#, "env::g"),
    ] {
        assert_link_error(&engine, &mut store, &mut linker, wat, import);
    }
}

#[test]
fn mutable_globals_import_and_export() {
    let (engine, mut store, mut linker) = setup();
    let g = Global::new(
        &mut store,
        GlobalType::new(ValType::I64, Mutability::Var),
        Val::I64(1),
    )
    .unwrap();
    linker.define("env", "g", g).unwrap();
    let i = instantiate(&engine, &mut store, &mut linker,
        r#"(module (import "env" "g" (global $g (mut i64)))
                   (export "g2" (global $g))
                   (func (export "bump") (global.set $g (i64.add (global.get $g) (i64.const 41)))))"#).unwrap();
    i.get_typed_func::<(), ()>(&store, "bump")
        .unwrap()
        .call(&mut store, ())
        .unwrap();
    assert_eq!(g.get(&store), Val::I64(42));
    assert_eq!(i.get_global(&store, "g2"), Some(g));
    g.set(&mut store, Val::I64(-1)).unwrap();
    i.get_typed_func::<(), ()>(&store, "bump")
        .unwrap()
        .call(&mut store, ())
        .unwrap();
    assert_eq!(g.get(&store), Val::I64(40));
}
