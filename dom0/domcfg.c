/* domcfg.c: domain config keys, their value checks, and the file and override front ends (see domcfg.h). */
#include "domcfg.h"

#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "cmdline.h"

void domcfg_init(struct domcfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->memory_bytes = DOMCFG_MEMORY_DEFAULT;
	cfg->vcpus = 1;
	cfg->on_crash = DOMCFG_DESTROY;
	cfg->on_poweroff = DOMCFG_DESTROY;
	cfg->on_reboot = DOMCFG_RESTART;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

bool domcfg_name_valid(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len >= DOMCFG_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_name_char(name[i]))
			return false;
	return true;
}

static int copy_text(char *dst, size_t dst_size, const char *value, const char *what, char *why, size_t why_size)
{
	size_t len = strlen(value);
	if (len >= dst_size) {
		snprintf(why, why_size, "%s too long (max %zu characters)", what, dst_size - 1);
		return -1;
	}
	memcpy(dst, value, len + 1);
	return 0;
}

static int set_name(struct domcfg *cfg, const char *value, char *why, size_t why_size)
{
	if (!domcfg_name_valid(value)) {
		snprintf(why, why_size, "bad name '%s' (1..%d characters of A-Z a-z 0-9 _ . -)", value,
			 DOMCFG_NAME_MAX - 1);
		return -1;
	}
	return copy_text(cfg->name, sizeof(cfg->name), value, "name", why, why_size);
}

/* An image name (hello, tc-eperm.elf) or an absolute ESP path; '/' is accepted for '\'. */
static int set_kernel(struct domcfg *cfg, const char *value, char *why, size_t why_size)
{
	bool path = value[0] == '\\' || value[0] == '/';
	if (value[0] == '\0') {
		snprintf(why, why_size, "kernel is empty");
		return -1;
	}
	for (const char *c = value; *c; c++) {
		bool ok = is_name_char(*c) || (path && (*c == '\\' || *c == '/'));
		if (!ok) {
			snprintf(why, why_size, "bad kernel '%s' (an image name, or a path like \\keel\\guests\\hello.elf)",
				 value);
			return -1;
		}
	}
	if (copy_text(cfg->kernel, sizeof(cfg->kernel), value, "kernel", why, why_size))
		return -1;
	for (char *c = cfg->kernel; *c; c++)
		if (*c == '/')
			*c = '\\';
	return 0;
}

/* MiB without a suffix; K, M or G otherwise. Whole 4 KiB pages, 1 MiB .. 1 GiB. */
static int set_memory(struct domcfg *cfg, const char *value, char *why, size_t why_size)
{
	unsigned long long bytes;
	size_t len = strlen(value);
	bool bare = len && value[len - 1] >= '0' && value[len - 1] <= '9';
	if (!cmdline_parse_u64(value, &bytes) || (bare && bytes > (~0ull >> 20))) {
		snprintf(why, why_size, "bad memory size '%s' (MiB, or with a K/M/G suffix)", value);
		return -1;
	}
	if (bare)
		bytes <<= 20;
	if (bytes < DOMCFG_MEMORY_MIN || bytes > DOMCFG_MEMORY_MAX || bytes % 4096) {
		snprintf(why, why_size, "memory '%s' out of range (1M..1G, whole 4K pages)", value);
		return -1;
	}
	cfg->memory_bytes = bytes;
	return 0;
}

static int set_vcpus(struct domcfg *cfg, const char *value, char *why, size_t why_size)
{
	unsigned long long n = 0;
	bool digits = value[0] != '\0';
	for (const char *c = value; *c && digits; c++) {
		digits = *c >= '0' && *c <= '9';
		n = n * 10 + (unsigned long long)(*c - '0');
		if (n > DOMCFG_VCPUS_MAX)
			break;
	}
	if (!digits || n < 1 || n > DOMCFG_VCPUS_MAX) {
		snprintf(why, why_size, "bad vcpus '%s' (1..%d)", value, DOMCFG_VCPUS_MAX);
		return -1;
	}
	cfg->vcpus = (uint32_t)n;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Whether a config file line could hold the value (lib/cfg.c): one that needs quotes
 * (blanks at either end, a leading '"' or '#', or a '#' after a blank, which would start a
 * comment) cannot also hold a '"', since quoted values have no escapes. Only an override
 * can bring such a value; it is refused, so every config dom0 accepts can be written out.
 */
static bool writable_value(const char *value)
{
	size_t n = strlen(value);
	bool quote = n && (is_blank(value[0]) || is_blank(value[n - 1]) || value[0] == '"' || value[0] == '#');
	for (size_t i = 1; i < n; i++)
		quote |= value[i] == '#' && is_blank(value[i - 1]);
	return !quote || !strchr(value, '"');
}

static int set_cmdline(struct domcfg *cfg, const char *value, char *why, size_t why_size)
{
	if (!writable_value(value)) {
		snprintf(why, why_size, "cmdline '%s' needs quotes but holds a '\"' (no config file could say it)", value);
		return -1;
	}
	return copy_text(cfg->cmdline, sizeof(cfg->cmdline), value, "cmdline", why, why_size);
}

static const char *const action_names[] = {
	[DOMCFG_DESTROY] = "destroy",
	[DOMCFG_RESTART] = "restart",
	[DOMCFG_PRESERVE] = "preserve",
};

const char *domcfg_action_name(enum domcfg_action action)
{
	return (unsigned)action < sizeof(action_names) / sizeof(action_names[0]) ? action_names[action] : "?";
}

static int parse_action(const char *key, const char *value, enum domcfg_action *out, char *why, size_t why_size)
{
	for (unsigned i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
		if (strcmp(value, action_names[i]) == 0) {
			*out = (enum domcfg_action)i;
			return 0;
		}
	}
	snprintf(why, why_size, "bad %s '%s' (destroy, restart or preserve)", key, value);
	return -1;
}

static int set_on_crash(struct domcfg *cfg, const char *value, char *why, size_t why_size)
{
	return parse_action("on_crash", value, &cfg->on_crash, why, why_size);
}

static int set_on_poweroff(struct domcfg *cfg, const char *value, char *why, size_t why_size)
{
	return parse_action("on_poweroff", value, &cfg->on_poweroff, why, why_size);
}

static int set_on_reboot(struct domcfg *cfg, const char *value, char *why, size_t why_size)
{
	return parse_action("on_reboot", value, &cfg->on_reboot, why, why_size);
}

bool domcfg_null_disk_sectors(const char *label, uint64_t *sectors)
{
	static const char prefix[] = DOMCFG_NULL_PREFIX;
	unsigned long long bytes;
	if (strncmp(label, prefix, sizeof(prefix) - 1) != 0 || !cmdline_parse_u64(label + sizeof(prefix) - 1, &bytes))
		return false;
	if (bytes < DOMCFG_NULL_MIN || bytes > DOMCFG_NULL_MAX || bytes % 4096)
		return false;
	*sectors = bytes / 512;
	return true;
}

/*
 * part:LABEL or null:SIZE, then optionally ",rw" (the default) or ",ro". A null disk keeps
 * its whole "null:SIZE" text as the label: ':' is not a label character, so it can never
 * name a partition, and the block backend recognises it by the prefix.
 */
static int set_disk(struct domcfg *cfg, const char *value, char *why, size_t why_size)
{
	static const char prefix[] = "part:";
	bool null_disk = strncmp(value, DOMCFG_NULL_PREFIX, sizeof(DOMCFG_NULL_PREFIX) - 1) == 0;
	/* The prefix first: a value shorter than it has no label to measure. */
	if (!null_disk && strncmp(value, prefix, sizeof(prefix) - 1) != 0)
		goto bad;
	const char *label = null_disk ? value : value + sizeof(prefix) - 1;
	const char *comma = strchr(label, ',');
	size_t label_len = comma ? (size_t)(comma - label) : strlen(label);
	bool readonly = false;

	if (comma) {
		if (strcmp(comma, ",ro") == 0)
			readonly = true;
		else if (strcmp(comma, ",rw") != 0)
			goto bad;
	}
	if (label_len == 0 || label_len >= sizeof(cfg->disk_label))
		goto bad;
	for (size_t i = null_disk ? sizeof(DOMCFG_NULL_PREFIX) - 1 : 0; i < label_len; i++)
		if (!is_name_char(label[i]))
			goto bad;
	/* Checked in a copy: a refused value must leave the config as it was. */
	char text[sizeof(cfg->disk_label)];
	memcpy(text, label, label_len);
	text[label_len] = '\0';
	uint64_t sectors;
	if (null_disk && !domcfg_null_disk_sectors(text, &sectors)) {
		snprintf(why, why_size, "bad null disk size in '%s' (4K..1T, whole 4K pages)", value);
		return -1;
	}
	memcpy(cfg->disk_label, text, label_len + 1);
	cfg->disk_readonly = readonly;
	cfg->has_disk = true;
	return 0;
bad:
	snprintf(why, why_size, "bad disk '%s' (part:LABEL, optionally ,rw or ,ro)", value);
	return -1;
}

struct domcfg_key {
	const char *name;
	int (*set)(struct domcfg *cfg, const char *value, char *why, size_t why_size);
};

static const struct domcfg_key keys[] = {
	{ "name", set_name },
	{ "kernel", set_kernel },
	{ "memory", set_memory },
	{ "vcpus", set_vcpus },
	{ "cmdline", set_cmdline },
	{ "on_crash", set_on_crash },
	{ "on_poweroff", set_on_poweroff },
	{ "on_reboot", set_on_reboot },
	{ "disk", set_disk },
};
#define NR_KEYS (sizeof(keys) / sizeof(keys[0]))
_Static_assert(NR_KEYS <= 32, "keys_seen has a bit per key");

static int find_key(const char *key, char *why, size_t why_size)
{
	for (unsigned i = 0; i < NR_KEYS; i++)
		if (strcmp(key, keys[i].name) == 0)
			return (int)i;
	snprintf(why, why_size, "unknown key '%s'", key);
	return -1;
}

int domcfg_set(struct domcfg *cfg, const char *key, const char *value, char *why, size_t why_size)
{
	int k = find_key(key, why, why_size);
	if (k < 0)
		return -1;
	return keys[k].set(cfg, value, why, why_size);
}

/* lib/cfg's handler: every key once per file. */
static int file_entry(void *ctx, const char *key, const char *value, unsigned line_no, char *why, size_t why_size)
{
	struct domcfg *cfg = ctx;
	(void)line_no;
	int k = find_key(key, why, why_size);
	if (k < 0)
		return -1;
	if (cfg->keys_seen & (1u << k)) {
		snprintf(why, why_size, "duplicate key '%s'", key);
		return -1;
	}
	cfg->keys_seen |= 1u << k;
	return keys[k].set(cfg, value, why, why_size);
}

int domcfg_parse(struct domcfg *cfg, const char *text, size_t len, char *err, size_t err_size)
{
	char line[CFG_LINE_MAX];
	return cfg_parse(text, len, line, sizeof(line), file_entry, cfg, err, err_size) ? -1 : 0;
}

int domcfg_override(struct domcfg *cfg, const char *word, char *err, size_t err_size)
{
	char key[32];
	char why[160];
	const char *eq = strchr(word, '=');
	size_t key_len = eq ? (size_t)(eq - word) : 0;
	if (!eq || key_len == 0) {
		snprintf(err, err_size, "override '%s': expected key=value", word);
		return -1;
	}
	if (key_len >= sizeof(key)) {
		snprintf(err, err_size, "override '%s': unknown key", word);
		return -1;
	}
	memcpy(key, word, key_len);
	key[key_len] = '\0';
	if (domcfg_set(cfg, key, eq + 1, why, sizeof(why))) {
		snprintf(err, err_size, "override '%s': %s", word, why);
		return -1;
	}
	return 0;
}

int domcfg_check(const struct domcfg *cfg, char *err, size_t err_size)
{
	if (cfg->name[0] == '\0') {
		snprintf(err, err_size, "missing key 'name'");
		return -1;
	}
	if (cfg->kernel[0] == '\0') {
		snprintf(err, err_size, "missing key 'kernel'");
		return -1;
	}
	return 0;
}
