/* fileio: copies a 1 MiB file (generated first as big.bin) with stdio and
 * with read()/write() in several chunk sizes, then descriptor numbering,
 * lseek/pread/pwrite/ftruncate/O_APPEND, fcntl flags, and open() on
 * directories, symlinks (data/link-hello -> ../hello.txt, data/dangling ->
 * nowhere, made here) and odd paths. Removes everything it made.
 *
 *   fileio            (run with --dir .) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

/* Prints "label = result" and, for a negative result, the errno name. */
__attribute__((noinline)) static void report(const char *label, long r, int e) {
    printf("%s = %ld%s%s\n", label, r, r < 0 ? " " : "", r < 0 ? errname(e) : "");
}
#define P(label, expr) do { errno = 0; long r_ = (long)(expr); report(label, r_, errno); } while (0)

static unsigned hashfile(const char *p, long *size) {
    FILE *f = fopen(p, "rb");
    if (!f) { *size = -1; return 0; }
    unsigned h = FNV_INIT; char b[4096]; size_t n; long s = 0;
    while ((n = fread(b, 1, sizeof b, f)) > 0) { h = fnv1a(b, n, h); s += n; }
    fclose(f); *size = s; return h;
}
static void copy_stdio(const char *a, const char *b, size_t chunk) {
    FILE *in = fopen(a, "rb"), *out = fopen(b, "wb");
    if (!in || !out) { printf("copy_stdio open failed %s\n", errname(errno)); return; }
    char *buf = malloc(chunk); size_t n, tot = 0;
    while ((n = fread(buf, 1, chunk, in)) > 0) tot += fwrite(buf, 1, n, out);
    fclose(in); fclose(out); free(buf);
    long s; unsigned h = hashfile(b, &s);
    printf("copy_stdio %s -> %s chunk %zu: %zu bytes, size %ld hash %08x\n", a, b, chunk, tot, s, h);
}
static void copy_fd(const char *a, const char *b, size_t chunk) {
    int in = open(a, O_RDONLY), out = open(b, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    printf("copy_fd fds %d %d\n", in, out);
    char *buf = malloc(chunk); ssize_t n; long tot = 0; int reads = 0;
    while ((n = read(in, buf, chunk)) > 0) {
        ssize_t w = write(out, buf, n);
        if (w != n) printf("short write %zd\n", w);
        tot += w; reads++;
    }
    printf("last read %zd, reads %d\n", n, reads);
    close(in); close(out); free(buf);
    long s; unsigned h = hashfile(b, &s);
    printf("copy_fd %s -> %s chunk %zu: %ld bytes, size %ld hash %08x\n", a, b, chunk, tot, s, h);
}
/* 1 MiB of xorshift bytes. */
static void make_big(const char *p) {
    static unsigned char b[1 << 20];
    unsigned x = 2463534242u;
    for (size_t i = 0; i < sizeof b; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; b[i] = x >> 24; }
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(b, 1, sizeof b, f) != sizeof b || fclose(f)) printf("cannot write %s: %s\n", p, errname(errno));
}
int main(void) {
    long s;
    make_big("big.bin");
    if (symlink("../hello.txt", "data/link-hello") || symlink("nowhere", "data/dangling"))
        printf("symlink setup: %s\n", errname(errno));
    unsigned h = hashfile("big.bin", &s);
    printf("big.bin size %ld hash %08x\n", s, h);
    copy_stdio("big.bin", "c1", 1000);
    copy_stdio("hello.txt", "c2", 3);
    copy_fd("big.bin", "c3", 65536);
    copy_fd("big.bin", "c4", 1 << 20);
    copy_fd("big.bin", "c4b", 3 << 20);
    copy_fd("hello.txt", "c5", 7);
    copy_fd("empty.txt", "c6", 10);

    /* fd numbering */
    int a = open("hello.txt", O_RDONLY), b = open("hello.txt", O_RDONLY), c = open("hello.txt", O_RDONLY);
    printf("fds a=%d b=%d c=%d\n", a, b, c);
    close(b);
    int d = open("hello.txt", O_RDONLY);
    printf("after closing b: d=%d\n", d);
    close(a); close(c);
    int e = open("hello.txt", O_RDONLY), f = open("hello.txt", O_RDONLY), g = open("hello.txt", O_RDONLY);
    printf("after closing a,c: e=%d f=%d g=%d\n", e, f, g);
    close(d); close(e); close(f); close(g);
    int x = open("hello.txt", O_RDONLY);
    printf("after closing all: x=%d\n", x);
    close(x);
    P("close(x) again", close(x));
    P("close(100)", close(100));
    P("close(-1)", close(-1));

    /* lseek */
    int fd = open("hello.txt", O_RDONLY);
    P("lseek END 0", lseek(fd, 0, SEEK_END));
    P("lseek END -5", lseek(fd, -5, SEEK_END));
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf);
    printf("read after END-5: %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
    P("lseek CUR 0", lseek(fd, 0, SEEK_CUR));
    P("lseek SET 100", lseek(fd, 100, SEEK_SET));
    P("read past end", read(fd, buf, 10));
    P("lseek SET -1", lseek(fd, -1, SEEK_SET));
    P("lseek CUR -1000", lseek(fd, -1000, SEEK_CUR));
    P("write to O_RDONLY", write(fd, "x", 1));
    P("ftruncate O_RDONLY", ftruncate(fd, 0));
    P("pread 5@7", pread(fd, buf, 5, 7));
    printf("  '%.5s'\n", buf);
    P("pread @-1", pread(fd, buf, 5, -1));
    P("pread @1000", pread(fd, buf, 5, 1000));
    P("lseek CUR after pread", lseek(fd, 0, SEEK_CUR));
    close(fd);
    P("lseek stdin", lseek(0, 0, SEEK_CUR));
    P("lseek stdout", lseek(1, 0, SEEK_CUR));
    P("lseek stderr END", lseek(2, 0, SEEK_END));
    P("lseek closed fd", lseek(55, 0, SEEK_CUR));

    /* pwrite / ftruncate / append */
    fd = open("t1", O_RDWR | O_CREAT | O_EXCL, 0600);
    printf("open t1 excl fd=%d\n", fd);
    P("open t1 excl again", open("t1", O_RDWR | O_CREAT | O_EXCL, 0600));
    P("write abc", write(fd, "abcdef", 6));
    P("pwrite XY@2", pwrite(fd, "XY", 2, 2));
    P("pwrite Z@10", pwrite(fd, "Z", 1, 10));
    P("lseek CUR", lseek(fd, 0, SEEK_CUR));
    struct stat st;
    fstat(fd, &st); printf("size after pwrite hole: %lld\n", (long long)st.st_size);
    P("pread all", pread(fd, buf, sizeof buf, 0));
    for (int i = 0; i < 11; i++) printf("%02x", (unsigned char)buf[i]); printf("\n");
    P("ftruncate 4", ftruncate(fd, 4));
    fstat(fd, &st); printf("size: %lld\n", (long long)st.st_size);
    P("lseek CUR", lseek(fd, 0, SEEK_CUR));
    P("write after truncate", write(fd, "Q", 1));
    fstat(fd, &st); printf("size: %lld\n", (long long)st.st_size);
    P("ftruncate 100000", ftruncate(fd, 100000));
    fstat(fd, &st); printf("size: %lld\n", (long long)st.st_size);
    P("ftruncate -1", ftruncate(fd, -1));
    P("fsync", fsync(fd));
    P("fdatasync", fdatasync(fd));
    close(fd);
    fd = open("t1", O_WRONLY | O_APPEND);
    printf("open append fd=%d\n", fd);
    P("lseek CUR", lseek(fd, 0, SEEK_CUR));
    P("write", write(fd, "END", 3));
    P("lseek CUR after append", lseek(fd, 0, SEEK_CUR));
    P("lseek SET 0", lseek(fd, 0, SEEK_SET));
    P("write", write(fd, "END2", 4));
    P("lseek CUR", lseek(fd, 0, SEEK_CUR));
    P("pwrite @0 on append", pwrite(fd, "P", 1, 0));
    P("fcntl GETFL", fcntl(fd, F_GETFL));
    P("fcntl GETFD", fcntl(fd, F_GETFD));
    P("fcntl SETFL 0", fcntl(fd, F_SETFL, 0));
    P("fcntl GETFL", fcntl(fd, F_GETFL));
    P("write", write(fd, "M", 1));
    P("read on O_WRONLY", read(fd, buf, 1));
    close(fd);
    fstat(open("t1", O_RDONLY), &st);
    printf("final size %lld\n", (long long)st.st_size);
    fd = open("t1", O_RDONLY);
    printf("fd=%d\n", fd);
    P("fcntl GETFL rdonly", fcntl(fd, F_GETFL));
    P("fcntl SETFL NONBLOCK", fcntl(fd, F_SETFL, O_NONBLOCK));
    P("fcntl GETFL", fcntl(fd, F_GETFL));
    P("fcntl GETFL stdin", fcntl(0, F_GETFL));
    P("fcntl GETFL stdout", fcntl(1, F_GETFL));
    P("fcntl GETFL stderr", fcntl(2, F_GETFL));
    P("fcntl GETFL 3", fcntl(3, F_GETFL));
    P("O_TRUNC on rdonly", open("t1", O_RDONLY | O_TRUNC));
    P("open O_RDWR|O_CREAT in missing dir", open("nodir/x", O_RDWR | O_CREAT, 0644));
    P("open O_DIRECTORY on file", open("t1", O_RDONLY | O_DIRECTORY));
    P("open O_WRONLY dir", open("data", O_WRONLY));
    P("open O_RDWR dir", open("data", O_RDWR));
    P("open O_RDONLY dir", open("data", O_RDONLY));
    P("open O_CREAT dir", open("data", O_RDONLY | O_CREAT, 0644));
    P("open O_CREAT|O_EXCL dir", open("data", O_RDONLY | O_CREAT | O_EXCL, 0644));
    P("open trailing slash file", open("t1/", O_RDONLY));
    P("open O_NOFOLLOW symlink", open("data/link-hello", O_RDONLY | O_NOFOLLOW));
    P("open symlink", open("data/link-hello", O_RDONLY));
    P("open dangling", open("data/dangling", O_RDONLY));
    P("open dangling O_CREAT", open("data/dangling", O_WRONLY | O_CREAT, 0644));
    P("open empty path", open("", O_RDONLY));
    P("open /", open("/", O_RDONLY));
    P("open /tmp", open("/tmp", O_RDONLY));
    P("open ..", open("..", O_RDONLY));
    P("open long name", open("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", O_RDONLY));
    fd = open("data", O_RDONLY);
    P("read dir fd", read(fd, buf, 10));
    P("write dir fd", write(fd, buf, 10));
    P("lseek dir fd", lseek(fd, 0, SEEK_CUR));
    P("ftruncate dir fd", ftruncate(fd, 0));
    P("fsync dir fd", fsync(fd));
    close(fd);
    const char *rm[] = {"c1", "c2", "c3", "c4", "c4b", "c5", "c6", "t1", "big.bin",
                        "data/nowhere", "data/link-hello", "data/dangling"};
    for (unsigned i = 0; i < sizeof rm / sizeof *rm; i++) unlink(rm[i]);
    return 0;
}
