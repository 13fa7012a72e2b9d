#!/usr/bin/env bash
# Builds lua.wasm (wasm32-wasi) from main.c and the Lua 5.4 sources that the
# lua-src crate bundles, fetched with cargo (crate-source.sh). Needs
# clang-19, lld-19, wasi-libc and libclang-rt-19-dev-wasm32 (Debian).
set -euo pipefail
cd "$(dirname "$0")"
source ../crate-source.sh
src=$(crate_source lua-src 547.0.0)
lua="$src/lua-5.4.7"
sources=$(ls "$lua"/*.c | grep -v -e '/lua\.c$' -e '/luac\.c$')
# A raised error aborts (no longjmp without Wasm exception handling), and
# os.tmpname fails (WASI has no tmpnam).
clang-19 --target=wasm32-wasi --sysroot=/usr -O2 \
  '-DLUAI_THROW(L,c)=abort()' '-DLUAI_TRY(L,c,a)={a}' '-Dluai_jmpbuf=int' -I shim \
  '-Dlua_tmpnam(b,e)={e=1;}' -DLUA_TMPNAMBUFSIZE=32 \
  -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS \
  -I "$lua" main.c $sources \
  -lwasi-emulated-signal -lwasi-emulated-process-clocks \
  -fuse-ld=lld -o lua.wasm
ls -l lua.wasm
