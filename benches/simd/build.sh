#!/usr/bin/env bash
# Builds the SIMD kernels to .wasm beside their sources. Needs clang-19 and
# wasm-ld-19 (Debian: apt-get install clang-19 lld-19). No libc: each
# kernel is freestanding and exports `run(n)`.
set -euo pipefail
cd "$(dirname "$0")"
for src in *.c; do
  clang-19 --target=wasm32-wasi -O3 -msimd128 -ffreestanding -nostdlib \
    -Wl,--no-entry -Wl,--export=run -Wl,-z,stack-size=65536 \
    -o "${src%.c}.wasm" "$src"
done
