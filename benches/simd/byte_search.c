/* Scanning 64 KiB of text: lines (bytes equal to '\n'), words (a
   non-space after a space) and occurrences of "th", sixteen bytes at a
   time by comparisons, bitmasks and popcounts. */
#include "common.h"

#define LEN 65536

static uint8_t text[LEN + 16];

static void init(void) {
    static const char letters[] = "etaoinshrdlucmfwypvbgkjqxz";
    for (int i = 0; i < LEN; i++) {
        uint32_t r = next_random() % 64;
        text[i] = r < 10 ? ' ' : r == 10 ? '\n' : r < 14 ? 'h' : letters[r % 26];
    }
}

static uint32_t scan(void) {
    const v128_t nl = wasm_i8x16_splat('\n'), sp = wasm_i8x16_splat(' ');
    const v128_t t = wasm_i8x16_splat('t'), h = wasm_i8x16_splat('h');
    uint32_t lines = 0, words = 0, th = 0;
    uint32_t prev_space = 1;
    for (int i = 0; i < LEN; i += 16) {
        v128_t v = wasm_v128_load(text + i);
        v128_t next = wasm_v128_load(text + i + 1);
        lines += __builtin_popcount(wasm_i8x16_bitmask(wasm_i8x16_eq(v, nl)));
        v128_t space = wasm_v128_or(wasm_i8x16_eq(v, sp), wasm_i8x16_eq(v, nl));
        uint32_t spaces = wasm_i8x16_bitmask(space);
        /* A word starts where a non-space follows a space. */
        uint32_t starts = ~spaces & ((spaces << 1) | prev_space) & 0xffff;
        words += __builtin_popcount(starts);
        prev_space = spaces >> 15;
        v128_t pair = wasm_v128_and(wasm_i8x16_eq(v, t), wasm_i8x16_eq(next, h));
        th += __builtin_popcount(wasm_i8x16_bitmask(pair));
    }
    return lines * 1000003u ^ words * 7919u ^ th;
}

EXPORT("run") uint32_t run(int n) {
    init_once();
    uint32_t h = 0;
    for (int r = 0; r < n; r++) {
        h = h * 31 + scan();
        text[(r * 7919) % LEN] = (uint8_t)"th e\n"[r % 5];
    }
    return h;
}
