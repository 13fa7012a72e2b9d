/* ldo.c includes <setjmp.h>, which wasm32-wasi has only with exception
 * handling; build.sh defines Lua's error handling without it. */
