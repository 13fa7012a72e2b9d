//! Runs the WebAssembly 2.0 spec test suite in every tier, each `.wast`
//! file in each tier as its own test case (`interp::i32.wast`,
//! `jit::call.wast`, `tiered::call.wast`), so a failure names its file and
//! tier; the usual test
//! filters select them (`cargo test --test spec -- jit::`).
//!
//! The suite is found at `$TANDEM_TESTSUITE/wasm-2.0`, else at
//! `<workspace>/../shared/testsuite/wasm-2.0`. A missing suite fails the
//! run.

use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
use tandem::{Config, Tier};
use tandem_cli::wast::run_file;

const EXPECTED_FILES: usize = 148;

fn suite_dir() -> PathBuf {
    match std::env::var_os("TANDEM_TESTSUITE") {
        Some(dir) => PathBuf::from(dir).join("wasm-2.0"),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/testsuite/wasm-2.0"),
    }
}

/// Runs one script in `tier` on a thread with a big stack (the suite's
/// exhaustion tests must hit the engine's limits, not the host's);
/// `in_caller` compiles tier-ups in that thread; `checks` turns fuel and
/// epoch interruption on (see `Runner::new`); `baseline` keeps the JIT to
/// SSE4.1 (else it uses AVX where the machine has it).
fn run(
    path: PathBuf,
    tier: Tier,
    in_caller: bool,
    checks: bool,
    baseline: bool,
) -> Result<(), Failed> {
    let report = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let mut config = Config::default();
            // Tiered: every function asks to be compiled at its first call,
            // so the scripts run on stacks mixing both tiers.
            config
                .tier(tier)
                .tier_up_threshold(1)
                .tier_up_in_caller(in_caller)
                .consume_fuel(checks)
                .epoch_interruption(checks);
            if baseline {
                config.jit_avx(false);
            }
            run_file(&path, &config)
        })
        .expect("cannot spawn a test thread")
        .join()
        .map_err(|_| Failed::from("the script runner panicked"))?;
    if report.passed == 0 {
        return Err(format!("{} ran no checks", report.path.display()).into());
    }
    if report.failed > 0 {
        return Err(format!("{}\n{}", report.failures.join("\n"), report.summary()).into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let dir = suite_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "the spec test suite is missing: cannot read {}: {e} \
             (set TANDEM_TESTSUITE to the directory holding wasm-2.0/)",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("cannot list the suite directory").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wast"))
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        EXPECTED_FILES,
        "expected {EXPECTED_FILES} .wast files in {}",
        dir.display()
    );
    let name = |p: &Path| p.file_name().unwrap().to_string_lossy().into_owned();
    let mut trials = Vec::new();
    // `osr`: tiered, compiling in the calling thread, so that every
    // function runs compiled from its second call and every loop that
    // iterates twice moves to its OSR entry. `+checks`: with the
    // embedder's checks in the code, which must change no result.
    // `jit-sse4.1`: the JIT's baseline encodings, where the others use
    // AVX's if the machine has it.
    let tiers = [
        (Tier::Interp, "interp", false, false, false),
        (Tier::Jit, "jit", false, false, false),
        (Tier::Jit, "jit-sse4.1", false, false, true),
        (Tier::Tiered, "tiered", false, false, false),
        (Tier::Tiered, "osr", true, false, false),
        (Tier::Interp, "interp+checks", false, true, false),
        (Tier::Jit, "jit+checks", false, true, false),
        (Tier::Tiered, "osr+checks", true, true, false),
    ];
    for (tier, label, in_caller, checks, baseline) in tiers {
        for file in &files {
            let file = file.clone();
            trials.push(Trial::test(
                format!("{label}::{}", name(&file)),
                move || run(file, tier, in_caller, checks, baseline),
            ));
        }
    }
    // The interpreter's own edge cases, which the suite does not reach
    // (immediates wider than 32 bits, stale local reads, …); some use SIMD.
    let edge = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../interp/tests/edge.wast");
    trials.push(Trial::test("interp::edge.wast", move || {
        run(edge, Tier::Interp, false, false, false)
    }));
    // The shapes the JIT gives SIMD operators, checked against results
    // computed by definition, in each encoding.
    let shapes = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/simd_shapes.wast");
    for (tier, label, baseline) in [
        (Tier::Interp, "interp", false),
        (Tier::Jit, "jit", false),
        (Tier::Jit, "jit-sse4.1", true),
    ] {
        let file = shapes.clone();
        trials.push(Trial::test(
            format!("{label}::simd_shapes.wast"),
            move || run(file, tier, false, false, baseline),
        ));
    }
    libtest_mimic::run(&args, trials).exit();
}
