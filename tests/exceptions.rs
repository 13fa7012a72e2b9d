//! Exceptions at the embedder's boundary and across frames of both tiers:
//! one that leaves Wasm is an error naming its tag with its payload; a
//! host function throws by returning one, and Wasm catches it; an
//! exception unwinds through many frames (interpreted, compiled, mixed,
//! and through the host) to the right handler. In every tier.

use tandem::{
    Config, Engine, Error, Exception, Extern, Func, FuncType, Instance, Module, Store, Tag,
    TagType, Tier, Val, ValType,
};

fn engines() -> Vec<(&'static str, Engine)> {
    [
        ("interp", Tier::Interp, 0),
        ("jit", Tier::Jit, 0),
        ("tiered", Tier::Tiered, 3),
    ]
    .into_iter()
    .map(|(name, tier, threshold)| {
        let mut config = Config::new();
        config.tier(tier);
        if tier == Tier::Tiered {
            // Every few calls another function compiles: the stack mixes
            // both tiers, and loops move to compiled code mid-run.
            config.tier_up_threshold(threshold).tier_up_in_caller(true);
        }
        (name, Engine::new(&config).unwrap())
    })
    .collect()
}

const WAT: &str = r#"(module
  (import "host" "tag" (tag $host (param i32)))
  (import "host" "throw" (func $host_throw (param i32)))
  (tag $e (export "e") (param i32 i64))
  (tag $empty)
  ;; Recurses `depth` frames, then throws $e (payload depth, 7).
  (func $deep (param $depth i32)
    (if (i32.eqz (local.get $depth))
      (then (throw $e (i32.const 0) (i64.const 7))))
    (call $deep (i32.sub (local.get $depth) (i32.const 1))))
  (func (export "uncaught") (param i32) (call $deep (local.get 0)))
  ;; Catches $e thrown `depth` frames down; returns payload sum + depth.
  (func (export "caught") (param $depth i32) (result i64)
    (local $p1 i64)
    (block $h (result i32 i64)
      (try_table (catch $e $h) (call $deep (local.get $depth)))
      (return (i64.const -1)))
    (local.set $p1)
    (drop)
    (i64.add (local.get $p1) (i64.extend_i32_u (local.get $depth))))
  ;; Catches what the host throws; others pass through.
  (func (export "catch-host") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $host $h) (call $host_throw (local.get 0)))
      (return (i32.const -1)))
    (i32.add (i32.const 100)))
  ;; Loops `n` times, each iteration throwing through two frames and
  ;; catching with a reference it then drops.
  (func $thrower (param i32) (throw $e (local.get 0) (i64.const 1)))
  (func $middle (param i32) (call $thrower (local.get 0)))
  (func (export "loop") (param $n i32) (result i32)
    (local $sum i32)
    (loop $l
      (block $h (result i32 i64 exnref)
        (try_table (catch_ref $e $h) (call $middle (local.get $n)))
        (unreachable))
      (drop) (drop)
      (local.set $sum (i32.add (local.get $sum)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum))
  ;; Rethrows a caught exception from a catch_all_ref.
  (func (export "rethrow") (param i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (call $deep (local.get 0)))
      (return))
    (throw_ref))
  (func (export "empty") (throw $empty))
  ;; A catchless try_table inside one that catches, values under both.
  (func (export "nested") (param $x i32) (result i64)
    (local $p1 i64)
    (i64.const 100)
    (block $h (result i32 i64)
      (try_table (catch $e $h)
        (i32.const 9)
        (try_table (call $deep (local.get $x)))
        (drop))
      (return (i64.const -1)))
    (local.set $p1)
    (drop)
    (i64.add (local.get $p1)))
  ;; Keeps values across its call (in callee-saved registers, compiled),
  ;; then lets an exception through: the frames it skips must leave the
  ;; catcher's caller its registers as they were.
  (global $sink (mut i32) (i32.const 0))
  (func $clobber (param $x i32)
    (local $a i32) (local $b i32) (local $c i32)
    (local.set $a (i32.mul (local.get $x) (i32.const 11)))
    (local.set $b (i32.mul (local.get $x) (i32.const 13)))
    (local.set $c (i32.mul (local.get $x) (i32.const 17)))
    (call $thrower (i32.add (local.get $x) (i32.const 1)))
    (global.set $sink (i32.add (local.get $a) (i32.add (local.get $b) (local.get $c)))))
  (func $catcher (param $x i32) (result i32)
    (block $h (result i32 i64)
      (try_table (catch $e $h) (call $clobber (local.get $x)))
      (return (i32.const -1)))
    (drop))
  (func (export "keeps") (param $x i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $i i32) (local $sum i32)
    (loop $l
      (local.set $a (i32.mul (local.get $x) (i32.const 3)))
      (local.set $b (i32.mul (local.get $x) (i32.const 5)))
      (local.set $c (i32.mul (local.get $x) (i32.const 7)))
      (local.set $sum (i32.add (local.get $sum)
        (i32.add (call $catcher (local.get $x))
          (i32.add (local.get $a) (i32.add (local.get $b) (local.get $c))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (i32.const 10))))
    (local.get $sum))
)"#;

fn setup(engine: &Engine) -> (Store<()>, Instance, Tag) {
    let module = Module::new(engine, WAT).unwrap();
    let mut store = Store::new(engine, ());
    let ty = TagType::new(FuncType::new([ValType::I32], [])).unwrap();
    let tag = Tag::new(&mut store, &ty);
    let other = Tag::new(&mut store, &ty);
    let throw = Func::new(
        &mut store,
        FuncType::new([ValType::I32], []),
        move |caller, args, _| {
            let n = args[0].i32().unwrap();
            // Odd: a tag the module does not catch.
            let t = if n % 2 == 0 { tag } else { other };
            Err(Error::Exception(Exception::new(
                &caller,
                t,
                vec![Val::I32(n)],
            )?))
        },
    );
    let imports = [Extern::Tag(tag), Extern::Func(throw)];
    let instance = Instance::new(&mut store, &module, &imports).unwrap();
    (store, instance, other)
}

fn exception(r: tandem::Result<Vec<Val>>) -> Exception {
    match r {
        Err(Error::Exception(e)) => e,
        other => panic!("expected an exception, got {other:?}"),
    }
}

fn call(
    store: &mut Store<()>,
    instance: Instance,
    name: &str,
    args: &[Val],
) -> tandem::Result<Vec<Val>> {
    let f = instance.get_func(&*store, name).unwrap();
    let mut results = vec![Val::I32(0); f.ty(&*store).results().len()];
    f.call(&mut *store, args, &mut results)?;
    Ok(results)
}

#[test]
fn uncaught_exceptions_name_their_tag_and_payload() {
    for (name, engine) in engines() {
        let (mut store, instance, _) = setup(&engine);
        let e_tag = instance
            .get_export(&store, "e")
            .unwrap()
            .into_tag()
            .unwrap();
        for depth in [0, 1, 10, 100] {
            let e = exception(call(&mut store, instance, "uncaught", &[Val::I32(depth)]));
            assert_eq!(e.tag(), e_tag, "{name}");
            assert_eq!(e.payload(), &[Val::I32(0), Val::I64(7)], "{name}");
        }
        let e = exception(call(&mut store, instance, "empty", &[]));
        assert!(e.payload().is_empty(), "{name}");
        assert_ne!(e.tag(), e_tag, "{name}");
        assert_eq!(
            e_tag.ty(&store).params(),
            &[ValType::I32, ValType::I64],
            "{name}"
        );
    }
}

#[test]
fn exceptions_unwind_to_the_right_handler() {
    for (name, engine) in engines() {
        let (mut store, instance, _) = setup(&engine);
        for depth in [0, 1, 10, 1000] {
            let r = call(&mut store, instance, "caught", &[Val::I32(depth)]).unwrap();
            assert_eq!(r, [Val::I64(depth as i64 + 7)], "{name} depth {depth}");
        }
        let r = call(&mut store, instance, "loop", &[Val::I32(1000)]).unwrap();
        assert_eq!(r, [Val::I32(500_500)], "{name}");
        let e = exception(call(&mut store, instance, "rethrow", &[Val::I32(5)]));
        assert_eq!(e.payload(), &[Val::I32(0), Val::I64(7)], "{name}");
        let r = call(&mut store, instance, "nested", &[Val::I32(3)]).unwrap();
        assert_eq!(r, [Val::I64(107)], "{name}");
        // 10 times (x + 1) + 15 x.
        let r = call(&mut store, instance, "keeps", &[Val::I32(2)]).unwrap();
        assert_eq!(r, [Val::I32(10 * (3 + 30))], "{name}");
    }
}

#[test]
fn host_functions_throw_into_wasm() {
    for (name, engine) in engines() {
        let (mut store, instance, other) = setup(&engine);
        let r = call(&mut store, instance, "catch-host", &[Val::I32(4)]).unwrap();
        assert_eq!(r, [Val::I32(104)], "{name}");
        // A tag the module does not catch comes back out as it went in.
        let e = exception(call(&mut store, instance, "catch-host", &[Val::I32(5)]));
        assert_eq!(
            (e.tag(), e.payload()),
            (other, &[Val::I32(5)][..]),
            "{name}"
        );
    }
}

#[test]
fn a_payload_must_match_its_tag() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let ty = TagType::new(FuncType::new([ValType::I32], [])).unwrap();
    let tag = Tag::new(&mut store, &ty);
    assert!(Exception::new(&store, tag, vec![Val::I64(1)]).is_err());
    assert!(TagType::new(FuncType::new([], [ValType::I32])).is_err());
}

#[test]
fn an_exception_of_another_store_is_a_host_error() {
    let engine = Engine::default();
    let wat = r#"(module (tag $t) (func (export "throw") (throw $t)))"#;
    let module = Module::new(&engine, wat).unwrap();
    let mut a = Store::new(&engine, ());
    let instance = Instance::new(&mut a, &module, &[]).unwrap();
    let throw = instance.get_func(&a, "throw").unwrap();
    let e = match throw.call(&mut a, &[], &mut []) {
        Err(Error::Exception(e)) => e,
        other => panic!("expected an exception, got {other:?}"),
    };
    // Store `b` does not have the tag: the host function's mistake is
    // reported, and the process goes on.
    let mut b = Store::new(&engine, ());
    let host = Func::new(&mut b, FuncType::new([], []), move |_, _, _| {
        Err(Error::Exception(e.clone()))
    });
    let r = host.call(&mut b, &[], &mut []);
    assert!(matches!(r, Err(Error::Host(_))), "{r:?}");
}
