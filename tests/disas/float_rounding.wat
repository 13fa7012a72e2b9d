;; ceil/floor/trunc/nearest for f32 and f64
(module
  (func $f32 (export "f32") (param $a f32) (result f32)
    (f32.add
      (f32.add (f32.ceil (local.get $a)) (f32.floor (local.get $a)))
      (f32.add (f32.trunc (local.get $a)) (f32.nearest (local.get $a)))))
  (func $f64 (export "f64") (param $a f64) (result f64)
    (f64.add
      (f64.add (f64.ceil (local.get $a)) (f64.floor (local.get $a)))
      (f64.add (f64.trunc (local.get $a)) (f64.nearest (local.get $a))))))
