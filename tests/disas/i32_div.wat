;; i32 div_s/div_u/rem_s/rem_u: divide-by-zero and overflow trap paths, and division by a constant
(module
  (func $div (export "div") (param $a i32) (param $b i32) (result i32)
    (i32.add
      (i32.div_s (local.get $a) (local.get $b))
      (i32.div_u (local.get $a) (local.get $b))))
  (func $rem (export "rem") (param $a i32) (param $b i32) (result i32)
    (i32.add
      (i32.rem_s (local.get $a) (local.get $b))
      (i32.rem_u (local.get $a) (local.get $b))))
  (func $by_const (export "by_const") (param $a i32) (result i32)
    (i32.add
      (i32.div_s (local.get $a) (i32.const 8))
      (i32.rem_u (local.get $a) (i32.const 10)))))
