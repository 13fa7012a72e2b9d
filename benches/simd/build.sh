#!/usr/bin/env bash
# Builds the SIMD kernels to .wasm beside their sources, twice: for
# wasm32 (`KERNEL.wasm`) and for wasm64, whose memory is 64-bit (memory64,
# `KERNEL.wasm64.wasm`; linked by wasm-ld itself, since clang would run an
# older wasm-opt that cannot read 64-bit tables). Needs clang-19 and
# wasm-ld-19 (Debian: apt-get install clang-19 lld-19). No libc: each
# kernel is freestanding and exports `run(n)`.
set -euo pipefail
cd "$(dirname "$0")"
for src in *.c; do
  clang-19 --target=wasm32-wasi -O3 -msimd128 -ffreestanding -nostdlib \
    -Wl,--no-entry -Wl,--export=run -Wl,-z,stack-size=65536 \
    -o "${src%.c}.wasm" "$src"
  obj=$(mktemp --suffix=.o)
  clang-19 --target=wasm64-unknown-unknown -O3 -msimd128 -ffreestanding -nostdlib \
    -c -o "$obj" "$src"
  wasm-ld-19 -mwasm64 --no-entry --export=run -z stack-size=65536 \
    -o "${src%.c}.wasm64.wasm" "$obj"
  rm -f "$obj"
done
