#!/usr/bin/env python3
"""make_corpus.py: writes the hand-made seed corpora of tests/fuzz/corpus/NAME/ (run it after changing a seed here)."""
import os
import struct
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- ELF: a header, program headers, then the payload ----

PT_LOAD, PT_GNU_STACK = 1, 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4


def elf(entry, segments, memory_mib=2, extra_pages=0, payload=b"\xf4" * 0x100):
    """segments: (type, flags, vaddr, filesz, memsz); file offsets follow the payload."""
    phoff = 64
    data_off = phoff + 56 * len(segments)
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    eh = ident + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, entry, phoff, 0, extra_pages,
                             64, 56, len(segments), 64, memory_mib - 1, 0)
    ph = b""
    off = data_off
    for ptype, flags, vaddr, filesz, memsz in segments:
        ph += struct.pack("<IIQQQQQQ", ptype, flags, off, vaddr, vaddr, filesz, memsz, 0x1000)
        off += filesz
    body = b"".join(payload[:s[3]].ljust(s[3], b"\0") for s in segments)
    return eh + ph + body


def elf_seeds():
    write("elf", "guest-one-segment", elf(0x100000, [(PT_LOAD, PF_R | PF_X, 0x100000, 0x40, 0x2000)]))
    write("elf", "guest-text-data-stack", elf(0x100010, [
        (PT_LOAD, PF_R | PF_X, 0x100000, 0x80, 0x1000),
        (PT_GNU_STACK, PF_R | PF_W, 0, 0, 0),
        (PT_LOAD, PF_R | PF_W, 0x101000, 0x20, 0x3000)], extra_pages=3))
    write("elf", "guest-memory-full", elf(0x1000, [(PT_LOAD, PF_R | PF_X | PF_W, 0x1000, 0x10, 0xF0000)],
                                          memory_mib=1))
    top = 0xFFFFFFFF80000000
    write("elf", "hypervisor-high-half", elf(top + 0x10, [
        (PT_LOAD, PF_R | PF_X, top, 0x40, 0x1000),
        (PT_LOAD, PF_R | PF_W, top + 0x1000, 0x10, 0x1000)]))
    write("elf", "overlapping-segments", elf(0x100000, [
        (PT_LOAD, PF_R | PF_X, 0x100000, 0x10, 0x2000),
        (PT_LOAD, PF_R | PF_W, 0x101000, 0x10, 0x1000)]))


# ---- keel.cfg ----

def cfg_seeds():
    write("cfg", "shipped-like", "# keel.cfg\nhypervisor = \\keel\\keel.elf\ncmdline = console=com1 loglevel=info\n"
          "dom0 = \\keel\\dom0.elf\nmodule_dir = \\keel\\guests\nmodule_dir = \\keel\\domains\n"
          "autostart = hello counter\n")
    write("cfg", "modules-args-quotes", "guest = /keel/guests/a.elf  arg one \t\r\n"
          "module = \\x \"quoted # kept\"\r\n"
          "cmdline = \"  spaced  \"   # comment\nmodule = \\y a#b\n")
    write("cfg", "errors", "hypervisor = keel.elf\nbad key = 1\n")
    write("cfg", "dirs-and-dupes", "module_dir = \\KEEL\\g\\\\\nmodule_dir = \\keel\\G\nautostart = a b a\n")
    write("cfg", "self-module", "dom0 = \\keel\\dom0.elf\nmodule = \\keel\\KEEL.CFG\n")


# ---- domain configs: the file, then NUL-separated overrides ----

def domcfg_seeds():
    write("domcfg", "hello", "name = hello\nkernel = hello\nmemory = 16\nvcpus = 1\n"
          "cmdline = \"greeting from hello.cfg\"\non_poweroff = destroy\n")
    write("domcfg", "everything", "name = web-1.a\nkernel = /keel/guests/web.elf\nmemory = 512K\nvcpus = 16\n"
          "on_crash = preserve\non_reboot = destroy\ndisk = part:ROOT,ro\n"
          "\0memory=1G\0vcpus=2\0cmdline= a # b\0disk=part:DATA\0name=c2")
    # 'disk=p' made set_disk measure a label past the end of the override word (fixed).
    write("domcfg", "regression-disk-short-override",
          "name = x\nkernel = x\n\0disk=p\0memory=0x1000\0vcpus=017\0=1\0nokey")
    write("domcfg", "bad-file", "name = x\nname = y\nmemory = 4097K\n")


# ---- the CLI: a CPU-count byte, then keystrokes ----

def cli_seeds():
    esc = "\x1b"
    write("cli", "commands", "\x04list\rcreate counter name=c2 \"cmdline=a b\"\r\npin c2 0 0-2,3\n"
          "weight c2 0x100\rpin c2 all all\r")
    write("cli", "editing", "\x02hello" + esc + "[D" + esc + "[D\x7fX" + esc + "[3~" + esc + "[H>" + esc + "[F<"
          + esc + "OD\x01\x05\x15again\r" + esc + "[A" + esc + "[A" + esc + "[B!\r\x03")
    write("cli", "long-line", "\x40" + "9" * 300 + "\r" + "\"" * 3 + " 18446744073709551616 0x\r")
    write("cli", "escapes", "\x08" + esc + "[99999999D" + esc + "x" + esc + "[1;5C" + esc + "\x03" + esc + "[7~\b\r")


# ---- ACPI: flags, RSDP revision, RSDP length byte, then (u16 length, bytes) chunks: AML, tables ----

def sdt(sig, body):
    """A table header (checksum left 0: the harness fixes it unless told not to) and its body."""
    return sig.encode() + struct.pack("<IBB6s8sIII", 36 + len(body), 1, 0, b"KEELFZ", b"FUZZTBL ", 1, 0, 0) + body


def madt():
    entries = struct.pack("<BBBBI", 0, 8, 0, 0, 1) + struct.pack("<BBBBI", 0, 8, 1, 1, 1)
    entries += struct.pack("<BBBBI", 0, 8, 2, 2, 0) + struct.pack("<BBBBI", 0, 8, 3, 3, 2)
    entries += struct.pack("<BBBBI", 0, 8, 4, 0xFF, 1)                        # broadcast id
    entries += struct.pack("<BBBBII", 1, 12, 0, 0, 0xFEC00000, 0)             # IOAPIC
    entries += struct.pack("<BBBBIH", 2, 10, 0, 0, 2, 0)                      # IRQ 0 -> GSI 2
    entries += struct.pack("<BBBBIH", 2, 10, 0, 9, 9, 0xD)                    # IRQ 9 level, high
    entries += struct.pack("<BBHQ", 5, 12, 0, 0xFEE00000)                     # LAPIC override
    entries += struct.pack("<BBHIII", 9, 16, 0, 300, 1, 5)                    # x2APIC
    entries += struct.pack("<BB", 4, 1)                                        # bad length
    return sdt("APIC", struct.pack("<II", 0xFEE00000, 1) + entries)


def gas(space, width, access, addr):
    return struct.pack("<BBBBQ", space, width, 0, access, addr)


def fadt(hw_reduced=False):
    b = bytearray(276 - 36)
    def put(off, fmt, *v):
        struct.pack_into(fmt, b, off - 36, *v)
    put(40, "<I", 0x12345)            # DSDT: the harness points it at the AML
    put(46, "<HIB", 9, 0xB2, 0xF1)    # SCI, SMI_CMD, ACPI_ENABLE
    put(64, "<I", 0x604)              # PM1a_CNT_BLK
    put(76, "<I", 0x608)              # PM_TMR_BLK
    put(89, "<BBB", 2, 0, 4)          # PM1_CNT_LEN, PM2_CNT_LEN, PM_TMR_LEN
    put(108, "<B", 0x32)              # century
    put(112, "<I", (1 << 8) | (1 << 10) | ((1 << 20) if hw_reduced else 0))
    b[116 - 36:128 - 36] = gas(1, 8, 1, 0xCF9)
    put(128, "<B", 6)
    put(140, "<Q", 0x12345)           # X_DSDT
    b[172 - 36:184 - 36] = gas(1, 16, 2, 0x604)
    b[208 - 36:220 - 36] = gas(1, 32, 3, 0x608)
    b[244 - 36:256 - 36] = gas(0, 8, 1, 0xFED00000)
    return sdt("FACP", bytes(b))


def mcfg():
    body = bytes(8) + struct.pack("<QHBBI", 0xB0000000, 0, 0, 255, 0)
    body += struct.pack("<QHBBI", 0xB0000001, 1, 0, 255, 0)                   # misaligned
    body += struct.pack("<QHBBI", 0xC0000000, 2, 8, 4, 0)                     # backwards
    return sdt("MCFG", body)


def chunks(*parts):
    return b"".join(struct.pack("<H", len(p)) + p for p in parts)


S5_PACKAGE = b"\x10\x0f\\_SB_" + b"\x08_S5_\x12\x08\x04\x0a\x05\x0a\x05\x00\x00"
S5_LEGACY = b"\x08\\_S5_\x12\x04\x01\x0b\x07\x05"


def acpi_seeds():
    write("acpi", "xsdt-madt-fadt-mcfg", bytes([0, 2, 0]) + chunks(S5_PACKAGE, madt(), fadt(), mcfg(),
                                                                     sdt("HPET", bytes(20))))
    write("acpi", "rsdt-legacy-s5", bytes([0x02 | 0x04, 0, 0]) + chunks(S5_LEGACY, fadt(), madt()))
    write("acpi", "hw-reduced", bytes([0x10, 2, 3]) + chunks(b"_S5_\x12", fadt(hw_reduced=True)))
    write("acpi", "bad-checksums", bytes([0x01, 2, 0]) + chunks(b"", madt(), fadt(), mcfg()))


# ---- io/ring.h: side, u16 size, notify triple, then operations ----
# Backend ops: 0 scribble(what, u32), 1 nudge(step), 2 poll, 3 take, 4 respond+push, 5 final check.
# Frontend ops: 0 scribble, 1 nudge, 2 request+push, 3 poll, 4 take, 5 final check(u32).

def ring_seeds():
    notify = struct.pack("<IHH", 0xFFFFFFF0, 0x20, 0x8005)
    back = bytes([1]) + struct.pack("<H", 4096 - 64) + notify
    back += bytes([1, 3, 2, 3, 4, 4, 4, 5, 1, 7, 2, 3, 4, 4, 4, 4, 4, 4, 4, 5])
    back += bytes([0, 0]) + struct.pack("<I", 0xFFFFFFFF) + bytes([2, 3])
    write("ring", "backend-serves-then-hostile-prod", back)
    front = bytes([0]) + struct.pack("<H", 40) + notify             # a one-entry ring
    front += bytes([2, 2, 1, 1, 3, 4, 2, 5]) + struct.pack("<I", 3) + bytes([1, 1, 3])
    write("ring", "frontend-one-entry-ring", front)
    front = bytes([0]) + struct.pack("<H", 8192) + notify
    front += bytes([2] * 20 + [1, 5, 3, 4, 0, 1]) + struct.pack("<I", 0x80000000) + bytes([3, 4, 2])
    write("ring", "frontend-many-then-rsp-jump", front)


def main():
    elf_seeds()
    cfg_seeds()
    domcfg_seeds()
    cli_seeds()
    acpi_seeds()
    ring_seeds()
    return 0


if __name__ == "__main__":
    sys.exit(main())
