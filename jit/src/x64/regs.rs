//! The registers, and the role each plays in compiled code, said once.
//!
//! Two registers hold context for a whole function: [`VMCTX`] the
//! instance's `VMContext` and [`HEAP`] memory 0's base (a memory's base
//! never moves, so it is loaded once in the prologue). The code generator
//! keeps a few registers for itself ([`SCRATCH`]); the register allocator
//! hands out the rest ([`ALLOCATABLE`], [`CALLEE_SAVED`], [`XMM_ALLOCATABLE`]).

/// A general-purpose register, by its hardware number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Gpr(pub u8);

/// An SSE register, by its number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Xmm(pub u8);

pub const RAX: Gpr = Gpr(0);
pub const RCX: Gpr = Gpr(1);
pub const RDX: Gpr = Gpr(2);
pub const RBX: Gpr = Gpr(3);
pub const RSP: Gpr = Gpr(4);
pub const RBP: Gpr = Gpr(5);
pub const RSI: Gpr = Gpr(6);
pub const RDI: Gpr = Gpr(7);
pub const R8: Gpr = Gpr(8);
pub const R9: Gpr = Gpr(9);
pub const R10: Gpr = Gpr(10);
pub const R11: Gpr = Gpr(11);
pub const R12: Gpr = Gpr(12);
pub const R13: Gpr = Gpr(13);
pub const R14: Gpr = Gpr(14);
pub const R15: Gpr = Gpr(15);

/// The instance's `VMContext`, for the whole function.
pub const VMCTX: Gpr = R15;
/// Memory 0's base, for the whole function (functions of modules with a
/// memory).
pub const HEAP: Gpr = R14;

/// The code generator's own registers, which no value is allocated to:
/// `rax` (results of calls and divisions, spilled results), `rcx` (shift
/// counts, spilled operands), `rdx` (division remainders, builtin trap
/// statuses) and `r11` (spilled operands, breaking cycles of moves).
/// Emission names them by their roles; the tests below check that the
/// allocator never hands them out.
#[cfg(test)]
const SCRATCH: [Gpr; 4] = [RAX, RCX, RDX, R11];
/// Spilled float operands and results, and cycles of float moves (the
/// first two); the vector operations that take several instructions use
/// all four, so that they may copy both operands and keep two temporaries.
pub const XMM_SCRATCH: [Xmm; 4] = [Xmm(14), Xmm(15), Xmm(13), Xmm(12)];

/// Allocatable registers a call clobbers.
pub const CALLER_SAVED: [Gpr; 5] = [RSI, RDI, R8, R9, R10];
/// Allocatable registers a call keeps: a function that uses one saves it
/// in its prologue.
pub const CALLEE_SAVED: [Gpr; 3] = [RBX, R12, R13];
/// Every allocatable integer register, caller-saved first, so that the
/// callee-saved ones stay free for values that live across calls.
pub const ALLOCATABLE: [Gpr; 8] = [RSI, RDI, R8, R9, R10, RBX, R12, R13];
/// Allocatable SSE registers (all caller-saved): all but the scratch ones.
pub const XMM_ALLOCATABLE: [Xmm; 12] = {
    let mut pool = [Xmm(0); 12];
    let mut i = 0;
    while i < 12 {
        pool[i] = Xmm(i as u8);
        i += 1;
    }
    pool
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_do_not_overlap() {
        let fixed = [VMCTX, HEAP, RSP, RBP];
        for r in ALLOCATABLE {
            assert!(!SCRATCH.contains(&r) && !fixed.contains(&r), "{r:?}");
        }
        for r in SCRATCH {
            assert!(!fixed.contains(&r), "{r:?}");
        }
        let split: Vec<Gpr> = CALLER_SAVED.into_iter().chain(CALLEE_SAVED).collect();
        assert_eq!(split, ALLOCATABLE);
        for x in XMM_SCRATCH {
            assert!(!XMM_ALLOCATABLE.contains(&x));
        }
    }
}
