;; cpu: baseline avx
;; constant shift counts as immediates (bytes: a 16-bit shift and a mask;
;; the arithmetic byte shift keeps its sequence), shuffles of 16
;; consecutive bytes as one palignr, and vector constants read from the
;; pool by the operation that uses them (also as the first operand of an
;; operation whose x86 form swaps them: lt_s, andnot)
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
      (local.get 1)))
  (func (param v128) (result v128)
    (i8x16.add (local.get 0) (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16))
    (i16x8.ne (v128.const i16x8 1 1 1 1 1 1 1 1))
    (local.set 0)
    (i8x16.sub
      (i32x4.lt_s (v128.const i32x4 7 7 7 7) (local.get 0))
      (v128.andnot (v128.const i64x2 -1 0) (local.get 0))))
  ;; the byte shift's operand stays live: the sequence computes into the
  ;; result's register
  (func (param v128) (result v128)
    (i8x16.add (i8x16.shl (local.get 0) (i32.const 3)) (local.get 0))))
