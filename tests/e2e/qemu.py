"""qemu.py: boots a disk image under QEMU (q35, OVMF, TCG) for one test, serial captured to a log file."""
import shutil

from harness import Console, kill, spawn

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
# QEMU's isa-debug-exit turns a write of V to port 0xf4 into exit status (V << 1) | 1.
EXIT_TEST_PASS = (0x10 << 1) | 1     # 33: test_exit after the boot report
EXIT_TEST_PANIC = (0x11 << 1) | 1    # 35: a panic while test_exit is set


class Qemu:
    """A context manager: starts QEMU on enter, always kills it on exit.

    disk_device: "virtio" (virtio-blk-pci, like `make run`) or "usb" (a USB stick on xHCI).
    com2: also capture COM2, to a second log (console2).
    accel: "tcg" (one host thread per vCPU) or e.g. "tcg,thread=single" (all vCPUs on one).
    """

    def __init__(self, case, disk, smp=1, mem="512M", cpu="qemu64,+svm,+npt",
                 disk_device="virtio", com2=False, tag="qemu", accel="tcg"):
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
            "-serial", f"file:{self.serial_log}",
        ]
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
        self.console = Console(self.serial_log, self.proc, "QEMU")
        self.console2 = Console(self.com2_log, self.proc, "QEMU") if self.com2_log else None
        return self

    def __exit__(self, *exc):
        kill(self.proc)
        return False

    def wait_for(self, pattern, **kw):
        return self.console.wait_for(pattern, **kw)

    def wait_exit(self, timeout):
        return self.console.wait_exit(timeout)

    def text(self):
        return self.console.text()
