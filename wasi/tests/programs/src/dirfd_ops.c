/* dirfd_ops: the *at() calls on directory descriptors, fcntl flags
 * (fd_fdstat_get / fd_fdstat_set_flags), __wasi_fd_renumber, fd_fdstat
 * file types, chdir (wasi-libc resolves relative paths itself) and
 * fd_tell/fd_advise. Run with --dir . */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#include "common.h"

static const char *ftname(__wasi_filetype_t t) {
    switch (t) {
    case __WASI_FILETYPE_UNKNOWN: return "unknown";
    case __WASI_FILETYPE_BLOCK_DEVICE: return "block device";
    case __WASI_FILETYPE_CHARACTER_DEVICE: return "character device";
    case __WASI_FILETYPE_DIRECTORY: return "directory";
    case __WASI_FILETYPE_REGULAR_FILE: return "regular file";
    case __WASI_FILETYPE_SOCKET_DGRAM: return "socket dgram";
    case __WASI_FILETYPE_SOCKET_STREAM: return "socket stream";
    case __WASI_FILETYPE_SYMBOLIC_LINK: return "symlink";
    default: return "?";
    }
}

/* ok, "denied" (NOTCAPABLE/PERM/ACCES/NOENT) or the errno name */
static const char *denied(long rc) {
    if (rc >= 0)
        return "ok";
    if (errno == ENOTCAPABLE || errno == EPERM || errno == EACCES || errno == ENOENT)
        return "denied";
    return errname(errno);
}

static void show_flags(const char *label, int fd) {
    errno = 0;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) {
        printf("%s: F_GETFL %s\n", label, errname(errno));
        return;
    }
    const char *acc = (fl & O_ACCMODE) == O_RDONLY ? "O_RDONLY"
                    : (fl & O_ACCMODE) == O_WRONLY ? "O_WRONLY"
                    : (fl & O_ACCMODE) == O_RDWR   ? "O_RDWR"
                    : (fl & O_ACCMODE) == O_SEARCH ? "O_SEARCH"
                    : (fl & O_ACCMODE) == O_EXEC   ? "O_EXEC" : "other";
    printf("%s: %s%s%s%s%s\n", label, acc, fl & O_APPEND ? " O_APPEND" : "",
           fl & O_NONBLOCK ? " O_NONBLOCK" : "", fl & O_DSYNC ? " O_DSYNC" : "",
           fl & O_SYNC ? " O_SYNC" : "");
}

static void read_print(const char *label, int fd) {
    char buf[128];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n < 0) {
        printf("%s: pread %s\n", label, errname(errno));
        return;
    }
    buf[n] = 0;
    printf("%s: \"%s\"\n", label, buf);
}

static int put(int dirfd, const char *path, const char *text) {
    int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n < 0 ? -1 : 0;
}

int main(void) {
    struct stat st;

    /* ---- directory descriptors and *at ---- */
    CHECK("mkdir ops", mkdir("ops", 0755));
    errno = 0;
    int dfd = open("ops", O_RDONLY | O_DIRECTORY);
    printf("open ops O_DIRECTORY: %s\n", res(dfd));
    CHECK("mkdirat a", mkdirat(dfd, "a", 0755));
    CHECK("mkdirat b", mkdirat(dfd, "b", 0755));
    errno = 0;
    int afd = openat(dfd, "a", O_RDONLY | O_DIRECTORY);
    printf("openat a O_DIRECTORY: %s\n", res(afd));
    int bfd = openat(dfd, "b", O_RDONLY | O_DIRECTORY);
    CHECK("create a/one.txt via afd", put(afd, "one.txt", "one\n"));
    CHECK("fstatat afd one.txt", fstatat(afd, "one.txt", &st, 0));
    printf("  size %lld, regular %s\n", (long long)st.st_size, S_ISREG(st.st_mode) ? "yes" : "no");
    CHECK("fstatat dfd a/one.txt", fstatat(dfd, "a/one.txt", &st, 0));
    CHECK("renameat afd one.txt -> bfd two.txt", renameat(afd, "one.txt", bfd, "two.txt"));
    CHECK("fstatat afd one.txt after rename", fstatat(afd, "one.txt", &st, 0));
    CHECK("fstatat bfd two.txt", fstatat(bfd, "two.txt", &st, 0));
    CHECK("linkat bfd two.txt -> afd hard.txt", linkat(bfd, "two.txt", afd, "hard.txt", 0));
    CHECK("fstatat afd hard.txt", fstatat(afd, "hard.txt", &st, 0));
    printf("  nlink %llu\n", (unsigned long long)st.st_nlink);
    CHECK("symlinkat ../b/two.txt -> afd sym", symlinkat("../b/two.txt", afd, "sym"));
    {
        char buf[64];
        errno = 0;
        ssize_t n = readlinkat(afd, "sym", buf, sizeof buf);
        printf("readlinkat afd sym: %s \"%.*s\"\n", res(n), (int)(n > 0 ? n : 0), buf);
    }
    CHECK("fstatat afd sym AT_SYMLINK_NOFOLLOW", fstatat(afd, "sym", &st, AT_SYMLINK_NOFOLLOW));
    printf("  is symlink: %s\n", S_ISLNK(st.st_mode) ? "yes" : "no");
    /* A directory fd is a capability of its own: "../b/two.txt" leaves
     * it, so following the link from afd is refused (wasmtime: PERM) even
     * though the target is inside the preopen. */
    errno = 0;
    printf("fstatat afd sym (follow, leaves afd): %s\n",
           denied(fstatat(afd, "sym", &st, 0)));
    errno = 0;
    printf("openat afd sym (follow, leaves afd): %s\n", denied(openat(afd, "sym", O_RDONLY)));
    errno = 0;
    printf("openat afd ../b/two.txt: %s\n", denied(openat(afd, "../b/two.txt", O_RDONLY)));
    CHECK("stat ops/a/sym (follow, from the preopen)", stat("ops/a/sym", &st));
    printf("  is regular: %s, size %lld\n", S_ISREG(st.st_mode) ? "yes" : "no",
           (long long)st.st_size);
    CHECK("faccessat afd hard.txt R_OK", faccessat(afd, "hard.txt", R_OK, 0));
    CHECK("unlinkat afd sym", unlinkat(afd, "sym", 0));
    CHECK("unlinkat afd hard.txt", unlinkat(afd, "hard.txt", 0));
    CHECK("unlinkat dfd a (no AT_REMOVEDIR)", unlinkat(dfd, "a", 0));
    CHECK("unlinkat dfd b AT_REMOVEDIR (not empty)", unlinkat(dfd, "b", AT_REMOVEDIR));
    CHECK("unlinkat bfd two.txt", unlinkat(bfd, "two.txt", 0));
    CHECK("fstat afd", fstat(afd, &st));
    printf("  afd is a directory: %s\n", S_ISDIR(st.st_mode) ? "yes" : "no");

    /* reading a directory through its fd */
    {
        int dup_fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY);
        DIR *d = fdopendir(dup_fd);
        printf("fdopendir: %s\n", d ? "ok" : errname(errno));
        if (d) {
            char *names[8];
            int n = 0;
            struct dirent *e;
            while ((e = readdir(d)) && n < 8)
                names[n++] = strdup(e->d_name);
            qsort(names, n, sizeof *names, cmp_str);
            printf("  entries:");
            for (int i = 0; i < n; i++) {
                printf(" %s", names[i]);
                free(names[i]);
            }
            printf("\n");
            closedir(d);
        }
    }
    close(afd);
    close(bfd);
    CHECK("unlinkat dfd a AT_REMOVEDIR", unlinkat(dfd, "a", AT_REMOVEDIR));
    CHECK("unlinkat dfd b AT_REMOVEDIR", unlinkat(dfd, "b", AT_REMOVEDIR));

    /* ---- fd_fdstat ---- */
    {
        __wasi_fdstat_t fs;
        __wasi_errno_t e = __wasi_fd_fdstat_get((__wasi_fd_t)dfd, &fs);
        printf("fdstat of a directory fd: %s, %s\n", e ? errname(e) : "ok", ftname(fs.fs_filetype));
        CHECK("put ops/f.txt", put(dfd, "f.txt", "0123456789"));
        int fd = openat(dfd, "f.txt", O_RDONLY);
        e = __wasi_fd_fdstat_get((__wasi_fd_t)fd, &fs);
        printf("fdstat of a file fd: %s, %s, flags %u\n", e ? errname(e) : "ok",
               ftname(fs.fs_filetype), (unsigned)fs.fs_flags);
        e = __wasi_fd_fdstat_get(3, &fs);
        printf("fdstat of the preopen: %s, %s\n", e ? errname(e) : "ok", ftname(fs.fs_filetype));
        e = __wasi_fd_fdstat_get(42, &fs);
        printf("fdstat of fd 42: %s\n", e ? errname(e) : "ok");
        __wasi_filestat_t fst;
        e = __wasi_fd_filestat_get((__wasi_fd_t)fd, &fst);
        printf("filestat of the file fd: %s, %s, size %llu, nlink %llu\n", e ? errname(e) : "ok",
               ftname(fst.filetype), (unsigned long long)fst.size,
               (unsigned long long)fst.nlink);
        __wasi_filesize_t pos;
        lseek(fd, 4, SEEK_SET);
        e = __wasi_fd_tell((__wasi_fd_t)fd, &pos);
        printf("fd_tell after lseek 4: %s, %llu\n", e ? errname(e) : "ok", (unsigned long long)pos);
        e = __wasi_fd_advise((__wasi_fd_t)fd, 0, 10, __WASI_ADVICE_WILLNEED);
        printf("fd_advise WILLNEED: %s\n", e ? errname(e) : "ok");
        close(fd);
    }

    /* ---- fcntl: F_GETFL / F_SETFL ---- */
    {
        /* files opened through the preopen (not through dfd: wasi-libc's
         * openat masks the requested rights with dfd's inheriting rights,
         * which for a directory opened O_RDONLY lack FD_WRITE) */
        int fd = open("ops/f.txt", O_WRONLY | O_APPEND);
        show_flags("open O_WRONLY|O_APPEND", fd);
        close(fd);
        fd = open("ops/f.txt", O_WRONLY);
        show_flags("open O_WRONLY", fd);
        close(fd);
        fd = open("ops/f.txt", O_RDWR);
        show_flags("open O_RDWR", fd);
        CHECK("F_SETFL O_APPEND", fcntl(fd, F_SETFL, O_APPEND));
        show_flags("after F_SETFL O_APPEND", fd);
        ssize_t n = pwrite(fd, "", 0, 0);
        (void)n;
        lseek(fd, 0, SEEK_SET);
        n = write(fd, "AB", 2);
        printf("write after F_SETFL O_APPEND: %zd\n", n);
        read_print("  content", fd);
        CHECK("F_SETFL 0", fcntl(fd, F_SETFL, 0));
        show_flags("after F_SETFL 0", fd);
        lseek(fd, 0, SEEK_SET);
        n = write(fd, "ab", 2);
        printf("write at 0 after clearing O_APPEND: %zd\n", n);
        read_print("  content", fd);
        CHECK("F_SETFL O_NONBLOCK", fcntl(fd, F_SETFL, O_NONBLOCK));
        show_flags("after F_SETFL O_NONBLOCK", fd);
        CHECK("F_SETFL O_APPEND|O_NONBLOCK", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
        show_flags("after F_SETFL O_APPEND|O_NONBLOCK", fd);
        CHECK("F_SETFL 0", fcntl(fd, F_SETFL, 0));
        show_flags("after F_SETFL 0", fd);
        errno = 0;
        int fdfl = fcntl(fd, F_GETFD);
        printf("F_GETFD: %s, FD_CLOEXEC %s\n", res(fdfl), fdfl > 0 && (fdfl & FD_CLOEXEC) ? "set" : "clear");
        close(fd);
        fd = open("ops/f.txt", O_RDONLY);
        show_flags("open O_RDONLY", fd);
        close(fd);
        show_flags("the directory fd", dfd);
        show_flags("fd 42", 42);
    }

    /* ---- fd_renumber ---- */
    {
        CHECK("put ops/x.txt", put(dfd, "x.txt", "I am x\n"));
        CHECK("put ops/y.txt", put(dfd, "y.txt", "I am y\n"));
        int x = open("ops/x.txt", O_RDONLY);
        int y = open("ops/y.txt", O_RDONLY);
        printf("x and y are different fds: %s\n", x >= 0 && y >= 0 && x != y ? "yes" : "no");
        __wasi_errno_t e = __wasi_fd_renumber((__wasi_fd_t)x, (__wasi_fd_t)y);
        printf("renumber x -> y: %s\n", e ? errname(e) : "ok");
        read_print("  y now reads", y);
        char c;
        errno = 0;
        printf("  read from old x: %s\n", res(read(x, &c, 1)));
        e = __wasi_fd_renumber((__wasi_fd_t)y, (__wasi_fd_t)y);
        printf("renumber y -> y: %s\n", e ? errname(e) : "ok");
        read_print("  y still reads", y);
        e = __wasi_fd_renumber(77, (__wasi_fd_t)y);
        printf("renumber 77 (closed) -> y: %s\n", e ? errname(e) : "ok");
        close(y);
    }

    /* ---- chdir: wasi-libc keeps the cwd and resolves relative paths ---- */
    {
        char cwd[256];
        printf("getcwd: %s\n", getcwd(cwd, sizeof cwd) ? cwd : errname(errno));
        CHECK("chdir ops", chdir("ops"));
        printf("getcwd: %s\n", getcwd(cwd, sizeof cwd) ? cwd : errname(errno));
        errno = 0;
        int fd = open("x.txt", O_RDONLY);
        printf("open x.txt relative to the new cwd: %s\n", res(fd));
        if (fd >= 0) {
            read_print("  content", fd);
            close(fd);
        }
        CHECK("mkdir sub (relative)", mkdir("sub", 0755));
        CHECK("chdir sub", chdir("sub"));
        CHECK("stat ../x.txt", stat("../x.txt", &st));
        CHECK("chdir ../..", chdir("../.."));
        printf("getcwd: %s\n", getcwd(cwd, sizeof cwd) ? cwd : errname(errno));
        CHECK("stat ops/x.txt", stat("ops/x.txt", &st));
        CHECK("chdir /", chdir("/"));
        printf("getcwd: %s\n", getcwd(cwd, sizeof cwd) ? cwd : errname(errno));
        CHECK("chdir ops/x.txt (a file)", chdir("ops/x.txt"));
        CHECK("chdir missing", chdir("missing"));
        CHECK("rmdir ops/sub", rmdir("ops/sub"));
    }

    CHECK("unlinkat dfd f.txt", unlinkat(dfd, "f.txt", 0));
    CHECK("unlinkat dfd x.txt", unlinkat(dfd, "x.txt", 0));
    CHECK("unlinkat dfd y.txt", unlinkat(dfd, "y.txt", 0));
    CHECK("close dfd", close(dfd));
    CHECK("rmdir ops", rmdir("ops"));
    return 0;
}
