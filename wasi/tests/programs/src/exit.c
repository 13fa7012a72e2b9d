/* exit: ends the process in the way argv[1] names, with the status argv[2].
 *
 *   exit exit N        exit(N): flushes stdio, runs atexit handlers
 *   exit _Exit N       _Exit(N): no stdio flush, no atexit handlers
 *   exit return N      return N from main
 *   exit proc_exit N   raw __wasi_proc_exit(N)
 *   exit              (no arguments) returns 0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

static void on_exit_handler(void) { printf("atexit handler ran\n"); }

int main(int argc, char **argv) {
    if (argc < 3) {
        printf("no arguments: returning 0\n");
        return 0;
    }
    const char *how = argv[1];
    int status = atoi(argv[2]);
    atexit(on_exit_handler);
    printf("ending with %s(%d)\n", how, status);
    if (strcmp(how, "exit") == 0) {
        printf("buffered line flushed by exit\n");
        exit(status);
    } else if (strcmp(how, "_Exit") == 0) {
        /* _Exit does not flush stdio: flush first so the output does not
         * depend on how the runtime's stdout buffering is detected. */
        fflush(stdout);
        _Exit(status);
    } else if (strcmp(how, "return") == 0) {
        return status;
    } else if (strcmp(how, "proc_exit") == 0) {
        fflush(stdout);
        __wasi_proc_exit((__wasi_exitcode_t)status);
    }
    printf("unknown mode %s\n", how);
    return 99;
}
