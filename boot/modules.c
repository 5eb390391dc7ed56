/* modules.c: each configured module (module_dir files included) becomes a page-aligned copy plus a boot_module record. */
#include "modules.h"

#include "console.h"
#include "dir_modules.h"
#include "esp_file.h"
#include "string.h"

/* A sanity bound: the loader copies whole files into RAM below the firmware's limits. */
#define MODULE_FILE_MAX (1ull << 32)

static const char *kind_name(uint32_t kind)
{
	switch (kind) {
	case BOOT_MODULE_DOM0:  return "dom0";
	case BOOT_MODULE_GUEST: return "guest";
	default:                return "module";
	}
}

EFI_STATUS modules_load(EFI_BOOT_SERVICES *bs, EFI_FILE_HANDLE root,
                        const struct boot_config *config, struct boot_module *out)
{
	for (unsigned i = 0; i < config->module_count; i++) {
		const struct config_module *spec = &config->modules[i];
		void *data = NULL;
		uint64_t size = 0;
		EFI_STATUS status = esp_read_file(bs, root, spec->path, ESP_INTO_PAGES, MODULE_FILE_MAX,
		                                  &data, &size);
		if (EFI_ERROR(status))
			return status;

		struct boot_module *m = &out[i];
		memset(m, 0, sizeof *m);
		m->base = (uint64_t)(uintptr_t)data;
		m->size = size;
		m->kind = spec->kind;
		strlcpy(m->name, spec->path, sizeof m->name);
		strlcpy(m->cmdline, spec->args, sizeof m->cmdline);
		boot_log("%s %s: %llu bytes at 0x%llx%s%s", kind_name(m->kind), m->name,
		         (unsigned long long)m->size, (unsigned long long)m->base,
		         m->cmdline[0] ? ", args: " : "", m->cmdline);
	}
	return EFI_SUCCESS;
}

/* One directory's listing at a time; static to keep it off the firmware's small stack. */
static struct dir_file listing[BOOT_MODULES_MAX];

EFI_STATUS modules_add_dirs(EFI_FILE_HANDLE root, struct boot_config *config)
{
	uint64_t total_bytes = 0;
	for (unsigned i = 0; i < config->module_dir_count; i++) {
		const char *dir = config->module_dirs[i];
		unsigned stored = 0, found = 0;
		EFI_STATUS status = esp_list_dir(root, dir, listing, BOOT_MODULES_MAX, &stored, &found);
		if (EFI_ERROR(status))
			return status;
		char why[200];
		int added = dir_modules_add(config, dir, listing, stored, found, &total_bytes, why,
		                            sizeof why);
		if (added < 0) {
			boot_error("%s", why);
			return EFI_LOAD_ERROR;
		}
		boot_log("module_dir %s: %u file(s), %d new module(s)", dir, found, added);
	}
	return EFI_SUCCESS;
}
