;; i64 div_s/div_u/rem_s/rem_u: divide-by-zero and overflow trap paths, and division by a constant
(module
  (func $div (export "div") (param $a i64) (param $b i64) (result i64)
    (i64.add
      (i64.div_s (local.get $a) (local.get $b))
      (i64.div_u (local.get $a) (local.get $b))))
  (func $rem (export "rem") (param $a i64) (param $b i64) (result i64)
    (i64.add
      (i64.rem_s (local.get $a) (local.get $b))
      (i64.rem_u (local.get $a) (local.get $b))))
  (func $by_const (export "by_const") (param $a i64) (result i64)
    (i64.add
      (i64.div_s (local.get $a) (i64.const 8))
      (i64.rem_u (local.get $a) (i64.const 10)))))
