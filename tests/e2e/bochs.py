"""bochs.py: boots a FAT image under Bochs 2.7 (OVMF as its ROM), the emulated Intel VMX+EPT test bed."""
import socket

from harness import Console, Failure, kill, spawn
from serial_socket import SerialSocket

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
{com1}
log: {log}
panic: action=fatal
"""


# How long Bochs may take from its start to connecting COM1 (it does so while setting up devices).
CONNECT_TIMEOUT = 30


class Bochs(SerialSocket):
    """A context manager like qemu.Qemu. Bochs' exit status means nothing (1 for any shutdown,
    sometimes a segfault on teardown), so tests judge a run by its serial output alone.

    interactive: COM1 is also a TCP connection the test types into (send()), as with
        qemu.Qemu(interactive=True); its output still goes to the log file, so wait_for and
        cli.Cli work the same way.
    """

    def __init__(self, case, disk, model, cpus=1, mem_mb=512, tag="bochs", interactive=False):
        self.case = case
        self.serial_log = case.path(f"{tag}-com1.log")
        self.out_log = case.path(f"{tag}-stdout.log")
        self.bochs_log = case.path(f"{tag}.log")
        self.listener = None
        self.sock = None
        if interactive:
            # Bochs is the client (mode=socket-client): we listen first on a port the kernel
            # picks, so no other process can take it between choosing and binding, and Bochs'
            # connect() at start-up lands in our backlog before the guest prints anything.
            # (In socket-server mode Bochs would bind a port we guessed free a moment earlier.)
            self.listener = socket.create_server(("127.0.0.1", 0))
            self.listener.settimeout(CONNECT_TIMEOUT)
            com1 = f"com1: enabled=1, mode=socket-client, dev=127.0.0.1:{self.listener.getsockname()[1]}"
        else:
            com1 = f"com1: enabled=1, mode=file, dev={self.serial_log}"
        rc = case.path(f"{tag}.bochsrc")
        rc.write_text(BOCHSRC.format(model=model, cpus=cpus, mem_mb=mem_mb, ovmf=OVMF_FD, vga=VGA_ROM,
                                     disk=disk, com1=com1, log=self.bochs_log))
        # Debian's bochs-bin has the internal debugger, which stops at t=0 unless told to continue.
        cont = case.path(f"{tag}-continue.rc")
        cont.write_text("c\n")
        self.cmd = ["bochs-bin", "-q", "-f", str(rc), "-rc", str(cont)]
        self.proc = None

    def __enter__(self):
        for log in (self.serial_log, self.out_log, self.bochs_log):
            self.case.add_log(log)
        self.proc = spawn(self.cmd, self.out_log, cwd=self.case.dir)
        if self.listener:
            self.sock = self._accept()
            self.start_reader()
        self.console = Console(self.serial_log, self.proc, "Bochs")
        return self

    def __exit__(self, *exc):
        for sock in (self.sock, self.listener):
            if sock:
                sock.close()
        kill(self.proc)
        return False

    def _accept(self):
        try:
            sock, _ = self.listener.accept()
        except OSError:
            raise Failure(f"Bochs did not connect COM1 within {CONNECT_TIMEOUT} s "
                          f"(status {self.proc.poll()}); see {self.bochs_log.name}") from None
        self.listener.close()
        self.listener = None
        return sock

    def wait_for(self, pattern, **kw):
        return self.console.wait_for(pattern, **kw)

    def text(self):
        return self.console.text()
