#!/usr/bin/env bash
# Builds zstd.wasm (wasm32-wasi) from main.c and the zstd sources that the
# zstd-sys crate bundles, fetched with cargo (crate-source.sh). Needs
# clang-19, lld-19, wasi-libc and libclang-rt-19-dev-wasm32 (Debian).
set -euo pipefail
cd "$(dirname "$0")"
source ../crate-source.sh
src=$(crate_source zstd-sys 2.0.15+zstd.1.5.7)
lib="$src/zstd/lib"
clang-19 --target=wasm32-wasi --sysroot=/usr -O2 -DZSTD_DISABLE_ASM \
  -I "$lib" main.c "$lib"/common/*.c "$lib"/compress/*.c "$lib"/decompress/*.c \
  -fuse-ld=lld -o zstd.wasm
ls -l zstd.wasm
