;; f64 add/sub/mul/div of registers, an f64 constant operand, f64.sqrt
(module
  (func $ops (export "ops") (param $a f64) (param $b f64) (param $c f64) (param $d f64) (result f64)
    (f64.div
      (f64.mul
        (f64.sub (f64.add (local.get $a) (local.get $b)) (local.get $c))
        (local.get $d))
      (local.get $a)))
  (func $const (export "const") (param $a f64) (result f64)
    (f64.add (local.get $a) (f64.const 0.1)))
  (func $sqrt (export "sqrt") (param $a f64) (result f64)
    (f64.sqrt (local.get $a))))
