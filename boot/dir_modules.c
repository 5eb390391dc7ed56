/* dir_modules.c: plans the modules of one 'module_dir' before any file is read, so errors come first. */
#include "dir_modules.h"

#include "fmt.h"
#include "string.h"

static int compare_ignoring_case(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (*a >= 'A' && *a <= 'Z') ? *a - 'A' + 'a' : (unsigned char)*a;
		int cb = (*b >= 'A' && *b <= 'Z') ? *b - 'A' + 'a' : (unsigned char)*b;
		if (ca != cb || ca == 0)
			return ca - cb;
	}
}

/* FAT keeps names unique ignoring case, so ties only come from odd listings: break them bytewise. */
static bool sorts_before(const struct dir_file *a, const struct dir_file *b)
{
	int c = compare_ignoring_case(a->name, b->name);
	return c < 0 || (c == 0 && strcmp(a->name, b->name) < 0);
}

/* Insertion sort: a directory holds at most BOOT_MODULES_MAX files here. */
static void sort_files(struct dir_file *files, unsigned count)
{
	for (unsigned i = 1; i < count; i++) {
		struct dir_file moving = files[i];
		unsigned j = i;
		while (j > 0 && sorts_before(&moving, &files[j - 1])) {
			files[j] = files[j - 1];
			j--;
		}
		files[j] = moving;
	}
}

/* 'dir\name', or '\name' in the root; 0 or -1 when it would not fit a module name. */
static int join_path(const char *dir, const char *name, char *out, size_t out_size)
{
	size_t dir_len = strlen(dir);
	const char *separator = (dir_len && dir[dir_len - 1] == '\\') ? "" : "\\";
	int n = fmt_snprintf(out, out_size, "%s%s%s", dir, separator, name);
	return n < 0 || (size_t)n >= out_size ? -1 : 0;
}

int dir_modules_add(struct boot_config *config, const char *dir, struct dir_file *files,
                    unsigned count, unsigned found, uint64_t *total_bytes,
                    char *why, size_t why_size)
{
	if (found > count || found > BOOT_MODULES_MAX) {
		fmt_snprintf(why, why_size, "module_dir %s: too many files (%u; at most %d modules in all)",
		             dir, found, BOOT_MODULES_MAX);
		return -1;
	}
	sort_files(files, count);

	/* Check every file before appending any, so a failure leaves config as it was. */
	char path[BOOT_NAME_MAX];
	unsigned adding = 0;
	uint64_t total = *total_bytes;
	for (unsigned i = 0; i < count; i++) {
		if (join_path(dir, files[i].name, path, sizeof path)) {
			fmt_snprintf(why, why_size, "module_dir %s: path of '%s' too long (max %d characters)",
			             dir, files[i].name, BOOT_NAME_MAX - 1);
			return -1;
		}
		if (config_has_module(config, path))
			continue;
		adding++;
		total += files[i].size;
		if (files[i].size > DIR_MODULES_TOTAL_MAX || total > DIR_MODULES_TOTAL_MAX) {
			fmt_snprintf(why, why_size,
			             "module_dir %s: files too large (more than %llu MiB in all module_dir files)",
			             dir, (unsigned long long)(DIR_MODULES_TOTAL_MAX >> 20));
			return -1;
		}
	}
	if (config->module_count + adding > BOOT_MODULES_MAX) {
		fmt_snprintf(why, why_size,
		             "module_dir %s: too many files (%u, with %u other modules; at most %d in all)",
		             dir, adding, config->module_count, BOOT_MODULES_MAX);
		return -1;
	}

	unsigned first = config->module_count;
	for (unsigned i = 0; i < count; i++) {
		join_path(dir, files[i].name, path, sizeof path);
		if (config_has_module(config, path))
			continue;
		char reason[120];
		if (config_append_module(config, BOOT_MODULE_OTHER, path, reason, sizeof reason)) {
			config->module_count = first;
			fmt_snprintf(why, why_size, "module_dir %s: %s", dir, reason);
			return -1;
		}
	}
	*total_bytes = total;
	return (int)(config->module_count - first);
}
