//! Chooses the executor's dispatch (`cfg(tandem_dispatch)`).
//!
//! - `threaded`: each instruction's handler ends by tail-calling the next
//!   one's. It is the fast dispatch, but Rust does not guarantee that a tail
//!   call is a jump: only LLVM's optimising pipelines make it one, and at
//!   opt-level 0 or 1 every executed instruction would keep a native stack
//!   frame until the interpreter returns. It is chosen at opt-level 2 and 3
//!   on x86-64 only; `interp/check-tail-calls.sh` verifies the jumps in a
//!   build.
//! - `loop`: the same instruction bodies, each returning to one loop that
//!   runs the next; its correctness does not depend on the optimiser. It is
//!   also what size-optimised builds (`s`, `z`) get: one copy of the bodies
//!   instead of ~1,400 handlers, and at `z` some handlers call compiler
//!   helpers through registers, which the check cannot tell from a call to
//!   a handler.
//!
//! Cargo applies the embedder's profile to this crate, whatever this
//! workspace's `Cargo.toml` says, so the choice follows the optimisation
//! level Cargo builds this crate at (`OPT_LEVEL`, which profile overrides
//! set, and any `-C opt-level` in the rustflags). The `loop-dispatch`
//! feature forces the loop.

use std::env;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(tandem_dispatch, values(\"threaded\", \"loop\"))");
    println!("cargo::rerun-if-changed=build.rs");
    let opt_level = effective_opt_level();
    let threaded = env::var_os("CARGO_FEATURE_LOOP_DISPATCH").is_none()
        && env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("x86_64")
        && matches!(opt_level.as_str(), "2" | "3");
    let dispatch = if threaded { "threaded" } else { "loop" };
    println!("cargo::rustc-cfg=tandem_dispatch=\"{dispatch}\"");
}

/// The opt-level rustc compiles this crate at: the last `-C opt-level` (or
/// `-O`) in the rustflags, else the profile's.
fn effective_opt_level() -> String {
    let profile = env::var("OPT_LEVEL").unwrap_or_default();
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let mut level = profile;
    let mut args = flags.split('\x1f').filter(|a| !a.is_empty()).peekable();
    while let Some(arg) = args.next() {
        let codegen = match arg {
            "-O" => {
                level = "2".into();
                continue;
            }
            "-C" | "--codegen" => args.next().unwrap_or_default(),
            _ => arg
                .strip_prefix("-C")
                .or_else(|| arg.strip_prefix("--codegen="))
                .unwrap_or_default(),
        };
        if let Some(l) = codegen.strip_prefix("opt-level=") {
            level = l.to_string();
        }
    }
    level
}
