//! Side-by-side comparison of tandem's interpreter and wasmi on the shared
//! benchmark modules, in one run: prints a table of medians and ratios.
//!
//! Usage: `cargo run -p tandem-bench --release [-- --runs N] [-- --quick]`
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
        arg: 5_000,
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

/// Start-up: compile (validate; translation stays lazy) a large module.
fn tandem_compile(wasm: &[u8]) -> Duration {
    let engine = tandem::Engine::default();
    time(|| tandem::Module::new(&engine, wasm).unwrap()).0
}

fn wasmi_compile(wasm: &[u8]) -> Duration {
    let mut config = wasmi::Config::default();
    config.compilation_mode(wasmi::CompilationMode::LazyTranslation);
    let engine = wasmi::Engine::new(&config);
    time(|| wasmi::Module::new(&engine, wasm).unwrap()).0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(5);
    // Optional filter: only benchmarks whose name contains it.
    let filter = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_default();
    let root = shared_bench();
    println!(
        "{:<28} {:>14} {:>14} {:>8}",
        "benchmark", "tandem", "wasmi", "ratio"
    );
    for m in MICROS.iter().filter(|m| m.file.contains(&filter)) {
        let wasm = wat::parse_file(root.join("wat").join(m.file)).unwrap();
        let t = median(
            (0..runs)
                .map(|_| tandem_micro(&wasm, m.arg).as_secs_f64())
                .collect(),
        );
        let w = median(
            (0..runs)
                .map(|_| wasmi_micro(&wasm, m.arg).as_secs_f64())
                .collect(),
        );
        println!(
            "{:<28} {:>12.1}ms {:>12.1}ms {:>7.2}x",
            m.file,
            t * 1e3,
            w * 1e3,
            w / t
        );
    }
    if !"coremark".contains(&filter) && !filter.is_empty() {
        return;
    }
    let coremark = std::fs::read(root.join("coremark.wasm")).unwrap();
    let t = median(
        (0..runs.min(3))
            .map(|_| tandem_coremark(&coremark) as f64)
            .collect(),
    );
    let w = median(
        (0..runs.min(3))
            .map(|_| wasmi_coremark(&coremark) as f64)
            .collect(),
    );
    println!(
        "{:<28} {:>14.1} {:>14.1} {:>7.2}x",
        "coremark (score)",
        t,
        w,
        t / w
    );
    let sm = std::fs::read(root.join("spidermonkey.wasm")).unwrap();
    let t = median(
        (0..runs)
            .map(|_| tandem_compile(&sm).as_secs_f64())
            .collect(),
    );
    let w = median(
        (0..runs)
            .map(|_| wasmi_compile(&sm).as_secs_f64())
            .collect(),
    );
    println!(
        "{:<28} {:>12.1}ms {:>12.1}ms {:>7.2}x",
        "spidermonkey Module::new",
        t * 1e3,
        w * 1e3,
        w / t
    );
}
