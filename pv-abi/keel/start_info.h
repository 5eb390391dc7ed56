/*
 * start_info.h: how a Keel guest starts, and the start-info page it is handed.
 *
 * ---------------------------------------------------------------------------------
 * The guest image
 * ---------------------------------------------------------------------------------
 * An ELF64 x86-64 executable (ET_EXEC). Its PT_LOAD segments are placed at guest-physical
 * address == p_vaddr, so link it at a low address (Keel's guests use 0x100000). Every
 * segment must lie inside [KEEL_GUEST_IMAGE_MIN, memory size); segments must not overlap.
 *
 * ---------------------------------------------------------------------------------
 * Guest-physical memory at entry
 * ---------------------------------------------------------------------------------
 *   0 .. nr_pages * 4096        the domain's RAM, contiguous, zero-filled
 *   image                       the ELF's segments (bss zeroed)
 *   start_info_gpa              this structure, one page, read-write
 *   page_tables_gpa             the initial page tables (see below), pt_pages pages
 *   gdt_gpa                     a GDT page: 0x08 = 64-bit code, 0x10 = data
 *   stack_top_gpa - 16 KiB      the boot stack
 *   modules_gpa                 dom0 only: its boot modules (struct keel_boot_module below)
 *   first_free_gpa ..           free: the guest's to use, up to the lowest device page
 *   devices[i].ring_gpa         shared device pages (dom0's builder takes them from the
 *                               top of RAM); the backend reads and writes them at any time
 *   nr_pages * 4096             shared_info_gpa: the shared-info page (shared_info.h), not RAM
 * The builder places the pages up to first_free_gpa right after the image's highest byte,
 * in that order. Everything from first_free_gpa up to the lowest devices[].ring_gpa (up to
 * nr_pages * 4096 when there are no devices) is free RAM.
 *
 * ---------------------------------------------------------------------------------
 * The vCPU at entry
 * ---------------------------------------------------------------------------------
 *   64-bit mode: CR0 = PE|MP|ET|NE|WP|PG, CR4 = PAE, EFER = LME|LMA|NXE
 *   CR3 = page_tables_gpa: an identity map (virtual == physical) of all guest RAM and the
 *         shared-info page with 2 MiB pages, read-write-execute. The last 2 MiB page may
 *         reach past the shared-info page: touching anything there ends the domain.
 *   CS = 0x08, DS = ES = SS = 0x10, FS = GS = 0 with base 0
 *   GDTR = gdt_gpa, limit 23; IDTR base 0, limit 0 (no IDT: install yours before enabling
 *         interrupts, or an exception becomes a triple fault, which ends the domain)
 *   RFLAGS = 0x2 (interrupts disabled), RIP = ELF entry, RSP = stack_top_gpa,
 *   RDI = start_info_gpa; every other general register is 0.
 *   x87/SSE state is reset; CR4.OSFXSR is clear, so set it (and CR0.MP, clear CR0.EM)
 *   before using SSE.
 * From then on the guest owns its page tables, GDT and IDT. There is no instruction
 * emulation and no device model: see abi.h for what the hypervisor offers.
 */
#ifndef KEEL_PV_START_INFO_H
#define KEEL_PV_START_INFO_H

#include <stdint.h>

#define KEEL_START_INFO_MAGIC  0x4f464e494c45454bull   /* "KEELINFO" little-endian */
#define KEEL_GUEST_IMAGE_MIN   0x1000                  /* page 0 is never part of an image */
#define KEEL_CMDLINE_MAX       1024

/* flags */
#define KEEL_SIF_PRIVILEGED    (1u << 0)   /* this is dom0 */
#define KEEL_SIF_DMA           (1u << 1)   /* RAM is machine-contiguous at machine_base (below) */

/*
 * DMA (dom0 only). A device dom0 programs reaches memory by machine-physical address,
 * and Keel uses no IOMMU. So the hypervisor backs dom0's RAM with one machine-contiguous
 * run (4 MiB-aligned, below 4 GiB when such a run is free) and sets KEEL_SIF_DMA:
 *
 *     DMA address = guest-physical address + machine_base     (for 0 <= GPA < nr_pages * 4096)
 *
 * Why an offset, not guest-physical == machine-physical: an identity layout would have to
 * put dom0's RAM where the firmware's memory map has a free hole large enough, link (or
 * relocate) dom0's image at an address only known at boot, and move every fixed
 * guest-physical address of this layout (image at 0x100000, shared info right after RAM)
 * for dom0 alone. One published base keeps dom0's layout the same as every other
 * domain's, and a driver adds one constant. If no run that long is free at boot, dom0 still
 * starts with scattered RAM, KEEL_SIF_DMA clear and machine_base 0: it must then not
 * program a device for DMA. Every other domain has the flag clear and machine_base 0.
 */

/*
 * Devices. Split drivers find each other through start-info, not through a directory
 * service: the builder (dom0) sets each device up before the guest runs and lists it
 * here, so a frontend needs no lookup and no central server (xenstore's bottleneck).
 * For each device the builder has granted the page at ring_gpa (in the guest's RAM) to
 * backend_domid and allocated 'port', unbound for the backend (domctl DEVICE_CHANNEL);
 * the backend maps the page and binds the port before it unpauses the guest. The guest
 * uses the page and the port as they are: it needs no grant or bind of its own.
 */
#define KEEL_MAX_DEVICES       8
#define KEEL_DEVICE_CONSOLE    1   /* ring_gpa: struct keel_console_ring (io/console.h) */
#define KEEL_DEVICE_BLOCK      2   /* reserved for io/blkif.h */
#define KEEL_DEVF_READONLY     (1u << 0)

/* Layout: 32 bytes. */
struct keel_device {
	uint16_t type;             /* KEEL_DEVICE_* */
	uint16_t flags;            /* KEEL_DEVF_* */
	uint32_t backend_domid;    /* who serves it (0 = dom0) */
	uint32_t port;             /* the guest's event-channel port for it */
	uint32_t index;            /* 0, 1, ... among devices of the same type */
	uint64_t ring_gpa;         /* its shared page, page-aligned, inside the guest's RAM */
	uint64_t param;            /* type-specific, 0 if unused */
};

_Static_assert(sizeof(struct keel_device) == 32, "a device entry is 32 bytes");

/* Layout: 4096 bytes, all fields naturally aligned, little-endian. */
struct keel_start_info {
	uint64_t magic;            /* KEEL_START_INFO_MAGIC */
	uint32_t abi_version;      /* KEEL_ABI_VERSION of the hypervisor */
	uint32_t flags;            /* KEEL_SIF_* */
	uint32_t domid;            /* this domain's id */
	uint32_t nr_vcpus;         /* vCPUs the domain was created with (vCPU 0 starts) */
	uint64_t nr_pages;         /* RAM size in 4 KiB pages */
	uint64_t start_info_gpa;   /* where this page is */
	uint64_t page_tables_gpa;  /* the initial page tables (reusable once the guest has its own) */
	uint64_t pt_pages;         /* how many pages they occupy */
	uint64_t gdt_gpa;          /* the initial GDT page */
	uint64_t stack_top_gpa;    /* the initial RSP */
	uint64_t first_free_gpa;   /* first page the builder did not use */
	char     name[32];         /* the domain's name, NUL-terminated */
	char     cmdline[KEEL_CMDLINE_MAX];  /* NUL-terminated */
	uint64_t modules_gpa;      /* dom0: nr_modules struct keel_boot_module entries, else 0 */
	uint32_t nr_modules;       /* dom0: the other boot modules (guest images), else 0 */
	uint32_t pad0;
	uint64_t shared_info_gpa;  /* the shared-info page (shared_info.h): right after RAM */
	uint32_t nr_devices;       /* entries in devices[] that are in use */
	uint32_t pad1;
	struct keel_device devices[KEEL_MAX_DEVICES];  /* the domain's devices, see above */
	uint64_t machine_base;     /* dom0 with KEEL_SIF_DMA: machine address of GPA 0 (see DMA above), else 0 */
	uint8_t  reserved[4096 - 112 - KEEL_CMDLINE_MAX - 32 - KEEL_MAX_DEVICES * 32 - 8];  /* zero */
};

_Static_assert(sizeof(struct keel_start_info) == 4096, "start_info is one page");

/*
 * dom0's boot modules: every keel.cfg 'guest =' and 'module =' file, copied into dom0's RAM
 * right after its boot stack (each file page-aligned, in keel.cfg order), and described by
 * an array at modules_gpa (page-aligned, just before the first file). first_free_gpa is
 * after the last file, so the modules stay intact until dom0 reuses their memory.
 */
#define KEEL_MODULE_NAME_MAX    64
#define KEEL_MODULE_CMDLINE_MAX 256
struct keel_boot_module {
	uint64_t gpa;                              /* the file's first byte */
	uint64_t size;                             /* its length in bytes */
	char     name[KEEL_MODULE_NAME_MAX];       /* the ESP path, e.g. \keel\guests\hello.elf */
	char     cmdline[KEEL_MODULE_CMDLINE_MAX]; /* the words after the path on its keel.cfg line */
	uint8_t  reserved[512 - 16 - KEEL_MODULE_NAME_MAX - KEEL_MODULE_CMDLINE_MAX];
};

_Static_assert(sizeof(struct keel_boot_module) == 512, "eight module entries per page");

#endif
