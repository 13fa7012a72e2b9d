//! Real WASI programs, written in C and built with clang for `wasm32-wasi`
//! (`wasi/tests/programs/`), run through `tandem run` in every tier: each
//! case's stdout and exit status must be what `wasmtime run` gives (the
//! expected files were recorded with it, see the README there), and a run
//! must change nothing outside the directories it was given.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tandem::Tier;

/// How a case runs: in each tier tandem has, then from saved code. The
/// tiered runs compile a function after 50 calls or loop iterations (a
/// twentieth of the default), so that these short programs change tier
/// while they run. Saved code is loaded in another process than the one
/// that compiled it, where the runtime lies elsewhere (the binary is
/// position-independent), so an address it holds that loading does not
/// relocate would crash or go astray.
#[derive(Clone, Copy)]
enum Mode {
    Tier(Tier),
    /// Compiled by `tandem compile -o`, run by `tandem run
    /// --allow-precompiled` in the tiered tier, which installs it all.
    Precompiled,
    /// Tiered, with one code cache for every case: after a module's first
    /// case, each starts with the code earlier runs compiled.
    Cached,
}

const MODES: [Mode; 5] = [
    Mode::Tier(Tier::Interp),
    Mode::Tier(Tier::Jit),
    Mode::Tier(Tier::Tiered),
    Mode::Precompiled,
    Mode::Cached,
];

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mode::Tier(t) => write!(f, "{t}"),
            Mode::Precompiled => f.write_str("precompiled"),
            Mode::Cached => f.write_str("cached"),
        }
    }
}

fn programs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../wasi/tests/programs")
}

/// One line of `cases.txt`.
struct Case {
    name: String,
    module: String,
    options: Vec<String>,
    args: Vec<String>,
    stdin: Option<String>,
    status: i32,
}

fn cases() -> Vec<Case> {
    let text =
        std::fs::read_to_string(programs().join("cases.txt")).expect("cannot read cases.txt");
    let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let f: Vec<&str> = line.split(" | ").map(str::trim).collect();
            assert_eq!(f.len(), 6, "cases.txt: not 6 fields: {line}");
            Case {
                name: f[0].into(),
                module: f[1].into(),
                options: words(f[2]),
                args: words(f[3]),
                stdin: (f[4] != "-").then(|| f[4].to_string()),
                status: f[5].parse().expect("cases.txt: bad exit status"),
            }
        })
        .collect()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every path below `root` (links not followed) with its type and content,
/// except those below `skip`.
fn snapshot(root: &Path, skip: &[PathBuf], out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        if skip.contains(&path) {
            continue;
        }
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let content = if meta.is_dir() {
            snapshot(&path, skip, out);
            b"dir".to_vec()
        } else if meta.is_symlink() {
            std::fs::read_link(&path)
                .unwrap()
                .into_os_string()
                .into_encoded_bytes()
        } else {
            std::fs::read(&path).unwrap()
        };
        out.insert(path, content);
    }
}

/// Runs one case in one tier; a description of what differed, if anything.
/// `module` compiled by `tandem compile -o` into a directory in `dir`,
/// once; under the module's own name, which programs see as `argv[0]`.
fn precompiled(module: &Path, dir: &Path) -> PathBuf {
    let name = module.file_name().unwrap();
    let out = dir.join("precompiled").join(name).join(name);
    if !out.exists() {
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(["compile", "-o"])
            .args([&out, module])
            .status()
            .expect("cannot run tandem compile");
        assert!(status.success(), "tandem compile -o {}", out.display());
    }
    out
}

fn run(case: &Case, mode: Mode, scratch: &Path, base: &Path) -> Option<String> {
    let _ = std::fs::remove_dir_all(scratch);
    copy_tree(&programs().join("fixtures"), scratch);
    // Everything but the preopened directories must come out unchanged.
    let preopens: Vec<PathBuf> = case
        .options
        .windows(2)
        .filter(|w| w[0] == "--dir")
        .map(|w| scratch.join(w[1].split("::").next().unwrap()))
        .collect();
    let guarded = !preopens.iter().any(|p| p == &scratch.join("."));
    let mut before = BTreeMap::new();
    if guarded {
        snapshot(scratch, &preopens, &mut before);
    }
    let stdin = match &case.stdin {
        Some(file) => {
            Stdio::from(std::fs::File::open(programs().join("fixtures").join(file)).unwrap())
        }
        None => Stdio::null(),
    };
    let mut module = programs().join(&case.module).canonicalize().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
    command.current_dir(scratch).arg("run");
    match mode {
        Mode::Tier(Tier::Tiered) | Mode::Cached => {
            command.args(["--tier", "tiered", "--tier-up-threshold", "50"]);
        }
        Mode::Tier(tier) => {
            command.args(["--tier", &tier.to_string()]);
        }
        Mode::Precompiled => {
            module = precompiled(&module, base);
            command.args(["--tier", "tiered", "--allow-precompiled"]);
        }
    }
    if let Mode::Cached = mode {
        command.arg("--cache").arg(base.join("cache"));
    }
    let output = command
        .args(&case.options)
        .arg(module)
        .args(&case.args)
        .stdin(stdin)
        .output()
        .expect("cannot run tandem");
    let expected = std::fs::read(
        programs()
            .join("expected")
            .join(format!("{}.stdout", case.name)),
    )
    .expect("missing expected stdout");
    let mut problems = Vec::new();
    if output.status.code() != Some(case.status) {
        problems.push(format!(
            "exit status {:?}, expected {}",
            output.status.code(),
            case.status
        ));
    }
    if output.stdout != expected {
        problems.push(format!(
            "stdout differs:\n--- expected\n{}\n--- got\n{}",
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&output.stdout)
        ));
    }
    if guarded {
        let mut after = BTreeMap::new();
        snapshot(scratch, &preopens, &mut after);
        if before != after {
            problems.push("something outside the preopened directories changed".into());
        }
    }
    let _ = std::fs::remove_dir_all(scratch);
    (!problems.is_empty()).then(|| {
        format!(
            "{} [{mode}]: {}\n--- stderr\n{}",
            case.name,
            problems.join("\n"),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn c_programs_match_wasmtime_in_every_tier() {
    let cases = cases();
    assert!(
        cases.len() >= 10,
        "cases.txt lists only {} cases",
        cases.len()
    );
    let base = std::env::temp_dir().join(format!("tandem-wasi-programs-{}", std::process::id()));
    std::fs::create_dir_all(&base).unwrap();
    let mut failures = Vec::new();
    for mode in MODES {
        for case in &cases {
            let scratch = base.join(format!("{}-{mode}", case.name));
            failures.extend(run(case, mode, &scratch, &base));
        }
    }
    let cached = std::fs::read_dir(base.join("cache")).map_or(0, |d| d.count());
    assert!(cached > 0, "the cached runs saved no code");
    let _ = std::fs::remove_dir_all(&base);
    assert!(
        failures.is_empty(),
        "{} of {} runs failed:\n\n{}",
        failures.len(),
        cases.len() * MODES.len(),
        failures.join("\n\n")
    );
}

/// How many times each operator occurs in a module's code, by the name of
/// wasmparser's `Operator` variant (`TryTable`, `ReturnCall`, ...).
fn operator_counts(module: &str) -> BTreeMap<String, usize> {
    let bytes = std::fs::read(programs().join(module)).expect("cannot read module");
    let mut counts = BTreeMap::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        let wasmparser::Payload::CodeSectionEntry(body) = payload.expect("malformed module") else {
            continue;
        };
        let mut ops = body.get_operators_reader().expect("malformed body");
        while !ops.eof() {
            let op = format!("{:?}", ops.read().expect("malformed operator"));
            let name = op.split([' ', '{', '(']).next().unwrap_or_default();
            *counts.entry(name.to_string()).or_default() += 1;
        }
    }
    counts
}

/// The Wasm 3.0 programs use what they were built to test: a rebuild that
/// lost a compiler flag would give plain Wasm 2.0 modules that still match
/// wasmtime's output.
#[test]
fn wasm3_programs_use_the_features_they_test() {
    let needs: [(&str, &[&str]); 5] = [
        ("tailcall.wasm", &["ReturnCallIndirect"]),
        ("sjlj.wasm", &["TryTable", "Throw"]),
        (
            "lua.wasm",
            &["TryTable", "Throw", "ReturnCall", "ReturnCallIndirect"],
        ),
        ("sjlj-legacy.wasm", &["Try", "Catch", "Throw"]),
        ("lua-legacy.wasm", &["Try", "Catch", "Throw", "ReturnCall"]),
    ];
    for (module, operators) in needs {
        let counts = operator_counts(module);
        for op in operators {
            assert!(counts.contains_key(*op), "{module} has no {op}: {counts:?}");
        }
    }
}
