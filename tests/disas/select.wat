;; select for i32 (cmov) and f64, and select on a comparison condition,
;; which sets the flags for the cmov or the branch itself (fused), as
;; `eqz` and an unsigned 64-bit comparison do
(module
  (func $sel_i32 (export "sel_i32") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (select (local.get $a) (local.get $b) (local.get $c)))
  (func $sel_f64 (export "sel_f64") (param $a f64) (param $b f64) (param $c i32) (result f64)
    (select (result f64) (local.get $a) (local.get $b) (local.get $c)))
  (func $sel_cmp (export "sel_cmp") (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_s (local.get $a) (local.get $b))))
  (func $sel_eqz (export "sel_eqz") (param $a i64) (param $b i64) (param $c i32) (result i64)
    (select (local.get $a) (local.get $b) (i32.eqz (local.get $c))))
  (func $sel_f64_cmp (export "sel_f64_cmp") (param $a f64) (param $b f64) (param $x i64) (param $y i64)
    (result f64)
    (select (result f64) (local.get $a) (local.get $b) (i64.gt_u (local.get $x) (local.get $y)))))
