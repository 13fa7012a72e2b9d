//! Runs the WebAssembly 2.0 and 3.0 spec test suites in every tier, each
//! `.wast` file in each tier as its own test case (`interp::i32.wast`,
//! `jit::call.wast`, `tiered::3.0/memory64.wast`), so a failure names its
//! file and tier; the usual test filters select them (`cargo test --test
//! spec -- jit::`).
//!
//! The suites are found at `$TANDEM_TESTSUITE/wasm-2.0` and `wasm-3.0`,
//! else in `<workspace>/../shared/testsuite/`. A missing suite fails the
//! run. The 3.0 files that need a proposal tandem does not run yet are
//! listed below by proposal and show as ignored trials, never as passes.

use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
use tandem::{Config, Tier};
use tandem_cli::wast::run_file;

/// `.wast` files in the 2.0 and 3.0 suites.
const EXPECTED_FILES: [usize; 2] = [148, 257];

/// The 3.0 files of Wasm GC (issue 30), by name or prefix (`*`).
const GC: &[&str] = &[
    "array*",
    "br_on_cast*",
    "extern",
    "i31",
    "ref_cast",
    "ref_eq",
    "ref_null",
    "ref_test",
    "struct",
    "table_init*",
    "type-*",
];

/// Why a 3.0 file is not run yet, if it is not: it needs Wasm GC.
fn not_yet(stem: &str) -> Option<String> {
    let matches = |p: &&str| match p.strip_suffix('*') {
        Some(prefix) => stem.starts_with(prefix),
        None => stem == *p,
    };
    GC.iter().any(matches).then(|| "Wasm GC".into())
}

fn suite_dir(version: &str) -> PathBuf {
    match std::env::var_os("TANDEM_TESTSUITE") {
        Some(dir) => PathBuf::from(dir).join(version),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/testsuite")
            .join(version),
    }
}

/// The `.wast` files of suite `version`, sorted, checked to be all there.
fn suite_files(version: &str, expected: usize) -> Vec<PathBuf> {
    let dir = suite_dir(version);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "the spec test suite is missing: cannot read {}: {e} \
             (set TANDEM_TESTSUITE to the directory holding {version}/)",
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
        expected,
        "expected {expected} .wast files in {}",
        dir.display()
    );
    files
}

/// Runs one script in `tier` on a thread with a big stack (the suite's
/// exhaustion tests must hit the engine's limits, not the host's), as a
/// Wasm 2.0 script if `wasm2` (else 3.0);
/// `in_caller` compiles tier-ups in that thread; `checks` turns fuel and
/// epoch interruption on (see `Runner::new`); `baseline` keeps the JIT to
/// SSE4.1 (else it uses AVX where the machine has it).
fn run(
    path: PathBuf,
    tier: Tier,
    in_caller: bool,
    checks: bool,
    baseline: bool,
    wasm2: bool,
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
            if wasm2 {
                config.wasm_2_0();
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
    let files = suite_files("wasm-2.0", EXPECTED_FILES[0]);
    let files3 = suite_files("wasm-3.0", EXPECTED_FILES[1]);
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
                move || run(file, tier, in_caller, checks, baseline, true),
            ));
        }
    }
    // Wasm 3.0, in each tier and the tiered mode's extremes.
    let tiers3 = [
        (Tier::Interp, "interp", false),
        (Tier::Jit, "jit", false),
        (Tier::Tiered, "tiered", false),
        (Tier::Tiered, "osr", true),
    ];
    for (tier, label, in_caller) in tiers3 {
        for file in &files3 {
            let stem = file.file_stem().unwrap().to_string_lossy();
            let test_name = format!("{label}::3.0/{}", name(file));
            // A file that needs what is not there yet is ignored (shown as
            // such, and run by `--include-ignored`).
            let pending = not_yet(&stem);
            let file = file.clone();
            let trial = Trial::test(test_name, move || {
                run(file, tier, in_caller, false, false, false)
            });
            trials.push(match pending {
                Some(proposal) => trial
                    .with_kind(format!("needs {proposal}"))
                    .with_ignored_flag(true),
                None => trial,
            });
        }
    }
    // The legacy exception-handling opcodes (`try`, `catch`, `rethrow`,
    // `delegate`), which the 3.0 suite leaves out: the spec repository's
    // tests for them (see `tests/legacy-exceptions/README.md`).
    let legacy = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/legacy-exceptions");
    let mut legacy: Vec<PathBuf> = (std::fs::read_dir(&legacy).expect("tests/legacy-exceptions"))
        .map(|e| e.expect("cannot list tests/legacy-exceptions").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wast"))
        .collect();
    legacy.sort();
    assert_eq!(legacy.len(), 4, "tests/legacy-exceptions holds 4 scripts");
    for (tier, label, in_caller) in tiers3 {
        for file in &legacy {
            let file = file.clone();
            trials.push(Trial::test(
                format!("{label}::legacy/{}", name(&file)),
                move || run(file, tier, in_caller, false, false, false),
            ));
        }
    }
    // The interpreter's own edge cases, which the suite does not reach
    // (immediates wider than 32 bits, stale local reads, …); some use SIMD.
    let edge = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../interp/tests/edge.wast");
    trials.push(Trial::test("interp::edge.wast", move || {
        run(edge, Tier::Interp, false, false, false, false)
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
            move || run(file, tier, false, false, baseline, false),
        ));
    }
    libtest_mimic::run(&args, trials).exit();
}
