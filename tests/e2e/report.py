"""report.py: finds and parses the hypervisor's boot report in a serial log."""
import re
from dataclasses import dataclass

from harness import BOOT_FAILED, BOOT_TIMEOUT, Failure

READY = r"keel: ready"

# Lines may carry a log prefix (time stamp, CPU number), so every pattern is a search, not a match.
FIELDS = {
    "version": r"Keel (\d+\.\d+\.\d+\S*) boot report",
    "cpu": r"\bcpu {2,}(\S.*?)[ \t]*$",
    "virt": r"\bvirt {2,}(\S.*?)[ \t]*$",
    "cpus": r"\bcpus {2,}(\d+) online",
    "memory": r"\bmemory {2,}(\d+) MiB total, (\d+) MiB free",
    "boot": r"\bboot {2,}(\d+(?:\.\d+)?) ms from loader start",
}


@dataclass
class Report:
    version: str
    cpu: str
    virt: str
    cpus: int
    mem_total_mib: int
    mem_free_mib: int
    boot_ms: float
    text: str


def parse_report(text):
    start = re.search(FIELDS["version"], text)
    if not start:
        raise Failure("no 'Keel X.Y.Z boot report' line")
    body = text[start.start():]
    found = {}
    for name, pattern in FIELDS.items():
        match = re.search(pattern, body, re.M)
        if not match:
            raise Failure(f"boot report has no {name} line (/{pattern}/)")
        found[name] = match
    return Report(version=found["version"].group(1), cpu=found["cpu"].group(1),
                  virt=found["virt"].group(1), cpus=int(found["cpus"].group(1)),
                  mem_total_mib=int(found["memory"].group(1)), mem_free_mib=int(found["memory"].group(2)),
                  boot_ms=float(found["boot"].group(1)), text=body)


def wait_report(vm, timeout=BOOT_TIMEOUT):
    """Waits for 'keel: ready' (failing early on a loader error, exception or panic) and parses the report."""
    vm.wait_for(READY, timeout=timeout, fail_on=BOOT_FAILED)
    return parse_report(vm.console.text())
