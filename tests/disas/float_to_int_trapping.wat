;; trapping float to int (NaN and out-of-range traps): i32.trunc_f32_s, i32.trunc_f64_u, i64.trunc_f64_s, i64.trunc_f32_u
(module
  (func $to_i32 (export "to_i32") (param $a f32) (param $b f64) (result i32)
    (i32.add
      (i32.trunc_f32_s (local.get $a))
      (i32.trunc_f64_u (local.get $b))))
  (func $to_i64 (export "to_i64") (param $a f64) (param $b f32) (result i64)
    (i64.add
      (i64.trunc_f64_s (local.get $a))
      (i64.trunc_f32_u (local.get $b)))))
