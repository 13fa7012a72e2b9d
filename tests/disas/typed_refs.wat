;; Typed function references: call_ref checks for null only, return_call_ref
;; likewise; br_on_null, br_on_non_null and ref.as_non_null test the
;; reference for zero
(module
  (type $bin (func (param i32 i32) (result i32)))
  (func $call (param $f (ref null $bin)) (param $a i32) (result i32)
    (call_ref $bin (local.get $a) (local.get $a) (local.get $f)))
  (func $tail (param $f (ref $bin)) (param $a i32) (result i32)
    (return_call_ref $bin (local.get $a) (i32.const 1) (local.get $f)))
  (func $or_zero (param $f (ref null $bin)) (result i32)
    (block $null
      (return (call_ref $bin (i32.const 2) (i32.const 3)
        (br_on_null $null (local.get $f)))))
    (i32.const 0))
  (func $first (param $f (ref null $bin)) (param $g (ref null $bin)) (result (ref $bin))
    (block $found (result (ref $bin))
      (br_on_non_null $found (local.get $f))
      (ref.as_non_null (local.get $g)))))
