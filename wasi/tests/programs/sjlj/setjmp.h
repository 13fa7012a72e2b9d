/* setjmp/longjmp over Wasm exceptions, for wasi-libc builds that have no
 * <setjmp.h> (Debian's is from 2022). clang lowers every call of setjmp and
 * longjmp itself under `-mllvm -wasm-enable-sjlj`, into calls of the three
 * functions of runtime.c and a try_table catching the `__c_longjmp` tag:
 * these declarations are all a program needs. */
#ifndef SJLJ_SETJMP_H
#define SJLJ_SETJMP_H

/* runtime.c's `struct jump` fits in it; the size leaves room to spare. */
typedef struct {
    void *words[8];
} jmp_buf[1];

int setjmp(jmp_buf env) __attribute__((returns_twice));
_Noreturn void longjmp(jmp_buf env, int val);

#endif
