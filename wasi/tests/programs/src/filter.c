/* filter: copies stdin to stdout in upper case, then prints line, word and
 * byte counts (stdout) and a checksum of the input (stderr gets a note).
 *
 *   filter           reads with fgets (64-byte buffer: long lines split)
 *   filter --read    reads with read(0, ...) in odd-sized chunks
 *   filter --quiet   prints only the counts
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static long lines, words, bytes;
static int in_word;
static unsigned hash = FNV_INIT;
static int quiet;

static void consume(const char *buf, size_t n) {
    static char out[4096];
    size_t o = 0;
    hash = fnv1a(buf, n, hash);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)buf[i];
        bytes++;
        if (ch == '\n')
            lines++;
        if (isspace(ch)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            words++;
        }
        out[o++] = (char)toupper(ch);
        if (o == sizeof out) {
            if (!quiet)
                fwrite(out, 1, o, stdout);
            o = 0;
        }
    }
    if (o && !quiet)
        fwrite(out, 1, o, stdout);
}

int main(int argc, char **argv) {
    int use_read = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--read") == 0)
            use_read = 1;
        else if (strcmp(argv[i], "--quiet") == 0)
            quiet = 1;
    }
    if (use_read) {
        static const size_t sizes[] = {1, 17, 4096, 3, 999};
        char buf[4096];
        int k = 0;
        for (;;) {
            ssize_t n = read(0, buf, sizes[k++ % 5]);
            if (n < 0) {
                printf("read: %s\n", errname(errno));
                return 1;
            }
            if (n == 0)
                break;
            consume(buf, (size_t)n);
        }
    } else {
        char buf[64];
        while (fgets(buf, sizeof buf, stdin))
            consume(buf, strlen(buf));
        if (ferror(stdin)) {
            printf("stdin error\n");
            return 1;
        }
    }
    /* a second read at EOF must still say EOF */
    char extra;
    ssize_t again = read(0, &extra, 1);
    printf("--\nlines %ld, words %ld, bytes %ld, fnv1a %08x, read after EOF %zd\n", lines, words,
           bytes, hash, again);
    fprintf(stderr, "filter: done (%ld bytes)\n", bytes);
    return 0;
}
