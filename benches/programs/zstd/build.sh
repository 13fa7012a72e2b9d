#!/usr/bin/env bash
# Builds zstd.wasm (wasm32-wasi) from main.c and the zstd sources that the
# zstd-sys crate bundles, fetched with cargo. Needs clang-19, lld-19,
# wasi-libc and libclang-rt-19-dev-wasm32 (Debian).
set -euo pipefail
cd "$(dirname "$0")"
crate=zstd-sys-2.0.15+zstd.1.5.7
src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/$crate 2>/dev/null | head -1 || true)
if [ -z "$src" ]; then
  tmp=$(mktemp -d)
  mkdir "$tmp/src" && echo 'fn main() {}' > "$tmp/src/main.rs"
  printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nzstd-sys = "=2.0.15"\n' > "$tmp/Cargo.toml"
  (cd "$tmp" && cargo fetch -q)
  rm -rf "$tmp"
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/$crate | head -1)
fi
lib="$src/zstd/lib"
clang-19 --target=wasm32-wasi --sysroot=/usr -O2 -DZSTD_DISABLE_ASM \
  -I "$lib" main.c "$lib"/common/*.c "$lib"/compress/*.c "$lib"/decompress/*.c \
  -fuse-ld=lld -o zstd.wasm
ls -l zstd.wasm
