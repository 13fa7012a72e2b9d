;; i32 add/sub/mul of registers, add of an immediate (lea form), sub of an immediate
(module
  (func $add_sub_mul (export "add_sub_mul") (param $a i32) (param $b i32) (result i32)
    (i32.mul
      (i32.add (local.get $a) (local.get $b))
      (i32.sub (local.get $a) (local.get $b))))
  (func $add_imm (export "add_imm") (param $a i32) (result i32)
    (i32.add (local.get $a) (i32.const 1234)))
  (func $sub_imm (export "sub_imm") (param $a i32) (result i32)
    (i32.sub (local.get $a) (i32.const 77))))
