;; br_table with 6 targets plus a default (a jump table after the code), a
;; br_table inside a loop, and a dispatch loop whose cases pass a value on
;; (jump table entries to stubs that move it)
(module
  (func $switch (export "switch") (param $x i32) (result i32)
    (block $default
      (block $5
        (block $4
          (block $3
            (block $2
              (block $1
                (block $0
                  (br_table $0 $1 $2 $3 $4 $5 $default (local.get $x)))
                (return (i32.const 100)))
              (return (i32.const 101)))
            (return (i32.const 102)))
          (return (i32.const 103)))
        (return (i32.const 104)))
      (return (i32.const 105)))
    (i32.const -1))
  (func $loop_table (export "loop_table") (param $n i32) (result i32)
    (local $acc i32)
    (block $exit
      (loop $l
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_table $exit $l (i32.gt_s (local.get $n) (i32.const 0)))))
    (local.get $acc))
  (func $dispatch (export "dispatch") (param $op i32) (param $n i32) (result i32)
    (local $acc i32)
    (loop $next
      (block $halt
        (block $c3
          (block $c2
            (block $c1
              (block $c0
                (br_table $c0 $c1 $c2 $c3 $halt (i32.and (local.get $op) (i32.const 7))))
              (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
              (br $next))
            (local.set $acc (i32.mul (local.get $acc) (i32.const 3)))
            (br $next))
          (local.set $op (i32.shr_u (local.get $op) (i32.const 3)))
          (br $next))
        (local.set $acc (i32.xor (local.get $acc) (local.get $n)))
        (br $next)))
    (local.get $acc)))
