/* copy: copies SRC to DST with read()/write() in odd-sized chunks, prints the
 * byte count and a checksum of DST read back, then exercises the other file
 * descriptor operations on DST (seek, pread/pwrite, truncate, sync,
 * allocate, timestamps, O_APPEND, readv/writev) and a few error paths.
 *
 *   copy SRC DST      (run with --dir .) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "common.h"

static unsigned crc_table[256];

static void crc_init(void) {
    for (unsigned i = 0; i < 256; i++) {
        unsigned c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static unsigned crc32(unsigned crc, const unsigned char *p, size_t n) {
    crc = ~crc;
    while (n--)
        crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

/* Reads the whole file at path; prints its size and checksums. */
static long long summarize(const char *label, const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("%s: open %s: %s\n", label, path, errname(errno));
        return -1;
    }
    unsigned char buf[3001];
    unsigned crc = 0, h = FNV_INIT;
    long long total = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        crc = crc32(crc, buf, (size_t)n);
        h = fnv1a(buf, (size_t)n, h);
        total += n;
    }
    if (n < 0)
        printf("%s: read: %s\n", label, errname(errno));
    close(fd);
    printf("%s: %lld bytes, crc32 %08x, fnv1a %08x\n", label, total, crc, h);
    return total;
}

/* readv/writev until every buffer is done (or EOF/error). Consumes iov. */
static ssize_t readv_full(int fd, struct iovec *iov, int cnt) {
    ssize_t total = 0;
    while (cnt > 0) {
        ssize_t n = readv(fd, iov, cnt);
        if (n < 0)
            return n;
        if (n == 0)
            break;
        total += n;
        while (cnt > 0 && (size_t)n >= iov->iov_len) {
            n -= (ssize_t)iov->iov_len;
            iov++;
            cnt--;
        }
        if (cnt > 0) {
            iov->iov_base = (char *)iov->iov_base + n;
            iov->iov_len -= (size_t)n;
        }
    }
    return total;
}

static ssize_t writev_full(int fd, struct iovec *iov, int cnt) {
    ssize_t total = 0;
    while (cnt > 0 && iov->iov_len == 0) {
        iov++;
        cnt--;
    }
    while (cnt > 0) {
        ssize_t n = writev(fd, iov, cnt);
        if (n < 0)
            return n;
        total += n;
        while (cnt > 0 && (size_t)n >= iov->iov_len) {
            n -= (ssize_t)iov->iov_len;
            iov++;
            cnt--;
        }
        if (cnt > 0) {
            iov->iov_base = (char *)iov->iov_base + n;
            iov->iov_len -= (size_t)n;
        }
    }
    return total;
}

static void show_size(const char *label, int fd) {
    struct stat st;
    if (fstat(fd, &st) == 0)
        printf("%s: size %lld\n", label, (long long)st.st_size);
    else
        printf("%s: fstat %s\n", label, errname(errno));
}

static void show_pos(const char *label, int fd) {
    off_t p = lseek(fd, 0, SEEK_CUR);
    printf("%s: position %lld\n", label, (long long)p);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: copy SRC DST\n");
        return 2;
    }
    const char *src = argv[1], *dst = argv[2];
    crc_init();

    /* --- the copy --- */
    int in = open(src, O_RDONLY);
    if (in < 0) {
        printf("open %s: %s (%s)\n", src, errname(errno), strerror(errno));
        return 1;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        printf("open %s: %s (%s)\n", dst, errname(errno), strerror(errno));
        return 1;
    }
    static const size_t sizes[] = {1, 7, 513, 4093, 65521, 31, 8191};
    static unsigned char buf[65536 + 1024];
    long long copied = 0;
    int reads = 0, i = 0;
    for (;;) {
        size_t want = sizes[i++ % (sizeof sizes / sizeof sizes[0])];
        ssize_t n = read(in, buf, want);
        if (n < 0) {
            printf("read: %s\n", errname(errno));
            return 1;
        }
        if (n == 0)
            break;
        reads++;
        ssize_t off = 0;
        while (off < n) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0) {
                printf("write: %s\n", errname(errno));
                return 1;
            }
            off += w;
        }
        copied += n;
    }
    printf("copied %lld bytes (%s)\n", copied, reads > 1 ? "several reads" : "one read");
    CHECK("close src", close(in));
    CHECK("close dst", close(out));
    long long size = summarize("src", src);
    long long dsize = summarize("dst", dst);
    printf("sizes equal: %s\n", size == dsize ? "yes" : "no");

    /* --- seeking and positional I/O on dst --- */
    int fd = open(dst, O_RDWR);
    printf("open dst O_RDWR: %s\n", res(fd));
    if (fd < 0)
        return 1;
    printf("lseek SEEK_END: %lld\n", (long long)lseek(fd, 0, SEEK_END));
    printf("lseek SEEK_SET 10: %lld\n", (long long)lseek(fd, 10, SEEK_SET));
    char small[64];
    ssize_t n = read(fd, small, 12);
    printf("read 12 at 10: %zd \"%.*s\"\n", n, (int)(n > 0 ? n : 0), small);
    printf("lseek SEEK_CUR -5: %lld\n", (long long)lseek(fd, -5, SEEK_CUR));
    n = read(fd, small, 5);
    printf("read 5: \"%.*s\"\n", (int)(n > 0 ? n : 0), small);
    printf("lseek SEEK_END -8: %lld\n", (long long)lseek(fd, -8, SEEK_END));
    n = read(fd, small, 64);
    printf("read at end-8 asked 64 got %zd\n", n);
    n = read(fd, small, 64);
    printf("read at EOF got %zd\n", n);
    printf("lseek past end (+100 from end): %lld\n", (long long)lseek(fd, 100, SEEK_END));
    n = read(fd, small, 10);
    printf("read past end got %zd\n", n);

    lseek(fd, 3, SEEK_SET);
    errno = 0;
    n = pread(fd, small, 16, 100);
    printf("pread 16 at 100: %zd \"%.*s\"\n", n, (int)(n > 0 ? n : 0), small);
    show_pos("after pread", fd);
    errno = 0;
    n = pwrite(fd, "XYZ", 3, 5);
    printf("pwrite 3 at 5: %zd %s\n", n, res(n));
    show_pos("after pwrite", fd);
    n = pread(fd, small, 10, 0);
    printf("pread 10 at 0: \"%.*s\"\n", (int)(n > 0 ? n : 0), small);
    n = pread(fd, small, 10, dsize + 50);
    printf("pread beyond end: %zd\n", n);

    /* readv / writev with several buffers. A runtime may transfer fewer bytes
     * than asked (wasmtime fills only the first buffer), so loop until done
     * and check the bytes, not the per-call counts. */
    {
        char a[3], b[5], c[7];
        struct iovec riov[3] = {{a, 3}, {b, 5}, {c, 7}};
        lseek(fd, 0, SEEK_SET);
        ssize_t got = readv_full(fd, riov, 3);
        char flat[15], want[15];
        memcpy(flat, a, 3); memcpy(flat + 3, b, 5); memcpy(flat + 8, c, 7);
        pread(fd, want, 15, 0);
        printf("readv 3+5+7: %zd bytes \"%.3s|%.5s|%.7s\", matches pread: %s\n", got, a, b, c,
               got == 15 && memcmp(flat, want, 15) == 0 ? "yes" : "no");
        show_pos("after readv", fd);
        struct iovec wiov[3] = {{"<<", 2}, {"", 0}, {">>>", 3}};
        lseek(fd, 20, SEEK_SET);
        ssize_t put = writev_full(fd, wiov, 3);
        printf("writev 2+0+3 at 20: %zd bytes\n", put);
        show_pos("after writev", fd);
        n = pread(fd, small, 10, 18);
        printf("pread 10 at 18: \"%.*s\"\n", (int)(n > 0 ? n : 0), small);
    }

    /* truncate and extend */
    CHECK("ftruncate 1000", ftruncate(fd, 1000));
    show_size("after ftruncate 1000", fd);
    CHECK("ftruncate 5000", ftruncate(fd, 5000));
    show_size("after ftruncate 5000", fd);
    {
        unsigned char z[4000];
        n = pread(fd, z, sizeof z, 1000);
        int zeros = 1;
        for (ssize_t k = 0; k < n; k++)
            if (z[k]) zeros = 0;
        printf("extension reads back %zd bytes, all zero: %s\n", n, zeros ? "yes" : "no");
    }
    show_pos("position unchanged by ftruncate", fd);
    CHECK("fsync", fsync(fd));
    CHECK("fdatasync", fdatasync(fd));
    {
        /* fd_allocate: wasmtime answers NOTSUP; a runtime may also do it.
         * Either is fine if the size agrees; details go to stderr. */
        int e = posix_fallocate(fd, 0, 8192);
        struct stat ast;
        fstat(fd, &ast);
        int consistent = (e == 0 && ast.st_size == 8192) || (e == ENOTSUP && ast.st_size == 5000);
        printf("posix_fallocate 0..8192: %s\n", consistent ? "consistent" : "INCONSISTENT");
        fprintf(stderr, "posix_fallocate: %s, size %lld\n", e ? errname(e) : "ok",
                (long long)ast.st_size);
        if (e == 0)
            CHECK("ftruncate back to 5000", ftruncate(fd, 5000));
        else
            printf("ftruncate back to 5000: ok\n");
    }
    {
        int e = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        printf("posix_fadvise SEQUENTIAL: %s\n", e == 0 ? "ok" : errname(e));
    }

    /* timestamps */
    struct timespec ts[2];
    ts[0].tv_sec = 1000000000; ts[0].tv_nsec = 0;          /* atime */
    ts[1].tv_sec = 1234567890; ts[1].tv_nsec = 500000000;  /* mtime */
    CHECK("futimens fixed times", futimens(fd, ts));
    struct stat st;
    if (fstat(fd, &st) == 0)
        printf("mtime after futimens: %lld.%09ld\n", (long long)st.st_mtim.tv_sec,
               st.st_mtim.tv_nsec);
    ts[0].tv_nsec = UTIME_OMIT;
    ts[1].tv_sec = 1500000000; ts[1].tv_nsec = 0;
    CHECK("utimensat mtime only", utimensat(AT_FDCWD, dst, ts, 0));
    if (stat(dst, &st) == 0)
        printf("mtime after utimensat: %lld, atime kept: %s\n", (long long)st.st_mtim.tv_sec,
               st.st_atim.tv_sec == 1000000000 ? "yes" : "no");
    /* This wasi-libc's futimens/utimensat mishandle UTIME_NOW/UTIME_OMIT in
     * the mtime slot (EINVAL) and a NULL times pointer (it reads the times
     * from address 0), so "now" for mtime goes through the raw WASI calls. */
    ts[0].tv_sec = 0; ts[0].tv_nsec = UTIME_NOW;
    ts[1].tv_sec = 1400000000; ts[1].tv_nsec = 0;
    CHECK("futimens atime now, mtime fixed", futimens(fd, ts));
    if (fstat(fd, &st) == 0)
        printf("mtime: %lld, atime now recent: %s\n", (long long)st.st_mtim.tv_sec,
               st.st_atim.tv_sec > 1600000000 ? "yes" : "no");
    {
        __wasi_errno_t e = __wasi_fd_filestat_set_times(
            fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW);
        printf("fd_filestat_set_times ATIM_NOW|MTIM_NOW: %s\n", e ? errname(e) : "ok");
        if (fstat(fd, &st) == 0)
            printf("mtime now recent: %s\n", st.st_mtim.tv_sec > 1600000000 ? "yes" : "no");
        e = __wasi_path_filestat_set_times(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, dst,
                                           0, 1300000000ull * 1000000000ull,
                                           __WASI_FSTFLAGS_MTIM);
        printf("path_filestat_set_times MTIM: %s\n", e ? errname(e) : "ok");
        if (fstat(fd, &st) == 0)
            printf("mtime: %lld\n", (long long)st.st_mtim.tv_sec);
        e = __wasi_fd_filestat_set_times(fd, 0, 0,
                                         __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW);
        printf("fd_filestat_set_times ATIM|ATIM_NOW: %s\n", e ? errname(e) : "ok");
        e = __wasi_fd_filestat_set_times(fd, 0, 0,
                                         __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW);
        printf("fd_filestat_set_times MTIM|MTIM_NOW: %s\n", e ? errname(e) : "ok");
    }
    CHECK("close dst", close(fd));

    /* O_APPEND: writes go to the end whatever the position */
    fd = open(dst, O_WRONLY | O_APPEND);
    printf("open dst O_APPEND: %s\n", res(fd));
    {
        int fl = fcntl(fd, F_GETFL);
        printf("F_GETFL has O_APPEND: %s, access mode O_WRONLY: %s\n",
               fl >= 0 && (fl & O_APPEND) ? "yes" : "no",
               fl >= 0 && (fl & O_ACCMODE) == O_WRONLY ? "yes" : "no");
    }
    show_size("before append", fd);
    lseek(fd, 0, SEEK_SET);
    n = write(fd, "appended-1\n", 11);
    printf("append write: %zd\n", n);
    n = write(fd, "appended-2\n", 11);
    printf("append write: %zd\n", n);
    show_size("after append", fd);
    show_pos("position after append", fd);
    close(fd);
    fd = open(dst, O_RDONLY);
    n = pread(fd, small, 22, lseek(fd, -22, SEEK_END));
    printf("tail: \"%.*s\"\n", (int)(n > 0 ? n : 0), small);
    show_pos("O_RDONLY fd position after lseek+pread", fd);
    close(fd);

    /* error paths */
    errno = 0;
    fd = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0644);
    printf("O_CREAT|O_EXCL on existing file: %s, %s\n", res(fd), strerror(errno));
    errno = 0;
    fd = open("no-such-file.txt", O_RDONLY);
    printf("open nonexistent file: %s, %s\n", res(fd), strerror(errno));
    errno = 0;
    fd = open("no-such-dir/file.txt", O_WRONLY | O_CREAT, 0644);
    printf("create in nonexistent dir: %s, %s\n", res(fd), strerror(errno));
    fd = open(src, O_RDONLY);
    errno = 0;
    n = write(fd, "x", 1);
    printf("write to read-only fd: %s, %s\n", res(n), strerror(errno));
    errno = 0;
    n = pwrite(fd, "x", 1, 0);
    printf("pwrite to read-only fd: %s, %s\n", res(n), strerror(errno));
    errno = 0;
    printf("ftruncate read-only fd: %s\n", res(ftruncate(fd, 0)));
    close(fd);
    fd = open(dst, O_WRONLY);
    errno = 0;
    n = read(fd, small, 1);
    printf("read from write-only fd: %s, %s\n", res(n), strerror(errno));
    errno = 0;
    printf("lseek to negative offset: %s\n", res(lseek(fd, -10, SEEK_SET)));
    close(fd);
    errno = 0;
    n = write(fd, "x", 1);
    printf("write to closed fd: %s, %s\n", res(n), strerror(errno));

    /* source untouched, final dst summary, cleanup */
    summarize("src again", src);
    summarize("dst final", dst);
    CHECK("unlink dst", unlink(dst));
    return 0;
}
