;; i32.wrap_i64, i64.extend_i32_s/u, i32.extend8_s/16_s, i64.extend8_s/16_s/32_s
(module
  (func $wrap_ext (export "wrap_ext") (param $a i64) (result i32)
    (i32.add
      (i32.extend8_s (i32.wrap_i64 (local.get $a)))
      (i32.extend16_s (i32.wrap_i64 (local.get $a)))))
  (func $extend_i32 (export "extend_i32") (param $a i32) (result i64)
    (i64.add
      (i64.extend_i32_s (local.get $a))
      (i64.extend_i32_u (local.get $a))))
  (func $extend_i64 (export "extend_i64") (param $a i64) (result i64)
    (i64.add
      (i64.add (i64.extend8_s (local.get $a)) (i64.extend16_s (local.get $a)))
      (i64.extend32_s (local.get $a)))))
