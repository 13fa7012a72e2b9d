;; cpu: baseline avx
;; lane widening: low halves by pmovsx/pmovzx; high halves by unpacking
;; with zeros (unsigned) or with themselves and an arithmetic shift
;; (signed 8 and 16 bits; 32-bit lanes move down first)
(module
  (func (param v128) (result v128 v128 v128 v128 v128 v128)
    (i16x8.extend_high_i8x16_u (local.get 0))
    (i16x8.extend_high_i8x16_s (local.get 0))
    (i32x4.extend_high_i16x8_u (local.get 0))
    (i32x4.extend_high_i16x8_s (local.get 0))
    (i64x2.extend_high_i32x4_u (local.get 0))
    (i64x2.extend_high_i32x4_s (local.get 0)))
  (func (param v128) (result v128)
    (i16x8.add
      (i16x8.extend_low_i8x16_u (local.get 0))
      (i16x8.extend_high_i8x16_u (local.get 0)))))
