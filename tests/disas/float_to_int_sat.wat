;; saturating float to int: i32.trunc_sat_f32_s, i64.trunc_sat_f64_u
(module
  (func $sat_i32 (export "sat_i32") (param $a f32) (result i32)
    (i32.trunc_sat_f32_s (local.get $a)))
  (func $sat_i64 (export "sat_i64") (param $a f64) (result i64)
    (i64.trunc_sat_f64_u (local.get $a))))
