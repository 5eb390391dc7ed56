"""test_isolation.py: the isolation suite: one XTF-style attack guest per attack (guests/tests/iso_*.c), run from dom0's CLI beside a victim.

Boots the shipped keel.cfg (dom0 on COM1, counter autostarted), creates the victim
xtf-iso_granter (grants two pages to dom0, then blocks for ever), then each attack guest in
turn with on_poweroff/on_crash = preserve, waits until it has ended and reads what it said
from its console history (`console NAME` shows console_io text too, docs/cli.md).

  counted attacks   print `iso: NAME: N attempts, M refused as documented` and the XTF
                    verdict: PASS, N == M, N >= the test's own lower bound (so an attack list
                    that shrank or was skipped fails)
  page tables       iso_pagetable target=T: the domain must be killed with
                    `crashed: NPT violation: read of gpa G at rip R` (EPT under VMX), G and R
                    as the guest announced; 'beyond' (above the physical-address width) is the
                    guest's own #PF with the reserved-bit flag instead, and PASS
  console ring      iso_console_ring plants bad indices on its console ring: dom0 must print
                    exactly one `broke its console ring (...); console disconnected` for it
  console flood     iso_console_flood: bad lengths and pointers refused, then 256 KiB of output
                    while dom0's `list` keeps answering; the hypervisor log must still hold the
                    lines from before the flood, and hold only a bounded share of the flood

After every attack dom0 answers, counter and the victim are alive; at the end, with the attack
domains and the victim destroyed, `info` shows event channels and grants back at the values
from before, and the hypervisor never panicked. The suite prints its total of attempts.

test_isolation_qemu_svm runs everything under QEMU (SVM with NPT); test_isolation_bochs_vmx
runs the CPU-facing subset (privileged ops, grants, port I/O, MSRs, four page-table targets,
the console ring) under Bochs (VMX with EPT), where the two vendors' exits differ.
"""
import re
import time

from bochs import Bochs
from cli import Cli
from esp import make_esp
from harness import TIMEOUT_SCALE, check
from qemu import Qemu
from test_dom0 import CRASHED, attach_and_read, created_id, domain_rows

BOOT = 120 * TIMEOUT_SCALE
END_TIMEOUT = 60 * TIMEOUT_SCALE
PANIC = re.compile(r"panic:|PANIC", re.M)
HEX = r"(0x[0-9a-fA-F]+)"
GRANTER = "xtf-iso_granter"
ALIVE = ("running", "blocked")

# Counted attacks and the fewest attempts each must report (lower bounds from the guests'
# own attack lists: iso_privileged_ops has 15 domctl x 5 targets + 7 sysctl x 3 + ..., etc.).
COUNTED = {
    "iso_privileged_ops": 120,
    "iso_grant_foreign": 3 * 2 * 66 + 3 * 2 * 64,   # dom0, counter, the victim: map rw/ro, copy both ways
    "iso_grant_reuse": 140,
    "iso_port_io": 24 * 8,
    "iso_msr": 16 * 4 + 14,
    "iso_evtchn_flood": 2 * 1000 + 3 * 1000,        # two floods of ~1000 ports, binds to 3 domains' ports
}
PAGETABLE_TARGETS = ["ram_end", "window", "apic", "ioapic", "hpet", "high", "beyond"]
# Each of the victim's grants to dom0 is tried four ways (map rw, map ro, copy from, copy into).
REFUSALS_PER_GRANT = 4
FLOOD_BYTES = 256 * 1024
# console_log_budget.h: a burst of 100 lines, then 10 a second; the flood takes well under 10 s.
FLOOD_LOGGED_MAX = 100 + 10 * 10


def wait_ended(cli, name, timeout=END_TIMEOUT):
    """Polls `list` until the preserved domain 'name' has ended; returns its state."""
    deadline = time.monotonic() + timeout
    while True:
        rows = domain_rows(cli.run("list"))
        check(name in rows, f"{name} is not listed: {rows}")
        state = rows[name][3]
        if state not in ALIVE + ("paused",):
            return state
        check(time.monotonic() < deadline, f"{name} still {state} after {timeout:.0f} s")
        time.sleep(0.3)


def create(cli, image, name=None, cmdline=""):
    name = name or image
    words = f"create {image} on_poweroff=preserve on_crash=preserve"
    if name != image:
        words += f" name={name}"
    if cmdline:
        words += f' cmdline="{cmdline}"'
    return created_id(cli.run(words), name)


def others_alive(cli, after):
    rows = domain_rows(cli.run("list"))
    for name in ("dom0", "counter", GRANTER):
        check(name in rows and rows[name][3] in ALIVE, f"after {after}: {name} is not alive: {rows.get(name)}")


def verdict(cli, image, test, minimum):
    """Checks a counted attacker's history: PASS, one count line, N == M >= minimum; returns (N, history)."""
    said = attach_and_read(cli, image, 0.3)
    fail = re.search(rf"xtf: {test}: FAIL.*", said)
    check(not fail, fail.group(0) if fail else "")
    check(re.search(rf"^xtf: {test}: PASS", said, re.M), f"{test}: no PASS verdict:\n{said[-800:]}")
    counts = re.findall(rf"^iso: {test}: (\d+) attempts, (\d+) refused as documented", said, re.M)
    check(len(counts) == 1, f"{test}: want one count line, got {counts}")
    attempts, refused = map(int, counts[0])
    check(attempts == refused, f"{test}: {attempts} attempts but only {refused} refused as documented")
    check(attempts >= minimum, f"{test}: {attempts} attempts, want at least {minimum}")
    return attempts, said


def counted_attack(cli, test, cmdline=""):
    """Runs one counted attacker to its power-off; returns (its attempts, its console history)."""
    image = f"xtf-{test}"
    create(cli, image, cmdline=cmdline)
    state = wait_ended(cli, image)
    check(state == "shutdown", f"{test} ended '{state}', want a clean power-off")
    result = verdict(cli, image, test, COUNTED[test])
    others_alive(cli, test)
    return result


def pagetable_attacks(cli, paging, targets):
    """Each target in its own domain; returns the attempts (one each) after checking every kill."""
    announced = {}
    for target in targets:
        name = f"iso_pt_{target}"
        domid = create(cli, "xtf-iso_pagetable", name, f"target={target}")
        state = wait_ended(cli, name)
        said = attach_and_read(cli, name, 0.3)
        about = re.search(rf"xtf: iso_pagetable: about to read gpa {HEX} at rip {HEX}", said)
        check(about, f"{name}: no announcement:\n{said[-600:]}")
        if target == "beyond":
            check(state == "shutdown" and re.search(r"^xtf: iso_pagetable: PASS", said, re.M)
                  and "#PF (reserved bit)" in said, f"{name}: '{state}', want its own #PF and PASS:\n{said[-600:]}")
        else:
            check(state == "crashed", f"{name} ended '{state}', want crashed:\n{said[-600:]}")
            announced[domid] = (name, about.group(1), about.group(2))
        others_alive(cli, name)
    log = cli.run("dmesg", timeout=60 * TIMEOUT_SCALE)
    for domid, (name, gpa, rip) in announced.items():
        crash = re.search(rf"^dom{domid} \({name}\): crashed: (.*)$", log, re.M)
        check(crash, f"{name}: no 'dom{domid} ({name}): crashed:' line in dmesg")
        want = rf"{paging} violation: read of gpa {HEX} at rip {HEX}"
        got = re.fullmatch(want, crash.group(1).strip())
        check(got and int(got.group(1), 16) == int(gpa, 16) and int(got.group(2), 16) == int(rip, 16),
              f"{name}: '{crash.group(1)}', want '{paging} violation: read of gpa {gpa} at rip {rip}'")
    return len(targets)


def console_ring_attack(cli, vm):
    image = "xtf-iso_console_ring"
    domid = create(cli, image)
    wait_ended(cli, image)
    said = attach_and_read(cli, image, 0.3)
    planted = re.search(r"^iso: iso_console_ring: (\d+) attempts, judged from dom0's side", said, re.M)
    check(planted and int(planted.group(1)) > 2, f"iso_console_ring planted nothing:\n{said[-600:]}")
    notice = (rf"dom0: domain {domid} broke its console ring \((producer|consumer) index out of range\); "
              r"console disconnected")
    deadline = time.monotonic() + 10 * TIMEOUT_SCALE   # dom0's console thread notices on its own time
    while not re.search(notice, vm.text()) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)   # room for a second notice, which would be a bug
    notices = re.findall(notice, vm.text())
    check(len(notices) == 1, f"want one 'domain {domid} broke its console ring' notice from dom0, got {len(notices)}")
    others_alive(cli, "iso_console_ring")
    return int(planted.group(1))


def console_flood(cli, marker_lines):
    """The flood; marker_lines are log lines from before it that must survive it."""
    image = "xtf-iso_console_flood"
    domid = create(cli, image, cmdline=f"bytes={FLOOD_BYTES}")
    others_alive(cli, "the start of the flood")   # dom0 answers while the flood runs
    check(wait_ended(cli, image) == "shutdown", "the flood did not end in a clean power-off")
    attempts, _ = verdict(cli, image, "iso_console_flood", FLOOD_BYTES // 4096 + 14)
    log = cli.run("dmesg", timeout=60 * TIMEOUT_SCALE)
    for line in marker_lines:
        check(line in log, f"the flood pushed '{line}' out of the hypervisor log")
    flood_lines = len(re.findall(rf"^\(d{domid}\) ", log, re.M))
    check(flood_lines <= FLOOD_LOGGED_MAX + 1, f"{flood_lines} flood lines in the log, want at most {FLOOD_LOGGED_MAX} + 1")
    notes = re.findall(rf"^\(d{domid}\) \[console_io over the log's rate limit", log, re.M)
    check(len(notes) == 1, f"want one rate-limit note for the flood in the log, got {len(notes)}")
    return attempts


def info_totals(cli):
    out = cli.run("info")
    got = {k: int(v) for k, v in re.findall(r"^(event_channels|grants)\s*: (\d+)", out, re.M)}
    check(len(got) == 2, f"info lacks event_channels/grants:\n{out}")
    return got


def settle(cli):
    """Waits until the autostarted hello has come and gone, so the baseline is stable."""
    deadline = time.monotonic() + 30 * TIMEOUT_SCALE
    while "hello" in domain_rows(cli.run("list")):
        check(time.monotonic() < deadline, "hello never went away")
        time.sleep(0.5)


def run_suite(vm, cli, paging, counted, targets, flood=True):
    settle(cli)
    baseline = info_totals(cli)
    victim = create(cli, GRANTER)
    said = ""
    deadline = time.monotonic() + END_TIMEOUT
    while not (granted := re.search(r"granted refs (\d+) (\d+) to dom0", said)):
        check(time.monotonic() < deadline, f"the victim never granted:\n{said[-600:]}")
        said = attach_and_read(cli, GRANTER, 0.3)
    victim_refs = {int(granted.group(1)), int(granted.group(2))}
    total = {}
    for test in counted:
        total[test], said = counted_attack(cli, test, f"victim={victim}" if test == "iso_grant_foreign" else "")
        if test == "iso_grant_foreign":
            # The victim's own grants (its console ring's too) were each hit, and refused every way.
            hits = {int(r): int(n) for r, n in
                    re.findall(rf"^iso: iso_grant_foreign: victim dom{victim} ref (\d+): (\d+) refusals", said, re.M)}
            check(victim_refs <= set(hits), f"iso_grant_foreign hit the victim's refs {sorted(hits)}, "
                  f"want {sorted(victim_refs)} among them")
            check(all(n == REFUSALS_PER_GRANT for n in hits.values()),
                  f"iso_grant_foreign: refusals per victim ref {hits}, want {REFUSALS_PER_GRANT} each")
    total["iso_pagetable"] = pagetable_attacks(cli, paging, targets)
    total["iso_console_ring"] = console_ring_attack(cli, vm)
    if flood:
        markers = [f"dom{victim} ({GRANTER}): created by dom0", f"(d{victim}) iso: iso_granter: dom{victim} granted refs"]
        total["iso_console_flood"] = console_flood(cli, markers)

    # Every attacker and the victim gone: ports and grants back to where they were.
    for name, row in domain_rows(cli.run("list")).items():
        if name.startswith(("xtf-iso_", "iso_pt_")):
            cli.run(f"destroy {row[0]}")
    check(info_totals(cli) == baseline, f"after the suite: {info_totals(cli)}, before: {baseline}")
    check(not PANIC.search(vm.text()), "the hypervisor panicked")
    rows = domain_rows(cli.run("list"))
    check(rows.get("counter", (0, 0, 0, ""))[3] in ALIVE, f"counter did not survive the suite: {rows}")
    print(f"  isolation ({paging}): {sum(total.values())} attempts: "
          + ", ".join(f"{k} {v}" for k, v in total.items()), flush=True)


def test_isolation_qemu_svm(case):
    with Qemu(case, make_esp(case, shipped_domains=True), smp=2, mem="1G", interactive=True) as vm:
        cli = Cli(vm, timeout=30 * TIMEOUT_SCALE)
        cli.wait_for(r"dom0: autostart counter: domain \d+", timeout=BOOT, fail_on=CRASHED)
        cli.wait_prompt()
        run_suite(vm, cli, "NPT", list(COUNTED), PAGETABLE_TARGETS)


def test_isolation_bochs_vmx(case):
    """A quick subset under Bochs (VMX with EPT): the CPU-facing attacks, where SVM and VMX differ."""
    esp = make_esp(case, shipped_domains=True, bochs=True)
    with Bochs(case, esp, model="corei7_haswell_4770", mem_mb=512, interactive=True) as vm:
        cli = Cli(vm, timeout=60 * TIMEOUT_SCALE)
        cli.wait_for(r"dom0: autostart counter: domain \d+", timeout=240 * TIMEOUT_SCALE, fail_on=CRASHED)
        cli.wait_prompt()
        run_suite(vm, cli, "EPT", ["iso_privileged_ops", "iso_grant_foreign", "iso_grant_reuse", "iso_port_io",
                                   "iso_msr"], ["ram_end", "apic", "high", "beyond"], flood=False)


test_isolation_bochs_vmx.lane = "bochs"
