/* A 3x3 binomial blur ([1 2 1] across, then down) of a 512x256 8-bit
   image: bytes widened to 16-bit lanes, neighbours by byte shuffles of
   adjacent loads, sums shifted and narrowed back with saturation. */
#include "common.h"

#define W 512
#define H 256

static uint8_t img[W * H], tmp[W * H], out[W * H];

static void init(void) {
    for (int i = 0; i < W * H; i++)
        img[i] = (uint8_t)next_random();
}

/* (a + 2m + b + 2) >> 2 in each 16-bit lane, of the low or high bytes. */
static v128_t filter_lo(v128_t a, v128_t m, v128_t b) {
    v128_t s = wasm_i16x8_add(wasm_u16x8_extend_low_u8x16(a), wasm_u16x8_extend_low_u8x16(b));
    s = wasm_i16x8_add(s, wasm_i16x8_shl(wasm_u16x8_extend_low_u8x16(m), 1));
    return wasm_u16x8_shr(wasm_i16x8_add(s, wasm_i16x8_splat(2)), 2);
}

static v128_t filter_hi(v128_t a, v128_t m, v128_t b) {
    v128_t s = wasm_i16x8_add(wasm_u16x8_extend_high_u8x16(a), wasm_u16x8_extend_high_u8x16(b));
    s = wasm_i16x8_add(s, wasm_i16x8_shl(wasm_u16x8_extend_high_u8x16(m), 1));
    return wasm_u16x8_shr(wasm_i16x8_add(s, wasm_i16x8_splat(2)), 2);
}

static v128_t filter(v128_t a, v128_t m, v128_t b) {
    return wasm_u8x16_narrow_i16x8(filter_lo(a, m, b), filter_hi(a, m, b));
}

static void across(const uint8_t *src, uint8_t *dst) {
    for (int y = 0; y < H; y++) {
        const uint8_t *row = src + y * W;
        for (int x = 16; x < W - 16; x += 16) {
            v128_t l = wasm_v128_load(row + x - 16);
            v128_t m = wasm_v128_load(row + x);
            v128_t r = wasm_v128_load(row + x + 16);
            v128_t left = wasm_i8x16_shuffle(l, m, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
                                             26, 27, 28, 29, 30);
            v128_t right = wasm_i8x16_shuffle(m, r, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                                              14, 15, 16);
            wasm_v128_store(dst + y * W + x, filter(left, m, right));
        }
    }
}

static void down(const uint8_t *src, uint8_t *dst) {
    for (int y = 1; y < H - 1; y++) {
        for (int x = 0; x < W; x += 16) {
            v128_t u = wasm_v128_load(src + (y - 1) * W + x);
            v128_t m = wasm_v128_load(src + y * W + x);
            v128_t d = wasm_v128_load(src + (y + 1) * W + x);
            wasm_v128_store(dst + y * W + x, filter(u, m, d));
        }
    }
}

EXPORT("run") uint32_t run(int n) {
    init_once();
    for (int r = 0; r < n; r++) {
        across(img, tmp);
        down(tmp, out);
        img[(r * 7919) % (W * H)] ^= out[(r * 104729) % (W * H)];
    }
    /* Sum of all bytes, by pairwise widening adds. */
    v128_t sum = wasm_i32x4_splat(0);
    for (int i = 0; i < W * H; i += 16) {
        v128_t v = wasm_u16x8_extadd_pairwise_u8x16(wasm_v128_load(out + i));
        sum = wasm_i32x4_add(sum, wasm_u32x4_extadd_pairwise_u16x8(v));
    }
    return wasm_i32x4_extract_lane(sum, 0) ^ wasm_i32x4_extract_lane(sum, 1) * 3 ^
           wasm_i32x4_extract_lane(sum, 2) * 5 ^ wasm_i32x4_extract_lane(sum, 3) * 7;
}
