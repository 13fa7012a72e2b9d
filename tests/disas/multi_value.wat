;; multi-value: a function returning (i32 i64 f64) and a caller consuming all three results
(module
  (func $three (export "three") (param $x i32) (result i32 i64 f64)
    (local.get $x)
    (i64.extend_i32_u (local.get $x))
    (f64.convert_i32_s (local.get $x)))
  (func $use (export "use") (param $x i32) (result i64 f64)
    (local $a i32) (local $b i64) (local $c f64)
    (call $three (local.get $x))
    (local.set $c)
    (local.set $b)
    (local.set $a)
    (i64.add (i64.extend_i32_u (local.get $a)) (local.get $b))
    (f64.mul (local.get $c) (f64.const 2))))
