;; call_indirect through a funcref table: bounds check, null check, signature check
(module
  (type $bin (func (param i32 i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $f $g)
  (func $f (type $bin) (i32.add (local.get 0) (local.get 1)))
  (func $g (type $bin) (i32.sub (local.get 0) (local.get 1)))
  (func $dispatch (export "dispatch") (param $idx i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect (type $bin) (local.get $a) (local.get $b) (local.get $idx))))
