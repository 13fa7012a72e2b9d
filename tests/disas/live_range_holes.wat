;; Live ranges with holes: early returns are laid out after the code that
;; goes on (blocks ending in `return` last), so a value used by an early
;; return lives at the top and again at the end, and is dead in between.
;; Its register serves the values in between (no spill in this function:
;; with one interval per value, the bytes read first held registers to the
;; end and later ones went to the stack).
(module
  (memory 1)
  ;; A varint of up to 5 bytes at $p, as SQLite's sqlite3GetVarint reads
  ;; one: the value to $out, the length as the result.
  (func (export "varint") (param $p i32) (param $out i32) (result i32)
    (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $b4 i32)
    (local $x i32) (local $y i32)
    block
      (local.tee $b0 (i32.load8_s (local.get $p)))
      (br_if 0 (i32.lt_s (i32.const 0)))
      (i64.store (local.get $out) (i64.extend_i32_u (local.get $b0)))
      (return (i32.const 1))
    end
    block
      (local.tee $b1 (i32.load8_s offset=1 (local.get $p)))
      (br_if 0 (i32.lt_s (i32.const 0)))
      (i64.store (local.get $out)
        (i64.extend_i32_u
          (i32.or (i32.shl (i32.and (local.get $b0) (i32.const 127)) (i32.const 7))
                  (local.get $b1))))
      (return (i32.const 2))
    end
    (local.set $x
      (i32.or (i32.shl (local.get $b0) (i32.const 14))
              (i32.and (local.tee $b2 (i32.load8_s offset=2 (local.get $p))) (i32.const 127))))
    block
      (br_if 0 (i32.lt_s (local.get $b2) (i32.const 0)))
      (i64.store (local.get $out)
        (i64.extend_i32_u
          (i32.or (local.get $x)
                  (i32.shl (i32.and (local.get $b1) (i32.const 127)) (i32.const 7)))))
      (return (i32.const 3))
    end
    (local.set $y
      (i32.or (i32.shl (local.get $b1) (i32.const 14))
              (i32.and (local.tee $b3 (i32.load8_s offset=3 (local.get $p))) (i32.const 127))))
    block
      (br_if 0 (i32.lt_s (local.get $b3) (i32.const 0)))
      (i64.store (local.get $out)
        (i64.or
          (i64.shl (i64.extend_i32_u (local.get $x)) (i64.const 7))
          (i64.extend_i32_u (i32.and (local.get $y) (i32.const 0x1fc07f)))))
      (return (i32.const 4))
    end
    (local.set $b4 (i32.load8_u offset=4 (local.get $p)))
    (i64.store (local.get $out)
      (i64.or
        (i64.shl (i64.extend_i32_u (i32.or (local.get $x) (local.get $b4))) (i64.const 21))
        (i64.extend_i32_u (i32.xor (local.get $y) (local.get $b2)))))
    (i32.const 5)))
