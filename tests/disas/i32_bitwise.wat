;; i32 and/or/xor with register and immediate operands
(module
  (func $reg (export "reg") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor
      (i32.or (i32.and (local.get $a) (local.get $b)) (local.get $c))
      (local.get $a)))
  (func $imm (export "imm") (param $a i32) (result i32)
    (i32.xor
      (i32.or (i32.and (local.get $a) (i32.const 0xff)) (i32.const 0x100))
      (i32.const 0x5555))))
