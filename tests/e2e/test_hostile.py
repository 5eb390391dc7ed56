"""test_hostile.py: hostile guests: hcfuzz's seeded random hypercalls beside a victim whose memory must stay intact, and CPU hogs that must not starve dom0.

The fuzz tests boot the shipped keel.cfg (dom0 on COM1, counter autostarted), create victim
(guests/victim: rechecks a seeded pattern in all its free RAM every second) and hcfuzz
(guests/hcfuzz) with count= and seed= on its command line. While hcfuzz runs, dom0's `list`
and `info` must keep answering; at the end hcfuzz's done line reports zero ABI violations,
nothing panicked (a panic forces its way out of the UART even though dom0 owns COM1), dmesg
has nothing alarming, and the victim's final check says its pattern is intact.

The seed is new on every run (widening what the suite covers over time) and is part of every
failure message, so a failure repeats with E2E_HCFUZZ_SEED=S. E2E_HCFUZZ_COUNT overrides the
number of calls (10^6 under QEMU and 10^5 under Bochs by default: docs/security.md, "Hostile
hypercall fuzzing"), E2E_HCFUZZ_TIMEOUT the time allowed for them.

The liveness test starts four CPU hogs (guests/hog, 2 vCPUs each, never yielding) at the
highest weight the hypervisor accepts on a 2-CPU machine, and times `list` round trips over
the serial line: each must stay under LIST_BOUND (docs/performance.md, "Liveness").
"""
import os
import re
import statistics
import time

from bochs import Bochs
from cli import Cli
from esp import make_esp
from harness import TIMEOUT_SCALE, Failure, check
from qemu import Qemu
from test_dom0 import CRASHED, attach_and_read, created_id, domain_rows

BOOT = 120 * TIMEOUT_SCALE
PANIC = re.compile(r"panic:|PANIC", re.M)
# Hypervisor log lines that mean something went wrong inside it (not in a guest).
ALARMING = re.compile(r"panic|assert|BUG|double fault|\bleak", re.I)

# The counts the issue asks for: 10^6 calls under QEMU (about 1 minute of fuzzing on an idle
# 2-core host, 4 CPUs, ~17,000 calls/s since the boot CPU runs no guests; several minutes on
# a loaded one) and 10^5 under Bochs (~20 s of fuzzing after a ~30 s boot).
QEMU_COUNT = 1000000
BOCHS_COUNT = 100000
# These bound the fuzzing itself generously (a loaded machine is several times slower).
QEMU_FUZZ_TIMEOUT = float(os.environ.get("E2E_HCFUZZ_TIMEOUT", 600)) * TIMEOUT_SCALE
BOCHS_FUZZ_TIMEOUT = float(os.environ.get("E2E_HCFUZZ_TIMEOUT", 400)) * TIMEOUT_SCALE
# hcfuzz never blocks for more than ~5 s (report()'s retries): blocked this long without using
# any CPU is a vCPU blocked for ever, reported at once instead of after the whole timeout.
STUCK_AFTER = 60 * TIMEOUT_SCALE

# The liveness bound: one `list` round trip (type, dom0 wakes, asks the hypervisor for every
# domain, prints ~8 lines at 115200 baud, draws the prompt) with 8 spinning vCPUs at weight 65535.
LIST_BOUND = 2.0 * TIMEOUT_SCALE
HOG_WEIGHT = 65535          # SCHED_WEIGHT_MAX (kernel/sched.c), the largest 'sched-weight' accepts
HOGS = 4
LIST_ROUNDS = 10


def fuzz_seed():
    env = os.environ.get("E2E_HCFUZZ_SEED")
    return int(env) if env else int.from_bytes(os.urandom(4), "little")


def timed(cli, command):
    start = time.monotonic()
    out = cli.run(command)
    return out, time.monotonic() - start


def read_console(cli, name, seconds=2.0):
    """`console NAME`: its history (and a little live output), then Ctrl-]."""
    return attach_and_read(cli, name, seconds)


def fuzz_beside_victim(cli, vm, count, seed, timeout, poll_every):
    """The scenario of both backends; returns (seconds hcfuzz ran, the slowest CLI answer)."""
    tag = f"[hcfuzz seed {seed}, count {count}: repeat with E2E_HCFUZZ_SEED={seed}]"
    victim = created_id(cli.run("create victim"), "victim")
    fuzz = created_id(cli.run(f'create hcfuzz cmdline="seed={seed} count={count}"'), "hcfuzz")
    started = time.monotonic()
    slowest = 0.0
    state = None
    stuck_since, stuck_cpu = None, None
    while time.monotonic() - started < timeout:
        out, took = timed(cli, "list")
        slowest = max(slowest, took)
        rows = domain_rows(out)
        check("victim" in rows and rows["victim"][3] in ("running", "blocked"), f"{tag} victim is not alive: {rows}")
        check("hcfuzz" in rows, f"{tag} hcfuzz is no longer listed: {rows}")
        state = rows["hcfuzz"][3]
        if state not in ("running", "blocked"):
            break
        cpu = re.search(r"^hcfuzz\s+\d+\s+\d+\s+\d+\s+\w+\s+(\d+)", out, re.M)
        cpu = cpu and cpu.group(1)
        if state != "blocked" or cpu != stuck_cpu:
            stuck_since, stuck_cpu = (time.monotonic(), cpu) if state == "blocked" else (None, None)
        elif stuck_since is not None and time.monotonic() - stuck_since > STUCK_AFTER:
            state = f"blocked for ever ({STUCK_AFTER:.0f} s without CPU time)"
            break
        info, took = timed(cli, "info")
        slowest = max(slowest, took)
        check(re.search(r"^free_memory\s*: \d+ MiB", info, re.M), f"{tag} info did not answer:\n{info}")
        check(not PANIC.search(vm.text()), f"{tag} the hypervisor panicked")
        time.sleep(poll_every)
    ran = time.monotonic() - started
    dmesg = cli.run("dmesg", timeout=60).splitlines()
    # 'shutdown' is any reason: a crash it reported itself (sched_op shutdown(CRASH)) is one too.
    if state == "shutdown" and any(re.search(rf"^dom{fuzz} \(hcfuzz\): shut down \((?!poweroff)", line) for line in dmesg):
        state = "shut down, but not powered off"
    if state != "shutdown":
        # Why it ended: the hypervisor's word on the domain, then hcfuzz's own (its exception hook
        # and give_up() name the call in progress, so the crash repeats from the seed).
        why = [line for line in dmesg if re.search(rf"dom{fuzz}\b.*(crash|fault|violation|shut)", line)]
        own = [line for line in dmesg if re.search(rf"\(d{fuzz}\) hcfuzz: (exception|.* failed \()", line)]
        vcpus = [line for line in cli.run("vcpu-list").splitlines() if line.startswith("hcfuzz")]
        history = read_console(cli, "hcfuzz")
        said = re.findall(r"(?:hcfuzz: (?!%)|guest: unhandled)[ -~]*", history)
        raise Failure(f"{tag} hcfuzz ended as '{state}' after {ran:.0f} s (want a clean power-off):\n"
                      + "\n".join(why[-5:] + own[:3] + vcpus + said[-5:]))

    # The report lines go to hcfuzz's console and, as a second witness, to the hypervisor's log:
    # its console_io noise can push them out of dom0's 16 KiB console history.
    history = read_console(cli, "hcfuzz") + "\n" + "\n".join(dmesg)
    done = re.search(rf"hcfuzz: seed {seed}: done (\d+) calls, (\d+) errors, (\d+) violations", history)
    check(done, f"{tag} no done line in hcfuzz's console:\n{history[-1500:]}")
    check(int(done.group(1)) == count, f"{tag} {done.group(0)}")
    # (console_io of hcfuzz's own rodata prints the format string itself: '%s' is not a report)
    violations = re.findall(r"hcfuzz: VIOLATION: [a-z].*", history)
    check(int(done.group(3)) == 0 and not violations, f"{tag} {done.group(0)}:\n" + "\n".join(violations[:10]))
    check(int(done.group(2)) > count // 4, f"{tag} suspiciously few errors: {done.group(0)}")

    # The victim's last checks, read while it runs ('shutdown' reaps it, history and all)...
    history = read_console(cli, "victim", seconds=1.5)
    check(re.search(r"victim: pattern in 0x[0-9a-f]+-0x[0-9a-f]+", history), f"{tag} victim never filled its RAM:\n{history[-800:]}")
    check("FAIL" not in history, f"{tag} the victim's memory changed:\n{history[-800:]}")
    checks = [int(n) for n in re.findall(r"victim: (\d+) checks, pattern intact", history)]
    check(checks and max(checks) >= 2, f"{tag} no intact check from victim:\n{history[-800:]}")
    # ...and its final one: on request it checks once more, powering off only if intact
    # (a failed check crashes it instead).
    out = cli.run("shutdown victim", timeout=30)
    check(re.search(rf"^domain {victim} shut down", out, re.M) and "forcing" not in out and "crash" not in out,
          f"{tag} victim did not power off cleanly on request:\n{out}")
    check(not re.search(r"\(victim\) crashed", cli.vm.text()), f"{tag} victim crashed: its final check failed")

    dmesg = cli.run("dmesg", timeout=60)
    # hcfuzz's console_io writes random bytes into the log: its own lines are not the hypervisor's.
    own = re.compile(rf"^\s*(\[[^\]]*\]\s*)?\(d{fuzz}\) ")
    alarming = [line for line in dmesg.splitlines() if ALARMING.search(line) and not own.search(line)]
    check(not alarming, f"{tag} dmesg:\n" + "\n".join(alarming[:10]))
    check(not re.search(r"dom0 \(dom0\): crashed|victim\): crashed", dmesg), f"{tag} dmesg shows a crash")
    check(not PANIC.search(vm.text()), f"{tag} the hypervisor panicked")
    rows = domain_rows(cli.run("list"))
    check("counter" in rows and rows["counter"][3] in ("running", "blocked"), f"{tag} counter died: {rows}")
    cli.run(f"destroy {fuzz}")
    return ran, slowest


def boot(cli, vm):
    cli.wait_for(r"dom0: autostart counter: domain \d+", timeout=BOOT, fail_on=CRASHED)
    cli.wait_prompt()


def test_hostile_hcfuzz_qemu_svm(case):
    """10^6 random hypercalls (E2E_HCFUZZ_COUNT) under SVM: no panic, the CLI answers throughout, the victim's memory is intact."""
    count = int(os.environ.get("E2E_HCFUZZ_COUNT", QEMU_COUNT))
    seed = fuzz_seed()
    with Qemu(case, make_esp(case, shipped_domains=True), smp=4, mem="1G", interactive=True) as vm:
        cli = Cli(vm, timeout=30 * TIMEOUT_SCALE)
        boot(cli, vm)
        ran, slowest = fuzz_beside_victim(cli, vm, count, seed, QEMU_FUZZ_TIMEOUT, poll_every=5)
        print(f"  hcfuzz (svm): seed {seed}: {count} calls in {ran:.0f} s, slowest CLI answer {slowest:.2f} s",
              flush=True)


def test_hostile_hcfuzz_bochs_vmx(case):
    """100,000 random hypercalls (E2E_HCFUZZ_COUNT) under Bochs (VMX with EPT, one CPU): the same checks."""
    count = int(os.environ.get("E2E_HCFUZZ_COUNT", BOCHS_COUNT))
    seed = fuzz_seed()
    esp = make_esp(case, shipped_domains=True, bochs=True)
    with Bochs(case, esp, model="corei7_haswell_4770", mem_mb=512, interactive=True) as vm:
        cli = Cli(vm, timeout=60 * TIMEOUT_SCALE)
        cli.wait_for(r"dom0: autostart counter: domain \d+", timeout=240 * TIMEOUT_SCALE, fail_on=CRASHED)
        cli.wait_prompt()
        ran, slowest = fuzz_beside_victim(cli, vm, count, seed, BOCHS_FUZZ_TIMEOUT, poll_every=10)
        print(f"  hcfuzz (vmx): seed {seed}: {count} calls in {ran:.0f} s, slowest CLI answer {slowest:.2f} s",
              flush=True)


test_hostile_hcfuzz_bochs_vmx.lane = "bochs"
test_hostile_hcfuzz_qemu_svm.lane = "alone"   # 4 busy vCPUs: no other QEMU beside it


def test_hostile_hogs_do_not_starve_dom0(case):
    """Four 2-vCPU hogs at weight 65535 on 2 CPUs: every `list` round trip stays under LIST_BOUND."""
    with Qemu(case, make_esp(case, shipped_domains=True), smp=2, mem="1G", interactive=True) as vm:
        cli = Cli(vm, timeout=30 * TIMEOUT_SCALE)
        boot(cli, vm)
        names = ["hog"] + [f"hog{i + 1}" for i in range(1, HOGS)]
        # All created before any is weighted: building a domain keeps dom0 busy for a while,
        # and busy dom0 at weight 256 beside hogs at 65535 gets ~0.1% of the CPUs (open bug:
        # 'create' then takes minutes, docs/performance.md "Liveness").
        for name in names:
            created_id(cli.run("create hog" if name == "hog" else f"create hog name={name}"), name)
        for name in names:
            out = cli.run(f"sched-weight {name} {HOG_WEIGHT}")
            check(not out.startswith("error"), f"sched-weight {name} {HOG_WEIGHT}: {out}")
        cli.expect_error(f"sched-weight hog {HOG_WEIGHT + 1}", r".*")
        time.sleep(3)   # let the hogs settle into their run queues
        times = []
        for _ in range(LIST_ROUNDS):
            out, took = timed(cli, "list")
            rows = domain_rows(out)
            check(all(rows.get(n, (0, 0, 0, ""))[3] == "running" for n in ("hog", "hog2", "hog3", "hog4")),
                  f"the hogs are not all running: {rows}")
            times.append(took)
            time.sleep(0.5)
        median, worst = statistics.median(times), max(times)
        print(f"  liveness: list round trips with {HOGS} hogs: median {median:.2f} s, max {worst:.2f} s "
              f"({', '.join(f'{t:.2f}' for t in times)})", flush=True)
        check(worst < LIST_BOUND, f"a `list` took {worst:.2f} s (bound {LIST_BOUND:.1f} s): {times}")
        hogs = read_console(cli, "hog4", seconds=1.0)
        check(re.search(r"hog: dom\d+, 2 vCPU\(s\) spinning", hogs), f"hog4 never started spinning:\n{hogs[-500:]}")
        if PANIC.search(vm.text()):
            raise Failure("the hypervisor panicked")


test_hostile_hogs_do_not_starve_dom0.lane = "alone"

