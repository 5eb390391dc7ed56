/* dom0_build.c: building domain 0 from the 'dom0 =' boot module, the other modules in its RAM. */
#include "dom0_build.h"

#include <stddef.h>

#include "cmdline.h"
#include "domain.h"
#include "dom0_mmio.h"
#include "domain_build.h"
#include "guest_access.h"
#include "guest_layout.h"
#include "keel/start_info.h"
#include "log.h"
#include "mm.h"
#include "string.h"
#include "vcpu.h"

#define DOM0_DEFAULT_MEMORY (64ull << 20)
#define DOM0_NAME "dom0"

static bool handed_to_dom0(const struct boot_module *m)
{
	return m->kind == BOOT_MODULE_GUEST || m->kind == BOOT_MODULE_OTHER;
}

/* Pages the module list and the files take after dom0's boot stack. */
static uint64_t module_pages(const struct boot_module *mods, unsigned int count, unsigned int *listed)
{
	uint64_t pages = 0;
	*listed = 0;
	for (unsigned int i = 0; i < count; i++) {
		if (handed_to_dom0(&mods[i])) {
			pages += ALIGN_UP(mods[i].size, PAGE_SIZE) / PAGE_SIZE;
			(*listed)++;
		}
	}
	return pages + ALIGN_UP((uint64_t)*listed * sizeof(struct keel_boot_module), PAGE_SIZE) / PAGE_SIZE;
}

/* The list at l->extra, then each file page-aligned after it; start-info learns where. */
static int copy_modules(struct domain *d, const struct guest_layout *l, const struct boot_module *mods,
			unsigned int count, unsigned int listed)
{
	uint64_t list = l->extra;
	uint64_t file = list + ALIGN_UP((uint64_t)listed * sizeof(struct keel_boot_module), PAGE_SIZE);
	unsigned int n = 0;
	for (unsigned int i = 0; i < count; i++) {
		const struct boot_module *m = &mods[i];
		if (!handed_to_dom0(m))
			continue;
		struct keel_boot_module entry;
		memset(&entry, 0, sizeof(entry));
		entry.gpa = file;
		entry.size = m->size;
		strlcpy(entry.name, m->name, sizeof(entry.name));
		strlcpy(entry.cmdline, m->cmdline, sizeof(entry.cmdline));
		if (copy_to_guest_phys(d, file, phys_to_virt(m->base), m->size) ||
		    copy_to_guest_phys(d, list + n * sizeof(entry), &entry, sizeof(entry)))
			return -1;
		file += ALIGN_UP(m->size, PAGE_SIZE);
		n++;
	}
	uint32_t nr = n;
	if (copy_to_guest_phys(d, l->start_info + offsetof(struct keel_start_info, modules_gpa), &list, sizeof(list)) ||
	    copy_to_guest_phys(d, l->start_info + offsetof(struct keel_start_info, nr_modules), &nr, sizeof(nr)))
		return -1;
	return 0;
}

bool dom0_start(const struct boot_info *bi)
{
	const struct boot_module *mods = phys_to_virt(bi->modules);
	const struct boot_module *dom0_module = NULL;
	for (unsigned int i = 0; i < bi->module_count; i++)
		if (mods[i].kind == BOOT_MODULE_DOM0)
			dom0_module = &mods[i];
	if (!dom0_module)
		return false;

	char value[32], error[160];
	unsigned long long memory = DOM0_DEFAULT_MEMORY, vcpus = 1;
	if ((cmdline_get(dom0_module->cmdline, "memory", value, sizeof(value)) &&
	     (!cmdline_parse_u64(value, &memory) || memory == 0)) ||
	    (cmdline_get(dom0_module->cmdline, "vcpus", value, sizeof(value)) &&
	     (!cmdline_parse_u64(value, &vcpus) || vcpus == 0 || vcpus > DOMAIN_MAX_VCPUS))) {
		pr_err("keel: dom0: bad memory= or vcpus= in '%s'\n", dom0_module->cmdline);
		return true;
	}
	unsigned int listed;
	uint64_t extra = module_pages(mods, bi->module_count, &listed);
	struct guest_layout layout;
	/* The modules come on top of the RAM asked for, so dom0 gets all of that to itself. */
	struct domain_build_params p = {
		.name = DOM0_NAME, .image = phys_to_virt(dom0_module->base), .image_size = dom0_module->size,
		.memory_bytes = ALIGN_UP(memory, PAGE_SIZE) + extra * PAGE_SIZE, .nr_vcpus = (unsigned int)vcpus,
		.cmdline = dom0_module->cmdline, .privileged = true, .extra_pages = extra, .layout_out = &layout,
		.dma_contiguous = true,   /* its drivers program devices with machine addresses (start_info.h) */
	};
	struct domain *d;
	if (domain_build(&p, &d, error, sizeof(error)) < 0) {
		pr_err("keel: dom0 %s: %s\n", dom0_module->name, error);
		return true;
	}
	if (copy_modules(d, &layout, mods, bi->module_count, listed)) {
		pr_err("keel: dom0: cannot copy its boot modules\n");
		domain_destroy(d);
		return true;
	}
	dom0_mmio_setup(d, bi);   /* ECAM now, other device memory on first touch */
	pr_info("dom0 (%s): started, %llu MiB, %u vCPU(s), %u boot module(s), entry %#llx\n", d->name,
		(unsigned long long)(d->nr_pages * PAGE_SIZE >> 20), d->nr_vcpus, listed,
		(unsigned long long)d->vcpus[0]->regs.rip);
	domain_unpause(d);
	return true;
}
