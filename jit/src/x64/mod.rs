//! The x86-64 backend: [`lower`] selects and emits instructions for the
//! SSA form through the [`masm`] seam over iced-x86, in the registers that
//! [`regalloc`] chose.

pub mod lower;
pub mod masm;
pub mod regalloc;
