/* A compression workload for tandem's benchmarks: zstd (the sources the
 * zstd-sys crate bundles) compresses N MB (argv[1], default 8) of generated
 * text at three levels and decompresses it again; prints each size and a
 * checksum, so that runs in different engines can be compared. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "zstd.h"

/* Text from a small vocabulary with a linear congruential generator: as
 * compressible as prose, the same in every engine. */
static void generate(char *out, size_t size) {
    static const char *words[] = {
        "the", "engine", "compiles", "hot", "functions", "in", "a", "background",
        "thread", "while", "interpreter", "runs", "every", "call", "at", "once",
        "memory", "table", "global", "trap", "module", "instance", "store", "linker",
        "value", "stack", "frame", "register", "spill", "loop", "branch", "block"};
    uint32_t state = 12345;
    size_t at = 0;
    while (at < size) {
        state = state * 1103515245u + 12345u;
        const char *w = words[(state >> 16) % 32];
        size_t len = strlen(w);
        for (size_t i = 0; i < len && at < size; i++) out[at++] = w[i];
        if (at < size) out[at++] = (state >> 8) % 13 == 0 ? '\n' : ' ';
    }
}

static uint32_t checksum(const char *data, size_t size) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++) h = (h ^ (uint8_t)data[i]) * 16777619u;
    return h;
}

int main(int argc, char **argv) {
    size_t size = (size_t)(argc > 1 ? atoi(argv[1]) : 8) << 20;
    char *text = malloc(size), *back = malloc(size);
    size_t bound = ZSTD_compressBound(size);
    char *packed = malloc(bound);
    if (!text || !back || !packed) {
        fprintf(stderr, "error: out of memory\n");
        return 1;
    }
    generate(text, size);
    printf("input %zu bytes, checksum %08x\n", size, checksum(text, size));
    static const int levels[] = {1, 3, 9};
    for (int k = 0; k < 3; k++) {
        size_t n = ZSTD_compress(packed, bound, text, size, levels[k]);
        if (ZSTD_isError(n)) {
            fprintf(stderr, "error: %s\n", ZSTD_getErrorName(n));
            return 1;
        }
        memset(back, 0, size);
        size_t m = ZSTD_decompress(back, size, packed, n);
        if (ZSTD_isError(m) || m != size || memcmp(back, text, size) != 0) {
            fprintf(stderr, "error: level %d does not round-trip\n", levels[k]);
            return 1;
        }
        printf("level %d: %zu bytes, checksum %08x\n", levels[k], n, checksum(packed, n));
    }
    free(text);
    free(back);
    free(packed);
    return 0;
}
