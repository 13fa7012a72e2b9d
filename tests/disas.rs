//! Golden disassembly, as wasmtime's `tests/disas`: each `tests/disas/*.wat`
//! is compiled by the JIT and its code compared with the `.disas` file beside
//! it, so every change to the code the JIT emits shows in review.
//!
//! `TANDEM_BLESS=1 cargo test --test disas` rewrites the `.disas` files from
//! what the JIT emits now.
//!
//! Directives at the top of a `.wat` file:
//! - `;; checks: fuel epoch` compiles with fuel metering and/or epoch
//!   checks on;
//! - `;; osr: FUNC LOOP` also compiles the on-stack-replacement entry into
//!   function FUNC at its loop LOOP (counting `loop` operators from 0);
//! - `;; cpu: baseline avx` compiles for each of these instruction sets in
//!   turn (default: only the baseline, SSE4.1), whatever this machine has.

use std::path::{Path, PathBuf};
use tandem::{Config, Engine, Module, Tier};
use tandem_jit::{JitCode, Unit};
use tandem_vm::{CpuFeatures, ModuleEnv};

/// The code of every local function of `path`, then of the OSR entries its
/// directives ask for, as text.
fn disassemble(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut config = Config::new();
    config.tier(Tier::Interp);
    let mut osr = Vec::new();
    let mut cpus = vec![("baseline", CpuFeatures::default())];
    for line in text.lines().map_while(|l| l.strip_prefix(";;")) {
        let line = line.trim();
        if let Some(checks) = line.strip_prefix("checks:") {
            for check in checks.split_whitespace() {
                match check {
                    "fuel" => config.consume_fuel(true),
                    "epoch" => config.epoch_interruption(true),
                    other => panic!("{}: unknown check `{other}`", path.display()),
                };
            }
        } else if let Some(sets) = line.strip_prefix("cpu:") {
            cpus = sets
                .split_whitespace()
                .map(|set| match set {
                    "baseline" => ("baseline", CpuFeatures::default()),
                    "avx" => ("avx", CpuFeatures { avx: true }),
                    other => panic!("{}: unknown instruction set `{other}`", path.display()),
                })
                .collect();
        } else if let Some(at) = line.strip_prefix("osr:") {
            let n: Vec<u32> = at.split_whitespace().map(|n| n.parse().unwrap()).collect();
            assert_eq!(n.len(), 2, "{}: `;; osr: FUNC LOOP`", path.display());
            osr.push(Unit::osr(n[0], n[1]));
        }
    }
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, &text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let first = module.env().num_imported_funcs;
    let units: Vec<Unit> = (first..first + module.env().bodies.len() as u32)
        .map(Unit::func)
        .chain(osr)
        .collect();
    let mut out = String::new();
    for (k, (name, cpu)) in cpus.into_iter().enumerate() {
        if k > 0 {
            out.push_str(&format!("\n;; ===== cpu: {name} =====\n\n"));
        }
        let mut env = module.env().clone();
        env.cpu = cpu;
        out.push_str(&listing(&env, &units));
    }
    out
}

/// The code of `units` as the JIT compiles them for `env`.
fn listing(env: &ModuleEnv, units: &[Unit]) -> String {
    let code = JitCode::compile(env, units, 1).unwrap();
    let mut out = String::new();
    for (k, unit) in units.iter().enumerate() {
        let name = match env.func_names.get(&unit.func_index) {
            Some(name) => format!(" ${name}"),
            None => String::new(),
        };
        let entry = match unit.osr_loop {
            Some(l) => format!(", entered at loop {l}"),
            None => String::new(),
        };
        out.push_str(&format!(";; function {}{name}{entry}\n", unit.func_index));
        out.push_str(&code.disassemble(k));
    }
    out
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/disas");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/disas exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    cases.sort();
    cases
}

#[test]
fn golden_disassembly() {
    if !tandem_jit::Jit::is_supported() {
        panic!("the JIT does not run on this machine, so its code cannot be checked");
    }
    let bless = std::env::var_os("TANDEM_BLESS").is_some();
    let cases = cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let mut differ = Vec::new();
    for wat in &cases {
        let asm = wat.with_extension("disas");
        let got = disassemble(wat);
        if bless {
            std::fs::write(&asm, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&asm).unwrap_or_default();
        if got != want {
            eprintln!(
                "--- {} (expected)\n+++ now\n{}",
                asm.display(),
                diff(&want, &got)
            );
            differ.push(asm.display().to_string());
        }
    }
    assert!(
        differ.is_empty(),
        "the code differs from {differ:?}; if intended, rerun with TANDEM_BLESS=1"
    );
}

/// The lines that differ, as `-`/`+` pairs around the first difference.
fn diff(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let first = w.iter().zip(&g).take_while(|(a, b)| a == b).count();
    let mut out = String::new();
    for line in w.iter().skip(first).take(20) {
        out.push_str(&format!("-{line}\n"));
    }
    for line in g.iter().skip(first).take(20) {
        out.push_str(&format!("+{line}\n"));
    }
    out
}
