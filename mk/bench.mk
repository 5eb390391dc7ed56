# bench.mk: `make bench`: host and emulator benchmarks, run several times, tabulated into docs/performance.md.
#
# The ring benchmark streams 64- and 512-byte messages between two threads through Keel's
# pv-abi/io/ring.h, Concurrency Kit's ck_ring (libck-dev) and Xen's io/ring.h (libxen-dev),
# all compiled into one binary and run interleaved in the same process.
#
# The system benchmarks (tests/bench/bench.py) boot the ESP under QEMU (TCG, SVM) and Bochs
# (VMX) 3 times each (BENCH_RUNS times when it is given): null hypercalls next to the bare
# world-switch loop, the hypervisor's instruction count per hypercall exit, event ping-pong,
# boot time, the domain lifecycle as dom0 sees it, block throughput, memory per domain, and
# the TCB's size, and the block ring's throughput and notifications on a null disk (ringbench).
# About 5 minutes, plus the ring benchmark.
# BENCH_ONLY="dom0 tcb" picks some of them (names in bench.py's usage); their rows replace
# theirs in docs/performance.md's table and the other rows stay.

BENCH_DIR    := $(BUILD)/bench
RING_BENCH   := $(BENCH_DIR)/ring_bench
BENCH_RUNS   ?= 5
SYSTEM_RUNS  ?= $(if $(filter command line environment,$(origin BENCH_RUNS)),$(BENCH_RUNS),3)
BENCH_ONLY   ?=
BENCH_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -Wno-missing-prototypes -Ipv-abi -Itests/bench -MMD -MP

.PHONY: bench bench-rings bench-system
bench: bench-rings bench-system

bench-rings: deps $(RING_BENCH)
	@load=$$(cut -d' ' -f1-3 /proc/loadavg); \
	$(RING_BENCH) --runs $(BENCH_RUNS) --table $(BENCH_DIR)/rings.md && \
	$(PYTHON) tests/bench/update_doc.py docs/performance.md rings $(BENCH_DIR)/rings.md "$$load"

# The emulator boots run one after another: two at once would measure each other.
bench-system: deps esp
	@mkdir -p $(BENCH_DIR)
	@load=$$(cut -d' ' -f1-3 /proc/loadavg); \
	BUILD=$(BUILD) $(PYTHON) tests/bench/bench.py --runs $(SYSTEM_RUNS) --table $(BENCH_DIR)/system.md \
		$(if $(BENCH_ONLY),--only $(BENCH_ONLY) --merge docs/performance.md) && \
	$(PYTHON) tests/bench/update_doc.py docs/performance.md system $(BENCH_DIR)/system.md "$$load"

$(RING_BENCH): tests/bench/ring_bench.c
	@mkdir -p $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) -o $@ $< -pthread

-include $(RING_BENCH).d
