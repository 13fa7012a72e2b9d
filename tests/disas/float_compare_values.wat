;; float comparisons materialised as i32 values (unordered/parity handling): f32.eq, f32.ne, f64.lt, f64.ge
(module
  (func $f32_eq (export "f32_eq") (param $a f32) (param $b f32) (result i32)
    (f32.eq (local.get $a) (local.get $b)))
  (func $f32_ne (export "f32_ne") (param $a f32) (param $b f32) (result i32)
    (f32.ne (local.get $a) (local.get $b)))
  (func $f64_lt_ge (export "f64_lt_ge") (param $a f64) (param $b f64) (param $c f64) (param $d f64) (result i32)
    (i32.or
      (f64.lt (local.get $a) (local.get $b))
      (f64.ge (local.get $c) (local.get $d)))))
