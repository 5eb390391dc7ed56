# toolchain.mk: compiler flags shared by every freestanding image and by host tools.

CC      ?= gcc
LD      ?= ld
OBJCOPY ?= objcopy
PYTHON  ?= python3

# V=1 shows full command lines.
Q := $(if $(V),,@)

# Only the compiler's own freestanding headers (stdint, stddef, stdarg, stdbool): no host libc.
GCC_INCLUDE := $(shell $(CC) -print-file-name=include)

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla

# The hypervisor: higher-half, no SSE/x87 (so guest FPU state is never touched by accident).
HV_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -ffreestanding -nostdinc -isystem $(GCC_INCLUDE) \
	-fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -fno-stack-protector -fno-stack-check \
	-mgeneral-regs-only -fno-omit-frame-pointer -fno-common -ffunction-sections -fdata-sections \
	-Iinclude -Ilib -Iarch/x86_64 -Ikernel -Ipv-abi -MMD -MP
HV_ASFLAGS := -g -Iinclude -Ilib -Iarch/x86_64 -Ikernel -MMD -MP -D__ASSEMBLY__

# Host-compiled unit tests: the same sources under ASan and UBSan.
HOST_CFLAGS := -std=gnu11 -O1 -g $(WARNINGS) -Wno-missing-prototypes \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-Iinclude -Ilib -Iarch/x86_64 -Ikernel -Ipv-abi -DKEEL_HOST_TEST -MMD -MP
