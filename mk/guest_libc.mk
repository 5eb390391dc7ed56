# guest_libc.mk: newlib for guests: guests/libc (console stdio, time, locks) and the newlib glue lib/ shares with dom0, compiled against mk/newlib.mk's newlib.
#
# A guest that wants a C library compiles with GUEST_NEWLIB_CFLAGS, links GUEST_LIBC_OBJS and
# GUEST_NEWLIB_RUNTIME_OBJS (the guest runtime without lib/string.c, whose functions newlib
# supplies), and ends its link line with GUEST_NEWLIB_LIBS. mk/minios.mk is the example.

GUEST_LIBC_DIR  := $(BUILD)/guest_libc
GUEST_LIBC_SRCS := $(wildcard guests/libc/*.c) lib/newlib_heap.c lib/newlib_fds.c lib/newlib_process.c
GUEST_LIBC_OBJS := $(patsubst %,$(GUEST_LIBC_DIR)/obj/%.o,$(GUEST_LIBC_SRCS))
GUEST_NEWLIB_RUNTIME_OBJS := $(filter-out $(GUEST_DIR)/obj/lib/string.c.o,$(GUEST_RUNTIME_OBJS))

# The guests' flags with newlib's headers first (as for dom0): <string.h> is newlib's, while
# "..." includes still find guests/lib and lib/. newlib's generic target declares neither
# clock_gettime nor CLOCK_MONOTONIC; guests/libc/time.c provides both, so say so.
GUEST_NEWLIB_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -ffreestanding -nostdinc \
	-isystem $(NEWLIB_INCLUDE) -isystem $(GCC_INCLUDE) \
	-fno-pic -fno-pie -mcmodel=small -mno-red-zone -fno-stack-protector -fno-stack-check \
	-fno-omit-frame-pointer -fno-common -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -iquote guests/libc -iquote guests/lib -iquote lib -Ipv-abi -MMD -MP \
	-D_POSIX_TIMERS=1 -D_POSIX_MONOTONIC_CLOCK=200112L

# The group lets libc, libm and libgcc resolve each other's references in any order.
GUEST_NEWLIB_LIBS = --start-group $(NEWLIB_LIBDIR)/libc.a $(NEWLIB_LIBDIR)/libm.a \
	$(shell $(CC) -print-libgcc-file-name) --end-group

# Every object needs newlib's headers, so they must exist before anything compiles.
$(GUEST_LIBC_DIR)/obj/%.c.o: %.c | $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_NEWLIB_CFLAGS) -c $< -o $@

-include $(GUEST_LIBC_OBJS:.o=.d)
