;; cpu: baseline avx
;; v128 parameters and results in xmm registers; lane-wise integer
;; arithmetic, saturating and unsigned forms, negation
(module
  (func (export "add_sub") (param $a v128) (param $b v128) (result v128)
    (i32x4.sub (i8x16.add (local.get $a) (local.get $b)) (local.get $b)))
  (func (export "sat") (param $a v128) (param $b v128) (result v128)
    (i16x8.add_sat_u (i8x16.sub_sat_s (local.get $a) (local.get $b)) (local.get $a)))
  (func (export "mul_min") (param $a v128) (param $b v128) (result v128)
    (i32x4.min_u (i32x4.mul (local.get $a) (local.get $b)) (i16x8.mul (local.get $b) (local.get $a))))
  (func (export "neg_abs") (param $a v128) (result v128)
    (i64x2.neg (i8x16.abs (local.get $a)))))
