"""qemu.py: boots a disk image under QEMU (q35, OVMF, TCG) for one test, serial captured to a log file."""
import shutil
import socket
import time

from harness import Console, Failure, kill, spawn
from serial_socket import SerialSocket

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
# QEMU's isa-debug-exit turns a write of V to port 0xf4 into exit status (V << 1) | 1.
EXIT_TEST_PASS = (0x10 << 1) | 1     # 33: test_exit after the boot report
EXIT_TEST_PANIC = (0x11 << 1) | 1    # 35: a panic while test_exit is set


class Qemu(SerialSocket):
    """A context manager: starts QEMU on enter, always kills it on exit.

    disk_device: "virtio" (virtio-blk-pci, like `make run`) or "usb" (a USB stick on xHCI).
    com2: also capture COM2, to a second log (console2).
    accel: "tcg" (one host thread per vCPU) or e.g. "tcg,thread=single" (all vCPUs on one).
    interactive: COM1 is also a socket the test types into (send()); its output still goes
        to the log file, so wait_for works the same way.
    extra_disks: raw images attached after the boot disk as modern-only virtio-blk-pci devices
        (disable-legacy=on), in order; snapshot=on like the boot disk. An entry may also be
        (path, "device options"), e.g. "logical_block_size=4096,physical_block_size=4096".
    """

    def __init__(self, case, disk, smp=1, mem="512M", cpu="qemu64,+svm,+npt",
                 disk_device="virtio", com2=False, tag="qemu", accel="tcg", interactive=False,
                 extra_disks=()):
        self.case = case
        self.serial_log = case.path(f"{tag}-com1.log")
        self.com2_log = case.path(f"{tag}-com2.log") if com2 else None
        self.out_log = case.path(f"{tag}-stdout.log")
        vars_copy = case.path(f"{tag}-OVMF_VARS.fd")
        # A fresh variable store each boot, so earlier boots' entries never change what boots.
        shutil.copyfile(OVMF_VARS, vars_copy)
        self.cmd = [
            "qemu-system-x86_64", "-machine", "q35", "-accel", accel, "-cpu", cpu,
            "-smp", str(smp), "-m", mem,
            "-nodefaults", "-display", "none", "-vga", "none", "-no-reboot",
            "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
            "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}",
            # snapshot=on: the guest may write, but the image on disk stays as built.
            "-drive", f"if=none,id=boot,format=raw,snapshot=on,file={disk}",
            *self._disk_device(disk_device),
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        ]
        for n, entry in enumerate(extra_disks):
            path, options = entry if isinstance(entry, tuple) else (entry, "")
            self.cmd += ["-drive", f"if=none,id=extra{n},format=raw,snapshot=on,file={path}",
                         "-device", f"virtio-blk-pci,drive=extra{n},disable-legacy=on" + (f",{options}" if options else "")]
        self.socket_path = case.path(f"{tag}-com1.sock") if interactive else None
        self.sock = None
        if interactive:
            # wait=on: QEMU does not start the machine before the test has connected, so
            # nothing typed or printed is lost. The output is logged by our reader, not with
            # QEMU's logfile=, which logs a byte again each time a socket write is retried.
            self.cmd += ["-chardev", f"socket,id=com1,path={self.socket_path},server=on,wait=on",
                         "-serial", "chardev:com1"]
        else:
            self.cmd += ["-serial", f"file:{self.serial_log}"]
        if com2:
            self.cmd += ["-serial", f"file:{self.com2_log}"]
        self.proc = None

    @staticmethod
    def _disk_device(kind):
        if kind == "usb":
            return ["-device", "qemu-xhci,id=xhci", "-device", "usb-storage,bus=xhci.0,drive=boot"]
        return ["-device", "virtio-blk-pci,drive=boot"]

    def __enter__(self):
        self.case.add_log(self.serial_log)
        self.case.add_log(self.out_log)
        if self.com2_log:
            self.case.add_log(self.com2_log)
        self.proc = spawn(self.cmd, self.out_log)
        if self.socket_path:
            self.sock = self._connect()
            self.start_reader()
        self.console = Console(self.serial_log, self.proc, "QEMU")
        self.console2 = Console(self.com2_log, self.proc, "QEMU") if self.com2_log else None
        return self

    def __exit__(self, *exc):
        if self.sock:
            self.sock.close()
        kill(self.proc)
        return False

    def _connect(self, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(str(self.socket_path))
                return sock
            except OSError:
                sock.close()
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise Failure(f"cannot connect to QEMU's serial socket {self.socket_path}") from None
                time.sleep(0.05)

    def wait_for(self, pattern, **kw):
        return self.console.wait_for(pattern, **kw)

    def wait_exit(self, timeout):
        return self.console.wait_exit(timeout)

    def text(self):
        return self.console.text()
