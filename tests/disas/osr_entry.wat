;; OSR entries into function 0 at its outer loop (0) and inner loop (1), with a value on the operand stack and live locals
;; osr: 0 0
;; osr: 0 1
(module
  (func $osr (export "osr") (param $n i32) (result i64)
    (local $i i32) (local $j i32) (local $acc i64) (local $f f64)
    (i64.const 1000)
    (loop $outer
      (local.set $j (i32.const 0))
      (loop $inner
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $j))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $f (f64.add (local.get $f) (f64.const 0.5)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (i64.add (local.get $acc))
    (i64.add (i64.trunc_sat_f64_s (local.get $f)))))
