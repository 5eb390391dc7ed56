/* fuzz_domcfg.c: libFuzzer target for dom0's domain configs (dom0/domcfg.c): a file, CLI overrides, and a round trip. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../dom0/domcfg.h"
#include "fuzz_check.h"

/*
 * Input: a NAME.cfg file's text, then optionally a NUL and "key=value" override words
 * separated by NULs, as 'create NAME key=value...' passes them. Each override is an
 * exact-size heap string, so a read past its end shows. A config that parses and passes
 * domcfg_check is written back as a file, which must parse to the same config.
 */

#define OVERRIDES_MAX 8

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
	       c == '-';
}

/* The CLI hands over only printable ASCII, and its word splitting removes every '"'. */
static bool cli_can_type(const char *word)
{
	for (; *word; word++)
		if (*word < 0x20 || *word > 0x7e || *word == '"')
			return false;
	return true;
}

/* What every config dom0 may build from promises, whatever the input said. */
static void check_config(const struct domcfg *c)
{
	FUZZ_CHECK(c->memory_bytes >= DOMCFG_MEMORY_MIN && c->memory_bytes <= DOMCFG_MEMORY_MAX &&
			   c->memory_bytes % 4096 == 0,
		   "memory %llu", (unsigned long long)c->memory_bytes);
	FUZZ_CHECK(c->vcpus >= 1 && c->vcpus <= DOMCFG_VCPUS_MAX, "vcpus %u", c->vcpus);
	FUZZ_CHECK(strnlen(c->name, sizeof c->name) < sizeof c->name, "name not terminated");
	FUZZ_CHECK(c->name[0] == '\0' || domcfg_name_valid(c->name), "name '%s'", c->name);
	FUZZ_CHECK(strnlen(c->kernel, sizeof c->kernel) < sizeof c->kernel, "kernel not terminated");
	FUZZ_CHECK(!strchr(c->kernel, '/'), "kernel '%s' kept a '/'", c->kernel);
	FUZZ_CHECK(strnlen(c->cmdline, sizeof c->cmdline) < sizeof c->cmdline, "cmdline not terminated");
	FUZZ_CHECK(strcmp(domcfg_action_name(c->on_crash), "?") != 0 &&
			   strcmp(domcfg_action_name(c->on_poweroff), "?") != 0 &&
			   strcmp(domcfg_action_name(c->on_reboot), "?") != 0,
		   "an action out of range");
	if (c->has_disk) {
		size_t n = strnlen(c->disk_label, sizeof c->disk_label);
		FUZZ_CHECK(n > 0 && n < sizeof c->disk_label, "disk label length %zu", n);
		/* A partition's label is name characters; a null disk keeps "null:SIZE", valid. */
		uint64_t sectors;
		if (strncmp(c->disk_label, DOMCFG_NULL_PREFIX, sizeof(DOMCFG_NULL_PREFIX) - 1) == 0)
			FUZZ_CHECK(domcfg_null_disk_sectors(c->disk_label, &sectors) && sectors > 0,
				   "null disk '%s'", c->disk_label);
		else
			for (size_t i = 0; i < n; i++)
				FUZZ_CHECK(is_name_char(c->disk_label[i]), "disk label '%s'", c->disk_label);
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A value lib/cfg reads back unchanged: bare when it can be, else quoted. */
static int print_value(char *out, size_t size, const char *key, const char *value)
{
	size_t n = strlen(value);
	/* After " = ", a leading '#' would start a comment. */
	bool quote = n && (is_blank(value[0]) || is_blank(value[n - 1]) || value[0] == '"' || value[0] == '#');
	for (size_t i = 1; i < n; i++)
		quote |= value[i] == '#' && is_blank(value[i - 1]);
	FUZZ_CHECK(!quote || !strchr(value, '"'), "%s '%s' cannot be written to a file", key, value);
	return snprintf(out, size, quote ? "%s = \"%s\"\n" : "%s = %s\n", key, value);
}

static size_t print_config(const struct domcfg *c, char *out, size_t size)
{
	size_t used = 0;
	char number[32];
#define PUT(key, value) used += (size_t)print_value(out + used, size - used, key, value)
	PUT("name", c->name);
	PUT("kernel", c->kernel);
	snprintf(number, sizeof number, "%lluK", (unsigned long long)(c->memory_bytes >> 10));
	PUT("memory", number);
	snprintf(number, sizeof number, "%u", c->vcpus);
	PUT("vcpus", number);
	PUT("cmdline", c->cmdline);
	PUT("on_crash", domcfg_action_name(c->on_crash));
	PUT("on_poweroff", domcfg_action_name(c->on_poweroff));
	PUT("on_reboot", domcfg_action_name(c->on_reboot));
	if (c->has_disk) {
		char disk[DOMCFG_DISK_MAX + 16];
		bool null_disk = strncmp(c->disk_label, DOMCFG_NULL_PREFIX, sizeof(DOMCFG_NULL_PREFIX) - 1) == 0;
		snprintf(disk, sizeof disk, "%s%s,%s", null_disk ? "" : "part:", c->disk_label, c->disk_readonly ? "ro" : "rw");
		PUT("disk", disk);
	}
#undef PUT
	FUZZ_CHECK(used < size, "re-printed config too long");
	return used;
}

static void round_trip(const struct domcfg *c)
{
	char text[1024];
	char err[200];
	size_t len = print_config(c, text, sizeof text);
	struct domcfg again;
	domcfg_init(&again);
	FUZZ_CHECK(domcfg_parse(&again, text, len, err, sizeof err) == 0, "re-printed config rejected: %s\n%s", err,
		   text);
	FUZZ_CHECK(strcmp(c->name, again.name) == 0 && strcmp(c->kernel, again.kernel) == 0 &&
			   c->memory_bytes == again.memory_bytes && c->vcpus == again.vcpus &&
			   strcmp(c->cmdline, again.cmdline) == 0 && c->on_crash == again.on_crash &&
			   c->on_poweroff == again.on_poweroff && c->on_reboot == again.on_reboot &&
			   c->has_disk == again.has_disk &&
			   (!c->has_disk || (c->disk_readonly == again.disk_readonly &&
					     strcmp(c->disk_label, again.disk_label) == 0)),
		   "re-printed config means something else:\n%s", text);
}

/* Bytes before the first NUL at or after 'from' (<string.h> here is Keel's, without memchr). */
static size_t span_to_nul(const uint8_t *data, size_t size, size_t from)
{
	size_t n = 0;
	while (from + n < size && data[from + n] != '\0')
		n++;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t file_len = span_to_nul(data, size, 0);
	char *file = malloc(file_len ? file_len : 1);
	if (!file)
		return 0;
	memcpy(file, data, file_len);

	struct domcfg cfg;
	char err[200];
	domcfg_init(&cfg);
	int rc = domcfg_parse(&cfg, file, file_len, err, sizeof err);
	free(file);
	if (rc) {
		FUZZ_CHECK(rc == -1 && err[0] != '\0' && strnlen(err, sizeof err) < sizeof err, "parse failure %d", rc);
		return 0;
	}
	check_config(&cfg);

	/* The overrides: each applies completely or not at all. */
	size_t pos = file_len + 1;
	for (unsigned i = 0; i < OVERRIDES_MAX && pos <= size; i++) {
		size_t len = span_to_nul(data, size, pos);
		char *word = malloc(len + 1);
		if (!word)
			return 0;
		memcpy(word, data + pos, len);
		word[len] = '\0';
		pos += len + 1;
		if (!cli_can_type(word)) {
			free(word);
			continue;
		}
		struct domcfg before = cfg;
		if (domcfg_override(&cfg, word, err, sizeof err)) {
			FUZZ_CHECK(strncmp(err, "override '", 10) == 0, "override error '%s'", err);
			FUZZ_CHECK(memcmp(&before, &cfg, sizeof cfg) == 0, "failed override '%s' changed the config", word);
		}
		free(word);
		check_config(&cfg);
	}

	if (domcfg_check(&cfg, err, sizeof err) == 0)
		round_trip(&cfg);
	else
		FUZZ_CHECK(cfg.name[0] == '\0' || cfg.kernel[0] == '\0', "complete config failed its check: %s", err);
	return 0;
}
