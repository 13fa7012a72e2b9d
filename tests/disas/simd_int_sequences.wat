;; cpu: baseline avx
;; integer SIMD operators x86 has no single instruction for: byte shifts,
;; popcnt, shuffle (one and two sources) and swizzle, 64-bit abs, mul,
;; arithmetic shift and signed compare, q15mulr_sat, extmul, extadd_pairwise
(module
  (func (export "shifts") (param $a v128) (param $n i32) (result v128)
    (i8x16.shr_s (i8x16.shl (local.get $a) (local.get $n)) (local.get $n)))
  (func (export "shr_u_popcnt") (param $a v128) (param $n i32) (result v128)
    (i8x16.popcnt (i8x16.shr_u (local.get $a) (local.get $n))))
  (func (export "shuffles") (param $a v128) (param $b v128) (result v128)
    (i8x16.swizzle
      (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (local.get $a) (local.get $b))
      (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (local.get $b) (local.get $b))))
  (func (export "i64") (param $a v128) (param $b v128) (param $n i32) (result v128)
    (i64x2.lt_s
      (i64x2.mul (i64x2.abs (local.get $a)) (local.get $b))
      (i64x2.shr_s (local.get $b) (local.get $n))))
  (func (export "widening") (param $a v128) (param $b v128) (result v128)
    (i32x4.add
      (i32x4.extmul_high_i16x8_u (i16x8.q15mulr_sat_s (local.get $a) (local.get $b)) (local.get $b))
      (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_s (local.get $a)))))
  (func (export "extmul64") (param $a v128) (param $b v128) (result v128)
    (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $b))))
