/* scenario: a typical program's file work in a scratch directory: mkdir,
 * fopen/fprintf, rename, stat, read back, symlink, readlink, list, clean up.
 * Directory sizes and link counts depend on the host file system and are not
 * printed; listings are sorted.
 *
 *   scenario          (run with --dir .) */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

static const char *ty(mode_t m) {
    return S_ISREG(m) ? "REG" : S_ISDIR(m) ? "DIR" : S_ISLNK(m) ? "LNK" : S_ISCHR(m) ? "CHR"
         : S_ISBLK(m) ? "BLK" : S_ISFIFO(m) ? "FIFO" : S_ISSOCK(m) ? "SOCK" : "?";
}
static void pst(const char *what, int r, struct stat *st) {
    if (r) { printf("%s: %s (%s)\n", what, errname(errno), strerror(errno)); return; }
    if (S_ISDIR(st->st_mode)) {
        printf("%s: type=DIR mode=%o blksize_pos=%d\n", what, (unsigned)(st->st_mode & 07777),
               st->st_blksize > 0);
        return;
    }
    printf("%s: type=%s size=%lld nlink=%llu mode=%o blksize_pos=%d\n", what, ty(st->st_mode),
           (long long)st->st_size, (unsigned long long)st->st_nlink, (unsigned)(st->st_mode & 07777),
           st->st_blksize > 0);
}
static void list(const char *d) {
    DIR *dir = opendir(d);
    if (!dir) { printf("opendir %s: %s\n", d, errname(errno)); return; }
    struct dirent *e; char *names[64]; int n = 0;
    while ((e = readdir(dir))) {
        char b[300];
        snprintf(b, sizeof b, "%s(%d)", e->d_name, e->d_type);
        if (n < 64) names[n++] = strdup(b);
    }
    qsort(names, n, sizeof *names, cmp_str);
    printf("sorted %s (d_type):", d);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
    printf("telldir/rewinddir: ");
    rewinddir(dir);
    int c = 0; while (readdir(dir)) c++;
    printf("%d entries after rewind\n", c);
    closedir(dir);
}
int main(void) {
    struct stat st;
    int r;
    errno = 0; r = mkdir("work", 0700); printf("mkdir work: %s\n", res(r));
    errno = 0; r = mkdir("work", 0700); printf("mkdir work again: %s (%s)\n", res(r), strerror(errno));
    FILE *f = fopen("work/draft.txt", "w");
    printf("fopen w: %s\n", f ? "ok" : errname(errno));
    int n = fprintf(f, "line %d\n", 1);
    n += fprintf(f, "pi is about %.5f\n", 3.14159265);
    printf("fprintf: %d, ftell=%ld\n", n, ftell(f));
    printf("fileno: %d\n", fileno(f));
    printf("fclose: %d\n", fclose(f));
    errno = 0; r = rename("work/draft.txt", "work/final.txt"); printf("rename: %s\n", res(r));
    errno = 0; r = stat("work/draft.txt", &st); pst("stat old", r, &st);
    errno = 0; r = stat("work/final.txt", &st); pst("stat new", r, &st);
    errno = 0; r = stat("work", &st); pst("stat dir", r, &st);
    errno = 0; r = stat(".", &st); pst("stat .", r, &st);
    f = fopen("work/final.txt", "r");
    char line[128];
    while (f && fgets(line, sizeof line, f)) printf("read: %s", line);
    if (f) { printf("feof=%d\n", feof(f) != 0); fclose(f); }
    errno = 0; r = symlink("final.txt", "work/link"); printf("symlink: %s\n", res(r));
    errno = 0; r = symlink("final.txt", "work/link"); printf("symlink again: %s\n", res(r));
    /* Whether links pointing outside may be created is the runtime's choice:
     * stderr only. */
    errno = 0; r = symlink("/etc/passwd", "work/abs"); fprintf(stderr, "symlink absolute: %s\n", res(r));
    if (r == 0) unlink("work/abs");
    errno = 0; r = symlink("../../outside", "work/rel-out"); fprintf(stderr, "symlink ../../outside: %s\n", res(r));
    if (r == 0) unlink("work/rel-out");
    char buf[64];
    errno = 0; ssize_t len = readlink("work/link", buf, sizeof buf);
    printf("readlink: %zd %.*s\n", len, len > 0 ? (int)len : 0, buf);
    errno = 0; len = readlink("work/link", buf, 3);
    printf("readlink short buf: %zd %.*s %s\n", len, len > 0 ? (int)len : 0, buf, len < 0 ? errname(errno) : "");
    errno = 0; len = readlink("work/final.txt", buf, sizeof buf);
    printf("readlink regular: %zd %s\n", len, len < 0 ? errname(errno) : "");
    errno = 0; len = readlink("work/none", buf, sizeof buf);
    printf("readlink missing: %zd %s\n", len, len < 0 ? errname(errno) : "");
    errno = 0; r = lstat("work/link", &st); pst("lstat link", r, &st);
    errno = 0; r = stat("work/link", &st); pst("stat link", r, &st);
    errno = 0; r = mkdir("work/sub", 0755); printf("mkdir sub: %s\n", res(r));
    f = fopen("work/sub/z", "w"); fputs("zz", f); fclose(f);
    f = fopen("work/a", "w"); fclose(f);
    list("work");
    list("work/sub");
    errno = 0; r = unlink("work/link"); printf("unlink link: %s\n", res(r));
    errno = 0; r = unlink("work/final.txt"); printf("unlink file: %s\n", res(r));
    errno = 0; r = unlink("work/final.txt"); printf("unlink again: %s (%s)\n", res(r), strerror(errno));
    errno = 0; r = rmdir("work"); printf("rmdir non-empty: %s (%s)\n", res(r), strerror(errno));
    errno = 0; r = unlink("work/sub/z"); printf("unlink z: %s\n", res(r));
    errno = 0; r = unlink("work/a"); printf("unlink a: %s\n", res(r));
    errno = 0; r = rmdir("work/sub"); printf("rmdir sub: %s\n", res(r));
    errno = 0; r = rmdir("work"); printf("rmdir work: %s\n", res(r));
    errno = 0; r = stat("work", &st); pst("stat removed", r, &st);
    return 0;
}
