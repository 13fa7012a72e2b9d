/* errors: the errno each failing file-system operation reports, by name.
 * Run with --dir . ; works in a scratch directory it creates and removes.
 * All paths are relative (resolved against the preopen, no chdir). */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

#define E(label, expr)                                                                       \
    do {                                                                                     \
        errno = 0;                                                                           \
        long rc_ = (long)(expr);                                                             \
        printf("%-46s %s\n", (label), rc_ >= 0 ? "ok" : errname(errno));                  \
    } while (0)

static void mkfile(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        printf("setup: create %s: %s\n", path, errname(errno));
        return;
    }
    if (write(fd, text, strlen(text)) < 0)
        printf("setup: write %s: %s\n", path, errname(errno));
    close(fd);
}

int main(void) {
    int fd;
    char buf[64];
    if (mkdir("err", 0755) < 0) {
        printf("setup: mkdir err: %s\n", errname(errno));
        return 1;
    }
    mkfile("err/file.txt", "hello\n");
    mkdir("err/dir", 0755);
    mkdir("err/full", 0755);
    mkfile("err/full/inner.txt", "x");
    mkdir("err/empty", 0755);
    mkdir("err/full2", 0755);
    mkfile("err/full2/other.txt", "y");
    symlink("file.txt", "err/link");

    printf("-- opening\n");
    E("open missing file", open("err/missing.txt", O_RDONLY));
    E("open missing dir component", open("err/nodir/file.txt", O_RDONLY));
    E("open file with O_DIRECTORY", open("err/file.txt", O_RDONLY | O_DIRECTORY));
    E("open file.txt/ (trailing slash)", open("err/file.txt/", O_RDONLY));
    E("open through a file (file.txt/x)", open("err/file.txt/x", O_RDONLY));
    E("open dir with O_WRONLY", open("err/dir", O_WRONLY));
    E("open dir with O_RDWR", open("err/dir", O_RDWR));
    E("open dir O_CREAT|O_EXCL", open("err/dir", O_WRONLY | O_CREAT | O_EXCL, 0644));
    E("open file O_CREAT|O_EXCL", open("err/file.txt", O_WRONLY | O_CREAT | O_EXCL, 0644));
    E("open symlink O_NOFOLLOW", open("err/link", O_RDONLY | O_NOFOLLOW));
    E("open symlink O_CREAT|O_EXCL", open("err/link", O_WRONLY | O_CREAT | O_EXCL, 0644));
    {
        char longname[300];
        memset(longname, 'n', sizeof longname);
        memcpy(longname, "err/", 4);
        longname[sizeof longname - 1] = 0;
        E("open 295-byte name", open(longname, O_RDONLY));
        E("mkdir 295-byte name", mkdir(longname, 0755));
    }
    errno = 0;
    DIR *d = opendir("err/file.txt");
    printf("%-46s %s\n", "opendir on a file", d ? "ok" : errname(errno));
    if (d)
        closedir(d);
    errno = 0;
    d = opendir("err/missing");
    printf("%-46s %s\n", "opendir missing", d ? "ok" : errname(errno));
    if (d)
        closedir(d);

    printf("-- directories\n");
    E("mkdir existing dir", mkdir("err/dir", 0755));
    E("mkdir over existing file", mkdir("err/file.txt", 0755));
    E("mkdir in missing parent", mkdir("err/nodir/sub", 0755));
    E("mkdir under a file", mkdir("err/file.txt/sub", 0755));
    E("rmdir non-empty dir", rmdir("err/full"));
    E("rmdir a file", rmdir("err/file.txt"));
    E("rmdir missing", rmdir("err/missing"));
    E("rmdir a symlink", rmdir("err/link"));
    E("unlink a directory", unlink("err/dir"));
    E("unlink missing", unlink("err/missing"));
    E("unlink file.txt/ (trailing slash)", unlink("err/file.txt/"));

    printf("-- renames\n");
    E("rename dir over non-empty dir", rename("err/dir", "err/full"));
    E("rename dir over a file", rename("err/dir", "err/file.txt"));
    E("rename file over a dir", rename("err/file.txt", "err/dir"));
    E("rename missing", rename("err/missing", "err/x"));
    E("rename dir into itself", rename("err/dir", "err/dir/sub"));
    E("rename dir over empty dir", rename("err/dir", "err/empty"));
    E("rename it back", rename("err/empty", "err/dir"));
    E("rename non-empty dir over non-empty dir", rename("err/full2", "err/full"));
    E("rename file onto itself", rename("err/file.txt", "err/file.txt"));

    printf("-- links\n");
    E("readlink on a regular file", readlink("err/file.txt", buf, sizeof buf));
    E("readlink on a directory", readlink("err/dir", buf, sizeof buf));
    E("readlink missing", readlink("err/missing", buf, sizeof buf));
    {
        errno = 0;
        ssize_t n = readlink("err/link", buf, 4);
        printf("%-46s %s, %zd bytes \"%.*s\"\n", "readlink into a 4-byte buffer",
               n >= 0 ? "ok" : errname(errno), n, (int)(n > 0 ? n : 0), buf);
    }
    E("symlink over existing name", symlink("x", "err/file.txt"));
    E("symlink in missing dir", symlink("x", "err/nodir/l"));
    E("link to existing name", link("err/file.txt", "err/dir"));
    E("link missing source", link("err/missing", "err/new"));
    E("link a directory", link("err/dir", "err/dirlink"));

    printf("-- descriptors\n");
    fd = open("err/dir", O_RDONLY | O_DIRECTORY);
    E("read from a directory fd", read(fd, buf, sizeof buf));
    E("write to a directory fd", write(fd, "x", 1));
    E("lseek on a directory fd", lseek(fd, 0, SEEK_SET));
    E("ftruncate a directory fd", ftruncate(fd, 0));
    E("fsync a directory fd", fsync(fd));
    close(fd);
    fd = open("err/file.txt", O_RDONLY);
    E("lseek negative result", lseek(fd, -1, SEEK_SET));
    E("fdopendir on a file fd", (fdopendir(fd) ? 0 : -1));
    close(fd);
    E("close a closed fd", close(fd));
    E("read from fd 99", read(99, buf, 1));
    E("write to fd 99", write(99, "x", 1));
    E("fstat fd 99", ({ struct stat st_; fstat(99, &st_); }));
    E("close fd 99", close(99));
    E("fsync fd 99", fsync(99));
    E("read fd -1", read(-1, buf, 1));

    printf("-- stat\n");
    {
        struct stat st;
        E("stat missing", stat("err/missing", &st));
        E("stat through a file", stat("err/file.txt/x", &st));
        E("stat a dangling symlink", (symlink("nowhere", "err/dangling"), stat("err/dangling", &st)));
        E("lstat dangling link itself", lstat("err/dangling", &st));
        E("access file R_OK", access("err/file.txt", R_OK));
        E("access missing F_OK", access("err/missing", F_OK));
    }

    printf("-- cleanup\n");
    E("unlink err/dangling", unlink("err/dangling"));
    E("unlink err/link", unlink("err/link"));
    E("unlink err/file.txt", unlink("err/file.txt"));
    E("unlink err/full/inner.txt", unlink("err/full/inner.txt"));
    E("unlink err/full2/other.txt", unlink("err/full2/other.txt"));
    E("rmdir err/full", rmdir("err/full"));
    E("rmdir err/full2", rmdir("err/full2"));
    E("rmdir err/dir", rmdir("err/dir"));
    E("rmdir err/empty (renamed away earlier)", rmdir("err/empty"));
    E("rmdir err", rmdir("err"));
    return 0;
}
