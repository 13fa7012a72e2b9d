//! Memories initialised from copy-on-write images (`src/memory_image.rs`)
//! hold exactly what copying the data segments gives, in every instance,
//! whatever other instances of the module write; where a memory can have
//! no image (an offset read from a global, a segment out of bounds), the
//! segments are copied, or trap, as before.

use tandem::{
    Config, Engine, Error, Extern, Global, GlobalType, Instance, Linker, Module, Mutability, Store,
    Val, ValType,
};

fn engine(cow: bool) -> Engine {
    Engine::new(Config::new().memory_init_cow(cow)).unwrap()
}

/// Segments at page-aligned and unaligned offsets, across host pages and
/// a Wasm page, overlapping (the later wins), empty, passive, and into a
/// second memory; the functions write and grow memory 0.
const WAT: &str = r#"(module
  (memory $m (export "m") 3 5)
  (memory $n (export "n") 1)
  (data (memory $m) (i32.const 0) "head")
  (data (memory $m) (i32.const 4094) "across-host-pages")
  (data (memory $m) (i32.const 65530) "across-a-wasm-page")
  (data (memory $m) (i32.const 8192) "xxxxxxxx")
  (data (memory $m) (i32.add (i32.const 8190) (i32.const 4)) "OVER")
  (data (memory $m) (i32.const 131072) "")
  (data $passive "passive")
  (data (memory $n) (i32.const 100) "second memory")
  (func (export "store") (param i32 i32)
    (i32.store8 (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "init") (param i32)
    (memory.init $passive (local.get 0) (i32.const 0) (i32.const 7))))"#;

/// What memory `m` holds after instantiation, by applying the segments.
fn expected() -> Vec<u8> {
    let mut m = vec![0u8; 3 * 65536];
    for (at, bytes) in [
        (0, &b"head"[..]),
        (4094, b"across-host-pages"),
        (65530, b"across-a-wasm-page"),
        (8192, b"xxxxxxxx"),
        (8194, b"OVER"),
    ] {
        m[at..at + bytes.len()].copy_from_slice(bytes);
    }
    m
}

fn memories(store: &Store<()>, instance: &Instance) -> (Vec<u8>, Vec<u8>) {
    let get = |name| match instance.get_export(store, name) {
        Some(Extern::Memory(m)) => m.data(store).to_vec(),
        _ => panic!("no memory {name}"),
    };
    (get("m"), get("n"))
}

#[test]
fn every_instance_starts_from_the_segments() {
    for cow in [true, false] {
        let engine = engine(cow);
        let module = Module::new(&engine, WAT).unwrap();
        let mut store = Store::new(&engine, ());
        let a = Instance::new(&mut store, &module, &[]).unwrap();
        let b = Instance::new(&mut store, &module, &[]).unwrap();
        let (m, n) = memories(&store, &a);
        assert_eq!(m, expected(), "cow {cow}");
        if cow {
            // The memories are mapped from the image, not copied into.
            let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
            assert!(maps.contains("tandem-memory-image"), "no image mapped");
        }
        assert_eq!(&n[100..113], b"second memory");
        assert!(n[..100].iter().chain(&n[113..]).all(|&b| b == 0));

        // Writes to one instance's memory, in an image page and out of
        // one, stay in that instance, also for instances made after.
        let store8 = a.get_typed_func::<(i32, i32), ()>(&store, "store").unwrap();
        for at in [0, 4095, 8194, 65535, 70000] {
            store8.call(&mut store, (at, 0x5a)).unwrap();
        }
        let c = Instance::new(&mut store, &module, &[]).unwrap();
        let mut written = expected();
        for at in [0, 4095, 8194, 65535, 70000] {
            written[at] = 0x5a;
        }
        assert_eq!(memories(&store, &a).0, written);
        assert_eq!(memories(&store, &b).0, expected());
        assert_eq!(memories(&store, &c).0, expected());

        // Growing keeps the contents and adds zeros; memory.init still
        // reads the passive segment.
        let grow = b.get_typed_func::<i32, i32>(&store, "grow").unwrap();
        assert_eq!(grow.call(&mut store, 2).unwrap(), 3);
        let init = b.get_typed_func::<i32, ()>(&store, "init").unwrap();
        init.call(&mut store, 4 * 65536).unwrap();
        let mut grown = expected();
        grown.resize(5 * 65536, 0);
        grown[4 * 65536..4 * 65536 + 7].copy_from_slice(b"passive");
        assert_eq!(memories(&store, &b).0, grown);
    }
}

#[test]
fn instances_in_other_stores_and_threads_share_the_image() {
    let engine = engine(true);
    let module = Module::new(&engine, WAT).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|k| {
            let (engine, module) = (engine.clone(), module.clone());
            std::thread::spawn(move || {
                let mut store = Store::new(&engine, ());
                let i = Instance::new(&mut store, &module, &[]).unwrap();
                let store8 = i.get_typed_func::<(i32, i32), ()>(&store, "store").unwrap();
                store8.call(&mut store, (4100, k)).unwrap();
                let mut want = expected();
                want[4100] = k as u8;
                assert_eq!(memories(&store, &i).0, want);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn offsets_from_globals_and_64_bit_memories() {
    let wat = r#"(module
      (import "env" "at" (global $at i32))
      (memory (export "m") 1)
      (memory $wide (export "wide") i64 1)
      (data (i32.const 10) "constant")
      (data (global.get $at) "from a global")
      (data (memory $wide) (i64.const 65000) "sixty-four"))"#;
    for cow in [true, false] {
        let engine = engine(cow);
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        let at = Global::new(
            &mut store,
            GlobalType::new(ValType::I32, Mutability::Const),
            Val::I32(300),
        )
        .unwrap();
        let mut linker = Linker::new(&engine);
        linker.define("env", "at", at).unwrap();
        let i = linker.instantiate(&mut store, &module).unwrap();
        let Some(Extern::Memory(m)) = i.get_export(&store, "m") else {
            panic!()
        };
        let m = m.data(&store);
        assert_eq!(&m[10..18], b"constant");
        assert_eq!(&m[300..313], b"from a global");
        let Some(Extern::Memory(wide)) = i.get_export(&store, "wide") else {
            panic!()
        };
        assert_eq!(&wide.data(&store)[65000..65010], b"sixty-four");
    }
}

#[test]
fn a_segment_out_of_bounds_still_traps() {
    let wat = r#"(module
      (memory 1)
      (data (i32.const 0) "fits")
      (data (i32.const 65534) "does not fit"))"#;
    for cow in [true, false] {
        let engine = engine(cow);
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        match Instance::new(&mut store, &module, &[]) {
            Err(Error::Trap(t)) => assert!(t.to_string().contains("out of bounds"), "{t}"),
            Err(e) => panic!("cow {cow}: not a trap: {e}"),
            Ok(_) => panic!("cow {cow}: instantiated"),
        }
    }
}

/// When a data segment traps, the segments before it are written and
/// those after it are not, in memories with an image too: a function of
/// the failed instance, put in an imported table by an element segment,
/// still reads its own memory afterwards.
#[test]
fn a_trap_leaves_later_segments_unwritten() {
    for cow in [true, false] {
        let engine = engine(cow);
        let mut store = Store::new(&engine, ());
        let host = Module::new(
            &engine,
            r#"(module (table (export "tab") 1 funcref) (memory (export "mem") 1))"#,
        )
        .unwrap();
        let host = Instance::new(&mut store, &host, &[]).unwrap();
        let failing = Module::new(
            &engine,
            r#"(module
              (import "host" "tab" (table 1 funcref))
              (import "host" "mem" (memory 1))
              (memory $own 1)
              (func $read (result i32)
                (i32.add (i32.load8_u $own (i32.const 0))
                         (i32.load8_u $own (i32.const 10))))
              (elem (table 0) (i32.const 0) func $read)
              (data (memory $own) (i32.const 0) "a")
              (data (memory 0) (i32.const 70000) "out of bounds")
              (data (memory $own) (i32.const 10) "b"))"#,
        )
        .unwrap();
        let mut linker = Linker::new(&engine);
        linker.instance(&store, "host", host).unwrap();
        assert!(matches!(
            linker.instantiate(&mut store, &failing),
            Err(Error::Trap(_))
        ));
        let Some(Extern::Table(tab)) = host.get_export(&store, "tab") else {
            panic!()
        };
        let Some(Val::FuncRef(Some(read))) = tab.get(&store, 0) else {
            panic!("cow {cow}: the element segment did not run")
        };
        let mut result = [Val::I32(0)];
        read.call(&mut store, &[], &mut result).unwrap();
        assert_eq!(result[0], Val::I32(b'a' as i32), "cow {cow}");
    }
}
