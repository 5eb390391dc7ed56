"""test_dom0_bochs.py: the operator's session under Bochs (Intel VMX with EPT): a short CLI scenario over COM1.

test_dom0.py runs the whole scenario under QEMU (AMD SVM); this boots the same shipped keel.cfg
under Bochs and drives the commands whose path differs between the backends: typed input
reaching dom0, a domain built and destroyed at run time (EPT tables), a guest's console, and a
refused command. Bochs' OVMF hands over no ACPI tables, so there is one CPU and no IOAPIC: dom0
says BIND_IRQ failed and polls the UART while idle, which this scenario covers too.
"""
import re

from bochs import Bochs
from cli import Cli
from esp import make_esp
from harness import TIMEOUT_SCALE, check
from test_dom0 import CRASHED, created_id, domain_rows

# Measured on an idle 2-core machine: dom0's prompt and the autostarted counter 16 s after Bochs
# starts (OVMF is most of it), the commands below 2 s more. The bounds leave room for a loaded
# machine, where Bochs runs at a third of that speed or less.
BOOT = 240 * TIMEOUT_SCALE
COMMAND = 60 * TIMEOUT_SCALE


def test_dom0_bochs_vmx_cli(case):
    """dom0's prompt under VMX: info, list, create, console and typing, detach, destroy, a bad command."""
    esp = make_esp(case, shipped_domains=True, bochs=True)
    with Bochs(case, esp, model="corei7_haswell_4770", mem_mb=512, interactive=True) as vm:
        cli = Cli(vm, timeout=COMMAND)
        cli.wait_for(r"keel dom0: \S+, \d+ boot modules", timeout=BOOT, fail_on=CRASHED)
        cli.wait_for(r"dom0: autostart counter: domain \d+", timeout=BOOT, fail_on=CRASHED)
        cli.wait_prompt()

        info = cli.run("info")
        check(re.search(r"^virtualization\s*: VMX with EPT", info, re.M), f"info:\n{info}")
        rows = domain_rows(cli.run("list"))
        check("dom0" in rows and rows["dom0"][0] == 0, f"list has no dom0 row: {rows}")
        check("counter" in rows and rows["counter"][3] in ("running", "blocked"), f"counter is not running: {rows}")

        c2 = created_id(cli.run("create counter name=c2"), "c2")
        check("c2" in domain_rows(cli.run("list")), "c2 is not listed after create")

        vm.send("console c2\r")
        cli.wait_for(r"connected to domain \d+ \(c2\); Ctrl-\] returns to the prompt")
        cli.wait_for(r"counter: \d+")
        vm.send("ping over vmx\r")
        cli.wait_for(r"counter: got 'ping over vmx'")
        vm.send("\x1d")
        cli.wait_prompt()

        check(re.search(rf"^domain {c2} destroyed", cli.run("destroy c2"), re.M), "destroy did not report")
        cli.expect_error("destroy nosuch", r"no domain 'nosuch'")
        rows = domain_rows(cli.run("list"))
        check("c2" not in rows and "counter" in rows, f"after destroy c2: {rows}")


test_dom0_bochs_vmx_cli.lane = "bochs"
