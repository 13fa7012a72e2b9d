/* argenv: prints argv (argv[0] by its base name) and environ, getenv of
 * some names, setenv/unsetenv/putenv, the raw args/environ sizes; then, if
 * given, leaves by MODE: exit, _exit, exit-unflushed, return, abort,
 * quick_exit or proc_exit with status CODE.
 *
 *   argenv [MODE [CODE]] [ARGS...] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

extern char **environ;

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) {
        /* argv[0] is the module's path, which depends on the checkout: only
         * its base name is printed. */
        if (i == 0) { const char *s = strrchr(argv[0], '/'); printf("argv[0]=\"(argv0)\" base=%s", s ? s + 1 : argv[0]); }
        else printf("argv[%d]=\"%s\" len=%zu", i, argv[i], strlen(argv[i]));
        printf(" bytes:");
        for (const unsigned char *p = (const unsigned char *)argv[i]; *p && i; p++) if (*p >= 0x80 || *p < 0x20) printf(" %02x", *p);
        printf("\n");
    }
    printf("argv[argc]=%s\n", argv[argc] ? "non-null" : "NULL");
    int n = 0;
    for (char **e = environ; e && *e; e++) printf("environ[%d]=\"%s\"\n", n++, *e);
    printf("environ count=%d\n", n);
    const char *names[] = {"HOME", "PATH", "FOO", "EMPTY", "EQ", "SPACE", "UNI", "DUP", ""};
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = getenv(names[i]);
        printf("getenv(%s)=%s%s%s\n", names[i], v ? "\"" : "", v ? v : "NULL", v ? "\"" : "");
    }
    printf("setenv NEW: %d -> %s\n", setenv("NEW", "v", 1), getenv("NEW"));
    printf("unsetenv FOO: %d -> %s\n", unsetenv("FOO"), getenv("FOO") ? getenv("FOO") : "NULL");
    printf("putenv: %d\n", putenv("PUT=1"));
    n = 0; for (char **e = environ; e && *e; e++) n++;
    printf("environ count now=%d\n", n);
    __wasi_size_t c, bs;
    __wasi_errno_t er = __wasi_args_sizes_get(&c, &bs);
    printf("args_sizes_get: %d argc=%u\n", er, (unsigned)c);
    er = __wasi_environ_sizes_get(&c, &bs);
    printf("environ_sizes_get: %d count=%u bufsize=%u\n", er, (unsigned)c, (unsigned)bs);
    fflush(stdout);
    if (argc > 1) {
        const char *m = argv[1];
        int code = argc > 2 ? atoi(argv[2]) : 0;
        printf("mode %s code %d\n", m, code);
        if (!strcmp(m, "exit")) exit(code);
        if (!strcmp(m, "_exit")) { printf("unflushed"); _exit(code); }
        if (!strcmp(m, "exit-unflushed")) { printf("unflushed but exit flushes"); exit(code); }
        if (!strcmp(m, "return")) return code;
        if (!strcmp(m, "abort")) { printf("before abort, unflushed"); abort(); }
        if (!strcmp(m, "quick_exit")) quick_exit(code);
        if (!strcmp(m, "proc_exit")) __wasi_proc_exit(code);
    }
    return 0;
}
