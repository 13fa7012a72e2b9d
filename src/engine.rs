//! The engine: configuration shared by modules and stores, and the registry
//! that gives every distinct signature one id across all modules.

use crate::epoch::Epoch;
use crate::{Error, FuncType, Result};
use parking_lot::Mutex;
use std::sync::Arc;

/// Which tier runs Wasm functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// Every function runs in the interpreter.
    Interp,
    /// Every function is compiled before it runs.
    Jit,
    /// Functions start in the interpreter; hot ones are compiled in the background.
    Tiered,
}

/// Tiered where the JIT runs (x86-64 Linux), else the interpreter.
impl Default for Tier {
    fn default() -> Tier {
        if tandem_jit::Jit::is_supported() {
            Tier::Tiered
        } else {
            Tier::Interp
        }
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Tier::Interp => "interp",
            Tier::Jit => "jit",
            Tier::Tiered => "tiered",
        })
    }
}

impl std::str::FromStr for Tier {
    type Err = String;
    fn from_str(s: &str) -> Result<Tier, String> {
        match s {
            "interp" => Ok(Tier::Interp),
            "jit" => Ok(Tier::Jit),
            "tiered" => Ok(Tier::Tiered),
            _ => Err(format!(
                "unknown tier `{s}` (expected interp, jit or tiered)"
            )),
        }
    }
}

/// Engine settings.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) tier: Tier,
    pub(crate) tier_up_threshold: u32,
    pub(crate) compile_threads: usize,
    pub(crate) tier_up_in_caller: bool,
    pub(crate) perf_map: bool,
    pub(crate) epoch_interruption: bool,
    pub(crate) consume_fuel: bool,
    pub(crate) jit_avx: Option<bool>,
    pub(crate) memory_init_cow: bool,
    pub(crate) pooling: Option<crate::PoolingConfig>,
    pub(crate) cache_dir: Option<std::path::PathBuf>,
    pub(crate) cache_max_bytes: u64,
    /// The proposals beyond Wasm 2.0 that modules may use.
    pub(crate) features: wasmparser::WasmFeatures,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            tier: Tier::default(),
            tier_up_threshold: 1000,
            compile_threads: 1,
            tier_up_in_caller: false,
            perf_map: false,
            epoch_interruption: false,
            consume_fuel: false,
            jit_avx: None,
            memory_init_cow: true,
            pooling: None,
            cache_dir: None,
            cache_max_bytes: 512 << 20,
            features: crate::module::FEATURES,
        }
    }
}

impl Config {
    pub fn new() -> Config {
        Config::default()
    }
    /// In the tiered tier, the calls and loop iterations after which a
    /// function is compiled (1: at its first call). Default 1000.
    pub fn tier_up_threshold(&mut self, events: u32) -> &mut Config {
        self.tier_up_threshold = events.max(1);
        self
    }
    /// Whether instantiation maps each memory's initial contents from a
    /// copy-on-write image of the module's data segments, laid out once
    /// per module, instead of copying the segments into every instance
    /// (see `src/memory_image.rs` for when a memory has no image). Default
    /// true.
    pub fn memory_init_cow(&mut self, enable: bool) -> &mut Config {
        self.memory_init_cow = enable;
        self
    }
    /// Recycles linear memories and tables, within the limits given,
    /// instead of making new ones for each instance (see `src/pool.rs`):
    /// for an embedder that instantiates again and again. Default off.
    pub fn pooling(&mut self, limits: crate::PoolingConfig) -> &mut Config {
        self.pooling = Some(limits);
        self
    }
    /// Keeps the code the JIT compiles for each module in `dir` (made if
    /// missing), and installs it when a later `Module::new` of the same
    /// binary with the same settings loads it: in the tiered tier a second
    /// run then starts with the functions the first one compiled, in the
    /// jit tier it compiles none again (see `src/cache.rs`). The
    /// interpreter makes no code to keep. Default: no cache.
    pub fn cache_dir(&mut self, dir: impl Into<std::path::PathBuf>) -> &mut Config {
        self.cache_dir = Some(dir.into());
        self
    }
    /// The most the cache directory may hold: past it, the entries used
    /// least recently are removed. Default 512 MiB.
    pub fn cache_max_bytes(&mut self, bytes: u64) -> &mut Config {
        self.cache_max_bytes = bytes;
        self
    }
    /// Appends every function the JIT compiles (in the jit and tiered
    /// tiers) to `/tmp/perf-<pid>.map`, so `perf report` names it.
    pub fn perf_map(&mut self, enable: bool) -> &mut Config {
        self.perf_map = enable;
        self
    }
    /// In the tiered tier, compiles each function (or OSR entry) in the
    /// thread that asks for it, which waits, instead of on a compile
    /// thread: tier-ups then happen at the same points in every run (and
    /// `Module::compile_in_background` compiles before it returns). For
    /// tests and debugging; it gives up what tiering is for. Default off.
    pub fn tier_up_in_caller(&mut self, enable: bool) -> &mut Config {
        self.tier_up_in_caller = enable;
        self
    }
    /// In the tiered tier, how many background threads compile. Default 1.
    pub fn compile_threads(&mut self, threads: usize) -> &mut Config {
        self.compile_threads = threads.max(1);
        self
    }
    /// Makes code check, at every loop header and at the entry of every
    /// function that calls, whether
    /// the engine's epoch ([`Engine::increment_epoch`]) has reached the
    /// store's deadline ([`Store::set_epoch_deadline`](crate::Store::set_epoch_deadline)),
    /// and then trap with [`TrapCode::Interrupt`](crate::TrapCode) or call
    /// the store's callback: how an embedder stops a guest that runs too
    /// long, from another thread. A store's deadline starts at 0, so set
    /// one before calling in. Default off.
    pub fn epoch_interruption(&mut self, enable: bool) -> &mut Config {
        self.epoch_interruption = enable;
        self
    }
    /// Makes code consume fuel ([`Store::set_fuel`](crate::Store::set_fuel))
    /// as it runs, one unit for most operators (see `tandem_vm::fuel`), the
    /// same in every tier; running out traps with
    /// [`TrapCode::OutOfFuel`](crate::TrapCode). A store starts with no
    /// fuel. Default off.
    pub fn consume_fuel(&mut self, enable: bool) -> &mut Config {
        self.consume_fuel = enable;
        self
    }
    /// Whether code consumes fuel ([`Config::consume_fuel`]).
    pub fn consumes_fuel(&self) -> bool {
        self.consume_fuel
    }
    /// Whether the JIT may use AVX (the VEX forms of vector instructions,
    /// three operands instead of two). By default it does where the CPU
    /// has AVX, unless the environment variable `TANDEM_JIT_AVX` is `0`
    /// (how a test suite runs on the SSE4.1 baseline on any machine);
    /// `true` on a CPU without AVX makes [`Engine::new`] fail.
    pub fn jit_avx(&mut self, enable: bool) -> &mut Config {
        self.jit_avx = Some(enable);
        self
    }
    /// Whether modules may have several memories (multi-memory, part of
    /// Wasm 3.0). Default true.
    pub fn wasm_multi_memory(&mut self, enable: bool) -> &mut Config {
        self.feature(wasmparser::WasmFeatures::MULTI_MEMORY, enable)
    }
    /// Whether memories and tables may be 64-bit (memory64 and table64,
    /// part of Wasm 3.0). Default true.
    pub fn wasm_memory64(&mut self, enable: bool) -> &mut Config {
        self.feature(wasmparser::WasmFeatures::MEMORY64, enable)
    }
    /// Whether constant expressions may add, subtract and multiply
    /// integers (extended constant expressions, part of Wasm 3.0). Default
    /// true.
    pub fn wasm_extended_const(&mut self, enable: bool) -> &mut Config {
        self.feature(wasmparser::WasmFeatures::EXTENDED_CONST, enable)
    }
    /// Whether modules may use relaxed SIMD (part of Wasm 3.0; each
    /// operator's one result in tandem is documented in `tandem_vm::simd`).
    /// Default true.
    pub fn wasm_relaxed_simd(&mut self, enable: bool) -> &mut Config {
        self.feature(wasmparser::WasmFeatures::RELAXED_SIMD, enable)
    }
    /// Whether modules may make tail calls (`return_call` and
    /// `return_call_indirect`, part of Wasm 3.0), which run in constant
    /// stack in every tier and across tiers. Default true.
    pub fn wasm_tail_call(&mut self, enable: bool) -> &mut Config {
        self.feature(wasmparser::WasmFeatures::TAIL_CALL, enable)
    }
    /// Whether modules may use typed function references (`(ref $t)`,
    /// `call_ref`, `br_on_null` and the rest, function subtyping; part of
    /// Wasm 3.0). Default true. They share their validation rules with Wasm
    /// GC, whose own types and instructions are refused either way.
    pub fn wasm_function_references(&mut self, enable: bool) -> &mut Config {
        use wasmparser::WasmFeatures as F;
        self.feature(F::FUNCTION_REFERENCES.union(F::GC), enable)
    }
    /// Exception handling (`tag`, `throw`, `throw_ref`, `try_table`,
    /// `exnref`; part of Wasm 3.0). Default true.
    pub fn wasm_exceptions(&mut self, enable: bool) -> &mut Config {
        self.feature(wasmparser::WasmFeatures::EXCEPTIONS, enable)
    }
    /// The legacy exception-handling opcodes (`try`, `catch`,
    /// `catch_all`, `rethrow`, `delegate`), which toolchains emitted before
    /// Wasm 3.0 standardised `try_table` and which browsers still run; they
    /// share the tags and the exceptions of [`Config::wasm_exceptions`].
    /// Default true.
    pub fn wasm_legacy_exceptions(&mut self, enable: bool) -> &mut Config {
        self.feature(wasmparser::WasmFeatures::LEGACY_EXCEPTIONS, enable)
    }
    fn feature(&mut self, feature: wasmparser::WasmFeatures, enable: bool) -> &mut Config {
        self.features.set(feature, enable);
        self
    }
    /// Accept exactly Wasm 2.0: every proposal Wasm 3.0 added off (how
    /// the 2.0 spec suite, whose modules they would change, runs).
    pub fn wasm_2_0(&mut self) -> &mut Config {
        self.features = wasmparser::WasmFeatures::WASM2;
        self
    }
    /// The extensions compiled code uses: those allowed
    /// ([`Config::jit_avx`]) that the CPU has.
    fn cpu_features(&self) -> Result<tandem_vm::CpuFeatures> {
        let has = tandem_jit::Jit::cpu_features();
        let avx = match self.jit_avx {
            Some(avx) => avx,
            None => match std::env::var("TANDEM_JIT_AVX").as_deref() {
                Ok("0") => false,
                Ok("1") => true,
                Ok(other) => {
                    return Err(Error::Unsupported(format!(
                        "TANDEM_JIT_AVX is `{other}` (expected 0 or 1)"
                    )))
                }
                Err(_) => has.avx,
            },
        };
        if avx && !has.avx {
            return Err(Error::Unsupported(
                "AVX was asked for, but this CPU does not have it".into(),
            ));
        }
        Ok(tandem_vm::CpuFeatures { avx })
    }
    /// The checks code makes for the embedder.
    pub(crate) fn checks(&self) -> tandem_vm::Checks {
        tandem_vm::Checks {
            epoch: self.epoch_interruption,
            fuel: self.consume_fuel,
        }
    }
    /// The execution tier selected.
    pub fn tier_kind(&self) -> Tier {
        self.tier
    }
    /// Selects the execution tier.
    pub fn tier(&mut self, tier: Tier) -> &mut Config {
        self.tier = tier;
        self
    }
}

/// Shared, cheaply clonable engine state.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

struct EngineInner {
    config: Config,
    /// The tier that runs every module's functions.
    tier: Arc<dyn tandem_vm::Tier>,
    types: Mutex<crate::types::TypeRegistry>,
    /// The extensions compiled code uses ([`Config::jit_avx`]).
    cpu: tandem_vm::CpuFeatures,
    /// See [`Engine::increment_epoch`].
    epoch: Epoch,
    /// See [`Config::pooling`].
    pool: Option<crate::pool::Pool>,
    /// See [`Config::cache_dir`].
    cache: Option<crate::cache::Cache>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new(&Config::default()).expect("the default configuration is supported")
    }
}

impl Engine {
    /// Creates an engine; fails for tiers this build does not have.
    pub fn new(config: &Config) -> Result<Engine> {
        if config.perf_map {
            tandem_jit::perf_map::enable()?;
        }
        let cpu = match config.tier {
            Tier::Interp => tandem_vm::CpuFeatures::default(),
            Tier::Jit | Tier::Tiered => config.cpu_features()?,
        };
        tracing::debug!(avx = cpu.avx, "the JIT's instruction set");
        let tier: Arc<dyn tandem_vm::Tier> = match config.tier {
            Tier::Interp => Arc::new(tandem_interp::Interp),
            Tier::Jit => Arc::new(tandem_jit::Jit::new().map_err(|e| Error::Unsupported(e.0))?),
            Tier::Tiered => {
                let jit = tandem_jit::Jit::new().map_err(|e| Error::Unsupported(e.0))?;
                Arc::new(
                    crate::tiering::Tiered::new(
                        jit,
                        config.tier_up_threshold,
                        config.compile_threads,
                        config.tier_up_in_caller,
                    )
                    .map_err(|e| Error::Unsupported(e.0))?,
                )
            }
        };
        let cache = match (&config.cache_dir, config.tier) {
            (Some(dir), Tier::Jit | Tier::Tiered) => {
                Some(crate::cache::Cache::open(dir, config.cache_max_bytes)?)
            }
            _ => None,
        };
        Ok(Engine {
            inner: Arc::new(EngineInner {
                cache,
                config: config.clone(),
                tier,
                types: Mutex::new(crate::types::TypeRegistry::default()),
                cpu,
                epoch: Epoch::default(),
                pool: config.pooling.map(crate::pool::Pool::new),
            }),
        })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Advances the engine's epoch by one: code running in any store whose
    /// deadline that reaches stops at its next check (a loop header or a
    /// calling function's entry; with [`Config::epoch_interruption`]).
    /// Callable from any thread, such as a timer's; it takes the lock the
    /// engine's stores take to set their deadlines and to record or forget
    /// themselves and their instances, and raises the flags of the
    /// instances of the stores it stops.
    pub fn increment_epoch(&self) {
        self.inner.epoch.increment();
    }

    /// The epoch and the stores that watch it.
    pub(crate) fn epoch(&self) -> &Epoch {
        &self.inner.epoch
    }

    /// The engine-wide id of a host function's signature: the id of every
    /// equal Wasm function type (see [`TypeRegistry`](crate::types::TypeRegistry)),
    /// which is what `call_indirect` and import type checks compare.
    pub(crate) fn signature_id(&self, ty: &FuncType) -> u32 {
        self.inner.types.lock().signature(ty)
    }

    /// The engine's type registry, where modules register their types.
    pub(crate) fn types(&self) -> parking_lot::MutexGuard<'_, crate::types::TypeRegistry> {
        self.inner.types.lock()
    }

    /// The extensions the engine's compiled code uses.
    pub(crate) fn cpu_features(&self) -> tandem_vm::CpuFeatures {
        self.inner.cpu
    }

    /// The tier that runs the engine's code.
    pub(crate) fn tier(&self) -> &dyn tandem_vm::Tier {
        &*self.inner.tier
    }

    /// The pooling allocator, if the engine has one.
    pub(crate) fn cache(&self) -> Option<&crate::cache::Cache> {
        self.inner.cache.as_ref()
    }

    pub(crate) fn pool(&self) -> Option<&crate::pool::Pool> {
        self.inner.pool.as_ref()
    }

    pub(crate) fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}
