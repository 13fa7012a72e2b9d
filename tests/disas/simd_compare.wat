;; cpu: baseline avx
;; lane comparisons: signed ones swapped or negated, unsigned ones through
;; min/max and equality, float ones by cmpps/cmppd predicate
(module
  (func (export "int") (param $a v128) (param $b v128) (result v128)
    (v128.and
      (v128.and (i8x16.lt_s (local.get $a) (local.get $b)) (i16x8.ge_s (local.get $a) (local.get $b)))
      (v128.or (i32x4.gt_u (local.get $a) (local.get $b)) (i64x2.ne (local.get $a) (local.get $b)))))
  (func (export "float") (param $a v128) (param $b v128) (result v128)
    (v128.xor (f32x4.gt (local.get $a) (local.get $b)) (f64x2.le (local.get $a) (local.get $b)))))
