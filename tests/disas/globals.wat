;; global.get/global.set of a mutable i32 and a mutable f64, and a read of an immutable global
(module
  (global $count (mut i32) (i32.const 0))
  (global $acc (mut f64) (f64.const 0))
  (global $step i32 (i32.const 42))
  (func $bump (export "bump") (result i32)
    (global.set $count (i32.add (global.get $count) (global.get $step)))
    (global.get $count))
  (func $scale (export "scale") (param $x f64) (result f64)
    (global.set $acc (f64.mul (global.get $acc) (local.get $x)))
    (global.get $acc)))
