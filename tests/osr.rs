//! Loop tier-up: functions called once whose loops run long enough for the
//! compile thread to install an OSR entry while they run, in tiered mode,
//! must give exactly the interpreter's results, traps and backtraces.
//! (`cli/tests/cli.rs` checks in the trace that the entries are taken.)

use tandem::{Config, Engine, ExternRef, Func, Instance, Module, Store, Tier, Val};

const WAT: &str = r#"(module
  (type $unop (func (param i64) (result i64)))
  (table 2 funcref)
  (elem (i32.const 0) $twice $recurse)
  (memory 1)
  (global $g (mut i64) (i64.const 0))
  (func $twice (type $unop) (i64.mul (local.get 0) (i64.const 2)))

  ;; Locals of every type the JIT takes, all changing in the loop.
  (func (export "types") (param $n i32) (param $x externref)
        (result i64 f64 f32 i32 externref funcref)
    (local $i i32) (local $a i64) (local $f f64) (local $s f32)
    (local $r externref) (local $fr funcref)
    (loop $l
      (local.set $a (i64.add (local.get $a) (i64.extend_i32_u (local.get $i))))
      (local.set $f (f64.add (local.get $f) (f64.convert_i32_u (local.get $i))))
      (local.set $s (f32.mul (local.get $s) (f32.const 1.0000001)))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 1)))
        (then (local.set $r (local.get $x)) (local.set $fr (ref.func $twice)))
        (else (local.set $r (ref.null extern)) (local.set $fr (ref.null func))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $a) (local.get $f) (local.get $s) (local.get $i)
    (local.get $r) (local.get $fr))

  ;; Values on the operand stack below the loop, a loop with parameters
  ;; and results inside a block, and an outer loop around it.
  (func (export "stacked") (param $n i32) (result i64)
    (local $i i32) (local $j i32)
    i64.const 1000
    i32.const 7
    block (param i32) (result i64)
      drop
      i64.const 5
      loop $outer (param i64) (result i64)
        i32.const 0
        local.set $j
        i64.const 3
        loop $inner (param i64 i64) (result i64 i64)
          local.get $j
          i64.extend_i32_u
          i64.add
          local.get $j
          i32.const 1
          i32.add
          local.set $j
          (br_if $inner (i32.lt_u (local.get $j) (local.get $n)))
        end
        i64.add
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        (br_if $outer (i32.lt_u (local.get $i) (i32.const 3)))
      end
    end
    i64.add)

  ;; A value below an `if` that holds the loop, in an outer loop: after the
  ;; move, the outer loop's next rounds skip the `if` and use the value.
  (func (export "skipped") (param $n i32) (result i64)
    (local $k i32) (local $j i32) (local $sum i64)
    loop $outer
      local.get $k
      i64.extend_i32_u
      (if (i32.eq (local.get $k) (i32.const 1))
        (then
          (local.set $j (i32.const 0))
          (loop $inner
            (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $inner (i32.lt_u (local.get $j) (local.get $n))))))
      i64.const 1000003
      i64.mul
      local.get $sum
      i64.add
      local.set $sum
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $k) (i32.const 6)))
    end
    local.get $sum)

  ;; Calls (direct, through the table) and a global and memory in the loop;
  ;; traps out of bounds once `i` reaches `$trap_at`.
  (func (export "traps") (param $n i32) (param $trap_at i32) (result i64)
    (local $i i32) (local $acc i64)
    (loop $l
      (local.set $acc (i64.add (local.get $acc)
        (call_indirect (type $unop) (i64.extend_i32_u (local.get $i)) (i32.const 0))))
      (global.set $g (i64.add (global.get $g) (call $twice (local.get $acc))))
      (i64.store (i32.const 16) (local.get $acc))
      (if (i32.eq (local.get $i) (local.get $trap_at))
        (then (drop (i64.load (i32.const 65536)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i64.add (local.get $acc) (i64.add (global.get $g) (i64.load (i32.const 16)))))

  ;; Loops in a recursive function: each level recurses, then loops, so
  ;; the frames below, running in the interpreter, reach their loop after
  ;; the function got compiled, and move there each in turn.
  (func $recurse (type $unop)
    (local $i i64) (local $acc i64)
    (if (i64.eqz (local.get 0)) (then (return (i64.const 1))))
    (local.set $acc (call $recurse (i64.sub (local.get 0) (i64.const 1))))
    (loop $l
      (local.set $acc (i64.add (local.get $acc) (i64.mul (local.get $i) (local.get 0))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $l (i64.lt_u (local.get $i) (i64.const 300000))))
    (local.get $acc))
  (func (export "recurse") (param i64) (result i64) (call $recurse (local.get 0)))

  ;; v128s live at the loop, in a local and below it on the stack: each
  ;; two of the interpreter's slots, one value of the entry.
  (func (export "vector") (param $n i32) (result i64)
    (local $i i32) (local $v v128)
    (i64x2.extract_lane 0
      (i64x2.mul
        (v128.const i64x2 3 5)
        (loop $l (result v128)
          (local.set $v (i64x2.add (local.get $v) (i64x2.splat (i64.extend_i32_u (local.get $i)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n)))
          (local.get $v))))
    (i64x2.extract_lane 1 (local.get $v))
    (i64.add)))"#;

/// A value as text: numbers by their bits, references by what they hold.
fn show(store: &Store<()>, v: &Val) -> String {
    match v {
        Val::I32(x) => format!("i32:{x}"),
        Val::I64(x) => format!("i64:{x}"),
        Val::F32(x) => format!("f32:{x:#x}"),
        Val::F64(x) => format!("f64:{x:#x}"),
        Val::ExternRef(Some(r)) => format!("externref:{:?}", r.data(store).downcast_ref::<u32>()),
        Val::FuncRef(Some(_)) => "funcref".into(),
        other => format!("{other:?}"),
    }
}

type Args = fn(&mut Store<()>) -> Vec<Val>;

/// Calls `name` once on a fresh instance: results, or the trap and its
/// backtrace.
fn call(engine: &Engine, name: &str, args: Args, results: usize) -> String {
    let module = Module::new(engine, WAT).unwrap();
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let f: Func = instance.get_func(&store, name).unwrap();
    let args = args(&mut store);
    let mut out = vec![Val::I32(0); results];
    match f.call(&mut store, &args, &mut out) {
        Ok(()) => out
            .iter()
            .map(|v| show(&store, v))
            .collect::<Vec<_>>()
            .join(" "),
        Err(e) => {
            let trap = e.as_trap().expect("a trap");
            let frames: Vec<u32> = trap.backtrace().iter().map(|f| f.func_index).collect();
            format!("trap {} at {frames:?}", trap.code())
        }
    }
}

/// Each case in the interpreter and tiered, which must agree.
fn agree(name: &str, args: Args, results: usize) {
    let interp = Engine::new(Config::new().tier(Tier::Interp)).unwrap();
    let expected = call(&interp, name, args, results);
    for threshold in [1, 1000] {
        let engine = Engine::new(
            Config::new()
                .tier(Tier::Tiered)
                .tier_up_threshold(threshold),
        )
        .unwrap();
        assert_eq!(
            call(&engine, name, args, results),
            expected,
            "{name}, threshold {threshold}"
        );
    }
}

#[test]
fn locals_of_every_type_move_to_compiled_code() {
    agree(
        "types",
        |store| {
            let x = ExternRef::new(&mut *store, 42u32);
            vec![Val::I32(3_000_000), Val::ExternRef(Some(x))]
        },
        6,
    );
}

#[test]
fn values_below_the_loop_move_too() {
    agree("stacked", |_| vec![Val::I32(2_000_000)], 1);
}

#[test]
fn a_trap_after_the_move_is_the_interpreters() {
    agree(
        "traps",
        |_| vec![Val::I32(3_000_000), Val::I32(2_900_000)],
        1,
    );
    agree("traps", |_| vec![Val::I32(3_000_000), Val::I32(-1)], 1);
}

#[test]
fn loops_in_recursive_calls() {
    agree("recurse", |_| vec![Val::I64(8)], 1);
}

#[test]
fn v128_values_move_too() {
    agree("vector", |_| vec![Val::I32(1_000_000)], 1);
}

#[test]
fn values_below_a_skipped_if_survive_the_move() {
    agree("skipped", |_| vec![Val::I32(2_000_000)], 1);
}
