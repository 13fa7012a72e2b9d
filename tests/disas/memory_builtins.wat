;; memory.size, memory.grow, memory.fill, memory.copy (builtin calls)
(module
  (memory 1 4)
  (func $size_grow (export "size_grow") (param $delta i32) (result i32)
    (i32.add (memory.grow (local.get $delta)) (memory.size)))
  (func $fill (export "fill") (param $dst i32) (param $val i32) (param $len i32)
    (memory.fill (local.get $dst) (local.get $val) (local.get $len)))
  (func $copy (export "copy") (param $dst i32) (param $src i32) (param $len i32)
    (memory.copy (local.get $dst) (local.get $src) (local.get $len))))
