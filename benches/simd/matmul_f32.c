/* f32 matrix multiply, 64x64 by 64x64: each row of C accumulated in four
   f32x4 registers from a splat of A's element times a row of B. */
#include "common.h"

#define N 64

static float A[N * N], B[N * N], C[N * N];

static void init(void) {
    for (int i = 0; i < N * N; i++) {
        A[i] = (float)next_random() / 16777216.0f - 0.5f;
        B[i] = (float)next_random() / 16777216.0f - 0.5f;
    }
}

static void matmul(void) {
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j += 16) {
            v128_t c0 = wasm_f32x4_splat(0), c1 = c0, c2 = c0, c3 = c0;
            for (int k = 0; k < N; k++) {
                v128_t a = wasm_f32x4_splat(A[i * N + k]);
                const float *b = &B[k * N + j];
                c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(a, wasm_v128_load(b)));
                c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(a, wasm_v128_load(b + 4)));
                c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(a, wasm_v128_load(b + 8)));
                c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(a, wasm_v128_load(b + 12)));
            }
            float *c = &C[i * N + j];
            wasm_v128_store(c, c0);
            wasm_v128_store(c + 4, c1);
            wasm_v128_store(c + 8, c2);
            wasm_v128_store(c + 12, c3);
        }
    }
}

EXPORT("run") uint32_t run(int n) {
    init_once();
    for (int r = 0; r < n; r++) {
        matmul();
        /* Each product feeds the next: B drifts by a little of C. */
        int at = (r * 97) % (N * N);
        B[at] = B[at] * 0.5f + C[(r * 31) % (N * N)] * 0.001f;
    }
    uint32_t h = 0;
    for (int i = 0; i < N * N; i++)
        h = h * 31 + bits_of(C[i]);
    return h;
}
