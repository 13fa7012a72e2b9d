/* echo: prints its arguments and environment.
 *
 *   echo [ARG]...
 *
 * Prints argc, argv[0]'s basename (the full path depends on where the
 * module lives), every other argument, then for each argument of the form
 * env:NAME the value of getenv(NAME), then the sorted environ. An argument
 * pair `--exit N` makes it exit(N) at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

extern char **environ;

int main(int argc, char **argv) {
    int status = 0;
    printf("argc=%d\n", argc);
    const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
    printf("argv[0] basename=%s\n", argc > 0 ? (base ? base + 1 : argv[0]) : "(none)");
    for (int i = 1; i < argc; i++) {
        printf("argv[%d]=\"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
        if (strcmp(argv[i], "--exit") == 0 && i + 1 < argc)
            status = atoi(argv[i + 1]);
    }
    if (argc > 0 && argv[argc] != NULL)
        printf("argv[argc] is not NULL\n");

    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "env:", 4) == 0) {
            const char *v = getenv(argv[i] + 4);
            if (v)
                printf("getenv(%s)=\"%s\"\n", argv[i] + 4, v);
            else
                printf("getenv(%s)=unset\n", argv[i] + 4);
        }
    }

    size_t n = 0;
    while (environ && environ[n])
        n++;
    printf("environ count=%zu\n", n);
    char **copy = malloc((n + 1) * sizeof *copy);
    for (size_t i = 0; i < n; i++)
        copy[i] = environ[i];
    qsort(copy, n, sizeof *copy, cmp_str);
    for (size_t i = 0; i < n; i++)
        printf("environ: %s\n", copy[i]);
    free(copy);

    if (status) {
        printf("exiting with %d\n", status);
        exit(status);
    }
    return 0;
}
