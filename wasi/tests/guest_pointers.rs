//! Every WASI call given a pointer or length that reaches past the guest's
//! memory, or a misaligned pointer, or an argument outside its enum or flags,
//! traps as the preview 1 spec asks (and as wasmtime does): the call fails
//! with an error naming the function and the reason, and the host is
//! unharmed.

use tandem::{Engine, Linker, Module, Store};
use tandem_wasi::{add_to_linker, WasiCtx};

/// Each export calls one WASI function with a bad pointer and returns its
/// errno. Memory is one page: 65536 bytes.
const GUEST: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $dir_name (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec at 0: a buffer at 65530 of 100 bytes, past the end.
  (data (i32.const 0) "\fa\ff\00\00\64\00\00\00")
  ;; iovec at 8: 16 bytes at 64, in bounds.
  (data (i32.const 8) "\40\00\00\00\10\00\00\00")
  (func (export "write_bad_buffer") (result i32) (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 100)))
  (func (export "write_bad_iovecs") (result i32) (call $fd_write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 100)))
  (func (export "write_many_iovecs") (result i32) (call $fd_write (i32.const 1) (i32.const 8) (i32.const 0x20000000) (i32.const 100)))
  (func (export "write_bad_result") (result i32) (call $fd_write (i32.const 1) (i32.const 8) (i32.const 0) (i32.const 65536)))
  (func (export "read_bad_buffer") (result i32) (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 100)))
  (func (export "random_past_end") (result i32) (call $random_get (i32.const 65535) (i32.const 2)))
  (func (export "random_wrapping") (result i32) (call $random_get (i32.const -1) (i32.const -1)))
  (func (export "args_bad_array") (result i32) (call $args_get (i32.const 65536) (i32.const 0)))
  (func (export "clock_bad_result") (result i32) (call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 65536)))
  (func (export "open_bad_path") (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (i32.const 65530) (i32.const 10)
      (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 100)))
  (func (export "poll_bad_subscriptions") (result i32) (call $poll_oneoff (i32.const 65504) (i32.const 0) (i32.const 1) (i32.const 100)))
  (func (export "dir_name_bad_buffer") (result i32) (call $dir_name (i32.const 3) (i32.const 65535) (i32.const 100)))
  (func (export "misaligned_result") (result i32) (call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 65530)))
  (func (export "misaligned_iovecs") (result i32) (call $fd_write (i32.const 1) (i32.const 2) (i32.const 1) (i32.const 100)))
  (func (export "clock_id_5") (result i32) (call $clock_time_get (i32.const 5) (i64.const 0) (i32.const 100)))
  (func (export "oflags_16") (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1)
      (i32.const 16) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 100)))
  ;; The second buffer is out of bounds, but only the first is written.
  (data (i32.const 16) "\40\00\00\00\03\00\00\00\fa\ff\00\00\64\00\00\00")
  (data (i32.const 64) "ok\n")
  (func (export "first_buffer_only") (result i32)
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 2) (i32.const 100)))
    (i32.load (i32.const 100)))
)"#;

#[test]
fn bad_pointers_and_values_trap() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let mut ctx = WasiCtx::new(vec!["prog".into(), "arg".into()], Vec::new());
    ctx.preopen_dir(std::env::temp_dir(), "tmp").unwrap();
    let mut store = Store::new(&engine, ctx);
    let mut linker = Linker::new(&engine);
    add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    for (name, why) in [
        ("misaligned_result", "clock_time_get: pointer not aligned"),
        ("misaligned_iovecs", "fd_write: pointer not aligned"),
        ("clock_id_5", "clock_time_get: invalid enum value"),
        ("oflags_16", "path_open: invalid flags value"),
    ] {
        let f = instance.get_typed_func::<(), i32>(&store, name).unwrap();
        let err = f.call(&mut store, ()).unwrap_err().to_string();
        assert!(err.contains(why), "{name}: {err}");
    }
    let f = instance
        .get_typed_func::<(), i32>(&store, "first_buffer_only")
        .unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 3);
    for name in [
        "write_bad_buffer",
        "write_bad_iovecs",
        "write_many_iovecs",
        "write_bad_result",
        "read_bad_buffer",
        "random_past_end",
        "random_wrapping",
        "args_bad_array",
        "clock_bad_result",
        "open_bad_path",
        "poll_bad_subscriptions",
        "dir_name_bad_buffer",
    ] {
        let f = instance.get_typed_func::<(), i32>(&store, name).unwrap();
        let err = f.call(&mut store, ()).unwrap_err().to_string();
        assert!(err.contains("pointer out of bounds"), "{name}: {err}");
    }
}
