"""bench_boots.py: the emulator boots `make bench` measures (QEMU TCG/SVM and Bochs/VMX), each returning raw numbers per run.

Boots reuse tests/e2e's helpers (harness, esp, qemu, bochs, cli) so a benchmark boots Keel
exactly as the e2e suite does. Every function runs one boot and returns a dict of what it
measured; bench.py repeats them and turns the dicts into table rows.
"""
import re
import struct
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from bochs import Bochs            # noqa: E402
from cli import PROMPT, Cli        # noqa: E402
from esp import ESP_DIR, make_esp  # noqa: E402
from harness import BOOT_FAILED, Case, Failure, check  # noqa: E402
from qemu import Qemu              # noqa: E402
from test_dom0 import attach_and_read, data_disk  # noqa: E402
from test_kernel import controller_esp, run_controller  # noqa: E402
from test_ringbench import RATE as RING_RATE  # noqa: E402

BOCHS_MODEL = "corei7_haswell_4770"    # the model test_kernel's VMX run uses
GUEST_DONE = r"bench: done|bench: FAIL.*"

FLOOR = re.compile(r"bench: switch floor: (\w+): round \d+: (\d+) round trips, ([\d.]+) TSC ticks each, (\d+) per second")
NULL = re.compile(r"bench: null hypercall: round \d+: (\d+) calls in (\d+) us, (\d+) per second, ([\d.]+) TSC ticks each")
TICKS = re.compile(r"bench: ticks: (.+?): min (\d+) median (\d+) max (\d+) over")
BOOT_MS = re.compile(r"^\s*boot\s+(\d+) ms from loader start", re.M)
MEMORY = re.compile(r"^\s*memory\s+(\d+) MiB total, (\d+) MiB free", re.M)
# Serial lines that start each phase of a boot, in order (host clock when each first shows).
BOOT_PHASES = {
    "loader": r"^keel-boot: Keel loader",
    "exit boot services": r"^keel-boot: .*exiting boot services",
    "hypervisor ready": r"^keel: ready",
    "dom0 started": r"^dom0 \(dom0\): started",
    "prompt": "^" + re.escape(PROMPT),
}
SPREAD = re.compile(r"^bench: (.+?): min (\d+) median (\d+) max (\d+) us over (\d+)", re.M)


def _parse_hypercall_boot(text):
    floor = [(float(t), int(r)) for _, _, t, r in FLOOR.findall(text)]
    null = [(float(t), int(r)) for _, _, r, t in NULL.findall(text)]
    ticks = {what: (int(lo), int(mid), int(hi)) for what, lo, mid, hi in TICKS.findall(text)}
    check(floor and null and ticks, "the boot printed no floor, rate or tick lines")
    return {"floor_ticks": [t for t, _ in floor], "floor_rate": [r for _, r in floor],
            "null_ticks": [t for t, _ in null], "null_rate": [r for _, r in null], "ticks": ticks}


def hypercall_qemu(run, trips, calls):
    """One QEMU/SVM boot: the bare VMMCALL floor (hypervisor option), then the bench guest's null hypercalls."""
    case = Case(f"bench-hypercall-qemu-{run}")
    image = make_esp(case, options=f"bench_switch_floor={trips} test_exit",
                     cfg_append=f"guest = \\keel\\guests\\bench.elf calls={calls} rounds=5")
    with Qemu(case, image) as vm:
        vm.wait_for(GUEST_DONE, timeout=600, fail_on=BOOT_FAILED)
        text = vm.text()
    check("bench: FAIL" not in text, "the bench guest failed")
    return _parse_hypercall_boot(text)


def _line_times(vm, patterns, done, timeout):
    """Host clock (s) when each line matching one of 'patterns' first shows in the serial log,
    polled every 2 ms until 'done' shows: [(pattern index, time), ...] in order of appearance."""
    seen, deadline = [], time.monotonic() + timeout
    counts = [0] * len(patterns)
    while True:
        now, text = time.monotonic(), vm.text()
        for i, pattern in enumerate(patterns):
            n = len(pattern.findall(text))
            seen += [(i, now)] * (n - counts[i])
            counts[i] = n
        if re.search(done, text, re.M):
            return seen, text
        if vm.proc.poll() is not None or now > deadline:
            raise Failure(f"no /{done}/ within {timeout} s")
        if re.search(BOOT_FAILED, text, re.M):
            raise Failure("the boot failed")
        time.sleep(0.002)


def _wall_rates(times, which, per_round):
    """Round trips per host second between consecutive round lines of one kind (round 1 has no start)."""
    stamps = [t for i, t in times if i == which]
    return [per_round / (b - a) for a, b in zip(stamps, stamps[1:]) if b > a]


def hypercall_bochs(run, trips, calls):
    """One Bochs/VMX boot: as hypercall_qemu, but Bochs' TSC counts instructions (clock sync=none),
    so rates come from the host clock: when each round's line reaches the serial log."""
    case = Case(f"bench-hypercall-bochs-{run}")
    image = make_esp(case, bochs=True, options=f"bench_switch_floor={trips} after_boot=poweroff",
                     cfg_append=f"guest = \\keel\\guests\\bench.elf calls={calls} rounds=5")
    with Bochs(case, image, model=BOCHS_MODEL) as vm:
        times, text = _line_times(vm, [FLOOR, NULL], GUEST_DONE, 900)
    check("bench: FAIL" not in text, "the bench guest failed")
    out = _parse_hypercall_boot(text)
    out["floor_wall_rate"] = _wall_rates(times, 0, trips)
    out["null_wall_rate"] = _wall_rates(times, 1, calls)
    return out


def pingpong(run):
    """testctl's pingpong scenario (tests/e2e/test_kernel.py): two guests bounce an event 100,000 times."""
    case = Case(f"bench-pingpong-{run}")
    with Qemu(case, controller_esp(case, ["pingpong"]), smp=2) as vm:
        run_controller(vm, ["pingpong"], 600)
        text = vm.text()
    match = re.search(r"testctl: pingpong: (\d+) round trips in (\d+) ms", text)
    check(match, "no ping-pong timing line")
    trips, ms = int(match.group(1)), int(match.group(2))
    return {"pingpong_rate": trips * 1000 / max(ms, 1)}


def image_bytes():
    """The booted hypervisor ELF's loaded size: the sum of its PT_LOAD segments' memory sizes."""
    data = (ESP_DIR / "keel" / "keel.elf").read_bytes()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    total = 0
    for i in range(phnum):
        p_type, = struct.unpack_from("<I", data, phoff + i * phentsize)
        if p_type == 1:    # PT_LOAD
            total += struct.unpack_from("<Q", data, phoff + i * phentsize + 0x28)[0]
    return total


def dom0_session(run, cycles):
    """One QEMU boot of the shipped configuration in 1 GiB: boot timestamps, then dom0's 'bench' commands."""
    case = Case(f"bench-dom0-{run}")
    image = make_esp(case, shipped_domains=True)
    with Qemu(case, image, mem="1G", interactive=True, extra_disks=[data_disk(case)]) as vm:
        # With wait=on QEMU starts the machine when the socket connects, i.e. as __enter__ returns.
        start = time.monotonic()
        stamps, _ = _line_times(vm, [re.compile(p, re.M) for p in BOOT_PHASES.values()],
                                "^" + re.escape(PROMPT), 300)
        first = {}
        for index, when in stamps:
            first.setdefault(list(BOOT_PHASES)[index], when - start)
        check(len(first) == len(BOOT_PHASES), f"boot phases seen: {sorted(first)}")
        # As tests/e2e/test_dom0.py does: type only once the autostarts are through.
        cli = Cli(vm, timeout=600)
        cli.wait_for(r"dom0: autostart counter: domain \d+", timeout=120)
        cli.wait_prompt()
        text = vm.text()
        out = {"boot_firmware": first["loader"], "boot_after_firmware": first["prompt"] - first["loader"]}
        names = list(BOOT_PHASES)
        for a, b in zip(names, names[1:]):
            out[f"phase {a} -> {b}"] = first[b] - first[a]
        ms = BOOT_MS.search(text)
        mem = MEMORY.search(text)
        check(ms and mem, "no boot report")
        out["boot_loader_to_ready"] = int(ms.group(1)) / 1000
        out["hv_footprint_mib"] = int(mem.group(1)) - int(mem.group(2))
        out["hv_image_bytes"] = image_bytes()
        memory = re.search(r"bench: memory: (\d+) pages managed, .*, (\d+) held by the hypervisor",
                           cli.run("bench memory"))
        check(memory, "no 'bench memory' line")
        out["hv_held_bytes"] = int(memory.group(2)) * 4096
        # kernel/frame.c's metadata: one bit per frame up to the top of RAM (about the managed count).
        out["hv_meta_bytes"] = (int(memory.group(1)) + 63) // 64 * 8
        out.update(_block(vm, cli))
        for command in ("bench lifecycle 20", f"bench cycles {cycles}", "bench fill 64"):
            result = cli.run(command, timeout=900)
            check("error:" not in result or command.startswith("bench fill"), f"'{command}' failed:\n{result}")
            for what, lo, mid, hi, n in SPREAD.findall(result):
                out[what] = (int(lo) / 1000, int(mid) / 1000, int(hi) / 1000)
            first = re.search(r"create 1st (\d+) us, (\d+)th (\d+) us", result)
            means = re.search(r"mean of first \d+ (\d+) us, of last \d+ (\d+) us", result)
            if first and means:
                out["cycles_last_vs_first"] = int(first.group(3)) / max(int(first.group(1)), 1)
                out["cycles_tail_vs_head"] = int(means.group(2)) / max(int(means.group(1)), 1)
            fill = re.search(r"bench: fill: (\d+) domains(.*)", result)
            per = re.search(r"(\d+) bytes per domain, (\d+) of them beyond its RAM", result)
            if fill:
                out["fill_count"] = int(fill.group(1))
                out["fill_stop"] = fill.group(2).strip("; ")
            if per:
                out["overhead_bytes"] = int(per.group(2))
    return out


def _block(vm, cli):
    """disktest1 (config/domains/disktest1.cfg) writes, flushes and reads back its 8 MiB
    partition and powers off; dom0's notice of that ends the timing, which starts when
    'create' has answered. Host clock, so it includes building the guest and the flush."""
    created = cli.run("create disktest1")
    start = time.monotonic()
    check(re.search(r"created domain \d+", created), f"create disktest1: {created}")
    _line_times(vm, [], r"domain \d+ \(disktest1\) powered off", 300)
    seconds = time.monotonic() - start
    shown = attach_and_read(cli, "disktest1", 1)
    done = re.search(r"^disktest: wrote (\d+) sectors, read back (\d+), all match: PASS", shown, re.M)
    check(done, f"disktest1 did not pass:\n{shown[-1000:]}")
    cli.run("destroy disktest1")
    moved = (int(done.group(1)) + int(done.group(2))) * 512
    return {"block_mib_s": moved / seconds / 1048576, "block_bytes": moved}


def ringbench(run, requests, rounds):
    """One QEMU boot: the ringbench guest (config/domains/ringbench.cfg) on dom0's 256 MiB null
    disk streams 'requests' 4 KiB and 32 KiB READs and WRITEs, 'rounds' times; its own clock.
    Returns {"4 KiB read blocking": [(MB/s, requests/s, notifications per 1000, front, back), ...], ...}."""
    case = Case(f"bench-ringbench-{run}")
    with Qemu(case, make_esp(case, shipped_domains=True), smp=2, mem="1G", interactive=True) as vm:
        cli = Cli(vm, timeout=600)
        cli.wait_for(r"dom0: autostart counter: domain \d+", timeout=120)
        cli.wait_prompt()
        created = cli.run(f'create ringbench cmdline="requests={requests} rounds={rounds}"')
        check(re.search(r"created domain \d+", created), f"create ringbench: {created}")
        _line_times(vm, [], r"domain \d+ \(ringbench\) powered off", 600)
        shown = attach_and_read(cli, "ringbench", 1)
    check("ringbench: checks: PASS" in shown and "ringbench: FAIL" not in shown, f"ringbench failed:\n{shown[-1000:]}")
    out = {}
    for kib, op, mode, mb_s, per_s, per_1000, front, back, _, _ in RING_RATE.findall(shown):
        out.setdefault(f"{kib} KiB {op} {mode}", []).append((float(mb_s), int(per_s), float(per_1000), int(front), int(back)))
    check(len(out) == 8 and all(len(v) == rounds for v in out.values()), f"ringbench printed {out}")
    return out
