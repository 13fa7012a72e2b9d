/* faults: memory accesses at the edges of linear memory (address 0 is
 * valid, the last byte is, a load straddling the end is not), remainder by
 * zero and INT_MIN % -1 (0, no trap), float division by zero, an indirect
 * call past the table, malloc misuse, deep recursion, memory.grow, and
 * (alloc) large allocations. Prints "after" if KIND did not trap. trap.c
 * has the plain traps: unreachable, division by zero, a far load, stack
 * overflow, null and mistyped indirect calls.
 *
 *   faults KIND */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile int zero = 0;
volatile uintptr_t addr;
static int depth(int n) { volatile char pad[128]; pad[0] = n; return n ? depth(n - 1) + pad[0] : 0; }
typedef int (*fn)(int);
/* Large allocations (up to 4 GiB, most must fail), calloc overflow,
 * realloc, 256 MiB blocks until failure, memory.grow after frees. */
static void alloc(void) {
    size_t p0 = __builtin_wasm_memory_size(0);
    printf("initial pages >0: %d\n", p0 > 0);
    size_t sizes[] = {1 << 20, 100u << 20, 1u << 30, 2000u << 20, 3u << 30, 0xffffffffu, 0};
    void *keep[8] = {0};
    for (int i = 0; sizes[i]; i++) {
        void *p = malloc(sizes[i]);
        printf("malloc(%zu MB) -> %s", sizes[i] >> 20, p ? "ok" : "NULL");
        if (p) { memset(p, 0xab, sizes[i] < (64u << 20) ? sizes[i] : (64u << 20)); ((volatile char *)p)[sizes[i] - 1] = 1; printf(", touched"); }
        printf(", pages now %s\n", __builtin_wasm_memory_size(0) > p0 ? "grown" : "same");
        keep[i] = p;
    }
    for (int i = 0; i < 8; i++) free(keep[i]);
    void *c = calloc(1u << 20, 1024); printf("calloc 1G: %s\n", c ? "ok" : "NULL"); free(c);
    void *o = calloc(1u << 31, 4); printf("calloc overflow: %s\n", o ? "ok" : "NULL");
    char *r = malloc(10); strcpy(r, "abc"); r = realloc(r, 200u << 20); printf("realloc 200MB: %s keeps %s\n", r ? "ok" : "NULL", r ? r : "-"); free(r);
    int n = 0; void *ps[64];
    for (; n < 64; n++) { ps[n] = malloc(256u << 20); if (!ps[n]) break; }
    printf("256MB blocks until failure: %d\n", n);
    for (int i = 0; i < n; i++) free(ps[i]);
    long g = __builtin_wasm_memory_grow(0, 1);
    printf("memory.grow 1 after frees: %s\n", g < 0 ? "-1" : "ok");
    printf("pages total <= 65536: %d\n", __builtin_wasm_memory_size(0) <= 65536);
}
int main(int argc, char **argv) {
    const char *k = argc > 1 ? argv[1] : "";
    printf("kind %s\n", k); fflush(stdout);
    printf("unflushed before the event; ");
    if (!strcmp(k, "null-write")) { addr = 0; *(volatile int *)addr = 0x1234; printf("wrote *0=%x\n", *(volatile int *)addr); }
    else if (!strcmp(k, "null-read")) { addr = 0; printf("read *0 = %d\n", *(volatile int *)addr); }
    else if (!strcmp(k, "low-write")) { addr = 16; *(volatile char *)addr = 1; printf("wrote *16\n"); }
    else if (!strcmp(k, "huge-ptr-write")) { addr = 0xfffffffcu; *(volatile int *)addr = 1; printf("wrote\n"); }
    else if (!strcmp(k, "past-end")) { extern unsigned char __heap_base; (void)__heap_base; addr = __builtin_wasm_memory_size(0) * 65536u; printf("mem pages %u\n", (unsigned)__builtin_wasm_memory_size(0)); printf("read %d\n", *(volatile char *)addr); }
    else if (!strcmp(k, "last-byte")) { addr = __builtin_wasm_memory_size(0) * 65536u - 1; *(volatile char *)addr = 7; printf("last byte ok %d\n", *(volatile char *)addr); }
    else if (!strcmp(k, "straddle")) { addr = __builtin_wasm_memory_size(0) * 65536u - 2; printf("read %d\n", *(volatile int *)addr); }
    else if (!strcmp(k, "stack-deep-ok")) printf("depth %d\n", depth(1000));
    else if (!strcmp(k, "rem0")) printf("%d\n", 10 % zero);
    else if (!strcmp(k, "rem-overflow")) { volatile int m = INT32_MIN, n1 = -1; printf("rem %d\n", m % n1); }
    else if (!strcmp(k, "fdiv0")) { volatile double z = 0; printf("%g %g\n", 1 / z, z / z); }
    else if (!strcmp(k, "bad-fn-index")) { volatile uintptr_t i = 12345; fn f = (fn)i; printf("%d\n", f(1)); }
    else if (!strcmp(k, "free-invalid")) { free((void *)(uintptr_t)0x10); printf("freed\n"); }
    else if (!strcmp(k, "double-free")) { void *p = malloc(32); free(p); free(p); printf("double freed\n"); }
    else if (!strcmp(k, "memcpy-oob")) { char *p = (char *)(uintptr_t)(__builtin_wasm_memory_size(0) * 65536u - 10); memset(p, 1, 100); printf("done\n"); }
    else if (!strcmp(k, "grow")) { size_t before = __builtin_wasm_memory_size(0); long r = __builtin_wasm_memory_grow(0, 10); printf("grow 10: old %ld (==before %d) now +%zu\n", r, r == (long)before, __builtin_wasm_memory_size(0) - before); long r2 = __builtin_wasm_memory_grow(0, 70000); printf("grow 70000: %ld\n", r2); long r3 = __builtin_wasm_memory_grow(0, 0); printf("grow 0: ==size %d\n", r3 == (long)__builtin_wasm_memory_size(0)); }
    else if (!strcmp(k, "alloc")) alloc();
    else printf("unknown\n");
    printf("after\n");
    return 0;
}
