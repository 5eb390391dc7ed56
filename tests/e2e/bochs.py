"""bochs.py: boots a FAT image under Bochs 2.7 (OVMF as its ROM), the emulated Intel VMX+EPT test bed."""
from harness import Console, kill, spawn

# Bochs loads at most a 2 MiB ROM image: the combined OVMF.fd fits, the 4M builds do not.
OVMF_FD = "/usr/share/ovmf/OVMF.fd"
VGA_ROM = "/usr/share/bochs/VGABIOS-lgpl-latest"

# Debian's Bochs has no 'nogui' display; rfb with timeout=0 starts without waiting for a viewer.
# reset_on_triple_fault=0: a triple fault stops the run instead of rebooting into OVMF again.
# clock sync=none: runs are deterministic (the emulated TSC counts instructions).
BOCHSRC = """\
display_library: rfb, options="timeout=0"
cpu: model={model}, count={cpus}, ips=50000000, reset_on_triple_fault=0, ignore_bad_msrs=1
memory: guest={mem_mb}, host={mem_mb}
romimage: file={ovmf}
vgaromimage: file={vga}
pci: enabled=1, chipset=i440fx
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=disk, path={disk}, mode=flat
boot: disk
clock: sync=none, time0=local
speaker: enabled=0
com1: enabled=1, mode=file, dev={serial}
log: {log}
panic: action=fatal
"""


class Bochs:
    """A context manager like qemu.Qemu. Bochs' exit status means nothing (1 for any shutdown,
    sometimes a segfault on teardown), so tests judge a run by its serial output alone."""

    def __init__(self, case, disk, model, cpus=1, mem_mb=512, tag="bochs"):
        self.case = case
        self.serial_log = case.path(f"{tag}-com1.log")
        self.out_log = case.path(f"{tag}-stdout.log")
        self.bochs_log = case.path(f"{tag}.log")
        rc = case.path(f"{tag}.bochsrc")
        rc.write_text(BOCHSRC.format(model=model, cpus=cpus, mem_mb=mem_mb, ovmf=OVMF_FD, vga=VGA_ROM,
                                     disk=disk, serial=self.serial_log, log=self.bochs_log))
        # Debian's bochs-bin has the internal debugger, which stops at t=0 unless told to continue.
        cont = case.path(f"{tag}-continue.rc")
        cont.write_text("c\n")
        self.cmd = ["bochs-bin", "-q", "-f", str(rc), "-rc", str(cont)]
        self.proc = None

    def __enter__(self):
        for log in (self.serial_log, self.out_log, self.bochs_log):
            self.case.add_log(log)
        self.proc = spawn(self.cmd, self.out_log, cwd=self.case.dir)
        self.console = Console(self.serial_log, self.proc, "Bochs")
        return self

    def __exit__(self, *exc):
        kill(self.proc)
        return False

    def wait_for(self, pattern, **kw):
        return self.console.wait_for(pattern, **kw)
