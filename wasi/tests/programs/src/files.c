/* files: the new-user scenario, run with `--dir .`.
 *
 * mkdir a directory, write a file in it, rename it, stat it, read it back,
 * symlink to it, readlink, list the directory, then clean up. Each step
 * prints its result: "ok" or the errno name. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static const char *ftype(mode_t m) {
    if (S_ISREG(m)) return "regular file";
    if (S_ISDIR(m)) return "directory";
    if (S_ISLNK(m)) return "symlink";
    if (S_ISCHR(m)) return "character device";
    if (S_ISBLK(m)) return "block device";
    if (S_ISFIFO(m)) return "fifo";
    if (S_ISSOCK(m)) return "socket";
    return "unknown";
}

static const char *dtype(unsigned char t) {
    switch (t) {
    case DT_REG: return "REG";
    case DT_DIR: return "DIR";
    case DT_LNK: return "LNK";
    case DT_CHR: return "CHR";
    case DT_BLK: return "BLK";
    case DT_UNKNOWN: return "UNKNOWN";
    default: return "other";
    }
}

int main(void) {
    struct stat st;

    CHECK("mkdir notes", mkdir("notes", 0755));
    errno = 0;
    int r = stat("notes", &st);
    printf("stat notes: %s, %s\n", res(r), r == 0 ? ftype(st.st_mode) : "-");

    errno = 0;
    FILE *f = fopen("notes/draft.txt", "w");
    printf("fopen notes/draft.txt for writing: %s\n", f ? "ok" : errname(errno));
    if (!f)
        return 1;
    int n = fprintf(f, "Dear diary,\n");
    n += fprintf(f, "today I wrote %d lines to a file in a sandbox.\n", 3);
    n += fprintf(f, "%s\n", "The end.");
    printf("fprintf wrote %d bytes\n", n);
    CHECK("fclose", fclose(f));

    CHECK("rename notes/draft.txt -> notes/diary.txt",
          rename("notes/draft.txt", "notes/diary.txt"));
    errno = 0;
    r = stat("notes/draft.txt", &st);
    printf("stat old name: %s\n", res(r));

    errno = 0;
    r = stat("notes/diary.txt", &st);
    printf("stat notes/diary.txt: %s\n", res(r));
    if (r == 0) {
        printf("  size: %lld\n", (long long)st.st_size);
        printf("  type: %s\n", ftype(st.st_mode));
        printf("  regular file: %s\n", S_ISREG(st.st_mode) ? "yes" : "no");
        printf("  nlink: %llu\n", (unsigned long long)st.st_nlink);
    }

    errno = 0;
    f = fopen("notes/diary.txt", "r");
    printf("fopen notes/diary.txt for reading: %s\n", f ? "ok" : errname(errno));
    if (f) {
        char line[256];
        int lines = 0;
        while (fgets(line, sizeof line, f)) {
            printf("  read: %s", line);
            lines++;
        }
        printf("  %d lines, eof=%d error=%d\n", lines, feof(f) != 0, ferror(f) != 0);
        struct stat fst;
        CHECK("  fstat on the open file", fstat(fileno(f), &fst));
        printf("  fstat size matches stat: %s\n", fst.st_size == st.st_size ? "yes" : "no");
        printf("  same inode as stat: %s\n",
               fst.st_ino == st.st_ino && fst.st_dev == st.st_dev ? "yes" : "no");
        CHECK("fclose", fclose(f));
    }

    CHECK("symlink diary.txt -> notes/latest", symlink("diary.txt", "notes/latest"));
    char buf[256];
    errno = 0;
    ssize_t len = readlink("notes/latest", buf, sizeof buf - 1);
    if (len >= 0) {
        buf[len] = 0;
        printf("readlink notes/latest: ok, \"%s\" (%zd bytes)\n", buf, len);
    } else {
        printf("readlink notes/latest: %s\n", errname(errno));
    }
    errno = 0;
    r = lstat("notes/latest", &st);
    printf("lstat notes/latest: %s, %s\n", res(r), r == 0 ? ftype(st.st_mode) : "-");
    errno = 0;
    r = stat("notes/latest", &st);
    printf("stat notes/latest (follows): %s, %s, size %lld\n", res(r),
           r == 0 ? ftype(st.st_mode) : "-", r == 0 ? (long long)st.st_size : -1LL);
    errno = 0;
    f = fopen("notes/latest", "r");
    if (f) {
        char line[256];
        if (fgets(line, sizeof line, f))
            printf("first line through the symlink: %s", line);
        fclose(f);
    } else {
        printf("fopen notes/latest: %s\n", errname(errno));
    }

    CHECK("mkdir notes/old", mkdir("notes/old", 0755));

    errno = 0;
    DIR *d = opendir("notes");
    printf("opendir notes: %s\n", d ? "ok" : errname(errno));
    if (d) {
        char *names[64];
        char types[64][16];
        int count = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL && count < 64) {
            names[count] = strdup(e->d_name);
            snprintf(types[count], sizeof types[count], "%s", dtype(e->d_type));
            count++;
        }
        /* sort names with their types */
        for (int i = 1; i < count; i++)
            for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
                char *t = names[j]; names[j] = names[j - 1]; names[j - 1] = t;
                char tt[16];
                memcpy(tt, types[j], 16); memcpy(types[j], types[j - 1], 16);
                memcpy(types[j - 1], tt, 16);
            }
        printf("  %d entries:\n", count);
        for (int i = 0; i < count; i++) {
            printf("  %-10s %s\n", names[i], types[i]);
            free(names[i]);
        }
        CHECK("closedir", closedir(d));
    }

    CHECK("unlink notes/latest", unlink("notes/latest"));
    CHECK("unlink notes/diary.txt", unlink("notes/diary.txt"));
    CHECK("rmdir notes (still has old/)", rmdir("notes"));
    CHECK("rmdir notes/old", rmdir("notes/old"));
    CHECK("rmdir notes", rmdir("notes"));
    errno = 0;
    r = stat("notes", &st);
    printf("stat notes after cleanup: %s\n", res(r));
    printf("done\n");
    return 0;
}
