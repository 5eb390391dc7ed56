/* config.c: keel.cfg semantics: which keys exist, how often, and what their values may hold. */
#include "config.h"

#include "cfg.h"
#include "fmt.h"
#include "string.h"

/*
 * FAT forbids these in names; control characters never reach here (lib/cfg
 * rejects them) and non-ASCII is refused because paths become UCS-2 1:1.
 */
static bool path_char_ok(char c)
{
	unsigned char u = (unsigned char)c;
	return u > 0x20 && u < 0x7f && !strchr("\"*:<>?|", c);
}

/* Copies an ESP path, turning '/' into '\' so either spelling works. */
static int take_path(const char *path, size_t len, char *out, char *why, size_t why_size)
{
	if (len == 0) {
		fmt_snprintf(why, why_size, "missing path");
		return -1;
	}
	if (len >= BOOT_NAME_MAX) {
		fmt_snprintf(why, why_size, "path too long (max %d characters)", BOOT_NAME_MAX - 1);
		return -1;
	}
	if (path[0] != '\\' && path[0] != '/') {
		fmt_snprintf(why, why_size, "path '%.*s' must be absolute (start with '\\')",
		             (int)len, path);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (!path_char_ok(path[i])) {
			fmt_snprintf(why, why_size, "bad character in path '%.*s'", (int)len, path);
			return -1;
		}
		out[i] = path[i] == '/' ? '\\' : path[i];
	}
	out[len] = '\0';
	return 0;
}

static int take_text(const char *what, const char *value, char *out, size_t out_size,
                     char *why, size_t why_size)
{
	size_t len = strlen(value);
	if (len >= out_size) {
		fmt_snprintf(why, why_size, "%s too long (max %zu characters)", what, out_size - 1);
		return -1;
	}
	memcpy(out, value, len + 1);
	return 0;
}

/* 'PATH [args]': the path ends at the first blank; the rest, trimmed, is the command line. */
static int take_module(struct boot_config *config, uint32_t kind, const char *value,
                       char *why, size_t why_size)
{
	if (config->module_count >= BOOT_MODULES_MAX) {
		fmt_snprintf(why, why_size, "too many modules (max %d)", BOOT_MODULES_MAX);
		return -1;
	}
	struct config_module *m = &config->modules[config->module_count];
	size_t path_len = 0;
	while (value[path_len] && value[path_len] != ' ' && value[path_len] != '\t')
		path_len++;
	const char *args = value + path_len;
	while (*args == ' ' || *args == '\t')
		args++;
	if (take_path(value, path_len, m->path, why, why_size) ||
	    take_text("arguments", args, m->args, sizeof m->args, why, why_size))
		return -1;
	m->kind = kind;
	config->module_count++;
	return 0;
}

/* 'PATH' of a directory whose every file becomes a module (see boot/dir_modules.h). */
static int take_module_dir(struct boot_config *config, const char *value, char *why, size_t why_size)
{
	if (config->module_dir_count >= CONFIG_MODULE_DIRS_MAX) {
		fmt_snprintf(why, why_size, "too many 'module_dir' lines (max %d)", CONFIG_MODULE_DIRS_MAX);
		return -1;
	}
	char *dir = config->module_dirs[config->module_dir_count];
	size_t len = strlen(value);
	if (take_path(value, len, dir, why, why_size))
		return -1;
	/* '\keel\guests\' means '\keel\guests'; the root '\' stays as it is. */
	while (len > 1 && dir[len - 1] == '\\')
		dir[--len] = '\0';
	for (unsigned i = 0; i < config->module_dir_count; i++) {
		if (config_same_path(config->module_dirs[i], dir)) {
			fmt_snprintf(why, why_size, "duplicate 'module_dir' '%s'", dir);
			return -1;
		}
	}
	config->module_dir_count++;
	return 0;
}

/* Only checked here: dom0 reads the names from keel.cfg itself. */
static int take_autostart(struct boot_config *config, const char *value, char *why, size_t why_size)
{
	if (config->autostart_count) {
		fmt_snprintf(why, why_size, "duplicate 'autostart'");
		return -1;
	}
	char reason[120];
	int count = cfg_check_name_list(value, CONFIG_AUTOSTART_MAX, CONFIG_AUTOSTART_NAME_MAX,
	                                reason, sizeof reason);
	if (count < 0) {
		fmt_snprintf(why, why_size, "autostart: %s", reason);
		return -1;
	}
	config->autostart_count = (unsigned)count;
	return 0;
}

static int on_entry(void *ctx, const char *key, const char *value, unsigned line_no,
                    char *why, size_t why_size)
{
	struct boot_config *config = ctx;
	(void)line_no;

	if (strcmp(key, "hypervisor") == 0) {
		if (config->hypervisor_set) {
			fmt_snprintf(why, why_size, "duplicate 'hypervisor'");
			return -1;
		}
		config->hypervisor_set = true;
		return take_path(value, strlen(value), config->hypervisor, why, why_size);
	}
	if (strcmp(key, "cmdline") == 0) {
		if (config->cmdline_set) {
			fmt_snprintf(why, why_size, "duplicate 'cmdline'");
			return -1;
		}
		config->cmdline_set = true;
		return take_text("cmdline", value, config->cmdline, sizeof config->cmdline, why, why_size);
	}
	if (strcmp(key, "dom0") == 0) {
		if (config->dom0_set) {
			fmt_snprintf(why, why_size, "duplicate 'dom0'");
			return -1;
		}
		config->dom0_set = true;
		return take_module(config, BOOT_MODULE_DOM0, value, why, why_size);
	}
	if (strcmp(key, "guest") == 0)
		return take_module(config, BOOT_MODULE_GUEST, value, why, why_size);
	if (strcmp(key, "module") == 0)
		return take_module(config, BOOT_MODULE_OTHER, value, why, why_size);
	if (strcmp(key, "module_dir") == 0)
		return take_module_dir(config, value, why, why_size);
	if (strcmp(key, "autostart") == 0)
		return take_autostart(config, value, why, why_size);

	fmt_snprintf(why, why_size, "unknown key '%s'", key);
	return -1;
}

int config_parse(const char *text, size_t len, struct boot_config *config,
                 char *error, size_t error_size)
{
	memset(config, 0, sizeof *config);
	_Static_assert(sizeof CONFIG_DEFAULT_HV <= sizeof config->hypervisor, "default path fits");
	memcpy(config->hypervisor, CONFIG_DEFAULT_HV, sizeof CONFIG_DEFAULT_HV);

	char line_buf[CFG_LINE_MAX];
	return cfg_parse(text, len, line_buf, sizeof line_buf, on_entry, config, error, error_size);
}

static char fold_case(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool config_same_path(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (fold_case(*a) != fold_case(*b))
			return false;
	return *a == *b;
}

int config_append_module(struct boot_config *config, uint32_t kind, const char *path,
                         char *why, size_t why_size)
{
	if (config->module_count >= BOOT_MODULES_MAX) {
		fmt_snprintf(why, why_size, "too many modules (max %d)", BOOT_MODULES_MAX);
		return -1;
	}
	struct config_module *m = &config->modules[config->module_count];
	memset(m, 0, sizeof *m);
	if (take_path(path, strlen(path), m->path, why, why_size))
		return -1;
	m->kind = kind;
	config->module_count++;
	return 0;
}

bool config_has_module(const struct boot_config *config, const char *path)
{
	for (unsigned i = 0; i < config->module_count; i++)
		if (config_same_path(config->modules[i].path, path))
			return true;
	return false;
}

int config_add_self_for_dom0(struct boot_config *config, char *error, size_t error_size)
{
	if (!config->dom0_set || config_has_module(config, CONFIG_PATH))
		return 0;
	_Static_assert(sizeof CONFIG_PATH <= BOOT_NAME_MAX, "keel.cfg's path fits a module name");
	char why[120];
	if (config_append_module(config, BOOT_MODULE_OTHER, CONFIG_PATH, why, sizeof why)) {
		fmt_snprintf(error, error_size, "cannot hand itself to dom0: %s", why);
		return -1;
	}
	return 0;
}
