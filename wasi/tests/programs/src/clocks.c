/* clocks: clock_gettime/clock_getres on every clock, sleeping (nanosleep,
 * usleep, poll and select timeouts) checked against the monotonic clock,
 * time(), clock(). Prints only facts that do not depend on the moment. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "common.h"

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

static int64_t mono_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return ns(t);
}

/* Checks a clock that must work: prints ok and relations. */
static void check_clock(const char *name, clockid_t id) {
    struct timespec a, b, r;
    errno = 0;
    int ra = clock_gettime(id, &a);
    int rb = clock_gettime(id, &b);
    printf("%s: clock_gettime %s", name, res(ra));
    if (ra == 0 && rb == 0)
        printf(", non-decreasing %s, nsec in range %s", ns(b) >= ns(a) ? "yes" : "NO",
               a.tv_nsec >= 0 && a.tv_nsec < 1000000000 ? "yes" : "NO");
    errno = 0;
    int rr = clock_getres(id, &r);
    printf(", clock_getres %s", res(rr));
    if (rr == 0)
        printf(", res > 0 %s, res <= 1s %s", ns(r) > 0 ? "yes" : "NO",
               ns(r) <= 1000000000 ? "yes" : "NO");
    printf("\n");
}

/* The CPU-time clocks are optional: wasmtime answers BADF for both calls,
 * a runtime may also support them. Either is "consistent"; what differs
 * goes to stderr. Inconsistent: one call works and the other not, different
 * errors, an errno outside BADF/INVAL/NOTSUP, or bad values. */
static void check_optional_clock(const char *name, clockid_t id) {
    struct timespec a, b, r;
    errno = 0;
    int ra = clock_gettime(id, &a);
    int ea = errno;
    int rb = clock_gettime(id, &b);
    errno = 0;
    int rr = clock_getres(id, &r);
    int er = errno;
    const char *verdict;
    if (ra == 0 && rb == 0 && rr == 0) {
        int good = ns(b) >= ns(a) && a.tv_nsec >= 0 && a.tv_nsec < 1000000000 && ns(r) > 0 &&
                   ns(r) <= 1000000000;
        verdict = good ? "consistent" : "INCONSISTENT (bad values)";
        fprintf(stderr, "%s: supported\n", name);
    } else if (ra < 0 && rr < 0 && ea == er &&
               (ea == EBADF || ea == EINVAL || ea == ENOTSUP)) {
        verdict = "consistent";
        fprintf(stderr, "%s: unsupported (%s)\n", name, errname(ea));
    } else {
        verdict = "INCONSISTENT";
        fprintf(stderr, "%s: gettime %s, getres %s\n", name, ra < 0 ? errname(ea) : "ok",
                rr < 0 ? errname(er) : "ok");
    }
    printf("%s (optional): %s\n", name, verdict);
}

static void raw_clock(const char *name, __wasi_clockid_t id) {
    __wasi_timestamp_t t = 0, r = 0;
    __wasi_errno_t e1 = __wasi_clock_time_get(id, 1, &t);
    __wasi_errno_t e2 = __wasi_clock_res_get(id, &r);
    printf("raw %s: time_get %s, res_get %s\n", name, e1 ? errname(e1) : "ok",
           e2 ? errname(e2) : "ok");
}

int main(void) {
    check_clock("REALTIME", CLOCK_REALTIME);
    check_clock("MONOTONIC", CLOCK_MONOTONIC);
    check_optional_clock("PROCESS_CPUTIME_ID", CLOCK_PROCESS_CPUTIME_ID);
    check_optional_clock("THREAD_CPUTIME_ID", CLOCK_THREAD_CPUTIME_ID);
    raw_clock("REALTIME", __WASI_CLOCKID_REALTIME);
    raw_clock("MONOTONIC", __WASI_CLOCKID_MONOTONIC);
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    time_t now = time(NULL);
    printf("time(NULL) > 1600000000: %s\n", now > 1600000000 ? "yes" : "NO");
    printf("time(NULL) agrees with CLOCK_REALTIME within 2 s: %s\n",
           now - rt.tv_sec <= 2 && rt.tv_sec - now <= 2 ? "yes" : "NO");
    struct timeval tv;
    errno = 0;
    int r = gettimeofday(&tv, NULL);
    printf("gettimeofday: %s, agrees with time(): %s\n", res(r),
           tv.tv_sec - now <= 2 && now - tv.tv_sec <= 2 ? "yes" : "NO");
    clock_t c = clock();
    printf("clock() >= 0: %s\n", c != (clock_t)-1 && c >= 0 ? "yes" : "NO");

    /* nanosleep 50 ms */
    int64_t t0 = mono_now();
    struct timespec req = {0, 50 * 1000000};
    errno = 0;
    r = nanosleep(&req, NULL);
    int64_t el = mono_now() - t0;
    printf("nanosleep 50ms: %s, %s\n", res(r), el >= 50000000 ? "slept ok" : "TOO SHORT");

    t0 = mono_now();
    errno = 0;
    r = usleep(50000);
    el = mono_now() - t0;
    printf("usleep 50000: %s, %s\n", res(r), el >= 50000000 ? "slept ok" : "TOO SHORT");

    t0 = mono_now();
    errno = 0;
    r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);
    el = mono_now() - t0;
    printf("clock_nanosleep MONOTONIC relative 50ms: %s, %s\n", r == 0 ? "ok" : errname(r),
           el >= 50000000 ? "slept ok" : "TOO SHORT");

    {
        struct timespec abs;
        clock_gettime(CLOCK_MONOTONIC, &abs);
        t0 = ns(abs);
        abs.tv_nsec += 30000000;
        if (abs.tv_nsec >= 1000000000) {
            abs.tv_nsec -= 1000000000;
            abs.tv_sec++;
        }
        r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
        el = mono_now() - t0;
        printf("clock_nanosleep MONOTONIC absolute +30ms: %s, %s\n", r == 0 ? "ok" : errname(r),
               el >= 30000000 ? "slept ok" : "TOO SHORT");
    }
    {
        struct timespec abs;
        clock_gettime(CLOCK_REALTIME, &abs);
        abs.tv_sec -= 10; /* in the past: returns at once */
        t0 = mono_now();
        r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL);
        el = mono_now() - t0;
        printf("clock_nanosleep REALTIME absolute in the past: %s, returned promptly: %s\n",
               r == 0 ? "ok" : errname(r), el < 1000000000 ? "yes" : "NO");
    }

    req.tv_sec = 0;
    req.tv_nsec = 0;
    printf("nanosleep 0: %s\n", res(nanosleep(&req, NULL)));
    req.tv_nsec = 1000000000;
    errno = 0;
    printf("nanosleep with tv_nsec = 1e9: %s\n", res(nanosleep(&req, NULL)));

    /* poll with no fds: a pure timeout (poll_oneoff with one clock) */
    t0 = mono_now();
    errno = 0;
    r = poll(NULL, 0, 40);
    el = mono_now() - t0;
    printf("poll(no fds, 40ms): returned %d, %s\n", r, el >= 40000000 ? "slept ok" : "TOO SHORT");

    /* select with no fds */
    struct timeval stv = {0, 30000};
    t0 = mono_now();
    errno = 0;
    r = select(0, NULL, NULL, NULL, &stv);
    el = mono_now() - t0;
    printf("select(no fds, 30ms): returned %d %s, %s\n", r, res(r),
           el >= 30000000 ? "slept ok" : "TOO SHORT");

    int64_t a = mono_now(), b = mono_now();
    printf("monotonic non-decreasing at the end: %s\n", b >= a ? "yes" : "NO");
    {
        __wasi_errno_t e = __wasi_sched_yield();
        printf("sched_yield: %s\n", e ? errname(e) : "ok");
    }
    return 0;
}
