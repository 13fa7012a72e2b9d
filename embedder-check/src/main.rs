//! Runs what an embedder first tries, in an unoptimised build of tandem: the
//! README's example, a long loop, and an unbounded recursion, which must come
//! back as a `StackOverflow` trap rather than abort the process. Exits
//! non-zero (by a failed assertion) if anything differs.

use std::time::Instant;
use tandem::{Config, Engine, Linker, Module, Store, Tier, TrapCode};

/// Iterations of the loop: each executed instruction kept a native frame in
/// a build that did not turn the interpreter's tail calls into jumps.
const ITERATIONS: i32 = 10_000_000;

fn main() -> tandem::Result<()> {
    readme_example()?;
    long_loop()?;
    let tiers = [Tier::Interp, Tier::Jit, Tier::Tiered];
    for tier in tiers {
        deep_recursion(tier)?;
    }
    // Any failure returned early, with its error.
    println!("embedder-check: {} passed, 0 failed", 2 + tiers.len());
    Ok(())
}

/// The README's embedding example, verbatim.
fn readme_example() -> tandem::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
        (import "host" "double" (func $double (param i32) (result i32)))
        (func (export "run") (param i32) (result i32)
            (call $double (i32.add (local.get 0) (i32.const 1)))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.func_wrap("host", "double", |x: i32| x * 2)?;
    let instance = linker.instantiate(&mut store, &module)?;
    let run = instance.get_typed_func::<i32, i32>(&store, "run")?;
    assert_eq!(run.call(&mut store, 20)?, 42);
    println!("readme example: ok");
    Ok(())
}

/// A loop of `ITERATIONS` through one `TypedFunc::call`, with a host call,
/// memory, a float and a SIMD instruction in it.
fn long_loop() -> tandem::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
        (import "host" "tick" (func $tick (param i32) (result i32)))
        (memory 1)
        (func (export "spin") (param $n i32) (result i32) (local $acc i32) (local $v v128) (local $f f64)
          (loop $l
            (local.set $acc (i32.add (local.get $acc) (i32.load (i32.const 8))))
            (i32.store (i32.const 8) (i32.and (local.get $n) (i32.const 1)))
            (local.set $f (f64.add (local.get $f) (f64.const 1)))
            (local.set $v (i32x4.add (local.get $v) (i32x4.splat (i32.const 1))))
            (if (i32.eqz (i32.and (local.get $n) (i32.const 0xfffff)))
              (then (local.set $acc (call $tick (local.get $acc)))))
            (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
          (i32.add (local.get $acc)
            (i32.sub (i32.trunc_f64_u (local.get $f)) (i32x4.extract_lane 0 (local.get $v))))))"#,
    )?;
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::new(&engine);
    linker.func_wrap(
        "host",
        "tick",
        |mut caller: tandem::Caller<'_, u32>, x: i32| {
            *caller.data_mut() += 1;
            x
        },
    )?;
    let instance = linker.instantiate(&mut store, &module)?;
    let spin = instance.get_typed_func::<i32, i32>(&store, "spin")?;
    let start = Instant::now();
    let acc = spin.call(&mut store, ITERATIONS)?;
    // Iterations with an odd `n` store 1, which the next one adds (the last
    // one, `n` = 1, has no next).
    assert_eq!(acc, ITERATIONS / 2 - 1);
    // `n` runs from ITERATIONS down to 1: the multiples of 2^20 among them.
    assert_eq!(*store.data(), ITERATIONS as u32 >> 20);
    println!(
        "loop of {ITERATIONS} iterations: ok in {:.2?}",
        start.elapsed()
    );
    Ok(())
}

/// Unbounded recursion, direct and through the host, traps with
/// `StackOverflow` in `tier`; the store stays usable after it.
fn deep_recursion(tier: Tier) -> tandem::Result<()> {
    // Tiered: the recursion tiers up while it descends, so the stack mixes
    // interpreted and compiled frames.
    let engine = Engine::new(Config::new().tier(tier).tier_up_threshold(100))?;
    let module = Module::new(
        &engine,
        r#"(module
        (import "host" "reenter" (func $reenter (param i32) (result i32)))
        (func $down (export "down") (param i32) (result i32)
          (i32.add (call $down (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
        (func (export "bounce") (param i32) (result i32)
          (call $reenter (i32.add (local.get 0) (i32.const 1)))))"#,
    )?;
    let mut store = Store::new(&engine, None::<tandem::Func>);
    let mut linker = Linker::new(&engine);
    linker.func_wrap(
        "host",
        "reenter",
        |mut caller: tandem::Caller<'_, Option<tandem::Func>>, x: i32| -> tandem::Result<i32> {
            let bounce = caller.data().expect("set before the call");
            let mut out = [tandem::Val::I32(0)];
            bounce.call(&mut caller, &[tandem::Val::I32(x)], &mut out)?;
            Ok(out[0].i32().unwrap_or(0))
        },
    )?;
    let instance = linker.instantiate(&mut store, &module)?;
    let down = instance.get_typed_func::<i32, i32>(&store, "down")?;
    let err = down
        .call(&mut store, 0)
        .expect_err("unbounded recursion must trap");
    assert_eq!(
        err.as_trap().map(tandem::Trap::code),
        Some(TrapCode::StackOverflow),
        "{err}"
    );
    println!("wasm recursion ({tier}): trapped with StackOverflow");

    let bounce = instance.get_func(&store, "bounce").expect("exported");
    *store.data_mut() = Some(bounce);
    let err = bounce
        .call(
            &mut store,
            &[tandem::Val::I32(0)],
            &mut [tandem::Val::I32(0)],
        )
        .expect_err("unbounded recursion through the host must trap");
    assert_eq!(
        err.as_trap().map(tandem::Trap::code),
        Some(TrapCode::StackOverflow),
        "{err}"
    );
    println!("host recursion ({tier}): trapped with StackOverflow");

    // The store is usable after the traps.
    let err = down
        .call(&mut store, i32::MIN)
        .expect_err("still recursing");
    assert_eq!(
        err.as_trap().map(tandem::Trap::code),
        Some(TrapCode::StackOverflow)
    );
    Ok(())
}
