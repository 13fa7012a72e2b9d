//! `check-tail-calls.sh` must flag a handler that calls, or that does not
//! dispatch by a jump, wherever it stands among the others; a listing of
//! handlers that all jump passes.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A handler that dispatches by a tail jump.
const GOOD: &str = "0000000000001000 <tandem_interp::exec::dispatch::threaded::handler>:
    1000:\tmov    (%rdi),%eax
    1004:\tcall   *0x10(%rip)        # 2000 <memmove@GLIBC>
    100a:\tlea    0x1000(%rip),%rcx
    1011:\tjmp    *(%rcx,%rax,8)
";

/// Runs the script on `listing`; its exit success and output.
fn check(listing: &str) -> (bool, String) {
    let dir = std::env::temp_dir().join(format!("tandem-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let file = dir.join(format!("{}.txt", NEXT.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(&file, listing).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/check-tail-calls.sh");
    let out = Command::new("bash")
        .arg(script)
        .arg("--disassembly")
        .arg(&file)
        .output()
        .expect("bash runs");
    let _ = std::fs::remove_file(&file);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn handlers_that_jump_pass() {
    let (ok, out) = check(&[GOOD, GOOD, GOOD].concat());
    assert!(ok, "{out}");
    assert!(out.contains("handlers: 3,"), "{out}");
}

#[test]
fn a_handler_that_calls_the_next_fails_wherever_it_stands() {
    let calls = "0000000000003000 <tandem_interp::exec::handler>:
    3000:\tlea    0x1000(%rip),%rcx
    3007:\tcall   *(%rcx,%rax,8)
    300a:\tjmp    *(%rcx,%rax,8)
";
    for listing in [
        [calls, GOOD, GOOD].concat(),
        [GOOD, calls, GOOD].concat(),
        [GOOD, GOOD, calls].concat(),
    ] {
        let (ok, out) = check(&listing);
        assert!(!ok, "not flagged:\n{out}");
        assert!(out.contains("BAD 0000000000003000"), "{out}");
    }
}

#[test]
fn a_direct_call_to_a_handler_or_call_slow_fails() {
    for callee in [
        "tandem_interp::exec::dispatch::threaded::handler",
        "tandem_interp::exec::calls::call_slow",
    ] {
        let bad = format!(
            "0000000000004000 <tandem_interp::exec::handler>:
    4000:\tcall   5000 <{callee}>
    4005:\tjmp    *(%rcx,%rax,8)
"
        );
        let (ok, out) = check(&[GOOD, &bad, GOOD].concat());
        assert!(!ok, "{callee} not flagged:\n{out}");
    }
}

#[test]
fn a_handler_without_a_jump_fails() {
    let returns = "0000000000006000 <tandem_interp::exec::handler>:
    6000:\tmov    $0x1,%eax
    6005:\tret
";
    let (ok, out) = check(&[GOOD, returns, GOOD].concat());
    assert!(!ok, "{out}");
    assert!(out.contains("NO JMP 0000000000006000"), "{out}");
}

#[test]
fn no_handler_at_all_fails() {
    let other = "0000000000007000 <main>:\n    7000:\tret\n";
    let (ok, out) = check(other);
    assert!(!ok, "{out}");
}
