# build.mk (boot): the GNU-EFI loader, BOOTX64.EFI, built as an ELF shared object and converted to PE32+.

BOOT_EFI := $(BUILD)/BOOTX64.EFI
BOOT_SO  := $(BUILD)/boot/bootx64.so

# Debian's gnu-efi 3.0.15 layout.
EFI_INC  ?= /usr/include/efi
EFI_LIB  ?= /usr/lib
EFI_LDS  ?= $(EFI_LIB)/elf_x86_64_efi.lds
EFI_CRT0 ?= $(EFI_LIB)/crt0-efi-x86_64.o

# Position-independent (gnu-efi relocates itself), MS-ABI firmware calls, no host headers.
BOOT_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -ffreestanding -nostdinc -isystem $(GCC_INCLUDE) \
	-isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 -fpic -fshort-wchar -mno-red-zone \
	-maccumulate-outgoing-args -fno-stack-protector -fno-stack-check -mgeneral-regs-only \
	-DEFI_FUNCTION_WRAPPER -DGNU_EFI_USE_MS_ABI \
	-Iinclude -Ilib -Iarch/x86_64 -Iboot -MMD -MP
BOOT_ASFLAGS := -fpic -Iinclude -Iboot -MMD -MP -D__ASSEMBLY__

# The loader's own files plus the shared freestanding pieces it parses with.
# libefi is deliberately not linked: it defines memcpy/memset too, and the loader
# needs none of its helpers (lib/fmt prints, lib/string copies).
BOOT_SRCS := $(wildcard boot/*.c boot/*.S) lib/cfg.c lib/elf64.c lib/memmap.c lib/fmt.c lib/string.c
BOOT_OBJS := $(patsubst %,$(BUILD)/boot/%.o,$(BOOT_SRCS))

$(BUILD)/boot/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BOOT_CFLAGS) -c $< -o $@

$(BUILD)/boot/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(BOOT_ASFLAGS) -c $< -o $@

# --no-undefined: a shared object would otherwise link with a missing symbol and fault at run time.
$(BOOT_SO): $(BOOT_OBJS) boot/build.mk
	$(LD) -shared -Bsymbolic -nostdlib -znocombreloc --no-undefined -T $(EFI_LDS) $(EFI_CRT0) \
		$(BOOT_OBJS) -o $@ -L$(EFI_LIB) -lgnuefi

$(BOOT_EFI): $(BOOT_SO)
	$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j '.rel.*' -j '.rela.*' -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@

# A stand-in hypervisor that checks the handover and exits QEMU through isa-debug-exit.
BOOT_PROBE_ELF  := $(BUILD)/boot-probe.elf
BOOT_PROBE_SRCS := $(wildcard boot/probe/*.c) lib/fmt.c lib/string.c lib/memmap.c
BOOT_PROBE_OBJS := $(patsubst %,$(BUILD)/boot-probe/%.o,$(BOOT_PROBE_SRCS))

$(BUILD)/boot-probe/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(BOOT_PROBE_ELF): $(BOOT_PROBE_OBJS) linker.ld
	$(LD) -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack --gc-sections \
		-T linker.ld -o $@ $(BOOT_PROBE_OBJS)

.PHONY: boot boot-probe
boot: $(BOOT_EFI)
boot-probe: $(BOOT_PROBE_ELF)

-include $(BOOT_OBJS:.o=.d) $(BOOT_PROBE_OBJS:.o=.d)
