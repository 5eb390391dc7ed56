"""test_faults.py: a forced CPU exception gives a register dump, a backtrace and a panic, then exit status 35."""
import re

from esp import make_esp
from harness import check
from qemu import EXIT_TEST_PANIC, Qemu
from report import READY


def check_fault(case, fault, vector):
    # test_exit makes the panic end QEMU with a status we can check, instead of halting forever.
    with Qemu(case, make_esp(case, options=f"debug_fault={fault} test_exit")) as vm:
        vm.wait_for(READY, fail_on=r"keel-boot: error:")
        vm.wait_for(r"panic:", fail_on=r"UEFI Interactive Shell")
        status = vm.wait_exit(30)
        text = vm.text()
    dump = text[text.index(READY):]
    check(f"EXCEPTION #{vector}" in dump, f"no 'EXCEPTION #{vector}' after '{READY}'")
    for register in ("RAX", "RIP"):
        check(re.search(rf"\b{register}=0x[0-9a-fA-F]+", dump), f"register dump lacks {register}=0x...")
    check("backtrace:" in dump, "no 'backtrace:' line")
    check(dump.index(f"EXCEPTION #{vector}") < dump.index("panic:"), "panic: came before the exception report")
    check(status == EXIT_TEST_PANIC, f"QEMU exit status {status}, want {EXIT_TEST_PANIC} (panic with test_exit)")


def test_fault_ud_panics(case):
    check_fault(case, "ud", "UD")


def test_fault_gp_panics(case):
    check_fault(case, "gp", "GP")
