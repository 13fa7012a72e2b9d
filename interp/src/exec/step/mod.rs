//! One instruction's semantics: [`step()`], the whole instruction `match`.
//! Both dispatches run it: the threaded one instantiates it once per
//! encoded tag (a handler), the loop one calls it from its loop.
//!
//! Its arms are written in the operations of the families: the numeric
//! ones on [`Operands`] (`operands.rs`: slots, the accumulator roles, and
//! the unary, binary, immediate and trapping shapes), loads and stores on
//! [`Memory`] (`memory.rs`: addressing and bounds). What stays here as
//! macros is control flow, which must `return` from `step` (a trap, the
//! next dispatch, a slow path) or switch the running frame.

mod memory;
mod operands;

use super::*;
use memory::Memory;
use operands::Operands;

/// Runs the instruction at `ip`, whose encoded tag is `tag`, then continues
/// with [`dispatch()`]: its body is the whole instruction `match`. Every path
/// ends in a `return`: of a trap status, of 0 when the outermost frame
/// returns, or of the next dispatch.
///
/// # Safety
/// As for [`dispatch()`]; `tag` is the encoded tag of the instruction at `ip`.
#[inline(always)]
pub(super) unsafe fn step<W: Exec>(
    tag: u32,
    ip: *const Instr<W>,
    fp: *mut u64,
    mem_base: *mut u8,
    cx: &mut Cx<W>,
    acc: u64,
) -> u32 {
    let mut o = Operands::new(tag, fp, acc);
    let mut mem = Memory {
        base: mem_base,
        len: cx.mem_len,
    };
    let mut ip = ip;
    let mut vmctx = cx.vmctx;
    let mut code = cx.code;
    let stack = cx.stack;

    // SAFETY: the arms below rely on `step`'s contract (as for `dispatch`,
    // with `tag` the encoded tag of the instruction at `ip`) and on the module
    // invariants (see `exec/mod.rs`):
    // - every slot an instruction names (through `Operands`, and the operand
    //   slots of calls, bulk, table and SIMD instructions) lies in the
    //   running frame at `o.fp`, which lies in the
    //   value stack; a callee's frame is checked to fit (`frame_fits`) before
    //   `call!` switches to it, and `ret!` returns to a suspended frame;
    // - `ip` points at an instruction of `code` whose encoded tag is `tag`,
    //   so `decode` reads the right variant; every path of a translation
    //   ends with a branch or a return, and branches (`br_table` entries
    //   included, of which there are `n >= 1`, each a `BrTarget`) land on
    //   instructions of the same function, so `ip` stays inside its `ops`;
    // - `vmctx` and `code` (and those of the frames in `cx.frames`) are the
    //   live instance and translation of the functions they run, and the
    //   indices in instructions (functions, globals, tables, types,
    //   segments, `aux`, `simd` and `simd_mem` entries) are valid for them;
    //   a `call_indirect` checks the table bounds, the element and its
    //   signature before the call;
    // - `mem` is the running instance's memory 0, reloaded after
    //   `memory.grow` and where a call or return changes the instance, as
    //   `Memory`'s accesses require;
    // - the slow paths reached by a tail call (`call_slow`, `loop_slow`) and
    //   `dispatch` get the state their contracts ask for: `ip` back at the
    //   call or loop head, the running frame, and `cx.callee` set first.
    unsafe {
        macro_rules! trap {
            ($code:expr) => {
                return raise($code)
            };
        }
        // The value of `$e`, or its trap.
        macro_rules! check {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(c) => trap!(c),
                }
            };
        }
        // Continues at `$ip`. `$tag` is an empty instruction sequence (at most
        // a comment), different at each site: LLVM cannot see through it, so it
        // does not merge the dispatch of a taken branch with the fall-through one
        // (or the self-loop's with the general branch's), and each stays a site
        // the branch predictor learns on its own. (Not `dispatch` after the
        // barrier: with the barrier before the table load, LLVM still merged
        // many dispatch sites, and the interpreter ran slower.)
        macro_rules! dispatch_at {
            ($ip:expr, $tag:literal) => {{
                let ip = $ip;
                #[cfg(tandem_dispatch = "threaded")]
                {
                    let next = handler_of(ip);
                    // SAFETY: an empty instruction sequence.
                    std::arch::asm!($tag, options(nomem, nostack, preserves_flags));
                    return next(ip, o.fp, mem.base, cx, o.acc);
                }
                #[cfg(tandem_dispatch = "loop")]
                {
                    return dispatch(ip, o.fp, mem.base, cx, o.acc);
                }
            }};
        }
        // Relative branches (from the branch, which `ip` has already passed).
        // A taken branch dispatches on its own: a conditional branch then stays
        // a branch with two dispatch sites (each predicted on its own) instead
        // of the `cmov` LLVM would pick for so cheap a target, which makes the
        // next dispatch wait for the condition.
        macro_rules! jump {
            ($off:expr) => {
                dispatch_at!(ip.offset($off as isize - 1), "")
            };
        }
        // The branch of an instruction that may be a loop on its own (a counter
        // step, a list walk): jumping to itself, it has its `ip` at hand, so the
        // next iteration need not wait for the offset's load, a dependency that
        // no prediction breaks, so such a one-instruction loop runs much faster.
        // Only where the extra test was measured not to slow other code down:
        // not in every branch, nor in the `i64` counter step.
        macro_rules! loop_jump {
            ($off:expr) => {{
                if $off == 0 {
                    dispatch_at!(ip.sub(1), "/* self */");
                }
                jump!($off)
            }};
        }
        // Switches to the frame of `$callee` (arguments at `$base`), running it
        // in this loop: here if it is a function of this instance, interpreted
        // in this width, and the frame push needs no allocation and few locals
        // to zero, so that this path
        // makes no calls (and the handler saves no registers); in `call_slow`
        // (reached by a tail call) otherwise.
        macro_rules! call {
            ($callee:expr, $base:expr) => {{
                let callee: *const VMFunc = $callee;
                let new_fp = o.fp.add($base.idx());
                let fast = match translated::<W>(callee, vmctx) {
                    Some(c)
                        if cx.frames.len() < cx.frames.capacity()
                            && c.local_slots as usize <= INLINE_ZEROED
                            && frame_fits(stack, new_fp, c)
                            && c.tick() =>
                    {
                        Some(c)
                    }
                    _ => None,
                };
                let Some(ccode) = fast else {
                    cx.callee = callee;
                    return call_slow(ip.sub(1), o.fp, mem.base, cx, o.acc);
                };
                cx.frames.push(Frame {
                    ret: ip,
                    fp: o.fp,
                    vmctx,
                    code,
                });
                let (locals, n) = (
                    new_fp.add(ccode.param_slots as usize),
                    ccode.local_slots as usize,
                );
                for k in 0..n {
                    // Volatile, so that LLVM keeps the loop rather than calling memset.
                    ptr::write_volatile(locals.add(k), 0);
                }
                // Within the instance, the memory stays the same (and
                // `cx.mem_len` current).
                o.fp = new_fp;
                code = ccode;
                let ops = ccode.ops.as_ptr();
                ip = ops;
                (cx.vmctx, cx.code, cx.ops) = (vmctx, code, ops);
            }};
        }
        // The callee of the `call_indirect` whose `aux` entries start at
        // `$at`, after its checks: the element must be in the table, set,
        // and of the expected signature or a subtype of it.
        macro_rules! indirect_callee {
            ($at:expr) => {{
                let (aux, at) = (&(*code).aux, $at as usize);
                let (type_index, table_index, index) = (aux[at], aux[at + 1], aux[at + 2]);
                let table = (*vmctx).table(table_index);
                // An `i64` index of a 64-bit table reads whole, an `i32`
                // one zero-extended.
                let i = o.get::<u64>(index);
                if i >= (*table).len as u64 {
                    trap!(TrapCode::UndefinedElement);
                }
                let callee = *(*table).base.add(i as usize) as *const VMFunc;
                if callee.is_null() {
                    trap!(TrapCode::UninitializedElement);
                }
                if !(*callee).has_type(*(*vmctx).type_ids.add(type_index as usize)) {
                    trap!(TrapCode::BadSignature);
                }
                callee
            }};
        }
        // The callee of the `call_ref` whose `aux` entries start at `$at`:
        // the reference, which must not be null (validation typed it).
        macro_rules! ref_callee {
            ($at:expr) => {{
                let callee = o.get::<u64>((*code).aux[$at as usize + 1]) as *const VMFunc;
                if callee.is_null() {
                    trap!(TrapCode::NullFunctionReference);
                }
                callee
            }};
        }
        macro_rules! ret {
            () => {
                match cx.frames.pop() {
                    None => return 0,
                    Some(f) => {
                        ip = f.ret;
                        o.fp = f.fp;
                        if f.vmctx != vmctx {
                            (mem.base, mem.len) = memory(f.vmctx, f.code);
                            cx.mem_len = mem.len;
                            cx.landing.mem_base = mem.base;
                        }
                        vmctx = f.vmctx;
                        code = f.code;
                        let ops = (*code).ops.as_ptr();
                        (cx.vmctx, cx.code, cx.ops) = (vmctx, code, ops);
                    }
                }
            };
        }
        macro_rules! bulk {
            () => {{
                if let Err(c) = bulk(ip.sub(1), code, vmctx, o.fp) {
                    trap!(c);
                }
            }};
        }

        macro_rules! arms {
            ($($V:ident $VI:ident $B:ident $BI:ident $NB:ident $NBI:ident : $t:ident $o:tt;)*) => {
                // SAFETY: the translator ends every path with a branch or return,
                // so `ip` stays inside the current function's `ops`.
                // In a handler, the decoded instruction has a constant tag, so
                // LLVM keeps only its arm.
                let op = Instr::decode(ip, tag as usize >> MODE_BITS);
                ip = ip.add(1);
                match op {
                    $(
                        Op::$V(d, a, b) => o.put::<bool>(d, o.a::<$t>(a) $o o.b::<$t>(b)),
                        Op::$VI(d, a, i) => o.put::<bool>(d, o.a::<$t>(a) $o (i.sext() as $t)),
                        Op::$B(a, b, t) => if o.a::<$t>(a) $o o.b::<$t>(b) { jump!(t.sext()) },
                        Op::$BI(a, i, t) => if o.a::<$t>(a) $o (i.sext() as $t) { jump!(t.sext()) },
                    )*
                    Op::Unreachable => trap!(TrapCode::Unreachable),
                    Op::Br(t) => jump!(t as i32),
                    Op::BrIfNez(c, t) => if o.a::<u32>(c) != 0 { jump!(t as i32) },
                    Op::BrIfEqz(c, t) => if o.a::<u32>(c) == 0 { jump!(t as i32) },
                    Op::BrIfNez64(c, t) => if o.a::<u64>(c) != 0 { jump!(t as i32) },
                    Op::BrIfEqz64(c, t) => if o.a::<u64>(c) == 0 { jump!(t as i32) },
                    Op::I32AddImmBrNez(x, i, t) | Op::I32AddImmBrEqz(x, i, t) => {
                        let v = o.a::<u32>(x).wrapping_add(i.sext() as u32);
                        o.put::<u64>(x, v as u64);
                        if (v != 0) == matches!(op, Op::I32AddImmBrNez(..)) {
                            loop_jump!(t.sext())
                        }
                    }
                    Op::I64AddImmBrNez(x, i, t) | Op::I64AddImmBrEqz(x, i, t) => {
                        let v = o.a::<u64>(x).wrapping_add(i.sext() as i64 as u64);
                        o.put::<u64>(x, v);
                        if (v != 0) == matches!(op, Op::I64AddImmBrNez(..)) {
                            jump!(t.sext())
                        }
                    }
                    Op::CopyBrNez(d, s, t) => {
                        let v = o.slot(s);
                        o.set_slot(d, v);
                        if v as u32 != 0 {
                            jump!(t.sext())
                        }
                    }
                    Op::CopyBrIfNez(p, c, t) => {
                        let (d, s) = unpack_slots(p.idx());
                        o.set_slot(d, o.slot(s));
                        if o.get::<u32>(c) != 0 {
                            jump!(t.sext())
                        }
                    }
                    Op::I32AddImmCopyBrNez(x, p, t) => {
                        let (y, i) = unpack_slots(p.idx());
                        let v = o.a::<u32>(x).wrapping_add(i as u8 as i8 as u32);
                        o.put::<u64>(x, v as u64);
                        o.set_slot(y, v as u64);
                        if v != 0 {
                            loop_jump!(t.sext())
                        }
                    }
                    Op::I32AddImm2(p, i, j) => {
                        let (x, y) = unpack_slots(p.idx());
                        o.set_slot(x, o.get::<u32>(x).wrapping_add(i.sext() as u32) as u64);
                        o.set_slot(y, o.get::<u32>(y).wrapping_add(j.sext() as u32) as u64);
                    }
                    Op::I32AddImmAdd(p, i, z) => {
                        let (x, y) = unpack_slots(p.idx());
                        o.set_slot(x, o.get::<u32>(x).wrapping_add(i.sext() as u32) as u64);
                        o.set_slot(y, o.get::<u32>(y).wrapping_add(o.get::<u32>(z)) as u64);
                    }
                    Op::Load32Keep(p, a, off) => {
                        let (d, keep) = unpack_slots(p.idx());
                        let x = o.slot(a);
                        o.set_slot(keep, x);
                        let v = check!(mem.read::<u32, W>(x, off.idx()));
                        o.set_slot(d, v as u64);
                    }
                    Op::Load32BrNez(d, a, t) => {
                        let v = check!(mem.read::<u32, W>(o.slot(a), 0));
                        o.set_slot(d, v as u64);
                        if v != 0 {
                            loop_jump!(t.sext())
                        }
                    }
                    Op::BrTable(index, n) => {
                        // `ip` is at the first entry; the translator emits `n >= 1`.
                        let entry = ip.add(o.a::<u32>(index).min(n - 1) as usize);
                        let Op::BrTarget(t) = Instr::decode(entry, Op::<W>::BrTarget(0).tag()) else {
                            std::hint::unreachable_unchecked()
                        };
                        jump!(t as i32 + entry.offset_from(ip) as i32 + 1)
                    }
                    Op::BrTarget(_) => trap!(TrapCode::Unreachable),
                    Op::LoopHead(_) => {
                        if !(*code).tick() {
                            return loop_slow(ip.sub(1), o.fp, mem.base, cx, o.acc);
                        }
                    }
                    Op::Fuel(cost) => {
                        let store = (*vmctx).store;
                        let left = (*store).fuel - cost as i64;
                        (*store).fuel = left;
                        if left < 0 {
                            trap!(TrapCode::OutOfFuel);
                        }
                    }
                    Op::Epoch => {
                        if (*vmctx).epoch_reached() {
                            let status = ops::interrupt(vmctx);
                            if status != 0 {
                                return status;
                            }
                        }
                    }
                    Op::Return => ret!(),
                    Op::Return1(s) => {
                        *o.fp = o.a::<u64>(s);
                        ret!()
                    }
                    Op::Call(base, func) => call!((*vmctx).func(func), base),
                    Op::CallIndirect(base, at) => call!(indirect_callee!(at), base),
                    Op::ReturnCall(_, func) => {
                        cx.callee = (*vmctx).func(func);
                        return return_call_slow(ip.sub(1), o.fp, mem.base, cx, o.acc);
                    }
                    Op::ReturnCallIndirect(_, at) => {
                        cx.callee = indirect_callee!(at);
                        return return_call_slow(ip.sub(1), o.fp, mem.base, cx, o.acc);
                    }
                    Op::CallRef(base, at) => call!(ref_callee!(at), base),
                    Op::ReturnCallRef(_, at) => {
                        cx.callee = ref_callee!(at);
                        return return_call_slow(ip.sub(1), o.fp, mem.base, cx, o.acc);
                    }
                    Op::Throw(base, tag) => return throw(cx, ip.sub(1), o.fp, base, tag),
                    Op::ThrowRef(r) => return throw_ref(cx, ip.sub(1), o.fp, o.get::<u64>(r)),
                    Op::RefAsNonNull(r) => {
                        if o.get::<u64>(r) == 0 {
                            trap!(TrapCode::NullReference);
                        }
                    }
                    Op::Copy(d, s) => o.put::<u64>(d, o.a::<u64>(s)),
                    Op::Copy128(d, s) => o.set_slot128(d, o.slot128(s)),
                    Op::Copy2(p, d, s) => {
                        let (d1, s1) = unpack_slots(p.idx());
                        o.set_slot(d1, o.slot(s1));
                        o.put::<u64>(d, o.a::<u64>(s));
                    }
                    Op::Const32(d, v) => o.set_slot(d, v as u64),
                    Op::Const32S(d, v) => o.set_slot(d, v as i32 as u64),
                    Op::Const64(d, at) => {
                        let aux = &(*code).aux;
                        o.set_slot(d, (aux[at as usize + 1] as u64) << 32 | aux[at as usize] as u64)
                    }
                    Op::ConstV128(d, at) => {
                        let w = &(&(*code).aux)[at as usize..][..4];
                        o.set_slot128(d, (0..4).fold(0, |v, k| v | (w[k] as u128) << (32 * k)))
                    }
                    Op::AddrOffset(s, off) => o.set_slot(s, (o.get::<u32>(s) as u64 + off as u64).min(u32::MAX as u64)),
                    Op::Select(d, c, s) => if o.get::<u32>(c) == 0 { o.set_slot(d, o.slot(s)) },
                    Op::SelectAcc(d, a, b) => {
                        // Both loaded, so that LLVM picks with a `cmov` rather
                        // than a branch on the (often unpredictable) condition.
                        let (x, y) = (o.slot(a), o.slot(b));
                        o.put::<u64>(d, if o.acc as u32 != 0 { x } else { y })
                    }
                    Op::SelectAccOdd(d, a, b) => {
                        let (x, y) = (o.slot(a), o.slot(b));
                        o.put::<u64>(d, if o.acc & 1 != 0 { x } else { y })
                    }
                    Op::SelectOddXor(d, p, s) => {
                        let (a, b) = unpack_slots(p.idx());
                        let (x, y) = (o.slot(a), o.slot(b));
                        o.put::<u64>(d, if (o.acc ^ o.slot(s)) & 1 != 0 { x } else { y })
                    }
                    Op::Select128(d, c, s) => if o.get::<u32>(c) == 0 { o.set_slot128(d, o.slot128(s)) },
                    Op::GlobalGet(d, g) => o.put::<u64>(d, *(*vmctx).global(g).cast::<u64>()),
                    Op::GlobalSet(s, g) => *(*vmctx).global(g).cast::<u64>() = o.a::<u64>(s),
                    Op::GlobalGet128(d, g) => o.set_slot128(d, (*(*vmctx).global(g)).0),
                    Op::GlobalSet128(s, g) => (*(*vmctx).global(g)).0 = o.slot128(s),
                    Op::RefFunc(d, f) => o.set_slot(d, (*vmctx).func(f) as u64),

                    Op::I32Eqz(d, a) => o.put::<bool>(d, o.a::<u32>(a) == 0),
                    Op::I64Eqz(d, a) => o.put::<bool>(d, o.a::<u64>(a) == 0),
                    Op::I32Clz(d, a) => o.un::<u32, u32, _>(d, a, u32::leading_zeros),
                    Op::I32Ctz(d, a) => o.un::<u32, u32, _>(d, a, u32::trailing_zeros),
                    Op::I32Popcnt(d, a) => o.un::<u32, u32, _>(d, a, u32::count_ones),
                    Op::I64Clz(d, a) => o.un::<u64, u64, _>(d, a, |x: u64| x.leading_zeros() as u64),
                    Op::I64Ctz(d, a) => o.un::<u64, u64, _>(d, a, |x: u64| x.trailing_zeros() as u64),
                    Op::I64Popcnt(d, a) => o.un::<u64, u64, _>(d, a, |x: u64| x.count_ones() as u64),
                    Op::I32Extend8S(d, a) => o.un::<i32, i32, _>(d, a, |x: i32| x as i8 as i32),
                    Op::I32Extend16S(d, a) => o.un::<i32, i32, _>(d, a, |x: i32| x as i16 as i32),
                    Op::I64Extend8S(d, a) => o.un::<i64, i64, _>(d, a, |x: i64| x as i8 as i64),
                    Op::I64Extend16S(d, a) => o.un::<i64, i64, _>(d, a, |x: i64| x as i16 as i64),
                    Op::I64Extend32S(d, a) => o.un::<i64, i64, _>(d, a, |x: i64| x as i32 as i64),
                    Op::I32WrapI64(d, a) => o.un::<u32, u32, _>(d, a, |x: u32| x),
                    Op::I64ExtendI32S(d, a) => o.un::<i32, i64, _>(d, a, |x: i32| x as i64),

                    Op::I32Add(d, a, b) => o.bin::<u32, u32, _>(d, a, b, u32::wrapping_add),
                    Op::I32Sub(d, a, b) => o.bin::<u32, u32, _>(d, a, b, u32::wrapping_sub),
                    Op::I32Mul(d, a, b) => o.bin::<u32, u32, _>(d, a, b, u32::wrapping_mul),
                    Op::I32MulAdd(d, a, b) => {
                        o.put::<u32>(d, o.get::<u32>(a).wrapping_add(o.get::<u32>(b).wrapping_mul(o.acc as u32)))
                    }
                    Op::I32DivS(d, a, b) => check!(o.try_bin::<i32, i32, _>(d, a, b, num::i32_div_s)),
                    Op::I32DivU(d, a, b) => check!(o.try_bin::<u32, u32, _>(d, a, b, num::i32_div_u)),
                    Op::I32RemS(d, a, b) => check!(o.try_bin::<i32, i32, _>(d, a, b, num::i32_rem_s)),
                    Op::I32RemU(d, a, b) => check!(o.try_bin::<u32, u32, _>(d, a, b, num::i32_rem_u)),
                    Op::I32And(d, a, b) => o.bin::<u32, u32, _>(d, a, b, |x, y| x & y),
                    Op::I32Or(d, a, b) => o.bin::<u32, u32, _>(d, a, b, |x, y| x | y),
                    Op::I32Xor(d, a, b) => o.bin::<u32, u32, _>(d, a, b, |x, y| x ^ y),
                    Op::I32Shl(d, a, b) => o.bin::<u32, u32, _>(d, a, b, u32::wrapping_shl),
                    Op::I32ShrS(d, a, b) => o.bin::<i32, i32, _>(d, a, b, |x: i32, y: i32| x.wrapping_shr(y as u32)),
                    Op::I32ShrU(d, a, b) => o.bin::<u32, u32, _>(d, a, b, u32::wrapping_shr),
                    Op::I32Rotl(d, a, b) => o.bin::<u32, u32, _>(d, a, b, u32::rotate_left),
                    Op::I32Rotr(d, a, b) => o.bin::<u32, u32, _>(d, a, b, u32::rotate_right),
                    Op::I64Add(d, a, b) => o.bin::<u64, u64, _>(d, a, b, u64::wrapping_add),
                    Op::I64Sub(d, a, b) => o.bin::<u64, u64, _>(d, a, b, u64::wrapping_sub),
                    Op::I64Mul(d, a, b) => o.bin::<u64, u64, _>(d, a, b, u64::wrapping_mul),
                    Op::I64DivS(d, a, b) => check!(o.try_bin::<i64, i64, _>(d, a, b, num::i64_div_s)),
                    Op::I64DivU(d, a, b) => check!(o.try_bin::<u64, u64, _>(d, a, b, num::i64_div_u)),
                    Op::I64RemS(d, a, b) => check!(o.try_bin::<i64, i64, _>(d, a, b, num::i64_rem_s)),
                    Op::I64RemU(d, a, b) => check!(o.try_bin::<u64, u64, _>(d, a, b, num::i64_rem_u)),
                    Op::I64And(d, a, b) => o.bin::<u64, u64, _>(d, a, b, |x, y| x & y),
                    Op::I64Or(d, a, b) => o.bin::<u64, u64, _>(d, a, b, |x, y| x | y),
                    Op::I64Xor(d, a, b) => o.bin::<u64, u64, _>(d, a, b, |x, y| x ^ y),
                    Op::I64Shl(d, a, b) => o.bin::<u64, u64, _>(d, a, b, |x: u64, y: u64| x.wrapping_shl(y as u32)),
                    Op::I64ShrS(d, a, b) => o.bin::<i64, i64, _>(d, a, b, |x: i64, y: i64| x.wrapping_shr(y as u32)),
                    Op::I64ShrU(d, a, b) => o.bin::<u64, u64, _>(d, a, b, |x: u64, y: u64| x.wrapping_shr(y as u32)),
                    Op::I64Rotl(d, a, b) => o.bin::<u64, u64, _>(d, a, b, |x: u64, y: u64| x.rotate_left((y & 63) as u32)),
                    Op::I64Rotr(d, a, b) => o.bin::<u64, u64, _>(d, a, b, |x: u64, y: u64| x.rotate_right((y & 63) as u32)),

                    Op::I32AddImm(d, a, i) => o.imm::<u32, _>(d, a, i, u32::wrapping_add),
                    Op::I32MulImm(d, a, i) => o.imm::<u32, _>(d, a, i, u32::wrapping_mul),
                    Op::I32AndImm(d, a, i) => o.imm::<u32, _>(d, a, i, |x, y| x & y),
                    Op::I32OrImm(d, a, i) => o.imm::<u32, _>(d, a, i, |x, y| x | y),
                    Op::I32XorImm(d, a, i) => o.imm::<u32, _>(d, a, i, |x, y| x ^ y),
                    Op::I32ShlImm(d, a, i) => o.imm::<u32, _>(d, a, i, u32::wrapping_shl),
                    Op::I32ShrSImm(d, a, i) => o.imm::<i32, _>(d, a, i, |x: i32, y: i32| x.wrapping_shr(y as u32)),
                    Op::I32ShrUImm(d, a, i) => o.imm::<u32, _>(d, a, i, u32::wrapping_shr),
                    Op::I32ShrUMask(d, a, i) => {
                        let (s, sh) = (i.idx() as u32 & 31, i.idx() as u32 >> 8);
                        o.put::<u32>(d, o.a::<u32>(a) >> s << sh >> sh)
                    }
                    Op::I32AddMask(d, a, i) => {
                        let (k, sh) = (i.idx() as u8 as i8 as u32, i.idx() as u32 >> 8);
                        o.put::<u32>(d, o.a::<u32>(a).wrapping_add(k) << sh >> sh)
                    }
                    Op::SelectImmA(d, p, i) | Op::SelectImmB(d, p, i) => {
                        let (c, s) = unpack_slots(p.idx());
                        let (k, v) = (i.sext() as u32 as u64, o.slot(s));
                        let first = matches!(op, Op::SelectImmA(..));
                        o.put::<u64>(d, if (o.get::<u32>(c) != 0) == first { k } else { v })
                    }
                    Op::I64AddImm(d, a, i) => o.imm::<u64, _>(d, a, i, u64::wrapping_add),
                    Op::I64MulImm(d, a, i) => o.imm::<u64, _>(d, a, i, u64::wrapping_mul),
                    Op::I64AndImm(d, a, i) => o.imm::<u64, _>(d, a, i, |x, y| x & y),
                    Op::I64OrImm(d, a, i) => o.imm::<u64, _>(d, a, i, |x, y| x | y),
                    Op::I64XorImm(d, a, i) => o.imm::<u64, _>(d, a, i, |x, y| x ^ y),
                    Op::I64ShlImm(d, a, i) => o.imm::<u64, _>(d, a, i, |x: u64, y: u64| x.wrapping_shl(y as u32)),
                    Op::I64ShrSImm(d, a, i) => o.imm::<i64, _>(d, a, i, |x: i64, y: i64| x.wrapping_shr(y as u32)),
                    Op::I64ShrUImm(d, a, i) => o.imm::<u64, _>(d, a, i, |x: u64, y: u64| x.wrapping_shr(y as u32)),

                    Op::F32Eq(d, a, b) => o.bin::<f32, bool, _>(d, a, b, |x, y| x == y),
                    Op::F32Ne(d, a, b) => o.bin::<f32, bool, _>(d, a, b, |x, y| x != y),
                    Op::F32Lt(d, a, b) => o.bin::<f32, bool, _>(d, a, b, |x, y| x < y),
                    Op::F32Gt(d, a, b) => o.bin::<f32, bool, _>(d, a, b, |x, y| x > y),
                    Op::F32Le(d, a, b) => o.bin::<f32, bool, _>(d, a, b, |x, y| x <= y),
                    Op::F32Ge(d, a, b) => o.bin::<f32, bool, _>(d, a, b, |x, y| x >= y),
                    Op::F64Eq(d, a, b) => o.bin::<f64, bool, _>(d, a, b, |x, y| x == y),
                    Op::F64Ne(d, a, b) => o.bin::<f64, bool, _>(d, a, b, |x, y| x != y),
                    Op::F64Lt(d, a, b) => o.bin::<f64, bool, _>(d, a, b, |x, y| x < y),
                    Op::F64Gt(d, a, b) => o.bin::<f64, bool, _>(d, a, b, |x, y| x > y),
                    Op::F64Le(d, a, b) => o.bin::<f64, bool, _>(d, a, b, |x, y| x <= y),
                    Op::F64Ge(d, a, b) => o.bin::<f64, bool, _>(d, a, b, |x, y| x >= y),
                    // abs/neg/copysign are bit operations (NaN payloads untouched).
                    Op::F32Abs(d, a) => o.un::<u32, u32, _>(d, a, |x: u32| x & 0x7fff_ffff),
                    Op::F32Neg(d, a) => o.un::<u32, u32, _>(d, a, |x: u32| x ^ 0x8000_0000),
                    Op::F32Ceil(d, a) => o.un::<f32, f32, _>(d, a, f32::wasm_ceil),
                    Op::F32Floor(d, a) => o.un::<f32, f32, _>(d, a, f32::wasm_floor),
                    Op::F32Trunc(d, a) => o.un::<f32, f32, _>(d, a, f32::wasm_trunc),
                    Op::F32Nearest(d, a) => o.un::<f32, f32, _>(d, a, f32::wasm_nearest),
                    Op::F32Sqrt(d, a) => o.un::<f32, f32, _>(d, a, f32::sqrt),
                    Op::F64Abs(d, a) => o.un::<u64, u64, _>(d, a, |x: u64| x & 0x7fff_ffff_ffff_ffff),
                    Op::F64Neg(d, a) => o.un::<u64, u64, _>(d, a, |x: u64| x ^ 0x8000_0000_0000_0000),
                    Op::F64Ceil(d, a) => o.un::<f64, f64, _>(d, a, f64::wasm_ceil),
                    Op::F64Floor(d, a) => o.un::<f64, f64, _>(d, a, f64::wasm_floor),
                    Op::F64Trunc(d, a) => o.un::<f64, f64, _>(d, a, f64::wasm_trunc),
                    Op::F64Nearest(d, a) => o.un::<f64, f64, _>(d, a, f64::wasm_nearest),
                    Op::F64Sqrt(d, a) => o.un::<f64, f64, _>(d, a, f64::sqrt),
                    Op::F32Add(d, a, b) => o.bin::<f32, f32, _>(d, a, b, |x, y| x + y),
                    Op::F32Sub(d, a, b) => o.bin::<f32, f32, _>(d, a, b, |x, y| x - y),
                    Op::F32Mul(d, a, b) => o.bin::<f32, f32, _>(d, a, b, |x, y| x * y),
                    Op::F32Div(d, a, b) => o.bin::<f32, f32, _>(d, a, b, |x, y| x / y),
                    Op::F32Min(d, a, b) => o.bin::<f32, f32, _>(d, a, b, f32::wasm_min),
                    Op::F32Max(d, a, b) => o.bin::<f32, f32, _>(d, a, b, f32::wasm_max),
                    Op::F32Copysign(d, a, b) => o.bin::<u32, u32, _>(d, a, b, num::copysign32),
                    Op::F64Add(d, a, b) => o.bin::<f64, f64, _>(d, a, b, |x, y| x + y),
                    Op::F64Sub(d, a, b) => o.bin::<f64, f64, _>(d, a, b, |x, y| x - y),
                    Op::F64Mul(d, a, b) => o.bin::<f64, f64, _>(d, a, b, |x, y| x * y),
                    Op::F64Div(d, a, b) => o.bin::<f64, f64, _>(d, a, b, |x, y| x / y),
                    Op::F64Min(d, a, b) => o.bin::<f64, f64, _>(d, a, b, f64::wasm_min),
                    Op::F64Max(d, a, b) => o.bin::<f64, f64, _>(d, a, b, f64::wasm_max),
                    Op::F64Copysign(d, a, b) => o.bin::<u64, u64, _>(d, a, b, num::copysign64),

                    Op::I32TruncF32S(d, a) => check!(o.try_un::<f32, i32, _>(d, a, num::i32_trunc_f32_s)),
                    Op::I32TruncF32U(d, a) => check!(o.try_un::<f32, u32, _>(d, a, num::i32_trunc_f32_u)),
                    Op::I32TruncF64S(d, a) => check!(o.try_un::<f64, i32, _>(d, a, num::i32_trunc_f64_s)),
                    Op::I32TruncF64U(d, a) => check!(o.try_un::<f64, u32, _>(d, a, num::i32_trunc_f64_u)),
                    Op::I64TruncF32S(d, a) => check!(o.try_un::<f32, i64, _>(d, a, num::i64_trunc_f32_s)),
                    Op::I64TruncF32U(d, a) => check!(o.try_un::<f32, u64, _>(d, a, num::i64_trunc_f32_u)),
                    Op::I64TruncF64S(d, a) => check!(o.try_un::<f64, i64, _>(d, a, num::i64_trunc_f64_s)),
                    Op::I64TruncF64U(d, a) => check!(o.try_un::<f64, u64, _>(d, a, num::i64_trunc_f64_u)),
                    // Rust's float-to-int `as` saturates and maps NaN to 0: exactly trunc_sat.
                    Op::I32TruncSatF32S(d, a) => o.un::<f32, i32, _>(d, a, |x: f32| x as i32),
                    Op::I32TruncSatF32U(d, a) => o.un::<f32, u32, _>(d, a, |x: f32| x as u32),
                    Op::I32TruncSatF64S(d, a) => o.un::<f64, i32, _>(d, a, |x: f64| x as i32),
                    Op::I32TruncSatF64U(d, a) => o.un::<f64, u32, _>(d, a, |x: f64| x as u32),
                    Op::I64TruncSatF32S(d, a) => o.un::<f32, i64, _>(d, a, |x: f32| x as i64),
                    Op::I64TruncSatF32U(d, a) => o.un::<f32, u64, _>(d, a, |x: f32| x as u64),
                    Op::I64TruncSatF64S(d, a) => o.un::<f64, i64, _>(d, a, |x: f64| x as i64),
                    Op::I64TruncSatF64U(d, a) => o.un::<f64, u64, _>(d, a, |x: f64| x as u64),
                    Op::F32ConvertI32S(d, a) => o.un::<i32, f32, _>(d, a, |x: i32| x as f32),
                    Op::F32ConvertI32U(d, a) => o.un::<u32, f32, _>(d, a, |x: u32| x as f32),
                    Op::F32ConvertI64S(d, a) => o.un::<i64, f32, _>(d, a, |x: i64| x as f32),
                    Op::F32ConvertI64U(d, a) => o.un::<u64, f32, _>(d, a, |x: u64| x as f32),
                    Op::F32DemoteF64(d, a) => o.un::<f64, f32, _>(d, a, |x: f64| x as f32),
                    Op::F64ConvertI32S(d, a) => o.un::<i32, f64, _>(d, a, |x: i32| x as f64),
                    Op::F64ConvertI32U(d, a) => o.un::<u32, f64, _>(d, a, |x: u32| x as f64),
                    Op::F64ConvertI64S(d, a) => o.un::<i64, f64, _>(d, a, |x: i64| x as f64),
                    Op::F64ConvertI64U(d, a) => o.un::<u64, f64, _>(d, a, |x: u64| x as f64),
                    Op::F64PromoteF32(d, a) => o.un::<f32, f64, _>(d, a, |x: f32| x as f64),

                    Op::Load8S32(d, a, off) => check!(mem.load::<i8, W>(&mut o, d, a, off, |v: i8| v as i32 as u32 as u64)),
                    Op::Load8S64(d, a, off) => check!(mem.load::<i8, W>(&mut o, d, a, off, |v: i8| v as i64 as u64)),
                    Op::Load8U(d, a, off) => check!(mem.load::<u8, W>(&mut o, d, a, off, |v: u8| v as u64)),
                    Op::Load16S32(d, a, off) => check!(mem.load::<i16, W>(&mut o, d, a, off, |v: i16| v as i32 as u32 as u64)),
                    Op::Load16S64(d, a, off) => check!(mem.load::<i16, W>(&mut o, d, a, off, |v: i16| v as i64 as u64)),
                    Op::Load16U(d, a, off) => check!(mem.load::<u16, W>(&mut o, d, a, off, |v: u16| v as u64)),
                    Op::Load32(d, a, off) => check!(mem.load::<u32, W>(&mut o, d, a, off, |v: u32| v as u64)),
                    Op::Load32Load32(d, a, off) => check!(mem.load_via::<u32, W>(&mut o, d, a, off)),
                    Op::Load32Load16U(d, a, off) => check!(mem.load_via::<u16, W>(&mut o, d, a, off)),
                    Op::Load32Load8U(d, a, off) => check!(mem.load_via::<u8, W>(&mut o, d, a, off)),
                    Op::Load32S64(d, a, off) => check!(mem.load::<i32, W>(&mut o, d, a, off, |v: i32| v as i64 as u64)),
                    Op::Load64(d, a, off) => check!(mem.load::<u64, W>(&mut o, d, a, off, |v: u64| v)),
                    Op::Store8(a, v, off) => check!(mem.store::<u8, W>(&o, a, v, off)),
                    Op::Store16(a, v, off) => check!(mem.store::<u16, W>(&o, a, v, off)),
                    Op::Store32(a, v, off) => check!(mem.store::<u32, W>(&o, a, v, off)),
                    Op::Store64(a, v, off) => check!(mem.store::<u64, W>(&o, a, v, off)),

                    Op::MemorySize(d) => o.put::<u32>(d, (mem.len / WASM_PAGE_SIZE) as u32),
                    Op::MemoryGrow(s) => {
                        o.put::<u32>(s, ops::memory_grow(vmctx, 0, o.get::<u32>(s).into()) as u32);
                        (mem.base, mem.len) = memory(vmctx, code);
                        cx.mem_len = mem.len;
                    }
                    Op::MemoryFill(d, x, n) => {
                        let (d, x, n) = (o.get::<u64>(d), o.get::<u32>(x), o.get::<u64>(n));
                        if let Err(c) = ops::memory_fill(vmctx, 0, d, x as u8, n) {
                            trap!(c);
                        }
                    }
                    Op::MemoryCopy(d, s, n) => {
                        let (d, s, n) = (o.get::<u64>(d), o.get::<u64>(s), o.get::<u64>(n));
                        if let Err(c) = ops::memory_copy(vmctx, 0, 0, d, s, n) {
                            trap!(c);
                        }
                    }
                    Op::MemoryInit(..) => bulk!(),
                    Op::DataDrop(seg) => ops::data_drop(vmctx, seg),
                    Op::TableGet(d, index, t) => {
                        let dst = o.fp.add(d.idx());
                        if let Err(c) = table_get(vmctx, t.idx() as u32, o.get::<u64>(index), dst) {
                            trap!(c);
                        }
                    }
                    Op::TableSet(index, v, t) => {
                        if let Err(c) = ops::table_set(vmctx, t.idx() as u32, o.get::<u64>(index), o.slot(v)) {
                            trap!(c);
                        }
                    }
                    Op::TableSize(d, t) => o.put::<u64>(d, ops::table_size(vmctx, t)),
                    Op::TableGrow(base, t) => {
                        let old = ops::table_grow(vmctx, t, o.get::<u64>(base.idx() + 1), o.slot(base));
                        o.put::<u32>(base, old as u32);
                    }
                    Op::TableGrow64(base, t) => {
                        let old = ops::table_grow(vmctx, t, o.get::<u64>(base.idx() + 1), o.slot(base));
                        o.put::<u64>(base, old);
                    }
                    Op::TableFill(..) | Op::TableCopy(..) | Op::TableInit(..) => bulk!(),
                    Op::ElemDrop(seg) => ops::elem_drop(vmctx, seg),

                    Op::Simd(i) => simd(&(*code).simd[i as usize], o.fp),
                    Op::SimdMem(i) => {
                        if let Err(c) = simd_mem(&(*code).simd_mem[i as usize], o.fp, vmctx, mem.base, mem.len) {
                            trap!(c);
                        }
                    }
                    Op::Mem(i) => {
                        if let Err(c) = general_memory(&(*code).mem[i as usize], o.fp, vmctx) {
                            trap!(c);
                        }
                        // It may have grown memory 0.
                        (mem.base, mem.len) = memory(vmctx, code);
                        cx.mem_len = mem.len;
                    }
                }
            };
        }

        for_each_int_cmp!(arms);
        dispatch(ip, o.fp, mem.base, cx, o.acc)
    }
}
