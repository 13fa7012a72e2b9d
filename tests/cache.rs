//! The code cache (`Config::cache_dir`): what one engine's tiered or jit
//! tier compiled for a module is what the next engine's `Module::new` of
//! the same binary starts with; damaged and foreign entries are ignored,
//! settings that change code get entries of their own, the directory stays
//! under its limit, and engines sharing it at once see whole entries only.

use std::path::{Path, PathBuf};
use tandem::{Config, Engine, Linker, Module, Store, Tier};

/// `fib` is function 0; `run` calls it.
fn wat(salt: u32) -> String {
    format!(
        r#"(module
  (func $fib (param i64) (result i64)
    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
      (then (local.get 0))
      (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                     (call $fib (i64.sub (local.get 0) (i64.const 2)))))))
  (func (export "run") (param i64) (result i64)
    (i64.add (call $fib (local.get 0)) (i64.const {salt}))))"#
    )
}

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tandem-cache-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn engine(tier: Tier, cache: &Path, fuel: bool) -> Engine {
    let mut config = Config::new();
    config.tier(tier).cache_dir(cache).consume_fuel(fuel);
    config.tier_up_in_caller(true).tier_up_threshold(1);
    Engine::new(&config).unwrap()
}

fn run(engine: &Engine, module: &Module) -> i64 {
    let mut store = Store::new(engine, ());
    if engine.config().consumes_fuel() {
        store.set_fuel(1 << 40).unwrap();
    }
    let instance = Linker::new(engine).instantiate(&mut store, module).unwrap();
    let run = instance.get_typed_func::<i64, i64>(&store, "run").unwrap();
    run.call(&mut store, 20).unwrap()
}

/// The cache's files: entries, and anything else.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// Loads `wat` in a new engine and says whether `fib` starts compiled,
/// then runs it (which compiles it, if it was not) and drops the module,
/// which saves its code.
fn starts_compiled(tier: Tier, cache: &Path, fuel: bool, wat: &str) -> bool {
    let engine = engine(tier, cache, fuel);
    let module = Module::new(&engine, wat).unwrap();
    let compiled = module.disassemble(0).is_some();
    assert_eq!(run(&engine, &module), 6765 + salt_of(wat));
    compiled
}

fn salt_of(wat: &str) -> i64 {
    let at = wat.rfind("i64.const ").unwrap() + 10;
    wat[at..].split(')').next().unwrap().parse().unwrap()
}

#[test]
fn a_second_engine_starts_with_what_the_first_compiled() {
    let cache = dir("second");
    let wat = wat(1);
    assert!(!starts_compiled(Tier::Tiered, &cache, false, &wat));
    let entries = files(&cache);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(
        entries[0].extension().is_some_and(|e| e == "tandem"),
        "{entries:?}"
    );
    assert!(starts_compiled(Tier::Tiered, &cache, false, &wat));
    // The jit tier takes the tiered tier's code, and compiles the rest.
    assert!(starts_compiled(Tier::Jit, &cache, false, &wat));
    // Another binary is another entry.
    assert!(!starts_compiled(Tier::Tiered, &cache, false, &self::wat(2)));
    assert_eq!(files(&cache).len(), 2);
    // The interpreter neither reads nor writes the cache.
    let interp = engine(Tier::Interp, &cache, false);
    let module = Module::new(&interp, &wat).unwrap();
    assert_eq!(run(&interp, &module), 6766);
    drop(module);
    assert_eq!(files(&cache).len(), 2);
    std::fs::remove_dir_all(&cache).unwrap();
}

#[test]
fn settings_that_change_code_have_entries_of_their_own() {
    let cache = dir("settings");
    let wat = wat(3);
    assert!(!starts_compiled(Tier::Tiered, &cache, false, &wat));
    assert!(!starts_compiled(Tier::Tiered, &cache, true, &wat));
    assert_eq!(files(&cache).len(), 2);
    assert!(starts_compiled(Tier::Tiered, &cache, true, &wat));
    assert!(starts_compiled(Tier::Tiered, &cache, false, &wat));
    std::fs::remove_dir_all(&cache).unwrap();
}

#[test]
fn a_damaged_or_foreign_entry_is_ignored_and_replaced() {
    let cache = dir("damaged");
    let wat = wat(4);
    assert!(!starts_compiled(Tier::Tiered, &cache, false, &wat));
    let entry = files(&cache).remove(0);
    let sound = std::fs::read(&entry).unwrap();
    let mut flipped = sound.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    let foreign = b"\0tndcch\x01 but not one of ours".to_vec();
    for bad in [
        flipped,
        foreign,
        sound[..sound.len() - 1].to_vec(),
        Vec::new(),
    ] {
        std::fs::write(&entry, &bad).unwrap();
        assert!(!starts_compiled(Tier::Tiered, &cache, false, &wat));
        assert!(
            starts_compiled(Tier::Tiered, &cache, false, &wat),
            "rewritten"
        );
    }
    std::fs::remove_dir_all(&cache).unwrap();
}

#[test]
fn the_cache_stays_under_its_limit_least_recently_used_first() {
    let cache = dir("limit");
    for salt in 10..13 {
        starts_compiled(Tier::Tiered, &cache, false, &wat(salt));
    }
    let sizes: Vec<u64> = (files(&cache).iter())
        .map(|f| f.metadata().unwrap().len())
        .collect();
    assert_eq!(sizes.len(), 3);
    let limit = sizes.iter().max().unwrap() * 2 + 1;
    let engine_with_limit = |wat: &str| {
        let mut config = Config::new();
        config
            .tier(Tier::Tiered)
            .tier_up_in_caller(true)
            .tier_up_threshold(1);
        config.cache_dir(&cache).cache_max_bytes(limit);
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(&engine, wat).unwrap();
        let compiled = module.disassemble(0).is_some();
        run(&engine, &module);
        compiled
    };
    // Entries' times are whole seconds on some file systems.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // A hit makes wat(10) the most recently used; storing a new entry then
    // evicts the two least recently used, wat(11) and wat(12).
    assert!(engine_with_limit(&wat(10)));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert!(!engine_with_limit(&wat(13)));
    let total: u64 = files(&cache)
        .iter()
        .map(|f| f.metadata().unwrap().len())
        .sum();
    assert!(total <= limit, "{total} > {limit}");
    assert_eq!(files(&cache).len(), 2, "{:?}", files(&cache));
    assert!(engine_with_limit(&wat(10)));
    assert!(engine_with_limit(&wat(13)));
    std::fs::remove_dir_all(&cache).unwrap();
}

#[test]
fn engines_sharing_a_cache_at_once_see_whole_entries() {
    let cache = dir("shared");
    std::thread::scope(|s| {
        for t in 0..4 {
            let cache = &cache;
            s.spawn(move || {
                for i in 0..6 {
                    starts_compiled(Tier::Tiered, cache, false, &wat(20 + (t + i) % 2));
                }
            });
        }
    });
    let names: Vec<String> = (files(&cache).iter())
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
    assert!(starts_compiled(Tier::Tiered, &cache, false, &wat(20)));
    assert!(starts_compiled(Tier::Tiered, &cache, false, &wat(21)));
    std::fs::remove_dir_all(&cache).unwrap();
}

#[test]
fn what_is_still_queued_when_a_module_drops_is_compiled_first_next_time() {
    let cache = dir("queued");
    let funcs: String = (0..40)
        .map(|i| format!("(func (export \"f{i}\") (result i32) (i32.const {i}))"))
        .collect();
    let wat = format!("(module {funcs})");
    {
        let mut config = Config::new();
        config
            .tier(Tier::Tiered)
            .cache_dir(&cache)
            .compile_threads(1);
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(&engine, &wat).unwrap();
        // Dropped at once: some compiled, the rest still queued.
        module.compile_in_background();
    }
    // Even with compile threads (which would take their time), the next
    // `Module::new` compiles what was queued before it returns.
    let mut config = Config::new();
    config.tier(Tier::Tiered).cache_dir(&cache);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, &wat).unwrap();
    let missing: Vec<u32> = (0..40)
        .filter(|&f| module.disassemble(f).is_none())
        .collect();
    assert!(missing.is_empty(), "not compiled: {missing:?}");
    std::fs::remove_dir_all(&cache).unwrap();
}
