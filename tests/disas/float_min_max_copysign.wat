;; f32/f64 min and max (NaN propagation, -0 < +0) and copysign
(module
  (func $f32 (export "f32") (param $a f32) (param $b f32) (param $c f32) (result f32)
    (f32.copysign
      (f32.max (f32.min (local.get $a) (local.get $b)) (local.get $c))
      (local.get $a)))
  (func $f64 (export "f64") (param $a f64) (param $b f64) (param $c f64) (result f64)
    (f64.copysign
      (f64.max (f64.min (local.get $a) (local.get $b)) (local.get $c))
      (local.get $a))))
