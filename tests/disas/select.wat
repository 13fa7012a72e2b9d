;; select for i32 (cmov) and f64, and select on a comparison condition
(module
  (func $sel_i32 (export "sel_i32") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (select (local.get $a) (local.get $b) (local.get $c)))
  (func $sel_f64 (export "sel_f64") (param $a f64) (param $b f64) (param $c i32) (result f64)
    (select (result f64) (local.get $a) (local.get $b) (local.get $c)))
  (func $sel_cmp (export "sel_cmp") (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_s (local.get $a) (local.get $b)))))
