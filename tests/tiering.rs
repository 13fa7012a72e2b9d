//! The tiering engine under load: threads calling instances of one module
//! while tier-ups install, and compile threads that end with their engine.

use std::sync::Mutex;
use tandem::{Config, Engine, Instance, Linker, Module, Store, Tier};

/// Tests here count the process's compile threads, so they run one at a
/// time.
static SERIAL: Mutex<()> = Mutex::new(());

const WAT: &str = r#"(module
  (type $binop (func (param i64 i64) (result i64)))
  (table 3 funcref)
  (elem (i32.const 0) $add $mul $fib)
  (memory 1)
  (func $add (type $binop) (i64.add (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i64.mul (local.get 0) (local.get 1)))
  (func $fib (type $binop)
    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
      (then (local.get 0))
      (else (i64.add
        (call $fib (i64.sub (local.get 0) (i64.const 1)) (local.get 1))
        (call $fib (i64.sub (local.get 0) (i64.const 2)) (local.get 1))))))
  ;; Sums f(i, k) for i < n through the table, keeping a running total in
  ;; memory; traps (out of bounds) when k is 99.
  (func (export "mix") (param $f i32) (param $n i64) (param $k i64) (result i64)
    (local $i i64) (local $acc i64)
    (block $done
      (loop $next
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i64.add (local.get $acc)
          (call_indirect (type $binop) (local.get $i) (local.get $k) (local.get $f))))
        (i64.store (i32.const 8)
          (i64.add (i64.load (i32.const 8)) (local.get $acc)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next)))
    (if (i64.eq (local.get $k) (i64.const 99))
      (then (drop (i64.load (i32.const 70000)))))
    (i64.add (local.get $acc) (i64.load (i32.const 8)))))"#;

/// The calls each thread makes: function, count, factor.
fn calls() -> Vec<(i32, i64, i64)> {
    (0..300i64)
        .map(|i| {
            (
                (i % 3) as i32,
                i % 17,
                if i % 50 == 49 { 99 } else { i % 7 },
            )
        })
        .collect()
}

/// Runs every call on a fresh instance; each result or trap as text.
fn run(engine: &Engine, module: &Module) -> Vec<String> {
    let mut store = Store::new(engine, ());
    let instance: Instance = Linker::new(engine).instantiate(&mut store, module).unwrap();
    let mix = instance
        .get_typed_func::<(i32, i64, i64), i64>(&store, "mix")
        .unwrap();
    calls()
        .into_iter()
        .map(|args| match mix.call(&mut store, args) {
            Ok(v) => v.to_string(),
            Err(e) => format!("trap: {}", e.as_trap().expect("a trap").code()),
        })
        .collect()
}

fn compile_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter(|t| {
            let comm = t.as_ref().unwrap().path().join("comm");
            std::fs::read_to_string(comm).is_ok_and(|c| c.starts_with("tandem-compile"))
        })
        .count()
}

/// Whether the number of compile threads becomes `n` within a few seconds
/// (a new thread names itself once it runs).
fn compile_threads_become(n: usize) -> bool {
    for _ in 0..500 {
        if compile_threads() == n {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    false
}

#[test]
fn threads_agree_with_the_interpreter_while_tier_ups_install() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let interp = Engine::new(Config::new().tier(Tier::Interp)).unwrap();
    let expected = run(&interp, &Module::new(&interp, WAT).unwrap());
    assert!(expected.iter().any(|r| r.starts_with("trap")));
    for threshold in [1, 7, 100] {
        let engine = Engine::new(
            Config::new()
                .tier(Tier::Tiered)
                .tier_up_threshold(threshold)
                .compile_threads(2),
        )
        .unwrap();
        let module = Module::new(&engine, WAT).unwrap();
        std::thread::scope(|s| {
            let runs: Vec<_> = (0..4).map(|_| s.spawn(|| run(&engine, &module))).collect();
            for r in runs {
                assert_eq!(r.join().unwrap(), expected, "threshold {threshold}");
            }
        });
    }
}

#[test]
fn dropping_the_engine_stops_its_compile_threads() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let before = compile_threads();
    let engine = Engine::new(
        Config::new()
            .tier(Tier::Tiered)
            .tier_up_threshold(1)
            .compile_threads(3),
    )
    .unwrap();
    assert!(compile_threads_become(before + 3));
    let module = Module::new(&engine, WAT).unwrap();
    run(&engine, &module);
    drop(module);
    drop(engine);
    // Dropping the engine joins its threads: none is left, at once.
    assert_eq!(compile_threads(), before);
}

#[test]
fn compile_in_background_compiles_functions_never_called() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let engine = Engine::new(Config::new().tier(Tier::Tiered)).unwrap();
    let module = Module::new(&engine, WAT).unwrap();
    let funcs = 0..module.num_funcs();
    assert!(funcs.clone().all(|f| module.disassemble(f).is_none()));
    module.compile_in_background();
    let start = std::time::Instant::now();
    while !funcs.clone().all(|f| module.disassemble(f).is_some()) {
        assert!(start.elapsed().as_secs() < 10, "not all compiled");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // Instances made afterwards run the compiled code, with the same results.
    let interp = Engine::new(Config::new().tier(Tier::Interp)).unwrap();
    let expected = run(&interp, &Module::new(&interp, WAT).unwrap());
    assert_eq!(run(&engine, &module), expected);
}
