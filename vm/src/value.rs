//! Raw bit forms of Wasm values, as they cross between the runtime and tiers.

/// A reference value in raw form: `0` is the null reference.
///
/// A `funcref` is the address of the function's [`VMFunc`](crate::VMFunc),
/// so the same function instance always has the same raw value, whichever
/// instance imported or re-exported it. An `externref` is an opaque non-zero
/// handle minted by the runtime.
pub type RefRaw = u64;

/// One Wasm value of any type in raw form (16 bytes, so `v128` fits).
///
/// Scalars sit in the low bits, zero-extended: `i32`/`f32` in the low 32 bits
/// (floats as their bit patterns, so NaN payloads survive), `i64`/`f64` and
/// references in the low 64 bits.
#[repr(C, align(16))]
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct ValRaw(pub u128);

impl ValRaw {
    pub fn i32(v: i32) -> Self {
        ValRaw(v as u32 as u128)
    }
    pub fn i64(v: i64) -> Self {
        ValRaw(v as u64 as u128)
    }
    pub fn f32_bits(v: u32) -> Self {
        ValRaw(v as u128)
    }
    pub fn f64_bits(v: u64) -> Self {
        ValRaw(v as u128)
    }
    pub fn v128(v: u128) -> Self {
        ValRaw(v)
    }
    pub fn reference(r: RefRaw) -> Self {
        ValRaw(r as u128)
    }
    pub fn get_i32(self) -> i32 {
        self.0 as u32 as i32
    }
    pub fn get_i64(self) -> i64 {
        self.0 as u64 as i64
    }
    pub fn get_f32_bits(self) -> u32 {
        self.0 as u32
    }
    pub fn get_f64_bits(self) -> u64 {
        self.0 as u64
    }
    pub fn get_v128(self) -> u128 {
        self.0
    }
    pub fn get_ref(self) -> RefRaw {
        self.0 as u64
    }
}
