;; i64 shl/shr_s/shr_u/rotl/rotr by a variable count and by a constant count
(module
  (func $var (export "var") (param $a i64) (param $n i64) (result i64)
    (i64.rotr
      (i64.rotl
        (i64.shr_u
          (i64.shr_s
            (i64.shl (local.get $a) (local.get $n))
            (local.get $n))
          (local.get $n))
        (local.get $n))
      (local.get $n)))
  (func $const (export "const") (param $a i64) (result i64)
    (i64.rotr
      (i64.rotl
        (i64.shr_u
          (i64.shr_s
            (i64.shl (local.get $a) (i64.const 3))
            (i64.const 40))
          (i64.const 7))
        (i64.const 9))
      (i64.const 65))))
