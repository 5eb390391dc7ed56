/* fuzz_cli.c: libFuzzer target for dom0's CLI input: the line editor against a model terminal, word splitting, numbers and CPU lists. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../dom0/cli_args.h"
#include "../../dom0/lineedit.h"
#include "fuzz_check.h"

/*
 * Input: one byte choosing the machine's CPU count, then the bytes an operator types.
 * After every byte the editor's echo is played on a model VT100 line, which must then
 * show exactly the editor's line with the cursor where the editor says; a byte that
 * breaks that desynchronises the operator's screen. Each finished line goes through
 * what dom0/cli.c's run_line does before dispatch (the dispatch itself needs domains and
 * hypercalls, so it is not here): cli_split_words, then every word as a number and a
 * CPU list, checked against a reference reading.
 */

#define SCREEN_MAX (LINEEDIT_MAX + 64)

struct terminal {
	char cells[SCREEN_MAX];
	size_t shown;    /* columns holding text */
	size_t col;
};

static void term_clear(struct terminal *t)
{
	t->shown = 0;
	t->col = 0;
}

/* Plays one feed's output: the few sequences lineedit.h promises, nothing else. */
static void term_play(struct terminal *t, const char *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = out[i];
		if (c == '\a')
			continue;
		if (c == '\r') {
			t->col = 0;
		} else if (c == '\n') {
			term_clear(t);
		} else if (c == '\b') {
			FUZZ_CHECK(t->col > 0, "backspace at column 0");
			t->col--;
		} else if (c == 0x1b) {
			FUZZ_CHECK(i + 2 < len && out[i + 1] == '[', "bad escape at %zu of %zu", i, len);
			size_t n = 0;
			bool digits = false;
			for (i += 2; i < len && out[i] >= '0' && out[i] <= '9'; i++, digits = true)
				n = n * 10 + (size_t)(out[i] - '0');
			FUZZ_CHECK(i < len, "escape cut short");
			if (out[i] == 'K') {
				FUZZ_CHECK(!digits, "ESC [ n K");
				t->shown = t->col;
			} else if (out[i] == 'D') {
				FUZZ_CHECK(digits && n > 0 && n <= t->col, "move left %zu from %zu", n, t->col);
				t->col -= n;
			} else {
				FUZZ_CHECK(out[i] == 'C' && digits && n > 0 && t->col + n <= t->shown,
					   "move right %zu from %zu of %zu", n, t->col, t->shown);
				t->col += n;
			}
		} else {
			FUZZ_CHECK(c >= 0x20 && c < 0x7f, "echoed control byte %#x", (unsigned char)c);
			FUZZ_CHECK(t->col < SCREEN_MAX, "ran off the screen");
			t->cells[t->col++] = c;
			if (t->col > t->shown)
				t->shown = t->col;
		}
	}
}

static void check_editor(const struct lineedit *le, const struct terminal *t)
{
	FUZZ_CHECK(le->len <= LINEEDIT_MAX && le->cursor <= le->len, "len %zu cursor %zu", le->len, le->cursor);
	FUZZ_CHECK(le->line[le->len] == '\0' && strlen(le->line) == le->len, "line not terminated at len");
	for (size_t i = 0; i < le->len; i++)
		FUZZ_CHECK(le->line[i] >= 0x20 && le->line[i] < 0x7f, "line holds byte %#x", (unsigned char)le->line[i]);
	FUZZ_CHECK(le->out_len <= LINEEDIT_OUT_MAX, "output %zu", le->out_len);
	FUZZ_CHECK(t->shown == le->len && memcmp(t->cells, le->line, le->len) == 0 && t->col == le->cursor,
		   "screen '%.*s' (cursor %zu) but line '%s' (cursor %zu)", (int)t->shown, t->cells, t->col, le->line,
		   le->cursor);
	FUZZ_CHECK(le->history_count <= LINEEDIT_HISTORY && le->browse <= le->history_count, "history %zu browse %zu",
		   le->history_count, le->browse);
	for (size_t back = 0; back < le->history_count; back++) {
		const char *h = lineedit_history(le, back);
		FUZZ_CHECK(h && strnlen(h, LINEEDIT_MAX + 1) <= LINEEDIT_MAX && h[0] != '\0', "history %zu", back);
	}
	FUZZ_CHECK(lineedit_history(le, le->history_count) == NULL, "history past its count");
}

/* The reference reading of cli_parse_u64's syntax: digits, or 0x and hex digits. */
static bool reference_u64(const char *text, uint64_t *value, bool *overflow)
{
	bool hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
	const char *digits = hex ? text + 2 : text;
	if (!*digits)
		return false;
	for (const char *p = digits; *p; p++) {
		bool dec = *p >= '0' && *p <= '9';
		bool hexd = (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F');
		if (!(dec || (hex && hexd)))
			return false;
	}
	errno = 0;
	*value = strtoull(digits, NULL, hex ? 16 : 10);
	*overflow = errno == ERANGE;
	return true;
}

static void check_number(const char *word, uint64_t min, uint64_t max)
{
	uint64_t got = 0, want = 0;
	bool overflow = false;
	char err[160];
	bool ok = cli_parse_u64("n", word, min, max, &got, err, sizeof err);
	bool number = reference_u64(word, &want, &overflow);
	bool expect = number && !overflow && want >= min && want <= max;
	FUZZ_CHECK(ok == expect, "'%s' in %llu..%llu: parsed %d, expected %d", word, (unsigned long long)min,
		   (unsigned long long)max, ok, expect);
	if (ok)
		FUZZ_CHECK(got == want, "'%s' read as %llu", word, (unsigned long long)got);
	else
		FUZZ_CHECK(strncmp(err, "n: ", 3) == 0, "error '%s'", err);
}

static void check_cpus(const char *word, unsigned nr_cpus)
{
	unsigned nr = nr_cpus > 64 ? 64 : nr_cpus;
	uint64_t all = nr == 64 ? UINT64_MAX : (1ull << nr) - 1;
	uint64_t mask = 0, again = 0;
	char err[160], text[200];
	if (!cli_parse_cpus(word, nr_cpus, &mask, err, sizeof err)) {
		FUZZ_CHECK(strncmp(err, "cpus: ", 6) == 0, "error '%s'", err);
		return;
	}
	FUZZ_CHECK(mask != 0 && (mask & ~all) == 0, "'%s' on %u CPUs gave %#llx", word, nr_cpus, (unsigned long long)mask);
	cli_format_cpus(mask, nr_cpus, text, sizeof text);
	FUZZ_CHECK(cli_parse_cpus(text, nr_cpus, &again, err, sizeof err) && again == mask,
		   "'%s' formatted as '%s', which reads back as %#llx", word, text, (unsigned long long)again);
	/* A short buffer cuts the text but always terminates it. */
	char small[7];
	cli_format_cpus(mask ^ (mask << 7), nr_cpus, small, 1 + (mask % sizeof small));
	FUZZ_CHECK(strnlen(small, sizeof small) < sizeof small, "short format not terminated");
}

static void check_words(const char *line, unsigned nr_cpus)
{
	char buf[LINEEDIT_MAX + 1];
	char *words[CLI_MAX_WORDS];
	char err[160];
	size_t len = strlen(line);
	memcpy(buf, line, len + 1);
	size_t quotes = 0, plain = 0;
	for (size_t i = 0; i < len; i++) {
		quotes += line[i] == '"';
		plain += line[i] != '"' && line[i] != ' ' && line[i] != '\t';
	}
	int count = cli_split_words(buf, words, CLI_MAX_WORDS, err, sizeof err);
	if (count < 0) {
		FUZZ_CHECK(count == -1 && (quotes % 2 || strncmp(err, "too many words", 14) == 0), "split error '%s'", err);
		return;
	}
	FUZZ_CHECK(quotes % 2 == 0 && count <= CLI_MAX_WORDS, "unterminated quote accepted, or %d words", count);
	size_t kept = 0;
	for (int i = 0; i < count; i++) {
		FUZZ_CHECK(words[i] >= buf && words[i] + strlen(words[i]) < buf + sizeof buf, "word %d outside the line", i);
		FUZZ_CHECK(i == 0 || words[i] > words[i - 1] + strlen(words[i - 1]), "words %d and %d overlap", i - 1, i);
		FUZZ_CHECK(!strchr(words[i], '"'), "word '%s' kept a quote", words[i]);
		for (const char *p = words[i]; *p; p++)
			kept += *p != ' ' && *p != '\t';
		if (!quotes)
			FUZZ_CHECK(!strchr(words[i], ' ') && !strchr(words[i], '\t') && words[i][0], "bare word '%s'", words[i]);
	}
	FUZZ_CHECK(kept == plain, "words keep %zu of the line's %zu visible bytes", kept, plain);

	for (int i = 0; i < count; i++) {
		check_number(words[i], 0, UINT64_MAX);
		check_number(words[i], (uint64_t)len, (uint64_t)len * 1000);
		check_cpus(words[i], nr_cpus);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lineedit le;
	struct terminal term;
	if (size == 0)
		return 0;
	unsigned nr_cpus = data[0] % 80;   /* 0 and more than 64 are cases too */
	lineedit_init(&le);
	term_clear(&term);
	for (size_t i = 1; i < size; i++) {
		enum lineedit_result result = lineedit_feed(&le, data[i]);
		size_t out_len;
		const char *out = lineedit_output(&le, &out_len);
		FUZZ_CHECK(out_len <= LINEEDIT_OUT_MAX, "output %zu", out_len);
		if (result == LINEEDIT_EDITING) {
			term_play(&term, out, out_len);
			check_editor(&le, &term);
			continue;
		}
		/* The line ends with CR LF on screen; DONE hands it over, CANCELLED drops it. */
		FUZZ_CHECK(out_len >= 2 && out[out_len - 2] == '\r' && out[out_len - 1] == '\n', "line end not echoed");
		term_play(&term, out, out_len - 2);
		if (result == LINEEDIT_DONE) {
			FUZZ_CHECK(term.shown == le.len && memcmp(term.cells, le.line, le.len) == 0, "finished line differs");
			check_words(lineedit_line(&le), nr_cpus);
		} else {
			FUZZ_CHECK(result == LINEEDIT_CANCELLED, "result %d", result);
		}
		lineedit_reset_line(&le);
		term_clear(&term);
		check_editor(&le, &term);
	}
	return 0;
}
