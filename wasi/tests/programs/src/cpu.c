/* cpu: CPU-bound kernels with deterministic output: SHA-256, a matrix
 * product, qsort of doubles, libm functions, printf/strtod of special and
 * boundary floating-point values, integer loops and conversions.
 *
 *   cpu */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
static void sha256(const uint8_t *msg, size_t len, uint8_t out[32]) {
    static const uint32_t k[64] = {
        0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,
        0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,
        0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,
        0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,
        0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,
        0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2};
    uint32_t h[8] = {0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19};
    size_t total = ((len + 9 + 63) / 64) * 64;
    uint8_t *m = calloc(total, 1);
    memcpy(m, msg, len); m[len] = 0x80;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++) m[total - 1 - i] = bits >> (8 * i);
    for (size_t off = 0; off < total; off += 64) {
        uint32_t w[64];
        for (int i = 0; i < 16; i++) w[i] = m[off+4*i]<<24 | m[off+4*i+1]<<16 | m[off+4*i+2]<<8 | m[off+4*i+3];
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = rotr(w[i-15],7) ^ rotr(w[i-15],18) ^ (w[i-15]>>3), s1 = rotr(w[i-2],17) ^ rotr(w[i-2],19) ^ (w[i-2]>>10);
            w[i] = w[i-16] + s0 + w[i-7] + s1;
        }
        uint32_t a=h[0],b=h[1],c=h[2],d=h[3],e=h[4],f=h[5],g=h[6],hh=h[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 = hh + (rotr(e,6)^rotr(e,11)^rotr(e,25)) + ((e&f)^(~e&g)) + k[i] + w[i];
            uint32_t t2 = (rotr(a,2)^rotr(a,13)^rotr(a,22)) + ((a&b)^(a&c)^(b&c));
            hh=g; g=f; f=e; e=d+t1; d=c; c=b; b=a; a=t1+t2;
        }
        h[0]+=a;h[1]+=b;h[2]+=c;h[3]+=d;h[4]+=e;h[5]+=f;h[6]+=g;h[7]+=hh;
    }
    free(m);
    for (int i = 0; i < 8; i++) for (int j = 0; j < 4; j++) out[4*i+j] = h[i] >> (24 - 8*j);
}
static int cmpd(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static uint64_t rng = 88172645463325252ULL;
static uint64_t xs(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

int main(void) {
    uint8_t d[32];
    const char *tests[] = {"", "abc", "The quick brown fox jumps over the lazy dog"};
    for (int t = 0; t < 3; t++) { sha256((const uint8_t *)tests[t], strlen(tests[t]), d); printf("sha256(\"%s\")=", tests[t]); for (int i = 0; i < 32; i++) printf("%02x", d[i]); printf("\n"); }
    size_t n = 1 << 20; uint8_t *buf = malloc(n);
    for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)(i * 2654435761u >> 13);
    for (int r = 0; r < 3; r++) { sha256(buf, n, d); memcpy(buf, d, 32); }
    printf("sha256 chain 3x1MB: "); for (int i = 0; i < 32; i++) printf("%02x", d[i]); printf("\n");
    free(buf);
    int N = 80;
    double *A = malloc(N*N*sizeof(double)), *B = malloc(N*N*sizeof(double)), *C = calloc(N*N, sizeof(double));
    for (int i = 0; i < N*N; i++) { A[i] = sin(i * 0.01) + 1.0 / (i + 1); B[i] = cos(i * 0.02) * sqrt(i + 1.0); }
    for (int i = 0; i < N; i++) for (int k = 0; k < N; k++) for (int j = 0; j < N; j++) C[i*N+j] += A[i*N+k] * B[k*N+j];
    double tr = 0, fro = 0; for (int i = 0; i < N; i++) tr += C[i*N+i]; for (int i = 0; i < N*N; i++) fro += C[i]*C[i];
    printf("matmul trace %.17g frob %.17g c[7]=%.17g\n", tr, sqrt(fro), C[7]);
    double *v = malloc(100000 * sizeof(double));
    for (int i = 0; i < 100000; i++) v[i] = (double)(xs() >> 11) / 9007199254740992.0 * 2000 - 1000;
    qsort(v, 100000, sizeof(double), cmpd);
    double s = 0; for (int i = 0; i < 100000; i++) s += v[i] * (i % 7);
    printf("qsort min %.17g max %.17g median %.17g weighted %.17g\n", v[0], v[99999], v[50000], s);
    double sp[] = {0.0, -0.0, 1.0/3, 1e300*10, -1e300*10, NAN, -NAN, DBL_MIN, DBL_MAX, DBL_EPSILON, 5e-324, 123456789.125, 0.1+0.2, M_PI, exp(1), pow(2, 0.5), log(10), atan2(1, -1), fmod(-7.5, 2), cbrt(27.0), tgamma(5.5), lgamma(100), erf(0.5), hypot(3, 4), expm1(1e-10), log1p(1e-10), ldexp(1, -1074)};
    for (unsigned i = 0; i < sizeof sp / sizeof *sp; i++) printf("%%.17g=%.17g %%e=%e %%a=%a %%g=%g %%f=%.3f\n", sp[i], sp[i], sp[i], sp[i], sp[i]);
    float f = 1.1f; printf("float 1.1f %.9g %a, (double)(float)0.1 %.17g\n", f, f, (double)0.1f);
    const char *strs[] = {"3.14159", "1e-400", "1e400", "-0", "nan", "inf", "-Infinity", "0x1.8p3", "  42abc", "abc", "1e", ".5", "4.9406564584124654e-324", "2.2250738585072011e-308", "0x1p-1075", "1_000"};
    for (unsigned i = 0; i < sizeof strs / sizeof *strs; i++) {
        char *end; errno = 0; double x = strtod(strs[i], &end);
        printf("strtod(\"%s\")=%.17g consumed %d errno %d\n", strs[i], x, (int)(end - strs[i]), errno);
    }
    printf("strtol: %ld %ld %lu %lld\n", strtol("0x7fffffff", 0, 0), strtol("-077", 0, 0), strtoul("18446744073709551615", 0, 10), strtoll("9223372036854775808", 0, 10));
    printf("ints: %d %u %x %o %lld %hhd %zu %%\n", -1, -1, 255, 8, -9223372036854775807LL - 1, 300, sizeof(void *));
    printf("[%10.4s][%-8d][%+05d][% d][%#x][%#o][%.0f][%.0f][%.0f]\n", "abcdefg", 42, 42, 42, 255, 8, 0.5, 1.5, 2.5);
    uint64_t acc = 0; for (uint64_t i = 1; i < 3000000; i++) acc += (i * i) ^ (acc >> 3) ^ (i % 97 ? i / 7 : 0);
    printf("int loop: %llu\n", (unsigned long long)acc);
    int32_t mn = INT32_MIN; printf("INT_MIN/-1 via unsigned: %d; rem %d\n", (int)((unsigned)mn / 1u), mn % 3);
    printf("float->int conversions: %d %d %lld\n", (int)2.9, (int)-2.9, (long long)1e18);
    printf("rounding: %g %g %g %g %g\n", rint(2.5), rint(3.5), nearbyint(-2.5), round(-2.5), trunc(-2.5));
    return 0;
}
