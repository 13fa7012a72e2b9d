//! Tests of the `tandem` command line.

use std::path::PathBuf;
use std::process::{Command, Output};

fn tandem(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("cannot run tandem")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tandem-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn invoke_add() {
    let out = tandem(&["run", "--invoke", "add", "examples/add.wat", "2", "3"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "5\n");
}

#[test]
fn invoke_parses_negative_and_hex() {
    let out = tandem(&["run", "--invoke", "add", "examples/add.wat", "-7", "0x10"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "9\n");
}

#[test]
fn invoke_prints_floats() {
    let wat = temp_file(
        "floats.wat",
        r#"(module
             (func (export "half") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 0.5)))
             (func (export "div") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1))))"#,
    );
    let wat = wat.to_str().unwrap();
    let out = tandem(&["run", "--invoke", "half", wat, "-3"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "-1.5\n");
    let out = tandem(&["run", "--invoke", "div", wat, "1", "0"]);
    assert_eq!(stdout(&out), "inf\n");
    let out = tandem(&["run", "--invoke", "div", wat, "0", "0"]);
    assert_eq!(stdout(&out), "nan\n");
}

#[test]
fn jit_tier_runs_and_prints_its_code() {
    let out = tandem(&[
        "run",
        "--tier",
        "jit",
        "--print-asm",
        "0",
        "--invoke",
        "add",
        "examples/add.wat",
        "2",
        "3",
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("func[0]:\n"), "{text}");
    assert!(
        text.contains("push    rbp") && text.contains("ret"),
        "{text}"
    );
    assert!(text.ends_with("\n5\n"), "{text}");
    let out = tandem(&["compile", "--tier", "jit", "examples/add.wat"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert!(stdout(&out).contains("1 function(s)"), "{}", stdout(&out));
}

#[test]
fn tiered_tier_runs() {
    let out = tandem(&[
        "run",
        "--tier",
        "tiered",
        "--tier-up-threshold",
        "1",
        "--invoke",
        "add",
        "examples/add.wat",
        "2",
        "3",
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "5\n");
}

#[test]
fn compile_o_saves_what_run_allow_precompiled_runs() {
    let saved = temp_file("add.cwasm", "");
    let saved = saved.to_str().unwrap();
    let out = tandem(&["compile", "-o", saved, "examples/add.wat"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "--invoke", "add"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[saved, "2", "3"]);
        tandem(&args)
    };
    for tier in ["jit", "tiered"] {
        let out = run(&["--tier", tier, "--allow-precompiled"]);
        assert!(out.status.success(), "{tier}: {}", stderr(&out));
        assert_eq!(stdout(&out), "5\n");
    }
    // Its machine code runs as it is: only when allowed.
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--allow-precompiled"),
        "{}",
        stderr(&out)
    );
    // Code compiled without fuel checks never runs with fuel.
    let out = run(&["--allow-precompiled", "--fuel", "1000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("fuel off"), "{}", stderr(&out));
    let out = tandem(&["compile", "-o", saved, "--fuel", "examples/add.wat"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let out = run(&["--allow-precompiled", "--fuel", "1000"]);
    assert_eq!(stdout(&out), "5\n", "{}", stderr(&out));
}

/// A module whose two functions tier up at their first call: `run`
/// calls `twice` as many times as its argument says, long enough for the
/// compile thread to install `twice` while `run` still calls it.
const TIER_UP: &str = r#"(module
  (func $twice (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "run") (param i32) (result i32) (local i32 i32)
    (loop $l
      (local.set 2 (call $twice (local.get 2)))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1)))"#;

#[test]
fn trace_chrome_writes_a_trace_with_the_compile_thread() {
    let module = temp_file("tier-up.wat", TIER_UP);
    let trace = module.with_file_name("trace.json");
    let out = tandem(&[
        "run",
        "--tier",
        "tiered",
        "--tier-up-threshold",
        "1",
        "--trace-chrome",
        trace.to_str().unwrap(),
        "--invoke",
        "run",
        module.to_str().unwrap(),
        "20000000",
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "20000000\n");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&trace).unwrap()).expect("valid JSON");
    let events = json.as_array().expect("an array of trace events");
    let names: Vec<&str> = events.iter().filter_map(|e| e["name"].as_str()).collect();
    for span in ["instantiate", "execute", "jit_compile"] {
        assert!(names.contains(&span), "no {span} span in {names:?}");
    }
    let mut threads: Vec<u64> = events.iter().filter_map(|e| e["tid"].as_u64()).collect();
    threads.sort();
    threads.dedup();
    assert!(threads.len() >= 2, "events on threads {threads:?}");
}

#[test]
fn a_loop_alone_makes_its_function_hot() {
    // `run` is called once and calls nothing: its call and its loop's
    // 1000 iterations are 1001 events, so a threshold of 1001 is reached
    // (at the last iteration) and one of 1002 is not.
    let module = temp_file(
        "loop.wat",
        r#"(module
  (func (export "run") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1)))"#,
    );
    let out = tandem(&[
        "--trace",
        "run",
        "--tier",
        "tiered",
        "--tier-up-threshold",
        "1001",
        "--invoke",
        "run",
        module.to_str().unwrap(),
        "1000",
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "1000\n");
    let log = stderr(&out);
    assert!(log.contains("tier-up request func=0 count=1001"), "{log}");
    let out = tandem(&[
        "--trace",
        "run",
        "--tier-up-threshold",
        "1002",
        "--invoke",
        "run",
        module.to_str().unwrap(),
        "1000",
    ]);
    assert!(
        !stderr(&out).contains("tier-up request"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_long_loop_moves_to_compiled_code_while_it_runs() {
    // `run` is called once: only an OSR entry can take its loop out of the
    // interpreter; it must, with the interpreter's result.
    let module = temp_file(
        "osr.wat",
        r#"(module
  (func (export "run") (param i64) (result i64) (local i64 i64)
    (loop $l
      (local.set 2 (i64.add (local.get 2) (i64.mul (local.get 1) (local.get 1))))
      (local.set 1 (i64.add (local.get 1) (i64.const 1)))
      (br_if $l (i64.lt_u (local.get 1) (local.get 0))))
    (local.get 2)))"#,
    );
    let n: u128 = 200_000_000;
    let out = tandem(&[
        "--trace",
        "run",
        "--invoke",
        "run",
        module.to_str().unwrap(),
        &n.to_string(),
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    // The sum of squares below n, as an i64.
    let expected = ((n - 1) * n * (2 * n - 1) / 6) as u64 as i64;
    assert_eq!(stdout(&out), format!("{expected}\n"));
    let log = stderr(&out);
    assert!(log.contains("osr request func=0 loop=0"), "{log}");
    assert!(log.contains("install osr entry func=0 loop=0"), "{log}");
    assert!(log.contains("osr entry func=0 loop=0"), "{log}");
}

#[test]
fn perfmap_names_each_installed_function() {
    let module = temp_file("perfmap.wat", TIER_UP);
    let child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["run", "--tier", "jit", "--perfmap", "--invoke", "run"])
        .arg(&module)
        .arg("1000")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("cannot run tandem");
    let map = PathBuf::from(format!("/tmp/perf-{}.map", child.id()));
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = std::fs::read_to_string(&map).expect("a perf map");
    let _ = std::fs::remove_file(&map);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    for (line, name) in lines.iter().zip(["wasm::twice", "wasm::function[1]"]) {
        let fields: Vec<&str> = line.split(' ').collect();
        assert!(
            u64::from_str_radix(fields[0], 16).is_ok_and(|a| a != 0),
            "{line}"
        );
        assert!(
            u64::from_str_radix(fields[1], 16).is_ok_and(|n| n > 0),
            "{line}"
        );
        assert_eq!(fields[2], name);
    }
}

#[test]
fn hello_world() {
    let out = tandem(&["run", "examples/hello.wat"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "Hello, world!\n");
}

#[test]
fn proc_exit_sets_the_status() {
    let wat = temp_file(
        "exit.wat",
        r#"(module
             (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (memory (export "memory") 1)
             (func (export "_start") (call $exit (i32.const 7)) unreachable))"#,
    );
    let out = tandem(&["run", wat.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(7), "stderr: {}", stderr(&out));
}

#[test]
fn trap_exits_134_with_message_and_backtrace() {
    let wat = temp_file(
        "trap.wat",
        r#"(module (func $boom unreachable) (func (export "_start") call $boom))"#,
    );
    let out = tandem(&["run", wat.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(134),
        "as wasmtime run exits on a trap"
    );
    let err = stderr(&out);
    assert!(err.starts_with("error:"), "stderr: {err}");
    assert!(err.contains("unreachable"), "stderr: {err}");
    assert!(
        err.contains("0: func[0] boom\n") && err.contains("1: func[1]"),
        "the backtrace lists both frames: {err}"
    );
}

#[test]
fn wast_passing_script() {
    let script = temp_file(
        "pass.wast",
        r#"(module
             (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
             (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))
           (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
           (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
           (assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
           (assert_malformed (module quote "(func (i32.bogus))") "unknown operator")"#,
    );
    let out = tandem(&["wast", script.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "stdout: {text}\nstderr: {}",
        stderr(&out)
    );
    assert!(
        text.lines().any(|l| l == "wast: 5 passed, 0 failed"),
        "stdout: {text}"
    );
}

#[test]
fn wast_failing_script() {
    let script = temp_file(
        "fail.wast",
        r#"(module (func (export "one") (result i32) (i32.const 1)))
           (assert_return (invoke "one") (i32.const 2))
           (assert_return (invoke "one") (i32.const 1))"#,
    );
    let out = tandem(&["wast", script.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(!out.status.success(), "stdout: {text}");
    assert!(text.contains("fail.wast:2:"), "stdout: {text}");
    assert!(
        text.lines().any(|l| l == "wast: 2 passed, 1 failed"),
        "stdout: {text}"
    );
}

#[test]
fn wast_missing_file_fails() {
    let out = tandem(&["wast", "/nonexistent/file.wast"]);
    assert!(!out.status.success());
}

/// A WASI program that opens `path` below the first preopened directory
/// (fd 3), copies up to 1000 bytes of it to stdout, and exits with the errno
/// of a failed `path_open` (or 100 + the errno of a failed `fd_read`).
fn cat_program(path: &str) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "{path}")
  (func (export "_start") (local $err i32)
    (local.set $err (call $open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const {len})
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0)))
    (if (local.get $err) (then (call $exit (local.get $err))))
    (i32.store (i32.const 16) (i32.const 1024))
    (i32.store (i32.const 20) (i32.const 1000))
    (local.set $err (call $read (i32.load (i32.const 0)) (i32.const 16) (i32.const 1) (i32.const 24)))
    (if (local.get $err) (then (call $exit (i32.add (i32.const 100) (local.get $err)))))
    (i32.store (i32.const 20) (i32.load (i32.const 24)))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 28)))))"#,
        len = path.len()
    )
}

#[test]
fn dir_gives_file_access() {
    let dir = temp_file("sandbox/input.txt", "")
        .parent()
        .unwrap()
        .to_path_buf();
    std::fs::write(dir.join("input.txt"), "file contents\n").unwrap();
    let wat = temp_file("cat.wat", &cat_program("input.txt"));
    let out = tandem(&["run", "--dir", dir.to_str().unwrap(), wat.to_str().unwrap()]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "file contents\n");

    // Without --dir there is no descriptor 3: EBADF (8).
    let out = tandem(&["run", wat.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(8), "stderr: {}", stderr(&out));

    // `..` can't leave the preopened directory: EPERM (63), as in wasmtime.
    let wat = temp_file("escape.wat", &cat_program("../cat.wat"));
    let out = tandem(&["run", "--dir", dir.to_str().unwrap(), wat.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(63), "stderr: {}", stderr(&out));
}

/// A WASI program that writes the string buffer of `args_get` (or
/// `environ_get`) to stdout: the NUL-terminated strings one after another.
fn strings_program(get: &str, sizes_get: &str) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "{sizes_get}" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "{get}" (func $get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (drop (call $get (i32.const 64) (i32.const 1024)))
    (i32.store (i32.const 8) (i32.const 1024))
    (i32.store (i32.const 12) (i32.load (i32.const 4)))
    (drop (call $write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16)))))"#
    )
}

#[test]
fn wasi_args_and_environ() {
    let wat = temp_file("args.wat", &strings_program("args_get", "args_sizes_get"));
    let wat = wat.to_str().unwrap();
    let out = tandem(&["run", wat, "one", "--two", "3"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), format!("{wat}\0one\0--two\x003\0"));

    let wat = temp_file(
        "env.wat",
        &strings_program("environ_get", "environ_sizes_get"),
    );
    let wat = wat.to_str().unwrap();
    let out = tandem(&["run", "--env", "A=1", "--env", "B=x y", wat]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "A=1\0B=x y\0");
}

#[test]
fn wasi_bad_pointer_ends_the_run() {
    // fd_write with an iovec array past the end of memory traps (the spec's
    // rule, and wasmtime's): an error naming the call, exit status 1.
    let wat = temp_file(
        "efault.wat",
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "f") (result i32)
               (call $write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 0))))"#,
    );
    let out = tandem(&["run", "--invoke", "f", wat.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("wasi_snapshot_preview1::fd_write: pointer out of bounds"),
        "stderr: {err}"
    );
}

#[test]
fn stats_report_what_was_translated() {
    let out = tandem(&[
        "run",
        "--stats",
        "--invoke",
        "add",
        "examples/add.wat",
        "2",
        "3",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "5");
    let err = stderr(&out);
    assert!(
        err.contains("translated 1 function(s)") && err.contains("bytes of code"),
        "{err}"
    );
}

#[test]
fn compile_translates_everything_and_runs_nothing() {
    let wat = temp_file(
        "compile.wat",
        r#"(module
             (func $a (result i32) (i32.const 1))
             (func $b (result i32) (call $a))
             (func $start unreachable)
             (start $start))"#,
    );
    let out = tandem(&["compile", "--tier", "interp", wat.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let line = stdout(&out);
    assert!(
        line.contains("3 function(s)") && line.contains("bytes of interp code out"),
        "{line}"
    );
    let bad = temp_file("bad.wat", "(module (func (result i32)))");
    let out = tandem(&["compile", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("invalid module"), "{}", stderr(&out));
}

/// A module for the embedder controls: an endless loop, a counting loop,
/// and memory growth.
const CONTROLS_WAT: &str = r#"(module
  (memory 1)
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;

#[test]
fn timeout_interrupts_an_endless_loop_in_every_tier() {
    let wat = temp_file("controls-timeout.wat", CONTROLS_WAT);
    let wat = wat.to_str().unwrap();
    for tier in ["interp", "jit", "tiered"] {
        let started = std::time::Instant::now();
        let out = tandem(&[
            "run",
            "--tier",
            tier,
            "--timeout",
            "1s",
            "--invoke",
            "spin",
            wat,
        ]);
        let took = started.elapsed();
        assert_eq!(out.status.code(), Some(134), "{tier}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("wasm trap: interrupt"),
            "{tier}: {}",
            stderr(&out)
        );
        assert!(
            took >= std::time::Duration::from_secs(1),
            "{tier}: {took:?}"
        );
        // Within 2 s on a quiet machine; tests share the cores.
        assert!(
            took < std::time::Duration::from_secs(10),
            "{tier}: {took:?}"
        );
    }
}

#[test]
fn fuel_runs_out_or_is_left_the_same_in_every_tier() {
    let wat = temp_file("controls-fuel.wat", CONTROLS_WAT);
    let wat = wat.to_str().unwrap();
    for tier in ["interp", "jit", "tiered"] {
        let run = |n| {
            tandem(&[
                "run", "--tier", tier, "--fuel", "1000", "--stats", "--invoke", "count", wat, n,
            ])
        };
        let out = run("100");
        assert!(out.status.success(), "{tier}: {}", stderr(&out));
        assert_eq!(stdout(&out), "100\n");
        // 8 per iteration, 1 after the loop.
        assert!(
            stderr(&out).contains("fuel left: 199\n"),
            "{tier}: {}",
            stderr(&out)
        );
        let out = run("1000");
        assert_eq!(out.status.code(), Some(134), "{tier}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("wasm trap: all fuel consumed"),
            "{tier}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("fuel left: 0\n"),
            "{tier}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn max_memory_size_makes_growth_past_it_fail() {
    let wat = temp_file("controls-memory.wat", CONTROLS_WAT);
    let wat = wat.to_str().unwrap();
    for tier in ["interp", "jit", "tiered"] {
        let grow = |pages| {
            let out = tandem(&[
                "run",
                "--tier",
                tier,
                "--max-memory-size",
                "131072",
                "--invoke",
                "grow",
                wat,
                pages,
            ]);
            assert!(out.status.success(), "{tier}: {}", stderr(&out));
            stdout(&out)
        };
        assert_eq!(grow("1"), "1\n", "{tier}");
        assert_eq!(grow("2"), "-1\n", "{tier}");
    }
    let out = tandem(&[
        "run",
        "--max-memory-size",
        "65535",
        "--invoke",
        "grow",
        wat,
        "0",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("limit"), "{}", stderr(&out));
}

#[test]
fn wasm_version_2_refuses_what_3_0_added() {
    let module = temp_file(
        "two_memories.wat",
        r#"(module (memory 1) (memory $b 1)
           (func (export "f") (result i32)
             (i32.store8 $b (i32.const 3) (i32.const 7))
             (i32.load8_u $b (i32.const 3))))"#,
    );
    let path = module.to_str().unwrap();
    let out = tandem(&["run", "--tier", "interp", "--invoke", "f", path]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "7\n");
    let out = tandem(&["run", "--wasm", "2.0", "--invoke", "f", path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("multiple memories"),
        "{}",
        stderr(&out)
    );
}
