/* boot_guests.c: starting the 'guest =' boot modules, one at a time, until dom0 does this job. */
#include "boot_guests.h"

#include "cmdline.h"
#include "dom0_build.h"
#include "domain.h"
#include "domain_build.h"
#include "log.h"
#include "mm.h"
#include "string.h"
#include "vcpu.h"
#include "virt.h"

#define DEFAULT_GUEST_MEMORY (8ull << 20)

static const struct boot_module *modules;
static unsigned int module_count, next_module;
static unsigned int started, failed;

void boot_guests_init(const struct boot_info *bi)
{
	modules = phys_to_virt(bi->modules);
	module_count = bi->module_count;
	/* With a dom0, the guest images are its to start: they went into its memory. */
	if (virt && dom0_start(bi)) {
		module_count = 0;
		return;
	}
	unsigned int guests = 0, domains = 0;
	for (unsigned int i = 0; i < module_count; i++) {
		guests += modules[i].kind == BOOT_MODULE_GUEST;
		domains += modules[i].kind == BOOT_MODULE_GUEST || modules[i].kind == BOOT_MODULE_DOM0;
	}
	if (domains && !virt)
		pr_err("keel: %u boot domain(s) not started: no usable virtualization\n", domains);
	else if (guests)
		pr_info("keel: %u boot guest(s) to start\n", guests);
	if (!virt)
		module_count = 0;
}

/* "\keel\guests\hello.elf" -> "hello" */
static void name_from_path(const char *path, char *name, size_t size)
{
	const char *base = path;
	for (const char *p = path; *p; p++)
		if (*p == '\\' || *p == '/')
			base = p + 1;
	size_t len = 0;
	while (base[len] && base[len] != '.' && len + 1 < size) {
		name[len] = base[len];
		len++;
	}
	name[len] = '\0';
}

bool boot_guests_start_next(void)
{
	while (next_module < module_count) {
		const struct boot_module *m = &modules[next_module++];
		if (m->kind != BOOT_MODULE_GUEST)
			continue;

		char name[DOMAIN_NAME_MAX], value[32], error[160];
		name_from_path(m->name, name, sizeof(name));
		unsigned long long memory = DEFAULT_GUEST_MEMORY;
		if (cmdline_get(m->cmdline, "memory", value, sizeof(value)) &&
		    (!cmdline_parse_u64(value, &memory) || memory == 0)) {
			pr_err("keel: guest %s: bad memory=%s\n", name, value);
			failed++;
			continue;
		}
		struct domain_build_params p = {
			.name = name, .image = phys_to_virt(m->base), .image_size = m->size,
			.memory_bytes = ALIGN_UP(memory, PAGE_SIZE), .nr_vcpus = 1, .cmdline = m->cmdline,
		};
		struct domain *d;
		if (domain_build(&p, &d, error, sizeof(error)) < 0) {
			pr_err("keel: guest %s: %s\n", name, error);
			failed++;
			continue;
		}
		pr_info("dom%u (%s): started, %llu MiB, entry %#llx\n", d->id, d->name,
			(unsigned long long)(d->nr_pages * PAGE_SIZE >> 20), (unsigned long long)d->vcpus[0]->regs.rip);
		started++;
		domain_unpause(d);
		return true;
	}
	return false;
}

void boot_guests_report(void)
{
	domain_report_blocked();
	pr_info("keel: boot guests done: %u started, %u failed to build\n", started, failed);
}
