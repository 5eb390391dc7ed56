"""test_memory.py: the memory the boot report counts matches the RAM QEMU gives, below and above 4 GiB."""
from esp import make_esp
from harness import check
from qemu import Qemu
from report import wait_report


def check_memory(report, ram_mib):
    # Firmware, ACPI tables and MMIO holes take some RAM, but never more than a fifth of it.
    low, high = int(0.8 * ram_mib), ram_mib
    check(low <= report.mem_total_mib <= high,
          f"memory total {report.mem_total_mib} MiB for {ram_mib} MiB of RAM, want {low}..{high}")
    check(0 < report.mem_free_mib <= report.mem_total_mib,
          f"free {report.mem_free_mib} MiB vs total {report.mem_total_mib} MiB")


def test_memory_256m(case):
    with Qemu(case, make_esp(case), mem="256M") as vm:
        check_memory(wait_report(vm), 256)


def test_memory_6g_above_4g_counted(case):
    with Qemu(case, make_esp(case), mem="6G") as vm:
        report = wait_report(vm)
    check_memory(report, 6144)
    # q35 puts only 2 GiB below the PCI hole; anything over 4096 MiB proves RAM above 4 GiB is used.
    check(report.mem_total_mib > 4096, f"memory total {report.mem_total_mib} MiB: RAM above 4 GiB is missing")
