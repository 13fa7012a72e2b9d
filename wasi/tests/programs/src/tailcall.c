// Guaranteed tail calls (clang's musttail, Wasm's return_call and
// return_call_indirect under -mtail-call): a bytecode interpreter whose
// handlers reach each other through a table of function pointers, and a
// mutual recursion ten million calls deep. Both run in constant stack only
// where tail calls are real; without them the recursion overflows.
// cflags: -mtail-call
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { HALT, LOADI, ADD, ADDI, MUL, MOD, DIVU, JNZ, JLT, MOV, OUT, NOPS };

typedef struct {
    uint8_t op, a, b, c;
    int32_t imm;
} Instr;

typedef uint64_t (*Handler)(const Instr *pc, uint64_t *r, uint64_t acc);

static const Handler table[NOPS];

#define NEXT(pc, r, acc) __attribute__((musttail)) return table[(pc)->op]((pc), (r), (acc))

static uint64_t op_halt(const Instr *pc, uint64_t *r, uint64_t acc) { return acc; }
static uint64_t op_loadi(const Instr *pc, uint64_t *r, uint64_t acc) {
    r[pc->a] = (uint64_t)(int64_t)pc->imm;
    NEXT(pc + 1, r, acc);
}
static uint64_t op_add(const Instr *pc, uint64_t *r, uint64_t acc) {
    r[pc->a] = r[pc->b] + r[pc->c];
    NEXT(pc + 1, r, acc);
}
static uint64_t op_addi(const Instr *pc, uint64_t *r, uint64_t acc) {
    r[pc->a] = r[pc->b] + (uint64_t)(int64_t)pc->imm;
    NEXT(pc + 1, r, acc);
}
static uint64_t op_mul(const Instr *pc, uint64_t *r, uint64_t acc) {
    r[pc->a] = r[pc->b] * r[pc->c];
    NEXT(pc + 1, r, acc);
}
static uint64_t op_mod(const Instr *pc, uint64_t *r, uint64_t acc) {
    r[pc->a] = r[pc->b] % r[pc->c];
    NEXT(pc + 1, r, acc);
}
static uint64_t op_divu(const Instr *pc, uint64_t *r, uint64_t acc) {
    r[pc->a] = r[pc->b] / r[pc->c];
    NEXT(pc + 1, r, acc);
}
static uint64_t op_jnz(const Instr *pc, uint64_t *r, uint64_t acc) {
    pc = r[pc->a] ? pc + pc->imm : pc + 1;
    NEXT(pc, r, acc);
}
static uint64_t op_jlt(const Instr *pc, uint64_t *r, uint64_t acc) {
    pc = r[pc->a] < r[pc->b] ? pc + pc->imm : pc + 1;
    NEXT(pc, r, acc);
}
static uint64_t op_mov(const Instr *pc, uint64_t *r, uint64_t acc) {
    r[pc->a] = r[pc->b];
    NEXT(pc + 1, r, acc);
}
static uint64_t op_out(const Instr *pc, uint64_t *r, uint64_t acc) {
    acc = acc * 31 + r[pc->a];
    NEXT(pc + 1, r, acc);
}

static const Handler table[NOPS] = {op_halt, op_loadi, op_add, op_addi, op_mul, op_mod,
                                    op_divu, op_jnz,  op_jlt, op_mov,  op_out};

// Counts the primes below r1 by trial division and folds each into the
// accumulator: r0 = candidate, r2 = divisor, r3 = scratch, r4 = count.
static const Instr primes[] = {
    {LOADI, 0, 0, 0, 2},   // 0: n = 2
    {LOADI, 4, 0, 0, 0},   // 1: count = 0
    {LOADI, 2, 0, 0, 2},   // 2: loop: d = 2
    {MUL, 3, 2, 2, 0},     // 3: inner: s = d * d
    {JLT, 0, 3, 0, 7},     // 4: if n < s: prime (-> 11)
    {MOD, 3, 0, 2, 0},     // 5: s = n % d
    {JNZ, 3, 0, 0, 3},     // 6: if s: next divisor (-> 9)
    {ADDI, 0, 0, 0, 1},    // 7: composite: n += 1
    {JLT, 0, 1, 0, -6},    // 8: if n < limit: loop (-> 2)
    {ADDI, 2, 2, 0, 1},    // 9: d += 1 ...
    {JNZ, 2, 0, 0, -7},    // 10: ... and test it (-> 3; d is never 0)
    {OUT, 0, 0, 0, 0},     // 11: prime: fold n
    {ADDI, 4, 4, 0, 1},    // 12: count += 1
    {ADDI, 0, 0, 0, 1},    // 13: n += 1
    {JLT, 0, 1, 0, -12},   // 14: if n < limit: loop (-> 2)
    {OUT, 4, 0, 0, 0},     // 15: fold the count
    {HALT, 0, 0, 0, 0},
};

static int is_odd(uint32_t n, uint32_t steps);

// Mutual recursion in tail position, one call per step.
static int is_even(uint32_t n, uint32_t steps) {
    if (n == 0) return 1;
    __attribute__((musttail)) return is_odd(n - 1, steps + 1);
}

static int is_odd(uint32_t n, uint32_t steps) {
    if (n == 0) return 0;
    __attribute__((musttail)) return is_even(n - 1, steps + 1);
}

int main(int argc, char **argv) {
    uint64_t limit = argc > 1 ? strtoull(argv[1], NULL, 10) : 30000;
    uint64_t r[8] = {0};
    r[1] = limit;
    uint64_t h = table[primes[0].op](primes, r, 0);
    printf("primes below %llu: %llu, hash %llu\n", (unsigned long long)limit,
           (unsigned long long)r[4], (unsigned long long)h);
    volatile uint32_t depth = 10000001;
    printf("is_even(%u) = %d\n", depth, is_even(depth, 0));
    printf("is_odd(%u) = %d\n", depth, is_odd(depth, 0));
    return 0;
}
