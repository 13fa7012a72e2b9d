//! Start-up costs: `Module::new`, and `Module::deserialize` of a module
//! saved with its code; the first call of a small module's export
//! (a store, an instance, the call) per tier; and instantiation: a new
//! store and `Linker::instantiate` of a module whose
//! `Module::new` is done (every import a stub host function), dropped
//! again, per iteration: a small module and real ones with megabytes of
//! data segments, each with memories mapped from copy-on-write images (the
//! default) and with the segments copied (`Config::memory_init_cow(false)`).
//! With the pooling allocator (`Config::pooling`), the store's memories
//! and tables go back to the pool when it drops, for the next iteration.
//! The first instantiation of a module, which also lays out its memory
//! images, falls in the warm-up.
//! `cargo bench -p tandem-bench --bench instantiate`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::PathBuf;
use std::time::Duration;
use tandem::{Config, Engine, ExternType, Linker, Module, PoolingConfig, Store, Tier};

const SMALL: &str = r#"(module
  (memory (export "memory") 1)
  (data (i32.const 16) "hello")
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))"#;

fn bench_module(path: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The modules measured: a small one and real programs.
fn modules() -> [(&'static str, Vec<u8>); 5] {
    [
        ("small", SMALL.as_bytes().to_vec()),
        ("bz2", bench_module("../../shared/bench/bz2.wasm")),
        (
            "pulldown-cmark",
            bench_module("../../shared/bench/pulldown-cmark.wasm"),
        ),
        (
            "spidermonkey",
            bench_module("../../shared/bench/spidermonkey.wasm"),
        ),
        ("sqlite", bench_module("programs/sqlite/sqlite.wasm")),
    ]
}

/// `Module::new` in the default (tiered) configuration: parsing and
/// validation; functions are translated or compiled when they run.
fn module_new(c: &mut Criterion) {
    let mut group = c.benchmark_group("module_new");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let engine = Engine::default();
    for (name, bytes) in modules() {
        group.bench_function(name, |b| b.iter(|| Module::new(&engine, &bytes).unwrap()));
    }
    group.finish();
}

/// `Module::deserialize` of what `Module::serialize` wrote in the jit tier
/// (the binary, and every function's machine code), into the default
/// tiered tier: what a precompiled module, or a code cache hit, costs
/// instead of `Module::new` (no validation; the code is mapped and
/// relocated, not compiled).
fn module_deserialize(c: &mut Criterion) {
    let mut group = c.benchmark_group("module_deserialize");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let mut config = Config::new();
    config.tier(Tier::Jit);
    let jit = Engine::new(&config).unwrap();
    let engine = Engine::default();
    for (name, bytes) in modules() {
        let saved = Module::new(&jit, &bytes).unwrap().serialize().unwrap();
        group.bench_function(name, |b| {
            // SAFETY: `serialize` wrote these bytes.
            b.iter(|| unsafe { Module::deserialize(&engine, &saved) }.unwrap())
        });
    }
    group.finish();
}

/// A store, an instance of the small module and the first call of its
/// export, by tier: what a request handler pays per request.
fn first_call(c: &mut Criterion) {
    let mut group = c.benchmark_group("first_call");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for tier in [Tier::Interp, Tier::Jit, Tier::Tiered] {
        for pooling in [false, true] {
            let mut config = Config::new();
            config.tier(tier);
            if pooling {
                config.pooling(PoolingConfig::new());
            }
            let engine = Engine::new(&config).unwrap();
            let module = Module::new(&engine, SMALL).unwrap();
            let linker = Linker::new(&engine);
            let label = format!("small, {tier}{}", if pooling { ", pooling" } else { "" });
            group.bench_function(label, |b| {
                b.iter(|| {
                    let mut store = Store::new(&engine, ());
                    let instance = linker.instantiate(&mut store, &module).unwrap();
                    let add = instance
                        .get_typed_func::<(i32, i32), i32>(&store, "add")
                        .unwrap();
                    add.call(&mut store, (1, 2)).unwrap()
                })
            });
        }
    }
    group.finish();
}

fn instantiate(c: &mut Criterion) {
    let modules = modules();
    let mut group = c.benchmark_group("instantiate");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let settings = ["cow", "copy", "pooling"];
    for ((name, bytes), setting) in modules
        .iter()
        .flat_map(|m| settings.map(|setting| (m, setting)))
    {
        let mut config = Config::new();
        match setting {
            "copy" => config.memory_init_cow(false),
            "pooling" => config.pooling(PoolingConfig::new()),
            _ => &mut config,
        };
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(&engine, bytes).unwrap();
        let mut linker = Linker::new(&engine);
        for (m, n, ty) in module.imports() {
            let ExternType::Func(ty) = ty else {
                panic!("{name} imports {m}.{n}, not a function");
            };
            linker
                .func_new(m, n, ty, |_, _, _| {
                    Err(tandem::Error::Unsupported("a stub".into()))
                })
                .unwrap();
        }
        let label = format!("{name} ({setting})");
        group.bench_function(label, |b| {
            b.iter(|| {
                let mut store = Store::new(&engine, ());
                linker.instantiate(&mut store, &module).unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    module_new,
    module_deserialize,
    instantiate,
    first_call
);
criterion_main!(benches);
