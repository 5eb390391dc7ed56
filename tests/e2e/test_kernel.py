"""test_kernel.py: dom0 is the test controller (guests/testctl), which builds its own domains and prints one verdict per scenario.

keel.cfg gets `dom0 = \\keel\\guests\\testctl.elf SCENARIO...` and one `module =` line per tc-*.elf
guest image; the hypervisor builds testctl as domain 0 with those images in its memory. For each
scenario the controller prints `testctl: NAME: PASS` or `testctl: NAME: FAIL reasons`, then
`testctl: done: N passed, M failed`, and powers off. One boot runs every scenario.
"""
import re

from bochs import Bochs
from esp import ESP_DIR, make_esp
from harness import BOOT_FAILED, TIMEOUT_SCALE, check
from qemu import Qemu

# Every scenario the controller knows; the Bochs run takes the quick ones only.
SCENARIOS = ["domu_domctl", "lifecycle", "leak_1000", "vcpus_4", "scrub", "sched_fair", "sched_weight", "sched_pin",
             "fpu_exact", "grant_pair", "grant_orphan", "console", "physdev_ports", "physdev_bind"]
# The 100,000-event ping-pong, on 2 and on 4 CPUs under QEMU's multi-threaded TCG. On 4 it
# once crashed at the host's RIP right after VMRUN: QEMU 7.2 races on the boot CPU's flags
# (arch/x86_64/emulator_quirks.c), so under TCG the boot CPU runs no guests.
PINGPONG = ["pingpong"]
BOCHS_SCENARIOS = ["domu_domctl", "lifecycle", "physdev_ports"]
QEMU_TIMEOUT = 300 * TIMEOUT_SCALE    # OVMF and the boot, then 1,000 build cycles and a few guests
BOCHS_TIMEOUT = 600 * TIMEOUT_SCALE   # OVMF alone takes 10-30 s under Bochs

VERDICT = r"^(?:\(d0\) )?testctl: (\S+): (PASS|FAIL.*?)[ \t]*$"
DONE = r"testctl: done: (\d+) passed, (\d+) failed"


def controller_esp(case, scenarios, bochs=False):
    guests = ESP_DIR / "keel" / "guests"
    images = sorted(p.stem for p in guests.glob("tc-*.elf"))
    check((guests / "testctl.elf").is_file() and images,
          f"{guests} lacks testctl.elf or tc-*.elf; run 'make esp'")
    lines = [f"dom0 = \\keel\\guests\\testctl.elf {' '.join(scenarios)}"]
    lines += [f"module = \\keel\\guests\\{name}.elf" for name in images]
    return make_esp(case, bochs=bochs, cfg_append="\n".join(lines))


def run_controller(vm, scenarios, timeout):
    vm.wait_for(r"dom0 \(dom0\): started", timeout=timeout, fail_on=BOOT_FAILED)
    done = vm.wait_for(DONE, timeout=timeout, fail_on=BOOT_FAILED + r"|dom0 \(dom0\): crashed")
    text = vm.console.text()
    verdicts = re.findall(VERDICT, text, re.M)
    errors = []
    for name in scenarios:
        mine = [v for n, v in verdicts if n == name]
        if len(mine) != 1:
            errors.append(f"{name}: {len(mine)} verdict lines, want 1")
        elif mine[0] != "PASS":
            errors.append(f"{name}: {mine[0]}")
    extra = sorted({n for n, _ in verdicts} - set(scenarios))
    if extra:
        errors.append(f"verdicts for scenarios nobody asked for: {extra}")
    if (int(done.group(1)), int(done.group(2))) != (len(scenarios), 0):
        errors.append(f"'{done.group(0)}', want {len(scenarios)} passed, 0 failed")
    check(not errors, "; ".join(errors))
    vm.wait_for(r"dom0 \(dom0\): shut down \(poweroff\)", timeout=30, fail_on=BOOT_FAILED)


def test_kernel_qemu_svm_smp4(case):
    with Qemu(case, controller_esp(case, SCENARIOS), smp=4) as vm:
        run_controller(vm, SCENARIOS, QEMU_TIMEOUT)


def test_kernel_qemu_svm_smp2_pingpong(case):
    with Qemu(case, controller_esp(case, PINGPONG), smp=2) as vm:
        run_controller(vm, PINGPONG, QEMU_TIMEOUT)
    rate = re.search(r"testctl: pingpong: (\d+) round trips in (\d+) ms", vm.text())
    check(rate is not None, "no ping-pong timing line")


def test_kernel_qemu_svm_smp4_pingpong(case):
    with Qemu(case, controller_esp(case, PINGPONG), smp=4) as vm:
        run_controller(vm, PINGPONG, QEMU_TIMEOUT)
        check(re.search(r"^sched: guests run on CPUs 0xe of 4: QEMU TCG", vm.console.text(), re.M),
              "under TCG the boot CPU must be kept from guests (arch/x86_64/emulator_quirks.c)")


def test_kernel_qemu_svm_physdev_irq(case):
    """dom0 claims COM1 and takes its interrupt as an event. From the claim on the hypervisor's log
    stays in its ring, so the scenario writes its verdict to COM1 itself and nothing after it reaches
    the serial line: the verdict is the end of the run."""
    with Qemu(case, controller_esp(case, ["physdev_irq"]), smp=2) as vm:
        vm.wait_for(r"dom0 \(dom0\): started", timeout=QEMU_TIMEOUT, fail_on=BOOT_FAILED)
        verdict = vm.wait_for(r"testctl: physdev_irq: (PASS|FAIL.*)", timeout=QEMU_TIMEOUT,
                              fail_on=BOOT_FAILED + r"|dom0 \(dom0\): crashed")
        check(verdict.group(1).strip() == "PASS", verdict.group(0))
        lines = re.findall(VERDICT, vm.console.text(), re.M)
        check(lines == [("physdev_irq", "PASS")], f"verdict lines {lines}, want exactly one (the log must be quiet after the claim)")


def test_kernel_bochs_vmx(case):
    with Bochs(case, controller_esp(case, BOCHS_SCENARIOS, bochs=True), model="corei7_haswell_4770") as vm:
        run_controller(vm, BOCHS_SCENARIOS, BOCHS_TIMEOUT)


test_kernel_bochs_vmx.lane = "bochs"


test_kernel_qemu_svm_smp4.lane = "alone"
test_kernel_qemu_svm_smp2_pingpong.lane = "alone"
test_kernel_qemu_svm_smp4_pingpong.lane = "alone"
test_kernel_qemu_svm_physdev_irq.lane = "alone"
