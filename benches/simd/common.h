/* Shared by the SIMD kernels: a deterministic generator for their inputs
   and the one export, `run(n)`, that does the kernel's work n times and
   returns a checksum of its results (so every engine's answer can be
   compared, and no work can be dropped as dead). */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

static uint32_t seed = 0x12345678u;

static uint32_t next_random(void) {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
}

/* Each kernel's own: fills its inputs from the generator. */
static void init(void);

/* Inputs are made at the first call only, so later calls time the work. */
static void init_once(void) {
    static int ready;
    if (!ready) {
        init();
        ready = 1;
    }
}

/* The bits of a float, to fold results into a checksum exactly. */
static uint32_t bits_of(float f) {
    uint32_t u;
    __builtin_memcpy(&u, &f, sizeof u);
    return u;
}
