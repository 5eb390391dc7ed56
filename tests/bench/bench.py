#!/usr/bin/env python3
"""bench.py: `make bench`'s system benchmarks: boots Keel under QEMU and Bochs several times and prints one table.

Usage: bench.py [--runs N] [--table FILE] [--only NAME ...] [--merge DOC]
  NAME: hypercall-qemu, hypercall-bochs, pingpong, dom0 (boot, lifecycle, block, memory), ring (block
  ring throughput on a null disk), tcb (default: all).
The table (markdown) goes to FILE for tests/bench/update_doc.py; a plain copy goes to stdout.
With --only and --merge, the rows measured replace theirs in DOC's system table and the
other rows are kept as they were (the footnote says from which run).
Measurements are described in docs/performance.md ("System benchmarks").
"""
import argparse
import os
import re
import sys
import time
import traceback

import bench_boots
import tcb_lines
from bench_stats import Row, markdown, plain, spread

FLOOR_TRIPS_QEMU, NULL_CALLS_QEMU = 100_000, 50_000
FLOOR_TRIPS_BOCHS, NULL_CALLS_BOCHS = 200_000, 20_000
LIFECYCLE_CYCLES = 1000
RING_REQUESTS, RING_ROUNDS = 5000, 3
# io/ring.h's goal while streaming (issue 7): fewer than one notification per 64 messages.
RING_NOTIFY_TARGET = ("< 15.6 (1 per 64)", "<=", 1000 / 64)
SYSTEM_SECTION = re.compile(r"<!-- system:begin -->\nMeasured (.*?) when the run started\.\n(.*?)<!-- system:end -->", re.S)
# Guest instructions inside a timed call besides the hypervisor's: call, mov $nr, VMCALL, ret.
GUEST_INSNS_PER_CALL = 4


def repeat(what, runs, fn, *args):
    """Runs one boot 'runs' times; a failed boot is reported and skipped, not fatal."""
    results = []
    for run in range(1, runs + 1):
        started = time.monotonic()
        try:
            results.append(fn(run, *args))
            print(f"bench: {what} run {run}/{runs}: {time.monotonic() - started:.0f} s", flush=True)
        except Exception as exc:   # a benchmark boot that fails must not hide the others' numbers
            print(f"bench: {what} run {run}/{runs} FAILED: {exc}", flush=True)
            if os.environ.get("BENCH_DEBUG"):
                traceback.print_exc()
    return results


def hypercall_rows(bed, vendor_call, results):
    """Rates pooled over every round of every boot; the ratio per boot (medians of the same boot)."""
    floor = [r for res in results for r in res["floor_rate"]]
    null = [r for res in results for r in res["null_rate"]]
    ratio = [spread(res["null_ticks"])[1] / spread(res["floor_ticks"])[1] for res in results]
    return [
        Row(f"bare {vendor_call} loop (switch floor)", bed, "round trips/s", floor),
        Row("null hypercall (version)", bed, "round trips/s", null),
        Row("null hypercall cost / floor cost", bed, "ratio of TSC ticks", ratio, ("≤ 1.1×", "<=", 1.1)),
    ]


def bochs_rate_rows(results):
    """Bochs' own clock counts instructions, so a VM exit costs it one tick: only host time is fair."""
    floor = [r for res in results for r in res["floor_wall_rate"]]
    null = [r for res in results for r in res["null_wall_rate"]]
    ratio = [spread(res["floor_wall_rate"])[1] / spread(res["null_wall_rate"])[1]
             for res in results if res["floor_wall_rate"] and res["null_wall_rate"]]
    return [
        Row("bare VMCALL loop (switch floor)", "Bochs VMX", "round trips/host s", floor),
        Row("null hypercall (version)", "Bochs VMX", "round trips/host s", null),
        Row("null hypercall cost / floor cost", "Bochs VMX", "ratio of host time", ratio, ("≤ 1.1×", "<=", 1.1)),
    ]


def instruction_rows(results):
    """Bochs: the TSC advances by one per instruction (the 1000-nop ruler proves it each boot)."""
    per_nop = [(res["ticks"]["1000 nops"][1] - res["ticks"]["empty"][1]) / 1000 for res in results]
    count = [res["ticks"]["null hypercall"][1] - res["ticks"]["empty"][1] - GUEST_INSNS_PER_CALL
             for res in results]
    spreads = [res["ticks"]["null hypercall"][2] - res["ticks"]["null hypercall"][0] for res in results]
    floor = [spread(res["floor_ticks"])[1] - 2 for res in results]   # minus the guest's VMCALL and jmp
    return [
        Row("TSC ticks per instruction (1000-nop ruler)", "Bochs VMX", "ticks", per_nop),
        Row("hypervisor instructions, VM exit to VM entry, null hypercall", "Bochs VMX", "instructions",
            count, ("≤ 400", "<=", 400),
            f"max-min within a boot: {max(spreads)} ticks" if spreads else ""),
        Row("hypervisor instructions in the bare loop (floor)", "Bochs VMX", "instructions", floor),
    ]


def dom0_rows(results):
    def col(key, index=1):
        return [r[key][index] if isinstance(r[key], tuple) else r[key] for r in results if key in r]
    fill = [r["fill_count"] for r in results if "fill_count" in r]
    stop = next((r["fill_stop"] for r in results if r.get("fill_stop")), "")
    return [
        Row("boot: QEMU start → first loader line (firmware)", "QEMU SVM", "s", col("boot_firmware")),
        Row("boot: first loader line → dom0 prompt", "QEMU SVM", "s", col("boot_after_firmware"), ("≤ 0.6 s", "<=", 0.6)),
        Row("boot: loader start → hypervisor ready (its own TSC)", "QEMU SVM", "s", col("boot_loader_to_ready")),
    ] + [
        Row(f"boot phase: {key[6:].replace(' -> ', ' → ')}", "QEMU SVM", "s", col(key))
        for key in (results[0] if results else {}) if key.startswith("phase ")
    ] + [
        Row("create → guest powered off (bounds first console line)", "QEMU SVM", "ms",
            col("create to powered off"), ("≤ 7.5 ms", "<=", 7.5),
            "medians of 20 per boot, timed in dom0"),
        Row("create (returns: built and unpaused)", "QEMU SVM", "ms", col("create")),
        Row("block: disktest writes then reads its partition", "QEMU SVM, virtio-blk", "MiB/s",
            col("block_mib_s"), note="its whole partition each way; create answered → powered off, host clock"),
        Row("list", "QEMU SVM", "ms", col("list"), ("≤ 3 ms", "<=", 3)),
        Row("destroy → gone", "QEMU SVM", "ms", col("destroy"), ("≤ 5 ms", "<=", 5)),
        Row(f"create #{LIFECYCLE_CYCLES} / create #1", "QEMU SVM", "ratio", col("cycles_last_vs_first"),
            ("≤ 1.2×", "<=", 1.2), "single samples: noisy"),
        Row(f"create, mean of last 5% / first 5% of {LIFECYCLE_CYCLES}", "QEMU SVM", "ratio",
            col("cycles_tail_vs_head"), ("≤ 1.2×", "<=", 1.2)),
        Row("concurrent 2 MiB guests (bench-life) in 1 GiB", "QEMU SVM", "domains", fill, ("≥ 1000", ">=", 1000),
            f"stopped by: {stop}" if stop else ""),
        Row("hypervisor overhead per domain (beyond its RAM)", "QEMU SVM", "bytes", col("overhead_bytes"),
            ("≤ 32 KiB", "<=", 32768)),
        Row("hypervisor footprint: image + frame bitmap + frames it holds", "QEMU SVM, 1 GiB", "bytes",
            [r["hv_image_bytes"] + r["hv_meta_bytes"] + r["hv_held_bytes"] for r in results if "hv_held_bytes" in r],
            ("≤ 2 MB", "<=", 2_000_000), "with dom0 and counter running; see the method"),
        Row("RAM total − free at the boot report (before dom0)", "QEMU SVM, 1 GiB", "MiB",
            col("hv_footprint_mib")),
    ]


def ring_rows(results):
    """ringbench's streams, every round of every boot pooled: MB/s of the blocking streams (the
    polling ones' in the note), and notifications both ways per 1000 requests, reads and writes together."""
    def pooled(streams, index):
        return [r[index] for res in results for stream in streams for r in res.get(stream, [])]

    def median(values, fmt):
        return fmt.format(spread(values)[1]) if values else "-"
    rows = []
    for kib, depth in (("4", 32), ("32", 8)):
        for op in ("read", "write"):
            blocking, polling = [f"{kib} KiB {op} blocking"], [f"{kib} KiB {op} polling"]
            rows.append(Row(f"ring: {kib} KiB {op}s streamed to a null disk, up to {depth} in flight",
                            "QEMU SVM, 2 CPUs", "MB/s", pooled(blocking, 0),
                            note=f"blocking: median {median(pooled(blocking, 1), '{:.0f}')} requests/s; "
                                 f"polling: median {median(pooled(polling, 0), '{:.1f}')} MB/s"))
        for mode in ("blocking", "polling"):
            streams = [f"{kib} KiB read {mode}", f"{kib} KiB write {mode}"]
            rows.append(Row(f"ring notifications, {kib} KiB requests, {mode} (front + back)", "QEMU SVM, 2 CPUs",
                            "per 1000 requests", pooled(streams, 2), RING_NOTIFY_TARGET,
                            f"medians per {RING_REQUESTS} requests: front {median(pooled(streams, 3), '{:.0f}')}, "
                            f"back {median(pooled(streams, 4), '{:.0f}')}"))
    return rows


def merged_table(doc, rows, only, runs):
    """DOC's system table with 'rows' in place of the rows of the same name and test bed (new
    ones go before the TCB row), and a footnote for what was kept from the earlier run."""
    with open(doc) as f:
        found = SYSTEM_SECTION.search(f.read())
    if not found:
        return None
    new = {tuple(line.split(" | ")[:2]): line for line in markdown(rows).splitlines()[2:]}
    old = [line for line in found.group(2).splitlines() if line.startswith("|")]
    header, body = old[:2], old[2:]
    out, placed = [], set()
    for line in body:
        key = tuple(line.split(" | ")[:2])
        if key in new:
            out.append(new[key])
            placed.add(key)
        else:
            out.append(line)
    tcb = next((i for i, line in enumerate(out) if line.startswith("| TCB ")), len(out))
    out[tcb:tcb] = [line for key, line in new.items() if key not in placed]
    # After an earlier partial run, the kept rows are still from the run its footnote names.
    earlier = re.search(r"kept from the run measured (.*?)\.\n", found.group(2))
    return ("\n".join(header + out) + f"\n\nRows of {', '.join(only)}: {runs} boots (BENCH_RUNS), measured as the "
            f"line above says; the other rows are kept from the run measured "
            f"{earlier.group(1) if earlier else found.group(1)}.\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    parser.add_argument("--table")
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--merge", help="docs/performance.md: keep its rows that --only does not measure")
    args = parser.parse_args()
    everything = ["hypercall-qemu", "hypercall-bochs", "pingpong", "dom0", "ring", "tcb"]
    wanted = set(args.only or everything)
    rows = []
    if "hypercall-qemu" in wanted:
        res = repeat("hypercall QEMU", args.runs, bench_boots.hypercall_qemu, FLOOR_TRIPS_QEMU, NULL_CALLS_QEMU)
        rows += hypercall_rows("QEMU SVM", "VMMCALL", res) if res else []
    if "hypercall-bochs" in wanted:
        res = repeat("hypercall Bochs", args.runs, bench_boots.hypercall_bochs, FLOOR_TRIPS_BOCHS, NULL_CALLS_BOCHS)
        if res:
            rows += bochs_rate_rows(res) + instruction_rows(res)
    if "pingpong" in wanted:
        res = repeat("pingpong", args.runs, bench_boots.pingpong)
        rows.append(Row("event ping-pong between two guests", "QEMU SVM, 2 CPUs", "round trips/s",
                        [r["pingpong_rate"] for r in res]))
    if "dom0" in wanted:
        res = repeat("dom0 session", args.runs, bench_boots.dom0_session, LIFECYCLE_CYCLES)
        rows += dom0_rows(res) if res else []
    if "ring" in wanted:
        res = repeat("ringbench", args.runs, bench_boots.ringbench, RING_REQUESTS, RING_ROUNDS)
        rows += ring_rows(res) if res else []
    if "tcb" in wanted:
        lines = tcb_lines.count()
        rows.append(Row("TCB source lines (boot + arch + kernel)", "source", "lines", [sum(lines.values())],
                        ("≤ 9,000", "<=", 9000),
                        ", ".join(f"{k} {v}" for k, v in lines.items())))
    print()
    print(plain(rows))
    if args.table:
        table = None
        if args.merge and wanted != set(everything):
            table = merged_table(args.merge, rows, sorted(wanted), args.runs)
        with open(args.table, "w") as f:
            f.write(table or markdown(rows) + f"\n\n{args.runs} boots of each (BENCH_RUNS); "
                    "rates pool every round of every boot.\n")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
