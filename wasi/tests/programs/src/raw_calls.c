/* raw_calls: raw wasi_snapshot_preview1 calls (imported directly, past
 * wasi-libc's checks) with odd arguments: bad enum values, flags and
 * descriptors, out-of-bounds and misaligned pointers, stdio and preopen
 * descriptors where files are expected, renumbering, readdir cookies and
 * buffer sizes, poll_oneoff subscriptions. Each test prints
 * "name: ERRNO [extra]"; the readlink tests make data/link-hello ->
 * ../hello.txt first and remove it after.
 *
 *   raw_calls TEST... (run with --dir .) */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>
#include "common.h"

#define IMP(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
IMP(fd_seek) int32_t r_fd_seek(int32_t, int64_t, int32_t, int32_t);
IMP(clock_time_get) int32_t r_clock_time_get(int32_t, int64_t, int32_t);
IMP(clock_res_get) int32_t r_clock_res_get(int32_t, int32_t);
IMP(fd_advise) int32_t r_fd_advise(int32_t, int64_t, int64_t, int32_t);
IMP(path_open) int32_t r_path_open(int32_t, int32_t, int32_t, int32_t, int32_t, int64_t, int64_t, int32_t, int32_t);
IMP(fd_fdstat_set_flags) int32_t r_fd_fdstat_set_flags(int32_t, int32_t);
IMP(path_filestat_get) int32_t r_path_filestat_get(int32_t, int32_t, int32_t, int32_t, int32_t);
IMP(fd_filestat_set_times) int32_t r_fd_filestat_set_times(int32_t, int64_t, int64_t, int32_t);
IMP(path_filestat_set_times) int32_t r_path_filestat_set_times(int32_t, int32_t, int32_t, int32_t, int64_t, int64_t, int32_t);
IMP(fd_write) int32_t r_fd_write(int32_t, int32_t, int32_t, int32_t);
IMP(fd_read) int32_t r_fd_read(int32_t, int32_t, int32_t, int32_t);
IMP(proc_raise) int32_t r_proc_raise(int32_t);
IMP(sock_shutdown) int32_t r_sock_shutdown(int32_t, int32_t);
IMP(random_get) int32_t r_random_get(int32_t, int32_t);
IMP(fd_prestat_dir_name) int32_t r_fd_prestat_dir_name(int32_t, int32_t, int32_t);
IMP(path_create_directory) int32_t r_path_create_directory(int32_t, int32_t, int32_t);
IMP(path_unlink_file) int32_t r_path_unlink_file(int32_t, int32_t, int32_t);
IMP(path_remove_directory) int32_t r_path_remove_directory(int32_t, int32_t, int32_t);
IMP(poll_oneoff) int32_t r_poll_oneoff(int32_t, int32_t, int32_t, int32_t);
IMP(fd_readdir) int32_t r_fd_readdir(int32_t, int32_t, int32_t, int64_t, int32_t);
IMP(fd_close) int32_t r_fd_close(int32_t);
IMP(fd_renumber) int32_t r_fd_renumber(int32_t, int32_t);
IMP(args_get) int32_t r_args_get(int32_t, int32_t);
IMP(environ_sizes_get) int32_t r_environ_sizes_get(int32_t, int32_t);
IMP(fd_fdstat_get) int32_t r_fd_fdstat_get(int32_t, int32_t);
IMP(fd_tell) int32_t r_fd_tell(int32_t, int32_t);
IMP(fd_pread) int32_t r_fd_pread(int32_t, int32_t, int32_t, int64_t, int32_t);
IMP(fd_allocate) int32_t r_fd_allocate(int32_t, int64_t, int64_t);
IMP(fd_filestat_set_size) int32_t r_fd_filestat_set_size(int32_t, int64_t);
IMP(sched_yield) int32_t r_sched_yield(void);
IMP(path_symlink) int32_t r_path_symlink(int32_t, int32_t, int32_t, int32_t, int32_t);
IMP(path_readlink) int32_t r_path_readlink(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
IMP(fd_prestat_get) int32_t r_fd_prestat_get(int32_t, int32_t);
IMP(path_rename) int32_t r_path_rename(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
IMP(sock_accept) int32_t r_sock_accept(int32_t, int32_t, int32_t);
IMP(sock_recv) int32_t r_sock_recv(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
IMP(fd_fdstat_set_rights) int32_t r_fd_fdstat_set_rights(int32_t, int64_t, int64_t);

static uint64_t u64;
static uint32_t u32a, u32b;
static char buf[256];
#define A(p) ((int32_t)(uintptr_t)(p))
#define S(s) A(s), (int32_t)strlen(s)
#define BIG ((int32_t)0xfffffff0)

static void pr(const char *name, int32_t e) { printf("%s: %s\n", name, errname(e)); }

static int32_t openf(const char *p, int32_t of, int64_t rights, int32_t fdfl) {
    uint32_t fd = 0;
    int32_t e = r_path_open(3, 1, S(p), of, rights, rights, fdfl, A(&fd));
    return e ? -e : (int32_t)fd;
}

static void test(const char *t) {
    if (!strcmp(t, "seek-whence-3")) pr(t, r_fd_seek(0, 0, 3, A(&u64)));
    else if (!strcmp(t, "seek-whence-7-file")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_seek(fd, 0, 7, A(&u64))); }
    else if (!strcmp(t, "seek-whence-256-file")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_seek(fd, 0, 256, A(&u64))); printf("  pos %llu\n", (unsigned long long)u64); }
    else if (!strcmp(t, "seek-badfd-whence-7")) pr(t, r_fd_seek(77, 0, 7, A(&u64)));
    else if (!strcmp(t, "seek-retptr-oob")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_seek(fd, 0, 0, BIG)); }
    else if (!strcmp(t, "clock-99")) pr(t, r_clock_time_get(99, 0, A(&u64)));
    else if (!strcmp(t, "clock-4")) pr(t, r_clock_time_get(4, 0, A(&u64)));
    else if (!strcmp(t, "clockres-99")) pr(t, r_clock_res_get(99, A(&u64)));
    else if (!strcmp(t, "clock-oob")) pr(t, r_clock_time_get(0, 0, BIG));
    else if (!strcmp(t, "clock-unaligned")) pr(t, r_clock_time_get(0, 0, A(buf) + 1));
    else if (!strcmp(t, "advise-9")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_advise(fd, 0, 0, 9)); }
    else if (!strcmp(t, "advise-ok")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_advise(fd, 0, 10, 2)); }
    else if (!strcmp(t, "advise-badfd-9")) pr(t, r_fd_advise(99, 0, 0, 9));
    else if (!strcmp(t, "open-oflags-ff")) { uint32_t fd; pr(t, r_path_open(3, 0, S("hello.txt"), 0xff, 0x1fffffffLL, 0x1fffffffLL, 0, A(&fd))); }
    else if (!strcmp(t, "open-oflags-16")) { uint32_t fd; pr(t, r_path_open(3, 0, S("hello.txt"), 16, 0x1fffffffLL, 0x1fffffffLL, 0, A(&fd))); }
    else if (!strcmp(t, "open-fdflags-ff")) { uint32_t fd; pr(t, r_path_open(3, 0, S("hello.txt"), 0, 0x1fffffffLL, 0x1fffffffLL, 0xff, A(&fd))); }
    else if (!strcmp(t, "open-fdflags-32")) { uint32_t fd; pr(t, r_path_open(3, 0, S("hello.txt"), 0, 0x1fffffffLL, 0x1fffffffLL, 32, A(&fd))); }
    else if (!strcmp(t, "open-lookup-2")) { uint32_t fd; pr(t, r_path_open(3, 2, S("hello.txt"), 0, 0x1fffffffLL, 0x1fffffffLL, 0, A(&fd))); }
    else if (!strcmp(t, "open-rights-0")) { uint32_t fd; int32_t e = r_path_open(3, 0, S("hello.txt"), 0, 0, 0, 0, A(&fd)); pr(t, e);
        if (!e) { printf("  read: %s\n", errname(r_fd_read(fd, A(buf), 0, A(&u32a)))); } }
    else if (!strcmp(t, "open-rights-bit40")) { uint32_t fd; pr(t, r_path_open(3, 0, S("hello.txt"), 0, 1LL << 40, 0, 0, A(&fd))); }
    else if (!strcmp(t, "open-path-oob")) { uint32_t fd; pr(t, r_path_open(3, 0, BIG, 100, 0, 0x1fffffffLL, 0x1fffffffLL, 0, A(&fd))); }
    else if (!strcmp(t, "open-path-badutf8")) { uint32_t fd; pr(t, r_path_open(3, 0, S("\xff\xfe"), 0, 0x1fffffffLL, 0x1fffffffLL, 0, A(&fd))); }
    else if (!strcmp(t, "open-path-nul")) { uint32_t fd; pr(t, r_path_open(3, 0, A("hello.txt\0x"), 11, 0, 0x1fffffffLL, 0x1fffffffLL, 0, A(&fd))); }
    else if (!strcmp(t, "open-path-empty")) { uint32_t fd; pr(t, r_path_open(3, 0, A(""), 0, 0, 0x1fffffffLL, 0x1fffffffLL, 0, A(&fd))); }
    else if (!strcmp(t, "open-retptr-oob")) { pr(t, r_path_open(3, 0, S("hello.txt"), 0, 0x1fffffffLL, 0x1fffffffLL, 0, BIG)); }
    else if (!strcmp(t, "open-dir-on-stdin")) { uint32_t fd; pr(t, r_path_open(0, 0, S("hello.txt"), 0, 0x1fffffffLL, 0x1fffffffLL, 0, A(&fd))); }
    else if (!strcmp(t, "setflags-ff")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_fdstat_set_flags(fd, 0xff)); }
    else if (!strcmp(t, "setflags-sync")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_fdstat_set_flags(fd, 16)); }
    else if (!strcmp(t, "setflags-append")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_fdstat_set_flags(fd, 1)); }
    else if (!strcmp(t, "setflags-stdout-nonblock")) { pr(t, r_fd_fdstat_set_flags(1, 4)); }
    else if (!strcmp(t, "filestat-lookup-ff")) pr(t, r_path_filestat_get(3, 0xff, S("hello.txt"), A(buf)));
    else if (!strcmp(t, "filestat-oob")) pr(t, r_path_filestat_get(3, 0, S("hello.txt"), BIG));
    else if (!strcmp(t, "settimes-ff")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_filestat_set_times(fd, 0, 0, 0xff)); }
    else if (!strcmp(t, "settimes-both")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_filestat_set_times(fd, 0, 0, 3)); }
    else if (!strcmp(t, "settimes-0")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_filestat_set_times(fd, 0, 0, 0)); }
    else if (!strcmp(t, "psettimes-ff")) pr(t, r_path_filestat_set_times(3, 0, S("hello.txt"), 0, 0, 0xff));
    else if (!strcmp(t, "psettimes-both")) pr(t, r_path_filestat_set_times(3, 0, S("hello.txt"), 0, 0, 12));
    else if (!strcmp(t, "write-iov-oob")) { pr(t, r_fd_write(1, BIG, 1, A(&u32a))); }
    else if (!strcmp(t, "write-buf-oob")) { int32_t iov[2] = {BIG, 100}; pr(t, r_fd_write(1, A(iov), 1, A(&u32a))); }
    else if (!strcmp(t, "write-partial-oob")) { int32_t iov[4] = {A("ok\n"), 3, BIG, 100}; int32_t e = r_fd_write(1, A(iov), 2, A(&u32a)); pr(t, e); printf("  n=%u\n", u32a); }
    else if (!strcmp(t, "write-iovcnt-huge")) { int32_t iov[2] = {A("x"), 1}; pr(t, r_fd_write(1, A(iov), 0x7fffffff, A(&u32a))); }
    else if (!strcmp(t, "write-ret-oob")) { int32_t iov[2] = {A("written\n"), 8}; pr(t, r_fd_write(1, A(iov), 1, BIG)); }
    else if (!strcmp(t, "write-0-iovs")) { u32a = 9; pr(t, r_fd_write(1, A(buf), 0, A(&u32a))); printf("  n=%u\n", u32a); }
    else if (!strcmp(t, "read-buf-oob")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); int32_t iov[2] = {BIG, 100}; pr(t, r_fd_read(fd, A(iov), 1, A(&u32a))); }
    else if (!strcmp(t, "raise-0")) pr(t, r_proc_raise(0));
    else if (!strcmp(t, "raise-100")) pr(t, r_proc_raise(100));
    else if (!strcmp(t, "raise-usr1")) pr(t, r_proc_raise(10));
    else if (!strcmp(t, "shutdown-9")) pr(t, r_sock_shutdown(0, 9));
    else if (!strcmp(t, "shutdown-1")) pr(t, r_sock_shutdown(0, 1));
    else if (!strcmp(t, "shutdown-badfd")) pr(t, r_sock_shutdown(99, 1));
    else if (!strcmp(t, "accept-stdin")) pr(t, r_sock_accept(0, 0, A(&u32a)));
    else if (!strcmp(t, "accept-badfd")) pr(t, r_sock_accept(99, 0, A(&u32a)));
    else if (!strcmp(t, "accept-dir")) pr(t, r_sock_accept(3, 0, A(&u32a)));
    else if (!strcmp(t, "accept-flags-ff")) pr(t, r_sock_accept(3, 0xff, A(&u32a)));
    else if (!strcmp(t, "recv-stdin")) { int32_t iov[2] = {A(buf), 10}; pr(t, r_sock_recv(0, A(iov), 1, 0, A(&u32a), A(&u32b))); }
    else if (!strcmp(t, "random-0")) pr(t, r_random_get(A(buf), 0));
    else if (!strcmp(t, "random-oob")) pr(t, r_random_get(BIG, 100));
    else if (!strcmp(t, "random-big")) { static char rb[1 << 20]; pr(t, r_random_get(A(rb), sizeof rb)); }
    else if (!strcmp(t, "prestat-name-short")) { memset(buf, '#', 10); int32_t e = r_fd_prestat_dir_name(3, A(buf), 0); pr(t, e); printf("  buf %.4s\n", buf); }
    else if (!strcmp(t, "prestat-name-long")) { memset(buf, '#', 10); int32_t e = r_fd_prestat_dir_name(3, A(buf), 10); pr(t, e); printf("  buf %.10s\n", buf); }
    else if (!strcmp(t, "prestat-name-stdin")) pr(t, r_fd_prestat_dir_name(0, A(buf), 10));
    else if (!strcmp(t, "prestat-get-all")) { for (int fd = 0; fd < 6; fd++) { uint32_t ps[2] = {77, 77}; int32_t e = r_fd_prestat_get(fd, A(ps)); printf("%s fd %d: %s tag %u len %u\n", t, fd, errname(e), ps[0] & 0xff, ps[1]); } }
    else if (!strcmp(t, "prestat-get-opened")) { int fd = openf("data", 2, 0x1fffffffLL, 0); uint32_t ps[2]; pr(t, r_fd_prestat_get(fd, A(ps))); }
    else if (!strcmp(t, "mkdir-empty")) pr(t, r_path_create_directory(3, A(""), 0));
    else if (!strcmp(t, "mkdir-dot")) pr(t, r_path_create_directory(3, S(".")));
    else if (!strcmp(t, "mkdir-trailing-slash")) { pr(t, r_path_create_directory(3, S("newd/"))); r_path_remove_directory(3, S("newd")); }
    else if (!strcmp(t, "unlink-dir")) pr(t, r_path_unlink_file(3, S("data")));
    else if (!strcmp(t, "unlink-dir-slash")) pr(t, r_path_unlink_file(3, S("data/")));
    else if (!strcmp(t, "unlink-file-slash")) pr(t, r_path_unlink_file(3, S("hello.txt/")));
    else if (!strcmp(t, "unlink-on-file-fd")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_path_unlink_file(fd, S("x"))); }
    else if (!strcmp(t, "poll-0")) { pr(t, r_poll_oneoff(A(buf), A(buf + 128), 0, A(&u32a))); }
    else if (!strcmp(t, "poll-badtag")) { __wasi_subscription_t s; memset(&s, 0, sizeof s); s.u.tag = 7; __wasi_event_t ev; int32_t e = r_poll_oneoff(A(&s), A(&ev), 1, A(&u32a)); pr(t, e); if (!e) printf("  n=%u err=%s type=%u\n", u32a, errname(ev.error), ev.type); }
    else if (!strcmp(t, "poll-badclock")) { __wasi_subscription_t s; memset(&s, 0, sizeof s); s.u.tag = 0; s.u.u.clock.id = 9; __wasi_event_t ev; int32_t e = r_poll_oneoff(A(&s), A(&ev), 1, A(&u32a)); pr(t, e); if (!e) printf("  n=%u err=%s type=%u\n", u32a, errname(ev.error), ev.type); }
    else if (!strcmp(t, "poll-clockflags-ff")) { __wasi_subscription_t s; memset(&s, 0, sizeof s); s.u.tag = 0; s.u.u.clock.id = 1; s.u.u.clock.flags = 0xff; __wasi_event_t ev; int32_t e = r_poll_oneoff(A(&s), A(&ev), 1, A(&u32a)); pr(t, e); if (!e) printf("  n=%u err=%s type=%u\n", u32a, errname(ev.error), ev.type); }
    else if (!strcmp(t, "poll-abstime-past")) { __wasi_subscription_t s; memset(&s, 0, sizeof s); s.userdata = 42; s.u.tag = 0; s.u.u.clock.id = 1; s.u.u.clock.flags = 1; s.u.u.clock.timeout = 1; __wasi_event_t ev; int32_t e = r_poll_oneoff(A(&s), A(&ev), 1, A(&u32a)); pr(t, e); if (!e) printf("  n=%u err=%s type=%u ud=%llu\n", u32a, errname(ev.error), ev.type, (unsigned long long)ev.userdata); }
    else if (!strcmp(t, "poll-realtime-abs")) { __wasi_subscription_t s; memset(&s, 0, sizeof s); s.u.tag = 0; s.u.u.clock.id = 0; s.u.u.clock.flags = 1; s.u.u.clock.timeout = 1; __wasi_event_t ev; int32_t e = r_poll_oneoff(A(&s), A(&ev), 1, A(&u32a)); pr(t, e); if (!e) printf("  n=%u err=%s type=%u\n", u32a, errname(ev.error), ev.type); }
    else if (!strcmp(t, "poll-cputime")) { __wasi_subscription_t s; memset(&s, 0, sizeof s); s.u.tag = 0; s.u.u.clock.id = 2; s.u.u.clock.timeout = 1000; __wasi_event_t ev; int32_t e = r_poll_oneoff(A(&s), A(&ev), 1, A(&u32a)); pr(t, e); if (!e) printf("  n=%u err=%s type=%u\n", u32a, errname(ev.error), ev.type); }
    else if (!strcmp(t, "poll-read-dir")) { __wasi_subscription_t s; memset(&s, 0, sizeof s); s.u.tag = 1; s.u.u.fd_read.file_descriptor = 3; __wasi_event_t ev; int32_t e = r_poll_oneoff(A(&s), A(&ev), 1, A(&u32a)); pr(t, e); if (!e) printf("  n=%u err=%s type=%u nbytes=%llu\n", u32a, errname(ev.error), ev.type, (unsigned long long)ev.fd_readwrite.nbytes); }
    else if (!strcmp(t, "poll-read-file")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); __wasi_subscription_t s; memset(&s, 0, sizeof s); s.u.tag = 1; s.u.u.fd_read.file_descriptor = fd; __wasi_event_t ev; int32_t e = r_poll_oneoff(A(&s), A(&ev), 1, A(&u32a)); pr(t, e); if (!e) printf("  n=%u err=%s type=%u nbytes=%llu\n", u32a, errname(ev.error), ev.type, (unsigned long long)ev.fd_readwrite.nbytes); }
    else if (!strcmp(t, "poll-write-file")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); __wasi_subscription_t s; memset(&s, 0, sizeof s); s.u.tag = 2; s.u.u.fd_write.file_descriptor = fd; __wasi_event_t ev; int32_t e = r_poll_oneoff(A(&s), A(&ev), 1, A(&u32a)); pr(t, e); if (!e) printf("  n=%u err=%s type=%u nbytes=%llu\n", u32a, errname(ev.error), ev.type, (unsigned long long)ev.fd_readwrite.nbytes); }
    else if (!strcmp(t, "poll-read-empty-stdin")) { __wasi_subscription_t s; memset(&s, 0, sizeof s); s.u.tag = 1; s.u.u.fd_read.file_descriptor = 0; __wasi_event_t ev; int32_t e = r_poll_oneoff(A(&s), A(&ev), 1, A(&u32a)); pr(t, e); if (!e) printf("  n=%u err=%s type=%u nbytes=%llu flags=%u\n", u32a, errname(ev.error), ev.type, (unsigned long long)ev.fd_readwrite.nbytes, ev.fd_readwrite.flags); }
    else if (!strcmp(t, "poll-write-stdout")) { __wasi_subscription_t s; memset(&s, 0, sizeof s); s.u.tag = 2; s.u.u.fd_write.file_descriptor = 1; __wasi_event_t ev; int32_t e = r_poll_oneoff(A(&s), A(&ev), 1, A(&u32a)); pr(t, e); if (!e) printf("  n=%u err=%s type=%u flags=%u\n", u32a, errname(ev.error), ev.type, ev.fd_readwrite.flags); }
    else if (!strcmp(t, "poll-in-oob")) pr(t, r_poll_oneoff(BIG, A(buf), 1, A(&u32a)));
    else if (!strcmp(t, "poll-out-oob")) { __wasi_subscription_t s; memset(&s, 0, sizeof s); s.u.tag = 0; s.u.u.clock.id = 1; pr(t, r_poll_oneoff(A(&s), BIG, 1, A(&u32a))); }
    else if (!strcmp(t, "readdir-cookie-huge")) { int32_t e = r_fd_readdir(3, A(buf), sizeof buf, 1000000, A(&u32a)); pr(t, e); printf("  n=%u\n", u32a); }
    else if (!strcmp(t, "readdir-buf-small")) { int32_t e = r_fd_readdir(3, A(buf), 10, 0, A(&u32a)); pr(t, e); printf("  n=%u namlen=%u type=%u\n", u32a, *(uint32_t *)(buf + 16), (unsigned char)buf[20]); }
    else if (!strcmp(t, "readdir-buf-0")) { int32_t e = r_fd_readdir(3, A(buf), 0, 0, A(&u32a)); pr(t, e); printf("  n=%u\n", u32a); }
    else if (!strcmp(t, "readdir-file")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_readdir(fd, A(buf), sizeof buf, 0, A(&u32a))); }
    else if (!strcmp(t, "readdir-stdin")) { pr(t, r_fd_readdir(0, A(buf), sizeof buf, 0, A(&u32a))); }
    else if (!strcmp(t, "readdir-oob")) { pr(t, r_fd_readdir(3, BIG, 100, 0, A(&u32a))); }
    else if (!strcmp(t, "readdir-dot-inode")) { int32_t e = r_fd_readdir(3, A(buf), sizeof buf, 0, A(&u32a)); pr(t, e); printf("  first next=%llu namlen=%u\n", (unsigned long long)*(uint64_t *)buf, *(uint32_t *)(buf + 16)); }
    else if (!strcmp(t, "close-preopen")) { pr(t, r_fd_close(3)); uint32_t fd; printf("  open after: %s\n", errname(r_path_open(3, 0, S("hello.txt"), 0, 0x1fffffffLL, 0x1fffffffLL, 0, A(&fd)))); }
    else if (!strcmp(t, "close-stdout")) { int32_t e = r_fd_close(1); printf("  (stdout closed)\n"); fprintf(stderr, "close-stdout: %s\n", errname(e)); }
    else if (!strcmp(t, "renumber-to-new")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_renumber(fd, 50)); }
    else if (!strcmp(t, "renumber-same")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_renumber(fd, fd)); }
    else if (!strcmp(t, "renumber-onto-stdin")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); int32_t e = r_fd_renumber(fd, 0); pr(t, e); if (!e) { int n = fread(buf, 1, 5, stdin); printf("  stdin now reads %d '%.5s'\n", n, buf); } }
    else if (!strcmp(t, "renumber-onto-preopen")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); int32_t e = r_fd_renumber(fd, 3); pr(t, e); uint32_t ps[2]; printf("  prestat 3: %s\n", errname(r_fd_prestat_get(3, A(ps)))); }
    else if (!strcmp(t, "renumber-preopen-away")) { int32_t e = r_fd_renumber(3, 20); pr(t, e); uint32_t ps[2]; printf("  prestat 20: %s\n", errname(r_fd_prestat_get(20, A(ps)))); }
    else if (!strcmp(t, "renumber-then-open")) { int a = openf("hello.txt", 0, 0x1fffffffLL, 0); int b = openf("hello.txt", 0, 0x1fffffffLL, 0); r_fd_renumber(a, 30); int c = openf("hello.txt", 0, 0x1fffffffLL, 0); printf("%s: a=%d b=%d c=%d\n", t, a, b, c); }
    else if (!strcmp(t, "args-oob")) pr(t, r_args_get(BIG, BIG));
    else if (!strcmp(t, "env-sizes-oob")) pr(t, r_environ_sizes_get(BIG, A(&u32a)));
    else if (!strcmp(t, "fdstat-oob")) pr(t, r_fd_fdstat_get(1, BIG));
    else if (!strcmp(t, "fdstat-badfd-oob")) pr(t, r_fd_fdstat_get(99, BIG));
    else if (!strcmp(t, "fdstat-all")) { for (int fd = 0; fd < 5; fd++) { __wasi_fdstat_t st; int32_t e = r_fd_fdstat_get(fd, A(&st)); printf("%s fd %d: %s type=%u flags=%u base=%llx inh=%llx\n", t, fd, errname(e), st.fs_filetype, st.fs_flags, (unsigned long long)st.fs_rights_base, (unsigned long long)st.fs_rights_inheriting); } }
    else if (!strcmp(t, "filestat-stdio")) { for (int fd = 0; fd < 3; fd++) { __wasi_filestat_t st; int32_t e = __wasi_fd_filestat_get(fd, &st); printf("%s fd %d: %s type=%u nlink=%llu size=%llu\n", t, fd, errname(e), st.filetype, (unsigned long long)st.nlink, (unsigned long long)st.size); } }
    else if (!strcmp(t, "tell-stdout")) pr(t, r_fd_tell(1, A(&u64)));
    else if (!strcmp(t, "tell-dir")) pr(t, r_fd_tell(3, A(&u64)));
    else if (!strcmp(t, "pread-negative")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); int32_t iov[2] = {A(buf), 10}; pr(t, r_fd_pread(fd, A(iov), 1, -1, A(&u32a))); }
    else if (!strcmp(t, "pread-stdin")) { int32_t iov[2] = {A(buf), 10}; pr(t, r_fd_pread(0, A(iov), 1, 0, A(&u32a))); }
    else if (!strcmp(t, "allocate-file")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_allocate(fd, 0, 100)); }
    else if (!strcmp(t, "allocate-stdout")) pr(t, r_fd_allocate(1, 0, 100));
    else if (!strcmp(t, "setsize-negative")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_filestat_set_size(fd, -1)); }
    else if (!strcmp(t, "setsize-stdout")) pr(t, r_fd_filestat_set_size(1, 0));
    else if (!strcmp(t, "setsize-rdonly")) { int fd = openf("hello.txt", 0, 0x1fffffffLL, 0); pr(t, r_fd_filestat_set_size(fd, 26)); }
    else if (!strcmp(t, "setrights-stdout")) pr(t, r_fd_fdstat_set_rights(1, 0, 0));
    else if (!strcmp(t, "setrights-badfd")) pr(t, r_fd_fdstat_set_rights(99, 0, 0));
    else if (!strcmp(t, "yield")) pr(t, r_sched_yield());
    else if (!strcmp(t, "symlink-empty-target")) { int32_t e = r_path_symlink(A(""), 0, 3, S("emptylink")); pr(t, e); if (!e) r_path_unlink_file(3, S("emptylink")); }
    else if (!strcmp(t, "symlink-dot")) { int32_t e = r_path_symlink(S("x"), 3, S(".")); pr(t, e); }
    else if (!strcmp(t, "readlink-buf-0")) { int32_t e = r_path_readlink(3, S("data/link-hello"), A(buf), 0, A(&u32a)); pr(t, e); printf("  n=%u\n", u32a); }
    else if (!strcmp(t, "readlink-buf-5")) { int32_t e = r_path_readlink(3, S("data/link-hello"), A(buf), 5, A(&u32a)); pr(t, e); printf("  n=%u '%.5s'\n", u32a, buf); }
    else if (!strcmp(t, "readlink-dir")) pr(t, r_path_readlink(3, S("data"), A(buf), 100, A(&u32a)));
    else if (!strcmp(t, "readlink-through-link")) { int32_t e = r_path_readlink(3, S("data/link-hello/"), A(buf), 100, A(&u32a)); pr(t, e); }
    else if (!strcmp(t, "rename-to-self")) pr(t, r_path_rename(3, S("hello.txt"), 3, S("hello.txt")));
    else if (!strcmp(t, "rename-dir-into-self")) pr(t, r_path_rename(3, S("data"), 3, S("data/sub/inner")));
    else if (!strcmp(t, "rename-file-over-dir")) pr(t, r_path_rename(3, S("hello.txt"), 3, S("data")));
    else if (!strcmp(t, "rename-dir-over-file")) pr(t, r_path_rename(3, S("data/sub"), 3, S("hello.txt")));
    else if (!strcmp(t, "rename-dir-over-nonempty")) pr(t, r_path_rename(3, S("data/sub/deeper"), 3, S("data/sub")));
    else if (!strcmp(t, "rename-missing")) pr(t, r_path_rename(3, S("nope"), 3, S("nope2")));
    else if (!strcmp(t, "rename-dot")) pr(t, r_path_rename(3, S("."), 3, S("x")));
    else if (!strcmp(t, "rename-badfd2")) pr(t, r_path_rename(3, S("hello.txt"), 99, S("x")));
    else if (!strcmp(t, "rename-file-slash")) pr(t, r_path_rename(3, S("hello.txt"), 3, S("h2/")));
    else if (!strcmp(t, "fdread-stdout")) { int32_t iov[2] = {A(buf), 10}; pr(t, r_fd_read(1, A(iov), 1, A(&u32a))); }
    else if (!strcmp(t, "fdwrite-stdin")) { int32_t iov[2] = {A(buf), 1}; pr(t, r_fd_write(0, A(iov), 1, A(&u32a))); }
    else if (!strcmp(t, "align-fdstat")) { static char ab[64] __attribute__((aligned(8))); pr(t, r_fd_fdstat_get(1, A(ab) + 1)); }
    else if (!strcmp(t, "align-iovs")) { static int32_t ai[8] __attribute__((aligned(8))); char *q = (char *)ai + 2; int32_t iov[2] = {A("aligned?\n"), 9}; memcpy(q, iov, 8); pr(t, r_fd_write(1, A(q), 1, A(&u32a))); }
    else if (!strcmp(t, "align-nwritten")) { static char ab[16] __attribute__((aligned(8))); int32_t iov[2] = {A("nw\n"), 3}; pr(t, r_fd_write(1, A(iov), 1, A(ab) + 1)); }
    else if (!strcmp(t, "align-args-sizes")) { static char ab[16] __attribute__((aligned(8))); pr(t, __wasi_args_sizes_get((void *)(ab + 1), (void *)(ab + 8))); }
    else if (!strcmp(t, "align-filestat")) { static char ab[128] __attribute__((aligned(8))); pr(t, r_path_filestat_get(3, 0, S("hello.txt"), A(ab) + 4)); }
    else if (!strcmp(t, "align-prestat")) { static char ab[16] __attribute__((aligned(8))); pr(t, r_fd_prestat_get(3, A(ab) + 1)); }
    else if (!strcmp(t, "align-readdir-buf")) { static char ab[512] __attribute__((aligned(8))); pr(t, r_fd_readdir(3, A(ab) + 1, 200, 0, A(&u32a))); }
    else if (!strcmp(t, "align-poll-subs")) { static char ab[256] __attribute__((aligned(8))); __wasi_subscription_t s; memset(&s, 0, sizeof s); s.u.tag = 0; s.u.u.clock.id = 1; memcpy(ab + 4, &s, sizeof s); __wasi_event_t ev; pr(t, r_poll_oneoff(A(ab) + 4, A(&ev), 1, A(&u32a))); }
    else printf("%s: unknown test\n", t);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    for (int i = 1; i < argc; i++) {
        int link = !strncmp(argv[i], "readlink-", 9);
        if (link && symlink("../hello.txt", "data/link-hello")) printf("symlink setup: %s\n", errname(errno));
        test(argv[i]);
        if (link) unlink("data/link-hello");
    }
    return 0;
}
