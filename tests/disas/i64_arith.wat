;; i64 add/sub/mul of registers, immediates, and a constant that does not fit in 32 bits
(module
  (func $add_sub_mul (export "add_sub_mul") (param $a i64) (param $b i64) (result i64)
    (i64.mul
      (i64.add (local.get $a) (local.get $b))
      (i64.sub (local.get $a) (local.get $b))))
  (func $imm (export "imm") (param $a i64) (result i64)
    (i64.sub (i64.add (local.get $a) (i64.const 1234)) (i64.const 77)))
  (func $big_const (export "big_const") (param $a i64) (result i64)
    (i64.add (local.get $a) (i64.const 0x123456789abcdef0))))
