/* escape: tries to leave the sandbox through the raw WASI calls on the
 * first preopened directory (fd 3). Run with `--dir sandbox`, where
 * sandbox/ sits next to outside-secret.txt.
 *
 * Each escape attempt prints "denied" for NOTCAPABLE, PERM, ACCES or NOENT
 * (runtimes legitimately choose different ones), "ok" if it succeeded (a
 * failure: the content read outside is printed too), or the errno name for
 * anything else. The in-sandbox uses of "..", symlinks and hard links must
 * succeed. Everything created is removed at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#include "common.h"

#define DIR_FD 3

#define R_FILE_READ                                                                    \
    (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL |            \
     __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS |                \
     __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_POLL_FD_READWRITE)
#define R_FILE_RW (R_FILE_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC |     \
                   __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_ALLOCATE |                    \
                   __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES)
#define R_DIR                                                                          \
    (__WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_FILESTAT_GET |                          \
     __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_DIRECTORY |                    \
     __WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_PATH_LINK_SOURCE |                  \
     __WASI_RIGHTS_PATH_LINK_TARGET | __WASI_RIGHTS_PATH_READLINK |                     \
     __WASI_RIGHTS_PATH_RENAME_SOURCE | __WASI_RIGHTS_PATH_RENAME_TARGET |              \
     __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE |           \
     __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES | __WASI_RIGHTS_PATH_SYMLINK |               \
     __WASI_RIGHTS_PATH_REMOVE_DIRECTORY | __WASI_RIGHTS_PATH_UNLINK_FILE |             \
     __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS)
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static int escapes_ok; /* escapes that succeeded: must stay 0 */
static int legit_failed;

static const char *verdict(__wasi_errno_t e) {
    if (e == 0)
        return "ok";
    if (e == __WASI_ERRNO_NOTCAPABLE || e == __WASI_ERRNO_PERM || e == __WASI_ERRNO_ACCES ||
        e == __WASI_ERRNO_NOENT)
        return "denied";
    return errname(e);
}

/* Reads what an fd holds (a leak shows in stdout). */
static void dump_fd(__wasi_fd_t fd) {
    char buf[200];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_fd_read(fd, &iov, 1, &n);
    if (e) {
        printf("    (read: %s)\n", errname(e));
        return;
    }
    buf[n] = 0;
    printf("    content: %s%s", buf, n && buf[n - 1] == '\n' ? "" : "\n");
}

/* Result of an escape attempt; closes and dumps any fd that was opened. */
static void escape_result(const char *name, __wasi_errno_t e, __wasi_fd_t fd, int opened) {
    printf("escape %-44s %s\n", name, verdict(e));
    fprintf(stderr, "escape %-44s raw errno %s\n", name, e ? errname(e) : "SUCCESS");
    if (e == 0) {
        escapes_ok++;
        if (opened) {
            dump_fd(fd);
            (void)__wasi_fd_close(fd);
        }
    }
}

static void try_open(const char *name, __wasi_lookupflags_t lf, const char *path,
                     __wasi_oflags_t of, __wasi_rights_t rights) {
    __wasi_fd_t fd = 0;
    __wasi_errno_t e = __wasi_path_open(DIR_FD, lf, path, of, rights, rights, 0, &fd);
    escape_result(name, e, fd, 1);
}

static void try_open_at(__wasi_fd_t dir, const char *name, __wasi_lookupflags_t lf,
                        const char *path) {
    __wasi_fd_t fd = 0;
    __wasi_errno_t e = __wasi_path_open(dir, lf, path, 0, R_FILE_READ, R_FILE_READ, 0, &fd);
    escape_result(name, e, fd, 1);
}

/* A step that must succeed (or fail with the errno printed). */
static void legit(const char *name, __wasi_errno_t e) {
    printf("legit  %-44s %s\n", name, e ? errname(e) : "ok");
    if (e)
        legit_failed++;
}

/* Setup / cleanup step: result printed as is. */
static void step(const char *name, __wasi_errno_t e) {
    printf("step   %-44s %s\n", name, e ? errname(e) : "ok");
}

/* Creates a symlink that points outside the sandbox. Runtimes may refuse
 * to create it (wasmtime refuses absolute targets with PERM) or create it
 * and refuse to follow it; both are safe, so the result goes to stderr
 * only, and every attempt through the link reads "denied" either way.
 * Returns 1 if created. */
static int outside_link(const char *target, const char *path) {
    char label[96];
    snprintf(label, sizeof label, "symlink %s -> %s", path, target);
    __wasi_errno_t e = __wasi_path_symlink(target, DIR_FD, path);
    fprintf(stderr, "setup  %-44s raw errno %s\n", label, e ? errname(e) : "SUCCESS");
    return e == 0;
}

static __wasi_errno_t write_file(const char *path, const char *text) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(DIR_FD, 0, path,
                                        __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_FILE_RW,
                                        R_FILE_RW, 0, &fd);
    if (e)
        return e;
    __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
    __wasi_size_t n;
    e = __wasi_fd_write(fd, &iov, 1, &n);
    (void)__wasi_fd_close(fd);
    return e;
}

static void legit_read(const char *name, __wasi_fd_t dir, __wasi_lookupflags_t lf,
                       const char *path) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(dir, lf, path, 0, R_FILE_READ, R_FILE_READ, 0, &fd);
    legit(name, e);
    if (!e) {
        dump_fd(fd);
        (void)__wasi_fd_close(fd);
    }
}

int main(void) {
    __wasi_prestat_t ps;
    __wasi_errno_t e = __wasi_fd_prestat_get(DIR_FD, &ps);
    if (e) {
        printf("fd 3 is not a preopen: %s\n", errname(e));
        return 1;
    }
    char name[64] = {0};
    size_t len = ps.u.dir.pr_name_len < 63 ? ps.u.dir.pr_name_len : 63;
    e = __wasi_fd_prestat_dir_name(DIR_FD, (uint8_t *)name, len);
    printf("preopen fd 3: tag %s, name \"%s\" (%s)\n",
           ps.tag == __WASI_PREOPENTYPE_DIR ? "dir" : "other", name, e ? errname(e) : "ok");
    {
        __wasi_prestat_t ps4;
        e = __wasi_fd_prestat_get(DIR_FD + 1, &ps4);
        printf("fd 4 prestat: %s\n", e ? errname(e) : "ok (unexpected)");
    }

    /* ---- setup inside the sandbox ---- */
    step("write file.txt", write_file("file.txt", "inside\n"));
    step("mkdir sub", __wasi_path_create_directory(DIR_FD, "sub"));
    step("mkdir sub/deeper", __wasi_path_create_directory(DIR_FD, "sub/deeper"));

    /* ---- plain dot-dot and absolute paths ---- */
    try_open("open ..", 0, "..", __WASI_OFLAGS_DIRECTORY, R_DIR);
    try_open("open ../outside-secret.txt", 0, "../outside-secret.txt", 0, R_FILE_READ);
    try_open("open sub/../../outside-secret.txt", 0, "sub/../../outside-secret.txt", 0,
             R_FILE_READ);
    try_open("open sub/deeper/../../../outside-secret.txt", 0,
             "sub/deeper/../../../outside-secret.txt", 0, R_FILE_READ);
    try_open("open ./../outside-secret.txt", 0, "./../outside-secret.txt", 0, R_FILE_READ);
    try_open("open nonexistent/../../outside-secret.txt", 0,
             "nonexistent/../../outside-secret.txt", 0, R_FILE_READ);
    try_open("open /etc/passwd", 0, "/etc/passwd", 0, R_FILE_READ);
    try_open("open /", 0, "/", __WASI_OFLAGS_DIRECTORY, R_DIR);
    try_open("open //etc/passwd", FOLLOW, "//etc/passwd", 0, R_FILE_READ);
    try_open("create ../created-outside.txt", 0, "../created-outside.txt",
             __WASI_OFLAGS_CREAT, R_FILE_RW);
    {
        __wasi_filestat_t st;
        e = __wasi_path_filestat_get(DIR_FD, 0, "../outside-secret.txt", &st);
        escape_result("filestat_get ../outside-secret.txt", e, 0, 0);
        e = __wasi_path_filestat_get(DIR_FD, FOLLOW, "..", &st);
        escape_result("filestat_get ..", e, 0, 0);
        e = __wasi_path_filestat_get(DIR_FD, FOLLOW, "/etc", &st);
        escape_result("filestat_get /etc", e, 0, 0);
        e = __wasi_path_filestat_set_times(DIR_FD, 0, "../outside-secret.txt", 0, 0,
                                           __WASI_FSTFLAGS_MTIM);
        escape_result("filestat_set_times ../outside-secret.txt", e, 0, 0);
    }
    escape_result("mkdir ../x", __wasi_path_create_directory(DIR_FD, "../x"), 0, 0);
    escape_result("mkdir sub/../../x", __wasi_path_create_directory(DIR_FD, "sub/../../x"), 0,
                  0);
    escape_result("mkdir /tmp/tandem-escape", __wasi_path_create_directory(DIR_FD,
                  "/tmp/tandem-escape"), 0, 0);
    escape_result("rename file.txt -> ../x",
                  __wasi_path_rename(DIR_FD, "file.txt", DIR_FD, "../x"), 0, 0);
    escape_result("rename ../outside-secret.txt -> stolen",
                  __wasi_path_rename(DIR_FD, "../outside-secret.txt", DIR_FD, "stolen"), 0, 0);
    escape_result("link file.txt -> ../x",
                  __wasi_path_link(DIR_FD, 0, "file.txt", DIR_FD, "../x"), 0, 0);
    escape_result("link ../outside-secret.txt -> stolen",
                  __wasi_path_link(DIR_FD, 0, "../outside-secret.txt", DIR_FD, "stolen"), 0, 0);
    escape_result("unlink ../outside-secret.txt",
                  __wasi_path_unlink_file(DIR_FD, "../outside-secret.txt"), 0, 0);
    escape_result("rmdir ../sandbox", __wasi_path_remove_directory(DIR_FD, "../sandbox"), 0,
                  0);
    escape_result("symlink sub/../../x -> file.txt",
                  __wasi_path_symlink("file.txt", DIR_FD, "sub/../../x"), 0, 0);
    {
        char buf[64];
        __wasi_size_t n;
        e = __wasi_path_readlink(DIR_FD, "../outside-secret.txt", (uint8_t *)buf, sizeof buf,
                                 &n);
        escape_result("readlink ../outside-secret.txt", e, 0, 0);
    }

    /* ---- symlinks the guest creates that point outside ---- */
    outside_link("..", "up");
    outside_link("../outside-secret.txt", "out");
    outside_link("/etc", "etc");
    outside_link("/", "root");
    outside_link("../../outside-secret.txt", "sub/esc");
    outside_link("/file.txt", "abs-inside");
    {
        char buf[64];
        __wasi_size_t n = 0;
        e = __wasi_path_readlink(DIR_FD, "up", (uint8_t *)buf, sizeof buf, &n);
        printf("step   %-44s %s", "readlink up", e ? errname(e) : "ok");
        if (!e)
            printf(" \"%.*s\"", (int)n, buf);
        printf("\n");
    }
    try_open("open up/outside-secret.txt (follow)", FOLLOW, "up/outside-secret.txt", 0,
             R_FILE_READ);
    try_open("open up/outside-secret.txt (nofollow)", 0, "up/outside-secret.txt", 0,
             R_FILE_READ);
    try_open("open up (follow, directory)", FOLLOW, "up", __WASI_OFLAGS_DIRECTORY, R_DIR);
    try_open("open out (follow)", FOLLOW, "out", 0, R_FILE_READ);
    try_open("open etc/passwd (follow)", FOLLOW, "etc/passwd", 0, R_FILE_READ);
    try_open("open etc/passwd (nofollow)", 0, "etc/passwd", 0, R_FILE_READ);
    try_open("open root/etc/passwd (follow)", FOLLOW, "root/etc/passwd", 0, R_FILE_READ);
    try_open("open root (follow, directory)", FOLLOW, "root", __WASI_OFLAGS_DIRECTORY, R_DIR);
    try_open("open sub/esc (follow)", FOLLOW, "sub/esc", 0, R_FILE_READ);
    try_open("open abs-inside (follow)", FOLLOW, "abs-inside", 0, R_FILE_READ);
    {
        __wasi_filestat_t st;
        e = __wasi_path_filestat_get(DIR_FD, FOLLOW, "out", &st);
        escape_result("filestat_get out (follow)", e, 0, 0);
        e = __wasi_path_filestat_get(DIR_FD, FOLLOW, "up/outside-secret.txt", &st);
        escape_result("filestat_get up/outside-secret.txt", e, 0, 0);
        e = __wasi_path_filestat_get(DIR_FD, 0, "out", &st);
        printf("legit  %-44s %s%s\n", "filestat_get out (nofollow: the link itself)",
               e ? errname(e) : "ok",
               e ? "" : (st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK ? ", symlink" : ", NOT A SYMLINK"));
        if (e)
            legit_failed++;
    }
    escape_result("mkdir up/x", __wasi_path_create_directory(DIR_FD, "up/x"), 0, 0);
    escape_result("rename file.txt -> up/x",
                  __wasi_path_rename(DIR_FD, "file.txt", DIR_FD, "up/x"), 0, 0);
    escape_result("link file.txt -> up/x",
                  __wasi_path_link(DIR_FD, 0, "file.txt", DIR_FD, "up/x"), 0, 0);
    {
        /* wasmtime does not implement SYMLINK_FOLLOW for path_link and
         * answers INVAL; a runtime that follows must deny. Both are safe. */
        e = __wasi_path_link(DIR_FD, FOLLOW, "out", DIR_FD, "stolen");
        escape_result("link (follow) out -> stolen", e == __WASI_ERRNO_INVAL ? __WASI_ERRNO_PERM : e,
                      0, 0);
        fprintf(stderr, "       (link (follow) raw errno %s)\n", e ? errname(e) : "SUCCESS");
    }
    escape_result("symlink up/x -> file.txt", __wasi_path_symlink("file.txt", DIR_FD, "up/x"),
                  0, 0);
    escape_result("unlink up/outside-secret.txt",
                  __wasi_path_unlink_file(DIR_FD, "up/outside-secret.txt"), 0, 0);
    escape_result("rename up/outside-secret.txt -> stolen",
                  __wasi_path_rename(DIR_FD, "up/outside-secret.txt", DIR_FD, "stolen"), 0, 0);

    /* chain: c1 -> c2 -> c3 -> ../outside-secret.txt */
    outside_link("../outside-secret.txt", "c3");
    step("symlink c2 -> c3", __wasi_path_symlink("c3", DIR_FD, "c2"));
    step("symlink c1 -> c2", __wasi_path_symlink("c2", DIR_FD, "c1"));
    try_open("open c1 (chain, follow)", FOLLOW, "c1", 0, R_FILE_READ);
    /* chain through a directory: d1 -> sub, sub/up2 -> ../.. */
    step("symlink d1 -> sub", __wasi_path_symlink("sub", DIR_FD, "d1"));
    outside_link("../..", "sub/up2");
    try_open("open d1/up2/outside-secret.txt (follow)", FOLLOW, "d1/up2/outside-secret.txt", 0,
             R_FILE_READ);

    /* dangling links pointing outside: creating through them must fail */
    int dangling = outside_link("../evil", "dangling");
    if (dangling) {
        try_open("create through dangling (follow)", FOLLOW, "dangling", __WASI_OFLAGS_CREAT,
                 R_FILE_RW);
        /* O_EXCL: the name exists (as a link), so EXIST (wasmtime, POSIX)
         * is as safe as refusing to follow; both print "denied". */
        __wasi_fd_t fd = 0;
        e = __wasi_path_open(DIR_FD, FOLLOW, "dangling", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
                             R_FILE_RW, R_FILE_RW, 0, &fd);
        escape_result("create through dangling (follow, excl)",
                      e == __WASI_ERRNO_EXIST ? __WASI_ERRNO_PERM : e, fd, 1);
        fprintf(stderr, "       (create excl raw errno %s)\n", e ? errname(e) : "SUCCESS");
    } else {
        escape_result("create through dangling (follow)", __WASI_ERRNO_NOENT, 0, 0);
        escape_result("create through dangling (follow, excl)", __WASI_ERRNO_PERM, 0, 0);
    }
    int dangling_abs = outside_link("/tmp/tandem-evil", "dangling-abs");
    /* without the link, O_CREAT would just create a file in the sandbox */
    if (dangling_abs)
        try_open("create through dangling-abs (follow)", FOLLOW, "dangling-abs",
                 __WASI_OFLAGS_CREAT, R_FILE_RW);
    else
        escape_result("create through dangling-abs (follow)", __WASI_ERRNO_NOENT, 0, 0);
    escape_result("mkdir through dangling/x",
                  __wasi_path_create_directory(DIR_FD, "dangling/x"), 0, 0);

    /* loops */
    step("symlink loopa -> loopb", __wasi_path_symlink("loopb", DIR_FD, "loopa"));
    step("symlink loopb -> loopa", __wasi_path_symlink("loopa", DIR_FD, "loopb"));
    step("symlink self -> self", __wasi_path_symlink("self", DIR_FD, "self"));
    {
        __wasi_fd_t fd;
        e = __wasi_path_open(DIR_FD, FOLLOW, "loopa", 0, R_FILE_READ, R_FILE_READ, 0, &fd);
        printf("loop   %-44s %s\n", "open loopa (follow)", errname(e));
        e = __wasi_path_open(DIR_FD, FOLLOW, "self", 0, R_FILE_READ, R_FILE_READ, 0, &fd);
        printf("loop   %-44s %s\n", "open self (follow)", errname(e));
        e = __wasi_path_open(DIR_FD, 0, "loopa/x", 0, R_FILE_READ, R_FILE_READ, 0, &fd);
        printf("loop   %-44s %s\n", "open loopa/x", errname(e));
        __wasi_filestat_t st;
        e = __wasi_path_filestat_get(DIR_FD, FOLLOW, "self", &st);
        printf("loop   %-44s %s\n", "filestat_get self (follow)", errname(e));
    }

    /* a subdirectory fd is a capability of its own: ".." from it is out */
    {
        __wasi_fd_t sub;
        e = __wasi_path_open(DIR_FD, 0, "sub", __WASI_OFLAGS_DIRECTORY, R_DIR, R_DIR | R_FILE_RW,
                             0, &sub);
        legit("open sub as a directory fd", e);
        if (!e) {
            try_open_at(sub, "from sub fd: open ../file.txt", 0, "../file.txt");
            try_open_at(sub, "from sub fd: open deeper/../../file.txt", 0,
                        "deeper/../../file.txt");
            try_open_at(sub, "from sub fd: open esc (follow)", FOLLOW, "esc");
            __wasi_fd_t dfd;
            e = __wasi_path_open(sub, 0, "deeper/..", __WASI_OFLAGS_DIRECTORY, R_DIR, R_DIR, 0,
                                 &dfd);
            legit("from sub fd: open deeper/.. (directory)", e);
            if (!e)
                (void)__wasi_fd_close(dfd);
            (void)__wasi_fd_close(sub);
        }
    }

    /* ---- legitimate uses that must work ---- */
    legit("symlink sub/link -> ../file.txt", __wasi_path_symlink("../file.txt", DIR_FD,
          "sub/link"));
    legit_read("open sub/link (follow)", DIR_FD, FOLLOW, "sub/link");
    legit_read("open sub/../file.txt", DIR_FD, 0, "sub/../file.txt");
    legit_read("open ./sub/./../file.txt", DIR_FD, 0, "./sub/./../file.txt");
    legit_read("open sub/deeper/../../file.txt", DIR_FD, 0, "sub/deeper/../../file.txt");
    legit_read("open d1/link (dir link, then file link)", DIR_FD, FOLLOW, "d1/link");
    legit("symlink sub/deeper/l2 -> ../link", __wasi_path_symlink("../link", DIR_FD,
          "sub/deeper/l2"));
    legit_read("open sub/deeper/l2 (chain of 2, follow)", DIR_FD, FOLLOW, "sub/deeper/l2");
    {
        __wasi_filestat_t st;
        e = __wasi_path_filestat_get(DIR_FD, FOLLOW, "sub/link", &st);
        printf("legit  %-44s %s", "filestat_get sub/link (follow)", e ? errname(e) : "ok");
        if (!e)
            printf(", %s, size %llu", st.filetype == __WASI_FILETYPE_REGULAR_FILE ? "regular file"
                                                                                : "NOT REGULAR",
                   (unsigned long long)st.size);
        printf("\n");
        if (e)
            legit_failed++;
        char buf[64];
        __wasi_size_t n = 0;
        e = __wasi_path_readlink(DIR_FD, "sub/link", (uint8_t *)buf, sizeof buf, &n);
        printf("legit  %-44s %s", "readlink sub/link", e ? errname(e) : "ok");
        if (!e)
            printf(" \"%.*s\"", (int)n, buf);
        printf("\n");
        if (e)
            legit_failed++;
    }
    {
        __wasi_fd_t root;
        e = __wasi_path_open(DIR_FD, 0, ".", __WASI_OFLAGS_DIRECTORY, R_DIR, R_DIR | R_FILE_RW, 0,
                             &root);
        legit("open . as a directory fd", e);
        if (!e)
            (void)__wasi_fd_close(root);
        e = __wasi_path_open(DIR_FD, 0, "sub/..", __WASI_OFLAGS_DIRECTORY, R_DIR,
                             R_DIR | R_FILE_RW, 0, &root);
        legit("open sub/.. as a directory fd", e);
        if (!e)
            (void)__wasi_fd_close(root);
    }
    legit("link file.txt -> sub/hard.txt", __wasi_path_link(DIR_FD, 0, "file.txt", DIR_FD,
          "sub/hard.txt"));
    {
        __wasi_filestat_t st;
        e = __wasi_path_filestat_get(DIR_FD, 0, "file.txt", &st);
        printf("legit  %-44s %s, nlink %llu\n", "filestat_get file.txt after link",
               e ? errname(e) : "ok", e ? 0ULL : (unsigned long long)st.nlink);
    }
    legit("rename sub/hard.txt -> sub/deeper/../moved.txt",
          __wasi_path_rename(DIR_FD, "sub/hard.txt", DIR_FD, "sub/deeper/../moved.txt"));
    legit_read("open sub/moved.txt", DIR_FD, 0, "sub/moved.txt");

    /* ---- cleanup ---- */
    static const char *links[] = {"up", "out", "etc", "root", "sub/esc", "abs-inside", "c1",
                                  "c2", "c3", "d1", "sub/up2", "dangling", "dangling-abs",
                                  "loopa", "loopb", "self", "sub/link", "sub/deeper/l2",
                                  "sub/moved.txt", "file.txt"};
    int cleanup_failed = 0;
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        e = __wasi_path_unlink_file(DIR_FD, links[i]);
        if (e && e != __WASI_ERRNO_NOENT) {
            printf("cleanup unlink %s: %s\n", links[i], errname(e));
            cleanup_failed++;
        }
    }
    e = __wasi_path_remove_directory(DIR_FD, "sub/deeper");
    if (e) { printf("cleanup rmdir sub/deeper: %s\n", errname(e)); cleanup_failed++; }
    e = __wasi_path_remove_directory(DIR_FD, "sub");
    if (e) { printf("cleanup rmdir sub: %s\n", errname(e)); cleanup_failed++; }
    printf("cleanup: %s\n", cleanup_failed ? "FAILED" : "ok");

    printf("escapes that succeeded: %d\n", escapes_ok);
    printf("legitimate operations that failed: %d\n", legit_failed);
    return escapes_ok ? 1 : 0;
}
