//! tandem's optimising tier: validated Wasm → SSA ([`ir`], built by
//! [`build`]) → [`passes`] → x86-64 ([`x64`]: instruction selection,
//! linear-scan register allocation, emission through iced-x86), mapped
//! executable by [`code_memory`].
//!
//! Compiled functions call each other through the native entry of their
//! callee's `VMFunc` (see `tandem_vm::callconv`), so a later swap of that
//! entry is seen by the next call; [`adapters`] connect the native
//! convention with the array convention of the host and the interpreter.
//! Traps in compiled code are recognised by their address in the code
//! registry and unwound to the innermost array-call entry (see
//! `tandem_vm::unwind`).

pub mod adapters;
pub mod build;
pub mod builtins;
pub mod code_memory;
pub mod ir;
pub mod lists;
pub mod passes;
pub mod perf_map;
pub mod x64;

use code_memory::CodeMemory;
use ir::Ty;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use tandem_vm::code_registry::FuncRange;
use tandem_vm::{CodeStats, EntryPoints, ModuleEnv, Tier, TierError, TierModule};
use wasmparser::FuncType;
use x64::masm::{Assembled, Masm};

/// The JIT, as the runtime sees a tier.
pub struct Jit {
    /// Native entries of host functions, by signature (they call the
    /// host's array-call entry); kept as long as the engine.
    host_adapters: Mutex<HashMap<FuncType, CodeMemory>>,
}

impl Jit {
    /// The JIT for this machine; an error where it cannot run (it needs
    /// x86-64 Linux with SSE4.1, POPCNT, LZCNT and BMI1).
    /// Whether this machine can run the JIT.
    pub fn is_supported() -> bool {
        supported()
    }

    pub fn new() -> Result<Jit, TierError> {
        if !supported() {
            return Err(TierError(
                "the JIT needs x86-64 Linux with SSE4.1, POPCNT, LZCNT and BMI1".into(),
            ));
        }
        Ok(Jit {
            host_adapters: Mutex::new(HashMap::new()),
        })
    }
}

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn supported() -> bool {
    std::arch::is_x86_feature_detected!("sse4.1")
        && std::arch::is_x86_feature_detected!("popcnt")
        && std::arch::is_x86_feature_detected!("lzcnt")
        && std::arch::is_x86_feature_detected!("bmi1")
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
fn supported() -> bool {
    false
}

fn types(list: &[wasmparser::ValType]) -> Option<Vec<Ty>> {
    list.iter().map(|&t| Ty::of(t)).collect()
}

impl Tier for Jit {
    fn name(&self) -> &'static str {
        "jit"
    }

    fn prepare(&self, env: Arc<ModuleEnv>) -> Result<Arc<dyn TierModule>, TierError> {
        Ok(Arc::new(JitModule::compile(env)?))
    }

    fn host_native_call(&self, ty: &FuncType) -> *const () {
        let mut adapters = self.host_adapters.lock();
        if let Some(mem) = adapters.get(ty) {
            return mem.addr(0).cast();
        }
        // A signature the JIT cannot call (v128) gets no native entry; no
        // compiled code calls it.
        let (Some(params), Some(results)) = (types(ty.params()), types(ty.results())) else {
            return std::ptr::null();
        };
        let mut m = Masm::new();
        adapters::native_to_array(&mut m, &params, &results);
        let code = m.finish();
        let Ok(mem) = CodeMemory::new(&code.code, Vec::new(), Vec::new()) else {
            return std::ptr::null();
        };
        let addr = mem.addr(0).cast();
        adapters.insert(ty.clone(), mem);
        addr
    }
}

/// Machine code for some of a module's local functions in one mapped image:
/// the functions, then per signature among them an array-call trampoline
/// and stub. The JIT tier compiles a whole module into one; the tiering
/// engine compiles each batch of hot functions into one.
pub struct JitCode {
    code: CodeMemory,
    funcs: Vec<CompiledFunc>,
    stats: CodeStats,
}

/// Where one function's code lies in its image.
struct CompiledFunc {
    func_index: u32,
    /// Offset of its native entry.
    native: usize,
    /// Offset of its array-call entry (its signature's stub).
    array: usize,
    len: usize,
}

/// Bytes of local function `func_index`'s body.
fn body_len(env: &ModuleEnv, func_index: u32) -> usize {
    env.bodies[(func_index - env.num_imported_funcs) as usize].len()
}

/// The name of a function for messages: its index, and its name if the
/// module has one.
fn describe(env: &ModuleEnv, func_index: u32) -> String {
    match env.func_names.get(&func_index) {
        Some(name) => format!("function {func_index} ({name})"),
        None => format!("function {func_index}"),
    }
}

impl JitCode {
    /// Compiles local functions `funcs` (indices in the module's function
    /// index space) on up to `threads` threads, and maps them executable.
    pub fn compile(env: &ModuleEnv, funcs: &[u32], threads: usize) -> Result<JitCode, TierError> {
        let mut code = Vec::new();
        let mut ranges = Vec::new();
        let mut traps = Vec::new();
        let mut compiled = Vec::new();
        let mut wasm_bytes = 0;
        for (&func_index, asm) in funcs.iter().zip(compile_functions(env, funcs, threads)?) {
            align(&mut code);
            let start = code.len();
            traps.extend(asm.traps.iter().map(|&(off, t)| (off + start as u32, t)));
            code.extend_from_slice(&asm.code);
            ranges.push(FuncRange {
                start: start as u32,
                end: code.len() as u32,
                func_index,
            });
            compiled.push(CompiledFunc {
                func_index,
                native: start,
                array: 0,
                len: asm.code.len(),
            });
            wasm_bytes += body_len(env, func_index);
        }
        let machine_bytes = code.len();
        // Trampolines and stubs per signature, after the functions. A stub
        // names its trampoline by absolute address, so the code is laid
        // out once more after mapping: first the trampolines, whose
        // addresses the stubs need.
        let mut sig_of = HashMap::new();
        let mut trampolines = Vec::new();
        for &func_index in funcs {
            let ty_index = env.funcs[func_index as usize];
            sig_of.entry(ty_index).or_insert_with(|| {
                let ty = &env.types[ty_index as usize];
                let mut m = Masm::new();
                let (p, r) = (types(ty.params()).unwrap(), types(ty.results()).unwrap());
                adapters::array_to_native(&mut m, &p, &r);
                align(&mut code);
                let at = code.len();
                code.extend_from_slice(&m.finish().code);
                trampolines.push((ty_index, at));
                at
            });
        }
        // The stubs name their trampolines by absolute address: reserve
        // their room now, fill them in once the image's address is known.
        let stub_len = stub_size();
        let mut stub_offsets = HashMap::new();
        for &(ty_index, _) in &trampolines {
            align(&mut code);
            stub_offsets.insert(ty_index, code.len());
            code.resize(code.len() + stub_len, 0xcc);
        }
        let mem = CodeMemory::with_patch(&code, ranges, traps, |image, base| {
            for &(ty_index, tramp) in &trampolines {
                let mut m = Masm::new();
                adapters::array_entry_stub(&mut m, (base + tramp) as u64);
                let stub = m.finish().code;
                assert!(stub.len() <= stub_len, "a stub outgrew its room");
                let at = stub_offsets[&ty_index];
                image[at..at + stub.len()].copy_from_slice(&stub);
            }
        })
        .map_err(|e| TierError(format!("cannot map code memory: {e}")))?;
        for f in &mut compiled {
            f.array = stub_offsets[&env.funcs[f.func_index as usize]];
        }
        perf_map::record(compiled.iter().map(|f| {
            let name = match env.func_names.get(&f.func_index) {
                Some(name) => format!("wasm::{name}"),
                None => format!("wasm::function[{}]", f.func_index),
            };
            (mem.addr(f.native) as usize, f.len, name)
        }));
        Ok(JitCode {
            stats: CodeStats {
                funcs: funcs.len(),
                wasm_bytes,
                code_bytes: machine_bytes,
            },
            code: mem,
            funcs: compiled,
        })
    }

    /// What was compiled: functions, Wasm bytes in, machine bytes out.
    pub fn stats(&self) -> CodeStats {
        self.stats
    }

    /// The functions compiled, in the order given.
    pub fn func_indices(&self) -> impl Iterator<Item = u32> + '_ {
        self.funcs.iter().map(|f| f.func_index)
    }

    /// The entry points of the `k`th function compiled.
    pub fn entry_points(&self, k: usize) -> EntryPoints {
        let f = &self.funcs[k];
        EntryPoints {
            // SAFETY: the stub at this address has the ArrayCallFn ABI
            // (it jumps to `adapters::enter` with its trampoline).
            array_call: unsafe {
                std::mem::transmute::<*const u8, tandem_vm::ArrayCallFn>(self.code.addr(f.array))
            },
            native_call: self.code.addr(f.native).cast(),
        }
    }

    /// The machine code of the `k`th function compiled.
    pub fn code_of(&self, k: usize) -> &[u8] {
        let f = &self.funcs[k];
        // SAFETY: the function's bytes lie inside the mapped region, which
        // lives as long as `self`.
        unsafe { std::slice::from_raw_parts(self.code.addr(f.native), f.len) }
    }

    /// The `k`th function's code as assembly text (iced's Intel syntax),
    /// one line per instruction with its offset.
    pub fn disassemble(&self, k: usize) -> String {
        use iced_x86::{Decoder, DecoderOptions, Formatter, IntelFormatter};
        let code = self.code_of(k);
        let mut decoder = Decoder::with_ip(64, code, 0, DecoderOptions::NONE);
        let mut formatter = IntelFormatter::new();
        formatter.options_mut().set_first_operand_char_index(8);
        let mut out = String::new();
        let mut text = String::new();
        for instr in &mut decoder {
            text.clear();
            formatter.format(&instr, &mut text);
            out.push_str(&format!("  {:6x}  {text}\n", instr.ip()));
        }
        out
    }
}

/// A module's compiled code for the JIT tier: every local function,
/// compiled when the module is.
pub struct JitModule {
    env: Arc<ModuleEnv>,
    code: JitCode,
}

impl JitModule {
    fn compile(env: Arc<ModuleEnv>) -> Result<JitModule, TierError> {
        let _span = tracing::debug_span!("jit_compile_module").entered();
        let first = env.num_imported_funcs;
        let funcs: Vec<u32> = (first..first + env.bodies.len() as u32).collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let code = JitCode::compile(&env, &funcs, threads)?;
        Ok(JitModule { env, code })
    }

    fn local(&self, func_index: u32) -> usize {
        (func_index - self.env.num_imported_funcs) as usize
    }
}

/// Compiles one local function to machine code at offset 0.
fn compile_function(env: &ModuleEnv, func_index: u32) -> Result<Assembled, TierError> {
    let ty = env.func_type(func_index);
    if types(ty.params()).is_none() || types(ty.results()).is_none() {
        return Err(v128_error(env, func_index));
    }
    let mut f = build::build(env, func_index).map_err(|e| match e {
        build::BuildError::Unsupported(ref what) if what == "v128" => v128_error(env, func_index),
        e => TierError(format!("{}: {e}", describe(env, func_index))),
    })?;
    passes::optimize(&mut f);
    Ok(x64::lower::compile(&f, env))
}

/// Compiles local functions `funcs` on up to `threads` threads (functions
/// are independent until they are laid out together); the first error in
/// `funcs` order wins.
fn compile_functions(
    env: &ModuleEnv,
    funcs: &[u32],
    threads: usize,
) -> Result<Vec<Assembled>, TierError> {
    let count = funcs.len();
    let threads = threads.min(count.div_ceil(16)).max(1);
    // Largest first, so that no big function is left for one thread at the end.
    let mut by_size: Vec<usize> = (0..count).collect();
    by_size.sort_by_key(|&k| std::cmp::Reverse(body_len(env, funcs[k])));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Assembled, TierError>>>> =
        Mutex::new((0..count).map(|_| None).collect());
    let work = || loop {
        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if k >= count {
            break;
        }
        let k = by_size[k];
        let r = compile_function(env, funcs[k]);
        results.lock()[k] = Some(r);
    };
    if threads <= 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(work);
            }
        });
    }
    results
        .into_inner()
        .into_iter()
        .map(|r| r.expect("every function was compiled"))
        .collect()
}

fn v128_error(env: &ModuleEnv, func_index: u32) -> TierError {
    TierError(format!(
        "{} uses v128 (SIMD), which --tier jit does not compile yet",
        describe(env, func_index)
    ))
}

fn align(code: &mut Vec<u8>) {
    while !code.len().is_multiple_of(16) {
        code.push(0xcc);
    }
}

/// The size of an array-call stub: two `mov r64, imm64` and a `jmp`, for
/// an address as high as mapped code gets.
fn stub_size() -> usize {
    let mut m = Masm::new();
    adapters::array_entry_stub(&mut m, 0x7fff_ffff_f000);
    m.finish().code.len()
}

impl TierModule for JitModule {
    fn entry_points(&self, func_index: u32) -> EntryPoints {
        self.code.entry_points(self.local(func_index))
    }

    fn interp_state(&self) -> *const () {
        std::ptr::null()
    }

    fn compile_all(&self) -> Result<(), TierError> {
        Ok(())
    }

    fn stats(&self) -> CodeStats {
        self.code.stats()
    }

    fn disassemble(&self, func_index: u32) -> Option<String> {
        Some(self.code.disassemble(self.local(func_index)))
    }
}
