//! Pathological function shapes: deep nesting (of blocks, loops, ifs and
//! `try_table`s), a huge `br_table`, thousands of live locals, a long
//! straight-line body. Every tier must compile them
//! in time linear in their size (a module of a few hundred KB must never
//! hold a compile thread for minutes) and on a small native stack (a pass
//! that recursed once per nesting level would overflow it and abort the
//! process), and the compiled code must compute what the interpreter does.
//!
//! Linearity is checked as a ratio, not against a clock: each shape is
//! compiled at `n` and `4n`, and the larger may take at most `MAX_RATIO`
//! times as long (a quadratic pass takes 16 times as long).

use std::fmt::Write;
use std::time::{Duration, Instant};
use tandem::{Config, Engine, Linker, Module, Store, Tier};

/// The native stack everything runs on: far less than one frame per
/// nesting level of the largest shapes needs.
const NATIVE_STACK: usize = 256 << 10;
/// How much longer `4n` may take than `n`: linear is 4, quadratic 16.
const MAX_RATIO: f64 = 10.0;

/// A function `f: i32 -> i32` of size about `n` in one family.
struct Shape {
    name: &'static str,
    /// The smaller size compiled (the larger is four times it).
    n: usize,
    wat: fn(usize) -> String,
}

fn func(locals: &str, body: &str) -> String {
    format!("(module (func $f (export \"f\") (param i32) (result i32) {locals}\n{body}))")
}

fn repeat(text: &str, n: usize) -> String {
    text.repeat(n)
}

/// `n` blocks inside each other, left from the middle by a `br_if`.
fn nested_blocks(n: usize) -> String {
    let body = format!(
        "{} local.get 0 br_if {} {} local.get 0",
        repeat("block ", n),
        n / 2,
        repeat("end ", n)
    );
    func("", &body)
}

/// `n` loops inside each other, the innermost counting a local down.
fn nested_loops(n: usize) -> String {
    let body = format!(
        "{} local.get 0 i32.const 1 i32.sub local.tee 0 i32.const 0 i32.gt_s br_if 0 {} \
         local.get 0 i32.const 7 i32.add",
        repeat("loop ", n),
        repeat("end ", n)
    );
    func("", &body)
}

/// `n` ifs inside each other on the parameter, each adding to a local.
fn nested_ifs(n: usize) -> String {
    let body = format!(
        "{} {} local.get 1",
        repeat(
            "local.get 0 if local.get 1 i32.const 3 i32.add local.set 1 ",
            n
        ),
        repeat("end ", n)
    );
    func("(local i32)", &body)
}

/// One `br_table` over `n` blocks, each case adding its own constant.
fn br_table(n: usize) -> String {
    let mut body = repeat("block ", n);
    body.push_str("local.get 0 br_table");
    for i in 0..n {
        write!(body, " {i}").unwrap();
    }
    body.push_str(" 0 ");
    for i in 0..n {
        write!(body, "end local.get 1 i32.const {i} i32.add local.set 1 ").unwrap();
    }
    body.push_str("local.get 1");
    func("(local i32)", &body)
}

/// `n` locals, all live around one loop that updates each of them.
fn many_live_locals(n: usize) -> String {
    let mut body = String::new();
    for i in 1..=n {
        write!(body, "local.get 0 i32.const {i} i32.add local.set {i} ").unwrap();
    }
    body.push_str("loop ");
    for i in 1..=n {
        write!(body, "local.get {i} i32.const {i} i32.xor local.set {i} ").unwrap();
    }
    body.push_str(
        "local.get 0 i32.const 1 i32.sub local.tee 0 i32.const 0 i32.gt_s br_if 0 end i32.const 0 ",
    );
    for i in 1..=n {
        write!(body, "local.get {i} i32.add ").unwrap();
    }
    func(&format!("(local {})", repeat("i32 ", n)), &body)
}

/// A body of `3n` instructions without a branch.
fn straight_line(n: usize) -> String {
    let body = format!(
        "local.get 0 {}",
        repeat("i32.const 3 i32.add i32.const 5 i32.xor ", n / 2)
    );
    func("", &body)
}

/// An interpreter's dispatch loop: a `br_table` over `n` cases in a loop,
/// each case updating the same locals and going round again.
fn dispatch(n: usize) -> String {
    let mut body = String::from("loop ");
    body.push_str(&repeat("block ", n));
    body.push_str("local.get 1 i32.const 7 i32.mul br_table");
    for i in 0..n {
        write!(body, " {i}").unwrap();
    }
    body.push_str(" 0 ");
    for i in 0..n {
        write!(
            body,
            "end local.get 2 i32.const {i} i32.add local.set 2 \
             local.get 1 i32.const 1 i32.add local.tee 1 local.get 0 i32.lt_u br_if {} ",
            n - 1 - i
        )
        .unwrap();
    }
    body.push_str("end local.get 2");
    func("(local i32 i32)", &body)
}

/// `n` loops one after another, a local carried through all of them.
fn sequential_loops(n: usize) -> String {
    let body = format!(
        "{} local.get 1",
        repeat(
            "loop local.get 1 i32.const 1 i32.add local.tee 1 local.get 0 i32.lt_s br_if 0 end ",
            n
        )
    );
    func("(local i32)", &body)
}

/// `n / 10` values live across `n` calls of a small function.
fn live_across_calls(n: usize) -> String {
    let m = n / 10;
    let mut body = String::new();
    for i in 1..=m {
        write!(body, "local.get 0 i32.const {i} i32.add local.set {i} ").unwrap();
    }
    body.push_str(&repeat("local.get 0 call $g local.set 0 ", n));
    body.push_str("local.get 0 ");
    for i in 1..=m {
        write!(body, "local.get {i} i32.add ").unwrap();
    }
    let f = func(&format!("(local {})", repeat("i32 ", m)), &body);
    let g = "(func $g (param i32) (result i32) local.get 0 i32.const 1 i32.add))";
    format!("{}{g}", &f[..f.len() - 1])
}

/// `n` `try_table`s inside each other, the innermost throwing to its own
/// handler when the parameter is not zero.
fn nested_try_tables(n: usize) -> String {
    let body = format!(
        "{} local.get 0 if throw $e end {} local.get 0",
        repeat("(block $h (try_table (catch $e $h) ", n),
        repeat("))", n)
    );
    let f = func("", &body);
    format!("(module (tag $e) {}", &f["(module ".len()..])
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "nested blocks",
        n: 5000,
        wat: nested_blocks,
    },
    Shape {
        name: "nested loops",
        n: 5000,
        wat: nested_loops,
    },
    Shape {
        name: "nested ifs",
        n: 5000,
        wat: nested_ifs,
    },
    Shape {
        name: "br_table",
        n: 5000,
        wat: br_table,
    },
    Shape {
        name: "many live locals",
        n: 2000,
        wat: many_live_locals,
    },
    Shape {
        name: "straight line",
        n: 50_000,
        wat: straight_line,
    },
    Shape {
        name: "dispatch loop",
        n: 2000,
        wat: dispatch,
    },
    Shape {
        name: "sequential loops",
        n: 2000,
        wat: sequential_loops,
    },
    Shape {
        name: "live across calls",
        n: 5000,
        wat: live_across_calls,
    },
    Shape {
        name: "nested try_tables",
        n: 5000,
        wat: nested_try_tables,
    },
];

/// The arguments each shape's `f` is called with: small enough that every
/// shape runs quickly, varied enough to take different paths.
const ARGS: [i32; 3] = [0, 1, 3];

fn engine(tier: Tier) -> Engine {
    let mut config = Config::new();
    config.tier(tier);
    if tier == Tier::Tiered {
        // Compiled at the first call, on the calling (small-stack) thread.
        config.tier_up_threshold(1).tier_up_in_caller(true);
    }
    Engine::new(&config).expect("the configuration is valid")
}

/// What `f` returns for `ARGS` in a fresh instance of `wasm`, and the time
/// of the faster of two runs from the bytes to the results: the tiered
/// tier compiles at the first call, as it would in use.
fn compile_and_run(engine: &Engine, wasm: &[u8]) -> (Duration, Vec<i32>) {
    let mut best = Duration::MAX;
    let mut results = Vec::new();
    for _ in 0..2 {
        let start = Instant::now();
        let module = Module::new(engine, wasm).expect("the shape is a valid module");
        let mut store = Store::new(engine, ());
        let instance = Linker::new(engine)
            .instantiate(&mut store, &module)
            .expect("the shape instantiates");
        let f = instance
            .get_typed_func::<i32, i32>(&mut store, "f")
            .expect("the shape exports f");
        results = ARGS
            .iter()
            .map(|&a| {
                f.call(&mut store, a)
                    .expect("the shape runs without a trap")
            })
            .collect();
        best = best.min(start.elapsed());
    }
    (best, results)
}

fn check(shape: &Shape) -> Result<(), String> {
    let small = wat::parse_str((shape.wat)(shape.n)).expect("the shape's text parses");
    let large = wat::parse_str((shape.wat)(4 * shape.n)).expect("the shape's text parses");
    let mut expected = None;
    for tier in [Tier::Interp, Tier::Jit, Tier::Tiered] {
        let engine = engine(tier);
        let (t_small, _) = compile_and_run(&engine, &small);
        let (t_large, got) = compile_and_run(&engine, &large);
        let ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-4);
        eprintln!(
            "{:>18} in {tier:?}: {t_small:?}, 4× the size {t_large:?} ({ratio:.1}×)",
            shape.name
        );
        if ratio > MAX_RATIO {
            return Err(format!(
                "{} in {tier:?}: {} bytes compile and run in {t_small:?}, {} bytes in \
                 {t_large:?} ({ratio:.1}×: not linear)",
                shape.name,
                small.len(),
                large.len()
            ));
        }
        let expected = expected.get_or_insert_with(|| got.clone());
        if got != *expected {
            return Err(format!(
                "{} in {tier:?}: f{ARGS:?} = {got:?}, the interpreter says {expected:?}",
                shape.name
            ));
        }
    }
    Ok(())
}

#[test]
fn pathological_shapes_compile_in_linear_time_on_a_small_stack() {
    // One shape after another on one thread, so that no two timings share
    // the cores.
    let failures = std::thread::Builder::new()
        .name("shapes".into())
        .stack_size(NATIVE_STACK)
        .spawn(|| {
            SHAPES
                .iter()
                .filter_map(|s| check(s).err())
                .collect::<Vec<_>>()
        })
        .expect("cannot spawn the test thread")
        .join()
        .expect("no shape panics or overflows the stack");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
