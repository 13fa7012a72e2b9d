// setjmp/longjmp lowered to Wasm 3.0 exception handling (clang's
// -fwasm-exceptions with -mllvm -wasm-enable-sjlj, the exnref form): jumps
// out of deep recursion, across function pointers and a libc callback
// (qsort, built without exceptions), between nested jump buffers, back into
// the same function in a loop, and an exception-style error library with
// handlers that rethrow outward. Each line is a fact C defines.
// cc: clang-22
// cflags: -fwasm-exceptions -mllvm -wasm-enable-sjlj -mllvm -wasm-use-legacy-eh=false -Isjlj sjlj/runtime.c
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf outer;

static int depth_reached;

static void recurse(int depth, int limit) {
    depth_reached = depth;
    if (depth == limit)
        longjmp(outer, depth);
    recurse(depth + 1, limit);
    puts("unreachable: recurse returned");
}

static void basic(void) {
    volatile int calls = 0;
    int r = setjmp(outer);
    calls++;
    if (r == 0)
        longjmp(outer, 5);
    printf("basic: setjmp returned %d after %d entries\n", r, calls);

    r = setjmp(outer);
    if (r == 0)
        longjmp(outer, 0);
    printf("longjmp(env, 0): setjmp returned %d\n", r);
}

static void deep(int limit) {
    int r = setjmp(outer);
    if (r == 0) {
        recurse(1, limit);
        puts("unreachable: deep");
    }
    printf("deep: jumped out of %d frames (depth %d)\n", r, depth_reached);
}

/* A longjmp out of a comparison function that qsort (libc, no exception
 * handling of its own) calls: its frames are unwound too. */
static jmp_buf sort_abort;
static int compared;

static int compare_or_bail(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    if (++compared == 50)
        longjmp(sort_abort, 1);
    return (x > y) - (x < y);
}

static void through_libc(void) {
    int data[200];
    for (int i = 0; i < 200; i++)
        data[i] = (i * 7919) % 200;
    compared = 0;
    if (setjmp(sort_abort) == 0) {
        qsort(data, 200, sizeof data[0], compare_or_bail);
        puts("unreachable: qsort finished");
    } else {
        printf("qsort: abandoned after %d comparisons\n", compared);
    }
}

/* Nested buffers: an inner function sets its own buffer, then a jump to
 * the outer one skips it; a jump to the inner one stays inside. */
static jmp_buf inner_buf;

static void jump_to(jmp_buf target, int val) { longjmp(target, val); }

static void (*volatile jumper)(jmp_buf, int) = jump_to;

static int inner(int which) {
    int r = setjmp(inner_buf);
    if (r == 0) {
        jumper(which == 1 ? inner_buf : outer, 10 + which);
        return -1;
    }
    return r;
}

static void nested(void) {
    int r = setjmp(outer);
    if (r == 0) {
        printf("nested: inner caught %d\n", inner(1));
        inner(2);
        puts("unreachable: nested");
    } else {
        printf("nested: outer caught %d, skipping inner's frame\n", r);
    }
}

/* The same setjmp re-entered many times: a retry loop. Locals the
 * function changes after setjmp are volatile, as C requires. */
static void retry_loop(void) {
    jmp_buf again;
    volatile int attempts = 0;
    volatile unsigned sum = 0;
    int r = setjmp(again);
    sum = sum * 31 + (unsigned)r;
    if (++attempts < 100000)
        longjmp(again, attempts);
    printf("retry: %d attempts, checksum %u\n", attempts, sum);
}

/* An error library in the style of C projects that emulate exceptions: a
 * stack of handlers, TRY macros, rethrow to the enclosing handler. */
struct handler {
    jmp_buf buf;
    struct handler *prev;
    const char *message;
    int code;
};

static struct handler *top;

static _Noreturn void raise_error(const char *message, int code) {
    struct handler *h = top;
    if (!h) {
        printf("uncaught: %s (%d)\n", message, code);
        exit(3);
    }
    top = h->prev;
    h->message = message;
    h->code = code;
    longjmp(h->buf, 1);
}

#define TRY(h) ((h)->prev = top, top = (h), setjmp((h)->buf) == 0)
#define END_TRY(h) (top = (h)->prev)

static int parse_digit(char c) {
    if (c < '0' || c > '9')
        raise_error("not a digit", 22);
    return c - '0';
}

static int parse_number(const char *s) {
    struct handler h;
    int n = 0;
    if (TRY(&h)) {
        if (!*s)
            raise_error("empty", 21);
        for (const char *p = s; *p; p++)
            n = n * 10 + parse_digit(*p);
        END_TRY(&h);
        return n;
    }
    /* Handle by adding context, then rethrow outward. */
    static char message[64];
    snprintf(message, sizeof message, "%s in \"%s\"", h.message, s);
    raise_error(message, h.code + 100);
}

static void errors(void) {
    const char *inputs[] = {"12345", "12x45", "", "99", "7-"};
    for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        struct handler h;
        if (TRY(&h)) {
            int n = parse_number(inputs[i]);
            END_TRY(&h);
            printf("parse \"%s\" = %d\n", inputs[i], n);
        } else {
            printf("parse \"%s\" failed: %s (%d)\n", inputs[i], h.message, h.code);
        }
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "uncaught") == 0)
        parse_number("4o4");
    basic();
    deep(10);
    deep(2000);
    through_libc();
    nested();
    retry_loop();
    errors();
    return 0;
}
