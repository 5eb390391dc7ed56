"""test_dom0.py: the operator's session: the shipped keel.cfg boots to dom0's prompt, and the CLI is driven over COM1.

Each test boots what `make run` boots (the shipped keel.cfg: dom0, every guest image and
domain config, autostart hello and counter) with COM1 as a socket, waits for `keel> ` and
types commands the way a user would. Output is matched line by line; dom0's notices
(domain crashed, restarting in N s) arrive on their own and are waited for with cli.wait_for.
"""
import re
import subprocess
import time

from cli import Cli
from esp import make_esp
from harness import BOOT_FAILED, ROOT, TIMEOUT_SCALE, check
from qemu import Qemu

CRASHED = BOOT_FAILED + r"|dom0 \(dom0\): crashed|dom0: fatal"
BOOT = 120 * TIMEOUT_SCALE


def boot_to_prompt(case, smp=4):
    vm = Qemu(case, make_esp(case, shipped_domains=True), smp=smp, mem="1G", interactive=True)
    return vm


def domain_rows(listing):
    """{name: (id, mem, vcpus, state)} from `list`'s table."""
    rows = {}
    for line in listing.splitlines()[1:]:
        cols = line.split()
        if len(cols) >= 5 and cols[1].isdigit():
            rows[cols[0]] = (int(cols[1]), int(cols[2]), int(cols[3]), cols[4])
    return rows


def created_id(out, name):
    match = re.search(rf"^created domain (\d+) \({re.escape(name)}\)", out, re.M)
    check(match, f"no 'created domain N ({name})' in:\n{out}")
    return int(match.group(1))


def attach_and_read(cli, name, seconds):
    """`console NAME` for a while, then Ctrl-]; returns everything shown (history + live)."""
    cli.vm.send(f"console {name}\r")
    cli.wait_for(rf"connected to domain \d+ \({re.escape(name)}\); Ctrl-\] returns to the prompt")
    start = cli.mark
    time.sleep(seconds)
    shown = cli.vm.text()[start:]
    cli.vm.send("\x1d")
    cli.wait_prompt()
    return shown


def last_count(text):
    counts = [int(n) for n in re.findall(r"^counter: (\d+)\s*$", text, re.M)]
    return max(counts) if counts else None


def test_dom0_shipped_config_lands_at_the_prompt(case):
    """`make run`: dom0's prompt, hello and counter autostarted, the system commands answer."""
    with boot_to_prompt(case) as vm:
        cli = Cli(vm)
        cli.wait_for(r"keel dom0: \S+, \d+ boot modules", timeout=BOOT, fail_on=CRASHED)
        cli.wait_for(r"dom0: autostart counter: domain \d+", timeout=BOOT, fail_on=CRASHED)
        cli.wait_for(r"dom0: domain \d+ \(hello\) powered off", timeout=30, fail_on=CRASHED)
        rows = domain_rows(cli.run("list"))
        check("dom0" in rows and rows["dom0"][0] == 0, f"list has no dom0 row: {rows}")
        check("counter" in rows and rows["counter"][3] in ("running", "blocked"), f"counter is not running: {rows}")
        check("hello" not in rows, f"hello powered off and should be gone (on_poweroff=destroy): {rows}")

        info = cli.run("info")
        check(re.search(r"^virtualization\s*: SVM with NPT", info, re.M), f"info:\n{info}")
        check(re.search(r"^nr_cpus\s*: 4$", info, re.M), f"info should report 4 CPUs:\n{info}")
        # Under QEMU's TCG the boot CPU runs no guests (arch/x86_64/emulator_quirks.c).
        check(re.search(r"^guest_cpus\s*: 3$", info, re.M), f"info should report 3 CPUs for guests:\n{info}")
        check(re.search(r"^free_memory\s*: \d+ MiB", info, re.M), f"info:\n{info}")
        dmesg = cli.run("dmesg")
        check("keel: cpus 4 online" in dmesg or re.search(r"cpus\s+4 online", dmesg), f"dmesg lacks the boot report:\n{dmesg[:2000]}")
        check(re.search(r"dom0 \(dom0\): started", dmesg), "dmesg lacks dom0's start")
        images = cli.run("images")
        check(re.search(r"\bhello\.elf\b", images) and re.search(r"\bcounter\.elf\b", images), f"images:\n{images}")
        vcpus = cli.run("vcpu-list")
        check(re.search(r"^counter\s+\d+\s+0\s", vcpus, re.M), f"vcpu-list has no counter vCPU 0:\n{vcpus}")
        check("help" in cli.run("help") and "create" in cli.run("help create"), "help does not list its commands")

        # top redraws once a second until a key is pressed.
        vm.send("top\r")
        cli.wait_for(r"^\s*ID\s+Name|^Name\s+ID|^\s*Name", timeout=10)
        cli.wait_for(r"counter", timeout=10)
        cli.wait_for(r"counter", timeout=10)    # a second refresh
        vm.send("q")
        cli.wait_prompt()
        check(domain_rows(cli.run("list")).get("counter"), "dom0 lost track of counter after top")


def test_dom0_domain_lifecycle(case):
    """create from configs, console attach and typing, pause/unpause, shutdown with grace, destroy."""
    with boot_to_prompt(case) as vm:
        cli = Cli(vm)
        cli.wait_for(r"dom0: autostart counter: domain \d+", timeout=BOOT, fail_on=CRASHED)
        cli.wait_prompt()
        c2 = created_id(cli.run("create counter name=c2"), "c2")
        c3 = created_id(cli.run("create counter name=c3"), "c3")
        h2 = created_id(cli.run(r"create \keel\domains\hello.cfg name=h2"), "h2")
        rows = domain_rows(cli.run("list"))
        for name in ("counter", "c2", "c3"):
            check(name in rows, f"{name} missing from list: {rows}")
        check(rows["c2"][0] == c2 and rows["c3"][0] == c3 and rows["c2"][1] == 16, f"list: {rows}")
        check(h2 > c3, "ids are handed out in increasing order")

        # Attach, type, see the guest answer, detach.
        vm.send("console c2\r")
        cli.wait_for(r"connected to domain \d+ \(c2\); Ctrl-\] returns to the prompt")
        cli.wait_for(r"counter: \d+", timeout=10)
        vm.send("ping from the operator\r")
        cli.wait_for(r"counter: got 'ping from the operator'", timeout=10)
        vm.send("\x1d")
        cli.wait_prompt()
        check("c2" in domain_rows(cli.run("list")), "detaching ended the domain")

        # Pause stops the count, unpause resumes it.
        before = last_count(attach_and_read(cli, "c3", 1.5))
        check(before is not None, "c3 printed no count")
        check(re.search(rf"^domain {c3} paused", cli.run("pause c3"), re.M), "pause did not report")
        check(domain_rows(cli.run("list"))["c3"][3] == "paused", "list does not show c3 paused")
        time.sleep(3)
        during = last_count(attach_and_read(cli, "c3", 1.5))
        check(during <= before + 1, f"c3 kept counting while paused: {before} -> {during}")
        check(re.search(rf"^domain {c3} unpaused", cli.run("unpause c3"), re.M), "unpause did not report")
        time.sleep(3)
        after = last_count(attach_and_read(cli, "c3", 1.5))
        check(after >= during + 2, f"c3 did not resume counting: {during} -> {after}")

        # shutdown: counter acts on the request and powers off by itself.
        out = cli.run("shutdown c2", timeout=30)
        check(re.search(rf"^domain {c2} shut down", out, re.M), f"shutdown c2:\n{out}")
        check("forcing" not in out, f"c2 takes requests; it should not have been forced:\n{out}")
        # ...and one that ignores the request is forced after the grace period.
        deaf = created_id(cli.run('create counter name=deaf cmdline="shutdown=ignore"'), "deaf")
        started = time.monotonic()
        out = cli.run("shutdown deaf", timeout=30)
        waited = time.monotonic() - started
        check(re.search(rf"domain {deaf} did not shut down within 5 s; forcing it", out), f"shutdown deaf:\n{out}")
        check(re.search(rf"^domain {deaf} shut down", out, re.M), f"shutdown deaf:\n{out}")
        check(waited >= 4.5, f"the grace period was only {waited:.1f} s")

        check(re.search(rf"^domain {c3} destroyed", cli.run("destroy c3"), re.M), "destroy did not report")
        rows = domain_rows(cli.run("list"))
        for gone in ("c2", "c3", "deaf"):
            check(gone not in rows, f"{gone} still listed: {rows}")
        check("counter" in rows, "the autostarted counter disappeared")


def test_dom0_crash_loop_backs_off(case):
    """on_crash=restart: each restart waits twice as long as the one before; destroy ends the loop."""
    with boot_to_prompt(case, smp=2) as vm:
        cli = Cli(vm)
        cli.wait_for(r"dom0: autostart counter: domain \d+", timeout=BOOT, fail_on=CRASHED)
        cli.wait_prompt()
        created_id(cli.run("create crashy"), "crashy")
        delays, seen = [], []
        for _ in range(3):
            match = cli.wait_for(r"dom0: domain \d+ \(crashy\) crashed; restarting in (\d+) s", timeout=60,
                                 fail_on=CRASHED)
            delays.append(int(match.group(1)))
            seen.append(time.monotonic())
        check(delays == [1, 2, 4], f"back-off delays {delays}, want [1, 2, 4]")
        # Notice k names the delay before crash k+1, so the gaps between notices follow it.
        gap = seen[2] - seen[1]
        check(gap >= 1.5, f"the third crash came {gap:.1f} s after the second: the 2 s back-off was not kept")
        rows = domain_rows(cli.run("list"))
        check("crashy" in rows or re.search(r"crashy", cli.run("list")), "crashy is not listed while it waits")
        out = cli.run("destroy crashy")
        check(re.search(r"destroyed|restart cancelled", out), f"destroy crashy:\n{out}")
        time.sleep(9)
        check("crashy" not in cli.run("list"), "crashy came back after destroy")
        check(not re.search(r"crashy\) crashed", cli.vm.text()[cli.mark:]), "crashy kept crashing after destroy")


def test_dom0_bad_input(case):
    """Every kind of bad input gets one clear line and changes nothing; dom0 keeps answering."""
    with boot_to_prompt(case, smp=2) as vm:
        cli = Cli(vm)
        cli.wait_for(r"dom0: autostart counter: domain \d+", timeout=BOOT, fail_on=CRASHED)
        cli.wait_prompt()
        before = domain_rows(cli.run("list"))
        cli.expect_error("frobnicate", r"unknown command 'frobnicate'")
        cli.expect_error("destroy", r"usage: destroy")
        cli.expect_error("destroy nosuch", r"no domain 'nosuch'")
        cli.expect_error("pause 99", r"no domain 99")
        cli.expect_error("destroy 0", r"dom0 cannot destroy itself")
        cli.expect_error("sched-weight counter 1x", r".*'1x' is not a number")
        cli.expect_error("vcpu-pin counter 0 0-99", r".*names a CPU the machine does not have")
        cli.expect_error("vcpu-pin counter 0 0", r"no CPU in '0' runs guests on this machine")
        cli.expect_error("create nosuch", r"no config .*nosuch.cfg and no image 'nosuch'")
        cli.expect_error("create counter", r"domain 'counter' already exists")
        cli.expect_error("create counter name=c9 colour=red", r".*unknown key 'colour'")
        cli.expect_error("create counter name=c9 memory=abc", r".*bad memory size 'abc'")
        cli.expect_error("create counter name=c9 vcpus=17", r".*bad vcpus '17'")
        cli.expect_error("create counter name=c9 memory=1000", r"not enough free memory")   # 1 GiB machine
        cli.expect_error('create "unterminated', r"unterminated quote")
        cli.expect_error(r"create counter name=c9 kernel=\keel\keel.cfg", r"building 'c9': bad ELF image")
        cli.expect_error("create counter name=c9 kernel=nosuch", r"no image 'nosuch' among the boot modules")
        # Control bytes and stray escape sequences are swallowed; the line still works.
        out = cli.run_keys("\x01\x1b[Z\x1b[99~lst\x1b[D\x1b[Di")   # 'lst', Left, Left, 'i' -> 'list'
        check(re.search(r"^dom0\s+0\s", out, re.M), f"the edited line did not run 'list':\n{out}")
        # Up recalls the last line; Ctrl-U erases it; Ctrl-C abandons a line.
        out = cli.run_keys("\x1b[A")
        check(re.search(r"^dom0\s+0\s", out, re.M), f"Up did not recall 'list':\n{out}")
        out = cli.run_keys("destroy counter\x15info")
        check(re.search(r"^virtualization", out, re.M), f"Ctrl-U did not erase the line:\n{out}")
        # An overlong line is cut (bell), never overflows.
        out = cli.run_keys("x" * 400)
        check(re.search(r"^error: unknown command", out, re.M), f"a 400-byte line:\n{out[:300]}")
        check(out.count("\a") >= 400 - 255, "the bytes past the 255-byte limit did not ring the bell")
        after = domain_rows(cli.run("list"))
        check(set(after) == set(before), f"bad input changed the domains: {before} -> {after}")
        check("c9" not in after, "a refused create left a domain behind")


test_dom0_shipped_config_lands_at_the_prompt.lane = "alone"
test_dom0_domain_lifecycle.lane = "alone"


def test_dom0_lspci_finds_the_q35_devices(case):
    """`lspci`: dom0's PCI scan through ECAM finds q35's host bridge and the ESP's virtio-blk
    disk with a memory BAR; the hypervisor log says how dom0's device memory is mapped."""
    with boot_to_prompt(case) as vm:
        cli = Cli(vm)
        cli.wait_for(r"dom0: PCI: (\d+) functions, config space through ECAM at 0x[0-9a-f]+",
                     timeout=BOOT, fail_on=CRASHED)
        cli.wait_prompt(timeout=BOOT)
        listing = cli.run("lspci")
        check(re.search(r"^00:00\.0 0600 8086:29c0 Host bridge$", listing, re.M),
              f"lspci has no q35 host bridge:\n{listing}")
        disk = re.search(r"^(\S+) (0100|0180) 1af4:(1001|1042) ", listing, re.M)
        check(disk, f"lspci has no virtio-blk disk:\n{listing}")

        verbose = cli.run("lspci -v")
        check(re.search(r"^PCI configuration access: ECAM at 0xb0000000, buses 00-ff$", verbose, re.M),
              f"lspci -v does not say ECAM:\n{verbose}")
        block = re.search(rf"^{re.escape(disk.group(1))} .*\n((?:\t.*\n?)*)", verbose, re.M)
        check(block, f"lspci -v has no block for {disk.group(1)}:\n{verbose}")
        bars = re.findall(r"^\tBAR\d: Memory at 0x([0-9a-f]+) \((32|64)-bit, [a-z-]+\) \[size=\w+\]$",
                          block.group(1), re.M)
        check(bars and all(int(addr, 16) != 0 for addr, _ in bars),
              f"the virtio-blk disk shows no memory BAR:\n{block.group(1)}")
        check(re.search(r"^\tCapabilities: \[[0-9a-f]{2}\] ", block.group(1), re.M),
              f"the virtio-blk disk shows no capability:\n{block.group(1)}")

        dmesg = cli.run("dmesg")
        check(re.search(r"dom0: ECAM segment 0 buses 00-ff at 0xb0000000-0xbfffffff mapped uncached", dmesg),
              f"dmesg does not say how ECAM is mapped:\n{dmesg[-3000:]}")
        check("dom0: other device memory mapped uncached on first touch" in dmesg,
              f"dmesg does not say how the BARs are mapped:\n{dmesg[-3000:]}")
        check("crashed" not in cli.run("list"), "a domain crashed")


def dumped_sector(out):
    """The 512 bytes of `disk-read`'s hex dump."""
    data = bytearray()
    for match in re.finditer(r"^([0-9a-f]{4}): ((?:\s*[0-9a-f]{2}){16})\s+\|", out, re.M):
        check(int(match.group(1), 16) == len(data), f"dump rows out of order:\n{out}")
        data += bytes(int(b, 16) for b in match.group(2).split())
    check(len(data) == 512, f"disk-read dumped {len(data)} bytes, not 512:\n{out}")
    return bytes(data)


def test_dom0_virtio_blk_reads_sectors(case):
    """dom0's virtio-blk driver (modern transport, MSI-X, DMA into dom0's RAM): the ESP as a
    transitional device and a modern-only second disk with known sectors read back exactly."""
    data = bytearray()
    for lba in range(2048):   # 1 MiB: every sector names itself, the rest is a pattern
        sector = f"KEEL-SECTOR-{lba:04d}".encode()
        data += sector + bytes((lba + i) & 0xff for i in range(512 - len(sector)))
    data_img = case.path("data.img")
    data_img.write_bytes(data)
    esp_img = make_esp(case, shipped_domains=True)
    esp = esp_img.read_bytes()[:1024]
    with Qemu(case, esp_img, smp=2, mem="1G", interactive=True, extra_disks=[data_img]) as vm:
        cli = Cli(vm)
        cli.wait_for(r"keel dom0: \S+, \d+ boot modules", timeout=BOOT, fail_on=CRASHED)
        cli.wait_prompt(timeout=BOOT)
        dmesg = cli.run("dmesg")
        check(re.search(r"dom0: RAM is machine-contiguous at 0x[0-9a-f]+", dmesg), f"no DMA base in dmesg:\n{dmesg[-3000:]}")
        disks = cli.run("disks")
        rows = [line.split() for line in disks.splitlines() if re.match(r"^\d+\s+[0-9a-f]{2}:", line)]
        check(len(rows) == 2, f"disks should list the ESP and the data disk:\n{disks}")
        check(rows[0][2] == "1001" and rows[1][2] == "1042", f"device ids (transitional, modern):\n{disks}")
        check(rows[1][3] == "2048" and rows[1][5] == "512", f"data disk: 2048 sectors of 512:\n{disks}")
        check(int(rows[0][3]) * 512 == esp_img.stat().st_size, f"ESP capacity:\n{disks}")
        check(all(r[6] == "msix" and r[7].startswith("rw") for r in rows), f"MSI-X, read-write:\n{disks}")

        # The ESP is a superfloppy FAT image (tools/mkfatimg.sh): its boot sector ends in 55 aa.
        boot = dumped_sector(cli.run("disk-read 0 0"))
        check(boot == esp[:512] and boot[510:] == b"\x55\xaa", "disk 0 sector 0 is not the ESP's boot sector")
        check(dumped_sector(cli.run("disk-read 0 1")) == esp[512:1024], "disk 0 sector 1 differs from the image")
        for lba in (0, 1, 5, 2047):
            got = dumped_sector(cli.run(f"disk-read 1 {lba}"))
            check(got == bytes(data[lba * 512:(lba + 1) * 512]), f"disk 1 sector {lba} differs from the image")

        check(re.search(r"^error: .*lba", cli.run("disk-read 1 2048"), re.M), "a sector past the end was accepted")
        check(re.search(r"^error: .*disk", cli.run("disk-read 2 0"), re.M), "a disk that does not exist was accepted")
        check("counter" in cli.run("list"), "dom0 lost its domains while reading disks")


# ---- block devices: dom0's blkback serving GPT partitions of a data disk (io/blkif.h) ----

def data_disk(case):
    """A fresh copy of the guests' data disk (tools/mkdiskimg.sh: data1, data2, ro1, kvstore)."""
    image = case.path("disk.img")
    subprocess.run([str(ROOT / "tools/mkdiskimg.sh"), str(image)], check=True, capture_output=True)
    return image


def boot_with_data_disk(case):
    return Qemu(case, make_esp(case, shipped_domains=True), smp=2, mem="1G", interactive=True,
                extra_disks=[data_disk(case)])


def wait_console(cli, name, pattern, timeout):
    """Attaches to NAME's console until its history shows /pattern/; returns the match."""
    deadline = time.monotonic() + timeout * TIMEOUT_SCALE
    shown = ""
    while time.monotonic() < deadline:
        shown = attach_and_read(cli, name, 2)
        match = re.search(pattern, shown, re.M)
        if match:
            return match
    check(False, f"{name}'s console never showed /{pattern}/; last:\n{shown[-2000:]}")


def block_rows(listing):
    """{domain name: [id, label, disk, start, sectors, mode, requests, errors, state]} from `block-list`."""
    rows = {}
    for line in listing.splitlines()[1:]:
        cols = line.split()
        if len(cols) == 10 and cols[1].isdigit():
            rows[cols[0]] = cols[1:]
    return rows


def test_dom0_block_two_guests_verify_their_own_disks(case):
    """Two disktest guests on their own partitions write, flush and read back in parallel;
    a partition in use and a missing label are refused; destroying frees the partition."""
    with boot_with_data_disk(case) as vm:
        cli = Cli(vm)
        cli.wait_for(r"keel dom0: \S+, \d+ boot modules", timeout=BOOT, fail_on=CRASHED)
        cli.wait_prompt(timeout=BOOT)
        first = created_id(cli.run("create disktest1"), "disktest1")
        created_id(cli.run("create disktest2 cmdline=seed=2"), "disktest2")   # its own pattern

        taken = cli.run("create disktest1 name=intruder")
        check(re.search(rf"^error: partition 'data1' is in use by domain {first}$", taken, re.M),
              f"a second writer of data1 was not refused:\n{taken}")
        missing = cli.run("create disktest1 name=nodisk disk=part:nosuch")
        check(re.search(r"^error: no partition labelled 'nosuch' on any disk$", missing, re.M),
              f"a missing partition was not reported:\n{missing}")
        check("intruder" not in cli.run("list"), "a refused domain was left behind")

        for name, label in (("disktest1", "data1"), ("disktest2", "data2")):
            info = wait_console(cli, name, r"^disktest: seed \d+, disk 0 '(part:\w+)': (\d+) sectors.*read-write", 60)
            check(info.group(1) == f"part:{label}" and info.group(2) == "16384",
                  f"{name} sees {info.group(1)}, {info.group(2)} sectors (want part:{label}, 16384)")
            wait_console(cli, name, r"^disktest: wrote 16384 sectors, read back 16384, all match: PASS", 300)

        rows = block_rows(cli.run("block-list"))
        for name, label, start in (("disktest1", "data1", "2048"), ("disktest2", "data2", "18432")):
            check(name in rows, f"block-list has no {name}: {rows}")
            _, got_label, disk, got_start, sectors, mode, requests, errors, state = rows[name]
            check((got_label, disk, got_start, sectors, mode, state) == (label, "1", start, "16384", "rw", "connected"),
                  f"block-list row for {name}: {rows[name]}")
            check(int(requests) >= 2 * 16384 // 64 and errors == "0", f"{name}'s requests/errors: {rows[name]}")

        # The data landed in each partition, at its own offset on the disk, and nowhere else.
        data1, data2 = dumped_sector(cli.run("disk-read 1 2048")), dumped_sector(cli.run("disk-read 1 18432"))
        check(any(data1) and any(data2) and data1 != data2, "data1 and data2 should hold different patterns")
        for untouched in (2047, 34816):   # before data1, and ro1's first sector
            check(not any(dumped_sector(cli.run(f"disk-read 1 {untouched}"))), f"sector {untouched} was written")

        cli.run("destroy disktest1")
        again = cli.run("create disktest1 name=again")
        check(re.search(r"^created domain \d+ \(again\)", again, re.M), f"data1 was not freed by destroy:\n{again}")
        check("crashed" not in cli.run("list"), "a domain crashed")


def test_dom0_block_read_only_and_hostile_guest(case):
    """A read-only partition refuses writes; a guest that breaks its ring loses its disk with a
    line in dmesg, while list answers and a disktest created after it still passes."""
    with boot_with_data_disk(case) as vm:
        cli = Cli(vm)
        cli.wait_for(r"keel dom0: \S+, \d+ boot modules", timeout=BOOT, fail_on=CRASHED)
        cli.wait_prompt(timeout=BOOT)
        created_id(cli.run("create disktest-ro"), "disktest-ro")
        wait_console(cli, "disktest-ro", r"^disktest: read-only disk refused the write: PASS", 300)
        row = block_rows(cli.run("block-list")).get("disktest-ro")
        check(row and row[1] == "ro1" and row[5] == "ro" and int(row[7]) >= 1,
              f"block-list should show ro1 read-only with the refused write counted: {row}")

        hostile = created_id(cli.run("create blkhostile"), "blkhostile")
        cli.wait_for(rf"dom0: blkback: domain {hostile} broke its block ring \(part:kvstore", timeout=120,
                     fail_on=CRASHED)
        dmesg = cli.run("dmesg")
        check(re.search(rf"dom0: blkback: domain {hostile} broke its block ring \(part:kvstore.*disk disconnected",
                        dmesg), f"dmesg lacks the disconnect line:\n{dmesg[-3000:]}")
        row = block_rows(cli.run("block-list")).get("blkhostile")
        check(row and row[8] == "disconnected" and int(row[7]) >= 1,
              f"blkhostile's disk should be disconnected after refused requests: {row}")
        check("blkhostile" in domain_rows(cli.run("list")), "list does not answer with blkhostile in it")

        created_id(cli.run("create disktest2"), "disktest2")
        wait_console(cli, "disktest2", r"^disktest: wrote 16384 sectors, read back 16384, all match: PASS", 300)
        check("crashed" not in cli.run("list"), "a domain crashed")
