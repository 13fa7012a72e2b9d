;; A 64-bit memory (memory64): no guard region covers an i64 address, so
;; each access first checks, by one compare with a constant, that address +
;; offset + width ends within the memory's 8 GiB reservation (pages past
;; its length fault at the access, as for a 32-bit memory); an offset past
;; 2^31 goes in a register. A constant address in the first 2 GiB needs
;; no check: it is a displacement inside the reservation. Accesses at the
;; same address with nothing observable between them but loads share one
;; check, at the first, for the largest extent (`fields`: one compare for
;; three loads); a store ends the run after it (`store_between`), and so
;; does anything else that may trap (`div_between`).
;; call_indirect through a 64-bit table compares the whole i64 index.
(module
  (memory i64 1)
  (table i64 1 funcref)
  (type $t (func (result i32)))
  (func (export "load") (param $p i64) (result i64)
    (i64.load offset=16 (local.get $p)))
  (func (export "store_far") (param $p i64) (param $v i32)
    (i32.store8 offset=0x100000000 (local.get $p) (local.get $v)))
  (func (export "grow") (param $n i64) (result i64)
    (memory.grow (local.get $n)))
  (func (export "constants") (result i64)
    (i64.add (i64.load offset=8 (i64.const 64))
             (i64.load8_u (i64.const 0x200000000))))
  (func (export "fields") (param $p i64) (result i64)
    (i64.add (i64.load (local.get $p))
      (i64.add (i64.load offset=16 (local.get $p))
               (i64.load offset=8 (local.get $p)))))
  (func (export "store_between") (param $p i64) (result i64)
    (i64.store offset=8 (local.get $p) (i64.load (local.get $p)))
    (i64.load offset=16 (local.get $p)))
  (func (export "div_between") (param $p i64) (result i64)
    (i64.div_s (i64.load (local.get $p)) (i64.load offset=8 (local.get $p)))
    (i64.load offset=16 (local.get $p))
    (i64.add))
  (func (export "dispatch") (param $i i64) (result i32)
    (call_indirect (type $t) (local.get $i))))
