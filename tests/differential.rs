//! Differential testing between tiers: random valid modules from
//! `wasm-smith` run in the interpreter, the JIT and tiered (every function
//! compiled from its first call, each export called twice; once more
//! compiling in the calling thread, where loops move to OSR entries from
//! their second iteration), and everything
//! observable must agree — instantiation, every export's results or trap,
//! then the final memory and globals. Every tier runs them once more with
//! the embedder's checks on: each call with the same fuel, where running
//! out must happen at the same point and leave the same fuel, and with an
//! epoch deadline always reached, whose callback (counting its calls) lets
//! code go on: every epoch check calls out, and the tiers must make the
//! same number of them. The same modules check the JIT's
//! on-stack-replacement entries: one per loop, each must build into valid
//! SSA form and compile.
//!
//! CI runs a bounded number of seeds; `TANDEM_DIFF_MODULES=N` (and
//! `TANDEM_DIFF_FIRST=S`) run more:
//! `TANDEM_DIFF_MODULES=100000 cargo test --release --test differential`.
//! A disagreement writes the module to `target/differential/seed-N.wasm`
//! and fails naming the seed; each one found is kept in
//! `tests/differential/` and replayed by `regressions`.

use arbitrary::Unstructured;
use std::path::Path;
use tandem::{Config, Engine, Extern, Linker, Module, Store, Tier, UpdateDeadline, Val};

#[path = "differential/legacy.rs"]
mod legacy;

/// Modules per CI run.
const CI_MODULES: u64 = 300;

fn smith_config() -> wasm_smith::Config {
    wasm_smith::Config {
        simd_enabled: true,
        relaxed_simd_enabled: true,
        threads_enabled: false,
        exceptions_enabled: true,
        gc_enabled: false,
        tail_call_enabled: true,
        memory64_enabled: true,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: true,
        reference_types_enabled: true,
        bulk_memory_enabled: true,
        multi_value_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        max_imports: 0,
        max_memories: 2,
        max_tables: 2,
        max_memory32_bytes: 1 << 20,
        max_memory64_bytes: 1 << 20,
        max_table_elements: 1000,
        max_funcs: 12,
        max_instructions: 3000,
        export_everything: true,
        allow_start_export: false,
        ..Default::default()
    }
}

/// Typed function references, which wasm-smith makes only along with the
/// rest of Wasm GC (whose validation rules they share).
const TYPED_REFS: wasmparser::WasmFeatures =
    wasmparser::WasmFeatures::FUNCTION_REFERENCES.union(wasmparser::WasmFeatures::GC);

/// The Wasm 3.0 proposals wasm-smith generates here.
const WASM3: wasmparser::WasmFeatures = wasmparser::WasmFeatures::EXCEPTIONS
    .union(wasmparser::WasmFeatures::MULTI_MEMORY)
    .union(wasmparser::WasmFeatures::MEMORY64)
    .union(wasmparser::WasmFeatures::EXTENDED_CONST)
    .union(wasmparser::WasmFeatures::RELAXED_SIMD)
    .union(wasmparser::WasmFeatures::TAIL_CALL)
    .union(TYPED_REFS);

/// Whether the module needs `features`: it is invalid without them.
fn uses(bytes: &[u8], features: wasmparser::WasmFeatures) -> bool {
    let all = wasmparser::WasmFeatures::WASM2 | WASM3;
    wasmparser::Validator::new_with_features(all - features)
        .validate_all(bytes)
        .is_err()
}

/// The module for `seed`: random bytes (SplitMix64) shaped by wasm-smith,
/// with fuel so that every loop and recursion ends.
///
/// Odd seeds may use typed function references too, which wasm-smith
/// makes only with the rest of Wasm GC turned on: a module that uses GC's
/// own types or instructions (which the engine refuses until it runs GC)
/// gives way to one made from the next bytes, up to a few times.
fn module_bytes(seed: u64) -> Option<Vec<u8>> {
    if seed % 2 == 0 {
        return smith(seed, false);
    }
    let engine = Engine::default();
    (0..8u64).find_map(|k| {
        let bytes = smith(seed ^ k << 56, true)?;
        match Module::new(&engine, &bytes) {
            Err(tandem::Error::Unsupported(m)) if m.contains("Wasm GC") => None,
            _ => Some(bytes),
        }
    })
}

/// The module wasm-smith makes from the bytes of `seed`, with Wasm GC (so
/// typed function references) if `gc`.
fn smith(seed: u64, gc: bool) -> Option<Vec<u8>> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5851_f42d_4c95_7f2d;
    let data: Vec<u8> = (0..65536)
        .map(|_| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) as u8
        })
        .collect();
    let mut u = Unstructured::new(&data);
    let config = wasm_smith::Config {
        gc_enabled: gc,
        ..smith_config()
    };
    let mut module = wasm_smith::Module::new(config, &mut u).ok()?;
    module.ensure_termination(1_000).ok()?;
    Some(module.to_bytes())
}

fn show(v: &Val) -> String {
    match v {
        Val::I32(x) => format!("i32:{x}"),
        Val::I64(x) => format!("i64:{x}"),
        Val::F32(b) => format!("f32:{b:#x}"),
        Val::F64(b) => format!("f64:{b:#x}"),
        Val::V128(b) => format!("v128:{b:#x}"),
        Val::FuncRef(f) => format!("funcref:{}", if f.is_some() { "some" } else { "null" }),
        Val::ExternRef(e) => format!("externref:{}", if e.is_some() { "some" } else { "null" }),
        Val::ExnRef(e) => format!("exnref:{}", if e.is_some() { "some" } else { "null" }),
    }
}

/// Fuel for each call where the checks are on: enough for most calls, not
/// for all (loops run up to 1000 iterations).
const FUEL: u64 = 20_000;

/// A way to run a module: its tier, whether tier-ups compile in the calling
/// thread, whether the JIT keeps to its SSE4.1 baseline (else it uses AVX
/// where the machine has it).
#[derive(Clone, Copy)]
struct Mode {
    label: &'static str,
    tier: Tier,
    in_caller: bool,
    baseline: bool,
}

const fn mode(label: &'static str, tier: Tier, in_caller: bool, baseline: bool) -> Mode {
    Mode {
        label,
        tier,
        in_caller,
        baseline,
    }
}

const INTERP: Mode = mode("interp", Tier::Interp, false, false);

/// The modes compared with the interpreter.
const OTHERS: [Mode; 4] = [
    mode("jit", Tier::Jit, false, false),
    mode("jit-sse4.1", Tier::Jit, false, true),
    mode("tiered", Tier::Tiered, false, false),
    mode("osr", Tier::Tiered, true, false),
];

/// Everything observable about running `bytes` in `mode`, one line each;
/// with `checks`, under fuel and epoch checks (see the module's doc).
fn observe(bytes: &[u8], mode: Mode, checks: bool) -> Vec<String> {
    // Tiered: a function asks to be compiled at its first call, so the
    // second round (and calls within the first) may run compiled code; in
    // the caller, it does, and a loop that iterates twice in the first
    // call moves to its OSR entry.
    let mut config = Config::new();
    config
        .tier(mode.tier)
        .tier_up_threshold(1)
        .tier_up_in_caller(mode.in_caller)
        .consume_fuel(checks)
        .epoch_interruption(checks);
    if mode.baseline {
        config.jit_avx(false);
    }
    let engine = Engine::new(&config).expect("tier available");
    let mut out = Vec::new();
    let module = match Module::new(&engine, bytes) {
        Ok(m) => m,
        Err(e) => return vec![format!("compile: {e}")],
    };
    // The store counts the epoch checks that called out.
    let mut store = Store::new(&engine, 0u64);
    if checks {
        store.epoch_deadline_callback(|calls| {
            *calls += 1;
            Ok(UpdateDeadline::Continue(0))
        });
        store.set_fuel(FUEL).unwrap();
    }
    let instance = match Linker::new(&engine).instantiate(&mut store, &module) {
        Ok(i) => i,
        Err(e) => return vec![format!("instantiate: {e}")],
    };
    let exports = instance.exports(&store);
    for (round, (name, ext)) in (0..2).flat_map(|r| exports.iter().map(move |e| (r, e))) {
        if let Extern::Func(f) = ext {
            let ty = f.ty(&store);
            let params: Vec<Val> = ty.params().iter().map(|&t| Val::default_for(t)).collect();
            let mut results: Vec<Val> = ty.results().iter().map(|&t| Val::default_for(t)).collect();
            if checks {
                store.set_fuel(FUEL).unwrap();
            }
            match f.call(&mut store, &params, &mut results) {
                Ok(()) => out.push(format!(
                    "{name} ({round}): {}",
                    results.iter().map(show).collect::<Vec<_>>().join(" ")
                )),
                // An exception's payload, shown as results are (its tag
                // and references name objects of this store).
                Err(tandem::Error::Exception(e)) => out.push(format!(
                    "{name} ({round}): exception {}",
                    e.payload().iter().map(show).collect::<Vec<_>>().join(" ")
                )),
                Err(e) => out.push(format!("{name} ({round}): {e}")),
            }
            if checks {
                let fuel = store.get_fuel().unwrap();
                out.push(format!("fuel left {fuel}, epoch checks {}", store.data()));
            }
        }
    }
    for (name, ext) in &exports {
        match ext {
            Extern::Memory(m) => {
                let data = m.data(&store);
                let hash = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
                    (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
                });
                out.push(format!(
                    "memory {name}: {} bytes, fnv {hash:#x}",
                    data.len()
                ));
            }
            Extern::Global(g) => out.push(format!("global {name}: {}", show(&g.get(&store)))),
            _ => {}
        }
    }
    out
}

/// Runs `bytes` in the interpreter and each of [`OTHERS`]; the first
/// disagreement with the interpreter, if any.
fn compare(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.to_vec();
    let run = move || {
        [false, true].into_iter().find_map(|checks| {
            let interp = observe(&bytes, INTERP, checks);
            OTHERS.into_iter().find_map(|mode| {
                let other = observe(&bytes, mode, checks);
                if interp == other {
                    return None;
                }
                let at = (interp.iter().zip(&other))
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                let label = format!("{}{}", mode.label, if checks { " (checks)" } else { "" });
                Some(format!(
                    "interp: {:?}\n{label}: {:?}",
                    interp.get(at),
                    other.get(at)
                ))
            })
        })
    };
    std::thread::Builder::new()
        .stack_size(32 << 20)
        .spawn(run)
        .expect("spawn")
        .join()
        .unwrap_or_else(|_| Some("a tier panicked (above)".into()))
}

/// The seeds to try: `CI_MODULES` from 0, or as the environment says.
fn seeds() -> std::ops::Range<u64> {
    let var = |name, default| {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let first = var("TANDEM_DIFF_FIRST", 0);
    first..first + var("TANDEM_DIFF_MODULES", CI_MODULES)
}

/// Compares the module `bytes` of `seed` across the modes; a disagreement
/// goes to `failures`, and the module to `file` in the test's temporary
/// directory. Whether to stop: five disagreements say enough.
fn disagree(bytes: &[u8], seed: u64, file: String, failures: &mut Vec<String>) -> bool {
    if let Some(diff) = compare(bytes) {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("differential");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(file), bytes).unwrap();
        failures.push(format!("seed {seed}:\n{diff}"));
    }
    failures.len() >= 5
}

fn assert_agreed(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The legacy exception-handling opcodes, which wasm-smith does not make:
/// modules from [`legacy::module`] (text), compared as the others are, for
/// the same seeds.
#[test]
fn tiers_agree_on_legacy_exceptions() {
    let engine = Engine::default();
    let (mut tried, mut thrown, mut returned) = (0u64, 0u64, 0u64);
    let mut failures = Vec::new();
    for seed in seeds() {
        let text = legacy::module(seed);
        if let Err(e) = Module::new(&engine, &text) {
            panic!("seed {seed}: the generator made an invalid module: {e}\n{text}");
        }
        tried += 1;
        let seen = observe(text.as_bytes(), INTERP, false);
        thrown += seen.iter().any(|l| l.contains("exception")) as u64;
        returned += seen.iter().any(|l| l.contains("): i32:")) as u64;
        if disagree(
            text.as_bytes(),
            seed,
            format!("legacy-{seed}.wat"),
            &mut failures,
        ) {
            break;
        }
    }
    assert_agreed(&failures);
    // Both ways out of a function are common.
    assert!(thrown > tried / 5, "only {thrown} of {tried} modules threw");
    assert!(
        returned > tried / 5,
        "only {returned} of {tried} modules returned"
    );
    eprintln!("{tried} legacy modules agree ({thrown} throw out of an export)");
}

#[test]
fn tiers_agree_on_random_modules() {
    let seeds = seeds();
    let count = seeds.end - seeds.start;
    let mut tried = 0;
    let mut simd = 0;
    let mut wasm3 = 0;
    let mut typed_refs = 0;
    let mut exceptions = 0;
    let mut failures = Vec::new();
    for seed in seeds {
        let Some(bytes) = module_bytes(seed) else {
            continue;
        };
        tried += 1;
        simd += uses(&bytes, wasmparser::WasmFeatures::SIMD) as u64;
        wasm3 += uses(&bytes, WASM3) as u64;
        typed_refs += uses(&bytes, TYPED_REFS) as u64;
        exceptions += uses(&bytes, wasmparser::WasmFeatures::EXCEPTIONS) as u64;
        if disagree(&bytes, seed, format!("seed-{seed}.wasm"), &mut failures) {
            break;
        }
    }
    assert_agreed(&failures);
    assert!(
        tried > count / 2,
        "wasm-smith made only {tried} modules of {count}"
    );
    assert!(simd > tried / 10, "only {simd} of {tried} modules use SIMD");
    assert!(
        wasm3 > tried / 10,
        "only {wasm3} of {tried} modules use Wasm 3.0's proposals"
    );
    assert!(
        typed_refs > tried / 20,
        "only {typed_refs} of {tried} modules use typed function references"
    );
    assert!(
        exceptions > tried / 20,
        "only {exceptions} of {tried} modules use exception handling"
    );
    eprintln!(
        "{tried} modules agree ({simd} using SIMD, {wasm3} Wasm 3.0's proposals, \
         {typed_refs} typed function references, {exceptions} exception handling)"
    );
}

/// How many `loop` operators the body of `func` has.
fn count_loops(env: &tandem_vm::ModuleEnv, func: u32) -> u32 {
    let mut ops = env.body(func).get_operators_reader().unwrap();
    let mut n = 0;
    while !ops.eof() {
        if let wasmparser::Operator::Loop { .. } = ops.read().unwrap() {
            n += 1;
        }
    }
    n
}

/// Every `loop` of every function of the random modules, reachable or not:
/// the function built entered there by on-stack replacement has valid SSA
/// form, before and after the passes, and compiles; so has the function
/// built as usual. An unreachable loop is refused, never miscompiled.
#[test]
fn osr_entries_build_for_every_loop() {
    use tandem_jit::ir::Block;
    use tandem_jit::{build, passes, x64};
    let engine = Engine::new(Config::new().tier(Tier::Interp)).unwrap();
    let (mut entries, mut unreachable) = (0, 0);
    for seed in seeds() {
        let Some(bytes) = module_bytes(seed) else {
            continue;
        };
        let module = Module::new(&engine, &bytes).unwrap();
        let env = module.env();
        let first = env.num_imported_funcs;
        for func in first..first + env.bodies.len() as u32 {
            let check = |f: Result<tandem_jit::ir::Function, build::BuildError>, at: &str| {
                let fail = |e: &dyn std::fmt::Display| -> ! {
                    panic!("seed {seed}, function {func} entered at {at}: {e}")
                };
                let mut f = f.unwrap_or_else(|e| fail(&e));
                passes::verify(&f).unwrap_or_else(|e| fail(&e));
                passes::optimize(&mut f);
                passes::verify(&f).unwrap_or_else(|e| fail(&format!("after the passes, {e}")));
                x64::compile(&f, env, &[]);
            };
            check(build::build(env, func), "its start");
            // What the interpreter's frame holds at each loop header.
            let frames = tandem_interp::osr_frames(env, func).unwrap();
            assert_eq!(frames.len() as u32, count_loops(env, func));
            for loop_index in 0..count_loops(env, func) {
                match build::build_osr(env, func, loop_index) {
                    Err(build::BuildError::Unsupported(e)) if e.contains("never reached") => {
                        unreachable += 1
                    }
                    f => {
                        let values = f.as_ref().map_or(0, |f| f.block(Block(0)).params.len());
                        check(f, &format!("loop {loop_index}"));
                        // The entry takes exactly the frame the interpreter
                        // has there (tandem_vm::osr).
                        let frame = tandem_vm::osr::OsrFrame {
                            loop_index,
                            values: values as u32,
                        };
                        assert_eq!(
                            frames[loop_index as usize], frame,
                            "seed {seed}, function {func}"
                        );
                        entries += 1;
                    }
                }
            }
        }
    }
    assert!(entries > 40, "only {entries} loops");
    eprintln!("{entries} OSR entries build and verify ({unreachable} loops unreachable)");
}

#[test]
fn regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/differential exists") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let bytes = std::fs::read(&path).unwrap();
            if let Some(diff) = compare(&bytes) {
                panic!("{}: {diff}", path.display());
            }
            n += 1;
        }
    }
    eprintln!("{n} regression modules agree");
}
