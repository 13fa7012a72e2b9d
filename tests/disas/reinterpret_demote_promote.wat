;; reinterpret between int and float registers, f64.promote_f32, f32.demote_f64
(module
  (func $to_bits (export "to_bits") (param $a f32) (param $b f64) (result i64)
    (i64.add
      (i64.extend_i32_u (i32.reinterpret_f32 (local.get $a)))
      (i64.reinterpret_f64 (local.get $b))))
  (func $from_bits (export "from_bits") (param $a i32) (param $b i64) (result f64)
    (f64.add
      (f64.promote_f32 (f32.reinterpret_i32 (local.get $a)))
      (f64.reinterpret_i64 (local.get $b))))
  (func $demote (export "demote") (param $a f64) (result f32)
    (f32.demote_f64 (local.get $a))))
