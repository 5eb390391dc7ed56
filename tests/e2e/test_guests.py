"""test_guests.py: boots hello and every XTF test guest together, once per platform, and checks each guest's outcome.

One image lists every guest in keel.cfg (`guest = \\keel\\guests\\NAME.elf ARGS`); the hypervisor
starts them at boot, one after another (the next once every vCPU is blocked or gone). Each
guest ends in one of these ways, read from the serial log:

  poweroff   `domN (NAME): shut down (poweroff)`, and for an XTF test `xtf: TEST: PASS`
  triple     `xtf: TEST: about to ... at rip R`, then `domN (NAME): crashed: triple fault at rip R`
  violation  `xtf: TEST: about to read gpa G at rip R ...`,
             then `domN (NAME): crashed: NPT violation: read of gpa G at rip R` (EPT under VMX)
  blocked    `xtf: TEST: about to halt`, nothing more from it while every guest listed after it
             runs to its end, then `domN (NAME): vCPU0 blocked in HLT, ...` in the final report

The run ends with `keel: boot guests done: N started, 0 failed to build`.
"""
import re
from dataclasses import dataclass

from bochs import Bochs
from esp import make_esp
from harness import BOOT_FAILED, TIMEOUT_SCALE, Failure, check
from qemu import Qemu

HELLO_ARGS = "greeting from keel.cfg"
QEMU_TIMEOUT = 150 * TIMEOUT_SCALE    # OVMF and the boot (5-8 s alone under TCG), then ten guests
BOCHS_TIMEOUT = 360 * TIMEOUT_SCALE   # OVMF alone takes 10-30 s under Bochs


@dataclass
class Guest:
    name: str          # the ELF's name without .elf; also the domain's name in the log
    outcome: str       # poweroff, triple, violation or blocked (see above)
    args: str = ""

    @property
    def test(self):
        """The XTF test name ('unknown_hypercall' for xtf-unknown_hypercall), or None for hello."""
        return self.name[4:] if self.name.startswith("xtf-") else None


# The order is keel.cfg's: the HLT guest comes early so that most guests start after it blocks.
GUESTS = [
    Guest("hello", "poweroff", HELLO_ARGS),
    Guest("xtf-hlt_nothing_pending", "blocked"),
    Guest("xtf-unknown_hypercall", "poweroff"),
    Guest("xtf-invalid_opcode", "triple"),
    Guest("xtf-console_bad_ptr", "poweroff"),
    Guest("xtf-mem_outside", "violation"),
    Guest("xtf-forbidden_wrmsr", "poweroff"),
    Guest("xtf-triple_fault", "triple"),
    Guest("xtf-port_io", "poweroff"),
    Guest("xtf-cpuid_leaves", "poweroff"),
    Guest("xtf-ud_monitor_mwait", "poweroff"),
    Guest("xtf-ud_xsetbv", "poweroff"),
    Guest("xtf-ud_virt_insns", "poweroff"),
    Guest("xtf-timer_sleep", "poweroff"),
    Guest("xtf-evtchn_self", "poweroff"),
    Guest("xtf-evtchn_bad", "poweroff"),
    Guest("xtf-grant_self", "poweroff"),
    Guest("xtf-grant_forged", "poweroff"),
]

HEX = r"(0x[0-9a-fA-F]+)"
# The hypervisor reports a vCPU that is still blocked once all boot guests are done.
BLOCKED = "vCPU0 blocked in HLT"
DONE = r"keel: boot guests done: (\d+) started, (\d+) failed to build"


def cfg_lines():
    return "\n".join(f"guest = \\keel\\guests\\{g.name}.elf {g.args}".rstrip() for g in GUESTS)


def guest_esp(case, bochs=False):
    esp = make_esp(case, cfg_append=cfg_lines(), bochs=bochs)
    missing = [g.name for g in GUESTS if not (case.path("esp") / "keel" / "guests" / f"{g.name}.elf").is_file()]
    check(not missing, f"build/esp/keel/guests/ lacks {', '.join(missing)}; run 'make esp'")
    return esp


def domain_events(text, name):
    """Every hypervisor line about domain 'name': [(domid, event, line start offset)]."""
    pattern = re.compile(rf"\bdom(\d+) \({re.escape(name)}\): (.*?)[ \t]*$", re.M)
    return [(int(m.group(1)), m.group(2), m.start()) for m in pattern.finditer(text)]


def ending(text, guest):
    """The domain's id and its one ending line's text ('shut down (poweroff)', 'crashed: ...', 'vCPU0 blocked in HLT')."""
    ends = [(domid, event, at) for domid, event, at in domain_events(text, guest.name)
            if event.startswith(("shut down", "crashed:", BLOCKED))]
    check(ends, f"{guest.name}: no 'domN ({guest.name}): shut down/crashed/blocked' line")
    check(len(ends) == 1, f"{guest.name}: ended more than once: {[e for _, e, _ in ends]}")
    return ends[0]


def guest_line(text, pattern, domid, what):
    """A line the guest printed (through console_io) matching pattern; checks a '(dN) ' prefix, if any, is its own."""
    match = re.search(rf"^(.*?){pattern}[ \t]*$", text, re.M)
    check(match, f"no line /{pattern}/ ({what})")
    prefix = re.search(r"\(d(\d+)\) $", match.group(1))
    if prefix:
        check(int(prefix.group(1)) == domid, f"/{pattern}/ came from d{prefix.group(1)}, want d{domid}")
    return match


def check_no_fail(text, guest):
    if guest.test:
        fail = re.search(rf"xtf: {re.escape(guest.test)}: FAIL.*$", text, re.M)
        check(not fail, fail.group(0) if fail else "")


def same_address(printed, reported, what):
    check(int(printed, 16) == int(reported, 16), f"{what}: the guest announced {printed}, the hypervisor says {reported}")


def check_guest(text, guest, paging):
    domid, event, _ = ending(text, guest)
    check_no_fail(text, guest)
    name = re.escape(guest.name)
    test = re.escape(guest.test or "")

    if guest.outcome == "poweroff":
        check(event == "shut down (poweroff)", f"{guest.name}: '{event}', want 'shut down (poweroff)'")
        if guest.test:
            guest_line(text, rf"xtf: {test}: PASS", domid, "the verdict")
            verdicts = re.findall(rf"xtf: {test}: (?:PASS|FAIL)", text)
            check(len(verdicts) == 1, f"{guest.name}: {len(verdicts)} verdict lines, want exactly 1")
        else:
            guest_line(text, rf"hello: this is dom{domid} '{name}', \d+ MiB, \d+ vCPUs?, ABI \d+\.\d+",
                       domid, "hello's greeting")
            guest_line(text, rf"hello: cmdline '{re.escape(guest.args)}'", domid, "hello's command line")

    elif guest.outcome == "triple":
        about = guest_line(text, rf"xtf: {test}: about to .* at rip {HEX}.*?", domid, "the announcement")
        crash = re.fullmatch(rf"crashed: triple fault at rip {HEX}", event)
        check(crash, f"{guest.name}: '{event}', want 'crashed: triple fault at rip 0x...'")
        same_address(about.group(2), crash.group(1), f"{guest.name} rip")

    elif guest.outcome == "violation":
        about = guest_line(text, rf"xtf: {test}: about to read gpa {HEX} at rip {HEX}.*?", domid, "the announcement")
        crash = re.fullmatch(rf"crashed: {paging} violation: read of gpa {HEX} at rip {HEX}", event)
        check(crash, f"{guest.name}: '{event}', want 'crashed: {paging} violation: read of gpa 0x... at rip 0x...'")
        same_address(about.group(2), crash.group(1), f"{guest.name} gpa")
        same_address(about.group(3), crash.group(2), f"{guest.name} rip")

    elif guest.outcome == "blocked":
        guest_line(text, rf"xtf: {test}: about to halt", domid, "the announcement")
        check(event.startswith(BLOCKED), f"{guest.name}: '{event}', want '{BLOCKED} ...'")

    else:
        raise Failure(f"unknown outcome {guest.outcome!r} for {guest.name}")


def check_later_guests_ran(text):
    """Every guest listed after a blocked one still reached its end: the blocked vCPU held no CPU."""
    for i, guest in enumerate(GUESTS):
        if guest.outcome != "blocked":
            continue
        later = [g.name for g in GUESTS[i + 1:]]
        ended = [g for g in later if any(e.startswith(("shut down", "crashed:")) for _, e, _ in domain_events(text, g))]
        check(ended == later, f"after {guest.name} blocked, {sorted(set(later) - set(ended))} never ended")


def run_guests(vm, paging, timeout):
    # Every guest's ending (whatever it is) first, so a wrong ending is reported as such, not as a timeout.
    for guest in GUESTS:
        vm.wait_for(rf"\bdom\d+ \({re.escape(guest.name)}\): (shut down|crashed:|{BLOCKED})",
                    timeout=timeout, fail_on=BOOT_FAILED)
    done = vm.wait_for(DONE, timeout=timeout, fail_on=BOOT_FAILED)
    text = vm.console.text()
    errors = []
    if (int(done.group(1)), int(done.group(2))) != (len(GUESTS), 0):
        errors.append(f"'{done.group(0)}', want {len(GUESTS)} started, 0 failed")
    for guest in GUESTS:
        try:
            check_guest(text, guest, paging)
        except Failure as failure:
            errors.append(str(failure))
    try:
        check_later_guests_ran(text)
    except Failure as failure:
        errors.append(str(failure))
    check(not errors, "; ".join(errors))


def qemu_guests(case, smp):
    with Qemu(case, guest_esp(case), smp=smp) as vm:
        run_guests(vm, "NPT", QEMU_TIMEOUT)


def bochs_guests(case, model):
    with Bochs(case, guest_esp(case, bochs=True), model=model) as vm:
        run_guests(vm, "EPT", BOCHS_TIMEOUT)


def test_guests_qemu_svm_smp1(case):
    qemu_guests(case, 1)


def test_guests_qemu_svm_smp4(case):
    qemu_guests(case, 4)


def test_guests_bochs_haswell_vmx(case):
    bochs_guests(case, "corei7_haswell_4770")


def test_guests_bochs_tigerlake_vmx(case):
    bochs_guests(case, "tigerlake")


test_guests_bochs_haswell_vmx.lane = "bochs"
test_guests_bochs_tigerlake_vmx.lane = "bochs"
