# minios.mk: builds guests/minios (the ported example kernel, with newlib) into $(BUILD)/guests/minios.elf, shipped in \keel\guests\ like the other guests.
#
# It links like any guest (guests/lib/guest.ld at 0x100000) plus minios_sections.ld, which
# names the sections' bounds for minios's own page tables.

include mk/guest_libc.mk

MINIOS_DIR  := $(BUILD)/minios
MINIOS_ELF  := $(GUEST_DIR)/minios.elf
MINIOS_SRCS := $(wildcard guests/minios/*.c guests/minios/*.S)
MINIOS_OBJS := $(patsubst %,$(MINIOS_DIR)/obj/%.o,$(MINIOS_SRCS))
MINIOS_LDS  := $(GUEST_LD) guests/minios/minios_sections.ld

MINIOS_CFLAGS := $(GUEST_NEWLIB_CFLAGS) -iquote guests/minios
MINIOS_ASFLAGS := -g -Ilib -Ipv-abi -MMD -MP -D__ASSEMBLY__

$(MINIOS_DIR)/obj/%.c.o: %.c | $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(MINIOS_CFLAGS) -c $< -o $@

$(MINIOS_DIR)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(MINIOS_ASFLAGS) -c $< -o $@

$(MINIOS_ELF): $(MINIOS_OBJS) $(GUEST_LIBC_OBJS) $(GUEST_NEWLIB_RUNTIME_OBJS) $(MINIOS_LDS) $(NEWLIB_STAMP)
	@echo "  LD      $@"
	$(Q)$(LD) -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack --gc-sections \
		-T $(GUEST_LD) -o $@ $(MINIOS_OBJS) $(GUEST_LIBC_OBJS) $(GUEST_NEWLIB_RUNTIME_OBJS) \
		guests/minios/minios_sections.ld $(GUEST_NEWLIB_LIBS)

.PHONY: minios
minios: $(MINIOS_ELF)

-include $(MINIOS_OBJS:.o=.d)
