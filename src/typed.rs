//! Statically typed calls in both directions: [`TypedFunc`] for calling Wasm
//! from Rust without boxing values, and [`IntoFunc`] for turning Rust
//! closures into host functions.

use crate::func::{call_raw, Caller, HostFn};
use crate::store::StoreObjects;
use crate::{AsContextMut, Error, ExternRef, Func, FuncType, Result, ValType};
use std::marker::PhantomData;
use std::sync::Arc;
use tandem_vm::ValRaw;

/// A Rust type that stands for one Wasm value type.
pub trait WasmTy: Sized + Send + 'static {
    fn valtype() -> ValType;
    #[doc(hidden)]
    fn from_raw(raw: ValRaw, objs: &StoreObjects) -> Self;
    #[doc(hidden)]
    fn into_raw(self, objs: &StoreObjects) -> ValRaw;
}

macro_rules! scalar_ty {
    ($($t:ty => $vt:ident, $from:expr, $into:expr;)*) => {$(
        impl WasmTy for $t {
            fn valtype() -> ValType {
                ValType::$vt
            }
            fn from_raw(raw: ValRaw, _: &StoreObjects) -> Self {
                $from(raw)
            }
            fn into_raw(self, _: &StoreObjects) -> ValRaw {
                $into(self)
            }
        }
    )*};
}

scalar_ty! {
    i32 => I32, ValRaw::get_i32, ValRaw::i32;
    u32 => I32, |r: ValRaw| r.get_i32() as u32, |v: u32| ValRaw::i32(v as i32);
    i64 => I64, ValRaw::get_i64, ValRaw::i64;
    u64 => I64, |r: ValRaw| r.get_i64() as u64, |v: u64| ValRaw::i64(v as i64);
    f32 => F32, |r: ValRaw| f32::from_bits(r.get_f32_bits()), |v: f32| ValRaw::f32_bits(v.to_bits());
    f64 => F64, |r: ValRaw| f64::from_bits(r.get_f64_bits()), |v: f64| ValRaw::f64_bits(v.to_bits());
    u128 => V128, ValRaw::get_v128, ValRaw::v128;
}

impl WasmTy for Option<Func> {
    fn valtype() -> ValType {
        ValType::FUNCREF
    }
    fn from_raw(raw: ValRaw, _: &StoreObjects) -> Self {
        StoreObjects::func_from_ref(raw.get_ref())
    }
    fn into_raw(self, objs: &StoreObjects) -> ValRaw {
        ValRaw::reference(self.map_or(0, |f| objs.func_ref(f)))
    }
}

impl WasmTy for Option<ExternRef> {
    fn valtype() -> ValType {
        ValType::EXTERNREF
    }
    fn from_raw(raw: ValRaw, objs: &StoreObjects) -> Self {
        objs.extern_from_ref(raw.get_ref())
    }
    fn into_raw(self, objs: &StoreObjects) -> ValRaw {
        ValRaw::reference(self.map_or(0, |e| objs.extern_ref(e)))
    }
}

/// A list of Wasm values as a Rust type: `()`, one [`WasmTy`], or a tuple.
pub trait WasmParams: Sized + 'static {
    fn types() -> Vec<ValType>;
    #[doc(hidden)]
    fn store(self, objs: &StoreObjects, out: &mut [ValRaw]);
    #[doc(hidden)]
    fn load(values: &[ValRaw], objs: &StoreObjects) -> Self;
}

/// Results have the same forms as parameters.
pub trait WasmResults: WasmParams {}
impl<T: WasmParams> WasmResults for T {}

impl<T: WasmTy> WasmParams for T {
    fn types() -> Vec<ValType> {
        vec![T::valtype()]
    }
    fn store(self, objs: &StoreObjects, out: &mut [ValRaw]) {
        out[0] = self.into_raw(objs);
    }
    fn load(values: &[ValRaw], objs: &StoreObjects) -> Self {
        T::from_raw(values[0], objs)
    }
}

macro_rules! tuples {
    ($($n:literal: ($($t:ident)*);)*) => {$(
        #[allow(non_snake_case)]
        impl<$($t: WasmTy,)*> WasmParams for ($($t,)*) {
            fn types() -> Vec<ValType> {
                vec![$($t::valtype()),*]
            }
            fn store(self, _objs: &StoreObjects, _out: &mut [ValRaw]) {
                let ($($t,)*) = self;
                let mut _i = 0;
                $( _out[_i] = $t.into_raw(_objs); _i += 1; )*
            }
            #[allow(clippy::unused_unit)]
            fn load(_values: &[ValRaw], _objs: &StoreObjects) -> Self {
                let mut _i = 0;
                ($({ let v = $t::from_raw(_values[_i], _objs); _i += 1; v },)*)
            }
        }

        #[allow(non_snake_case)]
        impl<T: 'static, F, $($t: WasmTy,)* R: WasmRet> IntoFunc<T, ($($t,)*), R> for F
        where
            F: Fn($($t),*) -> R + Send + Sync + 'static,
        {
            fn into_func(self) -> (FuncType, Arc<HostFn<T>>) {
                let ty = FuncType::new(<($($t,)*)>::types(), R::Ok::types());
                let host = move |caller: Caller<'_, T>, values: &mut [ValRaw]| {
                    let ($($t,)*) = <($($t,)*)>::load(values, &caller.store.objects);
                    let results = (self)($($t),*).into_result()?;
                    results.store(&caller.store.objects, values);
                    Ok(())
                };
                (ty, Arc::new(host))
            }
        }

        #[allow(non_snake_case)]
        impl<T: 'static, F, $($t: WasmTy,)* R: WasmRet> IntoFunc<T, (Caller<'_, T>, $($t,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($t),*) -> R + Send + Sync + 'static,
        {
            fn into_func(self) -> (FuncType, Arc<HostFn<T>>) {
                let ty = FuncType::new(<($($t,)*)>::types(), R::Ok::types());
                let host = move |caller: Caller<'_, T>, values: &mut [ValRaw]| {
                    let ($($t,)*) = <($($t,)*)>::load(values, &caller.store.objects);
                    let objs: *const StoreObjects = &caller.store.objects;
                    let results = (self)(caller, $($t),*).into_result()?;
                    // SAFETY: the closure's borrow of the store has ended.
                    results.store(unsafe { &*objs }, values);
                    Ok(())
                };
                (ty, Arc::new(host))
            }
        }
    )*};
}

tuples! {
    0: ();
    1: (A1);
    2: (A1 A2);
    3: (A1 A2 A3);
    4: (A1 A2 A3 A4);
    5: (A1 A2 A3 A4 A5);
    6: (A1 A2 A3 A4 A5 A6);
    7: (A1 A2 A3 A4 A5 A6 A7);
    8: (A1 A2 A3 A4 A5 A6 A7 A8);
    9: (A1 A2 A3 A4 A5 A6 A7 A8 A9);
    10: (A1 A2 A3 A4 A5 A6 A7 A8 A9 A10);
}

/// What a host closure may return: values, or a `Result` of them.
pub trait WasmRet {
    type Ok: WasmResults;
    #[doc(hidden)]
    fn into_result(self) -> Result<Self::Ok>;
}

impl<R: WasmResults> WasmRet for R {
    type Ok = R;
    fn into_result(self) -> Result<R> {
        Ok(self)
    }
}

impl<R: WasmResults> WasmRet for Result<R, Error> {
    type Ok = R;
    fn into_result(self) -> Result<R> {
        self
    }
}

/// A Rust closure usable as a host function.
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_func(self) -> (FuncType, Arc<HostFn<T>>);
}

/// A function whose signature was checked once, called without boxing values.
pub struct TypedFunc<Params, Results> {
    func: Func,
    _ty: PhantomData<fn(Params) -> Results>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, R> Copy for TypedFunc<P, R> {}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    pub(crate) fn new(func: Func) -> Self {
        TypedFunc {
            func,
            _ty: PhantomData,
        }
    }

    pub fn func(&self) -> Func {
        self.func
    }

    pub fn call(&self, mut store: impl AsContextMut, params: Params) -> Result<Results> {
        let objs = store.objects_mut();
        let ty = objs.func(self.func).ty();
        let n = ty.params().len().max(ty.results().len());
        let mut values = [ValRaw::default(); 16];
        let mut heap;
        let values = if n <= values.len() {
            &mut values[..n]
        } else {
            heap = vec![ValRaw::default(); n];
            &mut heap[..]
        };
        params.store(objs, values);
        call_raw(objs, self.func, values)?;
        Ok(Results::load(values, objs))
    }
}
