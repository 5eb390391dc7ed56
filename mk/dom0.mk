# dom0.mk: builds the privileged domain dom0/*.c, *.S into $(BUILD)/dom0.elf, shipped as \keel\dom0.elf.
#
# dom0 is a guest of the ABI like any other: it links the guest runtime (guests/lib and the
# shared lib/ objects mk/guests.mk builds) for its start, traps, events, timer, grants,
# control calls and builder. Unlike the other guests it has a C library, newlib
# (mk/newlib.mk), which also supplies memcpy, strlen, ...: lib/string.c's copies are left
# out of the link so each of those names has exactly one definition.

DOM0_DIR := $(BUILD)/dom0
DOM0_ELF := $(BUILD)/dom0.elf
DOM0_LD  := guests/lib/guest.ld

# DOM0_SRCS may be overridden to link another set of files (e.g. an experiment's own CLI).
DOM0_SRCS ?= $(wildcard dom0/*.c dom0/*.S)
# Shared lib/ code dom0 uses beyond the guest runtime's: the config parser (domain configs, keel.cfg),
# and the newlib glue it shares with guests/libc (heap, descriptors, getpid/kill/_exit).
DOM0_SRCS += lib/cfg.c lib/byte_history.c lib/newlib_heap.c lib/newlib_fds.c lib/newlib_process.c
DOM0_OBJS := $(patsubst %,$(DOM0_DIR)/obj/%.o,$(DOM0_SRCS))
DOM0_RUNTIME_OBJS := $(filter-out $(GUEST_DIR)/obj/lib/string.c.o,$(GUEST_RUNTIME_OBJS))

# The release, from the one place it is written.
DOM0_VERSION := $(shell sed -n 's/^\#define KEEL_VERSION_STRING "\(.*\)"/\1/p' kernel/config.h)

# The guests' flags, except the include paths: newlib's headers come before the compiler's
# freestanding ones, and the project's directories are searched only for "..." includes,
# so <string.h> is newlib's and "string.h" is still lib/'s where the runtime wants it.
DOM0_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -ffreestanding -nostdinc \
	-isystem $(NEWLIB_INCLUDE) -isystem $(GCC_INCLUDE) \
	-fno-pic -fno-pie -mcmodel=small -mno-red-zone -fno-stack-protector -fno-stack-check \
	-fno-omit-frame-pointer -fno-common -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -iquote dom0 -iquote guests/lib -iquote lib -Ipv-abi -MMD -MP \
	-DDOM0_VERSION='"$(DOM0_VERSION)"'
DOM0_ASFLAGS := -g -iquote dom0 -Ipv-abi -MMD -MP -D__ASSEMBLY__

# Every object needs newlib's headers, so they must exist before anything compiles.
$(DOM0_DIR)/obj/%.c.o: %.c | $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(DOM0_CFLAGS) -c $< -o $@

$(DOM0_DIR)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(DOM0_ASFLAGS) -c $< -o $@

# The group lets libc, libm and libgcc resolve each other's references in any order.
$(DOM0_ELF): $(DOM0_OBJS) $(DOM0_RUNTIME_OBJS) $(DOM0_LD) $(NEWLIB_STAMP)
	@echo "  LD      $@"
	$(Q)$(LD) -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack --gc-sections \
		-T $(DOM0_LD) -o $@ $(DOM0_OBJS) $(DOM0_RUNTIME_OBJS) \
		--start-group $(NEWLIB_LIBDIR)/libc.a $(NEWLIB_LIBDIR)/libm.a \
		$(shell $(CC) -print-libgcc-file-name) --end-group

.PHONY: dom0
dom0: $(DOM0_ELF)

-include $(DOM0_OBJS:.o=.d)
