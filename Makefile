# Makefile: builds, runs and tests Keel. `make run` and `make test` are the two user-facing commands.

BUILD ?= build
.DEFAULT_GOAL := all

include mk/toolchain.mk
include mk/hypervisor.mk
include boot/build.mk
include tests/unit/build.mk
include mk/esp.mk
include mk/image.mk
include mk/guests.mk
include mk/newlib.mk
include mk/dom0.mk
include mk/minios.mk
include mk/disk.mk
include mk/debug.mk
include mk/bench.mk
include mk/fuzz.mk

.PHONY: all deps run test clean bench
all: $(HV_ELF) $(BOOT_EFI) $(GUEST_ELFS) $(DOM0_ELF)

# Installs missing Debian packages; silent when everything is present.
deps:
	@tools/deps.sh

run: deps
	@$(MAKE) --no-print-directory all esp
	@tools/run-qemu.sh $(RUN_ARGS)

test: deps
	@$(MAKE) --no-print-directory all esp image unit-build fuzz-build
	@tools/run-tests.sh

clean:
	rm -rf $(BUILD)
