;; table.get/table.set/table.size/table.grow on a funcref table, ref.func, ref.null, ref.is_null
(module
  (table $t 2 10 funcref)
  (elem declare func $target)
  (func $target (export "target"))
  (func $get (export "get") (param $i i32) (result funcref)
    (table.get $t (local.get $i)))
  (func $set (export "set") (param $i i32)
    (table.set $t (local.get $i) (ref.func $target)))
  (func $grow_size_null (export "grow_size_null") (param $n i32) (result i32)
    (i32.add
      (table.grow $t (ref.null func) (local.get $n))
      (i32.add (table.size $t) (ref.is_null (table.get $t (i32.const 0)))))))
