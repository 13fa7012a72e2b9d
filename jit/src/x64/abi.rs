//! The native calling convention compiled functions call each other by
//! (see `tandem_vm::callconv`): where arguments, results and the two
//! contexts go.
//!
//! - `rdi` holds the callee's `VMFunc`, `rsi` the caller's `VMContext`;
//! - integer arguments follow in `rdx`, `rcx`, `r8`, `r9` (from `rcx` on
//!   when `rdx` carries a return area), floats and vectors in
//!   `xmm0`–`xmm7`, the rest on the stack, in order, 8 bytes each (16 a
//!   vector);
//! - the callee pops its stack arguments as it returns (their area rounded
//!   up to 16 bytes, see [`stack_area`]);
//! - one result comes back in `rax` or `xmm0`; a function with two or
//!   more writes them into the caller's return area, 16 bytes a value (a
//!   `ValRaw` each), whose address the caller passes in `rdx`.

use super::regs::*;
use crate::ir::Ty;
use wasmparser::FuncType;

/// Where an argument or parameter goes under the native convention, or
/// where a value lives in a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    Gpr(Gpr),
    Xmm(Xmm),
    /// 8 bytes at `base + offset`: an integer or a float.
    Mem(Gpr, i32),
    /// 16 bytes at `base + offset`: a vector.
    Mem128(Gpr, i32),
}

impl Place {
    /// The place of a value of type `ty` in memory at `base + offset`.
    pub fn mem(ty: Ty, base: Gpr, offset: i32) -> Place {
        match ty {
            Ty::V128 => Place::Mem128(base, offset),
            _ => Place::Mem(base, offset),
        }
    }
}

/// The callee's `VMFunc` at a call.
pub const CALLEE: Gpr = RDI;
/// The caller's `VMContext` at a call.
pub const CALLER_VMCTX: Gpr = RSI;
/// The return area of a callee with two or more results.
pub const RET_AREA: Gpr = RDX;
/// A single integer result.
pub const INT_RESULT: Gpr = RAX;
/// A single float or vector result.
pub const FLOAT_RESULT: Xmm = Xmm(0);

/// Where a builtin (`fn(vmctx, imm_a, imm_b, x, y, z)` under the C
/// convention, see `crate::builtins`) takes the VMContext and its two
/// immediates, and its operands.
pub const BUILTIN_CONTEXT: [Gpr; 3] = [RDI, RSI, RDX];
pub const BUILTIN_OPERANDS: [Place; 3] = [Place::Gpr(RCX), Place::Gpr(R8), Place::Gpr(R9)];

/// Integer argument registers after the two contexts.
const INT_ARGS: [Gpr; 4] = [RDX, RCX, R8, R9];
/// Float and vector argument registers.
const FLOAT_ARGS: usize = 8;

/// The place of a single result of type `ty`.
pub fn result_place(ty: Ty) -> Place {
    if ty.in_xmm() {
        Place::Xmm(FLOAT_RESULT)
    } else {
        Place::Gpr(INT_RESULT)
    }
}

/// The native convention's place of each parameter (stack ones as their
/// offset among the stack arguments, `Mem(RSP, 8k)`), and how many go on
/// the stack.
pub fn arg_places(params: &[Ty], multi_result: bool) -> (Vec<Place>, u32) {
    let ints: &[Gpr] = if multi_result {
        &INT_ARGS[1..]
    } else {
        &INT_ARGS
    };
    let (mut ni, mut nf, mut ns) = (0, 0, 0u32);
    let places = params
        .iter()
        .map(|t| {
            if t.in_xmm() && nf < FLOAT_ARGS {
                nf += 1;
                Place::Xmm(Xmm(nf as u8 - 1))
            } else if !t.in_xmm() && ni < ints.len() {
                ni += 1;
                Place::Gpr(ints[ni - 1])
            } else {
                let at = 8 * ns as i32;
                ns += if *t == Ty::V128 { 2 } else { 1 };
                Place::mem(*t, RSP, at)
            }
        })
        .collect();
    (places, ns)
}

/// The bytes of stack a call's `slots` stack arguments take: the caller
/// reserves them, rounded up to keep the stack 16-byte aligned, and the
/// callee pops them as it returns (so that a tail call can pass more stack
/// arguments than its caller got).
pub fn stack_area(slots: u32) -> i32 {
    (8 * slots as i32 + 15) & !15
}

/// A callee's parameter types and how many results it has.
pub fn signature(ty: &FuncType) -> (Vec<Ty>, usize) {
    let params = ty.params().iter().map(|&t| Ty::of(t)).collect();
    (params, ty.results().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_fill_registers_then_the_stack_in_order() {
        use Ty::*;
        let params = [I32, F64, I64, I32, F32, I64, I64, F64];
        let (places, stack) = arg_places(&params, false);
        assert_eq!(
            places,
            [
                Place::Gpr(RDX),
                Place::Xmm(Xmm(0)),
                Place::Gpr(RCX),
                Place::Gpr(R8),
                Place::Xmm(Xmm(1)),
                Place::Gpr(R9),
                Place::Mem(RSP, 0),
                Place::Xmm(Xmm(2)),
            ]
        );
        assert_eq!(stack, 1);
        // A return area takes rdx: one integer register fewer.
        let (places, stack) = arg_places(&params, true);
        assert_eq!(places[0], Place::Gpr(RCX));
        assert_eq!(places[6], Place::Mem(RSP, 8));
        assert_eq!(stack, 2);
        // Nine floats: the ninth on the stack.
        let (places, stack) = arg_places(&[F32; 9], false);
        assert_eq!((places[8], stack), (Place::Mem(RSP, 0), 1));
        // Vectors share the float registers, and take 16 bytes on the stack.
        let mut vectors = [V128; 10];
        vectors[8] = I64;
        let (places, stack) = arg_places(&vectors, false);
        assert_eq!(places[7], Place::Xmm(Xmm(7)));
        assert_eq!(places[8], Place::Gpr(RDX));
        assert_eq!((places[9], stack), (Place::Mem128(RSP, 0), 2));
        let (places, stack) = arg_places(&[&[V128; 10][..], &[I32; 5]].concat(), false);
        assert_eq!(
            (places[9], places[14], stack),
            (Place::Mem128(RSP, 16), Place::Mem(RSP, 32), 5)
        );
        for r in [CALLEE, CALLER_VMCTX] {
            assert!(!places.contains(&Place::Gpr(r)));
        }
    }
}
