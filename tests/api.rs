//! The embedder API: calls in both directions, host state, memory access,
//! traps with backtraces, and errors instead of panics on bad input.

use tandem::*;

#[test]
fn typed_and_dynamic_calls() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
        (func (export "add") (param i32 i64) (result i64)
          (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1)))
        (func (export "swap") (param f32 f64) (result f64 f32) local.get 1 local.get 0))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let add = instance
        .get_typed_func::<(i32, i64), i64>(&store, "add")
        .unwrap();
    assert_eq!(add.call(&mut store, (-2, 10)).unwrap(), 8);
    let swap = instance.get_func(&store, "swap").unwrap();
    let mut out = [Val::I32(0), Val::I32(0)];
    swap.call(
        &mut store,
        &[Val::from(1.5f32), Val::from(-2.25f64)],
        &mut out,
    )
    .unwrap();
    assert_eq!(out, [Val::from(-2.25f64), Val::from(1.5f32)]);
    // Wrong types are errors, not panics.
    assert!(matches!(
        instance.get_typed_func::<i32, i32>(&store, "add"),
        Err(Error::Type(_))
    ));
    assert!(matches!(
        swap.call(&mut store, &[Val::I32(1)], &mut out),
        Err(Error::Type(_))
    ));
}

#[test]
fn host_functions_see_store_data_and_caller_memory() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
        (import "host" "record" (func $record (param i32 i32)))
        (memory (export "memory") 1)
        (data (i32.const 8) "hello")
        (func (export "run") (call $record (i32.const 8) (i32.const 5))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, Vec::<String>::new());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "record",
            |mut caller: Caller<'_, Vec<String>>, ptr: i32, len: i32| {
                let mem = caller
                    .get_export("memory")
                    .and_then(Extern::into_memory)
                    .unwrap();
                let bytes = mem.data(&caller)[ptr as usize..(ptr + len) as usize].to_vec();
                caller.data_mut().push(String::from_utf8(bytes).unwrap());
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    instance
        .get_typed_func::<(), ()>(&store, "run")
        .unwrap()
        .call(&mut store, ())
        .unwrap();
    assert_eq!(store.data(), &["hello".to_string()]);
}

#[test]
fn host_errors_propagate_through_wasm() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
        (import "host" "fail" (func $fail))
        (func (export "run") (call $fail)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "fail", || -> Result<()> { Err(Error::msg("boom")) })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let err = instance
        .get_typed_func::<(), ()>(&store, "run")
        .unwrap()
        .call(&mut store, ())
        .unwrap_err();
    assert!(matches!(&err, Error::Host(m) if m == "boom"), "{err}");
}

#[test]
fn traps_carry_code_and_named_backtrace() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
        (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
        (func $outer (export "outer") (param i32) (result i32) (call $inner (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let outer = instance
        .get_typed_func::<i32, i32>(&store, "outer")
        .unwrap();
    assert_eq!(outer.call(&mut store, 1).unwrap(), 1);
    let err = outer.call(&mut store, 0).unwrap_err();
    let trap = err.as_trap().expect("a trap");
    assert_eq!(trap.code(), TrapCode::IntegerDivisionByZero);
    let names: Vec<_> = trap
        .backtrace()
        .iter()
        .map(|f| f.func_name.as_deref())
        .collect();
    assert_eq!(names, [Some("inner"), Some("outer")]);
    assert!(err.to_string().contains("integer divide by zero"));
}

#[test]
fn deep_recursion_is_a_trap() {
    let engine = Engine::default();
    let module = Module::new(&engine, r#"(module
        (func $f (export "f") (param i64) (result i64) (i64.add (call $f (local.get 0)) (i64.const 1))))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let f = instance.get_typed_func::<i64, i64>(&store, "f").unwrap();
    let err = f.call(&mut store, 0).unwrap_err();
    assert_eq!(err.as_trap().map(Trap::code), Some(TrapCode::StackOverflow));
    // The store stays usable afterwards.
    assert!(f.call(&mut store, 0).is_err());
}

#[test]
fn memory_grow_honours_maximum() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory (export "m") 1 3)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 1).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 2).unwrap(), -1);
    let m = instance.get_memory(&store, "m").unwrap();
    assert_eq!(m.size(&store), 2);
    assert_eq!(m.grow(&mut store, 1).unwrap(), 2);
    m.write(&mut store, 3 * 65536 - 1, &[9]).unwrap();
    assert!(m.write(&mut store, 3 * 65536, &[9]).is_err());
}

#[test]
fn bad_modules_are_errors() {
    let engine = Engine::default();
    assert!(matches!(
        Module::new(&engine, b"\0asm\x01\0\0\0\x01"),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        Module::new(&engine, "(module (func (result i32)))"),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        Module::new(&engine, "(module (func"),
        Err(Error::Wat(_))
    ));
    // Shared memories (the threads proposal, not part of Wasm 3.0) are
    // refused.
    assert!(matches!(
        Module::new(&engine, "(module (memory 1 1 shared))"),
        Err(Error::Invalid(_))
    ));
}

/// A trap's code and backtrace (function indices), or the result.
fn trap_path(tier: Tier, export: &str, arg: i32) -> std::result::Result<i32, (TrapCode, Vec<u32>)> {
    let engine = Engine::new(Config::new().tier(tier)).unwrap();
    // Enough blocks that the function's labels outnumber the bytes after
    // the builtin's trap path (assembling once addressed a label by its id).
    let blocks = "(block (br_if 0 (i32.eqz (local.get 0))))".repeat(64);
    let module = Module::new(
        &engine,
        format!(
            r#"(module
             (import "host" "call_back" (func $cb (param i32) (result i32)))
             (func $inner (export "inner") (param i32) (result i32)
               (i32.div_u (i32.const 1) (local.get 0)))
             (func $via_host (export "via_host") (param i32) (result i32)
               (call $cb (local.get 0)))
             (func $direct (export "direct") (param i32) (result i32)
               (i32.add (call $inner (local.get 0)) (i32.const 1)))
             (memory 1)
             ;; A trap raised in a runtime builtin called from compiled code.
             (func $fill (param i32) (result i32)
               {blocks}
               (memory.fill (local.get 0) (i32.const 0) (i32.const 16))
               (i32.const 1))
             (func (export "via_fill") (param i32) (result i32)
               (i32.add (call $fill (local.get 0)) (i32.const 1))))"#
        ),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "call_back", |mut caller: Caller<'_, ()>, x: i32| {
            let inner = caller.get_export("inner").unwrap().into_func().unwrap();
            let mut out = [Val::I32(0)];
            inner.call(&mut caller, &[Val::I32(x)], &mut out)?;
            match out[0] {
                Val::I32(v) => Ok(v + 1),
                _ => unreachable!(),
            }
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let f = instance.get_typed_func::<i32, i32>(&store, export).unwrap();
    let result = f.call(&mut store, arg).map_err(|err| {
        let trap = err.as_trap().expect("a trap");
        (
            trap.code(),
            trap.backtrace().iter().map(|f| f.func_index).collect(),
        )
    });
    // The store is usable after a trap.
    assert_eq!(f.call(&mut store, 1).unwrap(), 2);
    result
}

#[test]
fn traps_unwind_through_jit_and_host_frames() {
    let div = TrapCode::IntegerDivisionByZero;
    for tier in [Tier::Interp, Tier::Jit] {
        assert_eq!(trap_path(tier, "direct", 1), Ok(2), "{tier}");
        assert_eq!(
            trap_path(tier, "direct", 0),
            Err((div, vec![1, 3])),
            "{tier}"
        );
        assert_eq!(trap_path(tier, "via_host", 1), Ok(2), "{tier}");
        // The host function's error (the inner call's trap) travels on
        // unchanged, so its backtrace is the inner call's.
        assert_eq!(
            trap_path(tier, "via_host", 0),
            Err((div, vec![1])),
            "{tier}"
        );
        assert_eq!(trap_path(tier, "via_fill", 1), Ok(2), "{tier}");
        assert_eq!(
            trap_path(tier, "via_fill", 65530),
            Err((TrapCode::MemoryOutOfBounds, vec![4, 5])),
            "{tier}"
        );
    }
}

/// Builds a module of `n` functions large enough to be validated on several
/// threads; `bad` maps function indices to an invalid body.
fn big_module(n: usize, bad: &[(usize, &str)]) -> String {
    let filler = "(drop (i32.add (local.get 0) (i32.const 1)))".repeat(30);
    let mut wat = String::from("(module\n");
    for i in 0..n {
        let body = bad
            .iter()
            .find(|(j, _)| *j == i)
            .map_or(filler.as_str(), |(_, b)| b);
        wat.push_str(&format!("(func (param i32) {body})\n"));
    }
    wat.push(')');
    wat
}

#[test]
fn large_modules_validate_in_parallel_and_report_the_first_invalid_function() {
    let engine = Engine::default();
    Module::new(&engine, big_module(3000, &[])).unwrap();
    let err = Module::new(
        &engine,
        big_module(
            3000,
            &[
                (100, "(drop (i32.add (i64.const 1) (i32.const 2)))"),
                (2900, "(drop (local.get 7))"),
            ],
        ),
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid(m) if m.contains("type mismatch")),
        "{err}"
    );
    let err =
        Module::new(&engine, big_module(3000, &[(2900, "(drop (local.get 7))")])).unwrap_err();
    assert!(
        matches!(&err, Error::Invalid(m) if m.contains("local")),
        "{err}"
    );
    // Decoding fails after the code section, while bodies are still queued
    // for the workers: the error comes back, and nothing waits on them.
    let mut binary = wat::parse_str(big_module(3000, &[])).unwrap();
    binary.extend([11, 0x7f]);
    let err = Module::new(&engine, &binary).unwrap_err();
    assert!(matches!(&err, Error::Invalid(_)), "{err}");
}

#[test]
fn engines_and_modules_are_shared_stores_move() {
    fn shared<T: Send + Sync>() {}
    fn sendable<T: Send>() {}
    shared::<Engine>();
    shared::<Module>();
    sendable::<Store<Vec<u8>>>();
    // A store moved to another thread keeps working.
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (func (export "f") (result i32) i32.const 9))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let f = instance.get_typed_func::<(), i32>(&store, "f").unwrap();
    let answer = std::thread::spawn(move || f.call(&mut store, ()).unwrap())
        .join()
        .unwrap();
    assert_eq!(answer, 9);
}

#[test]
fn recursion_through_the_host_is_a_trap_too() {
    // wasm -> host -> wasm -> host ... on the native stack.
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (import "host" "again" (func $again (param i32) (result i32)))
            (func (export "f") (param i32) (result i32)
              (call $again (i32.add (local.get 0) (i32.const 1)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, None::<Func>);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "again",
            |mut caller: Caller<'_, Option<Func>>, n: i32| -> Result<i32> {
                let f = caller.data().expect("set before the call");
                let mut out = [Val::I32(0)];
                f.call(&mut caller, &[Val::I32(n)], &mut out)?;
                Ok(out[0].i32().unwrap_or(0))
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, "f").unwrap();
    *store.data_mut() = Some(f);
    let err = f
        .call(&mut store, &[Val::I32(0)], &mut [Val::I32(0)])
        .unwrap_err();
    assert_eq!(
        err.as_trap().map(Trap::code),
        Some(TrapCode::StackOverflow),
        "{err}"
    );
}

#[test]
fn a_linker_serves_many_stores() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "host" "f" (func $f (result i32)))
                   (func (export "g") (result i32) (call $f)))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker.func_wrap("host", "f", || 5i32).unwrap();
    // Stores come and go (and may reuse each other's addresses); each gets
    // its own binding of the host function.
    for _ in 0..3 {
        let mut store = Store::new(&engine, ());
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let g = instance.get_typed_func::<(), i32>(&store, "g").unwrap();
        assert_eq!(g.call(&mut store, ()).unwrap(), 5);
    }
}

#[test]
#[should_panic(expected = "used with a store it does not belong to")]
fn handles_are_checked_against_their_store() {
    let engine = Engine::default();
    let mut a = Store::new(&engine, ());
    let b = Store::new(&engine, ());
    let memory = Memory::new(&mut a, MemoryType::new(1, None)).unwrap();
    // Same index, other store: refused, never another store's memory.
    memory.size(&b);
}

/// Loads and stores past the end of memory trap through the guard region:
/// in nested entries (wasm -> host -> wasm), across instances with and
/// without memories, with no partial write, and on several threads at once.
#[test]
fn out_of_bounds_accesses_trap_wherever_they_happen() {
    let engine = Engine::default();
    let a = Module::new(
        &engine,
        r#"(module
        (import "host" "probe" (func $probe))
        (memory (export "memory") 1)
        (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
        (func (export "store") (param i32) (i32.store (local.get 0) (i32.const -1)))
        (func (export "outer") (param i32) (result i32)
          (call $probe)
          (i32.load (local.get 0))))"#,
    )
    .unwrap();
    let b = Module::new(
        &engine,
        r#"(module
        (import "a" "load" (func $load (param i32) (result i32)))
        (import "a" "store" (func $store (param i32)))
        (memory 1)
        (func (export "via") (param i32) (result i32) (call $load (local.get 0)))
        (func (export "after") (param i32) (result i32)
          (drop (call $load (i32.const 0)))
          (i32.load (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, None::<Func>);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "probe",
            |mut caller: Caller<'_, Option<Func>>| -> Result<()> {
                let load = caller.data().expect("set before the call");
                let err = load
                    .call(&mut caller, &[Val::I32(-4)], &mut [Val::I32(0)])
                    .unwrap_err();
                assert_eq!(
                    err.as_trap().map(Trap::code),
                    Some(TrapCode::MemoryOutOfBounds)
                );
                Ok(())
            },
        )
        .unwrap();
    let ia = linker.instantiate(&mut store, &a).unwrap();
    linker.instance(&mut store, "a", ia).unwrap();
    let ib = linker.instantiate(&mut store, &b).unwrap();
    *store.data_mut() = ia.get_func(&store, "load");
    let oob = |r: Result<i32>| r.unwrap_err().as_trap().map(Trap::code);

    let outer = ia.get_typed_func::<i32, i32>(&store, "outer").unwrap();
    assert_eq!(outer.call(&mut store, 65532).unwrap(), 0);
    assert_eq!(
        oob(outer.call(&mut store, 65533)),
        Some(TrapCode::MemoryOutOfBounds)
    );

    let memory = ia.get_memory(&store, "memory").unwrap();
    let write = ia.get_typed_func::<i32, ()>(&store, "store").unwrap();
    let err = write.call(&mut store, 65534).unwrap_err();
    assert_eq!(
        err.as_trap().map(Trap::code),
        Some(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        &memory.data(&store)[65532..],
        [0, 0, 0, 0],
        "no partial write"
    );

    let via = ib.get_typed_func::<i32, i32>(&store, "via").unwrap();
    let after = ib.get_typed_func::<i32, i32>(&store, "after").unwrap();
    assert_eq!(
        oob(via.call(&mut store, 1 << 16)),
        Some(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        oob(after.call(&mut store, -1)),
        Some(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(after.call(&mut store, 8).unwrap(), 0);

    let threads: Vec<_> = (0..4)
        .map(|k| {
            let engine = engine.clone();
            std::thread::spawn(move || {
                let m = Module::new(
                    &engine,
                    r#"(module (memory 1)
                    (func (export "f") (param i32) (result i32) (i32.load16_u offset=100 (local.get 0))))"#,
                )
                .unwrap();
                let mut store = Store::new(&engine, ());
                let i = Instance::new(&mut store, &m, &[]).unwrap();
                let f = i.get_typed_func::<i32, i32>(&store, "f").unwrap();
                for n in 0..200 {
                    let r = f.call(&mut store, 65434 + (n + k) % 4);
                    match (n + k) % 4 {
                        0 => assert_eq!(r.unwrap(), 0),
                        _ => assert_eq!(
                            r.unwrap_err().as_trap().map(Trap::code),
                            Some(TrapCode::MemoryOutOfBounds)
                        ),
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

/// Both tiers keep the same NaN payload when both operands of a float
/// operation are NaNs (the first operand's, quieted), for every operand
/// placement the JIT's register allocator may choose.
#[test]
fn tiers_agree_on_nan_payloads() {
    let wat = r#"(module
      (func (export "f32") (param f32 f32) (result f32 f32 f32)
        (f32.add (local.get 0) (local.get 1))
        (f32.mul (local.get 1) (local.get 0))
        (f32.sub (local.get 0) (local.get 1)))
      (func (export "f64") (param f64 f64) (result f64 f64)
        (f64.add (local.get 1) (local.get 0))
        (f64.mul (local.get 0) (local.get 1))))"#;
    let run = |tier| {
        let engine = Engine::new(Config::new().tier(tier)).unwrap();
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let f32s = instance
            .get_typed_func::<(f32, f32), (f32, f32, f32)>(&store, "f32")
            .unwrap()
            .call(
                &mut store,
                (f32::from_bits(0x7fc0_0001), f32::from_bits(0xffc0_0002)),
            )
            .unwrap();
        let f64s = instance
            .get_typed_func::<(f64, f64), (f64, f64)>(&store, "f64")
            .unwrap()
            .call(
                &mut store,
                (
                    f64::from_bits(0x7ff8_0000_0000_0001),
                    f64::from_bits(0xfff8_0000_0000_0002),
                ),
            )
            .unwrap();
        (
            [f32s.0.to_bits(), f32s.1.to_bits(), f32s.2.to_bits()],
            [f64s.0.to_bits(), f64s.1.to_bits()],
        )
    };
    assert_eq!(run(Tier::Interp), run(Tier::Jit));
}

/// The JIT's two encodings of vector code give the same results; AVX can be
/// asked for only where the CPU has it.
#[test]
fn jit_encodings_agree_and_avx_needs_the_cpu() {
    let wat = r#"(module
        (func (export "f") (param i32) (result i32)
          (i32x4.extract_lane 1
            (i16x8.extmul_high_i8x16_s
              (i8x16.splat (local.get 0))
              (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23
                (i8x16.splat (i32.const -3)) (i8x16.splat (local.get 0)))))))"#;
    let run = |avx: bool| -> Option<i32> {
        let mut config = Config::new();
        config.tier(Tier::Jit).jit_avx(avx);
        let engine = match Engine::new(&config) {
            Ok(engine) => engine,
            Err(e) => {
                assert!(avx && !tandem_jit::Jit::cpu_features().avx, "{e}");
                return None;
            }
        };
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let f = instance.get_typed_func::<i32, i32>(&store, "f").unwrap();
        Some(f.call(&mut store, 7).unwrap())
    };
    // Lanes 2 and 3 of the 16-bit products: 7 * -3 and 7 * 7.
    let expected = (-21i16 as u16 as i32) | 49 << 16;
    assert_eq!(run(false), Some(expected));
    let avx = run(true);
    assert_eq!(avx.is_some(), tandem_jit::Jit::cpu_features().avx);
    if let Some(avx) = avx {
        assert_eq!(avx, expected);
    }
}

/// A 64-bit memory (memory64) past 4 GiB, and a 64-bit table, in every
/// tier: addresses above 2^32 reach their bytes, accesses that end past
/// the memory trap (also where the address plus offset wraps), growth
/// past the 8 GiB a 64-bit memory may have fails with an i64 -1, and the
/// API gives 64-bit types and sizes.
#[test]
fn memory64_and_table64_in_every_tier() {
    for tier in [Tier::Interp, Tier::Jit, Tier::Tiered] {
        let engine = Engine::new(Config::new().tier(tier).tier_up_threshold(1)).unwrap();
        let module = Module::new(
            &engine,
            r#"(module
            (memory (export "m") i64 1)
            (table (export "t") i64 2 funcref)
            (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
            (func (export "poke") (param i64 i64) (i64.store offset=8 (local.get 0) (local.get 1)))
            (func (export "peek") (param i64) (result i64) (i64.load offset=8 (local.get 0)))
            (func (export "wrap") (param i64) (result i32)
              (i32.load8_u offset=0xffffffffffffffff (local.get 0)))
            (func (export "tsize") (result i64) (table.size 0)))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let grow = instance.get_typed_func::<i64, i64>(&store, "grow").unwrap();
        let poke = instance
            .get_typed_func::<(i64, i64), ()>(&store, "poke")
            .unwrap();
        let peek = instance.get_typed_func::<i64, i64>(&store, "peek").unwrap();
        let wrap = instance.get_typed_func::<i64, i32>(&store, "wrap").unwrap();
        let tsize = instance.get_typed_func::<(), i64>(&store, "tsize").unwrap();
        assert_eq!(grow.call(&mut store, 65536).unwrap(), 1, "{tier:?}");
        let high = 1i64 << 32;
        poke.call(&mut store, (high, 0x0123_4567_89ab_cdef))
            .unwrap();
        assert_eq!(peek.call(&mut store, high).unwrap(), 0x0123_4567_89ab_cdef);
        let m = instance.get_memory(&store, "m").unwrap();
        assert!(m.ty(&store).memory64);
        assert_eq!(m.size(&store), 65537);
        assert_eq!(m.data(&store)[(high + 8) as usize], 0xef);
        let end = 65537i64 * 65536;
        let oob = |r: Result<i64>| r.unwrap_err().as_trap().map(Trap::code);
        assert_eq!(peek.call(&mut store, end - 16).unwrap(), 0);
        assert_eq!(
            oob(peek.call(&mut store, end - 15)),
            Some(TrapCode::MemoryOutOfBounds)
        );
        assert_eq!(
            wrap.call(&mut store, 1)
                .unwrap_err()
                .as_trap()
                .map(Trap::code),
            Some(TrapCode::MemoryOutOfBounds)
        );
        assert_eq!(grow.call(&mut store, 1 << 20).unwrap(), -1);
        assert_eq!(tsize.call(&mut store, ()).unwrap(), 2);
        let t = instance.get_table(&store, "t").unwrap();
        assert!(t.ty(&store).table64);
        assert_eq!(t.size(&store), 2);
        assert!(t.get(&store, 1 << 40).is_none());
    }
}

/// The SIMD kernels of `benches/simd`, built from the same C for wasm32
/// and for wasm64 (a 64-bit memory, addresses and all), give the same
/// checksums in every tier.
#[test]
fn wasm64_programs_agree_with_their_wasm32_builds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/simd");
    for kernel in ["matmul_f32", "blur_u8", "dot_i16", "byte_search"] {
        let mut results = Vec::new();
        for file in [format!("{kernel}.wasm"), format!("{kernel}.wasm64.wasm")] {
            for tier in [Tier::Interp, Tier::Jit, Tier::Tiered] {
                let engine = Engine::new(Config::new().tier(tier).tier_up_threshold(1)).unwrap();
                let module = Module::from_file(&engine, dir.join(&file)).unwrap();
                let mut store = Store::new(&engine, ());
                let instance = Instance::new(&mut store, &module, &[]).unwrap();
                let run = instance.get_typed_func::<i32, i32>(&store, "run").unwrap();
                results.push((file.clone(), tier, run.call(&mut store, 3).unwrap()));
            }
        }
        assert!(results.iter().all(|r| r.2 == results[0].2), "{results:?}");
    }
}

/// Relaxed SIMD's fused-or-not choice and its NaNs are the same in every
/// tier (and encoding): madd unfused, the first NaN operand of each step
/// (`c`'s, then `a`'s) quieted.
#[test]
fn relaxed_madd_is_the_same_in_every_tier() {
    let lanes = |x: u32| u128::from_le_bytes([x.to_le_bytes(); 4].concat().try_into().unwrap());
    let cases = [
        (0x7fa0_0001, 0x3f80_0000, 0x7fc0_0002),
        (0x7fa0_0001, 0x7fb0_0003, 0x3f80_0000),
        (0x3f80_0000, 0x7fb0_0003, 0x3f80_0000),
        (0x3dcc_cccd, 0x4120_0000, 0xbf80_0000),
        (0x7f80_0000, 0x0000_0000, 0x3f80_0000),
    ];
    let mut seen: Option<Vec<u128>> = None;
    for (tier, avx) in [(Tier::Interp, false), (Tier::Jit, false), (Tier::Jit, true)] {
        let mut config = Config::new();
        config.tier(tier);
        if avx && Engine::new(Config::new().jit_avx(true)).is_err() {
            continue;
        }
        config.jit_avx(avx);
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(
            &engine,
            r#"(module (func (export "madd") (param v128 v128 v128) (result v128)
                (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let madd = instance.get_func(&store, "madd").unwrap();
        let results: Vec<u128> = cases
            .iter()
            .map(|&(a, b, c)| {
                let mut r = [Val::V128(0)];
                let args = [
                    Val::V128(lanes(a)),
                    Val::V128(lanes(b)),
                    Val::V128(lanes(c)),
                ];
                madd.call(&mut store, &args, &mut r).unwrap();
                match r[0] {
                    Val::V128(v) => v,
                    _ => unreachable!(),
                }
            })
            .collect();
        assert_eq!(results[0], lanes(0x7fc0_0002));
        assert_eq!(results[1], lanes(0x7fe0_0001));
        assert_eq!(results[2], lanes(0x7ff0_0003));
        // 0.1 * 10 rounds to 1 before -1 is added.
        assert_eq!(results[3], 0);
        match &seen {
            Some(first) => assert_eq!(&results, first, "{tier:?} avx={avx}"),
            None => seen = Some(results),
        }
    }
}
