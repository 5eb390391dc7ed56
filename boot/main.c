/* main.c: the loader's flow: config, hypervisor, modules, firmware facts, page tables, exit, jump. */
#include <efi.h>

#include <keel/boot_info.h>

#include "after_exit.h"
#include "boot_block.h"
#include "config.h"
#include "console.h"
#include "cpu.h"
#include "esp_file.h"
#include "firmware_tables.h"
#include "fmt.h"
#include "handover.h"
#include "hv_image.h"
#include "memmap.h"
#include "modules.h"
#include "paging.h"
#include "string.h"
#include "uefi_memmap.h"

#define CONFIG_FILE_MAX   (64u << 10)
#define FOUR_GIB          (4ull << 30)
/* PML4 entries 0..127: far below the hypervisor's slot 511 and any CPU's physical reach today. */
#define IDENTITY_TOP_MAX  (1ull << 46)
#define PAGE_BYTES        4096ull

/* crt0 calls this with the SysV convention, so it must not be EFIAPI (see GNU_EFI_USE_MS_ABI). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

/* Large enough to keep off the firmware's small stack. */
static struct boot_config config;
static struct hv_image hv;
static struct uefi_map firmware_map;

static EFI_STATUS load_config(EFI_BOOT_SERVICES *bs, EFI_FILE_HANDLE root)
{
	void *text = NULL;
	uint64_t size = 0;
	EFI_STATUS status = esp_read_file(bs, root, CONFIG_PATH, ESP_INTO_POOL, CONFIG_FILE_MAX,
	                                  &text, &size);
	if (EFI_ERROR(status))
		return status;
	char why[200];
	int rc = config_parse(text, size, &config, why, sizeof why);
	esp_free_file(bs, ESP_INTO_POOL, text, size);
	if (rc != 0) {
		boot_error("%s %s", CONFIG_PATH, why);
		return EFI_LOAD_ERROR;
	}
	/* dom0 reads 'autostart' (and whatever else it wants) from keel.cfg itself. */
	if (config_add_self_for_dom0(&config, why, sizeof why)) {
		boot_error("%s %s", CONFIG_PATH, why);
		return EFI_LOAD_ERROR;
	}
	if (config.autostart_count && !config.dom0_set)
		boot_log("autostart lists %u domain(s), but only dom0 starts them and there is no "
		         "'dom0 =' line", config.autostart_count);
	boot_log("config %s: hypervisor %s, %u module(s), %u module_dir(s)", CONFIG_PATH,
	         config.hypervisor, config.module_count, config.module_dir_count);
	return modules_add_dirs(root, &config);
}

static bool cpu_has_nx(void)
{
	if (cpuid(0x80000000u, 0).eax < 0x80000001u)
		return false;
	return (cpuid(0x80000001u, 0).edx >> 20) & 1;
}

/* The identity map must reach all RAM and MMIO the firmware reported, and 4 GiB at least. */
static EFI_STATUS identity_top(const struct boot_framebuffer *fb, uint64_t *top)
{
	uint64_t t = uefi_map_top(&firmware_map);
	if (t < FOUR_GIB)
		t = FOUR_GIB;
	if (fb->base && fb->base + fb->size > t)
		t = fb->base + fb->size;
	if (t > IDENTITY_TOP_MAX) {
		boot_error("physical memory reaches 0x%llx, beyond the 0x%llx the loader can map",
		           (unsigned long long)t, (unsigned long long)IDENTITY_TOP_MAX);
		return EFI_UNSUPPORTED;
	}
	*top = t;
	return EFI_SUCCESS;
}

/* After ExitBootServices: firmware map plus what the loader placed, with no firmware calls. */
static enum memmap_status build_memory_map(const struct boot_block *block)
{
	struct memmap map;
	memmap_init(&map, block->memmap, BOOT_MEMMAP_MAX);
	enum memmap_status st = uefi_map_translate(&firmware_map, &map);
	if (st == MEMMAP_OK)
		st = memmap_carve(&map, hv.phys_base, hv.size, BOOT_MEM_HYPERVISOR);
	for (uint32_t i = 0; st == MEMMAP_OK && i < block->info->module_count; i++) {
		const struct boot_module *m = &block->modules[i];
		uint64_t pages = (m->size + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1);
		st = memmap_carve(&map, m->base, pages, BOOT_MEM_MODULE);
	}
	if (st == MEMMAP_OK)
		st = memmap_carve(&map, block->base, block->size, BOOT_MEM_BOOT_INFO);
	if (st == MEMMAP_OK)
		st = memmap_page_align(&map);
	block->info->memmap_count = map.count;
	return st;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	uint64_t start_tsc = rdtsc();
	console_init(st);
	EFI_BOOT_SERVICES *bs = st->BootServices;
	boot_log("Keel loader");

	EFI_FILE_HANDLE root = NULL;
	EFI_STATUS status = esp_open_root(image, bs, &root);
	if (EFI_ERROR(status))
		return status;
	status = load_config(bs, root);
	if (EFI_ERROR(status))
		return status;

	struct boot_block block;
	status = boot_block_alloc(bs, &block);
	if (EFI_ERROR(status))
		return status;
	struct boot_info *info = block.info;
	info->loader_start_tsc = start_tsc;
	info->efi_system_table = (uint64_t)(uintptr_t)st;
	strlcpy(info->cmdline, config.cmdline, sizeof info->cmdline);

	status = hv_image_load(bs, root, config.hypervisor, &hv);
	if (EFI_ERROR(status))
		return status;
	info->hv_phys_base = hv.phys_base;
	info->hv_virt_base = hv.virt_base;
	info->hv_size = hv.size;
	boot_log("hypervisor %s: %llu KiB at 0x%llx, linked at 0x%llx, entry 0x%llx",
	         config.hypervisor, (unsigned long long)(hv.size >> 10),
	         (unsigned long long)hv.phys_base, (unsigned long long)hv.virt_base,
	         (unsigned long long)hv.entry);

	status = modules_load(bs, root, &config, block.modules);
	if (EFI_ERROR(status))
		return status;
	info->module_count = config.module_count;
	root->Close(root);

	info->acpi_rsdp = find_acpi_rsdp(st);
	find_framebuffer(bs, &info->fb);
	if (info->fb.base)
		boot_log("ACPI RSDP at 0x%llx; framebuffer %ux%u at 0x%llx",
		         (unsigned long long)info->acpi_rsdp, info->fb.width, info->fb.height,
		         (unsigned long long)info->fb.base);
	else
		boot_log("ACPI RSDP at 0x%llx; no framebuffer", (unsigned long long)info->acpi_rsdp);

	status = uefi_map_prepare(bs, &firmware_map);
	if (EFI_ERROR(status))
		return status;
	uint64_t top = 0;
	status = identity_top(&info->fb, &top);
	if (EFI_ERROR(status))
		return status;
	bool use_nx = cpu_has_nx();
	uint64_t cr3 = 0;
	status = paging_build(bs, top, &hv, use_nx, &cr3);
	if (EFI_ERROR(status))
		return status;
	boot_log("identity map up to 0x%llx, page tables at 0x%llx%s; exiting boot services",
	         (unsigned long long)top, (unsigned long long)cr3, use_nx ? ", NX on" : "");

	/* From here on nothing may allocate: the map key must stay valid. */
	status = uefi_exit_boot_services(bs, image, &firmware_map);
	if (EFI_ERROR(status))
		return status;
	__asm__ volatile("cli" ::: "memory");

	if (build_memory_map(&block) != MEMMAP_OK) {
		char message[96];
		fmt_snprintf(message, sizeof message, "memory map does not fit in %d entries",
		             BOOT_MEMMAP_MAX);
		after_exit_fail(st->RuntimeServices, message);
	}
	if (use_nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	keel_handover(cr3, hv.entry, block.base);
}
