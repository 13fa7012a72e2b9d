;; fuel metering: charges at function entry, on the loop back edge, and around a call
;; checks: fuel
(module
  (func $leaf (export "leaf") (param $x i32) (result i32)
    (i32.add (local.get $x) (i32.const 1)))
  (func $run (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (call $leaf (local.get $acc)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc)))
