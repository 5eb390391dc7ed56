"""test_loader_modules.py: keel.cfg's module_dir and autostart: dom0 receives a directory's files in name order, and keel.cfg itself.

dom0 is the test controller running its boot_modules scenario, which prints every module it
received as `testctl: module I NAME N bytes fnv1a HASH cmdline '...'`; the test compares that
list with the files of its own ESP. The error cases stop in the loader with one line.
"""
import re

from esp import CFG, DOMAINS, make_esp
from harness import BOOT_FAILED, TIMEOUT_SCALE, check
from qemu import Qemu
from test_loader_errors import loader_error

MODULE = r"^(?:\(d0\) )?testctl: module (\d+) (\S+) (\d+) bytes fnv1a ([0-9a-f]{8}) cmdline '(.*)'[ \t]*$"
TIMEOUT = 120 * TIMEOUT_SCALE


def fnv1a(data):
    value = 2166136261
    for byte in data:
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value


def esp_name(path):
    return "\\" + path.replace("/", "\\")


def test_loader_module_dir_reaches_dom0_sorted(case):
    # Listed out of order and in mixed case; b.bin also has its own 'module =' line, and
    # sub/ is a subdirectory: neither may come twice or at all.
    files = {"keel/mods/c.bin": b"third file\n", "keel/mods/A.bin": b"first" * 1000,
             "keel/mods/b.bin": b"second\n", "keel/mods/sub/x.bin": b"skipped\n"}
    lines = ["dom0 = \\keel\\guests\\testctl.elf boot_modules",
             "module = \\keel\\mods\\b.bin",
             "module_dir = \\keel\\mods\\",
             "module_dir = /keel/domains",
             "autostart = hello counter"]
    image = make_esp(case, files=files, domains={"zz-demo": "name = \"zz-demo\"\n"},
                     cfg_append="\n".join(lines))
    tree = case.path("esp")
    domain_cfgs = sorted((p for p in (tree / DOMAINS).iterdir() if p.is_file()),
                         key=lambda p: (p.name.lower(), p.name))
    # Explicit lines first, then keel.cfg for dom0, then each module_dir's files by name.
    want = ["keel/mods/b.bin", CFG, "keel/mods/A.bin", "keel/mods/c.bin"]
    want += [f"{DOMAINS}/{p.name}" for p in domain_cfgs]

    with Qemu(case, image, smp=2) as vm:
        vm.wait_for(r"testctl: done: (\d+) passed, (\d+) failed", timeout=TIMEOUT,
                    fail_on=BOOT_FAILED + r"|dom0 \(dom0\): crashed")
        text = vm.text()
    verdict = re.search(r"testctl: boot_modules: (PASS|FAIL.*)$", text, re.M)
    check(verdict and verdict.group(1) == "PASS", f"boot_modules verdict: {verdict and verdict.group(1)}")
    got = re.findall(MODULE, text, re.M)
    errors = []
    if [name for _, name, *_ in got] != [esp_name(p) for p in want]:
        errors.append(f"dom0 got modules {[name for _, name, *_ in got]}, want {[esp_name(p) for p in want]}")
    else:
        for (index, name, size, digest, cmdline), path in zip(got, want):
            data = (tree / path).read_bytes()
            if int(size) != len(data) or int(digest, 16) != fnv1a(data):
                errors.append(f"{name}: {size} bytes fnv1a {digest}, the ESP file has {len(data)} "
                              f"bytes fnv1a {fnv1a(data):08x}")
            if cmdline:
                errors.append(f"{name}: command line {cmdline!r}, want none")
    check(not errors, "; ".join(errors))
    counts = re.search(r"keel-boot: module_dir \\keel\\mods: (\d+) file\(s\), (\d+) new module\(s\)", text)
    check(counts and counts.groups() == ("3", "2"),
          "the loader should report 3 files in \\keel\\mods, 2 of them new (b.bin has its own line)")
    check(b"autostart = hello counter" in (tree / CFG).read_bytes(), "the test's keel.cfg lost its autostart line")


def test_loader_module_dir_missing(case):
    line = loader_error(case, cfg_append="module_dir = \\keel\\nowhere")
    check(line.strip() == "\\keel\\nowhere: directory not found",
          f"error {line!r} should be '\\keel\\nowhere: directory not found'")


def test_loader_module_dir_not_a_directory(case):
    line = loader_error(case, cfg_append="module_dir = \\keel\\keel.elf")
    check(line.strip() == "\\keel\\keel.elf: not a directory",
          f"error {line!r} should be '\\keel\\keel.elf: not a directory'")


def test_loader_module_dir_too_many_files(case):
    files = {f"keel/many/f{i:02}.bin": bytes([i]) for i in range(65)}
    line = loader_error(case, files=files, cfg_append="module_dir = \\keel\\many")
    want = "module_dir \\keel\\many: too many files (65; at most 64 modules in all)"
    check(line.strip() == want, f"error {line!r} should be {want!r}")


def test_loader_autostart_bad_name(case):
    line = loader_error(case, cfg_append="autostart = hello bad.name")
    line_no = len(case.path("esp/" + CFG).read_text().splitlines())
    want = (f"\\keel\\keel.cfg line {line_no}: autostart: bad character '.' in name 'bad.name' "
            "(allowed: A-Z a-z 0-9 _ -)")
    check(line.strip() == want, f"error {line!r} should be {want!r}")
