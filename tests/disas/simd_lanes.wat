;; cpu: baseline avx
;; splats, lane extraction and replacement, v128 constants, bitselect, and
;; the lane reductions (any_true, all_true, bitmask)
(module
  (func (export "splat_extract") (param $x i32) (param $y f64) (result i32)
    (i32.add
      (i8x16.extract_lane_s 3 (i8x16.splat (local.get $x)))
      (i32.trunc_f64_s (f64x2.extract_lane 1 (f64x2.splat (local.get $y))))))
  (func (export "replace") (param $v v128) (param $x i64) (param $y f32) (result v128)
    (f32x4.replace_lane 2 (i64x2.replace_lane 1 (local.get $v) (local.get $x)) (local.get $y)))
  (func (export "consts") (param $c v128) (result v128)
    (v128.bitselect (v128.const i32x4 1 2 3 4) (v128.const i64x2 -1 -1) (local.get $c)))
  (func (export "reduce") (param $v v128) (result i32)
    (i32.add
      (i32.add (v128.any_true (local.get $v)) (i32x4.all_true (local.get $v)))
      (i16x8.bitmask (local.get $v)))))
