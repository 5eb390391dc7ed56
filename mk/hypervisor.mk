# hypervisor.mk: builds the hypervisor ELF (arch/ + kernel/ + the shared lib/ pieces) with linker.ld.

HV_ELF := $(BUILD)/keel.elf

# Shared code compiled into the hypervisor: printing, strings, command-line parsing.
HV_LIB_SRCS := lib/fmt.c lib/string.c lib/cmdline.c lib/elf64.c lib/guest_layout.c lib/byte_history.c

HV_SRCS := $(wildcard arch/x86_64/*.c arch/x86_64/*.S kernel/*.c) $(HV_LIB_SRCS)
HV_SRCS += $(wildcard arch/x86_64/svm/*.c arch/x86_64/svm/*.S)
HV_SRCS += $(wildcard arch/x86_64/vmx/*.c arch/x86_64/vmx/*.S)
HV_OBJS := $(patsubst %,$(BUILD)/hv/%.o,$(HV_SRCS))

$(BUILD)/hv/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(HV_ASFLAGS) -c $< -o $@

$(HV_ELF): $(HV_OBJS) linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack --gc-sections \
		-T linker.ld -o $@ $(HV_OBJS)

-include $(HV_OBJS:.o=.d)
