;; memory loads of every width and signedness with a static offset
(module
  (memory 1)
  (func $loads_i32 (export "loads_i32") (param $p i32) (result i32)
    (i32.add
      (i32.add
        (i32.add (i32.load8_s offset=1 (local.get $p)) (i32.load8_u offset=2 (local.get $p)))
        (i32.add (i32.load16_s offset=4 (local.get $p)) (i32.load16_u offset=6 (local.get $p))))
      (i32.load offset=8 (local.get $p))))
  (func $loads_i64 (export "loads_i64") (param $p i32) (result i64)
    (i64.add
      (i64.add (i64.load32_s offset=16 (local.get $p)) (i64.load32_u offset=20 (local.get $p)))
      (i64.load offset=24 (local.get $p))))
  (func $loads_float (export "loads_float") (param $p i32) (result f64)
    (f64.add
      (f64.promote_f32 (f32.load offset=32 (local.get $p)))
      (f64.load offset=40 (local.get $p)))))
