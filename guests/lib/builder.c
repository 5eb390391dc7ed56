/* builder.c: a privileged guest's domain builder: validate the ELF, create, populate, copy, start vCPU 0. */
#include "builder.h"

#include <stdbool.h>

#include <io/blkif.h>
#include <keel/domctl.h>
#include <keel/grant_table.h>

#include "control.h"
#include "elf64.h"
#include "fmt.h"
#include "guest_layout.h"
#include "paging.h"
#include "string.h"

static uint8_t *const window = (uint8_t *)(uintptr_t)KEEL_FOREIGN_WINDOW_BASE;
static const struct keel_start_info *self;
static uint64_t next_free;   /* where the next page-table page for a window comes from */
static bool grant_window_mapped;

/* A window is guest-physical address space; our page tables must map it to be usable. */
static int map_window(uint64_t base, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += PAGE_SIZE_2M)
		if (paging_map_2m(base + off, base + off, &next_free))
			return -1;
	return 0;
}

int builder_init(const struct keel_start_info *si)
{
	next_free = si->first_free_gpa;
	if (map_window(KEEL_FOREIGN_WINDOW_BASE, KEEL_FOREIGN_WINDOW_SIZE))
		return -1;
	self = si;
	return 0;
}

int builder_map_grant_window(void)
{
	if (!self)
		return -1;
	if (!grant_window_mapped && map_window(KEEL_GRANT_WINDOW_BASE, KEEL_GRANT_WINDOW_SIZE))
		return -1;
	grant_window_mapped = true;
	return 0;
}

void *builder_map(uint32_t domid, uint64_t gpa, uint64_t pages)
{
	if (domctl_map_foreign(domid, gpa, KEEL_FOREIGN_WINDOW_BASE, pages))
		return NULL;
	return window;
}

void builder_unmap(uint32_t domid)
{
	domctl_map_foreign(domid, 0, KEEL_FOREIGN_WINDOW_BASE, 0);
}

static void write_start_info(uint8_t *ram, const struct builder_params *p, const struct guest_layout *l,
			     const struct builder_result *r)
{
	const struct guest_identity id = {
		.domid = r->domid, .nr_vcpus = p->nr_vcpus, .abi_version = (uint32_t)keel_version(),
		.nr_pages = p->memory_bytes / PAGE_SIZE_4K, .name = p->name, .cmdline = p->cmdline,
	};
	struct keel_start_info *si = (struct keel_start_info *)(ram + l->start_info);
	guest_layout_start_info(l, &id, si);
	si->devices[0] = (struct keel_device){
		.type = KEEL_DEVICE_CONSOLE, .backend_domid = self->domid, .port = r->console_port, .index = 0,
		.ring_gpa = r->console_gpa,
	};
	si->nr_devices = 1;
	for (uint32_t i = 0; i < r->nr_blocks; i++) {
		si->devices[si->nr_devices++] = (struct keel_device){
			.type = KEEL_DEVICE_BLOCK, .flags = p->blocks[i].read_only ? KEEL_DEVF_READONLY : 0,
			.backend_domid = self->domid, .port = r->blocks[i].port, .index = i,
			.ring_gpa = r->blocks[i].gpa,
		};
		/* io/blkif.h: the builder sets the ring header up (io/ring.h R1); the rest stays zero. */
		keel_blkif_sring_init((struct keel_blkif_sring *)(ram + r->blocks[i].gpa));
	}
}

/* Everything the domain needs at entry, written through the window (RAM arrives zeroed). */
static void write_domain(uint8_t *ram, const struct builder_params *p, const struct elf64_image *img,
			 const struct guest_layout *l, const struct builder_result *r)
{
	for (unsigned int i = 0; i < img->segment_count; i++) {
		const struct elf64_segment *s = &img->segments[i];
		memcpy(ram + s->vaddr, (const uint8_t *)p->image + s->offset, s->filesz);
	}
	for (uint64_t i = 0; i < l->pt_pages; i++)
		guest_layout_page_table(l, p->memory_bytes, i, (uint64_t *)(ram + l->page_tables + i * PAGE_SIZE_4K));
	memcpy(ram + l->gdt, guest_layout_gdt, sizeof(guest_layout_gdt));
	write_start_info(ram, p, l, r);
}

static long fail(long rc, char *error, size_t size, const char *step, uint32_t domid)
{
	fmt_snprintf(error, size, "%s failed (%ld)", step, rc);
	if (domid != ~0u)
		domctl_simple(KEEL_DOMCTL_DESTROY, domid);
	return rc < 0 ? rc : -KEEL_EINVAL;
}

/* A device's page and its port: made while the domain is BUILDING, served by this domain. */
static long make_channel(uint32_t domid, uint64_t gpa, uint32_t *ref, uint32_t *port)
{
	struct keel_domctl op = { .cmd = KEEL_DOMCTL_DEVICE_CHANNEL, .domid = domid };
	op.u.device_channel.gpa = gpa;
	long rc = keel_domctl(&op);
	if (!rc) {
		*ref = op.u.device_channel.ref;
		*port = op.u.device_channel.port;
	}
	return rc;
}

long builder_build(const struct builder_params *p, struct builder_result *out, char *error, size_t error_size)
{
	struct elf64_image img;
	struct guest_layout l;
	char why[96];
	uint64_t pages = p->memory_bytes / PAGE_SIZE_4K;

	if (!self)
		return fail(-KEEL_EINVAL, error, error_size, "builder_init", ~0u);
	if (p->memory_bytes % PAGE_SIZE_4K || !pages || p->memory_bytes > KEEL_FOREIGN_WINDOW_SIZE)
		return fail(-KEEL_EINVAL, error, error_size, "memory size check", ~0u);
	struct elf64_limits limits = { KEEL_GUEST_IMAGE_MIN, p->memory_bytes - 1, ELF64_SEGMENTS_MAX };
	if (elf64_validate(p->image, p->image_size, &limits, &img, why, sizeof(why))) {
		fmt_snprintf(error, error_size, "bad ELF image: %s", why);
		return -KEEL_EINVAL;
	}
	/* The console page is the top page of RAM: the boot pages must end below it. */
	struct builder_result r = { .console_gpa = p->memory_bytes - PAGE_SIZE_4K };
	if (p->nr_blocks > BUILDER_BLOCK_MAX || (p->nr_blocks && !p->blocks))
		return fail(-KEEL_EINVAL, error, error_size, "block device count check", ~0u);
	/* Block pages sit right below the console page; the boot pages must end below the lowest. */
	r.nr_blocks = p->nr_blocks;
	for (uint32_t i = 0; i < r.nr_blocks; i++)
		r.blocks[i].gpa = r.console_gpa - (i + 1) * PAGE_SIZE_4K;
	uint64_t lowest_device = r.console_gpa - r.nr_blocks * PAGE_SIZE_4K;
	if (p->memory_bytes <= (r.nr_blocks + 1) * PAGE_SIZE_4K ||
	    guest_layout_plan(img.vaddr_high, p->memory_bytes, 0, &l) || l.first_free > lowest_device)
		return fail(-KEEL_ENOMEM, error, error_size, "layout (memory too small)", ~0u);

	uint32_t id;
	long rc = domctl_create(p->name, pages, p->nr_vcpus, &id);
	if (rc)
		return fail(rc, error, error_size, "CREATE", ~0u);
	r.domid = id;
	rc = domctl_populate(id, pages);
	if (rc)
		return fail(rc, error, error_size, "POPULATE", id);
	rc = make_channel(id, r.console_gpa, &r.console_ref, &r.console_port);
	if (rc)
		return fail(rc, error, error_size, "DEVICE_CHANNEL (console)", id);
	for (uint32_t i = 0; i < r.nr_blocks; i++) {
		rc = make_channel(id, r.blocks[i].gpa, &r.blocks[i].ref, &r.blocks[i].port);
		if (rc)
			return fail(rc, error, error_size, "DEVICE_CHANNEL (block)", id);
	}
	uint8_t *ram = builder_map(id, 0, pages);
	if (!ram)
		return fail(-KEEL_EINVAL, error, error_size, "MAP_FOREIGN", id);
	write_domain(ram, p, &img, &l, &r);
	builder_unmap(id);

	struct keel_vcpu_context ctx = {
		.rip = img.entry, .rsp = l.stack_top, .rdi = l.start_info, .cr3 = l.page_tables, .gdt_gpa = l.gdt,
	};
	rc = domctl_set_vcpu_context(id, 0, &ctx);
	if (rc)
		return fail(rc, error, error_size, "SET_VCPU_CONTEXT", id);
	*out = r;
	return 0;
}

/* "\keel\guests\tc-eperm.elf" matches "tc-eperm". */
static int module_matches(const char *path, const char *name)
{
	const char *base = path;
	for (const char *c = path; *c; c++)
		if (*c == '\\' || *c == '/')
			base = c + 1;
	size_t len = strlen(name);
	return !strncmp(base, name, len) && (!base[len] || !strcmp(base + len, ".elf"));
}

const struct keel_boot_module *builder_find_module(const struct keel_start_info *si, const char *name)
{
	const struct keel_boot_module *mods = (const struct keel_boot_module *)(uintptr_t)si->modules_gpa;
	for (uint32_t i = 0; i < si->nr_modules; i++) {
		char path[KEEL_MODULE_NAME_MAX];
		strlcpy(path, mods[i].name, sizeof(path));   /* NUL-terminated whatever the entry holds */
		if (module_matches(path, name))
			return &mods[i];
	}
	return NULL;
}
