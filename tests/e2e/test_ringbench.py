"""test_ringbench.py: dom0's null block disk (disk = null:SIZE) and the ring's notification suppression.

The ringbench guest (guests/ringbench) runs on a null disk: what it writes is dropped and
reads give zeros, a flush succeeds, requests past the end or naming a bad grant are refused
by blkback's normal checks. Then it streams requests with up to 32 in flight; io/ring.h R5
must keep the notifications (both ways, counted by blkfront and by blkback) well below one
per request. Correctness only: no timing is asserted.
"""
import re

from cli import Cli
from esp import make_esp
from harness import check
from qemu import Qemu
from test_dom0 import BOOT, CRASHED, block_rows, created_id, wait_console

REQUESTS = 300
NULL_SECTORS = 256 * 2048      # null:256M in 512-byte sectors
REFUSED = 3                    # past the end, straddling the end, bad grant
# Also parsed by tests/bench/bench_boots.py: KiB, op, mode, MB/s, requests/s, per 1000, front, back, requests,
# in flight.
RATE = re.compile(r"^ringbench: (\d+) KiB (read|write) (blocking|polling): ([\d.]+) MB/s, (\d+) requests/s, ([\d.]+) notifications per "
                  r"1000 requests \(front (\d+), back (\d+); (\d+) requests, up to (\d+) in flight\)", re.M)


def stats_row(listing, name):
    """block-stats' row for 'name': (requests, events in, events out, per 1000)."""
    for line in listing.splitlines()[1:]:
        cols = line.split()
        if len(cols) == 7 and cols[0] == name:
            return int(cols[3]), int(cols[4]), int(cols[5]), float(cols[6])
    check(False, f"block-stats has no {name}:\n{listing}")


def test_ringbench_null_disk_zeros_refusals_and_suppression(case):
    esp = make_esp(case, shipped_domains=True)
    with Qemu(case, esp, smp=2, mem="1G", interactive=True) as vm:
        cli = Cli(vm)
        cli.wait_for(r"keel dom0: \S+, \d+ boot modules", timeout=BOOT, fail_on=CRASHED)
        cli.wait_prompt(timeout=BOOT)
        # Bad sizes are refused by the config parser, before anything is built.
        for bad in ("null:0", "null:3K", "null:2T", "null:", "null:12Q"):
            out = cli.run(f"create ringbench name=rbad disk={bad}")
            check("bad null disk size" in out and "created" not in out, f"disk={bad} was accepted:\n{out}")

        rid = created_id(cli.run(f'create ringbench cmdline="requests={REQUESTS}"'), "ringbench")
        # A null disk holds nothing, so it is never "in use": a second one starts alongside.
        other = created_id(cli.run('create ringbench name=rb2 disk=null:64K,rw cmdline="requests=40"'), "rb2")
        check(other != rid, "two domains with one id")

        info = wait_console(cli, "ringbench", r"^ringbench: disk 0 '(null:\w+)': (\d+) sectors, (read-\w+)", 30)
        check(info.groups() == ("null:256M", str(NULL_SECTORS), "read-write"), f"ringbench sees {info.groups()}")
        wait_console(cli, "ringbench", r"^ringbench: wrote and read back 32768 bytes: zeros; flush succeeded", 30)
        wait_console(cli, "ringbench", r"^ringbench: refused: past the end -\d+, straddling the end -\d+, bad "
                     r"grant -\d+\s*\n.*^ringbench: checks: PASS", 30)
        done = wait_console(cli, "ringbench", r"^ringbench: done: (\d+) notifications sent, (\d+) received in all", 60)
        sent, received = int(done.group(1)), int(done.group(2))
        shown = done.string
        check("ringbench: FAIL" not in shown, f"ringbench failed:\n{shown[-2000:]}")
        rates = RATE.findall(shown)
        check(len(rates) == 8, f"expected 8 stream lines:\n{shown[-2000:]}")
        for kib, op, mode, _, _, per_1000, front, back, count, in_flight in rates:
            # Blocking waits re-arm rsp_event, so the backend notifies; polling never re-arms it,
            # and a backend that notified all the same would be ignoring R5.
            want_back = int(back) >= 1 if mode == "blocking" else int(back) == 0
            check(int(count) == REQUESTS and int(front) >= 1 and want_back,
                  f"{kib} KiB {op} {mode}: notifications front {front}, back {back}")
            # 4 KiB requests fill the ring (32); 32 KiB ones are bounded by blkfront's 64 bounce pages (8).
            want_in_flight = 32 if kib == "4" else 8
            check(int(in_flight) == want_in_flight, f"{kib} KiB {op} {mode}: up to {in_flight} in flight")
            # Suppression: loose, far above what streaming gives, far below one per request.
            if kib == "4":
                check(float(per_1000) < 125, f"{kib} KiB {op} {mode}: {per_1000} notifications per 1000 requests")

        rows = block_rows(cli.run("block-list"))
        row = rows.get("ringbench")
        check(row and row[:6] == [str(rid), "null:256M", "-", "0", str(NULL_SECTORS), "rw"] and row[8] == "connected",
              f"block-list row for ringbench: {row}")
        check(int(row[7]) == REFUSED, f"only the {REFUSED} bad requests should have failed: {row}")
        requests, events_in, events_out, per_1000 = stats_row(cli.run("block-stats"), "ringbench")
        check(requests == int(row[6]) and requests >= 4 * REQUESTS, f"block-stats requests {requests}, list {row}")
        # dom0 counts what it sent and what reached it; coalescing only ever loses deliveries.
        check(0 < received <= events_out and 0 < events_in <= sent,
              f"dom0 in {events_in} out {events_out}, guest sent {sent} received {received}")
        # All of it, the one-at-a-time checks and the 8-deep 32 KiB streams included: without
        # suppression it would be two per request.
        check(events_in + events_out < requests / 2 and abs(per_1000 - (events_in + events_out) * 1000 / requests) < 0.1,
              f"{events_in}+{events_out} notifications for {requests} requests ({per_1000} per 1000)")

        wait_console(cli, "rb2", r"^ringbench: done:", 30)
        for name in ("ringbench", "rb2"):
            cli.run(f"destroy {name}")
        check("ringbench" not in block_rows(cli.run("block-list")), "the null disk outlived its domain")
        check("crashed" not in cli.run("list"), "a domain crashed")
