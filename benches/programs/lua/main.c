/* A Lua workload for tandem's benchmarks: the Lua 5.4 interpreter (the
 * sources lua-src bundles) running a script (argv[1], default bench.lua)
 * with the global N set from argv[2]. Lua's errors unwind with longjmp,
 * which wasm32-wasi lacks without exception handling: build.sh makes a
 * raised error abort instead, so the script must raise none (and use no
 * coroutines, whose yield unwinds the same way). */
#include <stdio.h>
#include <stdlib.h>
#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

/* WASI has neither a shell nor temporary files: os.execute and io.tmpfile
 * report failure. */
int system(const char *command) { return command ? -1 : 0; }
FILE *tmpfile(void) { return NULL; }

int main(int argc, char **argv) {
    const char *script = argc > 1 ? argv[1] : "bench.lua";
    lua_State *L = luaL_newstate();
    if (!L) {
        fprintf(stderr, "error: no memory for a Lua state\n");
        return 1;
    }
    luaL_openlibs(L);
    lua_pushinteger(L, argc > 2 ? atoi(argv[2]) : 1);
    lua_setglobal(L, "N");
    if (luaL_dofile(L, script) != LUA_OK) {
        fprintf(stderr, "error: %s\n", lua_tostring(L, -1));
        return 1;
    }
    lua_close(L);
    return 0;
}
