/* edges: stdio and preopen descriptors as targets of file calls, link
 * counts of directories, symlink chains (how many links a lookup follows),
 * long names and paths, closing stdin/stderr/the preopen and reusing their
 * numbers.
 *
 *   edges             (run with --dir .) */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

/* Prints "label = result" and, for a negative result, the errno name. */
__attribute__((noinline)) static void report(const char *label, long long r, int e) {
    printf("%-40s = %lld %s\n", label, r, r < 0 ? errname(e) : "");
}
#define P(label, expr) do { errno = 0; long long r_ = (long long)(expr); report(label, r_, errno); } while (0)

int main(void) {
    struct stat st;
    P("fsync(1)", fsync(1));
    P("fdatasync(1)", fdatasync(1));
    P("ftruncate(1, 0)", ftruncate(1, 0));
    P("posix_fadvise(1)", posix_fadvise(1, 0, 0, POSIX_FADV_NORMAL));
    P("fcntl(1, F_SETFL, O_APPEND)", fcntl(1, F_SETFL, O_APPEND));
    P("fcntl(1, F_GETFL)", fcntl(1, F_GETFL));
    P("fcntl(2, F_SETFL, O_NONBLOCK)", fcntl(2, F_SETFL, O_NONBLOCK));
    P("fsync(0)", fsync(0));
    P("fstat(0)", fstat(0, &st));
    P("futimens(1, NULL)", futimens(1, NULL));
    P("fsync(3) preopen", fsync(3));
    P("fdatasync(3)", fdatasync(3));
    P("fstat(3) isdir", fstat(3, &st) == 0 && S_ISDIR(st.st_mode));
    P("futimens(3, NULL)", futimens(3, NULL));
    /* nlink of dirs */
    /* 2 + subdirectories on most file systems, always 1 on some (btrfs) */
    unsigned long long n0, n2, n3;
    mkdir("nl", 0755); stat("nl", &st); n0 = st.st_nlink;
    mkdir("nl/a", 0755); mkdir("nl/b", 0755); stat("nl", &st); n2 = st.st_nlink;
    int dfd = open("nl", O_RDONLY | O_DIRECTORY); fstat(dfd, &st); n3 = st.st_nlink; close(dfd);
    printf("dir nlink (empty, 2 subdirs, fstat) consistent: %s\n",
           (n0 == 2 && n2 == 4 && n3 == 4) || (n0 == 1 && n2 == 1 && n3 == 1) ? "yes" : "NO");
    fprintf(stderr, "dir nlink: %llu %llu %llu\n", n0, n2, n3);
    rmdir("nl/a"); rmdir("nl/b"); rmdir("nl");
    /* symlink chains */
    mkdir("ch", 0755);
    close(open("ch/target", O_WRONLY | O_CREAT, 0644));
    char a[64], b[64];
    symlink("target", "ch/l0");
    for (int i = 1; i <= 70; i++) { snprintf(a, sizeof a, "l%d", i - 1); snprintf(b, sizeof b, "ch/l%d", i); symlink(a, b); }
    int lens[] = {1, 8, 30, 31, 32, 33, 39, 40, 41, 63, 64, 70};
    for (unsigned i = 0; i < sizeof lens / sizeof *lens; i++) {
        snprintf(b, sizeof b, "ch/l%d", lens[i] - 1);
        errno = 0; int r = stat(b, &st); int e1 = errno;
        errno = 0; int fd = open(b, O_RDONLY); int e2 = errno; if (fd >= 0) close(fd);
        printf("chain of %d links: stat %s open %s\n", lens[i], r ? errname(e1) : "ok", fd < 0 ? errname(e2) : "ok");
    }
    symlink("ch/l5/x", "ch/dirlink-through");
    mkdir("ch/d", 0755); close(open("ch/d/f", O_WRONLY | O_CREAT, 0644));
    symlink("d", "ch/ld0");
    for (int i = 1; i <= 45; i++) { snprintf(a, sizeof a, "ld%d", i - 1); snprintf(b, sizeof b, "ch/ld%d", i); symlink(a, b); }
    for (int n = 30; n <= 45; n += 5) { snprintf(b, sizeof b, "ch/ld%d/f", n); errno = 0; int r = stat(b, &st); printf("dir chain %d then /f: %s\n", n + 1, r ? errname(errno) : "ok"); }
    /* many links in one path: a/l/l/l... */
    symlink(".", "ch/self");
    char path[2048] = "ch";
    for (int i = 0; i < 50; i++) { strcat(path, "/self"); if (i == 38 || i == 39 || i == 40 || i == 49) { char q[2100]; snprintf(q, sizeof q, "%s/target", path); errno = 0; int r = stat(q, &st); printf("%d x self/ then target: %s\n", i + 1, r ? errname(errno) : "ok"); } }
    /* cleanup ch */
    DIR *d = opendir("ch"); struct dirent *e; char p[300];
    while ((e = readdir(d))) if (e->d_name[0] != '.') { snprintf(p, sizeof p, "ch/%s", e->d_name); unlink(p); }
    closedir(d); unlink("ch/d/f"); rmdir("ch/d");
    errno = 0; printf("rmdir ch: %s\n", rmdir("ch") ? errname(errno) : "ok");
    if (access("ch", F_OK) == 0) { d = opendir("ch"); while ((e = readdir(d))) if (e->d_name[0] != '.') { snprintf(p, sizeof p, "ch/%s", e->d_name); unlink(p); } closedir(d); rmdir("ch"); }
    /* long names */
    char n255[300], n256[300];
    memset(n255, 'n', 255); n255[255] = 0; memset(n256, 'n', 256); n256[256] = 0;
    P("mkdir 255-char name", mkdir(n255, 0755));
    P("rmdir 255-char name", rmdir(n255));
    P("mkdir 256-char name", mkdir(n256, 0755));
    P("open 256-char name O_CREAT", open(n256, O_WRONLY | O_CREAT, 0644));
    P("stat 256-char name", stat(n256, &st));
    static char longp[5000];
    strcpy(longp, "data");
    while (strlen(longp) < 4200) strcat(longp, "/.");
    P("stat path of 4200 chars (data/./././...)", stat(longp, &st));
    longp[4094] = 0; if (longp[4093] == '/') longp[4093] = 0;
    P("stat path of ~4094 chars", stat(longp, &st));
    strcpy(longp, "data");
    while (strlen(longp) < 1000) strcat(longp, "/sub/..");
    P("stat data/sub/../sub/.. x140", stat(longp, &st));
    /* closing stdio and reusing numbers */
    P("close(0)", close(0));
    P("open -> fd", open("hello.txt", O_RDONLY));
    P("close(2)", close(2));
    P("open -> fd", open("hello.txt", O_RDONLY));
    P("open -> fd", open("hello.txt", O_RDONLY));
    fflush(stdout);
    P("close(3) preopen", close(3));
    P("open after closing preopen", open("hello.txt", O_RDONLY));
    return 0;
}
