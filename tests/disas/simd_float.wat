;; cpu: baseline avx
;; f32x4/f64x2 arithmetic, rounding, abs/neg by sign-bit masks, pmin/pmax,
;; conversions
(module
  (func (export "arith") (param $a v128) (param $b v128) (result v128)
    (f32x4.div (f32x4.add (local.get $a) (local.get $b)) (f32x4.sqrt (local.get $b))))
  (func (export "round_abs") (param $a v128) (result v128)
    (f64x2.neg (f64x2.abs (f64x2.floor (local.get $a)))))
  (func (export "pmin") (param $a v128) (param $b v128) (result v128)
    (f32x4.pmin (local.get $a) (local.get $b)))
  (func (export "convert") (param $a v128) (result v128)
    (f64x2.promote_low_f32x4 (f32x4.convert_i32x4_s (local.get $a)))))
