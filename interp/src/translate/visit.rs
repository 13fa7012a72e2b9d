//! The operator walk: one arm per Wasm operator, and the helpers that
//! translate whole families of them (unary and binary operators, with
//! immediates, memory accesses, SIMD).

use super::*;

/// The constant offset of a memory access (32-bit memories only).
pub(super) fn mem_offset(memarg: MemArg) -> Result<u32> {
    u32::try_from(memarg.offset).map_err(|_| TranslateError("64-bit memory offset".into()))
}

impl Translator<'_> {
    /// Translates `op` (the walk skips unreachable code), of which the walk
    /// knows `info`.
    pub(super) fn operator(&mut self, op: Operator, info: OpInfo) -> Result<()> {
        use ValType::{F32, F64, I32, I64, V128};
        macro_rules! un {
            ($ty:expr, $op:ident) => {
                self.unary($ty, Op::$op)?
            };
        }
        macro_rules! bin {
            ($ty:expr, $op:ident) => {
                self.binary($ty, Op::$op)?
            };
        }
        macro_rules! imm {
            ($ty:expr, $op:ident, $opi:ident, $imm:expr) => {
                self.binary_imm($ty, Op::$op, Op::$opi, $imm)?
            };
        }
        const C: Imm = Imm::Plain { commutative: true };
        const N: Imm = Imm::Plain { commutative: false };
        macro_rules! retype {
            ($ty:expr) => {{
                let mut e = self.pop()?;
                e.ty = $ty;
                self.stack.push(e);
            }};
        }
        // Loads and stores name their fast form and, for the general one
        // (see `MemInstr`), their width and extension.
        macro_rules! load {
            ($ty:expr, $memarg:expr, $op:ident, $bytes:expr, $signed:expr) => {
                if self.is_general(&$memarg) {
                    let op = MemOp::Load {
                        bytes: $bytes,
                        signed: $signed,
                        wide: matches!($ty, I64 | F64),
                    };
                    self.general_access($ty, op, $memarg)?
                } else {
                    self.load($ty, $memarg, Op::$op)?
                }
            };
        }
        macro_rules! store {
            ($memarg:expr, $op:ident, $bytes:expr) => {
                if self.is_general(&$memarg) {
                    self.general_access(I32, MemOp::Store { bytes: $bytes }, $memarg)?
                } else {
                    self.store($memarg, Op::$op)?
                }
            };
        }
        match op {
            Operator::Unreachable => {
                self.emit(Op::Unreachable);
                self.unreachable = true;
            }
            Operator::Nop => {}
            Operator::Block { blockty } => {
                self.materialize_from(0);
                self.push_ctrl(CtrlKind::Block, blockty, None);
            }
            Operator::Loop { blockty } => {
                self.materialize_from(0);
                self.push_ctrl(CtrlKind::Loop, blockty, None);
                if self.count_loops {
                    let index = info.loop_index.expect("the walk numbers loops") as usize;
                    if self.loops.len() <= index {
                        self.loops.resize(index + 1, Box::default());
                    }
                    // The whole operand stack is in its slots (above),
                    // right after the locals'.
                    let locals = self.locals.iter().map(|l| l.1);
                    self.loops[index] = locals.chain(self.stack.iter().map(|e| e.ty)).collect();
                    self.emit(Op::LoopHead(index as u32));
                    // Nothing fuses across it either.
                    self.fence();
                }
            }
            Operator::If { blockty } => {
                let cond = self.pop_cond()?;
                self.materialize_from(0);
                let else_patch = self.emit_cond_branch(cond, true);
                self.push_ctrl(CtrlKind::If, blockty, else_patch);
            }
            Operator::Else => self.else_()?,
            Operator::End => self.end()?,
            Operator::Br { relative_depth } => {
                self.branch_to(relative_depth)?;
                self.unreachable = true;
            }
            Operator::BrIf { relative_depth } => self.br_if(relative_depth)?,
            Operator::BrTable { targets } => {
                self.br_table(&targets)?;
                self.unreachable = true;
            }
            Operator::Return => {
                self.emit_return()?;
                self.unreachable = true;
            }
            Operator::Call { function_index } => {
                let type_index = self.func_type_index(function_index)?;
                self.call_typed(type_index, false, |base| Op::Call(base, function_index))?;
            }
            Operator::CallIndirect {
                type_index,
                table_index,
            } => {
                let index = self.pop_operand()?;
                let at = self.aux_push(&[type_index, table_index, index]);
                self.call_typed(type_index, false, |base| Op::CallIndirect(base, at))?;
            }
            Operator::CallRef { type_index } => {
                let callee = self.pop_operand()?;
                let at = self.aux_push(&[type_index, callee]);
                self.call_typed(type_index, false, |base| Op::CallRef(base, at))?;
            }
            Operator::ReturnCall { function_index } => {
                let type_index = self.func_type_index(function_index)?;
                self.call_typed(type_index, true, |base| {
                    Op::ReturnCall(base, function_index)
                })?;
            }
            Operator::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let index = self.pop_operand()?;
                let at = self.aux_push(&[type_index, table_index, index]);
                self.call_typed(type_index, true, |base| Op::ReturnCallIndirect(base, at))?;
            }
            Operator::ReturnCallRef { type_index } => {
                let callee = self.pop_operand()?;
                let at = self.aux_push(&[type_index, callee]);
                self.call_typed(type_index, true, |base| Op::ReturnCallRef(base, at))?;
            }
            Operator::TryTable { try_table } => self.try_table(try_table)?,
            Operator::Try { blockty } => self.try_(blockty),
            Operator::Catch { tag_index } => self.catch(Some(tag_index), info.rethrown)?,
            Operator::CatchAll => self.catch(None, info.rethrown)?,
            Operator::Delegate { relative_depth } => self.delegate(relative_depth)?,
            Operator::Rethrow { relative_depth } => self.rethrow(relative_depth)?,
            Operator::Throw { tag_index } => self.throw(tag_index)?,
            Operator::ThrowRef => {
                let r = self.pop_operand()?;
                self.emit(Op::ThrowRef(r));
                self.unreachable = true;
            }
            Operator::RefAsNonNull => {
                let e = self.pop()?;
                let r = self.operand(e);
                self.emit(Op::RefAsNonNull(r));
                // A constant is in the entry's slot now.
                let val = match e.val {
                    Val::Local(_) => e.val,
                    _ => Val::Temp,
                };
                self.push(e.ty, val);
            }
            Operator::BrOnNull { relative_depth } => self.br_on_null(relative_depth)?,
            Operator::BrOnNonNull { relative_depth } => self.br_on_non_null(relative_depth)?,
            Operator::Drop => {
                self.pop()?;
            }
            Operator::Select => self.select()?,
            Operator::TypedSelect { .. } => self.select()?,
            Operator::LocalGet { local_index } => {
                let (slot, ty) = self.local(local_index)?;
                self.push(ty, Val::Local(slot));
            }
            Operator::LocalSet { local_index } => self.set_local(local_index, false)?,
            Operator::LocalTee { local_index } => self.set_local(local_index, true)?,
            Operator::GlobalGet { global_index } => {
                let ty = self.env.globals[global_index as usize].content_type;
                let ty = if ty.is_reference_type() { REF } else { ty };
                let set = self.last_global_set.filter(|&(at, _, g, _)| {
                    at + 1 == self.ops.len() && g == global_index && ty != V128
                });
                if let Some((_, src, ..)) = set.filter(|&(_, src, ..)| src < self.locals_end) {
                    self.push(ty, Val::Local(src));
                } else if let Some((at, _, _, producer)) =
                    set.filter(|&(_, src, ..)| src == self.next_slot())
                {
                    if let Some(p) = producer.filter(|_| self.modes[at] != 0) {
                        self.modes[at] = 0;
                        self.modes[p] &= !ACC_D;
                    }
                    self.push(ty, Val::Temp);
                } else if ty == V128 {
                    self.emit_result(ty, |d| Op::GlobalGet128(d, global_index));
                } else {
                    self.emit_result(ty, |d| Op::GlobalGet(d, global_index));
                }
            }
            Operator::GlobalSet { global_index } => {
                let e = self.pop()?;
                let src = self.operand(e);
                if e.ty == V128 {
                    self.emit(Op::GlobalSet128(src, global_index));
                } else {
                    let producer = self.acc_producer.map(|(p, _)| p);
                    let at = self.emit(Op::GlobalSet(src, global_index));
                    self.last_global_set = Some((at, src, global_index, producer));
                }
            }
            Operator::I32Load { memarg } => load!(I32, memarg, Load32, 4, false),
            Operator::F32Load { memarg } => load!(F32, memarg, Load32, 4, false),
            Operator::I64Load { memarg } => load!(I64, memarg, Load64, 8, false),
            Operator::F64Load { memarg } => load!(F64, memarg, Load64, 8, false),
            Operator::I32Load8S { memarg } => load!(I32, memarg, Load8S32, 1, true),
            Operator::I32Load8U { memarg } => load!(I32, memarg, Load8U, 1, false),
            Operator::I64Load8U { memarg } => load!(I64, memarg, Load8U, 1, false),
            Operator::I32Load16S { memarg } => load!(I32, memarg, Load16S32, 2, true),
            Operator::I32Load16U { memarg } => load!(I32, memarg, Load16U, 2, false),
            Operator::I64Load8S { memarg } => load!(I64, memarg, Load8S64, 1, true),
            Operator::I64Load16S { memarg } => load!(I64, memarg, Load16S64, 2, true),
            Operator::I64Load16U { memarg } => load!(I64, memarg, Load16U, 2, false),
            Operator::I64Load32S { memarg } => load!(I64, memarg, Load32S64, 4, true),
            Operator::I64Load32U { memarg } => load!(I64, memarg, Load32, 4, false),
            Operator::I32Store { memarg } | Operator::F32Store { memarg } => {
                store!(memarg, Store32, 4)
            }
            Operator::I64Store { memarg } | Operator::F64Store { memarg } => {
                store!(memarg, Store64, 8)
            }
            Operator::I32Store8 { memarg } | Operator::I64Store8 { memarg } => {
                store!(memarg, Store8, 1)
            }
            Operator::I32Store16 { memarg } | Operator::I64Store16 { memarg } => {
                store!(memarg, Store16, 2)
            }
            Operator::I64Store32 { memarg } => store!(memarg, Store32, 4),
            Operator::MemorySize { mem } if self.is_general_memory(mem) => {
                self.general_memory(MemOp::Size, mem, 0)?
            }
            Operator::MemorySize { .. } => self.emit_result(I32, Op::MemorySize),
            Operator::MemoryGrow { mem } if self.is_general_memory(mem) => {
                self.general_memory(MemOp::Grow, mem, 1)?
            }
            Operator::MemoryGrow { .. } => {
                let base = self.pop_in_place(1)?;
                self.emit(Op::MemoryGrow(base));
                self.push(I32, Val::Temp);
            }
            Operator::MemoryFill { mem } if self.is_general_memory(mem) => {
                self.general_memory(MemOp::Fill, mem, 3)?
            }
            Operator::MemoryFill { .. } => self.bulk_memory(Op::MemoryFill)?,
            Operator::MemoryCopy { dst_mem, src_mem }
                if self.is_general_memory(dst_mem) || self.is_general_memory(src_mem) =>
            {
                self.general_memory(MemOp::Copy { src: src_mem }, dst_mem, 3)?
            }
            Operator::MemoryCopy { .. } => self.bulk_memory(Op::MemoryCopy)?,
            Operator::MemoryInit { data_index, mem } if self.is_general_memory(mem) => {
                self.general_memory(MemOp::Init { data: data_index }, mem, 3)?
            }
            Operator::MemoryInit { data_index, .. } => {
                let base = self.pop_in_place(3)?;
                self.emit(Op::MemoryInit(base, data_index));
            }
            Operator::DataDrop { data_index } => {
                self.emit(Op::DataDrop(data_index));
            }
            Operator::TableGet { table } => {
                let index = self.pop_operand()?;
                self.emit_result(REF, |d| Op::TableGet(d, index, table));
            }
            Operator::TableSet { table } => {
                let value = self.pop_operand()?;
                let index = self.pop_operand()?;
                self.emit(Op::TableSet(index, value, table));
            }
            Operator::TableSize { table } => {
                let ty = self.table_index_type(table);
                self.emit_result(ty, |d| Op::TableSize(d, table))
            }
            Operator::TableGrow { table } => {
                let base = self.pop_in_place(2)?;
                if self.env.table64(table) {
                    self.emit(Op::TableGrow64(base, table));
                    self.push(I64, Val::Temp);
                } else {
                    self.emit(Op::TableGrow(base, table));
                    self.push(I32, Val::Temp);
                }
            }
            Operator::TableFill { table } => {
                let base = self.pop_in_place(3)?;
                self.emit(Op::TableFill(base, table));
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let base = self.pop_in_place(3)?;
                self.emit(Op::TableCopy(base, dst_table, src_table));
            }
            Operator::TableInit { elem_index, table } => {
                let base = self.pop_in_place(3)?;
                let at = self.aux_push(&[elem_index, table]);
                self.emit(Op::TableInit(base, at));
            }
            Operator::ElemDrop { elem_index } => {
                self.emit(Op::ElemDrop(elem_index));
            }
            Operator::RefNull { .. } => {
                self.push(REF, Val::Const(0));
            }
            Operator::RefIsNull => un!(I32, I64Eqz),
            Operator::RefFunc { function_index } => {
                self.emit_result(REF, |d| Op::RefFunc(d, function_index))
            }
            Operator::I32Const { value } => {
                self.push(I32, Val::Const(value as u32 as u64));
            }
            Operator::I64Const { value } => {
                self.push(I64, Val::Const(value as u64));
            }
            Operator::F32Const { value } => {
                self.push(F32, Val::Const(value.bits() as u64));
            }
            Operator::F64Const { value } => {
                self.push(F64, Val::Const(value.bits()));
            }
            Operator::V128Const { value } => {
                self.push(V128, Val::ConstV128(u128::from_le_bytes(*value.bytes())));
            }

            Operator::I32Eqz => {
                if !self.eqz_of_difference() {
                    un!(I32, I32Eqz)
                }
            }
            Operator::I32Eq => imm!(I32, I32Eq, I32EqImm, C),
            Operator::I32Ne => imm!(I32, I32Ne, I32NeImm, C),
            Operator::I32LtS => imm!(I32, I32LtS, I32LtSImm, N),
            Operator::I32LtU => imm!(I32, I32LtU, I32LtUImm, N),
            Operator::I32GtS => imm!(I32, I32GtS, I32GtSImm, N),
            Operator::I32GtU => imm!(I32, I32GtU, I32GtUImm, N),
            Operator::I32LeS => imm!(I32, I32LeS, I32LeSImm, N),
            Operator::I32LeU => imm!(I32, I32LeU, I32LeUImm, N),
            Operator::I32GeS => imm!(I32, I32GeS, I32GeSImm, N),
            Operator::I32GeU => imm!(I32, I32GeU, I32GeUImm, N),
            Operator::I64Eqz => un!(I32, I64Eqz),
            Operator::I64Eq => imm!(I32, I64Eq, I64EqImm, C),
            Operator::I64Ne => imm!(I32, I64Ne, I64NeImm, C),
            Operator::I64LtS => imm!(I32, I64LtS, I64LtSImm, N),
            Operator::I64LtU => imm!(I32, I64LtU, I64LtUImm, N),
            Operator::I64GtS => imm!(I32, I64GtS, I64GtSImm, N),
            Operator::I64GtU => imm!(I32, I64GtU, I64GtUImm, N),
            Operator::I64LeS => imm!(I32, I64LeS, I64LeSImm, N),
            Operator::I64LeU => imm!(I32, I64LeU, I64LeUImm, N),
            Operator::I64GeS => imm!(I32, I64GeS, I64GeSImm, N),
            Operator::I64GeU => imm!(I32, I64GeU, I64GeUImm, N),
            Operator::F32Eq => bin!(I32, F32Eq),
            Operator::F32Ne => bin!(I32, F32Ne),
            Operator::F32Lt => bin!(I32, F32Lt),
            Operator::F32Gt => bin!(I32, F32Gt),
            Operator::F32Le => bin!(I32, F32Le),
            Operator::F32Ge => bin!(I32, F32Ge),
            Operator::F64Eq => bin!(I32, F64Eq),
            Operator::F64Ne => bin!(I32, F64Ne),
            Operator::F64Lt => bin!(I32, F64Lt),
            Operator::F64Gt => bin!(I32, F64Gt),
            Operator::F64Le => bin!(I32, F64Le),
            Operator::F64Ge => bin!(I32, F64Ge),

            Operator::I32Clz => un!(I32, I32Clz),
            Operator::I32Ctz => un!(I32, I32Ctz),
            Operator::I32Popcnt => un!(I32, I32Popcnt),
            Operator::I32Add => {
                if !self.mul_add() {
                    imm!(I32, I32Add, I32AddImm, C)
                }
            }
            Operator::I32Sub => imm!(I32, I32Sub, I32AddImm, Imm::Sub),
            Operator::I32Mul => imm!(I32, I32Mul, I32MulImm, C),
            Operator::I32DivS => bin!(I32, I32DivS),
            Operator::I32DivU => bin!(I32, I32DivU),
            Operator::I32RemS => bin!(I32, I32RemS),
            Operator::I32RemU => bin!(I32, I32RemU),
            Operator::I32And => {
                if !self.and_mask()? {
                    imm!(I32, I32And, I32AndImm, C)
                }
            }
            Operator::I32Or => imm!(I32, I32Or, I32OrImm, C),
            Operator::I32Xor => imm!(I32, I32Xor, I32XorImm, C),
            Operator::I32Shl => imm!(I32, I32Shl, I32ShlImm, N),
            Operator::I32ShrS => imm!(I32, I32ShrS, I32ShrSImm, N),
            Operator::I32ShrU => imm!(I32, I32ShrU, I32ShrUImm, N),
            Operator::I32Rotl => bin!(I32, I32Rotl),
            Operator::I32Rotr => bin!(I32, I32Rotr),
            Operator::I64Clz => un!(I64, I64Clz),
            Operator::I64Ctz => un!(I64, I64Ctz),
            Operator::I64Popcnt => un!(I64, I64Popcnt),
            Operator::I64Add => imm!(I64, I64Add, I64AddImm, C),
            Operator::I64Sub => imm!(I64, I64Sub, I64AddImm, Imm::Sub),
            Operator::I64Mul => imm!(I64, I64Mul, I64MulImm, C),
            Operator::I64DivS => bin!(I64, I64DivS),
            Operator::I64DivU => bin!(I64, I64DivU),
            Operator::I64RemS => bin!(I64, I64RemS),
            Operator::I64RemU => bin!(I64, I64RemU),
            Operator::I64And => imm!(I64, I64And, I64AndImm, C),
            Operator::I64Or => imm!(I64, I64Or, I64OrImm, C),
            Operator::I64Xor => imm!(I64, I64Xor, I64XorImm, C),
            Operator::I64Shl => imm!(I64, I64Shl, I64ShlImm, N),
            Operator::I64ShrS => imm!(I64, I64ShrS, I64ShrSImm, N),
            Operator::I64ShrU => imm!(I64, I64ShrU, I64ShrUImm, N),
            Operator::I64Rotl => bin!(I64, I64Rotl),
            Operator::I64Rotr => bin!(I64, I64Rotr),

            Operator::F32Abs => un!(F32, F32Abs),
            Operator::F32Neg => un!(F32, F32Neg),
            Operator::F32Ceil => un!(F32, F32Ceil),
            Operator::F32Floor => un!(F32, F32Floor),
            Operator::F32Trunc => un!(F32, F32Trunc),
            Operator::F32Nearest => un!(F32, F32Nearest),
            Operator::F32Sqrt => un!(F32, F32Sqrt),
            Operator::F32Add => bin!(F32, F32Add),
            Operator::F32Sub => bin!(F32, F32Sub),
            Operator::F32Mul => bin!(F32, F32Mul),
            Operator::F32Div => bin!(F32, F32Div),
            Operator::F32Min => bin!(F32, F32Min),
            Operator::F32Max => bin!(F32, F32Max),
            Operator::F32Copysign => bin!(F32, F32Copysign),
            Operator::F64Abs => un!(F64, F64Abs),
            Operator::F64Neg => un!(F64, F64Neg),
            Operator::F64Ceil => un!(F64, F64Ceil),
            Operator::F64Floor => un!(F64, F64Floor),
            Operator::F64Trunc => un!(F64, F64Trunc),
            Operator::F64Nearest => un!(F64, F64Nearest),
            Operator::F64Sqrt => un!(F64, F64Sqrt),
            Operator::F64Add => bin!(F64, F64Add),
            Operator::F64Sub => bin!(F64, F64Sub),
            Operator::F64Mul => bin!(F64, F64Mul),
            Operator::F64Div => bin!(F64, F64Div),
            Operator::F64Min => bin!(F64, F64Min),
            Operator::F64Max => bin!(F64, F64Max),
            Operator::F64Copysign => bin!(F64, F64Copysign),

            Operator::I32WrapI64 => un!(I32, I32WrapI64),
            Operator::I32TruncF32S => un!(I32, I32TruncF32S),
            Operator::I32TruncF32U => un!(I32, I32TruncF32U),
            Operator::I32TruncF64S => un!(I32, I32TruncF64S),
            Operator::I32TruncF64U => un!(I32, I32TruncF64U),
            Operator::I64ExtendI32S => un!(I64, I64ExtendI32S),
            // i32 slots are zero-extended: the value already is the i64.
            Operator::I64ExtendI32U => retype!(I64),
            Operator::I64TruncF32S => un!(I64, I64TruncF32S),
            Operator::I64TruncF32U => un!(I64, I64TruncF32U),
            Operator::I64TruncF64S => un!(I64, I64TruncF64S),
            Operator::I64TruncF64U => un!(I64, I64TruncF64U),
            Operator::F32ConvertI32S => un!(F32, F32ConvertI32S),
            Operator::F32ConvertI32U => un!(F32, F32ConvertI32U),
            Operator::F32ConvertI64S => un!(F32, F32ConvertI64S),
            Operator::F32ConvertI64U => un!(F32, F32ConvertI64U),
            Operator::F32DemoteF64 => un!(F32, F32DemoteF64),
            Operator::F64ConvertI32S => un!(F64, F64ConvertI32S),
            Operator::F64ConvertI32U => un!(F64, F64ConvertI32U),
            Operator::F64ConvertI64S => un!(F64, F64ConvertI64S),
            Operator::F64ConvertI64U => un!(F64, F64ConvertI64U),
            Operator::F64PromoteF32 => un!(F64, F64PromoteF32),
            // Slots hold floats as their bits: reinterpretation is free.
            Operator::I32ReinterpretF32 => retype!(I32),
            Operator::I64ReinterpretF64 => retype!(I64),
            Operator::F32ReinterpretI32 => retype!(F32),
            Operator::F64ReinterpretI64 => retype!(F64),
            Operator::I32Extend8S => un!(I32, I32Extend8S),
            Operator::I32Extend16S => un!(I32, I32Extend16S),
            Operator::I64Extend8S => un!(I64, I64Extend8S),
            Operator::I64Extend16S => un!(I64, I64Extend16S),
            Operator::I64Extend32S => un!(I64, I64Extend32S),
            Operator::I32TruncSatF32S => un!(I32, I32TruncSatF32S),
            Operator::I32TruncSatF32U => un!(I32, I32TruncSatF32U),
            Operator::I32TruncSatF64S => un!(I32, I32TruncSatF64S),
            Operator::I32TruncSatF64U => un!(I32, I32TruncSatF64U),
            Operator::I64TruncSatF32S => un!(I64, I64TruncSatF32S),
            Operator::I64TruncSatF32U => un!(I64, I64TruncSatF32U),
            Operator::I64TruncSatF64S => un!(I64, I64TruncSatF64S),
            Operator::I64TruncSatF64U => un!(I64, I64TruncSatF64U),

            ref other => {
                if let Some(s) = SimdOp::from_operator(other) {
                    self.simd(s)?;
                } else if let Some((m, memarg)) = SimdMemOp::from_operator(other) {
                    self.simd_mem(m, memarg)?;
                } else {
                    return Err(TranslateError(
                        format!("unsupported operator {other:?}").into(),
                    ));
                }
            }
        }
        Ok(())
    }

    pub(super) fn unary(&mut self, ty: ValType, make: Ctor1) -> Result<()> {
        let a = self.pop_operand()?;
        self.emit_result(ty, |d| make(d, a));
        Ok(())
    }

    pub(super) fn binary(&mut self, ty: ValType, make: Ctor2) -> Result<()> {
        let b = self.pop_operand()?;
        let a = self.pop_operand()?;
        self.emit_result(ty, |d| make(d, a, b));
        Ok(())
    }

    /// A binary operator with an immediate form `make_imm`, used when one
    /// operand is a constant that fits the immediate.
    pub(super) fn binary_imm(
        &mut self,
        ty: ValType,
        make: Ctor2,
        make_imm: CtorImm,
        imm: Imm,
    ) -> Result<()> {
        let len = self.stack.len();
        if len < 2 {
            return Err(TranslateError("operand stack underflow".into()));
        }
        let (ea, eb) = (self.stack[len - 2], self.stack[len - 1]);
        // The immediate field holds an i32; ops on i64 operands (whatever
        // their result type) sign-extend it.
        let wide = ea.ty == ValType::I64;
        let narrow = self.narrow;
        let fit = |c: u64| -> Option<u32> {
            let c = if wide {
                c as i64
            } else {
                c as u32 as i32 as i64
            };
            let i = i32::try_from(c).ok()?;
            (!narrow || i16::try_from(i).is_ok()).then_some(i as u32)
        };
        let negate = |c: u64| -> u64 {
            if wide {
                (c as i64).wrapping_neg() as u64
            } else {
                (c as u32).wrapping_neg() as u64
            }
        };
        let chosen = match (ea.val, eb.val, imm) {
            (_, Val::Const(c), Imm::Plain { .. }) => fit(c).map(|i| (ea, i)),
            (_, Val::Const(c), Imm::Sub) => fit(negate(c)).map(|i| (ea, i)),
            (Val::Const(c), _, Imm::Plain { commutative: true }) => fit(c).map(|i| (eb, i)),
            _ => None,
        };
        match chosen {
            Some((e, i)) => {
                self.truncate(len - 2);
                let a = self.operand(e);
                self.emit_result(ty, |d| make_imm(d, a, i));
                Ok(())
            }
            None => self.binary(ty, make),
        }
    }

    pub(super) fn load(&mut self, ty: ValType, memarg: MemArg, make: CtorImm) -> Result<()> {
        let offset = mem_offset(memarg)?;
        let e = self.pop()?;
        if let Some((op, mode)) = self.load_via(&e, offset, make) {
            self.emit_result_with(ty, op, Some(mode));
            return Ok(());
        }
        let (addr, offset) = self.address(e, offset);
        self.emit_result(ty, |d| make(d, addr, offset));
        Ok(())
    }

    /// A load (made by `make`) at offset `o2` of the address `e`, which the
    /// last instruction loaded with an `i32.load` into the accumulator's
    /// reach: both in one `Load32Load*` (offsets below 256), the first
    /// load taken back. Returns the fused instruction's maker and mode (the
    /// first load's: it reads the address the same way).
    pub(super) fn load_via(
        &mut self,
        e: &Entry,
        o2: u32,
        make: CtorImm,
    ) -> Option<(impl FnOnce(Slot) -> Op, u8)> {
        let (at, t) = self.acc_producer?;
        let Op::Load32(_, a, o1) = self.ops[at] else {
            return None;
        };
        let fused: CtorImm = match make(0, 0, 0) {
            Op::Load32(..) => Op::Load32Load32,
            Op::Load16U(..) => Op::Load32Load16U,
            Op::Load8U(..) => Op::Load32Load8U,
            _ => return None,
        };
        let fits = self.narrow && o1 < 256 && o2 < 256;
        if !fits || at + 1 != self.ops.len() || e.val != Val::Temp || e.slot != t {
            return None;
        }
        let (_, mode) = self.take_last().expect("the first load");
        Some((move |d| fused(d, a, o1 | o2 << 8), mode))
    }

    pub(super) fn store(&mut self, memarg: MemArg, make: CtorImm) -> Result<()> {
        let offset = mem_offset(memarg)?;
        let value = self.pop_operand()?;
        let e = self.pop()?;
        let (addr, offset) = self.address(e, offset);
        self.emit(make(addr, value, offset));
        Ok(())
    }

    /// The address slot and offset of a memory access on the popped
    /// address `e`. An offset too large for a narrow field is added
    /// beforehand in `e`'s canonical slot (free now, and read by the access
    /// before its result is written), see [`Op::AddrOffset`].
    pub(super) fn address(&mut self, e: Entry, offset: u32) -> (Slot, u32) {
        if !self.narrow || offset <= u16::MAX as u32 {
            return (self.operand(e), offset);
        }
        if let Val::Const(c) = e.val {
            let ea = (c as u32 as u64 + (offset - 1) as u64).min(u32::MAX as u64);
            self.emit_const(e.slot, ea);
        } else {
            self.emit_move(e, e.slot);
            self.emit(Op::AddrOffset(e.slot, offset - 1));
        }
        (e.slot, 1)
    }

    /// `local.set`/`local.tee`.
    pub(super) fn set_local(&mut self, index: u32, tee: bool) -> Result<()> {
        let (slot, ty) = self.local(index)?;
        let e = self.pop()?;
        if let Some(at) = self.producer_of(&e) {
            // Entries still reading the local are copied out *before* the
            // producer, which then writes the local directly. The copies
            // write canonical slots below the producer's operands, so they
            // cannot disturb it, and no label lies between (see
            // `last_producer`). Nor do they touch the accumulator, if the
            // producer reads an operand from it.
            debug_assert_eq!(at + 1, self.ops.len());
            let (mut op, mode) = self.take_last().expect("the producer");
            self.materialize_local(slot);
            if let Some(d) = op.dst_mut() {
                *d = slot;
            }
            self.emit_with_mode(op, mode);
            self.fuse_pair();
            if tee {
                self.push(ty, Val::Local(slot));
            }
        } else {
            self.materialize_local(slot);
            self.emit_move(e, slot);
            if !tee {
                self.fuse_pair();
            } else if self.modes.last().is_some_and(|&m| m & ACC_A != 0) {
                // The copy read a temporary from the accumulator (see
                // `link_acc`): its slot was never written, the local has it.
                self.push(ty, Val::Local(slot));
            } else {
                // Not fused: a branch testing the value may fuse with the
                // copy (see `fuse_with_last`).
                self.stack.push(e);
            }
        }
        Ok(())
    }

    pub(super) fn select(&mut self) -> Result<()> {
        let len = self.stack.len();
        if len >= 3 && self.stack[len - 2].ty != ValType::V128 && self.select_acc()? {
            return Ok(());
        }
        if len >= 3 && self.stack[len - 2].ty == ValType::I32 && self.select_imm()? {
            return Ok(());
        }
        let cond = self.pop_operand()?;
        let b = self.pop()?;
        let b = self.operand(b);
        let a = self.pop()?;
        self.emit_move(a, a.slot);
        let op = if a.ty == ValType::V128 {
            Op::Select128(a.slot, cond, b)
        } else {
            Op::Select(a.slot, cond, b)
        };
        self.emit(op);
        self.push(a.ty, Val::Temp);
        Ok(())
    }

    pub(super) fn simd(&mut self, op: SimdOp) -> Result<()> {
        let (params, result) = op.signature();
        let mut slots = [0; 3];
        for k in (0..params.len().min(3)).rev() {
            slots[k] = self.pop_operand()?;
        }
        let dst = self.next_slot();
        let index = self.simd.len() as u32;
        self.simd.push(SimdInstr {
            op,
            dst,
            a: slots[0],
            b: slots[1],
            c: slots[2],
        });
        self.emit(Op::Simd(index));
        self.push(result, Val::Temp);
        Ok(())
    }

    pub(super) fn simd_mem(&mut self, op: SimdMemOp, memarg: MemArg) -> Result<()> {
        let (memory, offset) = (tandem_vm::module::memory_index(&memarg), memarg.offset);
        let vector = if op.has_vector_operand() {
            self.pop_operand()?
        } else {
            0
        };
        let addr = self.pop_operand()?;
        let index = self.simd_mem.len() as u32;
        let dst = self.next_slot();
        self.simd_mem.push(SimdMemInstr {
            op,
            memory,
            offset,
            dst,
            addr,
            vector,
        });
        self.emit(Op::SimdMem(index));
        if !op.is_store() {
            self.push(ValType::V128, Val::Temp);
        }
        Ok(())
    }

    /// Whether a load or store of `memarg` takes the general form (see
    /// [`MemInstr`]).
    pub(super) fn is_general(&self, memarg: &MemArg) -> bool {
        self.is_general_memory(tandem_vm::module::memory_index(memarg))
    }

    /// Whether instructions on memory `m` take the general form: all but
    /// those on a 32-bit memory 0.
    pub(super) fn is_general_memory(&self, m: u32) -> bool {
        m != 0 || self.env.memory64(0)
    }

    /// The type of table `t`'s indices and sizes.
    pub(super) fn table_index_type(&self, t: u32) -> ValType {
        if self.env.table64(t) {
            ValType::I64
        } else {
            ValType::I32
        }
    }

    /// A load (pushing a `ty`) or store in the general form.
    pub(super) fn general_access(&mut self, ty: ValType, op: MemOp, memarg: MemArg) -> Result<()> {
        let memory = tandem_vm::module::memory_index(&memarg);
        let nargs = if matches!(op, MemOp::Store { .. }) {
            2
        } else {
            1
        };
        self.push_general(op, memory, memarg.offset, nargs)?;
        if let MemOp::Load { .. } = op {
            self.push(ty, Val::Temp);
        }
        Ok(())
    }

    /// `memory.size`, `grow`, `fill`, `copy` or `init` on memory `memory`
    /// in the general form, taking `nargs` operands.
    pub(super) fn general_memory(&mut self, op: MemOp, memory: u32, nargs: usize) -> Result<()> {
        self.push_general(op, memory, 0, nargs)?;
        if let MemOp::Size | MemOp::Grow = op {
            let ty = if self.env.memory64(memory) {
                ValType::I64
            } else {
                ValType::I32
            };
            self.push(ty, Val::Temp);
        }
        Ok(())
    }

    /// Pops `nargs` operands into slots and emits the general instruction.
    fn push_general(&mut self, op: MemOp, memory: u32, offset: u64, nargs: usize) -> Result<()> {
        let mut args = [0; 3];
        for k in (0..nargs).rev() {
            args[k] = self.pop_operand()?;
        }
        let index = self.mem.len() as u32;
        self.mem.push(MemInstr {
            op,
            memory,
            memory64: self.env.memory64(memory),
            offset,
            args,
            dst: self.next_slot(),
        });
        self.emit(Op::Mem(index));
        Ok(())
    }

    /// `memory.fill` / `memory.copy` (`make`), reading their three operands
    /// where they are.
    pub(super) fn bulk_memory(&mut self, make: fn(Slot, Slot, Slot) -> Op) -> Result<()> {
        let n = self.pop_operand()?;
        let x = self.pop_operand()?;
        let d = self.pop_operand()?;
        self.emit(make(d, x, n));
        Ok(())
    }
}
