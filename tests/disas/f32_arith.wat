;; f32 add/sub/mul/div of registers, an f32 constant operand, f32.sqrt
(module
  (func $ops (export "ops") (param $a f32) (param $b f32) (param $c f32) (param $d f32) (result f32)
    (f32.div
      (f32.mul
        (f32.sub (f32.add (local.get $a) (local.get $b)) (local.get $c))
        (local.get $d))
      (local.get $a)))
  (func $const (export "const") (param $a f32) (result f32)
    (f32.mul (local.get $a) (f32.const 2.5)))
  (func $sqrt (export "sqrt") (param $a f32) (result f32)
    (f32.sqrt (local.get $a))))
