#!/bin/sh
# Builds every src/*.c into <name>.wasm beside this script (wasm32-wasi,
# WASI preview 1 command modules, -O2, name section kept), then Lua 5.4
# (lua.wasm, lua-legacy.wasm; see lua/).
#
# Needs the Debian packages: clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32,
# and for the programs built with Wasm exceptions (a `// cc: clang-22` line,
# and Lua) clang-22 lld-22 libclang-rt-22-dev-wasm32; Lua's sources come from
# crates.io (the lua-src crate) with curl.
set -eu

cd "$(dirname "$0")"

PKGS="clang-19 lld-19 clang-22 lld-22 wasi-libc libclang-rt-19-dev-wasm32 libclang-rt-22-dev-wasm32 curl"
die() {
    echo "build.sh: $*" >&2
    echo "build.sh: install the Debian packages: apt-get install $PKGS" >&2
    exit 1
}

# Debian's wasi-libc installs headers in /usr/include/wasm32-wasi and
# libraries in /usr/lib/wasm32-wasi, which clang finds with --sysroot=/usr.
SYSROOT=${WASI_SYSROOT:-/usr}
[ -f "$SYSROOT/include/wasm32-wasi/wasi/api.h" ] || [ -f "$SYSROOT/include/wasi/api.h" ] \
    || die "wasi-libc headers not found under $SYSROOT"
[ -f "$SYSROOT/lib/wasm32-wasi/libc.a" ] || [ -f "$SYSROOT/lib/libc.a" ] \
    || die "wasi-libc libc.a not found under $SYSROOT"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# At -O2 clang runs wasm-opt after linking when it finds one in PATH
# (binaryen); that strips the name section and reshapes the code, and
# Debian's (version 108) cannot read Wasm 3.0 exceptions. So the compilers
# run with an empty PATH: with -fuse-ld=lld they find their own wasm-ld.
mkdir "$tmp/nopath"
# compiler NAME: the absolute path of clang-NAME, checked to have what it needs.
compiler() {
    cc=$(command -v "$1" 2>/dev/null) || die "$1 not found"
    rt=$("$cc" --target=wasm32-wasi -Wno-deprecated -print-libgcc-file-name)
    [ -f "$rt" ] || die "compiler-rt builtins for wasm32 of $1 not found ($rt)"
    echo "$cc"
}
cc() {
    env PATH="$tmp/nopath" "$@"
}

# wasi-libc's emulations: clock() and friends (process clocks), signal() and
# raise() (signals). A library only adds code to the programs that use it.
# (clang-22 calls the target wasm32-wasip1 and warns about the old name,
# which Debian's wasi-libc directories still carry: -Wno-deprecated.)
CFLAGS="--target=wasm32-wasi -Wno-deprecated -O2 --sysroot=$SYSROOT -fuse-ld=lld -Wall -Wextra -Wno-unused-parameter -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_SIGNAL"
LIBS="-lwasi-emulated-process-clocks -lwasi-emulated-signal"
# Drop DWARF (most of it comes from libc.a) but keep the name section, so
# backtraces name functions.
LDFLAGS="-Wl,--strip-debug"

# Link into a scratch directory under the final file name (wasm-ld names the
# module after its output file in the name section), then move into place.
for src in src/*.c; do
    name=$(basename "$src" .c)
    echo "  CC $src -> $name.wasm"
    # A program's own compiler and flags, on `// cc:` and `// cflags:`
    # lines (Wasm 3.0 proposals).
    CC=$(compiler "$(sed -n 's|^// cc: ||p' "$src" | grep . || echo clang-19)")
    extra=$(sed -n 's|^// cflags: ||p' "$src")
    # shellcheck disable=SC2086
    cc "$CC" $CFLAGS $extra $LDFLAGS -o "$tmp/$name.wasm" "$src" $LIBS
    mv "$tmp/$name.wasm" "$name.wasm"
    # A program built with Wasm 3.0 exceptions gets a twin with the legacy
    # opcodes (try, catch, delegate, rethrow), NAME-legacy.wasm.
    case $extra in
    *-wasm-use-legacy-eh=false*)
        echo "  CC $src -> $name-legacy.wasm"
        legacy=$(echo "$extra" | sed 's/-wasm-use-legacy-eh=false/-wasm-use-legacy-eh=true/')
        # shellcheck disable=SC2086
        cc "$CC" $CFLAGS $legacy $LDFLAGS -o "$tmp/$name-legacy.wasm" "$src" $LIBS
        mv "$tmp/$name-legacy.wasm" "$name-legacy.wasm"
        ;;
    esac
done

# Lua 5.4.7, as the lua-src crate (version 547.0.0) bundles it, with its
# errors (setjmp/longjmp) over Wasm exceptions and tail calls on. Built
# twice: lua.wasm in the Wasm 3.0 form (try_table, exnref), lua-legacy.wasm
# in the legacy form (try, catch, rethrow, delegate) that older toolchains
# emit, browsers run and wasmtime refuses.
LUA_CRATE=https://static.crates.io/crates/lua-src/lua-src-547.0.0.crate
LUA_SHA256=1edaf29e3517b49b8b746701e5648ccb5785cde1c119062cbabbc5d5cd115e42
command -v curl >/dev/null 2>&1 || die "curl not found"
curl -sSfL -o "$tmp/lua-src.crate" "$LUA_CRATE"
echo "$LUA_SHA256  $tmp/lua-src.crate" | sha256sum -c --quiet - || die "lua-src crate: checksum mismatch"
tar -xzf "$tmp/lua-src.crate" -C "$tmp"
LUA="$tmp/lua-src-547.0.0/lua-5.4.7"
CC=$(compiler clang-22)
# Lua's own C is built without -Wall (it is not ours to change); WASI has no
# tmpnam (lua_tmpnam fails), shell or tmpfile (lua/shims.c).
LUA_CFLAGS="--target=wasm32-wasi -Wno-deprecated -O2 --sysroot=$SYSROOT -fuse-ld=lld -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_SIGNAL -Dlua_tmpnam(b,e)=(e=-1) -DLUA_TMPNAMBUFSIZE=32 -fwasm-exceptions -mllvm -wasm-enable-sjlj -mtail-call -Isjlj -I$LUA"
LUA_SOURCES=$(ls "$LUA"/*.c | grep -v -e '/lua\.c$' -e '/luac\.c$' -e '/onelua\.c$')
for form in exnref legacy; do
    case $form in
    exnref) name=lua legacy=false ;;
    legacy) name=lua-legacy legacy=true ;;
    esac
    echo "  CC lua-5.4.7 lua/*.c sjlj/runtime.c -> $name.wasm"
    # shellcheck disable=SC2086
    cc "$CC" $LUA_CFLAGS -mllvm -wasm-use-legacy-eh=$legacy $LDFLAGS \
        -Wl,-z,stack-size=1048576 -o "$tmp/$name.wasm" \
        $LUA_SOURCES lua/main.c lua/shims.c sjlj/runtime.c $LIBS
    mv "$tmp/$name.wasm" "$name.wasm"
done
