#!/usr/bin/env bash
# Builds sqlite.wasm (wasm32-wasi) from main.c and the SQLite amalgamation
# that the libsqlite3-sys crate bundles, fetched with cargo (crate-
# source.sh). Needs clang-19, lld-19, wasi-libc and libclang-rt-19-dev-
# wasm32 (Debian).
set -euo pipefail
cd "$(dirname "$0")"
source ../crate-source.sh
src=$(crate_source libsqlite3-sys 0.30.1)
clang-19 --target=wasm32-wasi --sysroot=/usr -O2 \
  -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DLONGDOUBLE_TYPE=double \
  -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID -D_WASI_EMULATED_SIGNAL \
  -D_WASI_EMULATED_PROCESS_CLOCKS -DSQLITE_OS_OTHER -I "$src/sqlite3" \
  main.c "$src/sqlite3/sqlite3.c" "$src/sqlite3/wasm32-wasi-vfs.c" \
  -lwasi-emulated-mman -lwasi-emulated-getpid -lwasi-emulated-signal \
  -lwasi-emulated-process-clocks -fuse-ld=lld -o sqlite.wasm
ls -l sqlite.wasm
