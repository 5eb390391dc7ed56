/* boot_info.h: the handover contract between the UEFI loader (boot/) and the hypervisor. */
#ifndef KEEL_BOOT_INFO_H
#define KEEL_BOOT_INFO_H

#include <stdint.h>

/*
 * Machine state at hypervisor entry (the loader guarantees all of it):
 *  - 64-bit long mode, CS a flat 64-bit code segment, interrupts disabled.
 *  - Paging on loader-built tables that map
 *      * every physical address below max(4 GiB, highest memory-map address)
 *        1:1 (identity) with 2 MiB pages, read/write/execute, and
 *      * the hypervisor image at its link address (see linker.ld).
 *  - rdi holds the physical (== identity-mapped) address of struct boot_info.
 *  - The stack is the loader's; the hypervisor switches away at once.
 *  - Boot services have been exited. Nothing of UEFI is callable.
 *
 * Every pointer-sized field is a physical address. The structure is versioned:
 * a hypervisor refuses a boot_info whose magic or major version differs, and
 * ignores fields beyond 'size' that it does not know.
 */

#define BOOT_INFO_MAGIC     0x544f4f424c45454bULL /* "KEELBOOT" little-endian */
#define BOOT_INFO_VERSION   1

#define BOOT_CMDLINE_MAX    256
#define BOOT_NAME_MAX       64
#define BOOT_MODULES_MAX    64        /* room for a module_dir of guest images and configs */
#define BOOT_MEMMAP_MAX     512

/* Memory-map types. The loader translates the UEFI map into these. */
enum boot_mem_type {
	BOOT_MEM_USABLE = 1,      /* free RAM */
	BOOT_MEM_RECLAIMABLE,     /* boot-services and loader memory: free once the
	                           * hypervisor runs on its own page tables and stack */
	BOOT_MEM_ACPI_TABLES,     /* ACPI reclaimable: holds the ACPI tables */
	BOOT_MEM_ACPI_NVS,        /* firmware-owned, never touched */
	BOOT_MEM_FW_RUNTIME,      /* UEFI runtime code and data, never touched */
	BOOT_MEM_RESERVED,        /* reserved, MMIO, unusable, or unknown types */
	BOOT_MEM_HYPERVISOR,      /* the hypervisor image */
	BOOT_MEM_MODULE,          /* a boot module (dom0, guest images, ...) */
	BOOT_MEM_BOOT_INFO,       /* this structure and the arrays it points at */
	BOOT_MEM_TYPE_MAX
};

/* One physical range. Ranges are sorted, never overlap, and page-aligned. */
struct boot_mem_region {
	uint64_t base;
	uint64_t length;
	uint32_t type;            /* enum boot_mem_type */
	uint32_t reserved;
};

enum boot_module_kind {
	BOOT_MODULE_DOM0 = 1,     /* 'dom0 = PATH' in keel.cfg */
	BOOT_MODULE_GUEST,        /* 'guest = PATH': started at boot until dom0 exists */
	BOOT_MODULE_OTHER,        /* 'module = PATH' */
};

/* One file loaded from the ESP, page-aligned in memory. */
struct boot_module {
	uint64_t base;
	uint64_t size;            /* file size in bytes */
	uint32_t kind;            /* enum boot_module_kind */
	uint32_t reserved;
	char     name[BOOT_NAME_MAX];       /* the ESP path, NUL-terminated */
	char     cmdline[BOOT_CMDLINE_MAX]; /* text after the path on its cfg line */
};

/* The GOP framebuffer. base == 0 when the firmware offered none. */
struct boot_framebuffer {
	uint64_t base;
	uint64_t size;
	uint32_t width;
	uint32_t height;
	uint32_t pixels_per_line;
	uint32_t format;          /* 0 RGBX 8:8:8:8, 1 BGRX 8:8:8:8, 2 bitmask, 3 blt-only */
};

struct boot_info {
	uint64_t magic;           /* BOOT_INFO_MAGIC */
	uint32_t version;         /* BOOT_INFO_VERSION */
	uint32_t size;            /* sizeof(struct boot_info) as the loader knew it */

	char     cmdline[BOOT_CMDLINE_MAX]; /* hypervisor command line */

	uint64_t acpi_rsdp;       /* physical address of the ACPI RSDP, 0 if none */
	uint64_t efi_system_table;/* physical, informational only */
	uint64_t loader_start_tsc;/* TSC read as the loader's first act */

	uint64_t hv_phys_base;    /* where the image sits in physical memory */
	uint64_t hv_virt_base;    /* ... and the virtual address it is mapped at */
	uint64_t hv_size;         /* bytes, page-aligned */

	struct boot_framebuffer fb;

	uint32_t memmap_count;
	uint32_t module_count;
	uint64_t memmap;          /* struct boot_mem_region[memmap_count] */
	uint64_t modules;         /* struct boot_module[module_count] */
};

#endif
