;; throw writes its payload into 16-byte cells where the callees' return area is and calls the `throw` builtin, which raises the exception; throw_ref passes the reference; both go on unwinding with the status, like a builtin's trap
(module
  (tag $e (param i32 f64 v128))
  (func $throw (param $x i32) (param $y f64)
    (throw $e (local.get $x) (local.get $y) (v128.const i64x2 1 2)))
  (func $rethrow (param $r exnref)
    (throw_ref (local.get $r)))
)
