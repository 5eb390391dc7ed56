"""test_exit.py: the ways a boot ends by itself: test_exit (status 33), ACPI power-off and reset."""
from esp import make_esp
from harness import check
from qemu import EXIT_TEST_PASS, Qemu
from report import wait_report


def boot_then_exit(case, options):
    with Qemu(case, make_esp(case, options=options)) as vm:
        wait_report(vm)
        return vm.wait_exit(30)


def test_test_exit_status_33(case):
    status = boot_then_exit(case, "test_exit")
    check(status == EXIT_TEST_PASS, f"QEMU exit status {status}, want {EXIT_TEST_PASS}")


def test_after_boot_poweroff(case):
    # An ACPI S5 power-off ends QEMU normally, with status 0.
    status = boot_then_exit(case, "after_boot=poweroff")
    check(status == 0, f"QEMU exit status {status} after power-off, want 0")


def test_after_boot_reboot(case):
    # With -no-reboot a reset ends QEMU (status 0) instead of starting OVMF again.
    status = boot_then_exit(case, "after_boot=reboot")
    check(status == 0, f"QEMU exit status {status} after reset, want 0")
