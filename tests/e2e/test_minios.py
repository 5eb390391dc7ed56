"""test_minios.py: minios, the ported example kernel: its key/value store on its own partition,
its preemptive threads, clock, newlib, and data that outlives the domain and the machine.

dom0 serves minios the 'minios' partition of a data disk (tools/mkdiskimg.sh). Unlike the
block tests' copies, this disk is attached with snapshot=off: what minios writes reaches the
file, so a second QEMU run on the same file is a full restart of the machine.
"""
import re
import subprocess
import time

from cli import Cli
from esp import make_esp
from harness import ROOT, TIMEOUT_SCALE, check
from qemu import Qemu
from test_dom0 import BOOT, CRASHED, created_id

MINIOS_FAIL = CRASHED + r"|minios: boot failed|minios: .*\(vector \d+, error|libc: |selftest: FAIL"
STEP = 30 * TIMEOUT_SCALE


def persistent_disk(case):
    image = case.path("disk.img")
    subprocess.run([str(ROOT / "tools/mkdiskimg.sh"), str(image)], check=True, capture_output=True)
    return image


def damage_newest_snapshot(image):
    """Flips a payload byte of slot 1 (kvstore_disk.h: the partition's second half), as a sync
    torn by a crash would leave it; returns the byte's offset in the image."""
    table = subprocess.run(["sgdisk", "-p", str(image)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in table.splitlines()]
    first, last = next((int(r[1]), int(r[2])) for r in rows if len(r) >= 7 and r[-1] == "minios")
    slot_bytes = (last - first + 1) * 512 // 2
    offset = first * 512 + slot_bytes + 512 + 5   # slot 1, past its header sector, into a record
    with open(image, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0x5a]))
    return offset


def boot(case, esp, image, tag):
    vm = Qemu(case, esp, smp=2, mem="1G", interactive=True,
              extra_disks=[image], tag=tag)
    # Writes must reach the file for the restart to mean anything (qemu.py snapshots extra disks).
    vm.cmd = [arg.replace(",snapshot=on,", ",snapshot=off,") if "id=extra0" in arg else arg for arg in vm.cmd]
    return vm


def start_minios(cli, loaded, cmdline=None, notice=None):
    """create minios, attach its console, wait for the store to load and the shell's prompt."""
    dom = created_id(cli.run("create minios" + (f' cmdline="{cmdline}"' if cmdline else "")), "minios")
    cli.vm.send("console minios\r")
    cli.wait_for(r"connected to domain \d+ \(minios\)")
    cli.wait_for(r"^minios: text r-x, rodata r--, data rw-, page 0 unmapped", timeout=STEP, fail_on=MINIOS_FAIL)
    if notice:
        cli.wait_for(notice, timeout=STEP, fail_on=MINIOS_FAIL)
    match = cli.wait_for(r"^kvstore: loaded (\d+) keys \(generation (\d+)", timeout=STEP, fail_on=MINIOS_FAIL)
    check(int(match.group(1)) == loaded, f"minios loaded {match.group(1)} keys, expected {loaded}")
    cli.wait_for(r"minios> ", timeout=STEP, fail_on=MINIOS_FAIL)
    return dom, int(match.group(2))


def say(cli, line, expect, timeout=STEP):
    """Types one line into minios's shell; waits for /expect/ and the next prompt; returns the output."""
    start = cli.mark
    cli.vm.send(line + "\r")
    match = cli.wait_for(expect, timeout=timeout, fail_on=MINIOS_FAIL)
    cli.wait_for(r"minios> ", timeout=timeout, fail_on=MINIOS_FAIL)
    return match, cli.vm.text()[start:cli.mark]


def detach(cli):
    cli.vm.send("\x1d")
    cli.wait_prompt()


def uptime(cli):
    match, _ = say(cli, "uptime", r"^uptime: (\d+)\.(\d{3}) s since the hypervisor started; date (20\d\d)-")
    return int(match.group(1)) + int(match.group(2)) / 1000


def wait_dom0(cli):
    cli.wait_for(r"keel dom0: \S+, \d+ boot modules", timeout=BOOT, fail_on=CRASHED)
    cli.wait_prompt()


def test_minios_kvstore_threads_and_persistence(case):
    """put/get/del/list/sync and bad input; preemption, clock and newlib; the keys survive
    destroy + create and a full QEMU restart on the same disk file; a damaged newest
    snapshot falls back to the previous one."""
    image = persistent_disk(case)
    esp = make_esp(case, shipped_domains=True)   # the boot disk itself is snapshotted: reused as is
    with boot(case, esp, image, "boot1") as vm:
        cli = Cli(vm)
        wait_dom0(cli)
        dom, generation = start_minios(cli, loaded=0)
        check(generation == 0, f"a blank partition loaded as generation {generation}")

        say(cli, "put alpha 1", r"^ok: put alpha$")
        say(cli, "put beta two words  ", r"^ok: put beta$")
        say(cli, "put gamma 3", r"^ok: put gamma$")
        say(cli, "put alpha one", r"^ok: put alpha$")
        say(cli, "get alpha", r"^alpha = one$")
        say(cli, "get beta", r"^beta = two words$")
        say(cli, "del gamma", r"^ok: deleted gamma$")
        say(cli, "get gamma", r"^error: no such key 'gamma'$")
        say(cli, "del gamma", r"^error: no such key 'gamma'$")
        _, out = say(cli, "list", r"^2 keys$")
        check(re.search(r"^  alpha = one\n  beta = two words\n2 keys", out, re.M), f"list:\n{out}")

        # Bad input: a clear error each, and the shell lives on.
        say(cli, "frobnicate now", r"^error: unknown command 'frobnicate' \(try 'help'\)$")
        say(cli, "put lonely", r"^error: usage: put KEY VALUE$")
        say(cli, "get", r"^error: usage: get KEY$")
        say(cli, "get alpha beta", r"^error: usage: get KEY$")
        say(cli, "list everything", r"^error: usage: list $")
        say(cli, "put " + "k" * 65 + " v", r"^error: key too long \(at most 64 bytes\)$")
        say(cli, "put big " + "v" * 300, r"^error: value too long \(at most 256 bytes\)$")
        say(cli, "put x " + "y" * 600, r"^error: line too long \(at most 512 characters\)$")
        say(cli, "spin forever", r"^error: spin takes whole seconds, 1\.\.60, not 'forever'$")
        say(cli, "get " + "k" * 65, r"^error: key too long")
        say(cli, "help", r"^  sync")

        _, out = say(cli, "sync", r"^ok: synced 2 keys \(generation 1, slot 0\)$")

        # Preemption: a thread that never yields does not stop the shell from answering.
        t0 = uptime(cli)
        say(cli, "spin 3", r"^ok: a thread spins for 3 s")
        asked = time.monotonic()
        _, table = say(cli, "threads", r"^\d+\s+runnable\s+spin\s")
        check(time.monotonic() - asked < 2.5 * TIMEOUT_SCALE, "the shell waited for the spinning thread")
        match = cli.wait_for(r"^spin: done: (\d+) loops, preempted (\d+) times", timeout=STEP, fail_on=MINIOS_FAIL)
        check(int(match.group(1)) > 0 and int(match.group(2)) > 0,
              f"the spinner was never preempted: {match.group(0)}")
        t1 = uptime(cli)
        check(3 <= t1 - t0 < 60, f"minios's clock went from {t0} to {t1} across a 3 s spin")
        # Two busy threads share the CPU while the shell sleeps; clocks, malloc, printf, strtol.
        say(cli, "selftest", r"^selftest: PASS", timeout=60 * TIMEOUT_SCALE)

        detach(cli)
        check(re.search(rf"^domain {dom} destroyed", cli.run("destroy minios"), re.M), "destroy minios")

        # A new domain on the same partition finds the synced keys; under a small quota
        # (the cmdline's) the store is full, and says so.
        dom = start_minios(cli, loaded=2, cmdline="quota=64", notice=r"^kvstore: quota 64 bytes$")[0]
        say(cli, "put big " + "x" * 40, r"^error: disk full: the store would not fit in its space on disk$")
        say(cli, "put alpha " + "x" * 41, r"^error: disk full")  # 27 - 3 + 41 bytes: one too many
        say(cli, "info", r"^store: 2 keys, 27 of 64 bytes, generation 1 in slot 0, clean")
        detach(cli)
        check(re.search(rf"^domain {dom} destroyed", cli.run("destroy minios"), re.M), "destroy minios")
        start_minios(cli, loaded=2)
        say(cli, "get alpha", r"^alpha = one$")
        say(cli, "get gamma", r"^error: no such key 'gamma'$")
        # Without an explicit sync the flusher thread commits within about 5 s.
        say(cli, "put delta 4", r"^ok: put delta$")
        deadline = time.monotonic() + 20 * TIMEOUT_SCALE
        while True:
            match, _ = say(cli, "info", r"^store: 3 keys, \d+ of \d+ bytes, generation (\d+) in slot (\d), (clean|dirty)")
            if match.group(3) == "clean":
                break
            check(time.monotonic() < deadline, "the flusher never synced the store")
            time.sleep(1)
        check(match.group(1) == "2" and match.group(2) == "1", f"the flusher's sync: {match.group(0)}")
        detach(cli)

    # A full restart of the machine on the same disk file.
    with boot(case, esp, image, "boot2") as vm:
        cli = Cli(vm)
        wait_dom0(cli)
        start_minios(cli, loaded=3)
        say(cli, "get alpha", r"^alpha = one$")
        say(cli, "get beta", r"^beta = two words$")
        say(cli, "get delta", r"^delta = 4$")
        _, out = say(cli, "list", r"^3 keys$")
        check(re.search(r"^  alpha = one\n  beta = two words\n  delta = 4\n3 keys", out, re.M), f"list:\n{out}")
        detach(cli)

    # A damaged newest snapshot (its payload CRC fails) falls back to the one before it.
    damage_newest_snapshot(image)
    with boot(case, esp, image, "boot3") as vm:
        cli = Cli(vm)
        wait_dom0(cli)
        _, generation = start_minios(cli, loaded=2)
        check(generation == 1, f"after damage to generation 2 minios loaded generation {generation}")
        say(cli, "get alpha", r"^alpha = one$")
        say(cli, "get delta", r"^error: no such key 'delta'$")
        detach(cli)
