/* libc_args: one libc call per run with odd or unusual arguments: lseek
 * whence, posix_fadvise/posix_fallocate, fcntl flags, open flags, bogus
 * clock ids, utimensat/futimens, raise() with the emulated signals.
 * posix_fallocate prints only whether its answer is self-consistent
 * (wasmtime: NOTSUP; a runtime may also allocate, or refuse a read-only fd
 * with BADF).
 *
 *   libc_args TEST    (run with --dir .) */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

/* Prints "label = result" and, for a negative result, the errno name. */
__attribute__((noinline)) static void report(const char *label, long r, int e) {
    printf("%s = %ld %s\n", label, r, r < 0 ? errname(e) : "");
}
#define P(label, expr) do { errno = 0; long r_ = (long)(expr); report(label, r_, errno); } while (0)

static void handler(int s) { printf("handler got %d\n", s); }

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *t = argc > 1 ? argv[1] : "";
    int fd = open("hello.txt", O_RDONLY);
    if (!strcmp(t, "lseek-3")) P("lseek(fd, 0, 3)", lseek(fd, 0, 3));
    else if (!strcmp(t, "lseek-4")) P("lseek(fd, 0, 4)", lseek(fd, 0, 4));
    else if (!strcmp(t, "lseek-neg")) P("lseek(fd, 0, -1)", lseek(fd, 0, -1));
    else if (!strcmp(t, "fadvise-ok")) P("posix_fadvise NORMAL", posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL));
    else if (!strcmp(t, "fadvise-9")) P("posix_fadvise 9", posix_fadvise(fd, 0, 0, 9));
    else if (!strcmp(t, "fadvise-neglen")) P("posix_fadvise len -1", posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL));
    else if (!strcmp(t, "fallocate")) { int w = open("fa.tmp", O_RDWR | O_CREAT, 0644); int r = posix_fallocate(w, 0, 100); struct stat st; fstat(w, &st);
        int ok = (r == 0 && st.st_size == 100) || (r == ENOTSUP && st.st_size == 0);
        printf("posix_fallocate rdwr 0..100: %s\n", ok ? "consistent" : "INCONSISTENT");
        fprintf(stderr, "posix_fallocate rdwr = %s size %lld\n", errname(r), (long long)st.st_size); unlink("fa.tmp"); }
    else if (!strcmp(t, "fallocate-rdonly")) { int r = posix_fallocate(fd, 0, 100); struct stat st; fstat(fd, &st);
        int ok = (r == ENOTSUP || r == EBADF) && st.st_size == 26;
        printf("posix_fallocate rdonly: %s\n", ok ? "refused, size unchanged" : "INCONSISTENT");
        fprintf(stderr, "posix_fallocate rdonly = %s size %lld\n", errname(r), (long long)st.st_size); }
    else if (!strcmp(t, "setfl-0x20")) { P("fcntl SETFL 0x20", fcntl(fd, F_SETFL, 0x20)); P("GETFL", fcntl(fd, F_GETFL)); }
    else if (!strcmp(t, "setfl-sync")) { P("fcntl SETFL O_SYNC", fcntl(fd, F_SETFL, O_SYNC)); P("GETFL", fcntl(fd, F_GETFL)); }
    else if (!strcmp(t, "setfl-dsync")) { P("fcntl SETFL O_DSYNC", fcntl(fd, F_SETFL, O_DSYNC)); P("GETFL", fcntl(fd, F_GETFL)); }
    else if (!strcmp(t, "setfl-append")) { P("fcntl SETFL O_APPEND", fcntl(fd, F_SETFL, O_APPEND)); P("GETFL", fcntl(fd, F_GETFL)); }
    else if (!strcmp(t, "setfl-nonblock-stdin")) { P("fcntl(0) SETFL O_NONBLOCK", fcntl(0, F_SETFL, O_NONBLOCK)); P("GETFL", fcntl(0, F_GETFL)); }
    else if (!strcmp(t, "setfd")) { P("fcntl SETFD CLOEXEC", fcntl(fd, F_SETFD, FD_CLOEXEC)); P("GETFD", fcntl(fd, F_GETFD)); }
    else if (!strcmp(t, "fcntl-bad")) { P("fcntl cmd 99", fcntl(fd, 99)); }
    else if (!strcmp(t, "open-sync")) { P("open O_WRONLY|O_SYNC", open("hello.txt", O_WRONLY | O_SYNC)); P("GETFL", fcntl(fd + 1, F_GETFL)); }
    else if (!strcmp(t, "open-rsync")) { P("open O_RDONLY|O_RSYNC", open("hello.txt", O_RDONLY | O_RSYNC)); }
    else if (!strcmp(t, "open-dsync")) { P("open O_RDONLY|O_DSYNC", open("hello.txt", O_RDONLY | O_DSYNC)); }
    else if (!strcmp(t, "open-nonblock")) { P("open O_RDONLY|O_NONBLOCK", open("hello.txt", O_RDONLY | O_NONBLOCK)); P("GETFL", fcntl(fd + 1, F_GETFL)); }
    else if (!strcmp(t, "open-0x40")) { P("open flags 0x40", open("hello.txt", O_RDONLY | 0x40)); }
    else if (!strcmp(t, "open-0x10000")) { P("open flags 0x10000", open("hello.txt", O_RDONLY | 0x10000)); }
    else if (!strcmp(t, "open-search")) { P("open O_SEARCH dir", open("data", O_SEARCH)); P("open O_SEARCH file", open("hello.txt", O_SEARCH)); }
    else if (!strcmp(t, "open-exec")) { P("open O_EXEC file", open("hello.txt", O_EXEC)); }
    else if (!strcmp(t, "open-accmode3")) { P("open accmode 3", open("hello.txt", 3)); }
    else if (!strcmp(t, "clock-bogus")) { struct timespec ts; P("clock_gettime((clockid_t)99)", clock_gettime((clockid_t)99, &ts)); }
    else if (!strcmp(t, "clock-res-bogus")) { struct timespec ts; P("clock_getres((clockid_t)4)", clock_getres((clockid_t)4, &ts)); }
    else if (!strcmp(t, "utimens-now")) { struct timespec ts[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}}; P("utimensat NOW/OMIT", utimensat(AT_FDCWD, "hello.txt", ts, 0)); }
    else if (!strcmp(t, "utimens-bad-nsec")) { struct timespec ts[2] = {{0, 2000000000}, {0, 0}}; P("utimensat nsec 2e9", utimensat(AT_FDCWD, "hello.txt", ts, 0)); }
    else if (!strcmp(t, "futimens-rdonly")) { struct timespec ts[2] = {{1, 0}, {2, 0}}; P("futimens rdonly fd", futimens(fd, ts)); struct stat st; fstat(fd, &st); printf("mtime %lld\n", (long long)st.st_mtime); }
    else if (!strcmp(t, "utimens-nofollow")) { struct timespec ts[2] = {{1, 0}, {2, 0}}; P("symlink data/link-hello", symlink("../hello.txt", "data/link-hello")); P("utimensat data/link-hello NOFOLLOW", utimensat(AT_FDCWD, "data/link-hello", ts, AT_SYMLINK_NOFOLLOW)); struct stat st; lstat("data/link-hello", &st); printf("lmtime %lld\n", (long long)st.st_mtime); stat("data/link-hello", &st); printf("target mtime is 2: %d\n", st.st_mtime == 2); unlink("data/link-hello"); }
    else if (!strcmp(t, "utimens-follow")) { struct timespec ts[2] = {{1, 0}, {2, 0}}; P("symlink data/link-hello", symlink("../hello.txt", "data/link-hello")); P("utimensat data/link-hello", utimensat(AT_FDCWD, "data/link-hello", ts, 0)); struct stat st; stat("data/link-hello", &st); printf("mtime %lld atime %lld\n", (long long)st.st_mtime, (long long)st.st_atime); lstat("data/link-hello", &st); printf("link mtime is 2: %d\n", st.st_mtime == 2); unlink("data/link-hello"); }
    else if (!strcmp(t, "raise-usr1-dfl")) { P("raise(SIGUSR1)", raise(SIGUSR1)); printf("after\n"); }
    else if (!strcmp(t, "raise-usr1-handler")) { signal(SIGUSR1, handler); P("raise(SIGUSR1)", raise(SIGUSR1)); }
    else if (!strcmp(t, "raise-chld")) { P("raise(SIGCHLD)", raise(SIGCHLD)); }
    else if (!strcmp(t, "raise-0")) { P("raise(0)", raise(0)); }
    else if (!strcmp(t, "raise-term")) { P("raise(SIGTERM)", raise(SIGTERM)); }
    else if (!strcmp(t, "raise-abrt")) { P("raise(SIGABRT)", raise(SIGABRT)); }
    else if (!strcmp(t, "raise-kill")) { P("raise(SIGKILL)", raise(SIGKILL)); }
    else printf("unknown\n");
    return 0;
}
