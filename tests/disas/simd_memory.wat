;; cpu: baseline avx
;; v128 loads and stores: whole, extending, splatting, zeroing, by lane;
;; each a trap site like scalar accesses
(module
  (memory 1)
  (func (export "copy") (param $from i32) (param $to i32)
    (v128.store offset=16 (local.get $to) (v128.load offset=32 (local.get $from))))
  (func (export "loads") (param $p i32) (result v128)
    (i16x8.add
      (i16x8.add (v128.load8x8_s (local.get $p)) (v128.load16_splat offset=2 (local.get $p)))
      (v128.load32_zero (local.get $p))))
  (func (export "lanes") (param $p i32) (param $v v128)
    (v128.store32_lane 3 (local.get $p) (v128.load8_lane 5 (local.get $p) (local.get $v)))))
