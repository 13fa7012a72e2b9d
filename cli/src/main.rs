//! The `tandem` command line: run a WebAssembly module, or a spec script.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use tandem::{Config, Engine, Error, Instance, Linker, Module, Store, Tier, Val, ValType};
use tandem::{StoreLimits, StoreLimitsBuilder};
use tandem_cli::wast;
use tandem_wasi::{self as wasi, WasiCtx};

#[derive(Parser)]
#[command(
    name = "tandem",
    version,
    about = "A tiered WebAssembly virtual machine"
)]
struct Cli {
    /// Print spans and events on stderr as they happen (validation,
    /// translation, tier-up requests, JIT compiles, installs, traps):
    /// everything of tandem's at debug level, or what TANDEM_LOG (else
    /// RUST_LOG) selects.
    #[arg(long, global = true)]
    trace: bool,
    /// Write the same spans and events to FILE as a Chrome trace (open it in
    /// Perfetto or chrome://tracing), one track per thread.
    #[arg(long, global = true, value_name = "FILE")]
    trace_chrome: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a WebAssembly module (binary or .wat): its `_start` (WASI command),
    /// or the export named by --invoke.
    ///
    /// Exit status: the program's proc_exit code (0-125), 0 when it returns,
    /// 134 when it traps (the trap and its Wasm backtrace go to stderr),
    /// 128+N when it raises signal N, 1 on any other error (link errors
    /// name the missing import; a WASI call the spec makes trap, given a
    /// pointer outside memory or an invalid flag, names the call), 2 for a
    /// tier this build lacks.
    Run(RunArgs),
    /// Run WebAssembly spec test scripts (.wast).
    Wast(WastArgs),
    /// Validate a module and translate or compile every function now, then
    /// print one summary line (functions, Wasm bytes in, code bytes out,
    /// milliseconds, MB/s of Wasm); runs nothing. With -o, save it compiled
    /// by the JIT, for `tandem run --allow-precompiled`.
    Compile(CompileArgs),
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum TierArg {
    /// The interpreter only.
    Interp,
    /// Compile every function before it runs.
    Jit,
    /// Interpret first, compile hot functions.
    Tiered,
}

impl From<TierArg> for Tier {
    fn from(t: TierArg) -> Tier {
        match t {
            TierArg::Interp => Tier::Interp,
            TierArg::Jit => Tier::Jit,
            TierArg::Tiered => Tier::Tiered,
        }
    }
}

/// Which tier runs the code, and how it tiers up.
#[derive(clap::Args, Clone, Copy)]
struct TierOpts {
    /// Execution tier.
    #[arg(long, value_enum, default_value = "tiered")]
    tier: TierArg,
    /// With --tier tiered: compile a function after this many calls and
    /// loop iterations (1: at its first call).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    tier_up_threshold: u32,
    /// With --tier tiered: compile in the thread that asks, which waits, so
    /// tier-ups happen at the same points in every run (for tests).
    #[arg(long)]
    tier_up_in_caller: bool,
    /// Append each function the JIT compiles to `/tmp/perf-<pid>.map`, so
    /// `perf report` names JIT code by Wasm function.
    #[arg(long)]
    perfmap: bool,
    /// The version of WebAssembly modules may use: 2.0 refuses what 3.0
    /// added (how the 2.0 spec suite's scripts expect).
    #[arg(long, value_enum, default_value = "3.0")]
    wasm: WasmVersion,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum WasmVersion {
    #[value(name = "2.0")]
    V2,
    #[value(name = "3.0")]
    V3,
}

impl TierOpts {
    fn config(self) -> Config {
        let mut config = Config::default();
        config.tier(self.tier.into());
        config.tier_up_threshold(self.tier_up_threshold);
        config.tier_up_in_caller(self.tier_up_in_caller);
        config.perf_map(self.perfmap);
        if let WasmVersion::V2 = self.wasm {
            config.wasm_2_0();
        }
        config
    }
}

#[derive(clap::Args)]
struct RunArgs {
    #[command(flatten)]
    tier: TierOpts,
    /// Call this export instead of `_start`, with ARGS parsed by its parameter
    /// types; print each result on its own line.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// Instantiate MODULE first and make its exports importable as NAME.
    #[arg(long, value_name = "NAME=MODULE")]
    preload: Vec<String>,
    /// Give the program access to a host directory (`HOST::GUEST` to name
    /// it differently inside).
    #[arg(long, value_name = "DIR")]
    dir: Vec<String>,
    /// Set an environment variable for the program.
    #[arg(long, value_name = "NAME=VAL")]
    env: Vec<String>,
    /// After the run, print on stderr how much of MODULE the interpreter
    /// translated: functions, their Wasm bytes and their bytecode bytes
    /// (and, with --fuel, the fuel left).
    #[arg(long)]
    stats: bool,
    /// With --tier jit: print each compiled function's machine code (or
    /// only FUNC's, by index or name) on stdout before running.
    #[arg(long, value_name = "FUNC", num_args = 0..=1, default_missing_value = "")]
    print_asm: Option<String>,
    /// Give the program N units of fuel (about one per Wasm instruction,
    /// the same in every tier); running out traps.
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Interrupt the program (a trap) once it has run this long, e.g.
    /// `500ms`, `1s`, `2m`, `1h` (plain numbers are seconds).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    timeout: Option<Duration>,
    /// Refuse to grow any linear memory past BYTES: `memory.grow` returns
    /// -1, and a module whose memory starts bigger does not instantiate.
    #[arg(long, value_name = "BYTES")]
    max_memory_size: Option<usize>,
    /// Keep the code the JIT compiles in DIR, and start the next run of the
    /// same module with it (the tiered tier then starts with what the last
    /// run compiled).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Run modules `tandem compile -o` saved: their machine code is trusted
    /// as it is, so only allow files you made.
    #[arg(long)]
    allow_precompiled: bool,
    /// The module to run.
    module: PathBuf,
    /// Arguments: to the program (WASI), or to the function (--invoke).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

#[derive(clap::Args)]
struct WastArgs {
    #[command(flatten)]
    tier: TierOpts,
    /// The scripts to run.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

#[derive(clap::Args)]
struct CompileArgs {
    #[command(flatten)]
    tier: TierOpts,
    /// Save the compiled module to FILE (every function compiled by the
    /// JIT, whatever --tier says, unless it is interp), to run with `tandem
    /// run --allow-precompiled FILE` in the jit or tiered tier.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// With -o: compile for an engine with fuel metering (`run --fuel`).
    #[arg(long, requires = "output")]
    fuel: bool,
    /// With -o: compile for an engine with epoch interruption (`run
    /// --timeout`).
    #[arg(long, requires = "output")]
    epoch: bool,
    /// The module to compile.
    module: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Flushes the Chrome trace when dropped, at the end of `main`.
    let _chrome = match init_logging(cli.trace, cli.trace_chrome.as_deref()) {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("error: --trace-chrome: {e}");
            return ExitCode::from(1);
        }
    };
    match cli.command {
        Command::Run(args) => run(args),
        Command::Wast(args) => run_wast(args),
        Command::Compile(args) => compile(args),
    }
}

/// Logs to stderr, filtered by `TANDEM_LOG` (else `RUST_LOG`), e.g.
/// `TANDEM_LOG=tandem=debug`: warnings only by default, tandem's debug
/// output with `--trace`. With `--trace-chrome`, also writes a Chrome trace;
/// the guard returned flushes it.
fn init_logging(
    trace: bool,
    chrome: Option<&std::path::Path>,
) -> std::io::Result<Option<tracing_chrome::FlushGuard>> {
    use tracing_subscriber::fmt::format::FmtSpan;
    use tracing_subscriber::{prelude::*, EnvFilter};
    let spec = std::env::var("TANDEM_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok();
    let filter = |default: &str| {
        spec.as_deref()
            .and_then(|spec| EnvFilter::try_new(spec).ok())
            .unwrap_or_else(|| EnvFilter::new(default))
    };
    const TRACED: &str = "tandem=debug,tandem_interp=debug,tandem_jit=debug,tandem_cli=debug";
    // Spans (module compilation, instantiation, translation, compiles) are
    // reported when they close, with how long they took.
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_span_events(FmtSpan::CLOSE)
        .with_filter(filter(if trace { TRACED } else { "warn" }));
    let (chrome, guard) = match chrome {
        Some(path) => {
            let (layer, guard) = tracing_chrome::ChromeLayerBuilder::new()
                .writer(std::fs::File::create(path)?)
                .include_args(true)
                .build();
            (Some(layer.with_filter(filter(TRACED))), Some(guard))
        }
        None => (None, None),
    };
    let _ = tracing_subscriber::registry()
        .with(fmt)
        .with(chrome)
        .try_init();
    Ok(guard)
}

/// Stack size of the thread that runs Wasm: deep recursion in guests (and
/// the spec's exhaustion tests) must hit the engine's limit, not the host's.
const STACK_SIZE: usize = 64 << 20;

fn on_big_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .name("tandem".into())
        .stack_size(STACK_SIZE)
        .spawn(f)
        .expect("cannot spawn the main Wasm thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// `--timeout`'s argument: a number and a unit (`ms`, `s`, `m`, `h`;
/// seconds without one).
fn parse_duration(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 500ms, 1s or 2m"))?;
    let seconds = match unit {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("unknown unit `{unit}` (expected ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("`{text}`: {e}"))
}

fn make_engine(config: &Config) -> Result<Engine, ExitCode> {
    Engine::new(config).map_err(|e| {
        eprintln!("error: {e}");
        match e {
            Error::Unsupported(_) => ExitCode::from(2),
            _ => ExitCode::from(1),
        }
    })
}

fn run(args: RunArgs) -> ExitCode {
    let mut config = args.tier.config();
    config.consume_fuel(args.fuel.is_some());
    config.epoch_interruption(args.timeout.is_some());
    if let Some(dir) = &args.cache {
        config.cache_dir(dir);
    }
    let engine = match make_engine(&config) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let (code, engine) = on_big_stack(move || {
        let code = match run_module(&engine, args) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("error: {e}");
                if e.as_trap().is_some() {
                    TRAP_STATUS
                } else {
                    1
                }
            }
        };
        (code, engine)
    });
    let _ = std::io::Write::flush(&mut std::io::stdout());
    // The program is done, and its modules with it (their code saved, with
    // --cache): the process ends here, so a compile still running on the
    // engine's compile threads is abandoned rather than waited for, as
    // dropping the engine would.
    std::mem::forget(engine);
    exit_code(code)
}

fn compile(args: CompileArgs) -> ExitCode {
    let mut config = args.tier.config();
    if args.output.is_some() {
        // Saved code is the JIT's, which the tiered tier installs as well.
        if let TierArg::Tiered = args.tier.tier {
            config.tier(Tier::Jit);
        }
        config.consume_fuel(args.fuel);
        config.epoch_interruption(args.epoch);
    }
    let engine = match make_engine(&config) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let result = read(&args.module).and_then(|bytes| {
        let start = std::time::Instant::now();
        let module = Module::new(&engine, &bytes)?;
        module.compile_all()?;
        let elapsed = start.elapsed();
        if let Some(path) = &args.output {
            std::fs::write(path, module.serialize()?).map_err(|e| {
                Error::Io(std::io::Error::new(
                    e.kind(),
                    format!("cannot write {}: {e}", path.display()),
                ))
            })?;
        }
        Ok((module.code_stats(), elapsed))
    });
    match result {
        Ok((stats, elapsed)) => {
            let secs = elapsed.as_secs_f64();
            println!(
                "{}: {} function(s), {} bytes of Wasm in, {} bytes of {} code out, {:.1} ms, {:.2} MB/s",
                args.module.display(),
                stats.funcs,
                stats.wasm_bytes,
                stats.code_bytes,
                engine.config().tier_kind(),
                secs * 1e3,
                stats.wasm_bytes as f64 / 1e6 / secs.max(1e-9),
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// The exit status of a run that trapped: 128 + SIGABRT, what a shell
/// reports for a native program that aborted, and what `wasmtime run` exits
/// with on a trap.
const TRAP_STATUS: i32 = 134;

fn exit_code(code: i32) -> ExitCode {
    ExitCode::from(code as u8)
}

/// The status a program's `proc_exit(code)` gives the process. WASI leaves
/// 126 and above to the shell (126/127: cannot run, 128+: signals), so such
/// a code is an error, as it is in `wasmtime run`.
fn exit_status(code: i32) -> Result<i32, Error> {
    if (0..126).contains(&code) {
        Ok(code)
    } else {
        Err(Error::Host(format!(
            "exit with invalid exit status {code}: outside of [0..126)"
        )))
    }
}

/// What `tandem run`'s store holds: the program's WASI state, and the
/// limits `--max-memory-size` sets.
struct Host {
    wasi: WasiCtx,
    limits: StoreLimits,
}

/// Runs the module; returns the process exit status, or the error that ended it.
fn run_module(engine: &Engine, args: RunArgs) -> Result<i32, Error> {
    let program = args.module.display().to_string();
    let mut wasi_args = vec![program];
    if args.invoke.is_none() {
        wasi_args.extend(args.args.iter().cloned());
    }
    let mut env = Vec::new();
    for pair in &args.env {
        match pair.split_once('=') {
            Some((k, v)) => env.push((k.to_string(), v.to_string())),
            None => env.push((pair.clone(), std::env::var(pair).unwrap_or_default())),
        }
    }
    let mut wasi_ctx = WasiCtx::new(wasi_args, env);
    for dir in &args.dir {
        // `HOST::GUEST` maps a host directory to another guest name.
        let (host, guest) = dir.split_once("::").unwrap_or((dir, dir));
        wasi_ctx
            .preopen_dir(host, guest)
            .map_err(|e| Error::Host(format!("--dir {host}: {e}")))?;
    }

    let mut limits = StoreLimitsBuilder::new();
    if let Some(bytes) = args.max_memory_size {
        limits = limits.memory_size(bytes);
    }
    let host = Host {
        wasi: wasi_ctx,
        limits: limits.build(),
    };
    let mut store = Store::new(engine, host);
    store.limiter(|host| &mut host.limits);
    if let Some(fuel) = args.fuel {
        store.set_fuel(fuel)?;
    }
    if let Some(timeout) = args.timeout {
        // The deadline is the next epoch, which a timer thread starts.
        store.set_epoch_deadline(1);
        let engine = engine.clone();
        std::thread::spawn(move || {
            std::thread::sleep(timeout);
            engine.increment_epoch();
        });
    }
    let mut linker = Linker::new(engine);
    wasi::add_to_linker(&mut linker, |host: &mut Host| &mut host.wasi)?;

    // How a run ended: `proc_exit`, a `proc_raise` that ended the program
    // (its status is 128 + the signal), a trap or another error, or the
    // return of `_start`/the invoked function.
    let finish = |result: Result<i32, Error>, store: &Store<Host>| -> Result<i32, Error> {
        match result {
            Err(Error::Exit(code)) => exit_status(code),
            Err(e) if store.data().wasi.raised.is_some() => {
                eprintln!("error: {e}");
                Ok(store.data().wasi.exit_code.unwrap_or(1))
            }
            ok => ok,
        }
    };

    for preload in &args.preload {
        let Some((name, path)) = preload.split_once('=') else {
            return Err(Error::Host(format!(
                "--preload expects NAME=MODULE, got {preload:?}"
            )));
        };
        let module = load(engine, path.as_ref(), args.allow_precompiled)?;
        let result = linker.instantiate(&mut store, &module);
        let instance = match result {
            Ok(i) => i,
            Err(e) => return finish(Err(e), &store),
        };
        linker.instance(&mut store, name, instance)?;
    }

    let module = load(engine, &args.module, args.allow_precompiled)?;
    if let Some(which) = &args.print_asm {
        print_asm(&module, which)?;
    }
    let instance = match linker.instantiate(&mut store, &module) {
        Ok(i) => i,
        Err(e) => return finish(Err(e), &store),
    };

    let status = execute(&mut store, instance, &args, finish);
    if let (true, Ok(fuel)) = (args.stats, store.get_fuel()) {
        eprintln!("fuel left: {fuel}");
    }
    if args.stats {
        let stats = module.code_stats();
        eprintln!(
            "translated {} function(s): {} bytes of Wasm, {} bytes of code ({:.2}x)",
            stats.funcs,
            stats.wasm_bytes,
            stats.code_bytes,
            stats.code_bytes as f64 / stats.wasm_bytes.max(1) as f64
        );
    }
    status
}

/// `--print-asm [FUNC]`: one block per compiled function, headed by its
/// index and name.
fn print_asm(module: &Module, which: &str) -> Result<(), Error> {
    let mut found = false;
    for index in 0..module.num_funcs() {
        let name = module.func_name(index);
        if !which.is_empty() && which != index.to_string() && Some(which) != name {
            continue;
        }
        let Some(asm) = module.disassemble(index) else {
            continue;
        };
        found = true;
        println!(
            "func[{index}]{}:",
            name.map(|n| format!(" <{n}>")).unwrap_or_default()
        );
        print!("{asm}");
    }
    if !found {
        return Err(Error::Host(if which.is_empty() {
            "--print-asm: no machine code to print (it needs --tier jit)".into()
        } else {
            format!("--print-asm: no compiled function `{which}`")
        }));
    }
    Ok(())
}

/// Calls the export named by `--invoke` (printing its results) or `_start`.
fn execute(
    store: &mut Store<Host>,
    instance: Instance,
    args: &RunArgs,
    finish: impl Fn(Result<i32, Error>, &Store<Host>) -> Result<i32, Error>,
) -> Result<i32, Error> {
    // The run itself, as a span on the executing thread's track.
    let export = args.invoke.as_deref().unwrap_or("_start");
    let _span = tracing::debug_span!("execute", export).entered();
    if let Some(name) = &args.invoke {
        let Some(func) = instance.get_func(&*store, name) else {
            return Err(Error::Host(format!("no exported function named {name:?}")));
        };
        let ty = func.ty(&*store);
        if ty.params().len() != args.args.len() {
            return Err(Error::Host(format!(
                "{name} takes {} argument(s) ({}), {} given",
                ty.params().len(),
                ty.params()
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
                args.args.len()
            )));
        }
        let mut params = Vec::new();
        for (ty, text) in ty.params().iter().zip(&args.args) {
            params.push(
                parse_val(*ty, text)
                    .ok_or_else(|| Error::Host(format!("cannot parse {text:?} as {ty}")))?,
            );
        }
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        let result = func.call(&mut *store, &params, &mut results);
        if let Err(e) = result {
            return finish(Err(e), store);
        }
        for r in &results {
            println!("{}", format_val(r));
        }
        return Ok(0);
    }

    match instance.get_func(&*store, "_start") {
        Some(start) => {
            let result = start.call(&mut *store, &[], &mut []).map(|()| 0);
            finish(result, store)
        }
        // A reactor or plain module: instantiating it (start function
        // included) was the whole run.
        None => Ok(0),
    }
}

/// The module in `path`: a binary, text, or (if `allow_precompiled`) one
/// `tandem compile -o` saved.
fn load(engine: &Engine, path: &std::path::Path, allow_precompiled: bool) -> Result<Module, Error> {
    use std::io::Read;
    let mut head = [0; 16];
    let opened = std::fs::File::open(path).and_then(|f| f.take(16).read(&mut head));
    if !Module::is_serialized(&head[..opened.unwrap_or(0)]) {
        return Module::new(engine, read(path)?);
    }
    if !allow_precompiled {
        return Err(Error::Incompatible(format!(
            "{} is a precompiled module, whose machine code runs as it is: pass --allow-precompiled to run it",
            path.display()
        )));
    }
    // SAFETY: the user vouches for the file (--allow-precompiled).
    unsafe { Module::deserialize_file(engine, path) }
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| {
        Error::Io(std::io::Error::new(
            e.kind(),
            format!("cannot read {}: {e}", path.display()),
        ))
    })
}

fn parse_int(text: &str) -> Option<i128> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits = digits.replace('_', "");
    let value = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        i128::from_str_radix(hex, 16).ok()?
    } else {
        digits.parse::<i128>().ok()?
    };
    Some(if neg { -value } else { value })
}

fn parse_val(ty: ValType, text: &str) -> Option<Val> {
    Some(match ty {
        ValType::I32 => {
            let v = parse_int(text)?;
            if v < i32::MIN as i128 || v > u32::MAX as i128 {
                return None;
            }
            Val::I32(v as u32 as i32)
        }
        ValType::I64 => {
            let v = parse_int(text)?;
            if v < i64::MIN as i128 || v > u64::MAX as i128 {
                return None;
            }
            Val::I64(v as u64 as i64)
        }
        ValType::F32 => Val::F32(text.parse::<f32>().ok()?.to_bits()),
        ValType::F64 => Val::F64(text.parse::<f64>().ok()?.to_bits()),
        ValType::V128 => {
            let hex = text
                .strip_prefix("0x")
                .or_else(|| text.strip_prefix("0X"))?;
            Val::V128(u128::from_str_radix(&hex.replace('_', ""), 16).ok()?)
        }
        ValType::Ref(r) if r.nullable && (text == "null" || text == "ref.null") => {
            Val::default_for(ty)
        }
        ValType::Ref(_) => return None,
    })
}

fn format_val(v: &Val) -> String {
    match v {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(bits) => match f32::from_bits(*bits) {
            f if f.is_nan() => "nan".into(),
            f => format!("{f}"),
        },
        Val::F64(bits) => match f64::from_bits(*bits) {
            f if f.is_nan() => "nan".into(),
            f => format!("{f}"),
        },
        Val::V128(v) => format!("0x{v:032x}"),
        Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None) => "ref.null".into(),
        Val::ExnRef(Some(_)) => "ref.exn".into(),
        Val::FuncRef(Some(_)) => "ref.func".into(),
        Val::ExternRef(Some(_)) => "ref.extern".into(),
    }
}

fn run_wast(args: WastArgs) -> ExitCode {
    let config = args.tier.config();
    if let Err(e) = Engine::new(&config) {
        eprintln!("error: {e}");
        return match e {
            Error::Unsupported(_) => ExitCode::from(2),
            _ => ExitCode::from(1),
        };
    }
    let (passed, failed) = on_big_stack(move || {
        let mut passed = 0;
        let mut failed = 0;
        for file in &args.files {
            let report = wast::run_file(file, &config);
            for failure in &report.failures {
                println!("{failure}");
            }
            println!("{}", report.summary());
            passed += report.passed;
            failed += report.failed;
        }
        (passed, failed)
    });
    println!("wast: {passed} passed, {failed} failed");
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
