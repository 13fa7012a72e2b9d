//! Runs the whole WebAssembly 2.0 spec test suite through the interpreter.
//!
//! The suite is found at `$TANDEM_TESTSUITE/wasm-2.0`, else at
//! `<workspace>/../shared/testsuite/wasm-2.0`. A missing suite fails the test.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use tandem::{Config, Tier};
use tandem_cli::wast::{run_file, FileReport};

const EXPECTED_FILES: usize = 148;
const THREADS: usize = 2;

fn suite_dir() -> PathBuf {
    match std::env::var_os("TANDEM_TESTSUITE") {
        Some(dir) => PathBuf::from(dir).join("wasm-2.0"),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/testsuite/wasm-2.0"),
    }
}

#[test]
fn wasm_2_0_spec_suite() {
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

    let next = AtomicUsize::new(0);
    let reports: Mutex<Vec<FileReport>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn_scoped(s, || {
                    let mut config = Config::default();
                    config.tier(Tier::Interp);
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else { break };
                        let report = run_file(file, &config);
                        reports.lock().unwrap().push(report);
                    }
                })
                .expect("cannot spawn a test thread");
        }
    });

    let mut reports = reports.into_inner().unwrap();
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    let passed: usize = reports.iter().map(|r| r.passed).sum();
    let failed: usize = reports.iter().map(|r| r.failed).sum();
    let mut failing_files = Vec::new();
    for report in &reports {
        if report.failed > 0 {
            for failure in &report.failures {
                println!("{failure}");
            }
            println!("{}", report.summary());
            failing_files.push(
                report
                    .path
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .to_string(),
            );
        }
    }
    println!("spec: {passed} passed, {failed} failed");
    assert_eq!(reports.len(), EXPECTED_FILES);
    assert!(
        failed == 0,
        "{failed} spec assertion(s) failed in {} file(s): {}",
        failing_files.len(),
        failing_files.join(" ")
    );
}

/// The interpreter's own edge cases that the spec suite does not reach
/// (immediates wider than 32 bits, stale local reads, …).
#[test]
fn interpreter_edge_cases() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../interp/tests/edge.wast");
    let report = run_file(&path, &Config::default());
    for failure in &report.failures {
        println!("{failure}");
    }
    assert!(report.passed > 0, "{} ran no checks", path.display());
    assert_eq!(report.failed, 0, "{}", report.summary());
}
