;; int to float: f32.convert_i32_s, f64.convert_i32_u, f64.convert_i64_s, f32.convert_i64_u (unsigned 64-bit path)
(module
  (func $to_f32 (export "to_f32") (param $a i32) (param $b i64) (result f32)
    (f32.add
      (f32.convert_i32_s (local.get $a))
      (f32.convert_i64_u (local.get $b))))
  (func $to_f64 (export "to_f64") (param $a i32) (param $b i64) (result f64)
    (f64.add
      (f64.convert_i32_u (local.get $a))
      (f64.convert_i64_s (local.get $b)))))
