;; cpu: baseline avx
;; Relaxed SIMD's own operators, as tandem chooses them (vm/src/simd.rs):
;; madd and nmadd unfused (product rounded, then c first), the i8 dot
;; products by pmaddubsw (b unsigned, a signed, pairs saturated) and, for
;; the add form, pmaddwd by ones and a 32-bit add. The others decode to
;; Wasm 2.0 operators (laneselect here is bitselect).
(module
  (func (export "madd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "nmadd") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "dot") (param v128 v128) (result v128)
    (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
  (func (export "dot_add") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2)))
  (func (export "laneselect") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2))))
