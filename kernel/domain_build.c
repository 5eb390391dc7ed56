/* domain_build.c: building a domain from an ELF image, in the layout pv-abi/keel/start_info.h states. */
#include "domain_build.h"

#include "domain.h"
#include "elf64.h"
#include "fmt.h"
#include "guest_access.h"
#include "keel/abi.h"
#include "keel/start_info.h"
#include "mm.h"
#include "string.h"
#include "vcpu.h"

#define BOOT_STACK_PAGES 4
#define GUEST_CR0  0x80010033ull   /* PG | WP | NE | ET | MP | PE */
#define GUEST_CR4  0x20ull         /* PAE */
#define GUEST_EFER 0xd00ull        /* NXE | LMA | LME */
#define GUEST_CS   0x08
#define GUEST_DS   0x10

/* What goes after the image, in start_info.h's order. */
struct guest_layout {
	uint64_t start_info, page_tables, pt_pages, gdt, stack_top, first_free;
};

static void plan_layout(uint64_t image_end, uint64_t memory_bytes, struct guest_layout *l)
{
	uint64_t gib = (memory_bytes + (1ull << 30) - 1) >> 30;
	l->start_info = ALIGN_UP(image_end, PAGE_SIZE);
	l->page_tables = l->start_info + PAGE_SIZE;
	l->pt_pages = 2 + gib;   /* PML4, PDPT, one PD per GiB */
	l->gdt = l->page_tables + l->pt_pages * PAGE_SIZE;
	l->stack_top = l->gdt + PAGE_SIZE + BOOT_STACK_PAGES * PAGE_SIZE;
	l->first_free = l->stack_top;
}

/* Identity map of all RAM with 2 MiB pages: the guest may replace it at once. */
static int write_page_tables(struct domain *d, const struct guest_layout *l, uint64_t memory_bytes)
{
	const uint64_t rwp = 0x3;   /* present, writable (supervisor) */
	uint64_t pdpt = l->page_tables + PAGE_SIZE;
	uint64_t entry = pdpt | rwp;
	if (copy_to_guest_phys(d, l->page_tables, &entry, sizeof(entry)))
		return -KEEL_EFAULT;
	uint64_t large_pages = (memory_bytes + (1ull << 21) - 1) >> 21;
	for (uint64_t g = 0; g < l->pt_pages - 2; g++) {
		uint64_t pd = pdpt + (1 + g) * PAGE_SIZE;
		entry = pd | rwp;
		if (copy_to_guest_phys(d, pdpt + g * 8, &entry, sizeof(entry)))
			return -KEEL_EFAULT;
		for (uint64_t i = 0; i < 512 && g * 512 + i < large_pages; i++) {
			entry = ((g * 512 + i) << 21) | rwp | 0x80;   /* PS: 2 MiB */
			if (copy_to_guest_phys(d, pd + i * 8, &entry, sizeof(entry)))
				return -KEEL_EFAULT;
		}
	}
	return 0;
}

static int load_segments(struct domain *d, const struct domain_build_params *p, const struct elf64_image *img)
{
	for (unsigned int i = 0; i < img->segment_count; i++) {
		const struct elf64_segment *s = &img->segments[i];
		/* Memory arrives zeroed, so only the file-backed part needs copying. */
		if (copy_to_guest_phys(d, s->vaddr, (const char *)p->image + s->offset, s->filesz))
			return -KEEL_EFAULT;
	}
	return 0;
}

static int write_start_info(struct domain *d, const struct domain_build_params *p, const struct guest_layout *l)
{
	static struct keel_start_info si;   /* one page: too big for the stack; builds are serialized */
	memset(&si, 0, sizeof(si));
	si.magic = KEEL_START_INFO_MAGIC;
	si.abi_version = KEEL_ABI_VERSION;
	si.flags = p->privileged ? KEEL_SIF_PRIVILEGED : 0;
	si.domid = d->id;
	si.nr_vcpus = p->nr_vcpus;
	si.nr_pages = d->nr_pages;
	si.start_info_gpa = l->start_info;
	si.page_tables_gpa = l->page_tables;
	si.pt_pages = l->pt_pages;
	si.gdt_gpa = l->gdt;
	si.stack_top_gpa = l->stack_top;
	si.first_free_gpa = l->first_free;
	strlcpy(si.name, d->name, sizeof(si.name));
	strlcpy(si.cmdline, p->cmdline ? p->cmdline : "", sizeof(si.cmdline));
	return copy_to_guest_phys(d, l->start_info, &si, sizeof(si));
}

static int fail(int rc, char *error, size_t size, const char *fmt, const char *detail)
{
	fmt_snprintf(error, size, fmt, detail);
	return rc;
}

int domain_build(const struct domain_build_params *p, struct domain **out, char *error, size_t error_size)
{
	struct elf64_image img;
	struct guest_layout l;
	char why[128];
	int rc;

	*out = NULL;
	if (p->memory_bytes < (1ull << 20) || p->memory_bytes & (PAGE_SIZE - 1) || p->memory_bytes > (64ull << 30))
		return fail(-KEEL_EINVAL, error, error_size, "memory must be 1 MiB..64 GiB in whole pages%s", "");
	struct elf64_limits limits = { KEEL_GUEST_IMAGE_MIN, p->memory_bytes - 1, ELF64_SEGMENTS_MAX };
	if (elf64_validate(p->image, p->image_size, &limits, &img, why, sizeof(why)))
		return fail(-KEEL_EINVAL, error, error_size, "bad ELF image: %s", why);
	plan_layout(img.vaddr_high, p->memory_bytes, &l);
	if (l.first_free > p->memory_bytes)
		return fail(-KEEL_ENOMEM, error, error_size, "memory too small for the image and its boot pages%s", "");

	struct domain *d = domain_create(p->name, p->memory_bytes / PAGE_SIZE, p->nr_vcpus, p->privileged, &rc);
	if (!d)
		return fail(rc, error, error_size, "cannot create the domain (error %s)",
			    rc == -KEEL_ENOMEM ? "out of memory" : "invalid parameters");
	rc = domain_populate(d, p->memory_bytes / PAGE_SIZE);
	if (rc) {
		domain_destroy(d);
		return fail(rc, error, error_size, "not enough free memory for the domain%s", "");
	}

	static const uint64_t gdt[3] = { 0, 0x00af9b000000ffffull, 0x00cf93000000ffffull };
	if (load_segments(d, p, &img) || write_page_tables(d, &l, p->memory_bytes) ||
	    write_start_info(d, p, &l) || copy_to_guest_phys(d, l.gdt, gdt, sizeof(gdt))) {
		domain_destroy(d);
		return fail(-KEEL_EFAULT, error, error_size, "cannot write the domain's boot pages%s", "");
	}

	struct vcpu_boot_state boot = {
		.cr0 = GUEST_CR0, .cr3 = l.page_tables, .cr4 = GUEST_CR4, .efer = GUEST_EFER,
		.gdtr_base = l.gdt, .gdtr_limit = sizeof(gdt) - 1,
		.code_selector = GUEST_CS, .data_selector = GUEST_DS,
	};
	struct vcpu_regs regs = { .rip = img.entry, .rsp = l.stack_top, .rdi = l.start_info, .rflags = 0x2 };
	if (!vcpu_create(d, 0, &boot, &regs, &rc)) {
		domain_destroy(d);
		return fail(rc, error, error_size, "cannot create vCPU 0%s", "");
	}
	d->state = DOMAIN_PAUSED;
	*out = d;
	return 0;
}
