# bench.mk: `make bench`: host benchmarks, run several times, tabulated into docs/performance.md.
#
# The ring benchmark streams 64- and 512-byte messages between two threads through Keel's
# pv-abi/io/ring.h, Concurrency Kit's ck_ring (libck-dev) and Xen's io/ring.h (libxen-dev),
# all compiled into one binary and run interleaved in the same process.

BENCH_DIR    := $(BUILD)/bench
RING_BENCH   := $(BENCH_DIR)/ring_bench
BENCH_RUNS   ?= 5
BENCH_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -Wno-missing-prototypes -Ipv-abi -Itests/bench -MMD -MP

.PHONY: bench
bench: deps $(RING_BENCH)
	@load=$$(cut -d' ' -f1-3 /proc/loadavg); \
	$(RING_BENCH) --runs $(BENCH_RUNS) --table $(BENCH_DIR)/rings.md && \
	$(PYTHON) tests/bench/update_doc.py docs/performance.md rings $(BENCH_DIR)/rings.md "$$load"

$(RING_BENCH): tests/bench/ring_bench.c
	@mkdir -p $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) -o $@ $< -pthread

-include $(RING_BENCH).d
