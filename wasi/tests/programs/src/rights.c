/* rights: how WASI rights show through wasi-libc. wasi-libc's openat()
 * asks for the rights the open flags need, masked by the directory fd's
 * fs_rights_inheriting (from fd_fdstat_get); fcntl(F_GETFL) derives the
 * access mode from fs_rights_base. So the rights a runtime reports are
 * visible to ordinary programs. Run with --dir . (the outputs pin
 * wasmtime's behaviour). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#include "common.h"

static const char *mode(int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return errname(errno);
    switch (fl & O_ACCMODE) {
    case O_RDONLY: return "O_RDONLY";
    case O_WRONLY: return "O_WRONLY";
    case O_RDWR: return "O_RDWR";
    case O_SEARCH: return "O_SEARCH";
    case O_EXEC: return "O_EXEC";
    default: return "other";
    }
}

static void try_write(const char *label, int fd) {
    errno = 0;
    ssize_t n = write(fd, "w", 1);
    printf("%s: fd %s, F_GETFL %s, write %s\n", label, fd >= 0 ? "ok" : errname(errno),
           fd >= 0 ? mode(fd) : "-", n >= 0 ? "ok" : errname(errno));
}

int main(void) {
    mkdir("rdir", 0755);
    int f = open("rdir/f.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(f, "data\n", 5);
    close(f);

    int dro = open("rdir", O_RDONLY | O_DIRECTORY);
    printf("directory fd (O_RDONLY|O_DIRECTORY): %s, F_GETFL %s\n", res(dro), mode(dro));
    {
        __wasi_fdstat_t fs;
        __wasi_errno_t e = __wasi_fd_fdstat_get((__wasi_fd_t)dro, &fs);
        printf("  fd_fdstat_get: %s\n", e ? errname(e) : "ok");
        printf("  its inheriting rights include FD_WRITE: %s, FD_READ: %s\n",
               fs.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE ? "yes" : "no",
               fs.fs_rights_inheriting & __WASI_RIGHTS_FD_READ ? "yes" : "no");
    }
    int fd = openat(dro, "f.txt", O_RDWR);
    try_write("openat(dir, f.txt, O_RDWR)", fd);
    close(fd);
    fd = openat(dro, "f.txt", O_WRONLY | O_APPEND);
    try_write("openat(dir, f.txt, O_WRONLY|O_APPEND)", fd);
    close(fd);
    fd = openat(dro, "g.txt", O_WRONLY | O_CREAT, 0644);
    try_write("openat(dir, g.txt, O_WRONLY|O_CREAT)", fd);
    close(fd);
    fd = openat(dro, "f.txt", O_WRONLY | O_TRUNC);
    try_write("openat(dir, f.txt, O_WRONLY|O_TRUNC)", fd);
    close(fd);
    close(dro);

    fd = open("rdir/f.txt", O_RDWR);
    try_write("open(rdir/f.txt, O_RDWR) through the preopen", fd);
    close(fd);

    {
        __wasi_fdstat_t fs;
        __wasi_errno_t e = __wasi_fd_fdstat_get(3, &fs);
        printf("preopen fdstat: %s, inheriting has FD_READ %s FD_WRITE %s PATH_OPEN %s\n",
               e ? errname(e) : "ok", fs.fs_rights_inheriting & __WASI_RIGHTS_FD_READ ? "yes" : "no",
               fs.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE ? "yes" : "no",
               fs.fs_rights_inheriting & __WASI_RIGHTS_PATH_OPEN ? "yes" : "no");
        printf("preopen base has PATH_OPEN %s, PATH_CREATE_FILE %s, FD_READDIR %s\n",
               fs.fs_rights_base & __WASI_RIGHTS_PATH_OPEN ? "yes" : "no",
               fs.fs_rights_base & __WASI_RIGHTS_PATH_CREATE_FILE ? "yes" : "no",
               fs.fs_rights_base & __WASI_RIGHTS_FD_READDIR ? "yes" : "no");
    }
    {
        /* fd_fdstat_set_rights: dropping FD_WRITE from a writable file */
        fd = open("rdir/f.txt", O_RDWR);
        __wasi_fdstat_t fs;
        __wasi_errno_t e = __wasi_fd_fdstat_get((__wasi_fd_t)fd, &fs);
        if (e)
            printf("fd_fdstat_get: %s\n", errname(e));
        e = __wasi_fd_fdstat_set_rights(
            (__wasi_fd_t)fd, fs.fs_rights_base & ~(__wasi_rights_t)__WASI_RIGHTS_FD_WRITE,
            fs.fs_rights_inheriting);
        printf("fd_fdstat_set_rights without FD_WRITE: %s\n", e ? errname(e) : "ok");
        try_write("  then", fd);
        close(fd);
    }

    unlink("rdir/f.txt");
    unlink("rdir/g.txt");
    printf("rmdir rdir: %s\n", res(rmdir("rdir")));
    return 0;
}
