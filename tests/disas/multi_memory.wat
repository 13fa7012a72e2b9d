;; Accesses to a memory other than 0: its base loaded from the context at
;; each access (the guard region still covers a 32-bit address), while
;; memory 0 keeps its base in r14; memory.size of memory 1 names it.
(module
  (memory $a 1)
  (memory $b 1)
  (func (export "copy_word") (param $p i32) (result i32)
    (i32.store $b offset=8 (local.get $p) (i32.load $a offset=4 (local.get $p)))
    (i32.load16_u $b (local.get $p)))
  (func (export "size_b") (result i32)
    (memory.size $b)))
