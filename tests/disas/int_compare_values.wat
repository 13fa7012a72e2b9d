;; integer comparisons materialised as i32 values (setcc): i32.lt_s, i64.gt_u, i32.eqz, i64.eqz
(module
  (func $i32_lt_s (export "i32_lt_s") (param $a i32) (param $b i32) (result i32)
    (i32.lt_s (local.get $a) (local.get $b)))
  (func $i64_gt_u (export "i64_gt_u") (param $a i64) (param $b i64) (result i32)
    (i64.gt_u (local.get $a) (local.get $b)))
  (func $eqz (export "eqz") (param $a i32) (param $b i64) (result i32)
    (i32.add (i32.eqz (local.get $a)) (i64.eqz (local.get $b)))))
