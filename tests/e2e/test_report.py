"""test_report.py: the boot report under QEMU: its fields, CPUs brought online, and the smp= cap."""
from esp import make_esp
from harness import check
from qemu import Qemu
from report import wait_report


def boot_report(case, smp, mem="512M", options=""):
    with Qemu(case, make_esp(case, options=options), smp=smp, mem=mem) as vm:
        return wait_report(vm)


def test_report_fields_smp4_2g(case):
    report = boot_report(case, smp=4, mem="2G")
    check(report.version == "0.1.0", f"version is {report.version!r}, want '0.1.0'")
    check("QEMU" in report.cpu or "AuthenticAMD" in report.cpu, f"cpu line names neither QEMU nor AMD: {report.cpu!r}")
    # -cpu qemu64,+svm,+npt offers SVM with nested paging, so the hypervisor must find both.
    check(report.virt.startswith("SVM present (NPT)"), f"virt line is {report.virt!r}, want 'SVM present (NPT)'")
    check(report.cpus == 4, f"{report.cpus} CPUs online, want 4")
    check(0 < report.boot_ms < 600_000, f"boot time {report.boot_ms} ms is not a sane positive number")
    check(0.8 * 2048 <= report.mem_total_mib <= 2048, f"memory total {report.mem_total_mib} MiB for 2 GiB of RAM")
    check(0 < report.mem_free_mib <= report.mem_total_mib,
          f"free {report.mem_free_mib} MiB vs total {report.mem_total_mib} MiB")


def test_smp_1_cpu_online(case):
    report = boot_report(case, smp=1)
    check(report.cpus == 1, f"{report.cpus} CPUs online, want 1")


def test_smp_2_cpus_online(case):
    report = boot_report(case, smp=2)
    check(report.cpus == 2, f"{report.cpus} CPUs online, want 2")


def test_cmdline_smp_caps_cpus(case):
    report = boot_report(case, smp=4, options="smp=2")
    check(report.cpus == 2, f"smp=2 with 4 CPUs present: {report.cpus} online, want 2")
