# fuzz.mk: libFuzzer targets (tests/fuzz/fuzz_NAME.c) over host-compiled project sources, built with clang.
#
#   make fuzz              each target for FUZZ_SECONDS (60) from tests/fuzz/corpus/NAME
#   make fuzz-smoke        each target for FUZZ_SMOKE_SECONDS (3): what `make test` runs
#   make fuzz FUZZ_TARGETS_RUN=elf FUZZ_SECONDS=600    one target, longer
# New inputs and crashes go to $(BUILD)/fuzz/NAME/; the committed seeds are never written.

FUZZ_CC   ?= $(shell command -v clang-14 || command -v clang || echo clang-14)
FUZZ_DIR  := $(BUILD)/fuzz
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_TARGETS :=

# The unit tests' flags (warnings, include paths, KEEL_HOST_TEST) with libFuzzer added.
fuzz_comma  := ,
FUZZ_CFLAGS := $(filter-out -fsanitize=address$(fuzz_comma)undefined -MMD -MP,$(HOST_CFLAGS)) \
	-fsanitize=fuzzer,address,undefined -Itests/fuzz

define fuzz_target
FUZZ_TARGETS += $(FUZZ_DIR)/fuzz_$(1)
$(FUZZ_DIR)/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(2) $$(wildcard tests/fuzz/*.h)
	@mkdir -p $(FUZZ_DIR)
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ tests/fuzz/fuzz_$(1).c $(2)
endef

$(eval $(call fuzz_target,elf,lib/elf64.c lib/fmt.c lib/guest_layout.c))
$(eval $(call fuzz_target,cfg,lib/cfg.c lib/fmt.c boot/config.c))
$(eval $(call fuzz_target,domcfg,dom0/domcfg.c lib/cfg.c lib/cmdline.c lib/fmt.c))
$(eval $(call fuzz_target,cli,dom0/lineedit.c dom0/cli_args.c))
$(eval $(call fuzz_target,acpi,arch/x86_64/acpi.c))
$(eval $(call fuzz_target,ring,))
$(FUZZ_DIR)/fuzz_ring: pv-abi/io/ring.h   # header-only: no source to list above

# Names of the targets to run (default: all); the binaries are $(FUZZ_DIR)/fuzz_NAME.
FUZZ_TARGETS_RUN ?= $(patsubst $(FUZZ_DIR)/fuzz_%,%,$(FUZZ_TARGETS))

.PHONY: fuzz-build fuzz fuzz-smoke
fuzz-build: $(FUZZ_TARGETS)

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS_RUN))

fuzz-smoke: fuzz-build
	@tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS_RUN))
