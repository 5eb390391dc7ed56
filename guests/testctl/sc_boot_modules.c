/* sc_boot_modules.c: lists the boot modules dom0 received (order, name, size, FNV-1a of the bytes) for the e2e test to compare with the ESP. */
#include "testctl.h"

#include "console.h"
#include "string.h"

/* FNV-1a, 32 bits: cheap, and any changed, lost or reordered byte changes it. */
static uint32_t fnv1a(const uint8_t *data, uint64_t size)
{
	uint32_t hash = 2166136261u;
	for (uint64_t i = 0; i < size; i++)
		hash = (hash ^ data[i]) * 16777619u;
	return hash;
}

void sc_boot_modules(void)
{
	const struct keel_boot_module *mods = (const struct keel_boot_module *)(uintptr_t)tc_si->modules_gpa;
	if (tc_si->nr_modules && !mods) {
		tc_fail("%u modules but no module list", tc_si->nr_modules);
		return;
	}
	for (uint32_t i = 0; i < tc_si->nr_modules; i++) {
		const struct keel_boot_module *m = &mods[i];
		size_t name_len = strnlen(m->name, sizeof(m->name));
		size_t cmdline_len = strnlen(m->cmdline, sizeof(m->cmdline));
		if (name_len == sizeof(m->name) || cmdline_len == sizeof(m->cmdline)) {
			tc_fail("module %u: name or command line not NUL-terminated", i);
			continue;
		}
		if (m->name[0] != '\\' || !m->size || !m->gpa) {
			tc_fail("module %u (%s): bad entry (gpa %#llx, %llu bytes)", i, m->name,
				(unsigned long long)m->gpa, (unsigned long long)m->size);
			continue;
		}
		gprintf("testctl: module %u %s %llu bytes fnv1a %08x cmdline '%s'\n", i, m->name,
			(unsigned long long)m->size, fnv1a((const uint8_t *)(uintptr_t)m->gpa, m->size),
			m->cmdline);
	}
}
