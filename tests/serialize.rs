//! Serialized modules: `Module::serialize` and `Module::deserialize` (and
//! `deserialize_file`) give a module that runs as the original does, in
//! every tier, without validating or compiling it again; what another
//! build or other settings made is refused with a clear error.
//!
//! Saved code runs at other addresses only in another process: the CLI's
//! `precompiled` runs of the WASI corpus (cli/tests/wasi_programs.rs)
//! check that every address it holds is relocated.

use tandem::{Config, Engine, Error, Linker, Module, Store, Tier};

/// Functions that call the runtime by address (builtins, saturating
/// conversions, the unwinders of traps and exceptions), trap, and call
/// through a table: the code a relocation must fix up.
const WAT: &str = r#"(module
  (type $un (func (param i32) (result i32)))
  (tag $oops (param i32))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $double $thrower)
  (func $double (type $un) (i32.mul (local.get 0) (i32.const 2)))
  (func $thrower (type $un) (throw $oops (i32.add (local.get 0) (i32.const 100))))
  (func (export "grow") (param i32) (result i32)
    (drop (memory.grow (local.get 0)))
    (memory.fill (i32.const 16) (local.get 0) (i32.const 8))
    (i32.add (memory.size) (i32.load8_u (i32.const 20))))
  (func (export "sat") (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "table") (param i32 i32) (result i32)
    (call_indirect (type $un) (local.get 1) (local.get 0)))
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $oops $h)
        (return (call_indirect (type $un) (local.get 0) (i32.const 1))))
      (unreachable)))
  (func (export "loop") (param i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $double (local.get 0))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get 0) (i32.const 0))))
    (local.get $acc)))"#;

/// Every export's results (or traps) for a fixed set of arguments, as text.
fn run(engine: &Engine, module: &Module) -> Vec<String> {
    let mut store = Store::new(engine, ());
    if engine.config().consumes_fuel() {
        store.set_fuel(1_000_000).unwrap();
    }
    let instance = Linker::new(engine).instantiate(&mut store, module).unwrap();
    let mut out = Vec::new();
    let show = |r: Result<i32, Error>| match r {
        Ok(v) => v.to_string(),
        Err(e) => format!("error: {e}"),
    };
    let f = |name| instance.get_typed_func::<i32, i32>(&store, name).unwrap();
    let (grow, load, catch, looping) = (f("grow"), f("load"), f("catch"), f("loop"));
    for x in [1, 2, 3] {
        out.push(show(grow.call(&mut store, x)));
        out.push(show(catch.call(&mut store, x)));
        out.push(show(looping.call(&mut store, 50 * x)));
    }
    out.push(show(load.call(&mut store, 16)));
    out.push(show(load.call(&mut store, 1 << 30)));
    let sat = instance.get_typed_func::<f64, i32>(&store, "sat").unwrap();
    for x in [1.5, -1e20, f64::NAN] {
        out.push(show(sat.call(&mut store, x)));
    }
    let div = instance
        .get_typed_func::<(i32, i32), i32>(&store, "div")
        .unwrap();
    let table = instance
        .get_typed_func::<(i32, i32), i32>(&store, "table")
        .unwrap();
    for (a, b) in [(7, 2), (1, 0), (i32::MIN, -1)] {
        out.push(show(div.call(&mut store, (a, b))));
    }
    for (i, x) in [(0, 21), (2, 1)] {
        out.push(show(table.call(&mut store, (i, x))));
    }
    out
}

fn engine(tier: Tier, fuel: bool) -> Engine {
    let mut config = Config::new();
    config.tier(tier).consume_fuel(fuel).tier_up_in_caller(true);
    config.tier_up_threshold(1);
    Engine::new(&config).unwrap()
}

/// What the interpreter gives, which every other run must.
fn expected() -> Vec<String> {
    let engine = engine(Tier::Interp, false);
    run(&engine, &Module::new(&engine, WAT).unwrap())
}

#[test]
fn a_serialized_module_runs_as_the_original_in_every_tier() {
    let expected = expected();
    assert!(
        expected.iter().any(|r| r.contains("out of bounds")),
        "{expected:?}"
    );
    let jit = engine(Tier::Jit, false);
    let bytes = Module::new(&jit, WAT).unwrap().serialize().unwrap();
    assert!(Module::is_serialized(&bytes));
    for tier in [Tier::Interp, Tier::Jit, Tier::Tiered] {
        let engine = engine(tier, false);
        // SAFETY: `serialize` wrote these bytes.
        let module = unsafe { Module::deserialize(&engine, &bytes) }.unwrap();
        if tier == Tier::Tiered {
            // The JIT's code is installed at once: nothing runs interpreted.
            assert!(
                module.disassemble(1).is_some(),
                "no saved code in the tiered tier"
            );
        }
        assert_eq!(run(&engine, &module), expected, "{tier}");
    }
}

#[test]
fn the_tiered_tier_saves_what_it_compiled_so_far() {
    let expected = expected();
    let tiered = engine(Tier::Tiered, false);
    let module = Module::new(&tiered, WAT).unwrap();
    assert!(module.disassemble(1).is_none());
    assert_eq!(run(&tiered, &module), expected);
    assert!(
        module.disassemble(1).is_some(),
        "threshold 1: compiled at its first call"
    );
    let bytes = module.serialize().unwrap();
    let engine = engine(Tier::Tiered, false);
    // SAFETY: `serialize` wrote these bytes.
    let module = unsafe { Module::deserialize(&engine, &bytes) }.unwrap();
    assert!(module.disassemble(1).is_some());
    assert_eq!(run(&engine, &module), expected);
    // The jit tier compiles what the tiered run did not.
    let jit = self::engine(Tier::Jit, false);
    // SAFETY: as above.
    let module = unsafe { Module::deserialize(&jit, &bytes) }.unwrap();
    assert_eq!(run(&jit, &module), expected);
}

#[test]
fn deserialize_file_maps_a_file() {
    let engine = engine(Tier::Jit, true);
    let bytes = Module::new(&engine, WAT).unwrap().serialize().unwrap();
    let path = std::env::temp_dir().join(format!("tandem-serialize-{}.cwasm", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    // SAFETY: `serialize` wrote the file.
    let module = unsafe { Module::deserialize_file(&engine, &path) };
    std::fs::remove_file(&path).unwrap();
    assert_eq!(run(&engine, &module.unwrap()), expected());
}

fn incompatible(r: Result<Module, Error>) -> String {
    match r {
        Err(Error::Incompatible(why)) => why,
        Err(e) => panic!("not an Incompatible error: {e}"),
        Ok(_) => panic!("loaded"),
    }
}

#[test]
fn what_another_build_or_other_settings_made_is_refused() {
    let fuel = engine(Tier::Jit, true);
    let bytes = Module::new(&fuel, WAT).unwrap().serialize().unwrap();
    let plain = engine(Tier::Jit, false);
    // SAFETY (each `deserialize` here): the bytes are `serialize`'s, or
    // damaged in ways the loader is to reject before trusting them.
    let why = incompatible(unsafe { Module::deserialize(&plain, &bytes) });
    assert!(why.contains("fuel on") && why.contains("fuel off"), "{why}");
    // The interpreter makes no code, so it takes the module alone.
    let interp = engine(Tier::Interp, false);
    let module = unsafe { Module::deserialize(&interp, &bytes) }.unwrap();
    assert_eq!(run(&interp, &module), expected());
    // Another Wasm version allowed.
    let mut config = Config::new();
    config.tier(Tier::Jit).consume_fuel(true).wasm_2_0();
    let v2 = Engine::new(&config).unwrap();
    let why = incompatible(unsafe { Module::deserialize(&v2, &bytes) });
    assert!(why.contains("Wasm proposals"), "{why}");
    // Another build: the build id follows the magic, its length first.
    let mut other = bytes.clone();
    let at = 8 + 8 + 2;
    other[at] ^= 1;
    let why = incompatible(unsafe { Module::deserialize(&fuel, &other) });
    assert!(why.contains("made by tandem"), "{why}");
    // Not a serialized module at all, a binary one among them.
    let wasm = wat::parse_str(WAT).unwrap();
    for junk in [&b""[..], b"\0tandem", &wasm] {
        let why = incompatible(unsafe { Module::deserialize(&fuel, junk) });
        assert!(why.contains("not a serialized tandem module"), "{why}");
    }
    // Every truncation is an error, never a panic.
    for len in 8..bytes.len() {
        assert!(
            unsafe { Module::deserialize(&fuel, &bytes[..len]) }.is_err(),
            "{len}"
        );
    }
}
