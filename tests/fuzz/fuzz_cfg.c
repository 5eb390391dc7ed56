/* fuzz_cfg.c: libFuzzer target for keel.cfg: lib/cfg.c's syntax and boot/config.c's keys, each re-printed and re-parsed. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../boot/config.h"
#include "cfg.h"
#include "fmt.h"
#include "fuzz_check.h"

/*
 * Two round trips. The syntax: every entry lib/cfg hands out, written back as
 * 'key=value' (quoted when it must be), parses to the same entries. The meaning: every
 * keel.cfg the loader accepts, written back from struct boot_config, parses to the same
 * struct. Both catch a parser that accepts a file it cannot describe.
 */

#define ENTRIES_MAX 64
#define TEXT_MAX    (128 * (CFG_LINE_MAX + 8))   /* more lines than either round trip writes */

struct entries {
	unsigned count;
	bool overflow;
	char key[ENTRIES_MAX][CFG_LINE_MAX];
	char value[ENTRIES_MAX][CFG_LINE_MAX];
	unsigned line_no[ENTRIES_MAX];
};

static struct entries first, second;
static char text[TEXT_MAX];
static size_t text_len;

static int collect(void *ctx, const char *key, const char *value, unsigned line_no, char *why, size_t why_size)
{
	struct entries *e = ctx;
	(void)why;
	(void)why_size;
	FUZZ_CHECK(key[0] != '\0', "empty key on line %u", line_no);
	if (e->count == ENTRIES_MAX) {
		e->overflow = true;
		return 0;
	}
	FUZZ_CHECK(strlen(key) < CFG_LINE_MAX && strlen(value) < CFG_LINE_MAX, "entry longer than its line");
	memcpy(e->key[e->count], key, strlen(key) + 1);
	memcpy(e->value[e->count], value, strlen(value) + 1);
	e->line_no[e->count] = line_no;
	e->count++;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Unquoted is the value as written unless blanks at its ends, a leading quote or a " #" would change it. */
static bool needs_quotes(const char *v)
{
	size_t n = strlen(v);
	if (n == 0)
		return false;
	if (is_blank(v[0]) || is_blank(v[n - 1]) || v[0] == '"')
		return true;
	for (size_t i = 1; i < n; i++)
		if (v[i] == '#' && is_blank(v[i - 1]))
			return true;
	return false;
}

static void append_entry(const char *key, const char *value)
{
	bool quote = needs_quotes(value);
	FUZZ_CHECK(!quote || !strchr(value, '"'), "value '%s' can be neither quoted nor left bare", value);
	int n = fmt_snprintf(text + text_len, sizeof text - text_len, quote ? "%s=\"%s\"\n" : "%s=%s\n", key, value);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof text - text_len, "re-printed text too long");
	text_len += (size_t)n;
}

static void syntax_round_trip(const char *input, size_t size, size_t line_max)
{
	char *line = malloc(line_max);
	char error[96];
	memset(&first, 0, sizeof first);
	int rc = cfg_parse(input, size, line, line_max, collect, &first, error, sizeof error);
	FUZZ_CHECK(strnlen(error, sizeof error) < sizeof error, "error not terminated");
	FUZZ_CHECK(rc == 0 ? error[0] == '\0' : rc == -1 && strncmp(error, "line ", 5) == 0,
		   "rc %d with error '%s'", rc, error);
	free(line);
	if (rc || first.overflow)
		return;

	text_len = 0;
	for (unsigned i = 0; i < first.count; i++)
		append_entry(first.key[i], first.value[i]);
	static char big_line[CFG_LINE_MAX + 8];
	memset(&second, 0, sizeof second);
	rc = cfg_parse(text, text_len, big_line, sizeof big_line, collect, &second, error, sizeof error);
	FUZZ_CHECK(rc == 0, "re-printed entries rejected: %s", error);
	FUZZ_CHECK(second.count == first.count, "%u entries became %u", first.count, second.count);
	for (unsigned i = 0; i < first.count; i++)
		FUZZ_CHECK(strcmp(first.key[i], second.key[i]) == 0 && strcmp(first.value[i], second.value[i]) == 0,
			   "entry %u '%s'='%s' came back as '%s'='%s'", i, first.key[i], first.value[i],
			   second.key[i], second.value[i]);
}

/* The loader's promises about an accepted keel.cfg. */
static void check_config(const struct boot_config *c)
{
	FUZZ_CHECK(c->module_count <= BOOT_MODULES_MAX && c->module_dir_count <= CONFIG_MODULE_DIRS_MAX,
		   "counts %u %u", c->module_count, c->module_dir_count);
	FUZZ_CHECK(c->autostart_count <= CONFIG_AUTOSTART_MAX, "autostart %u", c->autostart_count);
	FUZZ_CHECK(c->hypervisor[0] == '\\' && !strchr(c->hypervisor, '/'), "hypervisor '%s'", c->hypervisor);
	unsigned dom0 = 0;
	for (unsigned i = 0; i < c->module_count; i++) {
		const struct config_module *m = &c->modules[i];
		FUZZ_CHECK(m->path[0] == '\\' && !strchr(m->path, '/') && !strchr(m->path, ' '), "path '%s'", m->path);
		FUZZ_CHECK(m->args[0] != ' ' && m->args[0] != '\t', "args '%s' not trimmed", m->args);
		dom0 += m->kind == BOOT_MODULE_DOM0;
	}
	FUZZ_CHECK(dom0 == (c->dom0_set ? 1u : 0u), "%u dom0 modules", dom0);
	for (unsigned i = 0; i < c->module_dir_count; i++) {
		size_t n = strlen(c->module_dirs[i]);
		FUZZ_CHECK(c->module_dirs[i][0] == '\\' && (n == 1 || c->module_dirs[i][n - 1] != '\\'),
			   "module_dir '%s'", c->module_dirs[i]);
		for (unsigned j = 0; j < i; j++)
			FUZZ_CHECK(!config_same_path(c->module_dirs[i], c->module_dirs[j]), "module_dir twice");
	}
}

static const char *kind_key(uint32_t kind)
{
	return kind == BOOT_MODULE_DOM0 ? "dom0" : kind == BOOT_MODULE_GUEST ? "guest" : "module";
}

/* struct boot_config back to keel.cfg text: what a tool that edits the file would write. */
static void print_config(const struct boot_config *c)
{
	text_len = 0;
	if (c->hypervisor_set)
		append_entry("hypervisor", c->hypervisor);
	if (c->cmdline_set)
		append_entry("cmdline", c->cmdline);
	for (unsigned i = 0; i < c->module_count; i++) {
		char value[BOOT_NAME_MAX + BOOT_CMDLINE_MAX + 2];
		const struct config_module *m = &c->modules[i];
		fmt_snprintf(value, sizeof value, m->args[0] ? "%s %s" : "%s", m->path, m->args);
		append_entry(kind_key(m->kind), value);
	}
	for (unsigned i = 0; i < c->module_dir_count; i++)
		append_entry("module_dir", c->module_dirs[i]);
	if (c->autostart_count) {
		/* Only the count is kept (dom0 reads the names), so any distinct names will do. */
		char names[CONFIG_AUTOSTART_MAX * 4];
		size_t used = 0;
		for (unsigned i = 0; i < c->autostart_count; i++)
			used += (size_t)fmt_snprintf(names + used, sizeof names - used, i ? " d%u" : "d%u", i);
		append_entry("autostart", names);
	}
}

static void meaning_round_trip(const char *input, size_t size)
{
	static struct boot_config config, again;
	char error[160];
	int rc = config_parse(input, size, &config, error, sizeof error);
	FUZZ_CHECK(strnlen(error, sizeof error) < sizeof error, "error not terminated");
	if (rc) {
		FUZZ_CHECK(rc == -1 && error[0] != '\0', "failure %d without a message", rc);
		return;
	}
	check_config(&config);
	print_config(&config);
	rc = config_parse(text, text_len, &again, error, sizeof error);
	FUZZ_CHECK(rc == 0, "re-printed keel.cfg rejected: %s\n%.*s", error, (int)text_len, text);
	FUZZ_CHECK(memcmp(&config, &again, sizeof config) == 0, "re-printed keel.cfg means something else:\n%.*s",
		   (int)text_len, text);

	bool had_self = config_has_module(&config, CONFIG_PATH);
	unsigned before = config.module_count;
	rc = config_add_self_for_dom0(&config, error, sizeof error);
	if (rc == 0) {
		bool added = config.dom0_set && !had_self;
		FUZZ_CHECK(config.module_count == before + added, "self-module count %u -> %u", before,
			   config.module_count);
		FUZZ_CHECK(!config.dom0_set || config_has_module(&config, CONFIG_PATH), "keel.cfg not handed to dom0");
	} else {
		FUZZ_CHECK(before == BOOT_MODULES_MAX && error[0] != '\0', "self-module failed with room left");
	}
	check_config(&config);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: the text is not NUL-terminated, and a read past it must show. */
	char *input = malloc(size ? size : 1);
	if (!input)
		return 0;
	memcpy(input, data, size);
	/* A small line buffer too, so the too-long-line path runs on short inputs. */
	syntax_round_trip(input, size, CFG_LINE_MAX);
	syntax_round_trip(input, size, 2 + (size % 24));
	meaning_round_trip(input, size);
	free(input);
	return 0;
}
