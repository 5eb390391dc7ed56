"""test_block4k.py: the split block driver on a disk with 4096-byte logical sectors (issue 6).

tools/mkgpt.py writes a small GPT image whose LBAs count 4096-byte sectors (sgdisk would
assume 512), QEMU shows it with logical_block_size=4096, and dom0 must find its partitions,
serve them to disktest guests (in 512-byte protocol sectors, 4096-byte aligned: io/blkif.h
B1) and refuse what does not fit. The 512-byte output of the same tool is checked by sgdisk.
"""
import re
import subprocess
import sys

from cli import Cli
from esp import make_esp
from harness import ROOT, check
from qemu import Qemu
from test_dom0 import BOOT, CRASHED, block_rows, created_id, dumped_sector, wait_console

MKGPT = [sys.executable, str(ROOT / "tools/mkgpt.py")]
BLOCK_4K = "logical_block_size=4096,physical_block_size=4096"
# 8 MiB of 4096-byte sectors; partitions 1 MiB-aligned: d4k at LBA 256, r4k at LBA 512.
LAYOUT = ["d4k:1M", "r4k:512K"]
D4K_START, D4K_SECTORS = 256 * 8, 2048        # in 512-byte sectors, as dom0 shows them
R4K_START = 512 * 8
PROBES_4K = 4                                 # disktest probe=1 on a 4096-byte disk
MASK = (1 << 64) - 1


def mkgpt(*args):
    return subprocess.run([*MKGPT, *map(str, args)], check=True, capture_output=True, text=True).stdout


def mix(x):
    """disktest's splitmix64 finaliser, to predict what it wrote."""
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def pattern_sector(seed, sector):
    """The 512 bytes disktest writes at its disk's 512-byte sector 'sector'."""
    base = mix(seed ^ 0x9E3779B97F4A7C15)
    return b"".join(((mix((base + sector * 64 + w) & MASK)).to_bytes(8, "little")) for w in range(64))


def test_block4k_mkgpt_images_parse_back(case):
    """The 512-byte image passes `sgdisk --verify` and lists what was asked; the 4096-byte one
    parses back with its LBAs in 4096-byte sectors and nothing at byte 512."""
    img512 = case.path("gpt512.img")
    mkgpt("--size", "8M", "--seed", "7", img512, *LAYOUT)
    verify = subprocess.run(["sgdisk", "--verify", str(img512)], capture_output=True, text=True)
    check(verify.returncode == 0 and "No problems found" in verify.stdout, f"sgdisk --verify:\n{verify.stdout}")
    listing = subprocess.run(["sgdisk", "--print", str(img512)], capture_output=True, text=True).stdout
    check(re.search(r"^\s+1\s+2048\s+4095\s.*\bd4k$", listing, re.M) and
          re.search(r"^\s+2\s+4096\s+5119\s.*\br4k$", listing, re.M), f"sgdisk --print:\n{listing}")

    img4k = case.path("gpt4k.img")
    mkgpt("--sector-size", "4096", "--size", "8M", "--seed", "7", img4k, *LAYOUT)
    dump = mkgpt("--dump", "--sector-size", "4096", img4k)
    check(re.search(r"^disk 2048 sectors of 4096, usable 6\.\.2042$", dump, re.M) and
          re.search(r"^1 d4k 256 511 ", dump, re.M) and re.search(r"^2 r4k 512 639 ", dump, re.M), dump)
    data = img4k.read_bytes()
    check(data[512:520] != b"EFI PART" and data[4096:4104] == b"EFI PART", "the 4K header is not at byte 4096")
    # Read as a 512-byte disk, the same file has no GPT: the tool really laid it out in 4096.
    bad = subprocess.run([*MKGPT, "--dump", str(img4k)], capture_output=True, text=True)
    check(bad.returncode != 0 and "no GPT signature at LBA 1" in bad.stderr, f"512-byte dump of a 4K image:\n{bad}")


def test_block4k_disktest_on_4096_byte_sectors(case):
    """dom0 lists the 4K disk and finds its partitions; a disktest guest writes, flushes and reads
    back its whole 4K partition, its bad requests are refused, the data lands at the right
    512-byte offset on the disk; a read-only 4K partition refuses writes."""
    img = case.path("disk4k.img")
    mkgpt("--sector-size", "4096", "--size", "8M", "--seed", "7", img, *LAYOUT)
    esp = make_esp(case, shipped_domains=True)
    with Qemu(case, esp, smp=2, mem="1G", interactive=True, extra_disks=[(img, BLOCK_4K)]) as vm:
        cli = Cli(vm)
        cli.wait_for(r"keel dom0: \S+, \d+ boot modules", timeout=BOOT, fail_on=CRASHED)
        cli.wait_prompt(timeout=BOOT)
        rw = created_id(cli.run('create disktest1 name=t4k disk=part:d4k,rw cmdline="probe=1 seed=5"'), "t4k")
        created_id(cli.run("create disktest-ro name=ro4k disk=part:r4k,ro"), "ro4k")

        disks = cli.run("disks")
        rows = [line.split() for line in disks.splitlines() if re.match(r"^\d+\s+[0-9a-f]{2}:", line)]
        check(len(rows) == 2 and rows[1][3] == "16384" and rows[1][5] == "4096",
              f"disk 1 should be 16384 512-byte sectors with 4096-byte blocks:\n{disks}")
        # disk-read still shows 512 bytes, read as part of the 4096-byte block holding them.
        check(dumped_sector(cli.run("disk-read 1 0"))[510:] == b"\x55\xaa", "no MBR signature on the 4K disk")
        check(not any(dumped_sector(cli.run("disk-read 1 1"))), "byte 512 of the 4K disk is not empty")
        check(dumped_sector(cli.run("disk-read 1 8"))[:8] == b"EFI PART", "no GPT header at byte 4096")

        info = wait_console(cli, "t4k", r"^disktest: seed 5, disk 0 '(part:\w+)': (\d+) sectors .*?, (\d+)-byte "
                            r"sectors, (read-\w+)", 60)
        check(info.groups() == ("part:d4k", str(D4K_SECTORS), "4096", "read-write"), f"t4k sees {info.groups()}")
        wait_console(cli, "t4k", rf"^disktest: {PROBES_4K} bad requests refused \(past the end, not whole disk "
                     r"sectors\): PASS", 60)
        wait_console(cli, "t4k", rf"^disktest: wrote {D4K_SECTORS} sectors, read back {D4K_SECTORS}, all match: PASS",
                     120)
        wait_console(cli, "ro4k", r"^disktest: read-only disk refused the write: PASS", 60)

        got = block_rows(cli.run("block-list"))
        check(got.get("t4k", [None])[0] == str(rw), f"block-list has no t4k: {got}")
        _, label, disk, start, sectors, mode, requests, errors, state = got["t4k"]
        check((label, disk, start, sectors, mode, state) == ("d4k", "1", str(D4K_START), str(D4K_SECTORS), "rw",
                                                             "connected"), f"block-list row for t4k: {got['t4k']}")
        check(int(errors) == PROBES_4K and int(requests) > 2 * D4K_SECTORS // 64,
              f"t4k: only its {PROBES_4K} probes should have failed: {got['t4k']}")
        ro = got.get("ro4k")
        check(ro and ro[1:6] == ["r4k", "1", str(R4K_START), "1024", "ro"] and int(ro[7]) >= 1,
              f"block-list row for ro4k (read-only, the refused write counted): {ro}")

        # The pattern sits at the partition's start and end, converted from 4096-byte LBAs; not outside.
        for rel in (0, 7, 8, D4K_SECTORS - 1):
            check(dumped_sector(cli.run(f"disk-read 1 {D4K_START + rel}")) == pattern_sector(5, rel),
                  f"disk sector {D4K_START + rel} does not hold disktest's sector {rel}")
        for outside in (D4K_START - 1, D4K_START + D4K_SECTORS):
            check(not any(dumped_sector(cli.run(f"disk-read 1 {outside}"))), f"sector {outside} was written")
        check("crashed" not in cli.run("list"), "a domain crashed")
