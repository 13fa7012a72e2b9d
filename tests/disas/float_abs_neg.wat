;; f32/f64 abs and neg (sign-bit masks)
(module
  (func $f32 (export "f32") (param $a f32) (param $b f32) (result f32)
    (f32.add (f32.abs (local.get $a)) (f32.neg (local.get $b))))
  (func $f64 (export "f64") (param $a f64) (param $b f64) (result f64)
    (f64.add (f64.abs (local.get $a)) (f64.neg (local.get $b)))))
