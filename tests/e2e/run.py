#!/usr/bin/env python3
"""run.py: runs the e2e tests (tests/e2e/test_*.py), QEMU boots two at a time and Bochs boots beside them.

usage: run.py [-k SUBSTRING]... [-j JOBS]
The last line printed is "e2e: N passed, N failed".
"""
import argparse
import importlib
import os
import signal
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True   # keep the source tree free of __pycache__
sys.path.insert(0, str(HERE))

import harness  # noqa: E402  (needs the path above)

TAIL_LINES = 25


def discover(filters):
    """Every test_* function of every test_*.py here, in file and definition order."""
    tests = []
    for path in sorted(HERE.glob("test_*.py")):
        module = importlib.import_module(path.stem)
        for name, fn in vars(module).items():
            if name.startswith("test_") and callable(fn) and fn.__module__ == module.__name__:
                if not filters or any(f in name for f in filters):
                    tests.append(fn)
    return tests


def tail(path, lines):
    try:
        text = harness.strip_ansi(path.read_bytes().decode("utf-8", "replace"))
    except FileNotFoundError:
        return "    (no such file)"
    # Blank lines carry nothing, and OVMF's screen painting leaves many.
    kept = [line for line in text.splitlines() if line.strip()][-lines:]
    return "\n".join("    | " + line for line in kept) or "    (empty)"


def shown(path):
    """A path relative to the work tree when it is inside it, for shorter messages."""
    try:
        return path.relative_to(harness.ROOT)
    except ValueError:
        return path


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.passed = 0
        self.failed = 0

    def record(self, name, seconds, error, case):
        # One lock around counting and printing, so parallel tests' reports never interleave.
        with self.lock:
            if error is None:
                self.passed += 1
                print(f"ok   {name} ({seconds:.1f} s)", flush=True)
                return
            self.failed += 1
            print(f"FAIL {name} ({seconds:.1f} s): {error}", flush=True)
            for log in (case.logs if case else []):
                if not log.is_file() or log.stat().st_size == 0:
                    continue
                print(f"  {shown(log)} (last lines):\n{tail(log, TAIL_LINES)}", flush=True)


def run_one(fn, results):
    name = fn.__name__
    start = time.monotonic()
    case = None
    error = None
    try:
        case = harness.Case(name)
        fn(case)
    except harness.Failure as failure:
        error = str(failure)
    except Exception:  # a harness bug or a broken environment: still a failed test, with its trace
        error = "error in the test itself:\n" + traceback.format_exc().rstrip()
    if error is None:
        case.tidy()
    results.record(name, time.monotonic() - start, error, case)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", action="append", default=[], help="run only tests whose name contains this")
    parser.add_argument("-j", type=int, default=2, help="QEMU boots at once (default 2, one per core)")
    args = parser.parse_args()

    # Killed from outside (Ctrl-C, CI timeout): take the emulators down too.
    def stop(signum, _frame):
        harness.stop_all()
        os._exit(128 + signum)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    tests = discover(args.k)
    # Bochs boots are slow (tens of seconds of OVMF alone), so they get their own lane,
    # started first, and overlap with the QEMU boots instead of queueing behind them.
    bochs_tests = [t for t in tests if getattr(t, "lane", "") == "bochs"]
    # CPU-heavy multi-vCPU boots (lane "alone") run last, one at a time, with no other emulator
    # beside them: on 2 cores a neighbour would halve their speed and break their time bounds.
    alone_tests = [t for t in tests if getattr(t, "lane", "") == "alone"]
    qemu_tests = [t for t in tests if t not in bochs_tests and t not in alone_tests]
    results = Results()
    start = time.monotonic()
    with ThreadPoolExecutor(1) as bochs_lane, ThreadPoolExecutor(max(1, args.j)) as qemu_lane:
        futures = [bochs_lane.submit(run_one, fn, results) for fn in bochs_tests]
        futures += [qemu_lane.submit(run_one, fn, results) for fn in qemu_tests]
        for future in futures:
            future.result()   # re-raises a bug in the runner itself instead of losing a result
    for fn in alone_tests:
        run_one(fn, results)
    harness.stop_all()
    print(f"e2e: {len(tests)} tests in {time.monotonic() - start:.0f} s", flush=True)
    print(f"e2e: {results.passed} passed, {results.failed} failed", flush=True)
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
