//! The latency of a host→wasm call while the engine compiles: a small
//! exported function, already compiled, called through a `TypedFunc` of a
//! default (tiered) engine, first while its compile thread is idle, then
//! while it compiles copies of spidermonkey.wasm (queued with
//! `Module::compile_in_background`). The two results sit in one group;
//! criterion's `estimates.json` holds their medians.
//! `cargo bench -p tandem-bench --bench latency`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tandem::{Engine, Instance, Module, Store};

/// Copies of spidermonkey.wasm queued for the busy run: enough compile
/// work (each is some 6000 functions) to outlast its warm-up and
/// measurement.
const COPIES: usize = 12;

const ADD: &str = r#"(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))"#;

/// CPU time the compile threads have used so far, from
/// `/proc/self/task/*/stat` (user + system time, in the kernel's USER_HZ
/// ticks, 100 per second on x86-64).
fn compile_cpu() -> Duration {
    let mut ticks = 0u64;
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        let Some((comm, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        // The kernel keeps 15 bytes of a thread's name: "tandem-compile-".
        if comm.contains("(tandem-compile") {
            // Fields 14 and 15 of stat(5); `rest` starts at field 3.
            let fields: Vec<&str> = rest.split_whitespace().collect();
            ticks += fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        }
    }
    Duration::from_millis(ticks * 10)
}

fn host_call(c: &mut Criterion) {
    let engine = Engine::default();
    let module = Module::new(&engine, ADD).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let add = instance
        .get_typed_func::<(i32, i32), i32>(&store, "add")
        .unwrap();
    // Both runs call the compiled function.
    module.compile_in_background();
    let start = Instant::now();
    while module.disassemble(0).is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "add not compiled"
        );
        std::thread::sleep(Duration::from_millis(1));
    }

    let mut group = c.benchmark_group("host-call");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("quiet", |b| {
        b.iter(|| add.call(&mut store, (black_box(1), 2)).unwrap())
    });

    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench/spidermonkey.wasm");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let copies: Vec<Module> = (0..COPIES)
        .map(|_| Module::new(&engine, &bytes).unwrap())
        .collect();
    for m in &copies {
        m.compile_in_background();
    }
    let (cpu, wall) = (compile_cpu(), Instant::now());
    group.bench_function("compiling", |b| {
        b.iter(|| add.call(&mut store, (black_box(1), 2)).unwrap())
    });
    let busy = (compile_cpu() - cpu).as_secs_f64() / wall.elapsed().as_secs_f64();
    // The run only says something if the compile thread stayed busy.
    let last = copies.last().unwrap();
    eprintln!(
        "compile thread busy {:.0}% of the 'compiling' run; the last copy's last function {}",
        busy * 100.0,
        if last.disassemble(last.num_funcs() - 1).is_some() {
            "was compiled before the end (queue more copies)"
        } else {
            "was still waiting at the end"
        }
    );
    group.finish();
}

criterion_group!(benches, host_call);
criterion_main!(benches);
