#!/bin/sh
# Builds every src/*.c into <name>.wasm beside this script (wasm32-wasi,
# WASI preview 1 command modules, -O2, name section kept).
#
# Needs the Debian packages: clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32
set -eu

cd "$(dirname "$0")"

PKGS="clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32"
die() {
    echo "build.sh: $*" >&2
    echo "build.sh: install the Debian packages: apt-get install $PKGS" >&2
    exit 1
}

CC=${CC:-clang-19}
command -v "$CC" >/dev/null 2>&1 || die "$CC not found"
command -v wasm-ld-19 >/dev/null 2>&1 || command -v wasm-ld >/dev/null 2>&1 \
    || die "wasm-ld (lld-19) not found"

# Debian's wasi-libc installs headers in /usr/include/wasm32-wasi and
# libraries in /usr/lib/wasm32-wasi, which clang finds with --sysroot=/usr.
SYSROOT=${WASI_SYSROOT:-/usr}
[ -f "$SYSROOT/include/wasm32-wasi/wasi/api.h" ] || [ -f "$SYSROOT/include/wasi/api.h" ] \
    || die "wasi-libc headers not found under $SYSROOT"
[ -f "$SYSROOT/lib/wasm32-wasi/libc.a" ] || [ -f "$SYSROOT/lib/libc.a" ] \
    || die "wasi-libc libc.a not found under $SYSROOT"
RT=$("$CC" --target=wasm32-wasi -print-libgcc-file-name)
[ -f "$RT" ] || die "compiler-rt builtins for wasm32 not found ($RT)"
# At -O2 clang runs wasm-opt after linking when it finds one (binaryen); that
# strips the name section and reshapes the code. The checked-in modules were
# built without it.
if command -v wasm-opt >/dev/null 2>&1; then
    echo "build.sh: warning: clang will run $(command -v wasm-opt) after linking;" \
        "the modules will differ from the checked-in ones built without it" >&2
fi

# wasi-libc's emulations: clock() and friends (process clocks), signal() and
# raise() (signals). A library only adds code to the programs that use it.
CFLAGS="--target=wasm32-wasi -O2 --sysroot=$SYSROOT -fuse-ld=lld -Wall -Wextra -Wno-unused-parameter -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_SIGNAL"
LIBS="-lwasi-emulated-process-clocks -lwasi-emulated-signal"
# Drop DWARF (most of it comes from libc.a) but keep the name section, so
# backtraces name functions.
LDFLAGS="-Wl,--strip-debug"

# Link into a scratch directory under the final file name (wasm-ld names the
# module after its output file in the name section), then move into place.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
for src in src/*.c; do
    name=$(basename "$src" .c)
    echo "  CC $src -> $name.wasm"
    # A program's own flags, on a `// cflags:` line (Wasm 3.0 proposals).
    extra=$(sed -n 's|^// cflags: ||p' "$src")
    # shellcheck disable=SC2086
    "$CC" $CFLAGS $extra $LDFLAGS -o "$tmp/$name.wasm" "$src" $LIBS
    mv "$tmp/$name.wasm" "$name.wasm"
done
