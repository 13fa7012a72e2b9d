;; cpu: baseline avx
;; float SIMD operators with Wasm's semantics where x86's differ: min/max
;; (NaNs, signed zeros), saturating truncations, unsigned conversions
(module
  (func (export "min_max_f32") (param $a v128) (param $b v128) (result v128)
    (f32x4.max (f32x4.min (local.get $a) (local.get $b)) (local.get $b)))
  (func (export "min_f64") (param $a v128) (param $b v128) (result v128)
    (f64x2.min (local.get $a) (local.get $b)))
  (func (export "trunc_f32") (param $a v128) (result v128)
    (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $a)) (i32x4.trunc_sat_f32x4_u (local.get $a))))
  (func (export "trunc_f64") (param $a v128) (result v128)
    (i32x4.add (i32x4.trunc_sat_f64x2_s_zero (local.get $a)) (i32x4.trunc_sat_f64x2_u_zero (local.get $a))))
  (func (export "convert_u") (param $a v128) (result v128)
    (f64x2.add
      (f64x2.promote_low_f32x4 (f32x4.convert_i32x4_u (local.get $a)))
      (f64x2.convert_low_i32x4_u (local.get $a)))))
