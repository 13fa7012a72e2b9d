/* stdio: the standard streams, in three modes.
 *
 *   stdio in [fgets|getc|read]
 *       fstat/isatty of the stdio descriptors, then reads stdin with getline
 *       (uppercased, numbered), or fgets into a small buffer, getchar (count
 *       and hash) or read() in 3-byte calls; then EOF behaviour.
 *   stdio out [trap|exit|_exit|abort|big|bigraw|closed]
 *       stdout/stderr interleaving, buffering modes, output without a
 *       trailing newline, and what is still buffered when the program leaves
 *       by a trap, exit(), _exit() or abort(); big: many buffered writes;
 *       bigraw: one 96 KiB write(), more than a pipe holds; closed: after
 *       fclose(stdout).
 *   stdio vec          (run with --dir .)
 *       readv/writev/preadv/pwritev with several buffers, some empty, on
 *       stdout, stderr, a file and stdin: how much does one call move? */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common.h"

/* ---- in ---- */
static int in(int argc, char **argv) {
    struct stat st;
    for (int fd = 0; fd < 3; fd++) {
        errno = 0; int r = fstat(fd, &st);
        printf("fstat(%d): %d %s mode-type %s nlink %llu size %lld isatty %d\n", fd, r, r ? errname(errno) : "",
               S_ISREG(st.st_mode) ? "REG" : S_ISCHR(st.st_mode) ? "CHR" : S_ISFIFO(st.st_mode) ? "FIFO" : S_ISDIR(st.st_mode) ? "DIR" : S_ISSOCK(st.st_mode) ? "SOCK" : S_ISBLK(st.st_mode) ? "BLK" : "other",
               (unsigned long long)st.st_nlink, (long long)st.st_size, isatty(fd));
        errno = 0; isatty(fd); printf("  isatty errno %s\n", errname(errno));
    }
    if (argc > 1 && !strcmp(argv[1], "fgets")) {
        char b[8]; int n = 0;
        while (fgets(b, sizeof b, stdin)) printf("chunk %d [%s]\n", n++, b);
    } else if (argc > 1 && !strcmp(argv[1], "getc")) {
        int c, n = 0; unsigned h = FNV_INIT;
        while ((c = getchar()) != EOF) { unsigned char ch = c; h = fnv1a(&ch, 1, h); n++; }
        printf("getchar: %d bytes hash %08x\n", n, h);
    } else if (argc > 1 && !strcmp(argv[1], "read")) {
        char b[3]; ssize_t k; int n = 0, calls = 0;
        while ((k = read(0, b, sizeof b)) > 0) { n += k; calls++; }
        printf("read: %d bytes in %d calls, last %zd\n", n, calls, k);
        printf("read again: %zd\n", read(0, b, 3));
    } else {
        char *line = NULL; size_t cap = 0; ssize_t len; int n = 0;
        while ((len = getline(&line, &cap, stdin)) != -1) {
            for (ssize_t i = 0; i < len; i++) line[i] = toupper((unsigned char)line[i]);
            printf("%3d %2zd: %s%s", ++n, len, line, len && line[len - 1] == '\n' ? "" : "<no newline>\n");
        }
        free(line);
        printf("lines=%d feof=%d ferror=%d\n", n, feof(stdin) != 0, ferror(stdin) != 0);
    }
    clearerr(stdin);
    printf("getchar after EOF: %d\n", getchar());
    printf("ftell(stdin): %ld %s\n", ftell(stdin), errname(errno));
    return 0;
}

/* ---- out ---- */
static int out(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "";
    printf("out 1\n");
    fprintf(stderr, "err 1\n");
    printf("out 2 no newline ");
    fprintf(stderr, "err 2\n");
    write(1, "[raw write]", 11);
    printf("out 3\n");
    puts("puts line");
    fputs("fputs no nl", stdout);
    putchar('!');
    fflush(stdout);
    write(1, "\n", 1);
    setvbuf(stdout, NULL, _IOFBF, 16);
    printf("full-buffered 16: 0123456789abcdefghij\n");
    printf("tail");
    if (!strcmp(m, "trap")) __builtin_trap();
    if (!strcmp(m, "exit")) exit(3);
    if (!strcmp(m, "_exit")) _exit(4);
    if (!strcmp(m, "abort")) abort();
    if (!strcmp(m, "big")) { for (int i = 0; i < 5000; i++) printf("%d,", i); printf("\n"); }
    if (!strcmp(m, "bigraw")) { static char b[96 << 10]; memset(b, 'x', sizeof b); for (size_t i = 63; i < sizeof b; i += 64) b[i] = '\n'; ssize_t n = write(1, b, sizeof b); fprintf(stderr, "wrote %zd\n", n); printf("wrote %zd\n", n); }
    if (!strcmp(m, "closed")) { fclose(stdout); printf("after fclose"); fprintf(stderr, "write to closed fd1: %zd\n", write(1, "x", 1)); return 5; }
    return 0;
}

/* ---- vec ---- */
static int vec(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct iovec w[3] = {{"abc", 3}, {"", 0}, {"defgh\n", 6}};
    errno = 0;
    ssize_t n = writev(1, w, 3);
    printf("\nwritev stdout 3 iovs (3+0+6) = %zd %s\n", n, n < 0 ? errname(errno) : "");
    struct iovec w0[2] = {{"", 0}, {"XYZ\n", 4}};
    n = writev(1, w0, 2);
    printf("writev stdout empty-then-4 = %zd\n", n);
    n = writev(2, w, 3);
    printf("writev stderr = %zd\n", n);

    int fd = open("vec.tmp", O_RDWR | O_CREAT | O_TRUNC, 0644);
    n = writev(fd, w, 3);
    printf("writev file = %zd, pos %lld\n", n, (long long)lseek(fd, 0, SEEK_CUR));
    n = pwritev(fd, w, 3, 100);
    printf("pwritev file @100 = %zd, pos %lld\n", n, (long long)lseek(fd, 0, SEEK_CUR));
    struct stat st; fstat(fd, &st); printf("size %lld\n", (long long)st.st_size);
    lseek(fd, 0, SEEK_SET);
    char a[2], b[4], c[100];
    struct iovec r[3] = {{a, 2}, {b, 4}, {c, sizeof c}};
    memset(a, '.', 2); memset(b, '.', 4); memset(c, '.', sizeof c);
    n = readv(fd, r, 3);
    printf("readv file (2+4+100) = %zd a=%.2s b=%.4s c0=%c pos %lld\n", n, a, b, c[0], (long long)lseek(fd, 0, SEEK_CUR));
    memset(a, '.', 2); memset(b, '.', 4); memset(c, '.', sizeof c);
    n = preadv(fd, r, 3, 1);
    printf("preadv file @1 = %zd a=%.2s b=%.4s\n", n, a, b);
    struct iovec r0[2] = {{a, 0}, {b, 4}};
    memset(b, '.', 4);
    lseek(fd, 0, SEEK_SET);
    n = readv(fd, r0, 2);
    printf("readv empty-then-4 = %zd b=%.4s\n", n, b);
    close(fd);
    unlink("vec.tmp");

    /* stdin */
    memset(a, '.', 2); memset(b, '.', 4);
    struct iovec rs[2] = {{a, 2}, {b, 4}};
    n = readv(0, rs, 2);
    printf("readv stdin (2+4) = %zd a=%.2s b=%.4s\n", n, a, b);
    /* stdio on top: fread of 10 bytes and fgets */
    char line[64];
    if (fgets(line, sizeof line, stdin)) printf("fgets: %s", line);
    size_t k = fread(c, 1, 10, stdin);
    printf("fread 10 = %zu '%.*s'\n", k, (int)k, c);
    return 0;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "in")) return in(argc - 1, argv + 1);
    if (!strcmp(mode, "out")) return out(argc - 1, argv + 1);
    if (!strcmp(mode, "vec")) return vec(argc - 1, argv + 1);
    fprintf(stderr, "usage: stdio in|out|vec [...]\n");
    return 2;
}
