//! Long loops over every family of instruction, run on a thread with a small
//! native stack: an interpreter handler that reached the next one by a real
//! call (instead of a jump) would keep a native frame per executed
//! instruction and overflow that stack within a few thousand iterations.

use tandem::{Engine, Linker, Module, Store};

/// Iterations of each loop (each runs a handful of instructions per iteration).
const ITERATIONS: i32 = 1_000_000;
/// The native stack the loops run on: far less than a million frames need.
const NATIVE_STACK: usize = 256 << 10;

const FAMILIES: &str = r#"(module
  (memory 1)
  (table $t 4 funcref)
  (global $g (mut i64) (i64.const 0))
  (type $ii (func (param i32) (result i32)))
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (elem (table $t) (i32.const 0) func $inc)

  (func (export "int") (param $n i32) (result i32) (local $x i32) (local $y i64)
    (loop $l
      (local.set $x (i32.xor (i32.mul (local.get $x) (i32.const 31)) (local.get $n)))
      (local.set $x (i32.rotl (i32.shr_u (local.get $x) (i32.const 1)) (i32.clz (local.get $n))))
      (local.set $y (i64.add (local.get $y) (i64.extend_i32_u (i32.rem_u (local.get $x) (i32.const 7)))))
      (local.set $x (select (local.get $x) (i32.wrap_i64 (local.get $y)) (i32.lt_s (local.get $x) (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.wrap_i64 (local.get $y)))

  (func (export "float") (param $n i32) (result i32) (local $f f64) (local $s f32)
    (loop $l
      (local.set $f (f64.add (f64.sqrt (f64.convert_i32_u (local.get $n))) (f64.mul (local.get $f) (f64.const 0.5))))
      (local.set $s (f32.demote_f64 (f64.nearest (local.get $f))))
      (local.set $s (f32.min (f32.abs (local.get $s)) (f32.copysign (f32.const 1e9) (local.get $s))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.trunc_sat_f32_s (f32.const 1))))))
    (i32.trunc_f32_s (local.get $s)))

  (func (export "memory") (param $n i32) (result i32) (local $a i32)
    (loop $l
      (local.set $a (i32.and (local.get $n) (i32.const 0xfff8)))
      (i64.store (local.get $a) (i64.extend_i32_s (local.get $n)))
      (i32.store8 offset=3 (local.get $a) (i32.load16_u (local.get $a)))
      (drop (memory.grow (i32.const 0)))
      (memory.fill (i32.const 0) (local.get $n) (i32.const 8))
      (memory.copy (i32.const 16) (i32.const 0) (i32.div_u (memory.size) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.load (i32.const 16)))

  (func (export "simd") (param $n i32) (result i32) (local $v v128)
    (loop $l
      (local.set $v (i32x4.add (local.get $v) (i32x4.splat (local.get $n))))
      (v128.store (i32.const 32) (f32x4.sqrt (f32x4.convert_i32x4_u (local.get $v))))
      (local.set $v (v128.xor (local.get $v) (v128.load (i32.const 32))))
      (local.set $v (v128.load32_lane 1 (i32.const 32) (local.get $v)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32x4.extract_lane 0 (local.get $v)))

  (func (export "control") (param $n i32) (result i32) (local $x i32)
    (loop $l
      (block $b2 (block $b1 (block $b0
        (br_table $b0 $b1 $b2 (i32.rem_u (local.get $n) (i32.const 3))))
        (local.set $x (call $inc (local.get $x))) (br $b2))
        (local.set $x (call_indirect (type $ii) (local.get $x) (i32.const 0))))
      (global.set $g (i64.add (global.get $g) (i64.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $x) (i32.wrap_i64 (global.get $g))))

  (func (export "table") (param $n i32) (result i32)
    (loop $l
      (table.set $t (i32.const 1) (table.get $t (i32.const 0)))
      (drop (table.grow $t (ref.null func) (i32.const 0)))
      (table.fill $t (i32.const 2) (ref.func $inc) (i32.const 1))
      (table.copy $t $t (i32.const 3) (i32.const 1) (i32.const 1))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (table.size $t))
)"#;

#[test]
fn every_family_loops_without_native_recursion() {
    let engine = Engine::default();
    let module = Module::new(&engine, FAMILIES).expect("the module is valid");
    std::thread::Builder::new()
        .stack_size(NATIVE_STACK)
        .spawn(move || {
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine)
                .instantiate(&mut store, &module)
                .expect("instantiates");
            for name in ["int", "float", "memory", "simd", "control", "table"] {
                let f = instance
                    .get_typed_func::<i32, i32>(&store, name)
                    .expect("exported");
                f.call(&mut store, ITERATIONS)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        })
        .expect("spawns")
        .join()
        .expect("the loops ran to completion");
}
