"""harness.py: shared pieces of the e2e suite: paths, failures, the test case object, serial-log watching."""
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / os.environ.get("BUILD", "build")
E2E_DIR = BUILD / "e2e"
# Slow or loaded machines can stretch every bound, e.g. E2E_TIMEOUT_SCALE=2.
TIMEOUT_SCALE = float(os.environ.get("E2E_TIMEOUT_SCALE", "1"))
BOOT_TIMEOUT = 60 * TIMEOUT_SCALE      # QEMU TCG: 5-8 s to the loader, more when the machine is busy

# OVMF paints its text console on the serial port with ANSI/VT100 sequences (clear screen,
# cursor moves, colours, "ESC [=3h" mode sets); none of it is part of what we check.
_ANSI = re.compile(r"\x1b\[[0-9;=?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>c]")

# A normal boot that sees one of these will never reach its marker, so stop waiting at once.
BOOT_FAILED = r"keel-boot: error:|EXCEPTION #|panic:|UEFI Interactive Shell"


class Failure(Exception):
    """A test's expectation did not hold; the message says which."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def strip_ansi(text):
    return _ANSI.sub("", text).replace("\r", "")


# Every emulator we start, so an interrupted run can still kill them all.
_live = set()
_live_lock = threading.Lock()
_stopping = False


def spawn(cmd, out_path, cwd=None):
    """Starts an emulator in its own process group, stdout and stderr into out_path."""
    with _live_lock, open(out_path, "wb") as out:
        if _stopping:
            raise Failure("the run is being stopped")
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                cwd=cwd, start_new_session=True)
        _live.add(proc)
    return proc


def kill(proc):
    """Kills an emulator's whole process group and reaps it; harmless if it already exited."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()
    with _live_lock:
        _live.discard(proc)


def stop_all():
    """Kills every emulator and lets no new one start (the run is being interrupted)."""
    global _stopping
    with _live_lock:
        _stopping = True
        procs = list(_live)
    for proc in procs:
        kill(proc)


class Console:
    """A serial log file that an emulator appends to, read with ANSI sequences stripped."""

    def __init__(self, path, proc, what):
        self.path = Path(path)
        self.proc = proc
        self.what = what    # "QEMU" or "Bochs", for messages

    def text(self):
        try:
            return strip_ansi(self.path.read_bytes().decode("utf-8", "replace"))
        except FileNotFoundError:
            return ""

    def wait_for(self, pattern, timeout=BOOT_TIMEOUT, fail_on=None):
        """Waits until pattern (a regex, multiline) shows up; returns its match.

        Fails as soon as fail_on matches, when the emulator exits, or after timeout seconds.
        """
        want = re.compile(pattern, re.M)
        bad = re.compile(fail_on, re.M) if fail_on else None
        deadline = time.monotonic() + timeout
        while True:
            # Note the exit before reading, so the last read sees everything it wrote.
            exited = self.proc.poll() is not None
            text = self.text()
            match = want.search(text)
            if match:
                return match
            if bad and bad.search(text):
                line = bad.search(text).group(0)
                raise Failure(f"saw /{line}/ while waiting for /{pattern}/")
            if exited:
                raise Failure(f"{self.what} exited with status {self.proc.returncode} before /{pattern}/ showed up")
            if time.monotonic() > deadline:
                raise Failure(f"no /{pattern}/ within {timeout:.0f} s")
            time.sleep(0.2)

    def wait_exit(self, timeout):
        """Waits for the emulator to end by itself; returns its exit status."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Failure(f"{self.what} still running {timeout:.0f} s later") from None


class Case:
    """One test's working directory (build/e2e/NAME/) and the logs worth showing if it fails."""

    def __init__(self, name):
        self.name = name
        self.dir = E2E_DIR / name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.logs = []

    def path(self, name):
        return self.dir / name

    def add_log(self, path):
        self.logs.append(Path(path))

    def tidy(self):
        """After a pass, drops the bulky disk copies and keeps the logs."""
        for item in self.dir.iterdir():
            if item.is_dir():
                shutil.rmtree(item, ignore_errors=True)
            elif item.suffix in (".img", ".fd"):
                item.unlink()
