#!/usr/bin/env python3
"""Reference runner: runs a WASI preview 1 command module under wasmtime.

Mimics `wasmtime run`:

    python3 wasmtime_run.py [--dir HOST[::GUEST]]... [--env NAME[=VAL]]... MODULE [ARGS...]

argv[0] is MODULE as written; stdin/stdout/stderr are inherited; each --dir
preopens HOST under the guest name GUEST (default: HOST as written, so
`--dir .` gives the guest "."); `--env NAME` without `=` passes the host's
value of NAME (empty when unset).

Exit status: proc_exit(n) -> n; a trap -> message on stderr and 134
(128 + SIGABRT, what the wasmtime CLI exits with on Unix); any other
error -> message on stderr and 1.
"""

import os
import sys

import wasmtime

TRAP_STATUS = 134


def usage(msg):
    sys.stderr.write(f"wasmtime_run.py: {msg}\n")
    sys.stderr.write(
        "usage: wasmtime_run.py [--dir HOST[::GUEST]]... [--env NAME[=VAL]]... MODULE [ARGS...]\n")
    sys.exit(2)


def parse(argv):
    dirs, env = [], []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--dir", "--env"):
            if i + 1 >= len(argv):
                usage(f"{a} needs a value")
            val = argv[i + 1]
            i += 2
        elif a.startswith("--dir=") or a.startswith("--env="):
            a, val = a.split("=", 1)
            i += 1
        elif a == "--":
            i += 1
            break
        elif a.startswith("--"):
            usage(f"unknown option {a}")
        else:
            break
        if a == "--dir":
            host, sep, guest = val.partition("::")
            dirs.append((host, guest if sep else host))
        else:
            name, sep, value = val.partition("=")
            env.append((name, value if sep else os.environ.get(name, "")))
    if i >= len(argv):
        usage("no module given")
    return dirs, env, argv[i], argv[i + 1:]


def main():
    dirs, env, module_path, args = parse(sys.argv[1:])
    try:
        # The Wasm 3.0 programs: exceptions are off by default before
        # wasmtime 51, tail calls before 28.
        config = wasmtime.Config()
        config.wasm_exceptions = True
        config.wasm_tail_call = True
        engine = wasmtime.Engine(config)
        module = wasmtime.Module.from_file(engine, module_path)
        store = wasmtime.Store(engine)
        wasi = wasmtime.WasiConfig()
        wasi.argv = [module_path] + args
        wasi.env = env
        wasi.inherit_stdin()
        wasi.inherit_stdout()
        wasi.inherit_stderr()
        for host, guest in dirs:
            wasi.preopen_dir(host, guest)
        store.set_wasi(wasi)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        instance = linker.instantiate(store, module)
        start = instance.exports(store)["_start"]
        start(store)
    except wasmtime.ExitTrap as e:
        return e.code
    except wasmtime.Trap as e:
        sys.stderr.write(f"Error: failed to run main module `{module_path}`\n\n{e}\n")
        return TRAP_STATUS
    except Exception as e:  # noqa: BLE001 - mirror the CLI: any other error is status 1
        sys.stderr.write(f"Error: failed to run main module `{module_path}`\n\n{e}\n")
        return 1
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.exit(status)
