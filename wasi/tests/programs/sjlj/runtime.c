/* The runtime half of clang's setjmp/longjmp lowering to Wasm exceptions
 * (`-fwasm-exceptions -mllvm -wasm-enable-sjlj`), which newer wasi-libc
 * ships as libsetjmp. The compiler does the rest:
 *
 * - `setjmp(env)` in a function F becomes `__wasm_setjmp(env, label, id)`,
 *   where `label` names this setjmp call site within F and `id` is unique
 *   to this invocation of F (the address of a stack slot of F).
 * - `longjmp(env, val)` becomes `__wasm_longjmp(env, val)`, which throws
 *   the `__c_longjmp` tag with a pointer to `{env, val}`.
 * - Every call in F that may longjmp sits in a try_table catching that tag;
 *   the handler asks `__wasm_setjmp_test(env, id)` which setjmp of this
 *   invocation `env` belongs to: a label to resume at, or 0 when `env` was
 *   set by another function (or another invocation of F), in which case it
 *   calls `__wasm_longjmp` again to pass the jump outward. */
#include <stdint.h>

struct jump {
    void *invocation;
    uint32_t label;
    /* The thrown payload: the handler reads `env` at offset 0 and `val` at
     * offset 4. It lives in the jmp_buf, which outlives the unwinding, not
     * on the stack of the function that throws. */
    struct {
        void *env;
        int val;
    } payload;
};

_Static_assert(sizeof(struct jump) <= 8 * sizeof(void *), "jmp_buf too small");

/* The tag itself; wasm-ld wants exactly one definition of it. Its one
 * parameter is the payload pointer. */
__asm__(".globl __c_longjmp\n"
        ".tagtype __c_longjmp i32\n"
        "__c_longjmp:\n");

void __wasm_setjmp(void *env, uint32_t label, void *invocation) {
    struct jump *jump = env;
    jump->invocation = invocation;
    jump->label = label;
}

uint32_t __wasm_setjmp_test(void *env, void *invocation) {
    struct jump *jump = env;
    return jump->invocation == invocation ? jump->label : 0;
}

_Noreturn void __wasm_longjmp(void *env, int val) {
    struct jump *jump = env;
    jump->payload.env = env;
    /* C: longjmp(env, 0) makes setjmp return 1. */
    jump->payload.val = val ? val : 1;
    /* Tag 1 is clang's C longjmp tag (0 is C++'s). */
    __builtin_wasm_throw(1, &jump->payload);
}
