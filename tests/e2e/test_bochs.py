"""test_bochs.py: the same ESP boots under Bochs (OVMF, emulated Intel CPUs with VMX and EPT)."""
from bochs import Bochs
from esp import make_esp
from harness import TIMEOUT_SCALE, check
from report import wait_report

# OVMF alone takes 10-30 s under Bochs, more on a loaded machine.
BOCHS_TIMEOUT = 240 * TIMEOUT_SCALE


def bochs_boot(case, model):
    with Bochs(case, make_esp(case, bochs=True), model=model) as vm:
        report = wait_report(vm, timeout=BOCHS_TIMEOUT)
    check(report.virt.startswith("VMX present (EPT)"), f"virt line is {report.virt!r}, want 'VMX present (EPT)'")
    check(report.cpu.startswith("GenuineIntel"), f"cpu line is {report.cpu!r}, want an Intel CPU")
    check(report.cpus == 1, f"{report.cpus} CPUs online, want 1")


def test_bochs_haswell_vmx(case):
    bochs_boot(case, "corei7_haswell_4770")


def test_bochs_tigerlake_vmx(case):
    # Tiger Lake has a different VMCS revision (0x4 instead of 0x2b) than most models.
    bochs_boot(case, "tigerlake")


test_bochs_haswell_vmx.lane = "bochs"
test_bochs_tigerlake_vmx.lane = "bochs"
