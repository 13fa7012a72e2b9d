//! The spec-script runner: executes `.wast` files (the WebAssembly
//! specification test suite format) against tandem.
//!
//! Every directive of a script counts as one check: module definitions,
//! `register`, `invoke` and every `assert_*`. A failing check is recorded as
//! `FILE:LINE: reason` and the run goes on with the next directive.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use tandem::{
    Config, Engine, Error, Extern, ExternRef, Global, GlobalType, Instance, Linker, Memory,
    MemoryType, Module, Mutability, Store, Table, TableType, UpdateDeadline, Val, ValType,
};
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::{Id, Span};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

/// The outcome of running one `.wast` file.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    /// The script that was run.
    pub path: PathBuf,
    /// Directives that behaved as the script expects.
    pub passed: usize,
    /// Directives that did not (plus one for an unreadable or unparsable file,
    /// or an engine panic).
    pub failed: usize,
    /// One line per failure: `FILE:LINE: reason`.
    pub failures: Vec<String>,
}

impl FileReport {
    fn new(path: &Path) -> FileReport {
        FileReport {
            path: path.to_path_buf(),
            ..FileReport::default()
        }
    }

    fn fail(&mut self, line: usize, reason: impl std::fmt::Display) {
        self.failed += 1;
        self.failures
            .push(format!("{}:{}: {}", self.path.display(), line, reason));
    }

    /// The per-file summary line: `FILE: N passed, M failed`.
    pub fn summary(&self) -> String {
        format!(
            "{}: {} passed, {} failed",
            self.path.display(),
            self.passed,
            self.failed
        )
    }
}

/// Runs one `.wast` file with a fresh engine, store and linker.
///
/// Never panics: a panic inside the engine is caught, counted as a failure
/// with a loud message, and ends the file (its state can't be trusted after).
pub fn run_file(path: &Path, config: &Config) -> FileReport {
    let mut report = FileReport::new(path);
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => {
                report.fail(0, "file is not valid UTF-8");
                return report;
            }
        },
        Err(e) => {
            report.fail(0, format_args!("cannot read file: {e}"));
            return report;
        }
    };
    run_text(path, &text, config, &mut report);
    report
}

/// Runs the script `text` (named `path` in messages), adding to `report`.
pub fn run_text(path: &Path, text: &str, config: &Config, report: &mut FileReport) {
    // The suite's names.wast deliberately uses bidirectional-override and
    // other "confusing" characters in names.
    let mut lexer = Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = match ParseBuffer::new_with_lexer(lexer) {
        Ok(buf) => buf,
        Err(mut e) => {
            e.set_path(path);
            e.set_text(text);
            report.fail(0, format_args!("cannot parse script: {e}"));
            return;
        }
    };
    let script = match parser::parse::<Wast>(&buf) {
        Ok(script) => script,
        Err(mut e) => {
            e.set_path(path);
            e.set_text(text);
            report.fail(0, format_args!("cannot parse script: {e}"));
            return;
        }
    };

    let setup = catch_unwind(AssertUnwindSafe(|| Runner::new(config)));
    let mut runner = match setup {
        Ok(Ok(runner)) => runner,
        Ok(Err(e)) => {
            report.fail(0, format_args!("cannot set up the engine: {e}"));
            return;
        }
        Err(panic) => {
            report.fail(
                0,
                format_args!(
                    "PANIC in the engine while setting up: {}",
                    panic_message(&*panic)
                ),
            );
            return;
        }
    };

    let total = script.directives.len();
    for (i, directive) in script.directives.into_iter().enumerate() {
        let line = line_of(text, directive.span());
        let outcome = catch_unwind(AssertUnwindSafe(|| runner.directive(directive)));
        match outcome {
            Ok(Ok(())) => report.passed += 1,
            Ok(Err(reason)) => report.fail(line, reason),
            Err(panic) => {
                report.fail(
                    line,
                    format_args!(
                        "PANIC in the engine: {} (the engine must never panic; \
                         skipping the remaining {} directive(s) of this file)",
                        panic_message(&*panic),
                        total - i - 1
                    ),
                );
                // The runner's state may be poisoned; drop it carefully.
                let _ = catch_unwind(AssertUnwindSafe(move || drop(runner)));
                return;
            }
        }
    }
    let _ = catch_unwind(AssertUnwindSafe(move || drop(runner)));
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

fn line_of(text: &str, span: Span) -> usize {
    span.linecol_in(text).0 + 1
}

type Outcome = std::result::Result<(), String>;

struct Runner {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    /// The most recently defined module's instance.
    current: Option<Instance>,
    /// Instances of modules defined with a name (`(module $M ...)`).
    named: HashMap<String, Instance>,
    /// Modules compiled by `(module definition $M ...)`.
    definitions: HashMap<String, Module>,
}

impl Runner {
    fn new(config: &Config) -> tandem::Result<Runner> {
        let engine = Engine::new(config)?;
        let mut store = Store::new(&engine, ());
        // Where the engine meters fuel or checks epochs, the scripts run
        // with all the fuel there is, and with an epoch deadline always
        // reached whose callback lets code go on: every check calls out.
        if config.consumes_fuel() {
            store.set_fuel(u64::MAX)?;
        }
        store.epoch_deadline_callback(|_| Ok(UpdateDeadline::Continue(0)));
        let mut linker = Linker::new(&engine);
        define_spectest(&mut linker, &mut store)?;
        Ok(Runner {
            engine,
            store,
            linker,
            current: None,
            named: HashMap::new(),
            definitions: HashMap::new(),
        })
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> Outcome {
        match directive {
            WastDirective::Module(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                // A failed definition leaves no current module, so the
                // assertions that follow fail instead of using a stale one.
                self.current = None;
                let module = self.compile(&mut module)?;
                let instance = self
                    .linker
                    .instantiate(&mut self.store, &module)
                    .map_err(|e| format!("instantiation failed: {}", error_text(&e)))?;
                if let Some(name) = name {
                    self.named.insert(name, instance);
                }
                self.current = Some(instance);
                Ok(())
            }
            WastDirective::ModuleDefinition(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                let module = self.compile(&mut module)?;
                if let Some(name) = name {
                    self.definitions.insert(name, module);
                }
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let module = match module {
                    Some(id) => self
                        .definitions
                        .get(id.name())
                        .cloned()
                        .ok_or_else(|| format!("no module definition named ${}", id.name()))?,
                    None => return Err("module instance without a module".into()),
                };
                self.current = None;
                let inst = self
                    .linker
                    .instantiate(&mut self.store, &module)
                    .map_err(|e| format!("instantiation failed: {}", error_text(&e)))?;
                if let Some(id) = instance {
                    self.named.insert(id.name().to_string(), inst);
                }
                self.current = Some(inst);
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module)?;
                self.linker
                    .instance(&mut self.store, name, instance)
                    .map_err(|e| format!("register {name:?} failed: {}", error_text(&e)))?;
                Ok(())
            }
            WastDirective::Invoke(invoke) => {
                self.invoke(&invoke)
                    .map_err(|e| format!("invoke {:?} failed: {}", invoke.name, error_text(&e)))?;
                Ok(())
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let actual = match self.execute(exec) {
                    Ok(values) => values,
                    Err(e) => return Err(format!("expected a return, got {}", error_text(&e))),
                };
                self.check_results(&actual, &results)
            }
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Ok(values) => Err(format!(
                    "expected trap {message:?}, got a return: {}",
                    self.show_vals(&values)
                )),
                Err(e) => check_trap(&e, message),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(values) => Err(format!(
                    "expected exhaustion {message:?}, got a return: {}",
                    self.show_vals(&values)
                )),
                Err(e) => check_trap(&e, message),
            },
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => {
                let bytes = match module.encode() {
                    Ok(bytes) => bytes,
                    Err(e) => {
                        return Err(format!(
                            "module expected invalid ({message:?}) does not encode: {e}"
                        ))
                    }
                };
                match Module::from_binary(&self.engine, &bytes) {
                    Ok(_) => Err(format!(
                        "expected invalid module ({message:?}), it compiled"
                    )),
                    Err(Error::Invalid(_)) => Ok(()),
                    Err(e) => Err(format!(
                        "expected invalid module ({message:?}), got another error: {}",
                        error_text(&e)
                    )),
                }
            }
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => {
                let bytes = match module.encode() {
                    // Text that does not parse is malformed: what we expect.
                    Err(_) => return Ok(()),
                    Ok(bytes) => bytes,
                };
                match Module::from_binary(&self.engine, &bytes) {
                    Ok(_) => Err(format!(
                        "expected malformed module ({message:?}), it compiled"
                    )),
                    Err(Error::Invalid(_)) | Err(Error::Wat(_)) => Ok(()),
                    Err(e) => Err(format!(
                        "expected malformed module ({message:?}), got another error: {}",
                        error_text(&e)
                    )),
                }
            }
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let bytes = module
                    .encode()
                    .map_err(|e| format!("module does not encode: {e}"))?;
                let module = Module::from_binary(&self.engine, &bytes).map_err(|e| {
                    format!(
                        "expected unlinkable ({message:?}), compile failed: {}",
                        error_text(&e)
                    )
                })?;
                match self.linker.instantiate(&mut self.store, &module) {
                    Ok(_) => Err(format!(
                        "expected unlinkable ({message:?}), it instantiated"
                    )),
                    Err(Error::Link(_)) => Ok(()),
                    Err(e) => Err(format!(
                        "expected unlinkable ({message:?}), got another error: {}",
                        error_text(&e)
                    )),
                }
            }
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. } => {
                Err("custom-section assertions are not supported".into())
            }
            WastDirective::AssertException { exec, .. } => match self.execute(exec) {
                Ok(values) => Err(format!(
                    "expected an exception, got a return: {}",
                    self.show_vals(&values)
                )),
                Err(Error::Exception(_)) => Ok(()),
                Err(e) => Err(format!("expected an exception, got {}", error_text(&e))),
            },
            WastDirective::AssertSuspension { .. } => {
                Err("assert_suspension is not supported (stack switching)".into())
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                Err("threads are not supported".into())
            }
        }
    }

    fn compile(&mut self, module: &mut QuoteWat<'_>) -> std::result::Result<Module, String> {
        if let QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_)) = module {
            return Err("components are not supported".into());
        }
        let bytes = module
            .encode()
            .map_err(|e| format!("module does not encode: {e}"))?;
        Module::from_binary(&self.engine, &bytes)
            .map_err(|e| format!("module failed to compile: {}", error_text(&e)))
    }

    fn instance(&self, id: Option<Id<'_>>) -> std::result::Result<Instance, String> {
        match id {
            Some(id) => self
                .named
                .get(id.name())
                .copied()
                .ok_or_else(|| format!("no module named ${}", id.name())),
            None => self.current.ok_or_else(|| "no current module".to_string()),
        }
    }

    /// Runs an `invoke`, a `get`, or instantiates a module (the module form of
    /// `assert_trap`, for modules whose instantiation is expected to trap).
    fn execute(&mut self, exec: WastExecute<'_>) -> tandem::Result<Vec<Val>> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module).map_err(Error::Host)?;
                match instance.get_export(&self.store, global) {
                    Some(Extern::Global(g)) => Ok(vec![g.get(&self.store)]),
                    Some(_) => Err(Error::Host(format!("export {global:?} is not a global"))),
                    None => Err(Error::Host(format!("no export named {global:?}"))),
                }
            }
            WastExecute::Wat(mut wat) => {
                if let Wat::Component(_) = wat {
                    return Err(Error::Unsupported("components".into()));
                }
                let bytes = wat.encode().map_err(|e| Error::Wat(e.to_string()))?;
                let module = Module::from_binary(&self.engine, &bytes)?;
                self.linker.instantiate(&mut self.store, &module)?;
                Ok(Vec::new())
            }
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> tandem::Result<Vec<Val>> {
        let instance = self.instance(invoke.module).map_err(Error::Host)?;
        let func = match instance.get_export(&self.store, invoke.name) {
            Some(Extern::Func(f)) => f,
            Some(_) => {
                return Err(Error::Host(format!(
                    "export {:?} is not a function",
                    invoke.name
                )))
            }
            None => return Err(Error::Host(format!("no export named {:?}", invoke.name))),
        };
        let mut args = Vec::with_capacity(invoke.args.len());
        for arg in &invoke.args {
            args.push(self.arg(arg)?);
        }
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        func.call(&mut self.store, &args, &mut results)?;
        Ok(results)
    }

    fn arg(&mut self, arg: &WastArg<'_>) -> tandem::Result<Val> {
        let arg = match arg {
            WastArg::Core(arg) => arg,
            _ => return Err(Error::Unsupported("component-model argument".into())),
        };
        Ok(match arg {
            WastArgCore::I32(v) => Val::I32(*v),
            WastArgCore::I64(v) => Val::I64(*v),
            WastArgCore::F32(v) => Val::F32(v.bits),
            WastArgCore::F64(v) => Val::F64(v.bits),
            WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
            WastArgCore::RefNull(HeapType::Abstract {
                ty: AbstractHeapType::Func,
                ..
            }) => Val::FuncRef(None),
            WastArgCore::RefNull(HeapType::Abstract {
                ty: AbstractHeapType::Extern,
                ..
            }) => Val::ExternRef(None),
            WastArgCore::RefNull(HeapType::Abstract {
                ty: AbstractHeapType::Exn,
                ..
            }) => Val::ExnRef(None),
            WastArgCore::RefExtern(n) => Val::ExternRef(Some(ExternRef::new(&mut self.store, *n))),
            other => {
                return Err(Error::Unsupported(format!(
                    "argument {other:?} is not supported"
                )))
            }
        })
    }

    fn check_results(&self, actual: &[Val], expected: &[WastRet<'_>]) -> Outcome {
        if actual.len() != expected.len() {
            return Err(format!(
                "expected {} result(s), got {}: {}",
                expected.len(),
                actual.len(),
                self.show_vals(actual)
            ));
        }
        for (i, (val, ret)) in actual.iter().zip(expected).enumerate() {
            let ret = match ret {
                WastRet::Core(ret) => ret,
                _ => return Err("component-model results are not supported".into()),
            };
            if !self.matches(val, ret) {
                return Err(format!(
                    "result {i}: expected {}, got {}",
                    show_ret(ret),
                    self.show_val(val)
                ));
            }
        }
        Ok(())
    }

    fn matches(&self, val: &Val, ret: &WastRetCore<'_>) -> bool {
        match (ret, val) {
            (WastRetCore::I32(e), Val::I32(a)) => e == a,
            (WastRetCore::I64(e), Val::I64(a)) => e == a,
            (WastRetCore::F32(p), Val::F32(a)) => f32_matches(p, *a),
            (WastRetCore::F64(p), Val::F64(a)) => f64_matches(p, *a),
            (WastRetCore::V128(p), Val::V128(a)) => v128_matches(p, *a),
            (WastRetCore::RefNull(ty), Val::FuncRef(None)) => matches!(
                ty,
                None | Some(HeapType::Abstract {
                    ty: AbstractHeapType::Func | AbstractHeapType::NoFunc,
                    ..
                })
            ),
            (WastRetCore::RefNull(ty), Val::ExternRef(None)) => matches!(
                ty,
                None | Some(HeapType::Abstract {
                    ty: AbstractHeapType::Extern | AbstractHeapType::NoExtern,
                    ..
                })
            ),
            (WastRetCore::RefNull(ty), Val::ExnRef(None)) => matches!(
                ty,
                None | Some(HeapType::Abstract {
                    ty: AbstractHeapType::Exn | AbstractHeapType::NoExn,
                    ..
                })
            ),
            (WastRetCore::RefExtern(None), Val::ExternRef(Some(_))) => true,
            (WastRetCore::RefExtern(Some(n)), Val::ExternRef(Some(r))) => {
                r.data(&self.store).downcast_ref::<u32>() == Some(n)
            }
            (WastRetCore::RefFunc(_), Val::FuncRef(Some(_))) => true,
            (WastRetCore::Either(cases), val) => cases.iter().any(|c| self.matches(val, c)),
            _ => false,
        }
    }

    fn show_vals(&self, vals: &[Val]) -> String {
        let parts: Vec<String> = vals.iter().map(|v| self.show_val(v)).collect();
        format!("[{}]", parts.join(", "))
    }

    fn show_val(&self, val: &Val) -> String {
        match val {
            Val::I32(v) => format!("i32:{v} (0x{:x})", *v as u32),
            Val::I64(v) => format!("i64:{v} (0x{:x})", *v as u64),
            Val::F32(bits) => format!("f32:{} (0x{bits:08x})", f32::from_bits(*bits)),
            Val::F64(bits) => format!("f64:{} (0x{bits:016x})", f64::from_bits(*bits)),
            Val::V128(v) => format!("v128:0x{v:032x}"),
            Val::FuncRef(None) => "ref.null func".into(),
            Val::FuncRef(Some(_)) => "ref.func".into(),
            Val::ExternRef(None) => "ref.null extern".into(),
            Val::ExternRef(Some(r)) => match r.data(&self.store).downcast_ref::<u32>() {
                Some(n) => format!("ref.extern {n}"),
                None => "ref.extern <host>".into(),
            },
            Val::ExnRef(None) => "ref.null exn".into(),
            Val::ExnRef(Some(_)) => "ref.exn".into(),
        }
    }
}

/// Checks that `err` is a trap whose message agrees with the script's
/// (one a prefix of the other: the suite sometimes adds detail).
fn check_trap(err: &Error, expected: &str) -> Outcome {
    match err {
        Error::Trap(trap) => {
            let actual = trap.code().message();
            if actual.starts_with(expected) || expected.starts_with(actual) {
                Ok(())
            } else {
                Err(format!("expected trap {expected:?}, got trap {actual:?}"))
            }
        }
        other => Err(format!(
            "expected trap {expected:?}, got a non-trap error: {}",
            error_text(other)
        )),
    }
}

/// An error with its kind, for failure messages, on one line.
fn error_text(err: &Error) -> String {
    // Most variants' messages already say what kind of error they are.
    let text = match err {
        Error::Wat(m) => format!("wat error: {m}"),
        Error::Host(m) => format!("host error: {m}"),
        Error::Io(e) => format!("io error: {e}"),
        other => other.to_string(),
    };
    // Keep failure lines to one line: backtraces go after a `|`.
    text.replace('\n', " | ")
}

fn f32_matches(pattern: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn f64_matches(pattern: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn v128_matches(pattern: &V128Pattern, v: u128) -> bool {
    let b = v.to_le_bytes();
    match pattern {
        V128Pattern::I8x16(lanes) => lanes.iter().enumerate().all(|(i, l)| *l as u8 == b[i]),
        V128Pattern::I16x8(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, l)| *l as u16 == u16::from_le_bytes(b[i * 2..i * 2 + 2].try_into().unwrap())),
        V128Pattern::I32x4(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, l)| *l as u32 == u32::from_le_bytes(b[i * 4..i * 4 + 4].try_into().unwrap())),
        V128Pattern::I64x2(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, l)| *l as u64 == u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap())),
        V128Pattern::F32x4(lanes) => lanes.iter().enumerate().all(|(i, l)| {
            f32_matches(
                l,
                u32::from_le_bytes(b[i * 4..i * 4 + 4].try_into().unwrap()),
            )
        }),
        V128Pattern::F64x2(lanes) => lanes.iter().enumerate().all(|(i, l)| {
            f64_matches(
                l,
                u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap()),
            )
        }),
    }
}

fn show_nan<T: std::fmt::Display>(p: &NanPattern<T>) -> String {
    match p {
        NanPattern::CanonicalNan => "nan:canonical".into(),
        NanPattern::ArithmeticNan => "nan:arithmetic".into(),
        NanPattern::Value(v) => v.to_string(),
    }
}

fn show_ret(ret: &WastRetCore<'_>) -> String {
    match ret {
        WastRetCore::I32(v) => format!("i32:{v} (0x{:x})", *v as u32),
        WastRetCore::I64(v) => format!("i64:{v} (0x{:x})", *v as u64),
        WastRetCore::F32(p) => format!(
            "f32:{}",
            show_nan(&map_nan(p, |v| {
                let f = f32::from_bits(v.bits);
                format!("{f} (0x{:08x})", v.bits)
            }))
        ),
        WastRetCore::F64(p) => format!(
            "f64:{}",
            show_nan(&map_nan(p, |v| {
                let f = f64::from_bits(v.bits);
                format!("{f} (0x{:016x})", v.bits)
            }))
        ),
        WastRetCore::V128(p) => match p {
            V128Pattern::I8x16(l) => format!("i8x16 {l:?}"),
            V128Pattern::I16x8(l) => format!("i16x8 {l:?}"),
            V128Pattern::I32x4(l) => format!("i32x4 {l:?}"),
            V128Pattern::I64x2(l) => format!("i64x2 {l:?}"),
            V128Pattern::F32x4(l) => {
                let lanes: Vec<String> = l
                    .iter()
                    .map(|p| show_nan(&map_nan(p, |v| format!("0x{:08x}", v.bits))))
                    .collect();
                format!("f32x4 [{}]", lanes.join(", "))
            }
            V128Pattern::F64x2(l) => {
                let lanes: Vec<String> = l
                    .iter()
                    .map(|p| show_nan(&map_nan(p, |v| format!("0x{:016x}", v.bits))))
                    .collect();
                format!("f64x2 [{}]", lanes.join(", "))
            }
        },
        WastRetCore::RefNull(_) => "ref.null".into(),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefExtern(None) => "ref.extern".into(),
        WastRetCore::RefFunc(_) => "ref.func".into(),
        WastRetCore::Either(cases) => {
            let cases: Vec<String> = cases.iter().map(show_ret).collect();
            format!("either({})", cases.join(" | "))
        }
        other => format!("{other:?}"),
    }
}

fn map_nan<T>(p: &NanPattern<T>, f: impl Fn(&T) -> String) -> NanPattern<String> {
    match p {
        NanPattern::CanonicalNan => NanPattern::CanonicalNan,
        NanPattern::ArithmeticNan => NanPattern::ArithmeticNan,
        NanPattern::Value(v) => NanPattern::Value(f(v)),
    }
}

/// Defines the `spectest` host module the suite imports from.
fn define_spectest(linker: &mut Linker<()>, store: &mut Store<()>) -> tandem::Result<()> {
    linker.func_wrap("spectest", "print", || {})?;
    linker.func_wrap("spectest", "print_i32", |_: i32| {})?;
    linker.func_wrap("spectest", "print_i64", |_: i64| {})?;
    linker.func_wrap("spectest", "print_f32", |_: f32| {})?;
    linker.func_wrap("spectest", "print_f64", |_: f64| {})?;
    linker.func_wrap("spectest", "print_i32_f32", |_: i32, _: f32| {})?;
    linker.func_wrap("spectest", "print_f64_f64", |_: f64, _: f64| {})?;

    let globals = [
        ("global_i32", ValType::I32, Val::I32(666)),
        ("global_i64", ValType::I64, Val::I64(666)),
        ("global_f32", ValType::F32, Val::F32(666.6f32.to_bits())),
        ("global_f64", ValType::F64, Val::F64(666.6f64.to_bits())),
    ];
    for (name, ty, val) in globals {
        let global = Global::new(&mut *store, GlobalType::new(ty, Mutability::Const), val)?;
        linker.define("spectest", name, global)?;
    }

    let tables = [
        ("table", TableType::new(ValType::FUNCREF, 10, Some(20))),
        ("table64", TableType::new64(ValType::FUNCREF, 10, Some(20))),
    ];
    for (name, ty) in tables {
        let table = Table::new(&mut *store, ty, Val::FuncRef(None))?;
        linker.define("spectest", name, table)?;
    }

    let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define("spectest", "memory", memory)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(script: &str) -> FileReport {
        let path = Path::new("test.wast");
        let mut report = FileReport::new(path);
        run_text(path, script, &Config::default(), &mut report);
        report
    }

    #[test]
    fn nan_patterns() {
        let canon = NanPattern::<wast::token::F32>::CanonicalNan;
        let arith = NanPattern::<wast::token::F32>::ArithmeticNan;
        assert!(f32_matches(&canon, 0x7fc0_0000));
        assert!(f32_matches(&canon, 0xffc0_0000));
        assert!(!f32_matches(&canon, 0x7fc0_0001));
        assert!(f32_matches(&arith, 0x7fc0_0001));
        assert!(!f32_matches(&arith, 0x7f80_0001)); // signalling
        assert!(!f32_matches(&arith, 0x7f80_0000)); // infinity
        let canon = NanPattern::<wast::token::F64>::CanonicalNan;
        let arith = NanPattern::<wast::token::F64>::ArithmeticNan;
        assert!(f64_matches(&canon, 0xfff8_0000_0000_0000));
        assert!(!f64_matches(&canon, 0x7ff8_0000_0000_0001));
        assert!(f64_matches(&arith, 0x7ff8_0000_0000_0001));
        assert!(!f64_matches(&arith, 0x7ff0_0000_0000_0001));
    }

    #[test]
    fn v128_lanes() {
        let v = u128::from_le_bytes([1, 0, 2, 0, 3, 0, 4, 0, 0xff, 0xff, 6, 0, 7, 0, 8, 0]);
        assert!(v128_matches(
            &V128Pattern::I16x8([1, 2, 3, 4, -1, 6, 7, 8]),
            v
        ));
        assert!(!v128_matches(
            &V128Pattern::I16x8([1, 2, 3, 4, 5, 6, 7, 8]),
            v
        ));
        let lanes = [0x7fc0_0000u32, 0x3f80_0000, 0xffc0_0000, 0];
        let mut bytes = [0u8; 16];
        for (i, l) in lanes.iter().enumerate() {
            bytes[i * 4..i * 4 + 4].copy_from_slice(&l.to_le_bytes());
        }
        let v = u128::from_le_bytes(bytes);
        let one = wast::token::F32 { bits: 0x3f80_0000 };
        let zero = wast::token::F32 { bits: 0 };
        let pattern = V128Pattern::F32x4([
            NanPattern::CanonicalNan,
            NanPattern::Value(one),
            NanPattern::ArithmeticNan,
            NanPattern::Value(zero),
        ]);
        assert!(v128_matches(&pattern, v));
        let pattern = V128Pattern::F32x4([
            NanPattern::Value(one),
            NanPattern::Value(one),
            NanPattern::ArithmeticNan,
            NanPattern::Value(zero),
        ]);
        assert!(!v128_matches(&pattern, v));
    }

    #[test]
    fn every_directive_kind() {
        let report = run(r#"
            (module $A
              (global (export "g") i32 (i32.const 7))
              (func (export "id") (param externref) (result externref) (local.get 0))
              (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0)))
              (func $loop (export "loop") (call $loop))
              (func $f (export "f") (result funcref) (ref.func $f))
              (func (export "null") (result funcref) (ref.null func)))
            (register "a" $A)
            (module (import "a" "g" (global i32)) (func (export "two") (result i32) (i32.const 2)))
            (assert_return (invoke "two") (i32.const 2))
            (assert_return (get $A "g") (i32.const 7))
            (assert_return (invoke $A "id" (ref.extern 5)) (ref.extern 5))
            (assert_return (invoke $A "id" (ref.null extern)) (ref.null extern))
            (assert_return (invoke $A "nan") (f32.const nan:canonical))
            (assert_return (invoke $A "f") (ref.func))
            (assert_return (invoke $A "null") (ref.null func))
            (invoke $A "nan")
            (assert_exhaustion (invoke $A "loop") "call stack exhausted")
            (assert_unlinkable (module (import "a" "nope" (func))) "unknown import")
            (assert_trap (module (func $s unreachable) (start $s)) "unreachable")
            (assert_invalid (module (func (result i32))) "type mismatch")
            (assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
            (assert_malformed (module quote "(func (result i32) (i32.const))") "unexpected token")
            (module quote "(func (export \"q\") (result i32) (i32.const 9))")
            (assert_return (invoke "q") (i32.const 9))
        "#);
        assert_eq!(report.failures, Vec::<String>::new());
        assert_eq!(report.passed, 19);
    }

    #[test]
    fn failures_are_reported_with_lines() {
        let report = run(concat!(
            "(module (func (export \"one\") (result i32) (i32.const 1)))\n",
            "(assert_return (invoke \"one\") (i32.const 2))\n",
            "(assert_trap (invoke \"one\") \"unreachable\")\n",
            "(assert_return (invoke \"missing\"))\n",
            "(assert_invalid (module (func)) \"type mismatch\")\n",
            "(assert_return (invoke \"one\") (f32.const nan:canonical))\n",
        ));
        assert_eq!(report.passed, 1);
        assert_eq!(report.failed, 5);
        let lines: Vec<&str> = report
            .failures
            .iter()
            .map(|f| f.split(':').nth(1).unwrap())
            .collect();
        assert_eq!(lines, ["2", "3", "4", "5", "6"]);
    }

    #[test]
    fn unparsable_script_fails() {
        let report = run("(assert_return (invoke \"x\")");
        assert_eq!(report.failed, 1);
        assert_eq!(report.passed, 0);
    }
}
