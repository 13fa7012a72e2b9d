//! The SIMD kernels of `benches/simd/` (C built by its `build.sh` with
//! clang `-O3 -msimd128`): tandem's JIT (with AVX where the machine has it,
//! and on SSE4.1), its default tier and its interpreter beside wasmtime.
//! Each kernel exports `run(n)`, which does its work `n` times and returns
//! a checksum; the engines' checksums must agree.

use super::{alternate, cell, speedup, time};
use std::cell::RefCell;
use std::path::PathBuf;

/// A kernel and the `n` that makes wasmtime take about half a second.
struct Kernel {
    name: &'static str,
    n: i32,
}

const KERNELS: &[Kernel] = &[
    Kernel {
        name: "matmul_f32",
        n: 20_000,
    },
    Kernel {
        name: "blur_u8",
        n: 10_000,
    },
    Kernel {
        name: "dot_i16",
        n: 30_000,
    },
    Kernel {
        name: "byte_search",
        n: 50_000,
    },
];

/// The interpreter runs `n / INTERP_SHARE` and its time is scaled up:
/// the whole `n` would take minutes.
const INTERP_SHARE: i32 = 50;

/// Milliseconds of one `run(n)` call (after instantiation) in a tandem
/// engine, and its checksum.
fn tandem(tier: tandem::Tier, baseline: bool, wasm: &[u8], n: i32) -> (f64, u32) {
    use tandem::*;
    let mut config = Config::new();
    config.tier(tier);
    if baseline {
        config.jit_avx(false);
    }
    let engine = Engine::new(&config).expect("tier available");
    let module = Module::new(&engine, wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let run = instance.get_typed_func::<i32, i32>(&store, "run").unwrap();
    let (d, sum) = time(|| run.call(&mut store, n).unwrap());
    (d.as_secs_f64() * 1e3, sum as u32)
}

/// The same by wasmtime through the peer script (compile excluded).
fn wasmtime(file: &std::path::Path, n: i32) -> Option<(f64, u32)> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("wasmtime_peer.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .args(["kernel", file.to_str()?, &n.to_string()])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace();
    let ms = words.next()?.parse().ok()?;
    let sum = words.next()?.parse::<i64>().ok()?;
    Some((ms, sum as u32))
}

/// Runs every kernel whose name contains `filter` (all for `simd`), `runs`
/// times per engine, and prints a table of medians.
pub fn run(runs: usize, filter: &str) {
    use tandem::Tier::{Interp, Jit, Tiered};
    println!(
        "\n{:<14} {:>11} {:>11} {:>11} {:>11} {:>11} {:>9} {:>9} {:>9}",
        "SIMD kernel",
        "interp*",
        "jit-sse4.1",
        "jit",
        "tiered",
        "wasmtime",
        "sse/wt",
        "jit/wt",
        "tier/wt"
    );
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("simd");
    let chosen = |k: &&Kernel| k.name.contains(filter) || "simd".contains(filter);
    for k in KERNELS.iter().filter(chosen) {
        let file = dir.join(format!("{}.wasm", k.name));
        let wasm = std::fs::read(&file)
            .unwrap_or_else(|e| panic!("{}: {e} (run benches/simd/build.sh)", file.display()));
        let n = k.n;
        let sums = RefCell::new(Vec::new());
        let checked = |r: (f64, u32)| {
            sums.borrow_mut().push(r.1);
            Some(r.0)
        };
        let r = alternate(
            runs,
            &mut [
                &mut || {
                    let (ms, _) = tandem(Interp, false, &wasm, n / INTERP_SHARE);
                    Some(ms * INTERP_SHARE as f64)
                },
                &mut || checked(tandem(Jit, true, &wasm, n)),
                &mut || checked(tandem(Jit, false, &wasm, n)),
                &mut || checked(tandem(Tiered, false, &wasm, n)),
                &mut || wasmtime(&file, n).and_then(checked),
            ],
        );
        let agree = sums.borrow().windows(2).all(|w| w[0] == w[1]);
        println!(
            "{:<14} {:>11} {:>11} {:>11} {:>11} {:>11} {:>9} {:>9} {:>9}{}",
            k.name,
            cell(r[0], "ms"),
            cell(r[1], "ms"),
            cell(r[2], "ms"),
            cell(r[3], "ms"),
            cell(r[4], "ms"),
            speedup(r[1], r[4], false),
            speedup(r[2], r[4], false),
            speedup(r[3], r[4], false),
            if agree { "" } else { "  CHECKSUMS DIFFER" },
        );
    }
    println!("* interp: n/{INTERP_SHARE} runs, time scaled by {INTERP_SHARE}; wasmtime: compile excluded");
}
