;; cpu: baseline avx
;; constant shift counts as immediates (bytes: a 16-bit shift and a mask;
;; the arithmetic byte shift keeps its sequence), and shuffles of 16
;; consecutive bytes as one palignr
(module
  (func (param v128) (result v128)
    (i16x8.shl (local.get 0) (i32.const 17))
    (i32x4.shr_s (i32.const 3))
    (i64x2.shr_u (i32.const 40))
    (i8x16.shl (i32.const 3))
    (i8x16.shr_u (i32.const 12))
    (i8x16.shr_s (i32.const 2)))
  (func (param v128 v128) (result v128)
    (i8x16.shuffle 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30
      (local.get 0) (local.get 1))
    (i8x16.shuffle 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16
      (local.get 1))))
