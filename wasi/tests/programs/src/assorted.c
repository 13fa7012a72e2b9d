/* assorted: fopen modes on existing and missing files, lseek/pread/pwrite
 * at huge and overflowing offsets, 500 open descriptors, socket calls on
 * non-sockets, poll()/select() on files, stdout, stdin and nothing,
 * sysconf.
 *
 *   assorted          (run with --dir .; stdin: any file, or empty) */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

/* Prints "label = result" and, for a negative result, the errno name. */
__attribute__((noinline)) static void report(const char *label, long long r, int e) {
    printf("%-36s = %lld %s\n", label, r, r < 0 ? errname(e) : "");
}
#define P(label, expr) do { errno = 0; long long r_ = (long long)(expr); report(label, r_, errno); } while (0)

static void show(const char *p) {
    FILE *f = fopen(p, "rb"); char b[64] = ""; size_t n = f ? fread(b, 1, 63, f) : 0; b[n] = 0;
    printf("    %s now [%s]\n", p, b); if (f) fclose(f);
}
int main(void) {
    const char *modes[] = {"r", "r+", "w", "w+", "a", "a+", "x", "wx", "rb+", "re", "z"};
    for (unsigned i = 0; i < sizeof modes / sizeof *modes; i++) {
        FILE *f = fopen("m.txt", "w"); fputs("original", f); fclose(f);
        errno = 0; f = fopen("m.txt", modes[i]);
        printf("fopen existing \"%s\": %s", modes[i], f ? "ok" : errname(errno));
        if (f) {
            int w = fputs("NEW", f); int fl = fflush(f);
            printf(" fputs %d fflush %d ferror %d", w >= 0 ? 0 : -1, fl, ferror(f) != 0);
            clearerr(f); rewind(f); char b[32] = ""; char *g = fgets(b, sizeof b, f);
            printf(" read-after-rewind [%s] GETFL %d", g ? b : "(null)", fcntl(fileno(f), F_GETFL) & 0xf000003);
            fclose(f);
        }
        printf("\n"); show("m.txt");
        unlink("m.txt");
        errno = 0; f = fopen("m.txt", modes[i]);
        printf("fopen missing \"%s\": %s\n", modes[i], f ? "ok" : errname(errno));
        if (f) fclose(f);
        unlink("m.txt");
    }
    /* large sparse offsets */
    int fd = open("sparse", O_RDWR | O_CREAT | O_TRUNC, 0644);
    P("pwrite at 5 GiB", pwrite(fd, "Z", 1, 5LL << 30));
    struct stat st; fstat(fd, &st); printf("  size %lld\n", (long long)st.st_size);
    P("lseek SET 3 GiB", lseek(fd, 3LL << 30, SEEK_SET));
    P("lseek END", lseek(fd, 0, SEEK_END));
    char c = 0; P("pread at 5 GiB", pread(fd, &c, 1, 5LL << 30)); printf("  byte %c\n", c);
    P("ftruncate 1 TiB", ftruncate(fd, 1LL << 40));
    P("lseek SET 2^62", lseek(fd, 1LL << 62, SEEK_SET));
    P("lseek SET INT64_MAX", lseek(fd, 0x7fffffffffffffffLL, SEEK_SET));
    P("lseek CUR +1 overflow", lseek(fd, 1, SEEK_CUR));
    P("write at INT64_MAX", write(fd, "x", 1));
    P("lseek SET 2^62 again", lseek(fd, 1LL << 62, SEEK_SET));
    P("read at 2^62", read(fd, &c, 1));
    P("lseek SET 2^63-2", lseek(fd, 0x7ffffffffffffffeLL, SEEK_SET));
    P("lseek CUR +5", lseek(fd, 5, SEEK_CUR));
    P("lseek CUR 0", lseek(fd, 0, SEEK_CUR));
    P("lseek END +INT64_MAX", lseek(fd, 0x7fffffffffffffffLL, SEEK_END));
    P("lseek CUR 0", lseek(fd, 0, SEEK_CUR));
    P("pread at INT64_MAX", pread(fd, &c, 1, 0x7fffffffffffffffLL));
    P("pwrite at INT64_MAX", pwrite(fd, "x", 1, 0x7fffffffffffffffLL));
    close(fd); unlink("sparse");
    /* many open files */
    /* 500: well below the usual host limit of 1024 open files */
    int fds[500], n = 0, err = 0;
    for (; n < 500; n++) { fds[n] = open("hello.txt", O_RDONLY); if (fds[n] < 0) { err = errno; break; } }
    printf("opened %d files (%s)\n", n, n < 500 ? errname(err) : "no failure");
    for (int i = 0; i < n; i++) close(fds[i]);
    fd = open("hello.txt", O_RDONLY); printf("after closing all, next fd %d\n", fd); close(fd);
    /* sockets */
    char b[8];
    P("recv on file", recv(3, b, 8, 0));
    P("send on stdout", send(1, "x", 1, 0));
    P("shutdown stdin", shutdown(0, SHUT_RDWR));
    P("shutdown bad how", shutdown(0, 7));
    int so = 0; socklen_t sl = sizeof so;
    P("getsockopt stdin", getsockopt(0, SOL_SOCKET, SO_TYPE, &so, &sl));
    /* poll/select */
    fd = open("hello.txt", O_RDONLY);
    struct pollfd pf[4] = {{fd, POLLIN, 0}, {fd, POLLOUT, 0}, {1, POLLOUT, 0}, {3, POLLIN, 0}};
    P("poll file IN, file OUT, stdout OUT, dir IN", poll(pf, 4, 0));
    for (int i = 0; i < 4; i++) printf("  revents[%d]=%#x\n", i, pf[i].revents);
    struct pollfd pn[1] = {{-1, POLLIN, 0}};
    P("poll fd -1", poll(pn, 1, 0)); printf("  revents=%#x\n", pn[0].revents);
    P("poll nothing 10ms", poll(NULL, 0, 10));
    struct pollfd pe[1] = {{fd, 0, 0}};
    P("poll events=0", poll(pe, 1, 0)); printf("  revents=%#x\n", pe[0].revents);
    /* One descriptor per select(), with a timeout to spare: with several
     * ready descriptors and no timeout, wasmtime may report any subset. */
    fd_set rs, ws; FD_ZERO(&rs); FD_SET(fd, &rs);
    struct timeval tv = {1, 0};
    P("select file read, 1s", select(fd + 1, &rs, NULL, NULL, &tv));
    printf("  read set %d\n", FD_ISSET(fd, &rs));
    FD_ZERO(&ws); FD_SET(1, &ws); tv.tv_sec = 1; tv.tv_usec = 0;
    P("select stdout write, 1s", select(2, NULL, &ws, NULL, &tv));
    printf("  write set %d\n", FD_ISSET(1, &ws));
    tv.tv_sec = 0;
    FD_ZERO(&rs); FD_SET(99, &rs); tv.tv_usec = 0;
    P("select bad fd", select(100, &rs, NULL, NULL, &tv));
    tv.tv_sec = 0; tv.tv_usec = 5000;
    P("select nothing 5ms", select(0, NULL, NULL, NULL, &tv));
    close(fd);
    struct pollfd ps = {0, POLLIN, 0};
    P("poll stdin IN 1s", poll(&ps, 1, 1000)); printf("  revents=%#x\n", ps.revents);
    P("sysconf _SC_PAGESIZE", sysconf(_SC_PAGESIZE));
    P("sysconf _SC_OPEN_MAX", sysconf(_SC_OPEN_MAX));
    P("sysconf _SC_NPROCESSORS_ONLN", sysconf(_SC_NPROCESSORS_ONLN));
    return 0;
}
