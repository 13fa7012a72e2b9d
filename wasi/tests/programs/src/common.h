/* Shared helpers for the WASI test programs (header only; build.sh compiles
 * only the .c files). In wasi-libc the C errno values are the WASI errno
 * numbers, so one table serves both errno and __wasi_errno_t. */
#ifndef TANDEM_TEST_COMMON_H
#define TANDEM_TEST_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const errno_names[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT",
    "AGAIN", "ALREADY", "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD",
    "CONNABORTED", "CONNREFUSED", "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM",
    "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ",
    "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE",
    "MLINK", "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET",
    "NETUNREACH", "NFILE", "NOBUFS", "NODEV", "NOENT", "NOEXEC", "NOLCK",
    "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC", "NOSYS", "NOTCONN",
    "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY",
    "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO",
    "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE",
    "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
};

/* Name of an errno / WASI errno value, e.g. 44 -> "NOENT". */
static inline const char *errname(int e) {
    static char buf[24];
    if (e >= 0 && e < (int)(sizeof errno_names / sizeof errno_names[0]))
        return errno_names[e];
    snprintf(buf, sizeof buf, "errno%d", e);
    return buf;
}

/* "ok" when rc >= 0, else the current errno's name. */
static inline const char *res(long rc) { return rc >= 0 ? "ok" : errname(errno); }

/* Prints "label: ok" or "label: NAME" from a libc return value (<0 = error). */
#define CHECK(label, expr)                                                     \
    do {                                                                       \
        errno = 0;                                                             \
        long rc_ = (long)(expr);                                               \
        printf("%s: %s\n", (label), res(rc_));                                 \
    } while (0)

static inline int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* FNV-1a, 32 bits. */
static inline unsigned fnv1a(const void *data, size_t len, unsigned h) {
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}
#define FNV_INIT 2166136261u

#endif
