# guests.mk: builds the example and test guests (guests/) into build/guests/NAME.elf and ships them in \keel\guests\.
#
# guests/hello/*.c            -> build/guests/hello.elf
# guests/counter/*.c          -> build/guests/counter.elf (the interactive-console demo)
# guests/disktest/*.c         -> build/guests/disktest.elf (block device: pattern write, read back, verify)
# guests/blkhostile/*.c       -> build/guests/blkhostile.elf (attacks its block backend, then idles)
# guests/hcfuzz/*.c           -> build/guests/hcfuzz.elf (the hostile guest: seeded random hypercalls)
# guests/victim/*.c           -> build/guests/victim.elf (rechecks a seeded pattern in its RAM every second)
# guests/hog/*.c              -> build/guests/hog.elf (every vCPU spins: a CPU hog for the liveness test)
# guests/bench/*.c            -> build/guests/bench.elf (times null hypercalls for `make bench`)
# guests/ringbench/*.c        -> build/guests/ringbench.elf (block ring throughput on a null disk)
# guests/tests/NAME.c         -> build/guests/xtf-NAME.elf (one XTF-style test per guest)
# Every guest links the runtime (guests/lib) and the shared lib/fmt.c and lib/string.c;
# --gc-sections drops what a guest does not use. Test guests also link the XTF framework
# (guests/lib/xtf.c), which provides their guest_main.

GUEST_DIR := $(BUILD)/guests
GUEST_LD  := guests/lib/guest.ld

# Freestanding like the hypervisor, but linked low (identity-mapped at 0x100000) and free to
# use SSE: the runtime enables it before any C runs.
GUEST_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -ffreestanding -nostdinc -isystem $(GCC_INCLUDE) \
	-fno-pic -fno-pie -mcmodel=small -mno-red-zone -fno-stack-protector -fno-stack-check \
	-fno-omit-frame-pointer -fno-common -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -Iguests/lib -Ilib -Ipv-abi -MMD -MP
GUEST_ASFLAGS := -g -Iguests/lib -Ilib -Ipv-abi -MMD -MP -D__ASSEMBLY__

GUEST_XTF_SRCS     := guests/lib/xtf.c
GUEST_RUNTIME_SRCS := $(filter-out $(GUEST_XTF_SRCS),$(wildcard guests/lib/*.c guests/lib/*.S)) \
	lib/fmt.c lib/string.c lib/cmdline.c lib/elf64.c lib/guest_layout.c
GUEST_RUNTIME_OBJS := $(patsubst %,$(GUEST_DIR)/obj/%.o,$(GUEST_RUNTIME_SRCS))

# The exception handler interrupts code that may hold XMM values and saves only general registers.
$(GUEST_DIR)/obj/guests/lib/trap.c.o: GUEST_CFLAGS += -mgeneral-regs-only

GUEST_TESTS := $(patsubst guests/tests/%.c,%,$(wildcard guests/tests/*.c))
GUEST_ELFS  := $(GUEST_DIR)/hello.elf $(GUEST_DIR)/counter.elf $(GUEST_DIR)/disktest.elf \
	$(GUEST_DIR)/blkhostile.elf $(patsubst %,$(GUEST_DIR)/xtf-%.elf,$(GUEST_TESTS))
GUEST_ELFS  += $(GUEST_DIR)/hcfuzz.elf $(GUEST_DIR)/victim.elf $(GUEST_DIR)/hog.elf
GUEST_ELFS  += $(GUEST_DIR)/minios.elf   # built by mk/minios.mk (it needs newlib)
GUEST_ELFS  += $(GUEST_DIR)/bench.elf $(GUEST_DIR)/ringbench.elf
GUEST_OBJS  := $(GUEST_RUNTIME_OBJS)

$(GUEST_DIR)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_DIR)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(GUEST_ASFLAGS) -c $< -o $@

# $(1) = ELF, $(2) = the guest's own sources.
define guest_elf
GUEST_OBJS += $(patsubst %,$(GUEST_DIR)/obj/%.o,$(2))
$(1): $(patsubst %,$(GUEST_DIR)/obj/%.o,$(2)) $(GUEST_RUNTIME_OBJS) $(GUEST_LD)
	@echo "  LD      $$@"
	$(Q)$(LD) -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack --gc-sections \
		-T $(GUEST_LD) -o $$@ $(patsubst %,$(GUEST_DIR)/obj/%.o,$(2)) $(GUEST_RUNTIME_OBJS)
endef
$(eval $(call guest_elf,$(GUEST_DIR)/hello.elf,$(wildcard guests/hello/*.c)))
$(eval $(call guest_elf,$(GUEST_DIR)/counter.elf,$(wildcard guests/counter/*.c)))
$(eval $(call guest_elf,$(GUEST_DIR)/disktest.elf,$(wildcard guests/disktest/*.c)))
$(eval $(call guest_elf,$(GUEST_DIR)/blkhostile.elf,$(wildcard guests/blkhostile/*.c)))
$(eval $(call guest_elf,$(GUEST_DIR)/hcfuzz.elf,$(wildcard guests/hcfuzz/*.c)))
$(eval $(call guest_elf,$(GUEST_DIR)/victim.elf,$(wildcard guests/victim/*.c)))
$(eval $(call guest_elf,$(GUEST_DIR)/hog.elf,$(wildcard guests/hog/*.c)))
$(eval $(call guest_elf,$(GUEST_DIR)/bench.elf,$(wildcard guests/bench/*.c)))
$(eval $(call guest_elf,$(GUEST_DIR)/ringbench.elf,$(wildcard guests/ringbench/*.c)))
$(foreach t,$(GUEST_TESTS),$(eval $(call guest_elf,$(GUEST_DIR)/xtf-$(t).elf,guests/tests/$(t).c $(GUEST_XTF_SRCS))))
include guests/testctl/testctl.mk

.PHONY: guests
guests: $(GUEST_ELFS)

# mk/esp.mk ships ESP_MODULES flat in \keel\; guests go to \keel\guests\ instead, so they get
# their own copy rule and are added to the ESP image's (and the disk image's) prerequisites.
ESP_GUESTS := $(patsubst $(GUEST_DIR)/%,$(ESP_DIR)/keel/guests/%,$(GUEST_ELFS))

$(ESP_DIR)/keel/guests/%.elf: $(GUEST_DIR)/%.elf
	@mkdir -p $(dir $@)
	@echo "  ESP     $@"
	$(Q)$(OBJCOPY) --strip-debug $< $@

$(ESP_IMG) $(IMAGE): $(ESP_GUESTS)

-include $(GUEST_OBJS:.o=.d)
