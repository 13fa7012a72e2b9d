//! Tail calls run in constant stack in every tier and across tiers: long
//! loops of mutual tail calls (direct and through `call_indirect`), between
//! functions whose stack arguments differ, that change tier while they run.
//! A frame left behind at each turn would overflow the native stack budget
//! (1 MiB) or the interpreter's frame limit within the first ten thousand
//! turns; these make hundreds of thousands.

use tandem::{Config, Engine, Instance, Module, Store, Tier, Val};

/// `$f` takes seven parameters (three of them on the stack under the
/// native convention, with a return area) and `$g` two: each turn passes
/// more or fewer stack arguments than the frame it replaces got. `$g`
/// calls itself three times in four, so it tiers up before `$f`.
const WAT: &str = r#"(module
  (type $t (func (param i64 i64 i32 i32 i32 i32 f64) (result i64 f64)))
  (type $u (func (param i64 i64) (result i64 f64)))
  (type $s (func (param i64 i64 i32 i32 i32 i32 i32) (result i64)))
  (table funcref (elem $f $g $f1))
  (func $f (type $t)
    (if (i64.eqz (local.get 0)) (then (return (local.get 1) (local.get 6))))
    (return_call $g (i64.sub (local.get 0) (i64.const 1))
      (i64.add (local.get 1) (i64.extend_i32_u
        (i32.add (i32.add (local.get 2) (local.get 3))
                 (i32.add (local.get 4) (local.get 5)))))))
  (func $g (type $u)
    (if (i64.eqz (local.get 0)) (then (return (local.get 1) (f64.const 0.5))))
    (if (i32.wrap_i64 (i64.and (local.get 0) (i64.const 3)))
      (then (return_call $g (i64.sub (local.get 0) (i64.const 1))
                            (i64.add (local.get 1) (i64.const 1)))))
    (return_call_indirect (type $t)
      (i64.sub (local.get 0) (i64.const 1)) (local.get 1)
      (i32.wrap_i64 (local.get 0)) (i32.const 1) (i32.const 2) (i32.const 3)
      (f64.convert_i64_u (local.get 0))
      (i32.const 0)))
  (func (export "run") (param i64) (result i64 f64)
    (call $f (local.get 0) (i64.const 0)
      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (f64.const 0)))

  ;; One result, in a register: $f1 (seven parameters, two on the stack)
  ;; and $g1 (one).
  (func $f1 (type $s)
    (if (i64.eqz (local.get 0)) (then (return (local.get 1))))
    (return_call $g1 (i64.sub (local.get 0) (i64.const 1))
      (i64.add (local.get 1) (i64.extend_i32_u (i32.xor (local.get 2) (local.get 6))))))
  (func $g1 (param i64 i64) (result i64)
    (if (i64.eqz (local.get 0)) (then (return (local.get 1))))
    (if (i32.wrap_i64 (i64.and (local.get 0) (i64.const 1)))
      (then (return_call $g1 (i64.sub (local.get 0) (i64.const 1))
                             (i64.mul (local.get 1) (i64.const 3)))))
    (return_call_indirect (type $s)
      (i64.sub (local.get 0) (i64.const 1)) (local.get 1)
      (i32.wrap_i64 (local.get 0)) (i32.const 0) (i32.const 0) (i32.const 0)
      (i32.const 7)
      (i32.const 2)))
  (func (export "run1") (param i64) (result i64)
    (call $f1 (local.get 0) (i64.const 0)
      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))
)"#;

/// What `run` returns, computed here turn by turn.
fn expected(n: u64) -> (i64, f64) {
    let (mut n, mut acc, mut a, mut x) = (n, 0u64, [0u32; 4], 0f64);
    let mut in_f = true;
    loop {
        if n == 0 {
            return (acc as i64, if in_f { x } else { 0.5 });
        }
        if in_f {
            let s = a.iter().fold(0u32, |s, &v| s.wrapping_add(v));
            (n, acc, in_f) = (n - 1, acc.wrapping_add(s as u64), false);
        } else if n & 3 != 0 {
            (n, acc) = (n - 1, acc + 1);
        } else {
            (a, x, in_f) = ([n as u32, 1, 2, 3], n as f64, true);
            n -= 1;
        }
    }
}

/// What `run1` returns.
fn expected1(n: u64) -> i64 {
    let (mut n, mut acc, mut key, mut in_f) = (n, 0u64, 0u32, true);
    loop {
        if n == 0 {
            return acc as i64;
        }
        if in_f {
            (n, acc, in_f) = (n - 1, acc.wrapping_add(key as u64), false);
        } else if n & 1 != 0 {
            (n, acc) = (n - 1, acc.wrapping_mul(3));
        } else {
            (n, key, in_f) = (n - 1, n as u32 ^ 7, true);
        }
    }
}

fn configs() -> Vec<(&'static str, Config)> {
    let mut interp = Config::new();
    interp.tier(Tier::Interp);
    let mut jit = Config::new();
    jit.tier(Tier::Jit);
    // `$g` reaches the threshold first, then `$f`: the loop runs
    // interpreted, then across the tiers, then compiled.
    let mut tiered = Config::new();
    tiered
        .tier(Tier::Tiered)
        .tier_up_threshold(20_000)
        .tier_up_in_caller(true);
    // The compile thread installs code whenever it is done.
    let mut background = Config::new();
    background.tier(Tier::Tiered).tier_up_threshold(100);
    vec![
        ("interp", interp),
        ("jit", jit),
        ("tiered", tiered),
        ("tiered in the background", background),
    ]
}

#[test]
fn mutual_tail_calls_run_in_constant_stack_in_every_tier_and_across_tiers() {
    let n = 400_000u64;
    for (name, config) in configs() {
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(&engine, WAT).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let run = instance.get_func(&store, "run").unwrap();
        let mut out = [Val::I32(0), Val::I32(0)];
        run.call(&mut store, &[Val::I64(n as i64)], &mut out)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (acc, x) = expected(n);
        assert_eq!(
            (out[0], out[1]),
            (Val::I64(acc), Val::F64(x.to_bits())),
            "{name}"
        );
        let run1 = instance.get_func(&store, "run1").unwrap();
        let mut out = [Val::I32(0)];
        run1.call(&mut store, &[Val::I64(n as i64)], &mut out)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(out[0], Val::I64(expected1(n)), "{name}");
    }
}
