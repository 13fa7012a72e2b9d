//! The native calling convention compiled functions call each other by
//! (see `tandem_vm::callconv`): where arguments, results and the two
//! contexts go.
//!
//! - `rdi` holds the callee's `VMFunc`, `rsi` the caller's `VMContext`;
//! - integer arguments follow in `rdx`, `rcx`, `r8`, `r9` (from `rcx` on
//!   when `rdx` carries a return area), floats in `xmm0`–`xmm7`, the rest
//!   on the stack, 8 bytes each, in order;
//! - one result comes back in `rax` or `xmm0`; a function with two or
//!   more writes them into the caller's return area, 16 bytes a value (a
//!   `ValRaw` each), whose address the caller passes in `rdx`.

use super::regs::*;
use crate::ir::Ty;
use wasmparser::FuncType;

/// Where an argument or parameter goes under the native convention, or
/// where a value lives in a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Gpr(Gpr),
    Xmm(Xmm),
    Mem(Gpr, i32),
}

/// The callee's `VMFunc` at a call.
pub const CALLEE: Gpr = RDI;
/// The caller's `VMContext` at a call.
pub const CALLER_VMCTX: Gpr = RSI;
/// The return area of a callee with two or more results.
pub const RET_AREA: Gpr = RDX;
/// A single integer result.
pub const INT_RESULT: Gpr = RAX;
/// A single float result.
pub const FLOAT_RESULT: Xmm = Xmm(0);

/// Where a builtin (`fn(vmctx, imm_a, imm_b, x, y, z)` under the C
/// convention, see `crate::builtins`) takes the VMContext and its two
/// immediates, and its operands.
pub const BUILTIN_CONTEXT: [Gpr; 3] = [RDI, RSI, RDX];
pub const BUILTIN_OPERANDS: [Place; 3] = [Place::Gpr(RCX), Place::Gpr(R8), Place::Gpr(R9)];

/// Integer argument registers after the two contexts.
const INT_ARGS: [Gpr; 4] = [RDX, RCX, R8, R9];
/// Float argument registers.
const FLOAT_ARGS: usize = 8;

/// The place of a single result of type `ty`.
pub fn result_place(ty: Ty) -> Place {
    if ty.is_float() {
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
            if t.is_float() && nf < FLOAT_ARGS {
                nf += 1;
                Place::Xmm(Xmm(nf as u8 - 1))
            } else if !t.is_float() && ni < ints.len() {
                ni += 1;
                Place::Gpr(ints[ni - 1])
            } else {
                ns += 1;
                Place::Mem(RSP, 8 * (ns as i32 - 1))
            }
        })
        .collect();
    (places, ns)
}

/// A callee's parameter types and how many results it has.
pub fn signature(ty: &FuncType) -> (Vec<Ty>, usize) {
    let params = ty
        .params()
        .iter()
        .map(|&t| Ty::of(t).expect("no v128"))
        .collect();
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
        for r in [CALLEE, CALLER_VMCTX] {
            assert!(!places.contains(&Place::Gpr(r)));
        }
    }
}
