;; i32 shl/shr_s/shr_u/rotl/rotr by a variable count and by a constant count
(module
  (func $var (export "var") (param $a i32) (param $n i32) (result i32)
    (i32.rotr
      (i32.rotl
        (i32.shr_u
          (i32.shr_s
            (i32.shl (local.get $a) (local.get $n))
            (local.get $n))
          (local.get $n))
        (local.get $n))
      (local.get $n)))
  (func $const (export "const") (param $a i32) (result i32)
    (i32.rotr
      (i32.rotl
        (i32.shr_u
          (i32.shr_s
            (i32.shl (local.get $a) (i32.const 3))
            (i32.const 5))
          (i32.const 7))
        (i32.const 9))
      (i32.const 33))))
