//! Criterion benchmarks: each micro-benchmark of `../shared/bench/wat` on
//! tandem's interpreter and on wasmi, in the same group, so the report
//! compares them directly. `cargo bench -p tandem-bench`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::path::PathBuf;

const CASES: &[(&str, i64)] = &[
    ("counter-local.wat", 100_000),
    ("counter-param.wat", 100_000),
    ("counter-global.wat", 100_000),
    ("fibonacci-iter.wat", 100_000),
    ("fibonacci-rec.wat", 20),
    ("bulk-ops.wat", 1_000),
];

fn wasm(file: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/bench/wat")
        .join(file);
    wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn micro(c: &mut Criterion) {
    for &(file, n) in CASES {
        let bytes = wasm(file);
        let mut group = c.benchmark_group(file);

        let engine = tandem::Engine::new(tandem::Config::new().tier(tandem::Tier::Interp)).unwrap();
        let module = tandem::Module::new(&engine, &bytes).unwrap();
        let mut store = tandem::Store::new(&engine, ());
        let instance = tandem::Instance::new(&mut store, &module, &[]).unwrap();
        let run = instance.get_func(&store, "run").unwrap();
        let arg = match run.ty(&store).params()[0] {
            tandem::ValType::I32 => tandem::Val::I32(n as i32),
            _ => tandem::Val::I64(n),
        };
        group.bench_function(BenchmarkId::new("tandem", n), |b| {
            let mut out = [tandem::Val::I32(0)];
            b.iter(|| run.call(&mut store, &[arg], &mut out).unwrap())
        });

        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, &bytes).unwrap();
        let mut store = wasmi::Store::new(&engine, ());
        let linker = wasmi::Linker::<()>::new(&engine);
        let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
        let run = instance.get_func(&store, "run").unwrap();
        let arg = match run.ty(&store).params()[0] {
            wasmi::ValType::I32 => wasmi::Val::I32(n as i32),
            _ => wasmi::Val::I64(n),
        };
        group.bench_function(BenchmarkId::new("wasmi", n), |b| {
            let mut out = [wasmi::Val::I32(0)];
            b.iter(|| {
                run.call(&mut store, std::slice::from_ref(&arg), &mut out)
                    .unwrap()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, micro);
criterion_main!(benches);
