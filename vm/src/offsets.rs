//! Byte offsets of the fields compiled code reads, as constants a code
//! generator can put in an instruction. The tests check each against
//! `offset_of!`, so a change to a `#[repr(C)]` layout that forgets its
//! constant fails the build's tests instead of miscompiling.

/// [`VMContext::memory0`](crate::VMContext::memory0).
pub const VMCTX_MEMORY0: i32 = 0;
/// [`VMContext::store`](crate::VMContext::store).
pub const VMCTX_STORE: i32 = 8;
/// [`VMContext::funcs`](crate::VMContext::funcs).
pub const VMCTX_FUNCS: i32 = 16;
/// [`VMContext::memories`](crate::VMContext::memories).
pub const VMCTX_MEMORIES: i32 = 24;
/// [`VMContext::tables`](crate::VMContext::tables).
pub const VMCTX_TABLES: i32 = 32;
/// [`VMContext::globals`](crate::VMContext::globals).
pub const VMCTX_GLOBALS: i32 = 40;
/// [`VMContext::type_ids`](crate::VMContext::type_ids).
pub const VMCTX_TYPE_IDS: i32 = 48;
/// [`VMContext::data`](crate::VMContext::data).
pub const VMCTX_DATA: i32 = 56;
/// [`VMContext::elems`](crate::VMContext::elems).
pub const VMCTX_ELEMS: i32 = 64;
/// [`VMContext::builtins`](crate::VMContext::builtins).
pub const VMCTX_BUILTINS: i32 = 72;
/// [`VMContext::epoch_flag`](crate::VMContext::epoch_flag).
pub const VMCTX_EPOCH_FLAG: i32 = 96;
/// [`VMContext::tags`](crate::VMContext::tags).
pub const VMCTX_TAGS: i32 = 104;
/// [`VMContext::memory0_base`](crate::VMContext::memory0_base).
pub const VMCTX_MEMORY0_BASE: i32 = 112;

/// [`VMStoreContext::stack_limit`](crate::VMStoreContext::stack_limit).
pub const STORE_STACK_LIMIT: i32 = 0;
/// [`VMStoreContext::fuel`](crate::VMStoreContext::fuel).
pub const STORE_FUEL: i32 = 8;

/// [`VMMemory::base`](crate::VMMemory::base).
pub const MEMORY_BASE: i32 = 0;
/// [`VMMemory::len`](crate::VMMemory::len).
pub const MEMORY_LEN: i32 = 8;

/// [`VMTable::base`](crate::VMTable::base).
pub const TABLE_BASE: i32 = 0;
/// [`VMTable::len`](crate::VMTable::len).
pub const TABLE_LEN: i32 = 8;

/// [`VMFunc::array_call`](crate::VMFunc::array_call).
pub const FUNC_ARRAY_CALL: i32 = 0;
/// [`VMFunc::native_call`](crate::VMFunc::native_call).
pub const FUNC_NATIVE_CALL: i32 = 8;
/// [`VMFunc::vmctx`](crate::VMFunc::vmctx).
pub const FUNC_VMCTX: i32 = 16;
/// [`VMFunc::type_id`](crate::VMFunc::type_id).
pub const FUNC_TYPE_ID: i32 = 32;
/// [`VMFunc::supertypes`](crate::VMFunc::supertypes).
pub const FUNC_SUPERTYPES: i32 = 48;

/// Size of one global's cell ([`ValRaw`](crate::ValRaw)).
pub const GLOBAL_CELL_SIZE: i32 = 16;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{VMContext, VMFunc, VMMemory, VMStoreContext, VMTable, ValRaw};
    use std::mem::{offset_of, size_of};

    #[test]
    fn constants_match_the_layout() {
        let vmctx = [
            (VMCTX_MEMORY0, offset_of!(VMContext, memory0)),
            (VMCTX_STORE, offset_of!(VMContext, store)),
            (VMCTX_FUNCS, offset_of!(VMContext, funcs)),
            (VMCTX_MEMORIES, offset_of!(VMContext, memories)),
            (VMCTX_TABLES, offset_of!(VMContext, tables)),
            (VMCTX_GLOBALS, offset_of!(VMContext, globals)),
            (VMCTX_TYPE_IDS, offset_of!(VMContext, type_ids)),
            (VMCTX_DATA, offset_of!(VMContext, data)),
            (VMCTX_ELEMS, offset_of!(VMContext, elems)),
            (VMCTX_BUILTINS, offset_of!(VMContext, builtins)),
            (VMCTX_EPOCH_FLAG, offset_of!(VMContext, epoch_flag)),
            (VMCTX_TAGS, offset_of!(VMContext, tags)),
            (VMCTX_MEMORY0_BASE, offset_of!(VMContext, memory0_base)),
            (STORE_STACK_LIMIT, offset_of!(VMStoreContext, stack_limit)),
            (STORE_FUEL, offset_of!(VMStoreContext, fuel)),
            (MEMORY_BASE, offset_of!(VMMemory, base)),
            (MEMORY_LEN, offset_of!(VMMemory, len)),
            (TABLE_BASE, offset_of!(VMTable, base)),
            (TABLE_LEN, offset_of!(VMTable, len)),
            (FUNC_ARRAY_CALL, offset_of!(VMFunc, array_call)),
            (FUNC_NATIVE_CALL, offset_of!(VMFunc, native_call)),
            (FUNC_VMCTX, offset_of!(VMFunc, vmctx)),
            (FUNC_TYPE_ID, offset_of!(VMFunc, type_id)),
            (FUNC_SUPERTYPES, offset_of!(VMFunc, supertypes)),
            (GLOBAL_CELL_SIZE, size_of::<ValRaw>()),
        ];
        for (k, (constant, actual)) in vmctx.into_iter().enumerate() {
            assert_eq!(constant as usize, actual, "constant #{k}");
        }
    }
}
