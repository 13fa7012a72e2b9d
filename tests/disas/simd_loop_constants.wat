;; cpu: avx
;; vector constants in a loop move to the entry, each distinct one once,
;; and stay in registers; outside loops they are read from the pool by the
;; operation that uses them
(module
  (memory 1)
  (func (param i32) (result v128)
    (local v128)
    (local.set 1 (v128.xor (local.get 1) (v128.const i32x4 1 2 3 4)))
    (loop
      (local.set 1
        (i8x16.add
          (i8x16.eq (v128.load (local.get 0)) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))
          (i8x16.add (local.get 1) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))))
      (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 16)))))
    (local.get 1)))
