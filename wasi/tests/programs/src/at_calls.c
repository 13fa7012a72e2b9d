/* at_calls: *at() calls relative to directory descriptors, and paths
 * across several preopens (prestat names, a rename between two preopens,
 * a closed preopen). Makes data/link-hello -> ../hello.txt first and
 * removes it after.
 *
 *   at_calls          (run with --dir . --dir data::/d --dir data/sub::sub,
 *                      or --dir .::/ --dir data::/d) */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>
#include "common.h"

/* Prints "label = result" and, for a negative result, the errno name. */
__attribute__((noinline)) static void report(const char *label, long long r, int e) {
    printf("%-44s = %lld %s\n", label, r, r < 0 ? errname(e) : "");
}
#define P(label, expr) do { errno = 0; long long r_ = (long long)(expr); report(label, r_, errno); } while (0)

int main(void) {
    if (symlink("../hello.txt", "data/link-hello")) printf("symlink setup: %s\n", errname(errno));
    for (int fd = 3; fd < 8; fd++) {
        __wasi_prestat_t ps; __wasi_errno_t e = __wasi_fd_prestat_get(fd, &ps);
        if (e) { printf("prestat %d: %s\n", fd, errname(e)); continue; }
        char name[64] = ""; (void)__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, ps.u.dir.pr_name_len);
        printf("prestat %d: dir \"%.*s\" len %zu\n", fd, (int)ps.u.dir.pr_name_len, name, ps.u.dir.pr_name_len);
    }
    struct stat st;
    P("stat /d/a.txt", stat("/d/a.txt", &st));
    P("stat /d/../hello.txt", stat("/d/../hello.txt", &st));
    P("stat /d/sub/one.txt", stat("/d/sub/one.txt", &st));
    P("stat sub/one.txt", stat("sub/one.txt", &st));
    P("stat sub/../a.txt", stat("sub/../a.txt", &st));
    P("stat data/sub/one.txt", stat("data/sub/one.txt", &st));
    P("stat ./sub/one.txt", stat("./sub/one.txt", &st));
    P("stat /hello.txt", stat("/hello.txt", &st));
    P("stat /dx/a.txt", stat("/dx/a.txt", &st));
    P("stat /d", stat("/d", &st));
    P("stat /", stat("/", &st));
    P("stat //d//a.txt", stat("//d//a.txt", &st));
    int dfd = open("data", O_RDONLY | O_DIRECTORY);
    printf("dirfd data = %d\n", dfd);
    P("fstatat(dfd, a.txt)", fstatat(dfd, "a.txt", &st, 0)); printf("  size %lld\n", (long long)st.st_size);
    P("fstatat(dfd, link-hello, NOFOLLOW)", fstatat(dfd, "link-hello", &st, AT_SYMLINK_NOFOLLOW)); printf("  lnk %d\n", S_ISLNK(st.st_mode));
    P("fstatat(dfd, link-hello)", fstatat(dfd, "link-hello", &st, 0));
    P("fstatat(dfd, ..)", fstatat(dfd, "..", &st, 0));
    P("fstatat(dfd, ../..)", fstatat(dfd, "../..", &st, 0));
    P("fstatat(dfd, /etc/passwd)", fstatat(dfd, "/etc/passwd", &st, 0));
    P("fstatat(dfd, \"\", AT_EMPTY_PATH?)", fstatat(dfd, "", &st, 0));
    P("fstatat(AT_FDCWD, data/a.txt)", fstatat(AT_FDCWD, "data/a.txt", &st, 0));
    P("fstatat(99, x)", fstatat(99, "x", &st, 0));
    P("fstatat(1, x) (stdout)", fstatat(1, "x", &st, 0));
    int ffd = open("hello.txt", O_RDONLY);
    P("fstatat(filefd, x)", fstatat(ffd, "x", &st, 0));
    P("openat(dfd, sub/one.txt)", openat(dfd, "sub/one.txt", O_RDONLY));
    P("openat(dfd, newf, CREAT)", openat(dfd, "newf", O_WRONLY | O_CREAT, 0644));
    P("mkdirat(dfd, nd)", mkdirat(dfd, "nd", 0755));
    P("renameat(dfd, newf, AT_FDCWD, moved)", renameat(dfd, "newf", AT_FDCWD, "moved"));
    P("renameat(AT_FDCWD, moved, dfd, nd/m)", renameat(AT_FDCWD, "moved", dfd, "nd/m"));
    P("linkat(dfd, nd/m, dfd, hl, 0)", linkat(dfd, "nd/m", dfd, "hl", 0));
    P("linkat(dfd, link-hello, dfd, hl2, FOLLOW)", linkat(dfd, "link-hello", dfd, "hl2", AT_SYMLINK_FOLLOW));
    P("fstatat hl2 nofollow", fstatat(dfd, "hl2", &st, AT_SYMLINK_NOFOLLOW)); printf("  lnk %d reg %d size %lld nlink %llu\n", S_ISLNK(st.st_mode), S_ISREG(st.st_mode), (long long)st.st_size, (unsigned long long)st.st_nlink);
    P("symlinkat(x, dfd, sl)", symlinkat("x", dfd, "sl"));
    char b[32]; ssize_t n = readlinkat(dfd, "sl", b, sizeof b); printf("readlinkat: %zd %.*s\n", n, (int)(n > 0 ? n : 0), b);
    P("faccessat(dfd, a.txt, R_OK)", faccessat(dfd, "a.txt", R_OK, 0));
    P("faccessat(dfd, a.txt, R_OK, AT_EACCESS)", faccessat(dfd, "a.txt", R_OK, AT_EACCESS));
    P("faccessat bad flag", faccessat(dfd, "a.txt", R_OK, 0x4000));
    P("unlinkat(dfd, nd, 0)", unlinkat(dfd, "nd", 0));
    P("unlinkat(dfd, hl, REMOVEDIR)", unlinkat(dfd, "hl", AT_REMOVEDIR));
    P("unlinkat(dfd, hl, 0)", unlinkat(dfd, "hl", 0));
    P("unlinkat(dfd, hl2, 0)", unlinkat(dfd, "hl2", 0));
    P("unlinkat(dfd, sl, 0)", unlinkat(dfd, "sl", 0));
    P("unlinkat(dfd, nd/m, 0)", unlinkat(dfd, "nd/m", 0));
    P("unlinkat(dfd, nd, REMOVEDIR)", unlinkat(dfd, "nd", AT_REMOVEDIR));
    P("unlinkat bad flag", unlinkat(dfd, "x", 0x1234));
    /* preopen-crossing rename: /d is a different preopen than . */
    close(open("cross", O_WRONLY | O_CREAT, 0644));
    P("rename cross -> /d/cross (other preopen)", rename("cross", "/d/cross"));
    P("link cross -> /d/crosslink", link("cross", "/d/crosslink"));
    P("unlink /d/crosslink", unlink("/d/crosslink"));
    P("unlink /d/cross", unlink("/d/cross"));
    P("unlink cross", unlink("cross"));
    P("close(preopen 4)", close(4));
    P("stat /d/a.txt after closing its preopen", stat("/d/a.txt", &st));
    P("open after preopen closed", open("hello.txt", O_RDONLY));
    unlink("data/link-hello");
    return 0;
}
