/* probe.c: a stand-in hypervisor that verifies the loader's handover and exits QEMU with the verdict. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <keel/boot_info.h>

#include "cpu.h"
#include "fmt.h"
#include "memmap.h"
#include "string.h"

/*
 * Linked with the hypervisor's own linker.ld, so it checks the real layout.
 * Verdict through isa-debug-exit (port 0xf4): 0x21 (QEMU exit 67) = every
 * check passed, 0x01 (exit 3) = a check failed. Output goes to COM1.
 */

#define DEBUG_EXIT_PORT 0xf4
#define EXIT_PASS       0x21
#define EXIT_FAIL       0x01
#define COM1            0x3f8
#define PTE_PRESENT     (1ull << 0)
#define PTE_WRITE       (1ull << 1)
#define PTE_LARGE       (1ull << 7)
#define PTE_NX          (1ull << 63)
#define PTE_ADDR        0x000ffffffffff000ull

extern char __hv_start[], __text_start[], __rodata_start[], __data_start[], __bss_start[];

void hv_entry(const struct boot_info *info);

static volatile uint32_t data_marker = 0x600dda7a;  /* proves .data was copied */
static volatile uint8_t bss_block[64 << 10];                  /* proves .bss was zeroed */
static const char rodata_marker[] = "keel-probe rodata";
static unsigned failures;

static void com1_put(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		com1_put(ctx, '\r');
	for (int spin = 0; spin < 100000 && !(inb(COM1 + 5) & 0x20); spin++)
		;
	outb(COM1, (uint8_t)c);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (const char *p = "keel-probe: "; *p; p++)
		com1_put(NULL, *p);
	fmt_vformat(com1_put, NULL, fmt, ap);
	va_end(ap);
	com1_put(NULL, '\n');
}

#define CHECK(cond, ...) do { if (!(cond)) { failures++; say("FAIL " __VA_ARGS__); } } while (0)

/* The leaf entry mapping va in the live tables (identity-mapped), or 0. */
static uint64_t leaf_entry(uint64_t va)
{
	uint64_t table = read_cr3() & PTE_ADDR;
	for (int level = 4; level >= 1; level--) {
		uint64_t entry = ((const uint64_t *)(uintptr_t)table)[(va >> (12 + 9 * (level - 1))) & 511];
		if (!(entry & PTE_PRESENT) || level == 1 || (entry & PTE_LARGE))
			return entry;
		table = entry & PTE_ADDR;
	}
	return 0;
}

static const struct boot_mem_region *region_containing(const struct boot_info *info, uint64_t pa)
{
	const struct boot_mem_region *r = (const void *)(uintptr_t)info->memmap;
	for (uint32_t i = 0; i < info->memmap_count; i++)
		if (pa >= r[i].base && pa - r[i].base < r[i].length)
			return &r[i];
	return NULL;
}

static void check_covered(const struct boot_info *info, uint64_t base, uint64_t size,
                          uint32_t type, const char *what)
{
	const struct boot_mem_region *r = region_containing(info, base);
	CHECK(r && r->type == type && base + size <= r->base + r->length,
	      "%s 0x%llx+0x%llx not covered by one %s region", what, (unsigned long long)base,
	      (unsigned long long)size, memmap_type_name(type));
}

static void check_memmap(const struct boot_info *info)
{
	const struct boot_mem_region *r = (const void *)(uintptr_t)info->memmap;
	uint64_t usable = 0;
	CHECK(info->memmap_count > 0 && info->memmap_count <= BOOT_MEMMAP_MAX, "memmap count %u",
	      info->memmap_count);
	for (uint32_t i = 0; i < info->memmap_count; i++) {
		CHECK(r[i].type >= BOOT_MEM_USABLE && r[i].type < BOOT_MEM_TYPE_MAX, "region %u type %u",
		      i, r[i].type);
		CHECK(r[i].length && !(r[i].base & 0xfff) && !(r[i].length & 0xfff),
		      "region %u not page-aligned", i);
		if (i)
			CHECK(r[i - 1].base + r[i - 1].length <= r[i].base, "regions %u/%u unsorted or overlap",
			      i - 1, i);
		if (r[i].type == BOOT_MEM_USABLE)
			usable += r[i].length;
		say("  0x%012llx-0x%012llx %s", (unsigned long long)r[i].base,
		    (unsigned long long)(r[i].base + r[i].length - 1), memmap_type_name(r[i].type));
	}
	say("memmap: %u regions, %llu MiB usable", info->memmap_count,
	    (unsigned long long)(usable >> 20));
	check_covered(info, info->hv_phys_base, info->hv_size, BOOT_MEM_HYPERVISOR, "hypervisor");
	check_covered(info, (uint64_t)(uintptr_t)info, sizeof *info, BOOT_MEM_BOOT_INFO, "boot_info");
}

static void check_modules(const struct boot_info *info)
{
	const struct boot_module *m = (const void *)(uintptr_t)info->modules;
	CHECK(info->module_count <= BOOT_MODULES_MAX, "module count %u", info->module_count);
	for (uint32_t i = 0; i < info->module_count && i < BOOT_MODULES_MAX; i++) {
		const uint8_t *bytes = (const uint8_t *)(uintptr_t)m[i].base;
		say("module %u: kind %u name '%s' size %llu cmdline '%s' first bytes %02x %02x %02x %02x",
		    i, m[i].kind, m[i].name, (unsigned long long)m[i].size, m[i].cmdline,
		    bytes[0], bytes[1], bytes[2], bytes[3]);
		CHECK(!(m[i].base & 0xfff) && m[i].size, "module %u placement", i);
		CHECK(strnlen(m[i].name, BOOT_NAME_MAX) < BOOT_NAME_MAX && m[i].name[0] == '\\',
		      "module %u name", i);
		check_covered(info, m[i].base, m[i].size, BOOT_MEM_MODULE, "module");
	}
}

static void check_paging(const struct boot_info *info)
{
	uint64_t text = leaf_entry((uint64_t)(uintptr_t)__text_start);
	uint64_t rodata = leaf_entry((uint64_t)(uintptr_t)__rodata_start);
	uint64_t data = leaf_entry((uint64_t)(uintptr_t)__data_start);
	bool nx = rdmsr(MSR_EFER) & EFER_NXE;
	CHECK((text & PTE_ADDR) == info->hv_phys_base, "text maps to 0x%llx, not hv_phys_base",
	      (unsigned long long)(text & PTE_ADDR));
	CHECK(!(text & PTE_WRITE) && !(text & PTE_NX), "text pte 0x%llx", (unsigned long long)text);
	CHECK(!(rodata & PTE_WRITE) && (!nx || (rodata & PTE_NX)), "rodata pte 0x%llx",
	      (unsigned long long)rodata);
	CHECK((data & PTE_WRITE) && (!nx || (data & PTE_NX)), "data pte 0x%llx",
	      (unsigned long long)data);
	/* The identity map: 2 MiB pages from 0 through at least 4 GiB. */
	uint64_t low = leaf_entry(0x200000), high = leaf_entry(0xffe00000);
	CHECK((low & PTE_LARGE) && (low & PTE_ADDR) == 0x200000, "identity 2M pte 0x%llx",
	      (unsigned long long)low);
	CHECK((high & PTE_LARGE) && (high & PTE_ADDR) == 0xffe00000, "identity 4G-2M pte 0x%llx",
	      (unsigned long long)high);
	say("paging: text %llx rodata %llx data %llx, NX %s", (unsigned long long)text,
	    (unsigned long long)rodata, (unsigned long long)data, nx ? "on" : "off");
}

__attribute__((section(".text.entry"), noreturn))
void hv_entry(const struct boot_info *info)
{
	uint64_t entry_tsc = rdtsc();
	say("entered at 0x%llx with boot_info at 0x%llx", (unsigned long long)(uintptr_t)hv_entry,
	    (unsigned long long)(uintptr_t)info);
	CHECK(!(read_rflags() & (1u << 9)), "interrupts enabled at entry");
	CHECK(info->magic == BOOT_INFO_MAGIC && info->version == BOOT_INFO_VERSION &&
	      info->size == sizeof *info, "boot_info header");
	if (failures == 0) {
		CHECK(info->hv_virt_base == (uint64_t)(uintptr_t)__hv_start, "hv_virt_base 0x%llx",
		      (unsigned long long)info->hv_virt_base);
		CHECK(!(info->hv_phys_base & 0x1fffff) && info->hv_size && !(info->hv_size & 0xfff),
		      "hv placement 0x%llx+0x%llx", (unsigned long long)info->hv_phys_base,
		      (unsigned long long)info->hv_size);
		CHECK(data_marker == 0x600dda7a, "data not loaded");
		bool zero = true;
		for (unsigned i = 0; i < sizeof bss_block; i++)
			zero &= bss_block[i] == 0;
		CHECK(zero, "bss not zeroed");
		CHECK(strcmp(rodata_marker, "keel-probe rodata") == 0, "rodata not loaded");
		CHECK(info->loader_start_tsc && info->loader_start_tsc < entry_tsc, "loader tsc");
		say("cmdline '%s'", info->cmdline);
		say("rsdp 0x%llx fb 0x%llx %ux%u", (unsigned long long)info->acpi_rsdp,
		    (unsigned long long)info->fb.base, info->fb.width, info->fb.height);
		check_memmap(info);
		check_modules(info);
		check_paging(info);
	}
	say("%s (%u failed checks)", failures ? "FAIL" : "PASS", failures);
	outb(DEBUG_EXIT_PORT, failures ? EXIT_FAIL : EXIT_PASS);
	for (;;)
		__asm__ volatile("cli; hlt");
}
