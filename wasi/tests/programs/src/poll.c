/* poll: poll_oneoff through poll() and through the raw call.
 * Run with --dir . and stdin from a non-empty file. Prints only facts that
 * do not depend on timing (clock events are checked against the monotonic
 * clock with generous bounds). */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "common.h"

static int64_t mono(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void clock_sub(__wasi_subscription_t *s, uint64_t userdata, uint64_t timeout_ns,
                      int abstime) {
    memset(s, 0, sizeof *s);
    s->userdata = userdata;
    s->u.tag = __WASI_EVENTTYPE_CLOCK;
    s->u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    s->u.u.clock.timeout = timeout_ns;
    s->u.u.clock.precision = 0;
    s->u.u.clock.flags = abstime ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
}

static void fd_sub(__wasi_subscription_t *s, uint64_t userdata, __wasi_eventtype_t type,
                   __wasi_fd_t fd) {
    memset(s, 0, sizeof *s);
    s->userdata = userdata;
    s->u.tag = type;
    if (type == __WASI_EVENTTYPE_FD_READ)
        s->u.u.fd_read.file_descriptor = fd;
    else
        s->u.u.fd_write.file_descriptor = fd;
}

static const char *evtype(__wasi_eventtype_t t) {
    switch (t) {
    case __WASI_EVENTTYPE_CLOCK: return "clock";
    case __WASI_EVENTTYPE_FD_READ: return "fd_read";
    case __WASI_EVENTTYPE_FD_WRITE: return "fd_write";
    default: return "?";
    }
}

int main(void) {
    /* ---- poll() ---- */
    {
        struct pollfd p = {.fd = 1, .events = POLLOUT};
        errno = 0;
        int r = poll(&p, 1, 1000);
        printf("poll stdout POLLOUT: returned %d, POLLOUT %s\n", r,
               (p.revents & POLLOUT) ? "set" : "clear");
    }
    {
        struct pollfd p = {.fd = 0, .events = POLLIN};
        errno = 0;
        int r = poll(&p, 1, 1000);
        printf("poll stdin POLLIN (stdin is a file): returned %d, POLLIN %s\n", r,
               (p.revents & POLLIN) ? "set" : "clear");
        char line[128];
        if (fgets(line, sizeof line, stdin))
            printf("first stdin line: %s", line);
    }
    {
        struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = 1, .events = POLLOUT}};
        int r = poll(p, 2, 1000);
        printf("poll stdin+stdout: returned %d, stdin POLLIN %s, stdout POLLOUT %s\n", r,
               (p[0].revents & POLLIN) ? "set" : "clear",
               (p[1].revents & POLLOUT) ? "set" : "clear");
    }
    {
        /* (POLLIN|POLLOUT together on a file is left out: wasmtime reports
         * only one of the two ready subscriptions.) */
        int fd = open("lorem.txt", O_RDONLY);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        /* a long timeout: with 0, wasmtime may report the (also ready)
         * timeout instead of the file */
        int r = poll(&p, 1, 2000);
        printf("poll regular file POLLIN: returned %d, POLLIN %s\n", r,
               (p.revents & POLLIN) ? "set" : "clear");
        close(fd);
    }
    {
        int64_t t0 = mono();
        int r = poll(NULL, 0, 25);
        printf("poll no fds 25ms: returned %d, waited >= 25ms: %s\n", r,
               mono() - t0 >= 25000000 ? "yes" : "NO");
    }
    {
        struct pollfd p = {.fd = 99, .events = POLLIN};
        errno = 0;
        int r = poll(&p, 1, 2000);
        printf("poll fd 99: returned %d, %s, POLLNVAL %s\n", r, r < 0 ? errname(errno) : "-",
               (p.revents & POLLNVAL) ? "set" : "clear");
    }

    /* ---- raw poll_oneoff ---- */
    __wasi_subscription_t subs[4];
    __wasi_event_t evs[4];
    __wasi_size_t n = 0;
    __wasi_errno_t e;
    {
        clock_sub(&subs[0], 20, 20000000, 0);
        clock_sub(&subs[1], 10, 10000000, 0);
        int64_t t0 = mono();
        e = __wasi_poll_oneoff(subs, evs, 2, &n);
        int64_t el = mono() - t0;
        int saw10 = 0, saw20 = 0, errors = 0;
        for (__wasi_size_t i = 0; i < n; i++) {
            if (evs[i].userdata == 10) saw10 = 1;
            if (evs[i].userdata == 20) saw20 = 1;
            if (evs[i].error || evs[i].type != __WASI_EVENTTYPE_CLOCK) errors++;
        }
        printf("two clocks (20ms, 10ms): %s, 10ms fired: %s, 20ms alone: %s, bad events: %d, "
               "waited >= 10ms: %s\n",
               e ? errname(e) : "ok", saw10 ? "yes" : "no", saw20 && !saw10 ? "YES" : "no",
               errors, el >= 10000000 ? "yes" : "NO");
    }
    {
        int64_t t0 = mono();
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        uint64_t deadline = (uint64_t)now.tv_sec * 1000000000 + now.tv_nsec + 15000000;
        clock_sub(&subs[0], 7, deadline, 1);
        e = __wasi_poll_oneoff(subs, evs, 1, &n);
        printf("absolute clock +15ms: %s, events %lu, userdata %llu, type %s, waited >= 15ms: %s\n",
               e ? errname(e) : "ok", (unsigned long)n, (unsigned long long)evs[0].userdata,
               evtype(evs[0].type), mono() - t0 >= 15000000 ? "yes" : "NO");
    }
    {
        clock_sub(&subs[0], 3, 0, 0);
        e = __wasi_poll_oneoff(subs, evs, 1, &n);
        printf("clock timeout 0: %s, events %lu, userdata %llu, error %s\n", e ? errname(e) : "ok",
               (unsigned long)n, (unsigned long long)evs[0].userdata, errname(evs[0].error));
    }
    {
        fd_sub(&subs[0], 100, __WASI_EVENTTYPE_FD_WRITE, 1);
        clock_sub(&subs[1], 200, 5000000000ull, 0);
        int64_t t0 = mono();
        e = __wasi_poll_oneoff(subs, evs, 2, &n);
        int64_t el = mono() - t0;
        int saw_write = 0;
        for (__wasi_size_t i = 0; i < n; i++)
            if (evs[i].userdata == 100 && evs[i].type == __WASI_EVENTTYPE_FD_WRITE &&
                evs[i].error == 0)
                saw_write = 1;
        printf("fd_write on stdout + 5s clock: %s, stdout writable: %s, "
               "returned before the clock: %s\n",
               e ? errname(e) : "ok", saw_write ? "yes" : "no", el < 4000000000 ? "yes" : "NO");
    }
    {
        int fd = open("lorem.txt", O_RDONLY);
        fd_sub(&subs[0], 1, __WASI_EVENTTYPE_FD_READ, (__wasi_fd_t)fd);
        e = __wasi_poll_oneoff(subs, evs, 1, &n);
        printf("fd_read on a regular file: %s, events %lu, type %s, error %s\n",
               e ? errname(e) : "ok", (unsigned long)n, evtype(evs[0].type), errname(evs[0].error));
        close(fd);
    }
    {
        e = __wasi_poll_oneoff(subs, evs, 0, &n);
        printf("no subscriptions: %s\n", e ? errname(e) : "ok");
    }
    {
        fd_sub(&subs[0], 5, __WASI_EVENTTYPE_FD_READ, 77);
        clock_sub(&subs[1], 6, 1000000000ull, 0);
        memset(evs, 0, sizeof evs);
        n = 0;
        e = __wasi_poll_oneoff(subs, evs, 2, &n);
        printf("fd_read on fd 77 (not open) + clock: %s", e ? errname(e) : "ok");
        if (!e)
            for (__wasi_size_t i = 0; i < n; i++)
                printf(", event userdata %llu error %s", (unsigned long long)evs[i].userdata,
                       errname(evs[i].error));
        printf("\n");
    }
    return 0;
}
