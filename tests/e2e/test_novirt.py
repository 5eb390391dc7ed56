"""test_novirt.py: a CPU without usable VMX or SVM gets one clear line, no guest, and a clean stop."""
from bochs import Bochs
from esp import make_esp
from harness import TIMEOUT_SCALE, check
from qemu import EXIT_TEST_PASS, Qemu
from report import wait_report


def test_no_svm_no_vmx_stops_cleanly(case):
    # QEMU's qemu64 model has SVM unless told otherwise.
    with Qemu(case, make_esp(case, options="test_exit", shipped_domains=True), cpu="qemu64,-svm") as vm:
        report = wait_report(vm)
        check(report.virt == "none", f"virt line is {report.virt!r}, want 'none'")
        vm.wait_for(r"keel: this CPU has neither VMX nor SVM; no guest can run")
        vm.wait_for(r"keel: 1 boot domain\(s\) not started: no usable virtualization")
        status = vm.wait_exit(30)
    check(status == EXIT_TEST_PASS, f"QEMU exit status {status}, want {EXIT_TEST_PASS} (a clean stop)")
    check("(d1)" not in vm.text(), "a guest ran without virtualization")


def test_svm_without_npt_is_refused(case):
    with Qemu(case, make_esp(case, options="test_exit", shipped_domains=True), cpu="qemu64,+svm,-npt") as vm:
        report = wait_report(vm)
        check(report.virt == "SVM present (no NPT)", f"virt line is {report.virt!r}")
        vm.wait_for(r"keel: SVM is present but cannot be used")
        vm.wait_for(r"keel: 1 boot domain\(s\) not started: no usable virtualization")
        status = vm.wait_exit(30)
    check(status == EXIT_TEST_PASS, f"QEMU exit status {status}, want {EXIT_TEST_PASS} (a clean stop)")


def test_vmx_without_ept_is_refused(case):
    # Core 2 (Penryn) has VMX but no EPT, which Keel requires.
    with Bochs(case, make_esp(case, options="test_exit", bochs=True, shipped_domains=True), model="core2_penryn_t9600") as vm:
        wait_report(vm, timeout=240 * TIMEOUT_SCALE)
        vm.wait_for(r"vmx: EPT is not offered", timeout=60)
        vm.wait_for(r"keel: VMX is present but cannot be used", timeout=60)
        vm.wait_for(r"keel: 1 boot domain\(s\) not started", timeout=60)


test_vmx_without_ept_is_refused.lane = "bochs"
