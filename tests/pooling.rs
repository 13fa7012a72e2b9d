//! The pooling allocator (`Config::pooling`, `src/pool.rs`): a recycled
//! memory or table starts as a new one would, whatever the instance before
//! it (of the same module or another) did with it, in every tier; and its
//! limits hold, beside the store's limiter.

use tandem::{
    Config, Engine, Error, Instance, Linker, Memory, MemoryType, Module, PoolingConfig, Store,
    StoreLimitsBuilder, Table, TableType, Tier, TrapCode, Val, ValType,
};

fn engine(tier: Tier, limits: &PoolingConfig) -> Engine {
    Engine::new(Config::new().tier(tier).pooling(*limits)).unwrap()
}

const TIERS: [Tier; 3] = [Tier::Interp, Tier::Jit, Tier::Tiered];

/// Four pages, an image across its first host pages and at its end, and
/// functions to read, write and grow.
const A: &str = r#"(module
  (memory (export "m") 4 8)
  (data (i32.const 0) "image of a")
  (data (i32.const 262000) "end of a")
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;

/// One page and another image.
const B: &str = r#"(module
  (memory (export "m") 1)
  (data (i32.const 5) "b")
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))"#;

/// One page and no data.
const C: &str = r#"(module
  (memory (export "m") 1)
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))"#;

fn instantiate(store: &mut Store<()>, module: &Module) -> Result<Instance, Error> {
    Linker::new(store.engine()).instantiate(store, module)
}

fn load(store: &mut Store<()>, instance: Instance, at: i32) -> Result<i32, Error> {
    let f = instance
        .get_typed_func::<i32, i32>(&*store, "load")
        .unwrap();
    f.call(store, at)
}

fn store8(store: &mut Store<()>, instance: Instance, at: i32, value: i32) {
    let f = instance
        .get_typed_func::<(i32, i32), ()>(&*store, "store")
        .unwrap();
    f.call(store, (at, value)).unwrap();
}

/// The memory as a new instance of `module` would have it, by copying.
fn fresh(module: &str, tier: Tier) -> Vec<u8> {
    let engine = Engine::new(Config::new().tier(tier).memory_init_cow(false)).unwrap();
    let module = Module::new(&engine, module).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = instantiate(&mut store, &module).unwrap();
    let memory = instance.get_memory(&store, "m").unwrap();
    memory.data(&store).to_vec()
}

#[test]
fn recycled_memories_start_as_new_ones() {
    for tier in TIERS {
        // One slot: each instance gets the one the last had.
        let engine = engine(tier, PoolingConfig::new().total_memories(1));
        let modules: Vec<(&str, Module)> = [("a", A), ("b", B), ("c", C)]
            .into_iter()
            .map(|(name, wat)| (name, Module::new(&engine, wat).unwrap()))
            .collect();
        let wat = |name: &str| match name {
            "a" => A,
            "b" => B,
            _ => C,
        };
        // The same module again, then others, then back.
        for name in ["a", "a", "b", "a", "c", "b", "b", "c", "a"] {
            let module = &modules.iter().find(|m| m.0 == name).unwrap().1;
            let mut store = Store::new(&engine, ());
            let instance = instantiate(&mut store, module).unwrap();
            let memory = instance.get_memory(&store, "m").unwrap();
            assert!(
                memory.data(&store) == fresh(wat(name), tier),
                "{tier}: module {name} in a recycled slot"
            );
            // Past the memory's size, a trap, even where the slot's last
            // memory was larger.
            let size = memory.data(&store).len() as i32;
            let err = load(&mut store, instance, size).unwrap_err();
            assert_eq!(
                err.as_trap().map(|t| t.code()),
                Some(TrapCode::MemoryOutOfBounds),
                "{tier}: {name}"
            );
            // Dirty what the next instance must not see: in the image,
            // beside it, and in pages grown.
            for at in [0, 5, 4096, 70000, size - 1]
                .into_iter()
                .filter(|&at| at < size)
            {
                store8(&mut store, instance, at, 0xee);
            }
            if name == "a" {
                let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
                assert_eq!(grow.call(&mut store, 2).unwrap(), 4);
                store8(&mut store, instance, 5 * 65536 + 1, 0xee);
                // A host memory in the slot the image was in.
                let mut host_store = Store::new(&engine, ());
                drop(store);
                let memory = Memory::new(&mut host_store, MemoryType::new(1, None)).unwrap();
                assert!(memory.data(&host_store).iter().all(|&b| b == 0), "{tier}");
            }
        }
    }
}

#[test]
fn pool_limits_hold_and_free_slots_come_back() {
    let engine = engine(
        Tier::default(),
        PoolingConfig::new()
            .total_memories(2)
            .total_instances(3)
            .max_memory_pages(6)
            .table_elements(10),
    );
    let a = Module::new(&engine, A).unwrap();
    let mut first = Store::new(&engine, ());
    instantiate(&mut first, &a).unwrap();
    let mut second = Store::new(&engine, ());
    instantiate(&mut second, &a).unwrap();
    // A third memory, defined by an instance or by the host, is one too many.
    let mut third = Store::new(&engine, ());
    let err = instantiate(&mut third, &a).unwrap_err();
    assert!(err.to_string().contains("all 2 memories"), "{err}");
    let err = Memory::new(&mut third, MemoryType::new(1, None)).unwrap_err();
    assert!(err.to_string().contains("all 2 memories"), "{err}");
    drop(first);
    instantiate(&mut third, &a).unwrap();
    // Instances without memories count too.
    let none = Module::new(&engine, "(module)").unwrap();
    instantiate(&mut third, &none).unwrap();
    let err = instantiate(&mut third, &none).unwrap_err();
    assert!(err.to_string().contains("all 3 instances"), "{err}");
    drop((second, third));
    // Sizes: a memory grows to the pool's limit and no further; one that
    // starts past it, or a table past its own, is refused.
    let mut store = Store::new(&engine, ());
    let instance = instantiate(&mut store, &a).unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 2).unwrap(), 4);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    for wat in ["(module (memory 7))", "(module (table 11 funcref))"] {
        let module = Module::new(&engine, wat).unwrap();
        assert!(matches!(
            instantiate(&mut store, &module),
            Err(Error::Limit(_))
        ));
    }
    let module = Module::new(&engine, "(module (table 10 funcref))").unwrap();
    instantiate(&mut store, &module).unwrap();
}

#[test]
fn the_store_limiter_still_applies() {
    let engine = engine(Tier::default(), &PoolingConfig::new());
    let a = Module::new(&engine, A).unwrap();
    let mut store = Store::new(
        &engine,
        StoreLimitsBuilder::new().memory_size(5 * 65536).build(),
    );
    store.limiter(|limits| limits);
    let instance = Linker::new(&engine).instantiate(&mut store, &a).unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 1).unwrap(), 4);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
}

/// A data segment out of bounds: instantiation copies (no image) and traps,
/// leaving the segments before it written over zeros, even in a slot whose
/// last memory had an image there.
#[test]
fn a_trapping_segment_in_a_recycled_slot_copies_over_zeros() {
    let engine = engine(Tier::default(), PoolingConfig::new().total_memories(1));
    let a = Module::new(&engine, A).unwrap();
    let mut store = Store::new(&engine, ());
    instantiate(&mut store, &a).unwrap();
    drop(store);
    let mut store = Store::new(&engine, ());
    let table = Table::new(
        &mut store,
        TableType::new(ValType::FUNCREF, 1, None),
        Val::FuncRef(None),
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("env", "t", table).unwrap();
    let trapping = Module::new(
        &engine,
        r#"(module
          (import "env" "t" (table 1 funcref))
          (memory 4)
          (func $load (param i32) (result i32) (i32.load8_u (local.get 0)))
          (elem (i32.const 0) $load)
          (data (i32.const 2) "ok")
          (data (i32.const 262143) "xx"))"#,
    )
    .unwrap();
    let err = linker.instantiate(&mut store, &trapping).unwrap_err();
    assert_eq!(
        err.as_trap().map(|t| t.code()),
        Some(TrapCode::MemoryOutOfBounds)
    );
    // The failed instance's memory, read through its function.
    let Some(Val::FuncRef(Some(load))) = table.get(&store, 0) else {
        panic!("the element segment was applied");
    };
    let load = load.typed::<i32, i32>(&store).unwrap();
    let bytes: Vec<i32> = (0..12)
        .map(|at| load.call(&mut store, at).unwrap())
        .collect();
    assert_eq!(bytes, [0, 0, 111, 107, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(load.call(&mut store, 262000).unwrap(), 0);
}

/// An instance in the data of an earlier instance of its module starts as
/// a new one: its imports are its own, its segments undropped, its
/// globals initialised again, in every tier (and in the tiered one, with
/// code compiled during an earlier instance's life).
#[test]
fn recycled_instances_start_as_new_ones() {
    const WAT: &str = r#"(module
      (import "env" "id" (func $id (result i32)))
      (memory 1)
      (table $t 2 funcref)
      (global $g (mut i32) (i32.const 10))
      (data $d "data")
      (elem $e func $id $hot)
      (func $hot (param i32) (result i32)
        (local i32)
        (loop $l
          (local.set 1 (i32.add (local.get 1) (local.get 0)))
          (br_if $l (i32.gt_s (local.tee 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 0))))
        (local.get 1))
      (func (export "run") (result i32)
        (local $sum i32)
        ;; The global as initialised, then changed for the next instance.
        (local.set $sum (global.get $g))
        (global.set $g (i32.const 99))
        ;; The passive segments, then dropped.
        (memory.init $d (i32.const 0) (i32.const 0) (i32.const 4))
        (data.drop $d)
        (local.set $sum (i32.add (local.get $sum) (i32.load8_u (i32.const 3))))
        (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 2))
        (elem.drop $e)
        ;; The import, called directly and through the table.
        (local.set $sum (i32.add (local.get $sum) (call $id)))
        (local.set $sum (i32.add (local.get $sum)
          (call_indirect (result i32) (i32.const 0))))
        (i32.add (local.get $sum)
          (call_indirect (param i32) (result i32) (i32.const 2000) (i32.const 1)))))"#;
    for tier in TIERS {
        let config = Config::new()
            .tier(tier)
            .tier_up_threshold(10)
            .tier_up_in_caller(true)
            .pooling(*PoolingConfig::new().total_instances(2))
            .clone();
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(&engine, WAT).unwrap();
        let other = Module::new(
            &engine,
            "(module (func (export \"run\") (result i32) i32.const 0))",
        )
        .unwrap();
        for id in 0..20 {
            let mut store = Store::new(&engine, ());
            let mut linker = Linker::new(&engine);
            linker.func_wrap("env", "id", move || id).unwrap();
            // Another module's instance between them, in the same store.
            if id % 3 == 0 {
                linker.instantiate(&mut store, &other).unwrap();
            }
            let instance = linker.instantiate(&mut store, &module).unwrap();
            let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
            let expected = 10 + i32::from(b'a') + 2 * id + 2001000;
            assert_eq!(
                run.call(&mut store, ()).unwrap(),
                expected,
                "{tier}, store {id}"
            );
            if id % 3 == 0 {
                continue;
            }
            // A second instance in the store, and a third, one too many.
            linker.instantiate(&mut store, &module).unwrap();
            let err = linker.instantiate(&mut store, &module).unwrap_err();
            assert!(err.to_string().contains("all 2 instances"), "{err}");
        }
        // The module goes while the pool has its instances' data.
        drop(module);
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &other)
            .unwrap();
        let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
        assert_eq!(run.call(&mut store, ()).unwrap(), 0);
    }
}
