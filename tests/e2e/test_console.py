"""test_console.py: console= moves the hypervisor's output to COM2, or silences it."""
from esp import make_esp
from harness import BOOT_FAILED, check
from qemu import EXIT_TEST_PASS, Qemu
from report import READY, parse_report


def test_console_com2(case):
    with Qemu(case, make_esp(case, options="console=com2 test_exit"), com2=True) as vm:
        vm.console2.wait_for(READY, fail_on=BOOT_FAILED)
        status = vm.wait_exit(30)
        com1 = vm.text()
        parse_report(vm.console2.text())
    check("boot report" not in com1, "the boot report also went to COM1")
    check(status == EXIT_TEST_PASS, f"QEMU exit status {status}, want {EXIT_TEST_PASS}")


def test_console_none(case):
    # Nothing to wait for on the serial port, so test_exit's status is the proof that it booted.
    with Qemu(case, make_esp(case, options="console=none test_exit"), com2=True) as vm:
        status = vm.wait_exit(60)
        output = vm.text() + vm.console2.text()
    check(status == EXIT_TEST_PASS, f"QEMU exit status {status}, want {EXIT_TEST_PASS}")
    check("boot report" not in output and "keel: ready" not in output, "console=none still printed the report")
