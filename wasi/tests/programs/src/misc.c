/* misc: random_get, args/environ sizes, sched_yield and a large stdout
 * write (stdio loops over short fd_writes). Prints only deterministic
 * facts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#include "common.h"

int main(int argc, char **argv) {
    unsigned char a[64], b[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    errno = 0;
    int r1 = getentropy(a, sizeof a);
    int r2 = getentropy(b, sizeof b);
    int nonzero = 0;
    for (size_t i = 0; i < sizeof a; i++)
        nonzero += a[i] != 0;
    printf("getentropy: %s %s, draws differ: %s, mostly non-zero: %s\n", res(r1), res(r2),
           memcmp(a, b, sizeof a) ? "yes" : "NO", nonzero > 32 ? "yes" : "NO");
    errno = 0;
    printf("getentropy 257 bytes (over the limit): %s\n", res(getentropy(a, 257)));
    {
        static unsigned char big[65536];
        __wasi_errno_t e = __wasi_random_get(big, sizeof big);
        unsigned counts[256] = {0};
        for (size_t i = 0; i < sizeof big; i++)
            counts[big[i]]++;
        unsigned maxc = 0, minc = ~0u;
        for (int i = 0; i < 256; i++) {
            if (counts[i] > maxc) maxc = counts[i];
            if (counts[i] < minc) minc = counts[i];
        }
        /* expected 256 per value; 130..400 is ~8 sigma either way */
        printf("random_get 64 KiB: %s, byte histogram plausible: %s\n", e ? errname(e) : "ok",
               minc > 130 && maxc < 400 ? "yes" : "NO");
        e = __wasi_random_get(big, 0);
        printf("random_get 0 bytes: %s\n", e ? errname(e) : "ok");
    }
    {
        __wasi_size_t argc_w = 0, argv_buf = 0, envc = 0, env_buf = 0;
        __wasi_errno_t e1 = __wasi_args_sizes_get(&argc_w, &argv_buf);
        __wasi_errno_t e2 = __wasi_environ_sizes_get(&envc, &env_buf);
        size_t expect_buf = 0;
        for (int i = 0; i < argc; i++)
            expect_buf += strlen(argv[i]) + 1;
        printf("args_sizes_get: %s, argc matches: %s, buffer size matches: %s\n",
               e1 ? errname(e1) : "ok", (int)argc_w == argc ? "yes" : "NO",
               argv_buf == expect_buf ? "yes" : "NO");
        printf("environ_sizes_get: %s, count %lu, buffer %lu\n", e2 ? errname(e2) : "ok",
               (unsigned long)envc, (unsigned long)env_buf);
    }
    {
        __wasi_errno_t e = __wasi_sched_yield();
        printf("sched_yield: %s\n", e ? errname(e) : "ok");
    }
    {
        /* 16 KiB through stdout in one fwrite, then a checksum line */
        static char block[16 * 1024];
        for (size_t i = 0; i < sizeof block; i++)
            block[i] = (i % 64 == 63) ? '\n' : (char)('!' + (i * 7 + i / 64) % 90);
        size_t w = fwrite(block, 1, sizeof block, stdout);
        printf("fwrite of %zu bytes returned %zu, fnv1a %08x\n", sizeof block, w,
               fnv1a(block, sizeof block, FNV_INIT));
        fprintf(stderr, "misc: a line on stderr\n");
    }
    return 0;
}
