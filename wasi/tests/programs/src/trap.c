/* trap: prints a line, flushes stdout, then traps in the way argv[1] names:
 *
 *   unreachable    __builtin_trap() (the `unreachable` instruction)
 *   divzero        i32.div_s by zero
 *   intoverflow    i32.div_s INT_MIN / -1
 *   oob            i32.load far beyond the end of linear memory
 *   stackoverflow  unbounded non-tail recursion (exhausts the wasm stack)
 *   nullcall       call_indirect through a null function pointer
 *   badcast        call_indirect with the wrong signature
 *   truncnan       i32.trunc_f64_s of NaN
 *   abort          abort() (wasi-libc: `unreachable`)
 *   none           no trap: prints and returns 0
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int zero = 0;
static volatile int one = 1;
static volatile int minus_one = -1;
static volatile int int_min = INT_MIN;
static volatile unsigned depth_limit = 0xFFFFFFFFu;
static volatile double not_a_number;

/* Non-tail recursion whose result depends on every frame; the bound comes
 * from a volatile so the compiler cannot fold or bound it. */
__attribute__((noinline)) static unsigned recurse(unsigned n) {
    if (n == depth_limit)
        return n;
    unsigned r = recurse(n + 1);
    return r * 2654435761u + n;
}

typedef int (*int_fn)(int);
typedef double (*dbl_fn)(double, double);

__attribute__((noinline)) static double add2(double a, double b) { return a + b; }

static int_fn volatile null_fn = 0;
static dbl_fn volatile add_fn = add2;

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "none";
    printf("trap mode: %s\n", mode);
    fflush(stdout);

    if (strcmp(mode, "unreachable") == 0) {
        __builtin_trap();
    } else if (strcmp(mode, "divzero") == 0) {
        printf("%d\n", one / zero);
    } else if (strcmp(mode, "intoverflow") == 0) {
        printf("%d\n", int_min / minus_one);
    } else if (strcmp(mode, "oob") == 0) {
        volatile int *p = (volatile int *)(uintptr_t)0xFFFFFFF0u;
        printf("%d\n", *p);
    } else if (strcmp(mode, "stackoverflow") == 0) {
        printf("%u\n", recurse(0));
    } else if (strcmp(mode, "nullcall") == 0) {
        printf("%d\n", null_fn(1));
    } else if (strcmp(mode, "badcast") == 0) {
        /* add2 takes (f64, f64) -> f64; calling it as (i32) -> i32 is a
         * signature mismatch that call_indirect catches. */
        int_fn f = (int_fn)(void *)add_fn;
        printf("%d\n", f(1));
    } else if (strcmp(mode, "truncnan") == 0) {
        not_a_number = __builtin_nan("");
        printf("%d\n", __builtin_wasm_trunc_s_i32_f64(not_a_number));
    } else if (strcmp(mode, "abort") == 0) {
        abort();
    } else if (strcmp(mode, "none") == 0) {
        printf("no trap\n");
        return 0;
    } else {
        printf("unknown mode\n");
        return 2;
    }
    printf("still running after %s: trap did not happen\n", mode);
    return 1;
}
