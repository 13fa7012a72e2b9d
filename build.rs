//! Names this build for serialized modules and cached code: a hash of the
//! sources of the runtime and its tiers (where they are at hand, as in the
//! workspace), their version and the compiler's. Code saved by one build
//! is only ever loaded by the same build, so a change to code generation or
//! to the tier contract can never meet code made before it.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    for dir in ["src", "vm/src", "jit/src", "interp/src"] {
        let dir = root.join(dir);
        if dir.is_dir() {
            println!("cargo:rerun-if-changed={}", dir.display());
            collect(&dir, &mut files);
        }
    }
    files.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in &files {
        f.strip_prefix(&root).unwrap_or(f).hash(&mut h);
        std::fs::read(f).unwrap_or_default().hash(&mut h);
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("-V")
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    version.hash(&mut h);
    println!(
        "cargo:rustc-env=TANDEM_BUILD_ID={}+{:016x}",
        std::env::var("CARGO_PKG_VERSION").expect("set by cargo"),
        h.finish()
    );
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}
