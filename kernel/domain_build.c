/* domain_build.c: building a domain from an ELF image, in the layout pv-abi/keel/start_info.h states. */
#include "domain_build.h"

#include "domain.h"
#include "elf64.h"
#include "fmt.h"
#include "guest_access.h"
#include "guest_layout.h"
#include "keel/abi.h"
#include "keel/start_info.h"
#include "log.h"
#include "mm.h"
#include "shared_info.h"
#include "string.h"
#include "vcpu.h"

/* populate()'s answer when the RAM is not one machine-contiguous run. */
#define NO_MACHINE_BASE (~0ull)

/* Identity map of all RAM with 2 MiB pages: the guest may replace it at once. */
static int write_page_tables(struct domain *d, const struct guest_layout *l, uint64_t memory_bytes)
{
	static uint64_t page[512];   /* one page: too big for the stack; builds are serialized */
	for (uint64_t i = 0; i < l->pt_pages; i++) {
		guest_layout_page_table(l, memory_bytes, i, page);
		if (copy_to_guest_phys(d, l->page_tables + i * PAGE_SIZE, page, sizeof(page)))
			return -KEEL_EFAULT;
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

/* 'machine_base' is NO_MACHINE_BASE unless the RAM is one machine-contiguous run. */
static int write_start_info(struct domain *d, const struct domain_build_params *p, const struct guest_layout *l,
			    uint64_t machine_base)
{
	static struct keel_start_info si;   /* one page: too big for the stack; builds are serialized */
	const struct guest_identity id = {
		.domid = d->id, .nr_vcpus = p->nr_vcpus, .flags = p->privileged ? KEEL_SIF_PRIVILEGED : 0,
		.abi_version = KEEL_ABI_VERSION, .nr_pages = d->nr_pages, .name = d->name, .cmdline = p->cmdline,
	};
	guest_layout_start_info(l, &id, &si);
	if (machine_base != NO_MACHINE_BASE) {
		si.flags |= KEEL_SIF_DMA;
		si.machine_base = machine_base;
	}
	if (si.shared_info_gpa != shared_info_gpa(d))
		return -KEEL_EINVAL;   /* the two definitions of where shared info lives must agree */
	return copy_to_guest_phys(d, l->start_info, &si, sizeof(si));
}

/* RAM for the domain: one machine-contiguous run when asked for and available, else scattered. */
static int populate(struct domain *d, const struct domain_build_params *p, uint64_t *machine_base)
{
	uint64_t pages = p->memory_bytes / PAGE_SIZE;
	if (p->dma_contiguous) {
		paddr_t base;
		int rc = domain_populate_contiguous(d, pages, &base);
		if (rc != -KEEL_ENOMEM) {
			if (!rc) {
				*machine_base = base;
				pr_info("%s: RAM is machine-contiguous at %#llx (DMA address = guest-physical + that)\n",
					p->name, (unsigned long long)base);
			}
			return rc;
		}
		/* Still a working domain (CLI, domains), only without DMA: its drivers see the flag clear. */
		pr_warn("keel: %s: no %llu MiB machine-contiguous run free: its RAM is scattered, no DMA\n",
			p->name, (unsigned long long)(p->memory_bytes >> 20));
	}
	return domain_populate(d, pages);
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
	if (guest_layout_plan(img.vaddr_high, p->memory_bytes, p->extra_pages, &l))
		return fail(-KEEL_ENOMEM, error, error_size, "memory too small for the image and its boot pages%s", "");

	struct domain *d = domain_create(p->name, p->memory_bytes / PAGE_SIZE, p->nr_vcpus, p->privileged, &rc);
	if (!d)
		return fail(rc, error, error_size, "cannot create the domain (error %s)",
			    rc == -KEEL_ENOMEM ? "out of memory" : "invalid parameters");
	uint64_t machine_base = NO_MACHINE_BASE;
	rc = populate(d, p, &machine_base);
	if (rc) {
		domain_destroy(d);
		return fail(rc, error, error_size, "not enough free memory for the domain%s", "");
	}

	if (load_segments(d, p, &img) || write_page_tables(d, &l, p->memory_bytes) ||
	    write_start_info(d, p, &l, machine_base) || copy_to_guest_phys(d, l.gdt, guest_layout_gdt, sizeof(guest_layout_gdt))) {
		domain_destroy(d);
		return fail(-KEEL_EFAULT, error, error_size, "cannot write the domain's boot pages%s", "");
	}

	struct vcpu_boot_state boot = {
		.cr0 = GUEST_LAYOUT_CR0, .cr3 = l.page_tables, .cr4 = GUEST_LAYOUT_CR4, .efer = GUEST_LAYOUT_EFER,
		.gdtr_base = l.gdt, .gdtr_limit = sizeof(guest_layout_gdt) - 1,
		.code_selector = GUEST_LAYOUT_CS, .data_selector = GUEST_LAYOUT_DS,
	};
	struct vcpu_regs regs = { .rip = img.entry, .rsp = l.stack_top, .rdi = l.start_info, .rflags = 0x2 };
	struct vcpu *v0 = vcpu_create(d, 0, &boot, &regs, &rc);
	if (!v0) {
		domain_destroy(d);
		return fail(rc, error, error_size, "cannot create vCPU 0%s", "");
	}
	v0->up = true;
	d->boot_gdt_gpa = l.gdt;
	d->state = DOMAIN_PAUSED;
	if (p->layout_out)
		*p->layout_out = l;
	*out = d;
	return 0;
}
