#!/usr/bin/env python3
"""Regenerates expected/<case>.stdout from wasmtime, or compares a tandem
binary with wasmtime.

    python3 regen.py [CASE...]
        Runs every case of cases.txt (or only the named ones) under wasmtime
        (wasmtime_run.py), writes expected/<case>.stdout, and checks the exit
        status against the manifest. Exits non-zero on any mismatch.

    python3 regen.py --compare TANDEM_BINARY [--tier T] [CASE...]
        Runs each case under wasmtime and under `TANDEM_BINARY run [--tier T]
        <options> <module> <args>`, each in its own fresh directory, and
        prints a verdict per case: stdout equal, exit status equal, the
        directory left as it was copied, and the wall time of each. Exits
        non-zero if anything differs. The expected files are not touched.

Each case runs in a fresh temporary directory holding a copy of fixtures/;
the module is passed as an absolute path (the same string to both
runtimes, so argv[0] agrees).
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
EXPECTED = os.path.join(HERE, "expected")
MANIFEST = os.path.join(HERE, "cases.txt")
RUNNER = os.path.join(HERE, "wasmtime_run.py")
TIMEOUT = 120


class Case:
    def __init__(self, lineno, fields):
        self.lineno = lineno
        self.name, self.module, opts, args, self.stdin, status = fields
        self.options = opts.split()
        self.args = args.split()
        self.status = int(status)


def parse_manifest(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = [x.strip() for x in line.split(" | ")]
            if len(fields) != 6:
                sys.exit(f"{path}:{lineno}: expected 6 fields separated by ' | ', got {len(fields)}")
            if not fields[0] or not fields[1] or not fields[4] or not fields[5]:
                sys.exit(f"{path}:{lineno}: empty name, module, stdin or status field")
            try:
                cases.append(Case(lineno, fields))
            except ValueError:
                sys.exit(f"{path}:{lineno}: exit status {fields[5]!r} is not a number")
    names = [c.name for c in cases]
    dups = {n for n in names if names.count(n) > 1}
    if dups:
        sys.exit(f"{path}: duplicate case names: {', '.join(sorted(dups))}")
    return cases


def snapshot(root):
    """{relative path: content hash, or 'dir' / 'link:target'} of a tree."""
    snap = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            if os.path.islink(full):
                snap[rel] = "link:" + os.readlink(full)
            elif os.path.isdir(full):
                snap[rel] = "dir"
            else:
                with open(full, "rb") as f:
                    snap[rel] = hashlib.sha256(f.read()).hexdigest()
    return snap


def tree_diff(before, after):
    changes = []
    for k in sorted(set(before) | set(after)):
        if k not in after:
            changes.append(f"removed {k}")
        elif k not in before:
            changes.append(f"left behind {k}")
        elif before[k] != after[k]:
            changes.append(f"changed {k}")
    return changes


class Result:
    def __init__(self, stdout, stderr, status, seconds, changes):
        self.stdout, self.stderr, self.status = stdout, stderr, status
        self.seconds, self.changes = seconds, changes


def run_case(case, command_prefix, reference=False):
    """Runs one case with `command_prefix + options + [module] + args`.
    The reference (wasmtime) refuses the legacy exception opcodes: it runs
    a `NAME-legacy.wasm` case's NAME.wasm, the same program built with
    Wasm 3.0's."""
    module = os.path.join(HERE, case.module)
    if reference and module.endswith("-legacy.wasm"):
        module = module[: -len("-legacy.wasm")] + ".wasm"
    with tempfile.TemporaryDirectory(prefix=f"wasi-{case.name}-") as tmp:
        work = os.path.join(tmp, "work")
        shutil.copytree(FIXTURES, work, symlinks=True)
        before = snapshot(work)
        argv = command_prefix + case.options + [module] + case.args
        if case.stdin == "-":
            stdin, io = None, {"input": b""}  # an empty pipe, closed at once
        else:
            stdin = open(os.path.join(FIXTURES, case.stdin), "rb")
            io = {"stdin": stdin}
        start = time.monotonic()
        try:
            proc = subprocess.run(argv, cwd=work, **io, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  timeout=TIMEOUT)
            status, out, err = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired as e:
            status, out, err = "timeout", e.stdout or b"", e.stderr or b""
        finally:
            if stdin is not None:
                stdin.close()
        seconds = time.monotonic() - start
        if isinstance(status, int) and status < 0:
            status = 128 - status  # killed by a signal, as a shell reports it
        changes = tree_diff(before, snapshot(work))
        # The escape check proper: nothing may appear next to the work dir.
        stray = sorted(set(os.listdir(tmp)) - {"work"})
        changes += [f"outside the work dir: {s}" for s in stray]
    return Result(out, err, status, seconds, changes)


def wasmtime_prefix():
    return [sys.executable, RUNNER]


def tail(b, n=600):
    s = b.decode("utf-8", "replace")
    return s if len(s) <= n else "..." + s[-n:]


def regen(cases):
    os.makedirs(EXPECTED, exist_ok=True)
    bad = 0
    for case in cases:
        r = run_case(case, wasmtime_prefix(), reference=True)
        with open(os.path.join(EXPECTED, case.name + ".stdout"), "wb") as f:
            f.write(r.stdout)
        problems = []
        if r.status != case.status:
            problems.append(f"exit status {r.status}, manifest says {case.status}")
        if r.changes:
            problems.append("directory changed: " + "; ".join(r.changes))
        verdict = "ok" if not problems else "MISMATCH: " + "; ".join(problems)
        print(f"{case.name:24} status {r.status!s:>4}  {r.seconds:6.2f}s  "
              f"{len(r.stdout):6} bytes  {verdict}")
        if problems:
            bad += 1
            if r.stderr:
                print("    stderr: " + tail(r.stderr).replace("\n", "\n    "))
    print(f"{len(cases)} cases, {bad} mismatched")
    return 1 if bad else 0


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            break
    else:
        i = min(len(a), len(b))
    line = a[:i].count(b"\n") + 1
    return i, line


def compare(cases, tandem, tier):
    prefix = [os.path.abspath(tandem) if os.sep in tandem else tandem, "run"]
    if tier:
        prefix += ["--tier", tier]
    bad = 0
    tw = tt = 0.0
    for case in cases:
        w = run_case(case, wasmtime_prefix(), reference=True)
        t = run_case(case, prefix)
        tw += w.seconds
        tt += t.seconds
        same_out = w.stdout == t.stdout
        same_status = w.status == t.status
        clean = not t.changes
        expected_path = os.path.join(EXPECTED, case.name + ".stdout")
        try:
            with open(expected_path, "rb") as f:
                matches_expected = f.read() == t.stdout
        except FileNotFoundError:
            matches_expected = None
        ok = same_out and same_status and clean and w.status == case.status
        flags = [
            "stdout " + ("same" if same_out else "DIFFERS"),
            f"status {w.status}/{t.status}" + ("" if same_status else " DIFFERS"),
            "dir " + ("clean" if clean else "CHANGED"),
        ]
        if matches_expected is False:
            flags.append("(differs from expected/)")
        print(f"{'ok  ' if ok else 'FAIL'} {case.name:24} {', '.join(flags):52} "
              f"wasmtime {w.seconds:6.2f}s  tandem {t.seconds:6.2f}s")
        if not ok:
            bad += 1
            if w.status != case.status:
                print(f"     wasmtime status {w.status} differs from the manifest's {case.status}")
            if not same_out:
                i, line = first_difference(w.stdout, t.stdout)
                print(f"     first difference at byte {i} (line {line}):")
                print(f"       wasmtime: {w.stdout[i:i + 80]!r}")
                print(f"       tandem:   {t.stdout[i:i + 80]!r}")
            for c in t.changes:
                print(f"     tandem: {c}")
            if t.stderr and (not same_status or not same_out):
                print("     tandem stderr: " + tail(t.stderr, 400).replace("\n", "\n       "))
    print(f"{len(cases)} cases, {bad} failed; total wall time wasmtime {tw:.2f}s, tandem {tt:.2f}s")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--compare", metavar="TANDEM_BINARY",
                    help="compare TANDEM_BINARY with wasmtime instead of regenerating")
    ap.add_argument("--tier", help="passed to `tandem run --tier` (with --compare)")
    ap.add_argument("cases", nargs="*", help="only these cases (default: all)")
    opts = ap.parse_args()
    cases = parse_manifest(MANIFEST)
    if opts.cases:
        known = {c.name for c in cases}
        unknown = [n for n in opts.cases if n not in known]
        if unknown:
            sys.exit(f"unknown case(s): {', '.join(unknown)}")
        cases = [c for c in cases if c.name in opts.cases]
    missing = sorted({c.module for c in cases if not os.path.exists(os.path.join(HERE, c.module))})
    if missing:
        sys.exit(f"missing module(s) {', '.join(missing)}: run ./build.sh")
    if opts.tier and not opts.compare:
        sys.exit("--tier only goes with --compare")
    if opts.compare:
        return compare(cases, opts.compare, opts.tier)
    return regen(cases)


if __name__ == "__main__":
    sys.exit(main())
