;; try_table: a covered call costs what any call costs (its return address is registered with an out-of-line landing pad, which reloads the context registers and makes the edge's moves); the landing block asks for each clause whether the tag is its, takes the exception, and branches with the payload; a throw inside goes straight to the landing block; the function keeps no value in a callee-saved register across a call and saves them all
(module
  (tag $e (param i32))
  (tag $f)
  (func $callee (param i32) (result i32) (local.get 0))
  (func $catch (param $x i32) (result i32)
    (block $h (result i32)
      (block $all
        (try_table (catch $e $h) (catch_all $all)
          (drop (call $callee (local.get $x)))
          (if (local.get $x) (then (throw $f))))
        (return (i32.const 0)))
      (return (i32.const 1)))
    (i32.add (local.get $x)))
)
