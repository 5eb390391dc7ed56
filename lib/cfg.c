/* cfg.c: the 'key = value' configuration parser (see cfg.h for the syntax). */
#include "cfg.h"

#include <stdbool.h>
#include <stdint.h>

#include "fmt.h"
#include "string.h"

/* Room for a handler's reason; longer reasons are truncated, never overflowed. */
#define CFG_WHY_MAX 160

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/* Tab is the only control character a line may carry (as whitespace). */
static bool is_control(char c)
{
	unsigned char u = (unsigned char)c;
	return (u < 0x20 && c != '\t') || u == 0x7f;
}

static int fail(char *error, size_t error_size, unsigned line_no, const char *what)
{
	fmt_snprintf(error, error_size, "line %u: %s", line_no, what);
	return -1;
}

/* Describes one offending byte readably: 'x' or \xNN. */
static void describe_char(char *out, size_t size, char c)
{
	unsigned char u = (unsigned char)c;
	if (u >= 0x21 && u < 0x7f)
		fmt_snprintf(out, size, "'%c'", c);
	else
		fmt_snprintf(out, size, "\\x%02x", u);
}

/*
 * Splits one line (NUL-terminated, already free of NUL and control bytes) into
 * key and value in place. Returns NULL and sets *key to NULL for blank and
 * comment lines; returns an error string for a malformed line.
 */
static const char *split_line(char *line, char **key, char **value, char *detail, size_t detail_size)
{
	*key = NULL;
	*value = NULL;

	char *p = line;
	while (is_blank(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return NULL;

	char *eq = strchr(p, '=');
	if (!eq)
		return "missing '=' (expected 'key = value')";

	char *key_end = eq;
	while (key_end > p && is_blank(key_end[-1]))
		key_end--;
	if (key_end == p)
		return "empty key";
	for (char *k = p; k < key_end; k++) {
		if (!is_key_char(*k)) {
			char shown[8];
			describe_char(shown, sizeof shown, *k);
			fmt_snprintf(detail, detail_size, "bad character %s in key", shown);
			return detail;
		}
	}
	*key_end = '\0';

	char *v = eq + 1;
	while (is_blank(*v))
		v++;

	char *v_end;
	if (*v == '"') {
		v++;
		v_end = strchr(v, '"');
		if (!v_end)
			return "unterminated quote";
		char *after = v_end + 1;
		while (is_blank(*after))
			after++;
		if (*after != '\0' && *after != '#')
			return "text after closing quote";
	} else {
		/* '#' starts a comment only after whitespace, so 'a#b' stays a value (v_end[-1] is
		 * always inside the line: at least the '=' precedes the value). */
		v_end = v;
		while (*v_end && !(*v_end == '#' && is_blank(v_end[-1])))
			v_end++;
		while (v_end > v && is_blank(v_end[-1]))
			v_end--;
	}
	*v_end = '\0';

	*key = p;
	*value = v;
	return NULL;
}

int cfg_parse(const char *text, size_t len, char *line_buf, size_t line_buf_size,
              cfg_entry_fn on_entry, void *ctx, char *error, size_t error_size)
{
	if (error && error_size)
		error[0] = '\0';
	if ((!text && len) || !line_buf || line_buf_size < 2 || !on_entry)
		return fail(error, error_size, 0, "invalid parser arguments");

	size_t pos = 0;
	unsigned line_no = 0;
	while (pos < len) {
		line_no++;
		size_t start = pos;
		while (pos < len && text[pos] != '\n')
			pos++;
		size_t line_len = pos - start;
		if (pos < len)
			pos++; /* step over '\n' */
		if (line_len && text[start + line_len - 1] == '\r')
			line_len--; /* CRLF */

		for (size_t i = 0; i < line_len; i++) {
			char c = text[start + i];
			if (c == '\0')
				return fail(error, error_size, line_no, "NUL byte");
			if (is_control(c)) {
				char msg[48];
				fmt_snprintf(msg, sizeof msg, "control character \\x%02x",
				             (unsigned char)c);
				return fail(error, error_size, line_no, msg);
			}
		}
		if (line_len > line_buf_size - 1) {
			char msg[64];
			fmt_snprintf(msg, sizeof msg, "line too long (max %zu characters)",
			             line_buf_size - 1);
			return fail(error, error_size, line_no, msg);
		}
		memcpy(line_buf, text + start, line_len);
		line_buf[line_len] = '\0';

		char *key, *value;
		char detail[48];
		const char *problem = split_line(line_buf, &key, &value, detail, sizeof detail);
		if (problem)
			return fail(error, error_size, line_no, problem);
		if (!key)
			continue;

		char why[CFG_WHY_MAX];
		why[0] = '\0';
		if (on_entry(ctx, key, value, line_no, why, sizeof why) != 0) {
			why[sizeof why - 1] = '\0';
			if (why[0] == '\0')
				fmt_snprintf(why, sizeof why, "entry '%s' rejected", key);
			return fail(error, error_size, line_no, why);
		}
	}
	return 0;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* True when the name of len bytes at name occurs among the words of list before stop. */
static bool listed_before(const char *list, const char *stop, const char *name, size_t len)
{
	const char *p = list;
	while (p < stop) {
		while (p < stop && is_blank(*p))
			p++;
		const char *word = p;
		while (p < stop && !is_blank(*p))
			p++;
		if ((size_t)(p - word) == len && p > word && memcmp(word, name, len) == 0)
			return true;
	}
	return false;
}

int cfg_check_name_list(const char *value, unsigned max_count, size_t max_len,
                        char *why, size_t why_size)
{
	unsigned count = 0;
	const char *p = value;
	for (;;) {
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		const char *name = p;
		while (*p && !is_blank(*p))
			p++;
		size_t len = (size_t)(p - name);
		for (size_t i = 0; i < len; i++) {
			if (!is_name_char(name[i])) {
				char shown[8];
				describe_char(shown, sizeof shown, name[i]);
				fmt_snprintf(why, why_size, "bad character %s in name '%.*s' (allowed: A-Z a-z 0-9 _ -)",
				             shown, (int)len, name);
				return -1;
			}
		}
		if (len > max_len) {
			fmt_snprintf(why, why_size, "name '%.*s' too long (max %zu characters)",
			             (int)len, name, max_len);
			return -1;
		}
		if (listed_before(value, name, name, len)) {
			fmt_snprintf(why, why_size, "name '%.*s' listed twice", (int)len, name);
			return -1;
		}
		if (++count > max_count) {
			fmt_snprintf(why, why_size, "too many names (max %u)", max_count);
			return -1;
		}
	}
	if (count == 0) {
		fmt_snprintf(why, why_size, "no names given");
		return -1;
	}
	return (int)count;
}
