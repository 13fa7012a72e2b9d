//! Side-by-side comparison of tandem's interpreter with wasmi (and wasm3) on the shared
//! benchmark modules, in one run: prints a table of medians and ratios. The
//! engines take turns run by run (see `alternate`).
//!
//! Usage: `cargo run -p tandem-bench --release [--features wasm3] -- [--runs N] [--only NAME]`
//! (run from the repository root; modules come from `../shared/bench`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

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

fn tandem_micro(wasm: &[u8], arg: i64) -> Duration {
    use tandem::*;
    let engine = Engine::default();
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

fn tandem_coremark(wasm: &[u8]) -> f32 {
    use tandem::*;
    let engine = Engine::default();
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

/// Prints one table row; `None` (a peer that cannot run the module) shows as n/a.
fn row(
    name: &str,
    tandem: f64,
    wasmi: f64,
    wasm3: Option<f64>,
    unit: &str,
    higher_is_better: bool,
) {
    let ratio = |peer: f64| {
        if higher_is_better {
            tandem / peer
        } else {
            peer / tandem
        }
    };
    let wasm3_col = wasm3.map_or("n/a".to_string(), |v| format!("{v:.1}{unit}"));
    let wasm3_ratio = wasm3.map_or("n/a".to_string(), |v| format!("{:.2}x", ratio(v)));
    println!(
        "{name:<26} {:>12} {:>12} {:>12} {:>10} {:>10}",
        format!("{tandem:.1}{unit}"),
        format!("{wasmi:.1}{unit}"),
        wasm3_col,
        format!("{:.2}x", ratio(wasmi)),
        wasm3_ratio,
    );
}

/// Start-up: compile (validate; translation stays lazy) and instantiate a
/// large module, its imported functions satisfied by stubs that trap.
fn tandem_startup(wasm: &[u8]) -> Duration {
    use tandem::*;
    let engine = Engine::default();
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
    println!(
        "{:<26} {:>12} {:>12} {:>12} {:>10} {:>10}",
        "benchmark", "tandem", "wasmi", "wasm3", "vs wasmi", "vs wasm3"
    );
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    for m in MICROS.iter().filter(|m| m.file.contains(&filter)) {
        let wasm = wat::parse_file(root.join("wat").join(m.file)).unwrap();
        let r = alternate(
            runs,
            &mut [
                &mut || Some(ms(tandem_micro(&wasm, m.arg))),
                &mut || Some(ms(wasmi_micro(&wasm, m.arg))),
                &mut || wasm3_micro(&wasm, m.arg).map(ms),
            ],
        );
        row(m.file, r[0].unwrap(), r[1].unwrap(), r[2], "ms", false);
    }
    if "coremark".contains(&filter) {
        let wasm = std::fs::read(root.join("coremark.wasm")).unwrap();
        let score = |s: f32| s as f64;
        // Every run: wasmi's score alone varies by 10% run to run (3690 to
        // 4080 on this machine), so a median of three moved the ratio by as
        // much. A run of the three engines takes about a minute.
        let r = alternate(
            runs,
            &mut [
                &mut || Some(score(tandem_coremark(&wasm))),
                &mut || Some(score(wasmi_coremark(&wasm))),
                &mut || wasm3_coremark(&wasm).map(score),
            ],
        );
        row(
            "coremark (score)",
            r[0].unwrap(),
            r[1].unwrap(),
            r[2],
            "",
            true,
        );
    }
    if "spidermonkey".contains(&filter) {
        let wasm = std::fs::read(root.join("spidermonkey.wasm")).unwrap();
        let r = alternate(
            runs,
            &mut [&mut || Some(ms(tandem_startup(&wasm))), &mut || {
                Some(ms(wasmi_startup(&wasm)))
            }],
        );
        let (t, w) = (r[0].unwrap(), r[1].unwrap());
        row("spidermonkey start-up", t, w, None, "ms", false);
    }
}
