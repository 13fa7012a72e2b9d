;; clz/ctz/popcnt for i32 and i64
(module
  (func $bits32 (export "bits32") (param $a i32) (result i32)
    (i32.add
      (i32.add (i32.clz (local.get $a)) (i32.ctz (local.get $a)))
      (i32.popcnt (local.get $a))))
  (func $bits64 (export "bits64") (param $a i64) (result i64)
    (i64.add
      (i64.add (i64.clz (local.get $a)) (i64.ctz (local.get $a)))
      (i64.popcnt (local.get $a)))))
