;; four i64 values live across a call (callee-saved registers such as rbx/r12/r13 or spill slots)
(module
  (func $id (export "id") (param $x i64) (result i64)
    (local.get $x))
  (func $keep (export "keep") (param $a i64) (param $b i64) (param $c i64) (param $d i64) (result i64)
    (local $p i64) (local $q i64) (local $r i64) (local $s i64)
    (local.set $p (i64.mul (local.get $a) (local.get $b)))
    (local.set $q (i64.add (local.get $b) (local.get $c)))
    (local.set $r (i64.xor (local.get $c) (local.get $d)))
    (local.set $s (i64.sub (local.get $d) (local.get $a)))
    (i64.add
      (i64.add
        (i64.add (call $id (local.get $a)) (local.get $p))
        (i64.add (local.get $q) (local.get $r)))
      (local.get $s))))
