//! Side-by-side comparison of tandem's tiers with their peers on the shared
//! benchmark modules, in one run: the interpreter beside wasmi (and wasm3),
//! the JIT beside wasmtime's Cranelift (through the prebuilt `wasmtime`
//! Python package, `benches/wasmtime_peer.py`, when `python3 -c 'import
//! wasmtime'` works). Prints a table of medians and ratios; the engines take
//! turns run by run (see `alternate`). The last rows are compile
//! throughput on spidermonkey.wasm and start-up; a second table times the
//! SIMD kernels ([`simd`]).
//!
//! Usage: `cargo run -p tandem-bench --release [--features wasm3] -- [--runs N] [--only NAME]`
//! (run from the repository root; modules come from `../shared/bench`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

mod simd;
mod time_to_result;

fn shared_bench() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench");
    assert!(
        root.is_dir(),
        "benchmark modules not found at {}",
        root.display()
    );
    root
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The median of `n` runs of each engine (`None` for one that cannot run
/// the module). The engines take turns run by run, so that a drift in the
/// machine's state (clock, heap, caches) touches them alike.
fn alternate(n: usize, engines: &mut [&mut dyn FnMut() -> Option<f64>]) -> Vec<Option<f64>> {
    let mut samples = vec![Vec::new(); engines.len()];
    for _ in 0..n {
        for (s, run) in samples.iter_mut().zip(engines.iter_mut()) {
            s.extend(run());
        }
    }
    samples
        .into_iter()
        .map(|s| (!s.is_empty()).then(|| median(s)))
        .collect()
}

fn time<R>(f: impl FnOnce() -> R) -> (Duration, R) {
    let start = Instant::now();
    let r = f();
    (start.elapsed(), r)
}

/// A micro-benchmark: a `run` export taking a loop count.
struct Micro {
    file: &'static str,
    arg: i64,
}

const MICROS: &[Micro] = &[
    Micro {
        file: "counter-local.wat",
        arg: 10_000_000,
    },
    Micro {
        file: "counter-param.wat",
        arg: 10_000_000,
    },
    Micro {
        file: "counter-global.wat",
        arg: 10_000_000,
    },
    Micro {
        file: "fibonacci-iter.wat",
        arg: 10_000_000,
    },
    Micro {
        file: "fibonacci-rec.wat",
        arg: 28,
    },
    Micro {
        file: "bulk-ops.wat",
        // 20000 fills and copies of 20000 bytes: long enough (~10 ms) to
        // time steadily; at 5000 a run took 0.5 ms and the ratio wandered
        // between 0.95x and 1.07x.
        arg: 20_000,
    },
];

/// Micro-benchmarks of Wasm 3.0 features that wasmi and wasm3 do not run,
/// in `benches/wat`.
const MICROS_3: &[Micro] = &[Micro {
    file: "throw-catch.wat",
    arg: 1_000_000,
}];

fn tandem_engine(tier: tandem::Tier) -> tandem::Engine {
    tandem::Engine::new(tandem::Config::new().tier(tier)).expect("tier available")
}

fn tandem_micro(tier: tandem::Tier, wasm: &[u8], arg: i64) -> Duration {
    use tandem::*;
    let engine = tandem_engine(tier);
    let module = Module::new(&engine, wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let run = instance.get_func(&store, "run").unwrap();
    let ty = run.ty(&store);
    let param = match ty.params()[0] {
        ValType::I32 => Val::I32(arg as i32),
        _ => Val::I64(arg),
    };
    let mut out = [Val::I32(0)];
    time(|| run.call(&mut store, &[param], &mut out).unwrap()).0
}

fn wasmi_micro(wasm: &[u8], arg: i64) -> Duration {
    use wasmi::*;
    let engine = Engine::default();
    let module = Module::new(&engine, wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let linker = Linker::<()>::new(&engine);
    let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
    let run = instance.get_func(&store, "run").unwrap();
    let param = match run.ty(&store).params()[0] {
        ValType::I32 => Val::I32(arg as i32),
        _ => Val::I64(arg),
    };
    let mut out = [Val::I32(0)];
    time(|| run.call(&mut store, &[param], &mut out).unwrap()).0
}

fn clock_ms() -> i32 {
    use std::sync::OnceLock;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as i32
}

fn tandem_coremark(tier: tandem::Tier, wasm: &[u8]) -> f32 {
    use tandem::*;
    let engine = tandem_engine(tier);
    let module = Module::new(&engine, wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.func_wrap("env", "clock_ms", clock_ms).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), f32>(&store, "run").unwrap();
    run.call(&mut store, ()).unwrap()
}

fn wasmi_coremark(wasm: &[u8]) -> f32 {
    use wasmi::*;
    let engine = Engine::default();
    let module = Module::new(&engine, wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::<()>::new(&engine);
    linker.func_wrap("env", "clock_ms", clock_ms).unwrap();
    let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), f32>(&store, "run").unwrap();
    run.call(&mut store, ()).unwrap()
}

/// One measurement by the wasmtime peer script (`None` if Python's
/// `wasmtime` package is missing or the run failed).
fn wasmtime_peer(args: &[&str]) -> Option<f64> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("wasmtime_peer.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// `wasm` in a temporary file, for the peer script.
fn temp_wasm(name: &str, wasm: &[u8]) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("tandem-bench-{}-{name}.wasm", std::process::id()));
    std::fs::write(&path, wasm).unwrap();
    path
}

#[cfg(feature = "wasm3")]
fn wasm3_micro(wasm: &[u8], arg: i64) -> Option<Duration> {
    let env = wasm3::Environment::new().ok()?;
    let rt = env.create_runtime(1 << 20).ok()?;
    let module = rt.parse_and_load_module(wasm.to_vec()).ok()?;
    if let Ok(run) = module.find_function::<i32, i32>("run") {
        Some(time(|| run.call(arg as i32)).0)
    } else {
        let run = module.find_function::<i64, i64>("run").ok()?;
        Some(time(|| run.call(arg)).0)
    }
}

#[cfg(feature = "wasm3")]
fn wasm3_coremark(wasm: &[u8]) -> Option<f32> {
    let env = wasm3::Environment::new().ok()?;
    let rt = env.create_runtime(1 << 20).ok()?;
    let mut module = rt.parse_and_load_module(wasm.to_vec()).ok()?;
    module
        .link_closure("env", "clock_ms", |_, ()| Ok(clock_ms()))
        .ok()?;
    module.find_function::<(), f32>("run").ok()?.call().ok()
}

#[cfg(not(feature = "wasm3"))]
fn wasm3_micro(_: &[u8], _: i64) -> Option<Duration> {
    None
}

#[cfg(not(feature = "wasm3"))]
fn wasm3_coremark(_: &[u8]) -> Option<f32> {
    None
}

/// A measurement as a table cell (`n/a` where a peer cannot run).
fn cell(v: Option<f64>, unit: &str) -> String {
    v.map_or("n/a".to_string(), |v| format!("{v:.1}{unit}"))
}

/// How many times faster `a` is than `b`.
fn speedup(a: Option<f64>, b: Option<f64>, higher_is_better: bool) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:.2}x", if higher_is_better { a / b } else { b / a }),
        _ => "n/a".to_string(),
    }
}

/// Prints one table row: [interp, jit, wasmi, wasmtime, wasm3].
fn row(name: &str, r: &[Option<f64>], unit: &str, higher_is_better: bool) {
    println!(
        "{name:<24} {:>11} {:>11} {:>11} {:>11} {:>11} {:>10} {:>10} {:>10}",
        cell(r[0], unit),
        cell(r[1], unit),
        cell(r[2], unit),
        cell(r[3], unit),
        cell(r[4], unit),
        speedup(r[0], r[2], higher_is_better),
        speedup(r[1], r[3], higher_is_better),
        speedup(r[1], r[0], higher_is_better),
    );
}

/// Start-up: compile (validate; translation stays lazy) and instantiate a
/// large module, its imported functions satisfied by stubs that trap.
fn tandem_startup(tier: tandem::Tier, wasm: &[u8]) -> Duration {
    use tandem::*;
    let engine = tandem_engine(tier);
    time(|| {
        let module = Module::new(&engine, wasm).unwrap();
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        for (m, n, ty) in module.imports() {
            if let ExternType::Func(ty) = ty {
                linker
                    .func_new(m, n, ty, |_, _, _| Err(Error::msg("stub")))
                    .unwrap();
            }
        }
        linker.instantiate(&mut store, &module).unwrap()
    })
    .0
}

fn wasmi_startup(wasm: &[u8]) -> Duration {
    use wasmi::*;
    let mut config = Config::default();
    config.compilation_mode(CompilationMode::LazyTranslation);
    let engine = Engine::new(&config);
    time(|| {
        let module = Module::new(&engine, wasm).unwrap();
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::<()>::new(&engine);
        for import in module.imports() {
            if let ExternType::Func(ty) = import.ty() {
                linker
                    .func_new(import.module(), import.name(), ty.clone(), |_, _, _| {
                        Err(Error::new("stub"))
                    })
                    .unwrap();
            }
        }
        linker.instantiate_and_start(&mut store, &module).unwrap()
    })
    .0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let runs: usize = flag("--runs").and_then(|r| r.parse().ok()).unwrap_or(5);
    // Optional filter: only benchmarks whose name contains it.
    let filter = flag("--only").unwrap_or_default();
    let root = shared_bench();
    use tandem::Tier::{Interp, Jit, Tiered};
    println!(
        "{:<24} {:>11} {:>11} {:>11} {:>11} {:>11} {:>10} {:>10} {:>10}",
        "benchmark",
        "interp",
        "jit",
        "wasmi",
        "wasmtime",
        "wasm3",
        "int/wasmi",
        "jit/wtime",
        "jit/int"
    );
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    // The Wasm 2.0 micro-benchmarks (shared, run by every peer), then the
    // Wasm 3.0 ones (here, which wasmi and wasm3 do not run).
    let local = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("wat");
    let micros = (MICROS.iter().map(|m| (m, root.join("wat"), true)))
        .chain(MICROS_3.iter().map(|m| (m, local.clone(), false)));
    for (m, dir, all_peers) in micros.filter(|(m, ..)| m.file.contains(&filter)) {
        let wasm = wat::parse_file(dir.join(m.file)).unwrap();
        let file = temp_wasm(m.file, &wasm);
        let arg = m.arg.to_string();
        let r = alternate(
            runs,
            &mut [
                &mut || Some(ms(tandem_micro(Interp, &wasm, m.arg))),
                &mut || Some(ms(tandem_micro(Jit, &wasm, m.arg))),
                &mut || all_peers.then(|| ms(wasmi_micro(&wasm, m.arg))),
                &mut || wasmtime_peer(&["micro", file.to_str().unwrap(), &arg]),
                &mut || {
                    all_peers
                        .then(|| wasm3_micro(&wasm, m.arg))
                        .flatten()
                        .map(ms)
                },
            ],
        );
        row(m.file, &r, "ms", false);
        let _ = std::fs::remove_file(file);
    }
    if "coremark".contains(&filter) {
        let path = root.join("coremark.wasm");
        let wasm = std::fs::read(&path).unwrap();
        let score = |s: f32| s as f64;
        // Every run: wasmi's score alone varies by 10% run to run, so a
        // median of three moved the ratio by as much. A run of all the
        // engines takes about a minute.
        let r = alternate(
            runs,
            &mut [
                &mut || Some(score(tandem_coremark(Interp, &wasm))),
                &mut || Some(score(tandem_coremark(Jit, &wasm))),
                &mut || Some(score(wasmi_coremark(&wasm))),
                &mut || wasmtime_peer(&["coremark", path.to_str().unwrap()]),
                &mut || wasm3_coremark(&wasm).map(score),
            ],
        );
        row("coremark (score)", &r, "", true);
    }
    if "spidermonkey".contains(&filter) {
        let path = root.join("spidermonkey.wasm");
        let wasm = std::fs::read(&path).unwrap();
        let mb = wasm.len() as f64 / 1e6;
        // Compile throughput: validation plus every function translated
        // (interp) or compiled (jit), in MB of Wasm per second.
        let mbps = |d: Duration| mb / d.as_secs_f64();
        let compile = |tier| {
            let engine = tandem_engine(tier);
            time(|| {
                let module = tandem::Module::new(&engine, &wasm).unwrap();
                module.compile_all().unwrap();
            })
            .0
        };
        let r = alternate(
            runs,
            &mut [
                &mut || Some(mbps(compile(Interp))),
                &mut || Some(mbps(compile(Jit))),
                &mut || None,
                &mut || {
                    wasmtime_peer(&["compile", path.to_str().unwrap()]).map(|ms| mb / (ms / 1e3))
                },
                &mut || None,
            ],
        );
        row("spidermonkey compile", &r, "MB/s", true);
        let r = alternate(
            runs,
            &mut [
                &mut || Some(ms(tandem_startup(Interp, &wasm))),
                &mut || Some(ms(wasmi_startup(&wasm))),
                &mut || Some(ms(tandem_startup(Tiered, &wasm))),
            ],
        );
        row(
            "spidermonkey start-up",
            &[r[0], None, r[1], None, None],
            "ms",
            false,
        );
        // The default tier starts as the interpreter does (it only adds
        // hotness counters and the list of instances to swap).
        if let (Some(interp), Some(tiered)) = (r[0], r[2]) {
            println!(
                "spidermonkey start-up, tiered (the default): {tiered:.1}ms, {:.2}x interp",
                tiered / interp
            );
        }
    }
    simd::run(runs, &filter);
    time_to_result::run(runs, &filter);
}
