//! Time to result of real WASI programs, from the start of a run to the
//! program's exit: tandem's first run (the default tiered tier, as a user
//! starts it), its first and second runs with the code cache (`--cache`),
//! and a run of a module `tandem compile -o` saved, beside wasmtime's first
//! run (compile, then run) and its run of a precompiled module
//! (`Module.deserialize_file`).
//!
//! tandem runs as the CLI (`target/release/tandem`, built first), so its
//! times include starting a process; wasmtime's are measured inside the
//! peer script, so they include neither Python's start nor its import of
//! wasmtime.

use super::{alternate, cell, shared_bench, speedup};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// A program: its module and the directory it runs in (holding its
/// input), from the repository's root, and its arguments.
struct Program {
    name: &'static str,
    module: &'static str,
    dir: &'static str,
    args: &'static [&'static str],
}

const PROGRAMS: &[Program] = &[
    Program {
        name: "bz2",
        module: "../shared/bench/bz2.wasm",
        dir: "../shared/bench/inputs/bz2",
        args: &[],
    },
    Program {
        name: "pulldown-cmark",
        module: "../shared/bench/pulldown-cmark.wasm",
        dir: "../shared/bench/inputs/pulldown-cmark",
        args: &[],
    },
    // Its workload (a JavaScript program) is built in.
    Program {
        name: "spidermonkey",
        module: "../shared/bench/spidermonkey.wasm",
        dir: "../shared/bench",
        args: &[],
    },
    // SQL on 200,000 rows (benches/programs/sqlite).
    Program {
        name: "sqlite",
        module: "benches/programs/sqlite/sqlite.wasm",
        dir: "benches/programs/sqlite",
        args: &["200000"],
    },
    // The Lua interpreter on a mixed script (benches/programs/lua).
    Program {
        name: "lua",
        module: "benches/programs/lua/lua.wasm",
        dir: "benches/programs/lua",
        args: &["bench.lua", "1"],
    },
    // zstd compressing 32 MB at three levels (benches/programs/zstd).
    Program {
        name: "zstd",
        module: "benches/programs/zstd/zstd.wasm",
        dir: "benches/programs/zstd",
        args: &["32"],
    },
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn tandem_cli() -> PathBuf {
    let bin = repo().join("target/release/tandem");
    assert!(
        bin.is_file(),
        "{} not found: build it with `cargo build --release -p tandem-cli`",
        bin.display()
    );
    bin
}

/// Milliseconds of one `tandem run` of `p` (its module at `module`) with
/// `options`.
fn tandem(p: &Program, options: &[&str], module: &Path) -> Option<f64> {
    let bench = shared_bench().join("bench.wat");
    let start = Instant::now();
    let status = Command::new(tandem_cli())
        .current_dir(repo().join(p.dir))
        .arg("run")
        .args(options)
        .arg("--preload")
        .arg(format!("bench={}", bench.display()))
        .args(["--dir", "."])
        .arg(module)
        .args(p.args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    status.success().then_some(ms)
}

/// wasmtime's first run and precompiled run of `p`, in milliseconds.
fn wasmtime(p: &Program) -> Option<(f64, f64)> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("wasmtime_peer.py");
    let out = Command::new("python3")
        .arg(script)
        .arg("wasi")
        .arg(repo().join(p.module))
        .arg(repo().join(p.dir))
        .args(p.args)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut ms = text.split_whitespace().map(|w| w.parse().ok());
    Some((ms.next()??, ms.next()??))
}

/// Runs each program whose name contains `filter` (all for `ttr`), `runs`
/// times per configuration, and prints a table of medians.
pub fn run(runs: usize, filter: &str) {
    let chosen = |p: &&Program| p.name.contains(filter) || "ttr".contains(filter);
    if !PROGRAMS.iter().any(|p| chosen(&p)) {
        return;
    }
    println!(
        "\n{:<15} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9} {:>9}",
        "time to result",
        "first",
        "jit",
        "cache:1st",
        "cache:2nd",
        "cache:3rd",
        "precomp",
        "wt first",
        "wt precmp",
        "2nd/wtp",
        "1st/wt1",
        "pre/wtp",
    );
    let scratch = std::env::temp_dir().join(format!("tandem-ttr-{}", std::process::id()));
    for p in PROGRAMS.iter().filter(chosen) {
        let module = repo().join(p.module);
        let cache = scratch.join(format!("cache-{}", p.name));
        let cache = cache.to_str().unwrap();
        let saved = scratch.join(p.name).join(format!("{}.wasm", p.name));
        std::fs::create_dir_all(saved.parent().unwrap()).unwrap();
        let compiled = Command::new(tandem_cli())
            .args(["compile", "-o"])
            .args([&saved, &module])
            .stdout(Stdio::null())
            .status();
        assert!(compiled.is_ok_and(|s| s.success()), "tandem compile -o");
        // One peer run gives both of wasmtime's times; the second column
        // takes what the first left.
        let precompiled = std::cell::Cell::new(None);
        let r = alternate(
            runs,
            &mut [
                &mut || tandem(p, &[], &module),
                &mut || tandem(p, &["--tier", "jit"], &module),
                &mut || {
                    let _ = std::fs::remove_dir_all(cache);
                    tandem(p, &["--cache", cache], &module)
                },
                // The run just before (the cold one) saved its code, and
                // this one what it compiled more.
                &mut || tandem(p, &["--cache", cache], &module),
                &mut || tandem(p, &["--cache", cache], &module),
                &mut || tandem(p, &["--allow-precompiled"], &saved),
                &mut || {
                    let r = wasmtime(p);
                    precompiled.set(r.map(|r| r.1));
                    r.map(|r| r.0)
                },
                &mut || precompiled.get(),
            ],
        );
        println!(
            "{:<15} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9} {:>9}",
            p.name,
            cell(r[0], "ms"),
            cell(r[1], "ms"),
            cell(r[2], "ms"),
            cell(r[3], "ms"),
            cell(r[4], "ms"),
            cell(r[5], "ms"),
            cell(r[6], "ms"),
            cell(r[7], "ms"),
            speedup(r[3], r[7], false),
            speedup(r[0], r[6], false),
            speedup(r[5], r[7], false),
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
    println!(
        "first: tiered (the default tier), no cache; jit: --tier jit (compile, then run); \
         cache:1st/2nd/3rd: --cache, from empty; precomp: `tandem compile -o`, \
         then run --allow-precompiled (tiered): the JIT's steady state; wt: wasmtime, in-process (no Python start), \
         first = compile + run, precmp = deserialize_file + run"
    );
}
