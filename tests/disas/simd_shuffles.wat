;; cpu: baseline avx
;; shuffles x86 has one instruction for: interleavings of low and high
;; halves by lane size (also with the operands swapped), whole 32-bit lanes
;; of one operand (pshufd); the rest by pshufb of each operand, or of one
(module
  (func (param v128 v128) (result v128 v128 v128 v128 v128 v128)
    (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get 0) (local.get 1))
    (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get 0) (local.get 1))
    (i8x16.shuffle 16 17 18 19 0 1 2 3 20 21 22 23 4 5 6 7 (local.get 0) (local.get 1))
    (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get 0) (local.get 1))
    (i8x16.shuffle 12 13 14 15 8 9 10 11 4 5 6 7 0 1 2 3 (local.get 0) (local.get 1))
    (i8x16.shuffle 16 17 18 19 16 17 18 19 28 29 30 31 20 21 22 23 (local.get 0) (local.get 1)))
  (func (param v128 v128) (result v128 v128)
    (i8x16.shuffle 0 16 2 18 4 20 6 22 8 24 10 26 12 28 14 30 (local.get 0) (local.get 1))
    (i8x16.shuffle 3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12 (local.get 0) (local.get 1))))
