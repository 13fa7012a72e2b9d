/* paths: path edge cases (trailing slashes, dot components, symlinks to
 * files, directories, nothing and themselves, invalid UTF-8) for stat,
 * open, mkdir, rmdir, unlink, readlink, symlink, link, rename, access,
 * truncate and chdir, each on a fresh tree t/ = {f (file "data"), d/ (dir, holds
 * d/in), e/ (empty dir), lf -> f, ld -> d, lm -> missing, lloop -> lloop}.
 * After each operation: its result and, if t/ changed, a sorted listing.
 *
 *   paths             (run with --dir .) */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

static void rmtree(const char *p) {
    struct stat st;
    if (lstat(p, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(p);
        struct dirent *e;
        char names[64][256]; int n = 0;
        while (d && (e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && n < 64) strcpy(names[n++], e->d_name);
        if (d) closedir(d);
        for (int i = 0; i < n; i++) {
            char c[512]; snprintf(c, sizeof c, "%s/%s", p, names[i]); rmtree(c);
        }
        if (rmdir(p)) printf("  !! rmdir %s: %s\n", p, errname(errno));
    } else if (unlink(p)) printf("  !! unlink %s: %s\n", p, errname(errno));
}
static void setup(void) {
    mkdir("t", 0755);
    int fd = open("t/f", O_WRONLY | O_CREAT, 0644); write(fd, "data", 4); close(fd);
    mkdir("t/d", 0755); close(open("t/d/in", O_WRONLY | O_CREAT, 0644));
    mkdir("t/e", 0755);
    symlink("f", "t/lf"); symlink("d", "t/ld"); symlink("missing", "t/lm"); symlink("lloop", "t/lloop");
}
static void lsr(const char *p, char *out) {
    DIR *d = opendir(p);
    if (!d) return;
    struct dirent *e; char *names[64]; int n = 0;
    while ((e = readdir(d))) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && n < 64) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (int i = 0; i < n; i++) {
        char c[512]; snprintf(c, sizeof c, "%s/%s", p, names[i]);
        struct stat st; lstat(c, &st);
        char x[600];
        if (S_ISLNK(st.st_mode)) { char t[64]; ssize_t k = readlink(c, t, 63); t[k < 0 ? 0 : k] = 0; snprintf(x, sizeof x, " %s->%s", c + 2, t); }
        else if (S_ISDIR(st.st_mode)) snprintf(x, sizeof x, " %s/", c + 2);
        else snprintf(x, sizeof x, " %s(%lld)", c + 2, (long long)st.st_size);
        strcat(out, x);
        if (S_ISDIR(st.st_mode)) lsr(c, out);
        free(names[i]);
    }
}
static char baseline[4096];
static void after(void) {
    char out[4096] = "";
    lsr("t", out);
    if (strcmp(out, baseline)) printf("    tree:%s\n", out);
    chdir("/");
    rmtree("t");
    setup();
}
/* Prints "label = result" (with the errno name if negative), then after(). */
__attribute__((noinline)) static void report(const char *label, long r, int e) {
    printf("%-34s = %ld %s\n", label, r, r < 0 ? errname(e) : ""); after();
}
#define OP(label, expr) do { errno = 0; long r_ = (long)(expr); report(label, r_, errno); } while (0)
static int openfd(const char *p, int fl) { int fd = open(p, fl, 0644); if (fd >= 0) close(fd); return fd < 0 ? -1 : 0; }
static const char *ty(struct stat *st) { return S_ISREG(st->st_mode) ? "REG" : S_ISDIR(st->st_mode) ? "DIR" : S_ISLNK(st->st_mode) ? "LNK" : "?"; }
static void dostat(const char *p, int l) {
    struct stat st; errno = 0;
    int r = l ? lstat(p, &st) : stat(p, &st);
    printf("%s %-29s = %d %s\n", l ? "lstat" : "stat ", p, r, r ? errname(errno) : ty(&st));
}
int main(void) {
    char buf[64];
    rmtree("t");
    setup();
    lsr("t", baseline);
    printf("baseline:%s\n", baseline);
    const char *sp[] = {"t/f", "t/f/", "t/f/.", "t/f/..", "t/d/", "t/d/.", "t/d/..", "t//d", "t/./d/../f", "t/lf/",
                        "t/ld/", "t/ld/.", "t/lm", "t/lm/", "t/lloop", "t/lloop/", "t/d/../..", "t/d/../../..", "/", "/t",
                        "//t", "./t", "", ".", "..", "t/\xff\xfe", "t/caf\xc3\xa9", "t/d/in/", "t/missing/x", "t/f/x"};
    for (unsigned i = 0; i < sizeof sp / sizeof *sp; i++) { dostat(sp[i], 0); dostat(sp[i], 1); }
    OP("open t/f/", openfd("t/f/", O_RDONLY));
    OP("open t/d/", openfd("t/d/", O_RDONLY));
    OP("open t/new/ O_CREAT", openfd("t/new/", O_WRONLY | O_CREAT));
    OP("open t/new/ O_CREAT|O_RDONLY", openfd("t/new/", O_RDONLY | O_CREAT));
    OP("open t/new/ O_CREAT|O_DIRECTORY", openfd("t/new/", O_RDONLY | O_CREAT | O_DIRECTORY));
    OP("open t/lm O_CREAT", openfd("t/lm", O_WRONLY | O_CREAT));
    OP("open t/lm O_CREAT|O_EXCL", openfd("t/lm", O_WRONLY | O_CREAT | O_EXCL));
    OP("open t/lf O_CREAT|O_EXCL", openfd("t/lf", O_WRONLY | O_CREAT | O_EXCL));
    OP("open t/lf O_NOFOLLOW", openfd("t/lf", O_RDONLY | O_NOFOLLOW));
    OP("open t/lf O_NOFOLLOW|O_CREAT", openfd("t/lf", O_WRONLY | O_NOFOLLOW | O_CREAT));
    OP("open t/lloop", openfd("t/lloop", O_RDONLY));
    OP("open t/ld O_DIRECTORY", openfd("t/ld", O_RDONLY | O_DIRECTORY));
    OP("open t/ld O_DIRECTORY|O_NOFOLLOW", openfd("t/ld", O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    OP("open t/\\xff O_CREAT", openfd("t/\xff", O_WRONLY | O_CREAT));
    OP("open t/café O_CREAT", openfd("t/caf\xc3\xa9", O_WRONLY | O_CREAT));
    OP("open t/f O_TRUNC|O_WRONLY", openfd("t/f", O_WRONLY | O_TRUNC));
    OP("open t/f O_TRUNC|O_RDONLY", openfd("t/f", O_RDONLY | O_TRUNC));
    OP("mkdir t/\\xff", mkdir("t/\xff", 0755));
    OP("mkdir t/nd/", mkdir("t/nd/", 0755));
    OP("mkdir t/nd//", mkdir("t/nd//", 0755));
    OP("mkdir t/f/", mkdir("t/f/", 0755));
    OP("mkdir t/lm", mkdir("t/lm", 0755));
    OP("mkdir t/lm/", mkdir("t/lm/", 0755));
    OP("mkdir t/d/..", mkdir("t/d/..", 0755));
    OP("mkdir .", mkdir(".", 0755));
    OP("mkdir t/x/y", mkdir("t/x/y", 0755));
    OP("rmdir t/e", rmdir("t/e"));
    OP("rmdir t/e/", rmdir("t/e/"));
    OP("rmdir t/e//", rmdir("t/e//"));
    OP("rmdir t/e/.", rmdir("t/e/."));
    OP("rmdir t/e/..", rmdir("t/e/.."));
    OP("rmdir t/d", rmdir("t/d"));
    OP("rmdir t/f", rmdir("t/f"));
    OP("rmdir t/f/", rmdir("t/f/"));
    OP("rmdir t/ld", rmdir("t/ld"));
    OP("rmdir t/ld/", rmdir("t/ld/"));
    OP("rmdir .", rmdir("."));
    OP("rmdir t/missing", rmdir("t/missing"));
    OP("rmdir t/lm/", rmdir("t/lm/"));
    OP("unlink t/f", unlink("t/f"));
    OP("unlink t/d", unlink("t/d"));
    OP("unlink t/e", unlink("t/e"));
    OP("unlink t/d/", unlink("t/d/"));
    OP("unlink t/f/", unlink("t/f/"));
    OP("unlink t/lf", unlink("t/lf"));
    OP("unlink t/lf/", unlink("t/lf/"));
    OP("unlink t/ld", unlink("t/ld"));
    OP("unlink t/ld/", unlink("t/ld/"));
    OP("unlink t/lm/", unlink("t/lm/"));
    OP("unlink t/missing", unlink("t/missing"));
    OP("unlink .", unlink("."));
    OP("unlink t/\\xff", unlink("t/\xff"));
    OP("readlink t/lf", readlink("t/lf", buf, sizeof buf));
    OP("readlink t/lf/", readlink("t/lf/", buf, sizeof buf));
    OP("readlink t/ld/", readlink("t/ld/", buf, sizeof buf));
    OP("readlink t/lm/", readlink("t/lm/", buf, sizeof buf));
    OP("readlink t/d", readlink("t/d", buf, sizeof buf));
    OP("readlink t/d/", readlink("t/d/", buf, sizeof buf));
    OP("readlink t/missing", readlink("t/missing", buf, sizeof buf));
    OP("readlink \"\"", readlink("", buf, sizeof buf));
    OP("symlink f t/nl", symlink("f", "t/nl"));
    OP("symlink f t/nl/", symlink("f", "t/nl/"));
    OP("symlink f t/f", symlink("f", "t/f"));
    OP("symlink f t/lm", symlink("f", "t/lm"));
    OP("symlink f t/d/", symlink("f", "t/d/"));
    OP("symlink f t/e/", symlink("f", "t/e/"));
    OP("symlink '' t/el", symlink("", "t/el"));
    OP("symlink f t/x/y", symlink("f", "t/x/y"));
    OP("link t/f t/hl", link("t/f", "t/hl"));
    OP("link t/f t/f", link("t/f", "t/f"));
    OP("link t/d t/hd", link("t/d", "t/hd"));
    OP("link t/f t/nl/", link("t/f", "t/nl/"));
    OP("link t/f/ t/nl", link("t/f/", "t/nl"));
    OP("link t/lf t/hl", link("t/lf", "t/hl"));
    OP("link t/lm t/hl", link("t/lm", "t/hl"));
    OP("link t/missing t/hl", link("t/missing", "t/hl"));
    OP("link t/f t/lm", link("t/f", "t/lm"));
    OP("rename t/f t/g", rename("t/f", "t/g"));
    OP("rename t/f t/g/", rename("t/f", "t/g/"));
    OP("rename t/f/ t/g", rename("t/f/", "t/g"));
    OP("rename t/e t/n/", rename("t/e", "t/n/"));
    OP("rename t/e/ t/n", rename("t/e/", "t/n"));
    OP("rename t/e/ t/n/", rename("t/e/", "t/n/"));
    OP("rename t/lf t/n/", rename("t/lf", "t/n/"));
    OP("rename t/lf/ t/n", rename("t/lf/", "t/n"));
    OP("rename t/ld/ t/n", rename("t/ld/", "t/n"));
    OP("rename t/ld t/n/", rename("t/ld", "t/n/"));
    OP("rename t/f t/d", rename("t/f", "t/d"));
    OP("rename t/f t/e", rename("t/f", "t/e"));
    OP("rename t/f t/e/", rename("t/f", "t/e/"));
    OP("rename t/d t/f", rename("t/d", "t/f"));
    OP("rename t/e t/f", rename("t/e", "t/f"));
    OP("rename t/e t/d", rename("t/e", "t/d"));
    OP("rename t/d t/e", rename("t/d", "t/e"));
    OP("rename t/e t/e/sub", rename("t/e", "t/e/sub"));
    OP("rename t/d t/d", rename("t/d", "t/d"));
    OP("rename t/f t/f", rename("t/f", "t/f"));
    OP("rename t/f t/lf", rename("t/f", "t/lf"));
    OP("rename t/lf t/f", rename("t/lf", "t/f"));
    OP("rename t/e t/ld", rename("t/e", "t/ld"));
    OP("rename t/e t/lm", rename("t/e", "t/lm"));
    OP("rename t/f t/lm", rename("t/f", "t/lm"));
    OP("rename t/lm t/n", rename("t/lm", "t/n"));
    OP("rename t/e .", rename("t/e", "."));
    OP("rename . t/n", rename(".", "t/n"));
    OP("rename t/e ..", rename("t/e", ".."));
    OP("rename t/e t/e/.", rename("t/e", "t/e/."));
    OP("rename t/missing t/n", rename("t/missing", "t/n"));
    OP("rename t/f t/x/y", rename("t/f", "t/x/y"));
    OP("rename t/f t/\\xff", rename("t/f", "t/\xff"));
    OP("access t/f R_OK|W_OK|X_OK", access("t/f", R_OK | W_OK | X_OK));
    OP("access t/missing F_OK", access("t/missing", F_OK));
    OP("access t/lm F_OK", access("t/lm", F_OK));
    OP("access t/d X_OK", access("t/d", X_OK));
    OP("access t/f/ F_OK", access("t/f/", F_OK));
    OP("truncate t/f 2", truncate("t/f", 2));
    OP("truncate t/d 2", truncate("t/d", 2));
    OP("truncate t/lf 1", truncate("t/lf", 1));
    OP("truncate t/f -1", truncate("t/f", -1));
    OP("truncate t/missing 0", truncate("t/missing", 0));
    OP("chdir t/f", chdir("t/f"));
    OP("chdir t/missing", chdir("t/missing"));
    OP("chdir t/ld", chdir("t/ld"));
    char cwd[128];
    chdir("t/ld");
    printf("getcwd after chdir t/ld: %s\n", getcwd(cwd, sizeof cwd) ? cwd : errname(errno));
    dostat("in", 0); dostat("../f", 0); dostat("../../t", 0);
    chdir("/");
    chdir("t"); chdir("..");
    printf("getcwd after t, ..: %s\n", getcwd(cwd, sizeof cwd) ? cwd : errname(errno));
    dostat("t", 0); dostat("t/f", 0);
    errno = 0; int r = chdir(".."); printf("chdir .. from root: %d %s\n", r, errname(errno));
    chdir("/");
    rmtree("t");
    return 0;
}
