//! Embedder controls in every tier: epoch interruption and fuel stop
//! guests that loop or recurse forever, fuel is charged the same in every
//! tier, and a resource limiter caps memories, tables and instantiation.
//!
//! Each test runs in the interpreter, the JIT, tiered mode, and tiered
//! mode compiling in the caller from the first call (where loops move to
//! compiled code by on-stack replacement at their second iteration).

use std::time::{Duration, Instant};
use tandem::{
    Config, Engine, Error, Instance, Linker, Module, ResourceLimiter, Store, StoreLimits,
    StoreLimitsBuilder, Tier, TrapCode, UpdateDeadline,
};

const WAT: &str = r#"(module
  (memory (export "memory") 1)
  (table $t 1 funcref)
  (func (export "spin") (loop $l (br $l)))
  (func $recurse (export "recurse") (call $recurse))
  ;; Tail calls forever, in constant stack: no loop header to check at.
  (func $tail_spin (export "tail_spin") (return_call $tail_spin))
  ;; A do-while loop of `n` iterations: its header is reached `n` times.
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  ;; Nothing to pay for.
  (func (export "free") (nop))
  ;; Three operators that cost 1 each.
  (func (export "three") (result i32) (i32.add (i32.const 1) (i32.const 2)))
  ;; Grows memory by `pages`, then goes on using the memory it has.
  (func (export "grow") (param $pages i32) (result i32) (local $r i32)
    (local.set $r (memory.grow (local.get $pages)))
    (i32.store (i32.const 0) (i32.const 42))
    (i32.add (local.get $r) (i32.load (i32.const 0))))
  (func (export "grow_table") (param $n i32) (result i32)
    (table.grow $t (ref.null func) (local.get $n)))
)"#;

/// The modes every test runs in, with a name for messages.
fn modes() -> Vec<(&'static str, Config)> {
    let mut out = Vec::new();
    for (name, tier, in_caller) in [
        ("interp", Tier::Interp, false),
        ("jit", Tier::Jit, false),
        ("tiered", Tier::Tiered, false),
        ("osr", Tier::Tiered, true),
    ] {
        let mut config = Config::new();
        config.tier(tier);
        if in_caller {
            config.tier_up_threshold(1).tier_up_in_caller(true);
        }
        out.push((name, config));
    }
    out
}

fn instance<T: 'static>(engine: &Engine, store: &mut Store<T>) -> Instance {
    let module = Module::new(engine, WAT).unwrap();
    Linker::new(engine).instantiate(store, &module).unwrap()
}

fn expect_trap(result: tandem::Result<impl std::fmt::Debug>, code: TrapCode, mode: &str) {
    match result {
        Err(e) => assert!(e.is_trap(code), "{mode}: expected {code}, got {e}"),
        Ok(v) => panic!("{mode}: expected {code}, got {v:?}"),
    }
}

#[test]
fn an_epoch_from_another_thread_stops_an_endless_loop() {
    for (mode, mut config) in modes() {
        let engine = Engine::new(config.epoch_interruption(true)).unwrap();
        let mut store = Store::new(&engine, ());
        let i = instance(&engine, &mut store);
        let spin = i.get_typed_func::<(), ()>(&store, "spin").unwrap();
        store.set_epoch_deadline(1);
        let timer = engine.clone();
        let started = Instant::now();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            timer.increment_epoch();
        });
        expect_trap(spin.call(&mut store, ()), TrapCode::Interrupt, mode);
        t.join().unwrap();
        assert!(started.elapsed() < Duration::from_secs(5), "{mode}");
        let tail_spin = i.get_typed_func::<(), ()>(&store, "tail_spin").unwrap();
        store.set_epoch_deadline(1);
        let timer = engine.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            timer.increment_epoch();
        });
        expect_trap(tail_spin.call(&mut store, ()), TrapCode::Interrupt, mode);
        t.join().unwrap();
        // With a new deadline ahead, the store runs code again.
        store.set_epoch_deadline(1);
        let count = i.get_typed_func::<i32, i32>(&store, "count").unwrap();
        assert_eq!(count.call(&mut store, 10).unwrap(), 10, "{mode}");
    }
}

#[test]
fn a_reached_deadline_stops_endless_recursion_before_the_stack_runs_out() {
    for (mode, mut config) in modes() {
        let engine = Engine::new(config.epoch_interruption(true)).unwrap();
        // The callback lets 100 function entries pass, then stops.
        let mut store = Store::new(&engine, 0u32);
        store.epoch_deadline_callback(|calls| {
            *calls += 1;
            Ok(if *calls < 100 {
                UpdateDeadline::Continue(0)
            } else {
                UpdateDeadline::Interrupt
            })
        });
        let i = instance(&engine, &mut store);
        let recurse = i.get_typed_func::<(), ()>(&store, "recurse").unwrap();
        match recurse.call(&mut store, ()) {
            Err(Error::Trap(t)) => {
                assert_eq!(t.code(), TrapCode::Interrupt, "{mode}");
                assert_eq!(t.backtrace().len(), 100, "{mode}");
            }
            other => panic!("{mode}: {other:?}"),
        }
        assert_eq!(*store.data(), 100, "{mode}");
    }
}

#[test]
fn every_tier_checks_the_epoch_at_the_same_points() {
    for (mode, mut config) in modes() {
        let engine = Engine::new(config.epoch_interruption(true)).unwrap();
        let mut store = Store::new(&engine, 0u32);
        // A deadline always reached: every check calls back.
        store.epoch_deadline_callback(|calls| {
            *calls += 1;
            Ok(UpdateDeadline::Continue(0))
        });
        let i = instance(&engine, &mut store);
        let count = i.get_typed_func::<i32, i32>(&store, "count").unwrap();
        assert_eq!(count.call(&mut store, 5000).unwrap(), 5000, "{mode}");
        // Each iteration's header (a function that calls nothing has no
        // check at its entry).
        assert_eq!(*store.data(), 5000, "{mode}");
    }
}

#[test]
fn an_error_from_the_deadline_callback_is_what_the_call_returns() {
    for (mode, mut config) in modes() {
        let engine = Engine::new(config.epoch_interruption(true)).unwrap();
        let mut store = Store::new(&engine, ());
        store.epoch_deadline_callback(|_| Err(Error::msg("out of time")));
        let i = instance(&engine, &mut store);
        let spin = i.get_typed_func::<(), ()>(&store, "spin").unwrap();
        let e = spin.call(&mut store, ()).unwrap_err();
        assert_eq!(e.to_string(), "out of time", "{mode}");
        // Back to trapping.
        store.epoch_deadline_trap();
        expect_trap(spin.call(&mut store, ()), TrapCode::Interrupt, mode);
    }
}

#[test]
fn fuel_stops_an_endless_loop_and_endless_recursion() {
    for (mode, mut config) in modes() {
        let engine = Engine::new(config.consume_fuel(true)).unwrap();
        let mut store = Store::new(&engine, ());
        let i = instance(&engine, &mut store);
        let spin = i.get_typed_func::<(), ()>(&store, "spin").unwrap();
        store.set_fuel(100_000).unwrap();
        expect_trap(spin.call(&mut store, ()), TrapCode::OutOfFuel, mode);
        assert_eq!(store.get_fuel().unwrap(), 0, "{mode}");
        // A tail call costs 1, as a call does.
        let tail_spin = i.get_typed_func::<(), ()>(&store, "tail_spin").unwrap();
        store.set_fuel(100_000).unwrap();
        expect_trap(tail_spin.call(&mut store, ()), TrapCode::OutOfFuel, mode);
        assert_eq!(store.get_fuel().unwrap(), 0, "{mode}");
        // Without fuel, code that costs nothing still runs, in every tier.
        let free = i.get_typed_func::<(), ()>(&store, "free").unwrap();
        free.call(&mut store, ()).unwrap();
        // Each call costs 1: far fewer frames than the stack holds.
        let recurse = i.get_typed_func::<(), ()>(&store, "recurse").unwrap();
        store.set_fuel(1000).unwrap();
        match recurse.call(&mut store, ()) {
            Err(Error::Trap(t)) => {
                assert_eq!(t.code(), TrapCode::OutOfFuel, "{mode}");
                assert_eq!(t.backtrace().len(), 1001, "{mode}");
            }
            other => panic!("{mode}: {other:?}"),
        }
    }
}

#[test]
fn every_tier_charges_the_same_fuel() {
    let mut left = Vec::new();
    for (mode, mut config) in modes() {
        let engine = Engine::new(config.consume_fuel(true)).unwrap();
        let mut store = Store::new(&engine, ());
        let i = instance(&engine, &mut store);
        let three = i.get_typed_func::<(), i32>(&store, "three").unwrap();
        store.set_fuel(10).unwrap();
        assert_eq!(three.call(&mut store, ()).unwrap(), 3, "{mode}");
        assert_eq!(store.get_fuel().unwrap(), 7, "{mode}");
        // A long loop (which moves to compiled code in the osr mode), and
        // one that runs out halfway.
        let count = i.get_typed_func::<i32, i32>(&store, "count").unwrap();
        store.set_fuel(1_000_000).unwrap();
        assert_eq!(count.call(&mut store, 10_000).unwrap(), 10_000, "{mode}");
        let after_loop = store.get_fuel().unwrap();
        store.set_fuel(30_000).unwrap();
        expect_trap(count.call(&mut store, 10_000), TrapCode::OutOfFuel, mode);
        left.push((mode, after_loop));
    }
    // Per iteration, 8 operators up to and including the `br_if`; after
    // the loop, a `local.get`.
    let expected = 1_000_000 - 10_000 * 8 - 1;
    for (mode, fuel) in left {
        assert_eq!(fuel, expected, "{mode}");
    }
}

#[test]
fn fuel_is_an_error_where_the_engine_does_not_meter_it() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    assert!(matches!(store.set_fuel(1), Err(Error::Unsupported(_))));
    assert!(matches!(store.get_fuel(), Err(Error::Unsupported(_))));
}

struct Limits {
    limits: StoreLimits,
}

#[test]
fn a_refused_growth_is_minus_one_and_the_guest_goes_on() {
    for (mode, config) in modes() {
        let engine = Engine::new(&config).unwrap();
        let limits = StoreLimitsBuilder::new()
            .memory_size(3 << 16)
            .table_elements(5)
            .build();
        let mut store = Store::new(&engine, Limits { limits });
        store.limiter(|data| &mut data.limits);
        let i = instance(&engine, &mut store);
        let grow = i.get_typed_func::<i32, i32>(&store, "grow").unwrap();
        // 1 page + 2 = 3: allowed, the old size (1) plus the 42 stored.
        assert_eq!(grow.call(&mut store, 2).unwrap(), 43, "{mode}");
        // Past 3 pages: -1, and the guest goes on (-1 + 42).
        assert_eq!(grow.call(&mut store, 1).unwrap(), 41, "{mode}");
        let memory = i.get_memory(&store, "memory").unwrap();
        assert_eq!(memory.size(&store), 3, "{mode}");
        assert!(memory.grow(&mut store, 1).is_err(), "{mode}");
        let grow_table = i.get_typed_func::<i32, i32>(&store, "grow_table").unwrap();
        assert_eq!(grow_table.call(&mut store, 4).unwrap(), 1, "{mode}");
        assert_eq!(grow_table.call(&mut store, 1).unwrap(), -1, "{mode}");
    }
}

#[test]
fn a_limiter_refuses_instantiation_naming_the_limit() {
    let engine = Engine::default();
    let module = Module::new(&engine, WAT).unwrap();
    let cases: [(StoreLimits, &str); 3] = [
        (
            StoreLimitsBuilder::new().instances(1).build(),
            "1 instances",
        ),
        (StoreLimitsBuilder::new().memories(1).build(), "1 memories"),
        (StoreLimitsBuilder::new().tables(1).build(), "1 tables"),
    ];
    for (limits, what) in cases {
        let mut store = Store::new(&engine, Limits { limits });
        store.limiter(|data| &mut data.limits);
        let linker = Linker::new(&engine);
        // The first instance fits the limit, the second does not.
        let first = linker.instantiate(&mut store, &module);
        let second = match first {
            Ok(_) => linker.instantiate(&mut store, &module),
            Err(e) => Err(e),
        };
        match second {
            Err(Error::Limit(message)) => assert!(message.contains(what), "{what}: {message}"),
            other => panic!("{what}: {:?}", other.map(|_| ())),
        }
    }
    // A module whose memory starts above the limit does not instantiate.
    let big = Module::new(&engine, "(module (memory 2))").unwrap();
    let mut store = Store::new(
        &engine,
        Limits {
            limits: StoreLimitsBuilder::new().memory_size(1 << 16).build(),
        },
    );
    store.limiter(|data| &mut data.limits);
    let e = Linker::new(&engine)
        .instantiate(&mut store, &big)
        .unwrap_err();
    assert!(e.to_string().contains("limiter"), "{e}");
}

/// A limiter of the embedder's own, which panics: treated as a refusal,
/// never unwinding into Wasm frames.
struct Panicky;

impl ResourceLimiter for Panicky {
    fn memory_growing(&mut self, current: usize, _: usize, _: Option<usize>) -> bool {
        assert!(current == 0, "no growth after creation");
        true
    }
    fn table_growing(&mut self, _: usize, _: usize, _: Option<usize>) -> bool {
        true
    }
}

#[test]
fn a_panicking_limiter_refuses() {
    for (mode, config) in modes() {
        let engine = Engine::new(&config).unwrap();
        let mut store = Store::new(&engine, Panicky);
        store.limiter(|p| p);
        let i = instance(&engine, &mut store);
        let grow = i.get_typed_func::<i32, i32>(&store, "grow").unwrap();
        assert_eq!(grow.call(&mut store, 1).unwrap(), 41, "{mode}");
    }
}
