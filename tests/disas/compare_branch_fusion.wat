;; compare fused into the branch: br_if on i32.lt_u of two params, br_if on i32.eqz, if on i32.gt_s with an immediate
(module
  (func $br_if_lt_u (export "br_if_lt_u") (param $a i32) (param $b i32) (result i32)
    (block $out
      (br_if $out (i32.lt_u (local.get $a) (local.get $b)))
      (return (i32.const 1)))
    (i32.const 2))
  (func $br_if_eqz (export "br_if_eqz") (param $a i32) (result i32)
    (block $out
      (br_if $out (i32.eqz (local.get $a)))
      (return (i32.const 1)))
    (i32.const 2))
  (func $if_gt_s_imm (export "if_gt_s_imm") (param $a i32) (result i32)
    (if (result i32) (i32.gt_s (local.get $a) (i32.const 100))
      (then (i32.const 1))
      (else (i32.const 2)))))
