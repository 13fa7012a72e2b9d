;; Throw and catch across 10 frames, `n` times: each iteration calls down
;; 10 frames; the innermost throws a tag carrying an i32, the outermost
;; catches it and adds its payload. The cost of exception handling itself
;; (creating, unwinding, catching), not of the work between.
(module
  (tag $e (param i32))
  (func $down (param $depth i32) (param $v i32)
    (if (i32.eqz (local.get $depth))
      (then (throw $e (local.get $v))))
    (call $down (i32.sub (local.get $depth) (i32.const 1)) (local.get $v)))
  (func (export "run") (param $n i32) (result i32)
    (local $sum i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (block $h (result i32)
          (try_table (catch $e $h)
            (call $down (i32.const 9) (local.get $n)))
          (unreachable))
        (local.set $sum (i32.add (local.get $sum)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $sum))
)
