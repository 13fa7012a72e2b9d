;; Values live across a call beyond the three callee-saved registers: one
;; used more often than the call would save and reload it keeps a
;; caller-saved register, stored before the call and reloaded after it
;; (`d` in rsi); one used as often as that would cost lives in a slot. The
;; call is direct: its callee is compiled into the same image.
(module
  (func $g (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func (export "f") (param $a i32) (param $b i32) (param $c i32) (param $d i32)
    (param $e i32) (result i32)
    (local $s i32)
    (local.set $s
      (i32.add (i32.add (local.get $a) (local.get $b))
               (i32.add (local.get $c) (i32.add (local.get $d) (local.get $e)))))
    (local.set $s (call $g (local.get $s)))
    (i32.add
      (i32.add (i32.mul (local.get $s) (local.get $a)) (local.get $e))
      (i32.add (i32.mul (local.get $b) (local.get $c))
               (i32.mul (local.get $d) (i32.add (local.get $a) (local.get $d)))))))
