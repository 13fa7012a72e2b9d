/* A 32-tap FIR filter over 16-bit samples: each output a dot product of
   32 samples with the taps, four `i32x4.dot_i16x8_s` and a horizontal
   sum by shuffles, scaled back to Q15 and saturated to 16 bits. */
#include "common.h"

#define LEN 8192
#define TAPS 32

static int16_t x[LEN + TAPS], taps[TAPS], y[LEN];

static void init(void) {
    for (int i = 0; i < LEN + TAPS; i++)
        x[i] = (int16_t)next_random();
    for (int k = 0; k < TAPS; k++)
        taps[k] = (int16_t)(next_random() >> 4) - 0x400;
}

static void fir(void) {
    v128_t h0 = wasm_v128_load(taps), h1 = wasm_v128_load(taps + 8);
    v128_t h2 = wasm_v128_load(taps + 16), h3 = wasm_v128_load(taps + 24);
    for (int i = 0; i < LEN; i += 4) {
        v128_t out[4];
        for (int j = 0; j < 4; j++) {
            const int16_t *s = x + i + j;
            v128_t acc = wasm_i32x4_dot_i16x8(wasm_v128_load(s), h0);
            acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_v128_load(s + 8), h1));
            acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_v128_load(s + 16), h2));
            acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_v128_load(s + 24), h3));
            out[j] = acc;
        }
        /* Transpose-and-add: lane j of the result sums out[j]. */
        v128_t t0 = wasm_i32x4_add(wasm_i32x4_shuffle(out[0], out[1], 0, 4, 1, 5),
                                   wasm_i32x4_shuffle(out[0], out[1], 2, 6, 3, 7));
        v128_t t1 = wasm_i32x4_add(wasm_i32x4_shuffle(out[2], out[3], 0, 4, 1, 5),
                                   wasm_i32x4_shuffle(out[2], out[3], 2, 6, 3, 7));
        v128_t sum = wasm_i32x4_add(wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5),
                                    wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
        sum = wasm_i32x4_shr(sum, 15);
        v128_t narrowed = wasm_i16x8_narrow_i32x4(sum, sum);
        wasm_v128_store64_lane(y + i, narrowed, 0);
    }
}

EXPORT("run") uint32_t run(int n) {
    init_once();
    for (int r = 0; r < n; r++) {
        fir();
        x[(r * 13) % LEN] ^= y[(r * 101) % LEN];
    }
    uint32_t h = 0;
    for (int i = 0; i < LEN; i++)
        h = h * 31 + (uint16_t)y[i];
    return h;
}
