//! Checks the shape of the bytecode the translator produces: the copies it
//! avoids and the instructions it fuses are what makes the interpreter fast.

use std::sync::Arc;
use tandem_interp::bytecode::{Code, FuncCode, Instr, Op, ACC_A, ACC_B, ACC_D, ACC_W};
use tandem_interp::ModuleCode;
use tandem_vm::ModuleEnv;
use wasmparser::{Parser, Payload};

/// A minimal `ModuleEnv` for a module with local functions only.
fn env(wat: &str) -> Arc<ModuleEnv> {
    let bytes: Arc<[u8]> = wat::parse_str(wat).unwrap().into();
    let mut env = ModuleEnv::new(bytes.clone());
    for payload in Parser::new(0).parse_all(&bytes) {
        match payload.unwrap() {
            Payload::TypeSection(r) => {
                env.types = r.into_iter_err_on_gc_types().map(Result::unwrap).collect()
            }
            Payload::FunctionSection(r) => env.funcs = r.into_iter().map(Result::unwrap).collect(),
            Payload::MemorySection(r) => env.memories = r.into_iter().map(Result::unwrap).collect(),
            Payload::CodeSectionEntry(body) => {
                let range = body.range();
                env.bodies.push(range.start as usize..range.end as usize);
            }
            _ => {}
        }
    }
    Arc::new(env)
}

/// The translation of function 0, which must be in the narrow encoding.
fn narrow(wat: &str, check: impl FnOnce(&FuncCode<u16>)) {
    let code = ModuleCode::new(env(wat));
    match code.func(0).unwrap() {
        Code::Narrow(c) => check(c),
        Code::Wide(_) => panic!("translated in the wide encoding"),
    }
}

fn ops(wat: &str) -> Vec<Op<u16>> {
    let mut ops = Vec::new();
    narrow(wat, |c| ops = c.ops.iter().map(Instr::op).collect());
    ops
}

#[test]
fn module_code_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<ModuleCode>();
}

#[test]
fn local_set_retargets_the_producer() {
    let ops = ops(r#"(module (func (param i32 i32)
        (local.set 1 (i32.add (local.get 0) (local.get 1)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))))"#);
    assert_eq!(
        ops,
        [
            Op::I32Add(1, 0, 1),
            Op::I32AddImm(0, 0, u16::MAX),
            Op::Return
        ]
    );
}

#[test]
fn compare_fuses_with_br_if_and_if() {
    let ops = ops(r#"(module (func (param i32 i32) (result i32)
        (loop (br_if 0 (i32.lt_s (local.get 0) (local.get 1))))
        (if (result i32) (i32.ge_u (local.get 0) (i32.const 10))
            (then (i32.const 1)) (else (i32.const 2)))))"#);
    assert_eq!(ops[0], Op::BrIfI32LtS(0, 1, 0));
    // `if` jumps to `else` on the negated condition.
    assert!(matches!(ops[1], Op::BrIfI32LtUImm(0, 10, _)));
}

#[test]
fn locals_in_place_of_copies() {
    // A stack value still reading a local is copied out before the local
    // changes, and not otherwise.
    let ops = ops(r#"(module (func (param i32) (result i32)
        (local.get 0)
        (local.set 0 (i32.const 5))))"#);
    assert_eq!(ops, [Op::Copy(1, 0), Op::Const32(0, 5), Op::Return1(1)]);
}

#[test]
fn memory_offsets_fold_into_loads_and_stores() {
    let ops = ops(r#"(module (memory 1) (func (param i32)
        (i32.store offset=8 (local.get 0) (i32.load offset=4 (local.get 0)))))"#);
    // Slot 1 is the address operand (still reading local 0), slot 2 the value.
    assert_eq!(ops, [Op::Load32(2, 0, 4), Op::Store32(0, 2, 8), Op::Return]);
}

#[test]
fn copies_out_of_a_local_go_before_its_retargeted_producer() {
    let ops = ops(r#"(module (func (param i32) (result i32)
        (local.get 0)
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))))"#);
    assert_eq!(
        ops,
        [Op::Copy(1, 0), Op::I32AddImm(0, 0, 1), Op::Return1(1)]
    );
}

#[test]
fn i64_immediates_must_fit_sign_extended() {
    narrow(
        r#"(module (func (param i64) (result i32)
        (i64.ge_u (local.get 0) (i64.const 0x1_0000_0000))))"#,
        |c| {
            assert_eq!(c.ops[0].op(), Op::Const64(2, 0));
            assert_eq!(*c.aux, [0, 1]);
            assert_eq!(c.ops[1].op(), Op::I64GeU(1, 0, 2));
        },
    );
}

#[test]
fn immediates_outside_the_narrow_field_use_the_register_form() {
    let ops = ops(r#"(module (func (param i32) (result i32)
        (i32.or (local.get 0) (i32.const 0xffff))))"#);
    assert_eq!(
        ops,
        [Op::Const32(2, 0xffff), Op::I32Or(1, 0, 2), Op::Return1(1)]
    );
}

#[test]
fn large_memory_offsets_are_added_before_the_access() {
    let ops = ops(r#"(module (memory 1) (func (param i32) (result i32)
        (i32.load offset=0x12345 (local.get 0))))"#);
    assert_eq!(
        ops,
        [
            Op::Copy(1, 0),
            Op::AddrOffset(1, 0x12344),
            Op::Load32(1, 1, 1),
            Op::Return1(1)
        ]
    );
}

#[test]
fn branches_are_relative() {
    let ops = ops(r#"(module (func (param i32)
        (block (br_if 0 (local.get 0)) (br 0))))"#);
    assert_eq!(ops, [Op::BrIfNez(0, 2), Op::Br(1), Op::Return]);
}

#[test]
fn huge_frames_use_the_wide_encoding() {
    // 33,000 `v128` locals: slots 1..66,001.
    let wat = format!(
        "(module (func (param i32) (result i32) (local {}) {}))",
        "v128 ".repeat(33_000),
        "(i32.add (local.get 0) (i32.const 100000))"
    );
    let code = ModuleCode::new(env(&wat));
    let Code::Wide(c) = code.func(0).unwrap() else {
        panic!("translated in the narrow encoding")
    };
    assert_eq!(c.ops[0].op(), Op::I32AddImm(66_001, 0, 100_000));
}

#[test]
fn far_compare_branches_are_not_fused() {
    // A forward branch over 40,000 instructions does not fit a narrow
    // relative target: the function is translated again without fusing.
    let wat = format!(
        "(module (func (param i32 i32) (block (br_if 0 (i32.lt_s (local.get 0) (i32.const 5))) {})))",
        "(local.set 1 (i32.mul (local.get 1) (i32.const 3)))".repeat(40_000)
    );
    let ops = ops(&wat);
    assert_eq!(ops[0], Op::I32LtSImm(2, 0, 5));
    assert_eq!(ops[1], Op::BrIfNez(2, 40_001));
}

/// The instructions of function 0 with their accumulator modes.
fn modes(wat: &str) -> Vec<(Op<u16>, u8)> {
    let mut ops = Vec::new();
    narrow(wat, |c| {
        ops = c.ops.iter().map(|i| (i.op(), i.mode())).collect()
    });
    ops
}

#[test]
fn temporaries_read_by_the_next_instruction_pass_through_the_accumulator() {
    let ops = modes(
        r#"(module (memory 1) (func (param i32) (result i32)
        (i32.store (local.get 0) (i32.load (local.get 0)))
        (i32.xor (i32.shr_u (local.get 0) (i32.const 2)) (i32.const 15))))"#,
    );
    assert_eq!(
        ops,
        [
            (Op::Load32(2, 0, 0), ACC_D),
            (Op::Store32(0, 2, 0), ACC_B),
            (Op::I32ShrUImm(1, 0, 2), ACC_D),
            (Op::I32XorImm(1, 1, 15), ACC_A | ACC_D),
            (Op::Return1(1), ACC_A),
        ]
    );
}

#[test]
fn values_still_on_the_stack_or_behind_a_label_stay_in_slots() {
    // The sum stays on the stack below the call's operand (read later), and
    // the `loop` label lies between the add and the `local.set`.
    let ops = modes(
        r#"(module (func (param i32) (result i32)
        (i32.add (local.get 0) (i32.const 1))
        (drop (i32.eqz (local.get 0)))
        (local.set 0 (loop (result i32) (i32.const 3)))))"#,
    );
    assert!(ops.iter().all(|&(_, mode)| mode == 0), "{ops:?}");
}

#[test]
fn the_accumulator_survives_copies_that_do_not_touch_the_temporary() {
    // fibonacci's loop body: the sum waits on the stack while `b` moves to
    // `a`; the two moves then fuse, the second reading the accumulator.
    let ops = modes(
        r#"(module (func (param i64) (result i64) (local i64 i64)
        (i64.add (local.get 1) (local.get 2))
        (local.set 1 (local.get 2))
        (local.set 2)
        (local.get 1)))"#,
    );
    assert_eq!(
        ops,
        [
            (Op::I64Add(3, 1, 2), ACC_D),
            (Op::Copy2(1 | 2 << 8, 2, 3), ACC_A),
            (Op::Return1(1), 0),
        ]
    );
    // Not a `local.tee`, whose value a branch may test next.
    let ops = modes(
        r#"(module (func (param i64) (result i64) (local i64 i64)
        (i64.add (local.get 1) (local.get 2))
        (local.set 1 (local.get 2))
        (local.tee 2)))"#,
    );
    assert_eq!(
        ops,
        [
            (Op::I64Add(3, 1, 2), ACC_D),
            (Op::Copy(1, 2), 0),
            (Op::Copy(2, 3), ACC_A | ACC_W),
            (Op::Return1(2), ACC_A),
        ]
    );
}

#[test]
fn a_counter_step_fuses_with_the_loop_branch() {
    // The counter also stays in the accumulator from one iteration to the
    // next: a copy before the loop puts it there on entry.
    let ops = modes(
        r#"(module (func (param i32) (result i32)
        (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        (local.get 0)))"#,
    );
    assert_eq!(
        ops,
        [
            (Op::Copy(0, 0), ACC_D),
            (Op::I32AddImmBrNez(0, u16::MAX, 0), ACC_A | ACC_W),
            (Op::Return1(0), ACC_A)
        ]
    );
}

#[test]
fn an_i64_counter_tested_against_zero_and_a_carried_counter_fuse_too() {
    let counter = ops(r#"(module (func (param i64) (result i64)
        (loop (br_if 0 (i64.ne (local.tee 0 (i64.sub (local.get 0) (i64.const 1))) (i64.const 0))))
        (local.get 0)))"#);
    assert_eq!(
        counter,
        [
            Op::Copy(0, 0),
            Op::I64AddImmBrNez(0, u16::MAX, 0),
            Op::Return1(0)
        ]
    );
    let carried = modes(
        r#"(module (func (param i32) (result i32)
        (local.get 0)
        (loop (param i32) (result i32)
            (local.tee 0 (i32.sub (i32.const 1)))
            (br_if 0 (local.get 0)))))"#,
    );
    // The step writes the loop's slot directly, and the branch copies it to
    // the local: the next iteration does not wait for the copy. Nor for the
    // slot: the copy into the loop and the step leave it in the accumulator.
    assert_eq!(
        carried,
        [
            (Op::Copy(1, 0), ACC_W),
            // `0xff << 8`: the local is slot 0, the step -1.
            (Op::I32AddImmCopyBrNez(1, 0xff << 8, 0), ACC_A | ACC_W),
            (Op::Return1(1), ACC_A)
        ]
    );
}

#[test]
fn list_walks_fuse_their_loads_and_moves_with_the_loop_branch() {
    // Walking a list (`p = p->next`), and reversing one.
    let ops = ops(r#"(module (memory 1) (func (param i32 i32 i32) (local i32)
        (loop (br_if 0 (local.tee 0 (i32.load (local.get 0)))))
        (loop
            (local.set 2 (i32.load (local.tee 3 (local.get 1))))
            (i32.store (local.get 3) (local.get 0))
            (local.set 0 (local.get 3))
            (br_if 0 (local.tee 1 (local.get 2))))))"#);
    assert_eq!(
        ops,
        [
            Op::Load32BrNez(0, 0, 0),
            Op::Load32Keep(2 | 3 << 8, 1, 0),
            Op::Store32(3, 0, 0),
            Op::Copy(0, 3),
            Op::CopyBrNez(1, 2, (-3i16) as u16),
            Op::Return,
        ]
    );
}

#[test]
fn a_move_then_a_branch_on_another_slot_fuse() {
    let ops = ops(r#"(module (func (param i32 i32 i32)
        (loop (local.set 0 (local.get 1)) (br_if 0 (local.get 2)))))"#);
    assert_eq!(ops, [Op::CopyBrIfNez(1 << 8, 2, 0), Op::Return]);
}

#[test]
fn bit_fields_and_wide_masks_take_one_instruction() {
    let ops = modes(
        r#"(module (func (param i32) (result i32)
        (i32.add (i32.and (i32.shr_u (local.get 0) (i32.const 34)) (i32.const 127))
                 (i32.and (local.get 0) (i32.const 0xffff)))))"#,
    );
    assert_eq!(
        ops,
        [
            (Op::I32ShrUMask(1, 0, 2 | 25 << 8), 0),
            (Op::I32ShrUMask(2, 0, 16 << 8), ACC_D),
            (Op::I32Add(1, 1, 2), ACC_B | ACC_D),
            (Op::Return1(1), ACC_A),
        ]
    );
}

#[test]
fn a_select_on_the_previous_result_takes_it_from_the_accumulator() {
    // A CRC step: the select's result goes straight to the local that its
    // second operand reads, and it tests the low bit of the `xor` itself.
    let ops = modes(
        r#"(module (func (param i32 i32) (result i32)
        (local.set 1 (select (i32.xor (local.get 1) (i32.const 0x2001)) (local.get 1)
                             (i32.and (i32.xor (local.get 0) (local.get 1)) (i32.const 1))))
        (local.get 1)))"#,
    );
    assert_eq!(
        ops,
        [
            (Op::I32XorImm(2, 1, 0x2001), 0),
            (Op::I32Xor(4, 0, 1), ACC_D),
            (Op::SelectAccOdd(1, 2, 1), ACC_W),
            (Op::Return1(1), ACC_A),
        ]
    );
}

#[test]
fn xor_and_sub_tested_by_a_branch_become_a_compare() {
    let ops = ops(r#"(module (func (param i32 i32) (result i32)
        (block (br_if 0 (i32.xor (local.get 0) (local.get 1))))
        (block (br_if 0 (i32.xor (local.get 0) (i32.const 7))))
        (if (result i32) (i32.sub (local.get 0) (local.get 1))
            (then (i32.const 1)) (else (i32.const 2)))))"#);
    assert_eq!(
        &ops[..3],
        [
            Op::BrIfI32Ne(0, 1, 1),
            Op::BrIfI32NeImm(0, 7, 1),
            Op::BrIfI32Eq(0, 1, 3),
        ]
    );
}

#[test]
fn selects_with_a_constant_and_eqz_of_a_difference_take_one_instruction() {
    let ops = ops(r#"(module (func (param i32 i32) (result i32)
        (local.set 1 (select (i32.const 10) (local.get 1) (local.get 0)))
        (block (br_if 0 (i32.eqz (i32.xor (local.get 0) (local.get 1)))))
        (local.get 1)))"#);
    assert_eq!(
        ops,
        [
            Op::SelectImmA(1, 1 << 8, 10),
            Op::BrIfI32Eq(0, 1, 1),
            Op::Return1(1),
        ]
    );
}

#[test]
fn a_product_added_to_a_sum_is_one_multiply_accumulate() {
    // A dot product's step, with the product on either side of the `add`.
    let ops = modes(
        r#"(module (memory 1) (func (param i32 i32 i32) (result i32)
        (local.set 2 (i32.add (local.get 2)
            (i32.mul (i32.load16_s (local.get 0)) (i32.load16_s (local.get 1)))))
        (i32.add (i32.mul (local.get 0) (i32.load (local.get 1))) (local.get 2))))"#,
    );
    assert_eq!(
        ops,
        [
            (Op::Load16S32(4, 0, 0), 0),
            (Op::Load16S32(5, 1, 0), ACC_D),
            (Op::I32MulAdd(2, 2, 4), 0),
            (Op::Load32(4, 1, 0), ACC_D),
            (Op::I32MulAdd(3, 2, 0), ACC_D),
            (Op::Return1(3), ACC_A),
        ]
    );
}

#[test]
fn a_field_behind_a_pointer_is_one_load() {
    let ops = modes(
        r#"(module (memory 1) (func (param i32) (result i32)
        (i32.add (i32.load16_u offset=2 (i32.load offset=4 (local.get 0)))
                 (i32.load8_u offset=1 (i32.load offset=300 (local.get 0))))))"#,
    );
    assert_eq!(
        ops,
        [
            (Op::Load32Load16U(1, 0, 4 | 2 << 8), 0),
            (Op::Load32(2, 0, 300), ACC_D),
            (Op::Load8U(2, 2, 1), ACC_A | ACC_D),
            (Op::I32Add(1, 1, 2), ACC_B | ACC_D),
            (Op::Return1(1), ACC_A),
        ]
    );
}

#[test]
fn steps_of_two_locals_in_a_row_fuse() {
    let ops = ops(r#"(module (func (param i32 i32 i32 i32)
        (loop
            (local.set 0 (i32.add (local.get 0) (i32.const 2)))
            (local.set 1 (i32.add (local.get 1) (local.get 3)))
            (local.set 2 (i32.add (local.get 2) (i32.const 4)))
            (local.set 3 (i32.sub (local.get 3) (i32.const 1)))
            (br_if 0 (local.get 3)))))"#);
    assert_eq!(
        ops,
        [
            Op::I32AddImmAdd(1 << 8, 2, 3),
            Op::I32AddImm2(2 | 3 << 8, 4, (-1i16) as u16),
            Op::BrIfNez(3, (-2i32) as u32),
            Op::Return,
        ]
    );
}

#[test]
fn a_select_on_differing_low_bits_and_a_narrow_step_take_one_instruction() {
    // A CRC bit (`((data >> k) ^ crc) & 1` picks the next crc), and
    // `(uint8_t)(c - '0')`.
    let ops = modes(
        r#"(module (func (param i32 i32 i32) (result i32)
        (local.set 1 (select (local.get 2) (local.get 1)
            (i32.and (i32.xor (i32.shr_u (local.get 0) (i32.const 3)) (local.get 1)) (i32.const 1))))
        (i32.add (local.get 1) (i32.and (i32.sub (local.get 0) (i32.const 48)) (i32.const 255)))))"#,
    );
    assert_eq!(
        ops,
        [
            (Op::I32ShrUImm(5, 0, 3), ACC_D),
            (Op::SelectOddXor(1, 2 | 1 << 8, 1), 0),
            (
                Op::I32AddMask(4, 0, (-48i16 as u16 & 0xff) | 24 << 8),
                ACC_D
            ),
            (Op::I32Add(3, 1, 4), ACC_B | ACC_D),
            (Op::Return1(3), ACC_A),
        ]
    );
}

#[test]
fn a_local_read_right_after_it_is_written_also_passes_through_the_accumulator() {
    // Into a loop header too, if the branches to it write the local as well
    // (the counter step here): not if one does not (the compare).
    let ops = modes(
        r#"(module (func (param i32 i32) (result i32)
        (local.set 1 (i32.add (local.get 0) (local.get 1)))
        (local.set 0 (i32.mul (local.get 1) (i32.const 3)))
        (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        (local.set 1 (local.get 0))
        (loop
            (local.set 1 (i32.add (local.get 1) (i32.const 7)))
            (br_if 0 (i32.lt_u (local.get 1) (local.get 0))))
        (local.get 1)))"#,
    );
    assert_eq!(
        ops,
        [
            (Op::I32Add(1, 0, 1), ACC_W),
            (Op::I32MulImm(0, 1, 3), ACC_A | ACC_W),
            (Op::I32AddImmBrNez(0, (-1i16) as u16, 0), ACC_A | ACC_W),
            (Op::Copy(1, 0), ACC_A),
            (Op::I32AddImm(1, 1, 7), ACC_W),
            (Op::BrIfI32LtU(1, 0, (-1i16) as u16), ACC_A),
            (Op::Return1(1), 0),
        ]
    );
}

#[test]
fn a_tail_call_leaves_room_for_the_callees_results_at_its_base() {
    // A callee of another tier is called out from the frame, and leaves
    // its three results where its one argument was.
    narrow(
        "(module
           (func (param i32) (result i64 i64 i64)
             (return_call 1 (local.get 0)))
           (func (param i32) (result i64 i64 i64)
             (i64.const 1) (i64.const 2) (i64.const 3)))",
        |c| {
            let base = match c.ops.iter().map(Instr::op).find_map(|op| match op {
                Op::ReturnCall(base, 1) => Some(base),
                _ => None,
            }) {
                Some(base) => base,
                None => panic!(
                    "no return_call in {:?}",
                    c.ops.iter().map(Instr::op).collect::<Vec<_>>()
                ),
            };
            assert!(
                c.frame_slots >= base as u32 + 3,
                "{} slots, base {base}",
                c.frame_slots
            );
        },
    );
}
