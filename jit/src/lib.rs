//! tandem's optimising tier: validated Wasm → SSA ([`ir`], built by
//! [`build`]) → [`passes`] → x86-64 ([`x64`]: instruction selection,
//! linear-scan register allocation, emission through iced-x86), mapped
//! executable by [`code_memory`].
//!
//! Compiled functions call each other through the native entry of their
//! callee's `VMFunc` (see `tandem_vm::callconv`), so a later swap of that
//! entry is seen by the next call; [`x64::trampolines`] connect the
//! native convention with the array convention of the host and the interpreter.
//! Traps in compiled code are recognised by their address in the code
//! registry and unwound to the innermost array-call entry (see
//! `tandem_vm::unwind`).

// The docs are read with `--document-private-items`: the module docs link
// to the private modules that hold each concept.
#![allow(rustdoc::private_intra_doc_links)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod build;
pub mod builtins;
pub mod code_memory;
pub mod ir;
pub mod lists;
pub mod passes;
pub mod perf_map;
pub mod x64;

use builtins::RuntimeFn;
use code_memory::CodeMemory;
use ir::Ty;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use tandem_vm::code_registry::FuncRange;
use tandem_vm::code_registry::Landing;
use tandem_vm::osr::OsrFrame;
use tandem_vm::serial::{Malformed, Reader, Writer};
use tandem_vm::{
    CodeStats, CpuFeatures, EntryPoints, ModuleEnv, SerializedCode, Tier, TierError, TierModule,
};
use wasmparser::FuncType;
use x64::masm::{Assembled, Masm};
use x64::reloc::{self, Reloc};
use x64::trampolines;

/// The JIT, as the runtime sees a tier.
pub struct Jit {
    /// Native entries of host functions, by signature (trampolines that
    /// call the host's array-call entry); kept as long as the engine.
    host_trampolines: Mutex<HashMap<FuncType, CodeMemory>>,
}

impl Jit {
    /// Whether this machine can run the JIT.
    pub fn is_supported() -> bool {
        supported()
    }

    /// The extensions beyond the baseline that this machine has, which
    /// compiled code may use.
    pub fn cpu_features() -> CpuFeatures {
        detected()
    }

    /// The JIT for this machine; an error where it cannot run (it needs
    /// x86-64 Linux with SSE4.1, POPCNT, LZCNT and BMI1).
    pub fn new() -> Result<Jit, TierError> {
        if !supported() {
            return Err(TierError(
                "the JIT needs x86-64 Linux with SSE4.1, POPCNT, LZCNT and BMI1".into(),
            ));
        }
        Ok(Jit {
            host_trampolines: Mutex::new(HashMap::new()),
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

/// The extensions beyond the baseline that this machine has.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn detected() -> CpuFeatures {
    CpuFeatures {
        avx: std::arch::is_x86_feature_detected!("avx"),
    }
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
fn detected() -> CpuFeatures {
    CpuFeatures::default()
}

fn types(list: &[wasmparser::ValType]) -> Vec<Ty> {
    list.iter().map(|&t| Ty::of(t)).collect()
}

impl Tier for Jit {
    fn name(&self) -> &'static str {
        "jit"
    }

    fn prepare(
        &self,
        env: Arc<ModuleEnv>,
        saved: Option<&[u8]>,
    ) -> Result<Arc<dyn TierModule>, TierError> {
        Ok(Arc::new(JitModule::new(env, saved)?))
    }

    fn host_native_call(&self, ty: &FuncType) -> *const () {
        let mut host_trampolines = self.host_trampolines.lock();
        if let Some(mem) = host_trampolines.get(ty) {
            return mem.addr(0).cast();
        }
        let (params, results) = (types(ty.params()), types(ty.results()));
        let mut m = Masm::new();
        trampolines::native_to_array(&mut m, &params, &results);
        let code = m.finish();
        let relocs = code.relocs;
        let mapped = CodeMemory::new(&code.code, Vec::new(), code.traps, Vec::new(), |c, base| {
            reloc::apply(c, base, &relocs)
        });
        let Ok(mem) = mapped else {
            return std::ptr::null();
        };
        let addr = mem.addr(0).cast();
        host_trampolines.insert(ty.clone(), mem);
        addr
    }
}

/// What to compile of a local function: the function, entered at its
/// start, or an entry into it at one of its loops, for on-stack
/// replacement of a running interpreted call (see [`build::build_osr`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Unit {
    /// In the module's function index space.
    pub func_index: u32,
    /// The loop an OSR entry enters, by its number among the body's
    /// `loop` operators; `None` for the function itself.
    pub osr_loop: Option<u32>,
}

impl Unit {
    pub fn func(func_index: u32) -> Unit {
        Unit {
            func_index,
            osr_loop: None,
        }
    }

    pub fn osr(func_index: u32, loop_index: u32) -> Unit {
        Unit {
            func_index,
            osr_loop: Some(loop_index),
        }
    }
}

/// `7` for function 7, `7@loop2` for its OSR entry into loop 2.
impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.osr_loop {
            None => write!(f, "{}", self.func_index),
            Some(l) => write!(f, "{}@loop{l}", self.func_index),
        }
    }
}

/// Machine code for some units of a module in one mapped image: the units,
/// then per signature among them an array-call trampoline and stub. The
/// JIT tier compiles a whole module into one; the tiering engine compiles
/// each batch of hot functions (and OSR entries) into one. Its bytes hold
/// no address but at its relocations, so it can be saved
/// ([`serialize`](Self::serialize)) and mapped again in another process.
pub struct JitCode {
    code: CodeMemory,
    units: Vec<CompiledUnit>,
    stats: CodeStats,
    /// The addresses the image holds, by offset.
    relocs: Vec<(u32, Reloc)>,
}

/// Where one unit's code lies in its image.
#[derive(Clone, Copy)]
struct CompiledUnit {
    unit: Unit,
    /// Offset of its native entry.
    native: u32,
    /// Offset of its array-call entry (its signature's stub).
    array: u32,
    len: u32,
    /// Where its instructions end, and its constant pool starts (offsets
    /// from its native entry).
    code_end: u32,
    pool_start: u32,
    /// How many arguments its entry takes.
    params: u32,
}

/// A [`JitCode`] not yet mapped: laid out by [`JitCode::compile`], or
/// read back by [`JitCode::deserialize`] (its code still in the input).
struct Image<'a> {
    code: std::borrow::Cow<'a, [u8]>,
    relocs: Vec<(u32, Reloc)>,
    funcs: Vec<FuncRange>,
    traps: Vec<(u32, tandem_vm::TrapCode)>,
    landings: Vec<Landing>,
    units: Vec<CompiledUnit>,
    stats: CodeStats,
}

/// The parameter and result types of a unit's entry: an OSR entry's
/// parameters are the frame's values at its loop.
type Signature = (Vec<Ty>, Vec<Ty>);

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
    /// Compiles `units` on up to `threads` threads, and maps them
    /// executable.
    pub fn compile(env: &ModuleEnv, units: &[Unit], threads: usize) -> Result<JitCode, TierError> {
        let compiled = compile_units(env, units, threads)?;
        JitCode::map(env, lay_out(env, units, compiled))
    }

    /// Maps `image` executable, its relocations applied, and tells the
    /// perf map where its units are.
    fn map(env: &ModuleEnv, image: Image<'_>) -> Result<JitCode, TierError> {
        let relocs = image.relocs;
        let mem = CodeMemory::new(
            &image.code,
            image.funcs,
            image.traps,
            image.landings,
            |code, base| reloc::apply(code, base, &relocs),
        )
        .map_err(|e| TierError(format!("cannot map code memory: {e}")))?;
        perf_map::record(image.units.iter().map(|u| {
            let f = u.unit.func_index;
            let name = match env.func_names.get(&f) {
                Some(name) => format!("wasm::{name}"),
                None => format!("wasm::function[{f}]"),
            };
            let name = match u.unit.osr_loop {
                Some(l) => format!("{name}::osr_loop[{l}]"),
                None => name,
            };
            (mem.addr(u.native as usize) as usize, u.len as usize, name)
        }));
        Ok(JitCode {
            code: mem,
            units: image.units,
            stats: image.stats,
            relocs,
        })
    }

    /// What was compiled: functions, Wasm bytes in, machine bytes out.
    pub fn stats(&self) -> CodeStats {
        self.stats
    }

    /// The units compiled, in the order given.
    pub fn units(&self) -> impl Iterator<Item = Unit> + '_ {
        self.units.iter().map(|u| u.unit)
    }

    /// What the `k`th unit takes over, if it is an OSR entry.
    pub fn osr_frame(&self, k: usize) -> Option<OsrFrame> {
        let u = &self.units[k];
        Some(OsrFrame {
            loop_index: u.unit.osr_loop?,
            values: u.params,
        })
    }

    /// The entry points of the `k`th unit compiled.
    pub fn entry_points(&self, k: usize) -> EntryPoints {
        let f = &self.units[k];
        EntryPoints {
            // SAFETY: a code address and a function pointer have the same
            // size, and the stub at this address follows the `ArrayCallFn`
            // ABI: it puts its trampoline in the fourth argument register
            // and jumps to `trampolines::enter`, an `extern "C"` function
            // whose first three parameters are `ArrayCallFn`'s. The stub
            // lives in `self.code`, mapped executable for as long as `self`.
            array_call: unsafe {
                std::mem::transmute::<*const u8, tandem_vm::ArrayCallFn>(
                    self.code.addr(f.array as usize),
                )
            },
            native_call: self.code.addr(f.native as usize).cast(),
        }
    }

    /// The machine code of the `k`th unit compiled.
    pub fn code_of(&self, k: usize) -> &[u8] {
        let f = &self.units[k];
        &self.code.bytes()[f.native as usize..][..f.len as usize]
    }

    /// The `k`th unit's code as assembly text (iced's Intel syntax),
    /// one line per instruction with its offset; the runtime functions it
    /// calls by address appear by name, and its jump tables follow as `dd`
    /// lines (each entry's target) and its constants as `v128` lines.
    pub fn disassemble(&self, k: usize) -> String {
        use iced_x86::{Decoder, DecoderOptions, Formatter, IntelFormatter};
        let (code, f) = (self.code_of(k), &self.units[k]);
        let mut decoder =
            Decoder::with_ip(64, &code[..f.code_end as usize], 0, DecoderOptions::NONE);
        // Functions of the image, where the unit's direct calls go, as
        // addresses from its start.
        let funcs = (self.units.iter())
            .filter(|u| u.unit.osr_loop.is_none())
            .map(|u| {
                let at = (u.native as i64 - f.native as i64) as u64;
                (at, format!("function[{}]", u.unit.func_index))
            })
            .collect();
        let symbols = Box::new(Symbols { funcs });
        let mut formatter = IntelFormatter::with_options(Some(symbols), None);
        let options = formatter.options_mut();
        options.set_first_operand_char_index(8);
        options.set_show_branch_size(false);
        options.set_branch_leading_zeros(false);
        let mut out = String::new();
        let mut text = String::new();
        for instr in &mut decoder {
            text.clear();
            formatter.format(&instr, &mut text);
            out.push_str(&format!("  {:6x}  {text}\n", instr.ip()));
        }
        // Jump tables: offsets from where they start, up to the padding
        // (0xcc bytes, never an offset within a function).
        let tables = f.code_end.next_multiple_of(4).min(f.pool_start) as usize;
        for (i, c) in code[tables..f.pool_start as usize]
            .chunks_exact(4)
            .enumerate()
        {
            let offset = i32::from_le_bytes(c.try_into().expect("4 bytes"));
            if offset == i32::from_le_bytes([0xcc; 4]) {
                break;
            }
            let (at, target) = (tables + 4 * i, tables as i64 + offset as i64);
            out.push_str(&format!("  {at:6x}  dd      {target:x}\n"));
        }
        for (i, c) in code[f.pool_start as usize..].chunks_exact(16).enumerate() {
            let bits = u128::from_le_bytes(c.try_into().expect("16 bytes"));
            let at = f.pool_start as usize + 16 * i;
            out.push_str(&format!("  {at:6x}  v128    {bits:#034x}\n"));
        }
        out
    }

    /// Images as bytes that [`deserialize_all`](Self::deserialize_all)
    /// maps again, with the functions that were `hot` (asked for, not yet
    /// compiled), for a tier that compiles later to start on.
    pub fn serialize_all<'a>(codes: impl IntoIterator<Item = &'a JitCode>, hot: &[u32]) -> Vec<u8> {
        let codes: Vec<&JitCode> = codes.into_iter().collect();
        let mut w = Writer::default();
        w.u32(codes.len() as u32);
        for code in codes {
            code.serialize(&mut w);
        }
        w.u32(hot.len() as u32);
        for &f in hot {
            w.u32(f);
        }
        w.bytes
    }

    /// Maps the images [`serialize_all`](Self::serialize_all) wrote;
    /// returns them with the hot functions.
    pub fn deserialize_all(
        env: &ModuleEnv,
        bytes: &[u8],
    ) -> Result<(Vec<JitCode>, Vec<u32>), TierError> {
        let malformed = |Malformed(what)| TierError(format!("serialized code: {what}"));
        let mut r = Reader::new(bytes);
        let n = r.count(1).map_err(malformed)?;
        let codes = (0..n)
            .map(|_| JitCode::deserialize(env, &mut r))
            .collect::<Result<Vec<_>, _>>()?;
        let defined = env.num_imported_funcs..env.funcs.len() as u32;
        let hot = (0..r.count(4).map_err(malformed)?)
            .map(|_| match r.u32()? {
                f if defined.contains(&f) => Ok(f),
                _ => Err(Malformed("a function the module does not define")),
            })
            .collect::<Result<Vec<u32>, _>>()
            .map_err(malformed)?;
        match r.is_empty() {
            true => Ok((codes, hot)),
            false => Err(TierError("serialized code: trailing bytes".into())),
        }
    }

    /// The image as bytes that [`deserialize`](Self::deserialize) maps
    /// again: its code with the relocated addresses blanked, the
    /// relocations, and where its units, trap sites and landing pads are.
    /// Whether the code suits another engine is for the caller to record
    /// (`ModuleEnv::cpu` and `checks`, and this build).
    fn serialize(&self, w: &mut Writer) {
        let mut code = self.code.bytes().to_vec();
        for &(at, _) in &self.relocs {
            code[at as usize..][..8].fill(0);
        }
        w.bytes(&code);
        w.u32(self.relocs.len() as u32);
        for &(at, r) in &self.relocs {
            w.u32(at);
            match r {
                Reloc::Runtime(f) => {
                    w.u8(0);
                    w.u32(RuntimeFn::ALL.iter().position(|&g| g == f).expect("listed") as u32);
                }
                Reloc::Image(offset) => {
                    w.u8(1);
                    w.u32(offset);
                }
            }
        }
        let region = self.code.region();
        w.u32(region.funcs.len() as u32);
        for f in &region.funcs {
            for v in [f.start, f.end, f.func_index] {
                w.u32(v);
            }
        }
        w.u32(region.traps.len() as u32);
        for &(at, code) in &region.traps {
            for v in [at, code as u32] {
                w.u32(v);
            }
        }
        w.u32(region.landings.len() as u32);
        for l in &region.landings {
            for v in [l.ret, l.pad, l.below] {
                w.u32(v);
            }
        }
        w.u32(self.units.len() as u32);
        for u in &self.units {
            let osr = u.unit.osr_loop.unwrap_or(u32::MAX);
            [u.unit.func_index, osr, u.native, u.array, u.len]
                .into_iter()
                .chain([u.code_end, u.pool_start, u.params])
                .for_each(|v| w.u32(v));
        }
        let s = self.stats;
        for v in [s.funcs, s.wasm_bytes, s.code_bytes] {
            w.u64(v as u64);
        }
    }

    /// Maps code that [`serialize`](Self::serialize) wrote, for functions
    /// of `env`'s module. Offsets are checked to lie in the image and name
    /// functions of the module, so a damaged input is an error; that the
    /// code is right for the module and this build is the caller's to
    /// know.
    fn deserialize(env: &ModuleEnv, r: &mut Reader<'_>) -> Result<JitCode, TierError> {
        Self::read_image(env, r)
            .map_err(|Malformed(what)| TierError(format!("serialized code: {what}")))
            .and_then(|image| JitCode::map(env, image))
    }

    fn read_image<'a>(env: &ModuleEnv, r: &mut Reader<'a>) -> Result<Image<'a>, Malformed> {
        let code = r.bytes()?;
        let len = code.len() as u64;
        let within = |at: u32, size: u64| match at as u64 + size <= len {
            true => Ok(at),
            false => Err(Malformed("an offset past the code")),
        };
        let mut relocs = Vec::with_capacity(r.count(9)?);
        for _ in 0..relocs.capacity() {
            let at = within(r.u32()?, 8)?;
            let reloc = match (r.u8()?, r.u32()?) {
                (0, f) => Reloc::Runtime(
                    *(RuntimeFn::ALL.get(f as usize))
                        .ok_or(Malformed("an unknown runtime function"))?,
                ),
                (1, offset) => Reloc::Image(within(offset, 1)?),
                _ => return Err(Malformed("an unknown relocation")),
            };
            relocs.push((at, reloc));
        }
        let func_index =
            |f: u32| match (env.num_imported_funcs..env.funcs.len() as u32).contains(&f) {
                true => Ok(f),
                false => Err(Malformed("a function the module does not define")),
            };
        let mut funcs = Vec::with_capacity(r.count(12)?);
        for _ in 0..funcs.capacity() {
            let (start, end) = (within(r.u32()?, 0)?, within(r.u32()?, 0)?);
            let func_index = func_index(r.u32()?)?;
            funcs.push(FuncRange {
                start,
                end,
                func_index,
            });
        }
        let mut traps = Vec::with_capacity(r.count(8)?);
        for _ in 0..traps.capacity() {
            let at = within(r.u32()?, 1)?;
            let code =
                tandem_vm::TrapCode::from_u32(r.u32()?).ok_or(Malformed("an unknown trap"))?;
            traps.push((at, code));
        }
        let mut landings = Vec::with_capacity(r.count(12)?);
        for _ in 0..landings.capacity() {
            let (ret, pad) = (within(r.u32()?, 0)?, within(r.u32()?, 1)?);
            let below = r.u32()?;
            landings.push(Landing { ret, pad, below });
        }
        let mut units = Vec::with_capacity(r.count(32)?);
        for _ in 0..units.capacity() {
            let func_index = func_index(r.u32()?)?;
            let osr_loop = Some(r.u32()?).filter(|&l| l != u32::MAX);
            let (native, array, len) = (r.u32()?, within(r.u32()?, 1)?, r.u32()?);
            within(native, len as u64)?;
            let (code_end, pool_start, params) = (r.u32()?, r.u32()?, r.u32()?);
            if code_end > len || pool_start > len {
                return Err(Malformed("an offset past the code"));
            }
            units.push(CompiledUnit {
                unit: Unit {
                    func_index,
                    osr_loop,
                },
                native,
                array,
                len,
                code_end,
                pool_start,
                params,
            });
        }
        let stats = CodeStats {
            funcs: r.u64()? as usize,
            wasm_bytes: r.u64()? as usize,
            code_bytes: r.u64()? as usize,
        };
        Ok(Image {
            code: code.into(),
            relocs,
            funcs,
            traps,
            landings,
            units,
            stats,
        })
    }
}

/// Lays out compiled `units` in one image: the units, then one trampoline
/// per signature, which calls the callee's native entry, or per OSR entry,
/// which calls it by its place in the image; then one array-call stub per
/// trampoline.
fn lay_out(
    env: &ModuleEnv,
    units: &[Unit],
    compiled: Vec<(Assembled, Signature)>,
) -> Image<'static> {
    let mut image = Image {
        code: Vec::new().into(),
        relocs: Vec::new(),
        funcs: Vec::new(),
        traps: Vec::new(),
        landings: Vec::new(),
        units: Vec::new(),
        stats: CodeStats::default(),
    };
    let mut sigs = Vec::new();
    // Appends assembled code at the next 16-byte boundary; returns its offset.
    let append = |image: &mut Image, asm: &Assembled| {
        align(image.code.to_mut());
        let start = image.code.len() as u32;
        (image.traps).extend(asm.traps.iter().map(|&(off, t)| (off + start, t)));
        image.landings.extend(asm.landings.iter().map(|&l| Landing {
            ret: l.ret + start,
            pad: l.pad + start,
            below: l.below,
        }));
        (image.relocs).extend(asm.relocs.iter().map(|&(off, r)| (off + start, r)));
        image.code.to_mut().extend_from_slice(&asm.code);
        start
    };
    // Direct calls, as (offset of the displacement, callee), and each
    // function's local entry.
    let mut calls: Vec<(u32, u32)> = Vec::new();
    let mut local_entry: HashMap<u32, u32> = HashMap::new();
    for (&unit, (asm, sig)) in units.iter().zip(compiled) {
        let start = append(&mut image, &asm);
        calls.extend(asm.calls.iter().map(|&(at, func)| (start + at, func)));
        if unit.osr_loop.is_none() {
            local_entry.insert(unit.func_index, start + asm.local_entry);
        }
        image.funcs.push(FuncRange {
            start,
            end: image.code.len() as u32,
            func_index: unit.func_index,
        });
        image.units.push(CompiledUnit {
            unit,
            native: start,
            array: 0,
            len: asm.code.len() as u32,
            code_end: asm.code_end,
            pool_start: asm.pool_start,
            params: sig.0.len() as u32,
        });
        image.stats.wasm_bytes += body_len(env, unit.func_index);
        sigs.push(sig);
    }
    image.stats.funcs = units.len();
    image.stats.code_bytes = image.code.len();
    let code = image.code.to_mut();
    for (at, func) in calls {
        // The emitter calls directly only functions of the image.
        let target = local_entry[&func];
        let rel = target as i64 - (at as i64 + 4);
        let at = at as usize;
        code[at..at + 4].copy_from_slice(&(rel as i32).to_le_bytes());
    }
    let mut trampoline_of: HashMap<&Signature, u32> = HashMap::new();
    let mut trampolines = Vec::with_capacity(sigs.len());
    for (k, sig) in sigs.iter().enumerate() {
        let u = image.units[k];
        let mut trampoline = |target| {
            let mut m = Masm::new();
            trampolines::array_to_native(&mut m, &sig.0, &sig.1, target);
            append(&mut image, &m.finish())
        };
        trampolines.push(match u.unit.osr_loop {
            Some(_) => trampoline(Some(Reloc::Image(u.native))),
            None => *trampoline_of.entry(sig).or_insert_with(|| trampoline(None)),
        });
    }
    let mut stub_of: HashMap<u32, u32> = HashMap::new();
    for (k, t) in trampolines.into_iter().enumerate() {
        let stub = *stub_of.entry(t).or_insert_with(|| {
            let mut m = Masm::new();
            trampolines::array_entry_stub(&mut m, Reloc::Image(t));
            append(&mut image, &m.finish())
        });
        image.units[k].array = stub;
    }
    image
}

/// Names 64-bit immediates that are the addresses of runtime functions,
/// and the targets of direct calls (`function[N]+4`, its local entry).
struct Symbols {
    funcs: Vec<(u64, String)>,
}

impl iced_x86::SymbolResolver for Symbols {
    fn symbol(
        &mut self,
        instruction: &iced_x86::Instruction,
        _: u32,
        _: Option<u32>,
        address: u64,
        size: u32,
    ) -> Option<iced_x86::SymbolResult<'_>> {
        if instruction.code() == iced_x86::Code::Call_rel32_64 {
            // The local entry is the function's second instruction.
            let (at, name) = (self.funcs.iter()).find(|(at, _)| address.wrapping_sub(*at) < 16)?;
            return Some(iced_x86::SymbolResult::with_str(*at, name.as_str()));
        }
        let f = RuntimeFn::ALL
            .iter()
            .find(|f| f.addr() == address && size == 8)?;
        Some(iced_x86::SymbolResult::with_str(address, f.name()))
    }
}

/// A module's compiled code for the JIT tier: every local function,
/// compiled when the module is, or saved by an earlier run.
pub struct JitModule {
    env: Arc<ModuleEnv>,
    /// The images it was prepared with, then the one it compiled, if any.
    codes: Vec<JitCode>,
    /// Per local function, its image and its unit there.
    at: Box<[(u32, u32)]>,
    /// How many of `codes` came saved.
    saved: usize,
}

impl JitModule {
    fn new(env: Arc<ModuleEnv>, saved: Option<&[u8]>) -> Result<JitModule, TierError> {
        let _span = tracing::debug_span!("jit_compile_module").entered();
        // Every function is compiled here: none is left hot.
        let mut codes = match saved {
            Some(bytes) => JitCode::deserialize_all(&env, bytes)?.0,
            None => Vec::new(),
        };
        let saved = codes.len();
        let first = env.num_imported_funcs;
        let mut at = vec![None; env.bodies.len()];
        // Functions in several images (a saved batch and its OSR entries)
        // take their last.
        let index = |at: &mut [Option<(u32, u32)>], codes: &[JitCode], from: usize| {
            for (c, code) in codes.iter().enumerate().skip(from) {
                for (k, unit) in code.units().enumerate() {
                    if unit.osr_loop.is_none() {
                        at[(unit.func_index - first) as usize] = Some((c as u32, k as u32));
                    }
                }
            }
        };
        index(&mut at, &codes, 0);
        let missing: Vec<Unit> = (at.iter().enumerate())
            .filter(|(_, a)| a.is_none())
            .map(|(local, _)| Unit::func(first + local as u32))
            .collect();
        if !missing.is_empty() {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            codes.push(JitCode::compile(&env, &missing, threads)?);
            index(&mut at, &codes, saved);
        }
        let at = at
            .into_iter()
            .map(|a| a.expect("every function compiled"))
            .collect();
        Ok(JitModule {
            env,
            codes,
            at,
            saved,
        })
    }

    /// The image and unit of local function `func_index`.
    fn unit(&self, func_index: u32) -> (&JitCode, usize) {
        let (c, k) = self.at[(func_index - self.env.num_imported_funcs) as usize];
        (&self.codes[c as usize], k as usize)
    }
}

/// Compiles one unit to machine code at offset 0; returns it with its
/// entry's signature.
fn compile_unit(
    env: &ModuleEnv,
    unit: Unit,
    in_image: &[u32],
) -> Result<(Assembled, Signature), TierError> {
    let func_index = unit.func_index;
    let built = match unit.osr_loop {
        None => build::build(env, func_index),
        Some(l) => build::build_osr(env, func_index, l),
    };
    let mut f = built.map_err(|e| TierError(format!("{}: {e}", describe(env, func_index))))?;
    passes::optimize(&mut f);
    let entry = f.block(ir::Block(0));
    let params = entry.params.iter().map(|&p| f.ty(p)).collect();
    let sig = (params, f.results.clone());
    Ok((x64::compile(&f, env, in_image), sig))
}

/// Compiles `units` on up to `threads` threads (units are independent
/// until they are laid out together); the first error in `units` order
/// wins.
fn compile_units(
    env: &ModuleEnv,
    units: &[Unit],
    threads: usize,
) -> Result<Vec<(Assembled, Signature)>, TierError> {
    let count = units.len();
    // A thread per 16 KiB of Wasm at most: a few large functions (what a
    // cached run compiles first) are worth a second thread, a few small
    // ones not the thread's start.
    let bytes: usize = units.iter().map(|u| body_len(env, u.func_index)).sum();
    let threads = threads.min(count).min(1 + bytes / (16 << 10)).max(1);
    // Largest first, so that no big function is left for one thread at the end.
    let mut by_size: Vec<usize> = (0..count).collect();
    by_size.sort_by_key(|&k| std::cmp::Reverse(body_len(env, units[k].func_index)));
    // The functions (not OSR entries) laid out together, which call each
    // other directly.
    let mut in_image: Vec<u32> = (units.iter())
        .filter(|u| u.osr_loop.is_none())
        .map(|u| u.func_index)
        .collect();
    in_image.sort_unstable();
    let next = std::sync::atomic::AtomicUsize::new(0);
    type Compiled = Result<(Assembled, Signature), TierError>;
    let results: Mutex<Vec<Option<Compiled>>> = Mutex::new((0..count).map(|_| None).collect());
    let work = || loop {
        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if k >= count {
            break;
        }
        let k = by_size[k];
        let r = compile_unit(env, units[k], &in_image);
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
        .map(|r| r.expect("every unit was compiled"))
        .collect()
}

fn align(code: &mut Vec<u8>) {
    while !code.len().is_multiple_of(16) {
        code.push(0xcc);
    }
}

impl TierModule for JitModule {
    fn entry_points(&self, func_index: u32) -> EntryPoints {
        let (code, k) = self.unit(func_index);
        code.entry_points(k)
    }

    fn tier_state(&self) -> *const () {
        std::ptr::null()
    }

    fn compile_all(&self) -> Result<(), TierError> {
        Ok(())
    }

    fn stats(&self) -> CodeStats {
        self.codes.iter().fold(CodeStats::default(), |sum, c| {
            let s = c.stats();
            CodeStats {
                funcs: sum.funcs + s.funcs,
                wasm_bytes: sum.wasm_bytes + s.wasm_bytes,
                code_bytes: sum.code_bytes + s.code_bytes,
            }
        })
    }

    fn disassemble(&self, func_index: u32) -> Option<String> {
        let (code, k) = self.unit(func_index);
        Some(code.disassemble(k))
    }

    fn serialize(&self) -> Option<SerializedCode> {
        Some(SerializedCode {
            bytes: JitCode::serialize_all(&self.codes, &[]),
            fresh: self.codes.len() > self.saved,
        })
    }
}
