#!/usr/bin/env bash
# Builds sqlite.wasm (wasm32-wasi) from main.c and the SQLite amalgamation
# that the libsqlite3-sys crate bundles, fetched with cargo. Needs clang-19,
# lld-19, wasi-libc and libclang-rt-19-dev-wasm32 (Debian).
set -euo pipefail
cd "$(dirname "$0")"
crate=libsqlite3-sys-0.30.1
src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/$crate 2>/dev/null | head -1 || true)
if [ -z "$src" ]; then
  tmp=$(mktemp -d)
  mkdir "$tmp/src" && echo 'fn main() {}' > "$tmp/src/main.rs"
  printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nlibsqlite3-sys = { version = "=0.30.1", features = ["bundled"] }\n' > "$tmp/Cargo.toml"
  (cd "$tmp" && cargo fetch -q)
  rm -rf "$tmp"
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/$crate | head -1)
fi
clang-19 --target=wasm32-wasi --sysroot=/usr -O2 \
  -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DLONGDOUBLE_TYPE=double \
  -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID -D_WASI_EMULATED_SIGNAL \
  -D_WASI_EMULATED_PROCESS_CLOCKS -DSQLITE_OS_OTHER -I "$src/sqlite3" \
  main.c "$src/sqlite3/sqlite3.c" "$src/sqlite3/wasm32-wasi-vfs.c" \
  -lwasi-emulated-mman -lwasi-emulated-getpid -lwasi-emulated-signal \
  -lwasi-emulated-process-clocks -fuse-ld=lld -o sqlite.wasm
ls -l sqlite.wasm
