/* walk: builds a directory tree, walks it recursively with opendir/readdir
 * (entries sorted per directory), checks telldir/seekdir/rewinddir on a
 * directory of 300 entries (several fd_readdir calls, resumed by cookie),
 * then removes the whole tree and checks it is gone. Run with --dir . */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

#define BIG 300

static int failures;

static void must(const char *what, const char *path, int rc) {
    if (rc < 0) {
        printf("FAILED %s %s: %s\n", what, path, errname(errno));
        failures++;
    }
}

static void make_file(const char *path, int size) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    must("create", path, fd);
    if (fd < 0)
        return;
    char buf[256];
    for (int i = 0; i < size; i++)
        buf[i % 256] = (char)('a' + i % 26);
    int left = size;
    while (left > 0) {
        int chunk = left > 256 ? 256 : left;
        must("write", path, (int)write(fd, buf, (size_t)chunk));
        left -= chunk;
    }
    close(fd);
}

static const char *type_name(mode_t m) {
    if (S_ISREG(m)) return "file";
    if (S_ISDIR(m)) return "dir";
    if (S_ISLNK(m)) return "symlink";
    return "other";
}

static const char *dtype_name(unsigned char t) {
    switch (t) {
    case DT_REG: return "file";
    case DT_DIR: return "dir";
    case DT_LNK: return "symlink";
    case DT_UNKNOWN: return "unknown";
    default: return "other";
    }
}

/* Sorted names of a directory, without . and .. ; *dots counts those. */
static char **list_dir(const char *path, int *count, int *dots, unsigned char **dtypes) {
    DIR *d = opendir(path);
    if (!d) {
        printf("FAILED opendir %s: %s\n", path, errname(errno));
        failures++;
        *count = 0;
        return NULL;
    }
    int cap = 16, n = 0;
    char **names = malloc(cap * sizeof *names);
    char **tmp_types = malloc(cap * sizeof *tmp_types);
    *dots = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            (*dots)++;
            continue;
        }
        if (n == cap) {
            cap *= 2;
            names = realloc(names, cap * sizeof *names);
            tmp_types = realloc(tmp_types, cap * sizeof *tmp_types);
        }
        /* keep the d_type with the name: store it in front */
        size_t len = strlen(e->d_name);
        char *s = malloc(len + 2);
        memcpy(s, e->d_name, len + 1);
        s[len + 1] = (char)e->d_type;
        names[n++] = s;
    }
    if (errno) {
        printf("FAILED readdir %s: %s\n", path, errname(errno));
        failures++;
    }
    closedir(d);
    free(tmp_types);
    qsort(names, n, sizeof *names, cmp_str);
    if (dtypes) {
        *dtypes = malloc(n + 1);
        for (int i = 0; i < n; i++)
            (*dtypes)[i] = (unsigned char)names[i][strlen(names[i]) + 1];
    }
    *count = n;
    return names;
}

static void walk(const char *path, int depth) {
    int n, dots;
    unsigned char *dt = NULL;
    char **names = list_dir(path, &n, &dots, &dt);
    if (!names)
        return;
    if (n > 20) {
        /* summarize big directories */
        long long total = 0;
        unsigned h = FNV_INIT;
        for (int i = 0; i < n; i++) {
            char p[512];
            snprintf(p, sizeof p, "%s/%s", path, names[i]);
            struct stat st;
            if (lstat(p, &st) == 0)
                total += st.st_size;
            h = fnv1a(names[i], strlen(names[i]) + 1, h);
        }
        printf("%*s(%d entries, %lld bytes, names %s .. %s, name hash %08x, . and .. seen %d)\n",
               depth * 2, "", n, total, names[0], names[n - 1], h, dots);
    }
    for (int i = 0; i < n; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", path, names[i]);
        struct stat st;
        if (lstat(p, &st) < 0) {
            printf("FAILED lstat %s: %s\n", p, errname(errno));
            failures++;
            continue;
        }
        const char *t = type_name(st.st_mode);
        if (strcmp(t, dtype_name(dt[i])) != 0) {
            printf("d_type mismatch for %s: readdir says %s, lstat says %s\n", p,
                   dtype_name(dt[i]), t);
        }
        if (n > 20)
            continue;
        if (S_ISDIR(st.st_mode)) {
            int sub, subdots;
            char **subnames = list_dir(p, &sub, &subdots, NULL);
            printf("%*s%s/ dir, %d entries\n", depth * 2, "", names[i], sub);
            for (int k = 0; k < sub; k++)
                free(subnames[k]);
            free(subnames);
            walk(p, depth + 1);
        } else if (S_ISLNK(st.st_mode)) {
            char target[256];
            ssize_t len = readlink(p, target, sizeof target - 1);
            target[len > 0 ? len : 0] = 0;
            struct stat tst;
            int ok = stat(p, &tst);
            printf("%*s%s symlink -> %s (%s)\n", depth * 2, "", names[i], target,
                   ok == 0 ? type_name(tst.st_mode) : "dangling");
        } else {
            printf("%*s%s %s, %lld bytes\n", depth * 2, "", names[i], t, (long long)st.st_size);
        }
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(dt);
}

static int remove_tree(const char *path) {
    struct stat st;
    if (lstat(path, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    int n, dots;
    char **names = list_dir(path, &n, &dots, NULL);
    for (int i = 0; i < n; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", path, names[i]);
        if (remove_tree(p) < 0) {
            printf("FAILED remove %s: %s\n", p, errname(errno));
            failures++;
        }
        free(names[i]);
    }
    free(names);
    return rmdir(path);
}

/* telldir/seekdir/rewinddir over the big directory. */
static void seek_test(const char *path) {
    DIR *d = opendir(path);
    if (!d) {
        printf("FAILED opendir %s: %s\n", path, errname(errno));
        return;
    }
    static char first[BIG + 2][64];
    int n = 0;
    struct dirent *e;
    long mark = -1;
    int mark_index = 100;
    while ((e = readdir(d)) != NULL && n < BIG + 2) {
        snprintf(first[n], sizeof first[n], "%s", e->d_name);
        n++;
        if (n == mark_index)
            mark = telldir(d);
    }
    printf("readdir pass 1: %d entries (with . and ..)\n", n);
    int uniq = 1;
    for (int i = 0; i < n && uniq; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(first[i], first[j]) == 0) {
                uniq = 0;
                break;
            }
    printf("names unique: %s\n", uniq ? "yes" : "no");
    printf("telldir after %d entries: %s\n", mark_index, mark >= 0 ? "ok" : errname(errno));

    seekdir(d, mark);
    int same = 1, k = mark_index;
    while ((e = readdir(d)) != NULL) {
        if (k >= n || strcmp(first[k], e->d_name) != 0)
            same = 0;
        k++;
    }
    printf("after seekdir: %d entries, same as pass 1 from entry %d: %s\n", k - mark_index,
           mark_index, same && k == n ? "yes" : "no");

    rewinddir(d);
    int m = 0;
    same = 1;
    while ((e = readdir(d)) != NULL) {
        if (m >= n || strcmp(first[m], e->d_name) != 0)
            same = 0;
        m++;
    }
    printf("after rewinddir: %d entries, same order as pass 1: %s\n", m, same && m == n ? "yes" : "no");

    /* seekdir to the start position obtained before any read */
    rewinddir(d);
    long start = telldir(d);
    readdir(d);
    readdir(d);
    seekdir(d, start);
    e = readdir(d);
    printf("seekdir to start gives the first entry again: %s\n",
           e && strcmp(e->d_name, first[0]) == 0 ? "yes" : "no");
    closedir(d);
}

int main(void) {
    struct stat st;
    printf("building tree\n");
    must("mkdir", "tree", mkdir("tree", 0755));
    must("mkdir", "tree/a", mkdir("tree/a", 0755));
    must("mkdir", "tree/a/b", mkdir("tree/a/b", 0755));
    must("mkdir", "tree/a/b/c", mkdir("tree/a/b/c", 0755));
    must("mkdir", "tree/a/b/c/d", mkdir("tree/a/b/c/d", 0755));
    make_file("tree/a/b/c/d/deep.txt", 5);
    make_file("tree/a/one.txt", 1);
    make_file("tree/a/b/two.txt", 200);
    must("mkdir", "tree/a/empty", mkdir("tree/a/empty", 0755));
    must("mkdir", "tree/empty", mkdir("tree/empty", 0755));
    make_file("tree/top.txt", 1000);
    make_file("tree/zero.txt", 0);
    make_file("tree/.hidden", 3);
    must("symlink", "tree/link-to-a", symlink("a", "tree/link-to-a"));
    must("symlink", "tree/a/b/up", symlink("../..", "tree/a/b/up"));
    must("symlink", "tree/a/file-link", symlink("b/two.txt", "tree/a/file-link"));
    must("symlink", "tree/dangling", symlink("does-not-exist", "tree/dangling"));
    must("mkdir", "tree/big", mkdir("tree/big", 0755));
    for (int i = 0; i < BIG; i++) {
        char p[128];
        snprintf(p, sizeof p, "tree/big/entry-with-a-fairly-long-name-%03d.dat", i);
        make_file(p, i % 7);
    }
    printf("tree built, failures so far: %d\n", failures);

    printf("walk tree:\n");
    walk("tree", 1);

    /* following the directory symlink */
    {
        int n, dots;
        char **names = list_dir("tree/link-to-a", &n, &dots, NULL);
        printf("listing through tree/link-to-a: %d entries:", n);
        for (int i = 0; i < n; i++) {
            printf(" %s", names[i]);
            free(names[i]);
        }
        printf("\n");
        free(names);
        printf("stat tree/link-to-a/b/two.txt: %s\n", res(stat("tree/link-to-a/b/two.txt", &st)));
        printf("stat tree/a/b/up/top.txt: %s, size %lld\n", res(stat("tree/a/b/up/top.txt", &st)),
               (long long)st.st_size);
    }

    seek_test("tree/big");

    printf("removing tree\n");
    errno = 0;
    int rc = remove_tree("tree");
    printf("remove tree: %s\n", res(rc));
    errno = 0;
    rc = lstat("tree", &st);
    printf("tree gone: %s (%s)\n", rc < 0 && errno == ENOENT ? "yes" : "no", res(rc));
    printf("failures: %d\n", failures);
    return failures ? 1 : 0;
}
