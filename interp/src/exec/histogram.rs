//! The op histogram (feature `op-histogram`): counts of executed
//! instructions and instruction pairs, reported when an entry returns.

use crate::bytecode::{FuncCode, Instr, Width};
use std::cell::RefCell;
use std::collections::HashMap;

/// The name of an instruction's variant, with its accumulator mode.
fn name<W: Width>(op: &Instr<W>) -> String {
    let s = format!("{:?}", op.op());
    let name = s.split('(').next().unwrap_or("");
    match op.mode() {
        0 => name.to_string(),
        mode => format!("{name}/acc{mode}"),
    }
}

/// Counts per instruction and per pair of consecutive instructions, the
/// previous instruction, and the total.
type Counts = (
    HashMap<String, u64>,
    HashMap<(String, String), u64>,
    String,
    u64,
);
/// Per function (code address, function index): counts per instruction
/// index, and the instructions' names.
type FuncCounts = HashMap<(usize, u32), (Vec<u64>, Vec<String>)>;

thread_local! {
    static H: RefCell<Counts> = RefCell::new(Default::default());
    static F: RefCell<FuncCounts> = RefCell::new(Default::default());
}

/// Counts the instruction at `ip` of the running function.
///
/// # Safety
/// `ip` points into `cx.code`'s instructions.
pub(super) unsafe fn count<W: super::Exec>(ip: *const Instr<W>, cx: &super::Cx<W>) {
    // SAFETY: `cx.code` is the running function's translation, which is
    // live (the executor's invariants).
    let code = unsafe { &*cx.code };
    // SAFETY: `ip` points at one of `code`'s instructions (the contract).
    unsafe { count_at(&*ip, code, ip.offset_from(code.ops.as_ptr()) as usize) };
}

/// Out of line, so that the handlers keep their tail calls.
#[inline(never)]
fn count_at<W: Width>(op: &Instr<W>, code: &FuncCode<W>, at: usize) {
    F.with(|f| {
        let mut f = f.borrow_mut();
        let e = f
            .entry((code as *const _ as usize, code.func_index))
            .or_insert_with(|| {
                let ops = code.ops.iter().map(|op| format!("{op:?}")).collect();
                (vec![0; code.ops.len()], ops)
            });
        e.0[at] += 1;
    });
    H.with(|h| {
        let (ops, pairs, prev, total) = &mut *h.borrow_mut();
        let n = name(op);
        *ops.entry(n.clone()).or_default() += 1;
        *pairs.entry((prev.clone(), n.clone())).or_default() += 1;
        *prev = n;
        *total += 1;
    })
}

pub fn report() {
    H.with(|h| {
        let (ops, pairs, _, total) = &mut *h.borrow_mut();
        if *total < 1_000_000 {
            return;
        }
        let mut v: Vec<_> = ops.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1));
        eprintln!("total {total}");
        for (k, c) in v.iter().take(60) {
            eprintln!("{:6.2}% {k}", **c as f64 * 100.0 / *total as f64);
        }
        let mut v: Vec<_> = pairs.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1));
        for ((a, b), c) in v.iter().take(60) {
            eprintln!("{:6.2}% {a} -> {b}", **c as f64 * 100.0 / *total as f64);
        }
        *total = 0;
    });
    F.with(|f| {
        let f = f.borrow();
        let mut v: Vec<_> = f
            .iter()
            .map(|(k, (c, _))| (c.iter().sum::<u64>(), *k))
            .collect();
        v.sort();
        v.reverse();
        for &(n, k) in v.iter().take(8) {
            eprintln!("== func {}: {n}", k.1);
            let (c, ops) = &f[&k];
            for (i, op) in ops.iter().enumerate() {
                eprintln!("{:10} {i:4}: {op}", c[i]);
            }
        }
    })
}
