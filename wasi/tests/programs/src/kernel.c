/* kernel: CPU-bound work with checksums: SHA-256 (written out here) and
 * CRC-32 of generated data, a prime sieve, an integer matrix product, a
 * small floating-point Mandelbrot and a 64-bit hash mix. About 30 million
 * simple operations. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- SHA-256 (FIPS 180-4) ---- */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

typedef struct {
    uint32_t h[8];
    uint8_t block[64];
    size_t used;
    uint64_t total;
} sha256;

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_init(sha256 *s) {
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, iv, sizeof iv);
    s->used = 0;
    s->total = 0;
}

static void sha256_block(uint32_t h[8], const uint8_t *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + K[i] + w[i];
        uint32_t S0 = ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha256_update(sha256 *s, const void *data, size_t n) {
    const uint8_t *p = data;
    s->total += n;
    while (n) {
        size_t take = 64 - s->used;
        if (take > n) take = n;
        memcpy(s->block + s->used, p, take);
        s->used += take;
        p += take;
        n -= take;
        if (s->used == 64) {
            sha256_block(s->h, s->block);
            s->used = 0;
        }
    }
}

static void sha256_final(sha256 *s, uint8_t out[32]) {
    uint64_t bits = s->total * 8;
    uint8_t pad = 0x80;
    sha256_update(s, &pad, 1);
    pad = 0;
    while (s->used != 56)
        sha256_update(s, &pad, 1);
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(s, len, 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(s->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s->h[i];
    }
}

static void print_digest(const char *label, const uint8_t d[32]) {
    printf("%s", label);
    for (int i = 0; i < 32; i++)
        printf("%02x", d[i]);
    printf("\n");
}

/* ---- CRC-32 (bitwise, no table: more work per byte) ---- */
static uint32_t crc32_bitwise(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

#define DATA_LEN (192 * 1024)
static uint8_t data[DATA_LEN];

#define SIEVE_N 300000
static uint8_t composite[SIEVE_N + 1];

#define MN 48
static int32_t ma[MN][MN], mb[MN][MN], mc[MN][MN];

int main(void) {
    /* known-answer checks first */
    uint8_t d[32];
    sha256 s;
    sha256_init(&s);
    sha256_update(&s, "abc", 3);
    sha256_final(&s, d);
    print_digest("sha256(\"abc\")  = ", d);
    sha256_init(&s);
    sha256_final(&s, d);
    print_digest("sha256(\"\")     = ", d);
    printf("crc32(\"123456789\") = %08x\n", crc32_bitwise((const uint8_t *)"123456789", 9));

    /* generated data: xorshift32 */
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < DATA_LEN; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data[i] = (uint8_t)(x >> 11);
    }
    sha256_init(&s);
    sha256_update(&s, data, DATA_LEN);
    sha256_final(&s, d);
    print_digest("sha256(data)   = ", d);
    printf("crc32(data)    = %08x\n", crc32_bitwise(data, DATA_LEN));

    /* sieve */
    int primes = 0;
    uint64_t psum = 0;
    for (int i = 2; i <= SIEVE_N; i++) {
        if (composite[i])
            continue;
        primes++;
        psum += (uint64_t)i;
        for (long j = (long)i * i; j <= SIEVE_N; j += i)
            composite[j] = 1;
    }
    printf("primes <= %d: %d, sum %llu\n", SIEVE_N, primes, (unsigned long long)psum);

    /* integer matrix product */
    for (int i = 0; i < MN; i++)
        for (int j = 0; j < MN; j++) {
            ma[i][j] = (i * 31 + j * 17) % 101 - 50;
            mb[i][j] = (i * 7 + j * 13) % 89 - 44;
        }
    for (int rep = 0; rep < 4; rep++) {
        for (int i = 0; i < MN; i++)
            for (int j = 0; j < MN; j++) {
                int32_t acc = 0;
                for (int k = 0; k < MN; k++)
                    acc += ma[i][k] * mb[k][j];
                mc[i][j] = acc;
            }
        /* feed back so repetitions are not redundant */
        for (int i = 0; i < MN; i++)
            for (int j = 0; j < MN; j++)
                ma[i][j] = (mc[i][j] % 97) + rep;
    }
    int64_t trace = 0, msum = 0;
    for (int i = 0; i < MN; i++) {
        trace += mc[i][i];
        for (int j = 0; j < MN; j++)
            msum += (int64_t)mc[i][j] * (i + 1);
    }
    printf("matrix: trace %lld, weighted sum %lld\n", (long long)trace, (long long)msum);

    /* floating point: Mandelbrot iteration counts on a 64x32 grid */
    long iters = 0;
    double fsum = 0;
    for (int py = 0; py < 32; py++)
        for (int px = 0; px < 64; px++) {
            double cr = -2.0 + px * (2.5 / 64), ci = -1.0 + py * (2.0 / 32);
            double zr = 0, zi = 0;
            int it = 0;
            while (it < 200 && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t;
                it++;
            }
            iters += it;
            fsum += zr * 0.5 + zi * 0.25;
        }
    printf("mandelbrot: %ld iterations, checksum %.6f\n", iters, fsum);

    /* 64-bit mixing (splitmix64) */
    uint64_t z = 0x9E3779B97F4A7C15ull, acc = 0;
    for (int i = 0; i < 200000; i++) {
        z += 0x9E3779B97F4A7C15ull;
        uint64_t m = z;
        m = (m ^ (m >> 30)) * 0xBF58476D1CE4E5B9ull;
        m = (m ^ (m >> 27)) * 0x94D049BB133111EBull;
        m ^= m >> 31;
        acc ^= m + (acc << 6) + (acc >> 2);
    }
    printf("splitmix64 fold: %016llx\n", (unsigned long long)acc);
    return 0;
}
