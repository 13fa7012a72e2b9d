"""The wasmtime (Cranelift) peer of tandem-bench, through the prebuilt
`wasmtime` Python package (pip install wasmtime): one measurement per
invocation, printed as a number on stdout.

    wasmtime_peer.py micro FILE.wasm ARG     -> milliseconds of the `run` call
    wasmtime_peer.py coremark FILE.wasm      -> the CoreMark score
    wasmtime_peer.py compile FILE.wasm       -> milliseconds to compile
    wasmtime_peer.py kernel FILE.wasm N      -> milliseconds of `run(N)`, then its result
    wasmtime_peer.py instantiate FILE.wasm   -> microseconds (median of 2000) of a new
        store and `Linker.instantiate`, every import a stub host function, as
        `cargo bench --bench instantiate` does; then those of the new store alone
        (the binding's own cost is in both)
    wasmtime_peer.py instantiate-pooling FILE.wasm
                                             -> the same with wasmtime's pooling
        allocator (its C API, through the binding's ctypes declarations)
    wasmtime_peer.py wasi FILE.wasm DIR [ARG...]
                                             -> milliseconds to result of the WASI
        program (its `bench` imports no-ops, DIR preopened as `.`, stdout to
        /dev/null): compile, instantiate and run; then deserialize (from a file
        `Module.serialize` wrote before), instantiate and run
"""
import statistics
import sys
import time

import wasmtime


def main():
    what, path = sys.argv[1], sys.argv[2]
    config = wasmtime.Config()
    # Wasm 3.0's exception handling, for the micro-benchmarks that use it.
    config.wasm_exceptions = True
    if what == "instantiate-pooling":
        from wasmtime import _bindings as ffi

        pool = ffi.wasmtime_pooling_allocation_config_new()
        ffi.wasmtime_pooling_allocation_strategy_set(config.ptr(), pool)
        ffi.wasmtime_pooling_allocation_config_delete(pool)
        what = "instantiate"
    engine = wasmtime.Engine(config)
    wasm = open(path, "rb").read()
    if what == "compile":
        start = time.perf_counter()
        wasmtime.Module(engine, wasm)
        print((time.perf_counter() - start) * 1e3)
        return
    if what == "instantiate":
        instantiate(engine, wasmtime.Module(engine, wasm))
        return
    if what == "wasi":
        run_wasi(engine, wasm, sys.argv[3], sys.argv[4:])
        return
    store = wasmtime.Store(engine)
    module = wasmtime.Module(engine, wasm)
    linker = wasmtime.Linker(engine)
    if what == "coremark":
        t0 = time.perf_counter()
        clock = wasmtime.Func(
            store,
            wasmtime.FuncType([], [wasmtime.ValType.i32()]),
            lambda: int((time.perf_counter() - t0) * 1e3),
        )
        linker.define(store, "env", "clock_ms", clock)
        run = linker.instantiate(store, module).exports(store)["run"]
        print(run(store))
        return
    arg = int(sys.argv[3])
    run = linker.instantiate(store, module).exports(store)["run"]
    start = time.perf_counter()
    result = run(store, arg)
    ms = (time.perf_counter() - start) * 1e3
    print(f"{ms} {result}" if what == "kernel" else ms)


def instantiate(engine, module):
    linker = wasmtime.Linker(engine)

    def stub(*_):
        raise wasmtime.WasmtimeError("a stub")

    for imp in module.imports:
        linker.define_func(imp.module, imp.name, imp.type, stub)

    def median_us(f, n=2000):
        for _ in range(50):
            f()
        times = []
        for _ in range(n):
            start = time.perf_counter()
            f()
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1e6

    both = median_us(lambda: linker.instantiate(wasmtime.Store(engine), module))
    store = median_us(lambda: wasmtime.Store(engine))
    print(f"{both:.1f} {store:.1f}")


def run_wasi(engine, wasm, directory, args):
    import os
    import tempfile

    def to_result(load):
        start = time.perf_counter()
        module = load()
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        for name in ("start", "end"):
            linker.define_func("bench", name, wasmtime.FuncType([], []), lambda: None)
        store = wasmtime.Store(engine)
        wasi = wasmtime.WasiConfig()
        wasi.argv = ["program"] + args
        wasi.preopen_dir(directory, ".")
        wasi.stdout_file = os.devnull
        store.set_wasi(wasi)
        instance = linker.instantiate(store, module)
        try:
            instance.exports(store)["_start"](store)
        except wasmtime.ExitTrap as e:
            assert e.code == 0, e
        return (time.perf_counter() - start) * 1e3

    first = to_result(lambda: wasmtime.Module(engine, wasm))
    with tempfile.NamedTemporaryFile(suffix=".cwasm") as f:
        f.write(wasmtime.Module(engine, wasm).serialize())
        f.flush()
        precompiled = to_result(lambda: wasmtime.Module.deserialize_file(engine, f.name))
    print(f"{first} {precompiled}")


main()
