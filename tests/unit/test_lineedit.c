/* test_lineedit.c: unit tests of dom0's line editor: every key, history bounds, overlong lines, and the echo on a model terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../dom0/lineedit.h"

/*
 * A one-line VT100 model: what the operator sees after the echo. It understands exactly
 * what a terminal would do with the editor's output, so a wrong echo shows up as a
 * screen that differs from the line.
 */
struct screen {
	char cells[LINEEDIT_MAX + 2];
	size_t cursor;
	unsigned int bells;
	unsigned int newlines;
};

static void screen_apply(struct screen *s, const char *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = out[i];
		if (c == '\x1b') {
			assert_true(i + 2 < len);
			assert_int_equal(out[i + 1], '[');
			size_t n = 0;
			i += 2;
			while (out[i] >= '0' && out[i] <= '9')
				n = n * 10 + (size_t)(out[i++] - '0');
			if (out[i] == 'D') {
				assert_true(n <= s->cursor);   /* never moves into the prompt */
				s->cursor -= n;
			} else if (out[i] == 'C') {
				s->cursor += n;
			} else if (out[i] == 'K') {
				s->cells[s->cursor] = '\0';
			} else {
				fail_msg("unexpected escape final '%c'", out[i]);
			}
		} else if (c == '\b') {
			assert_true(s->cursor > 0);
			s->cursor--;
		} else if (c == '\a') {
			s->bells++;
		} else if (c == '\r') {
			s->cursor = 0;
		} else if (c == '\n') {
			s->newlines++;
			memset(s->cells, 0, sizeof(s->cells));
		} else {
			assert_true(s->cursor < LINEEDIT_MAX);
			size_t old = strlen(s->cells);
			s->cells[s->cursor++] = c;
			if (s->cursor > old)
				s->cells[s->cursor] = '\0';
		}
	}
}

struct fixture {
	struct lineedit le;
	struct screen screen;
};

/* Feeds every byte, checks the echo keeps screen and line equal, returns the last result. */
static enum lineedit_result feed_n(struct fixture *f, const char *bytes, size_t n)
{
	enum lineedit_result r = LINEEDIT_EDITING;
	for (size_t i = 0; i < n; i++) {
		r = lineedit_feed(&f->le, (uint8_t)bytes[i]);
		size_t len;
		const char *out = lineedit_output(&f->le, &len);
		assert_true(len <= LINEEDIT_OUT_MAX);
		screen_apply(&f->screen, out, len);
		if (r == LINEEDIT_EDITING) {
			assert_string_equal(f->screen.cells, lineedit_line(&f->le));
			assert_int_equal(f->screen.cursor, f->le.cursor);
		}
		if (r != LINEEDIT_EDITING && i + 1 < n) {
			lineedit_reset_line(&f->le);   /* the CLI starts a new line after each */
			memset(&f->screen, 0, sizeof(f->screen));
		}
	}
	return r;
}

static enum lineedit_result feed(struct fixture *f, const char *bytes)
{
	return feed_n(f, bytes, strlen(bytes));
}

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof(f));
	lineedit_init(&f.le);
	*state = &f;
	return 0;
}

static void new_line(struct fixture *f)
{
	lineedit_reset_line(&f->le);
	memset(&f->screen, 0, sizeof(f->screen));
}

static void test_typing_and_enter(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(feed(f, "list"), LINEEDIT_EDITING);
	assert_string_equal(lineedit_line(&f->le), "list");
	assert_int_equal(feed(f, "\r"), LINEEDIT_DONE);
	assert_string_equal(lineedit_line(&f->le), "list");
	assert_int_equal(f->screen.newlines, 1);
	new_line(f);
	assert_int_equal(feed(f, "info\n"), LINEEDIT_DONE);
	assert_string_equal(lineedit_line(&f->le), "info");
}

static void test_crlf_counts_once(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(feed(f, "a\r"), LINEEDIT_DONE);
	new_line(f);
	/* The LF of CR LF ends nothing; the next line is typed normally. */
	assert_int_equal(feed(f, "\n"), LINEEDIT_EDITING);
	assert_int_equal(feed(f, "b\n"), LINEEDIT_DONE);
	assert_string_equal(lineedit_line(&f->le), "b");
	new_line(f);
	/* LF alone twice: two lines (the second empty). */
	assert_int_equal(feed(f, "\n"), LINEEDIT_DONE);
	new_line(f);
	assert_int_equal(feed(f, "\n"), LINEEDIT_DONE);
	assert_string_equal(lineedit_line(&f->le), "");
	new_line(f);
	/* CR CR: two lines too, and a LF after a typed byte is a line end again. */
	assert_int_equal(feed(f, "\r"), LINEEDIT_DONE);
	new_line(f);
	assert_int_equal(feed(f, "\r"), LINEEDIT_DONE);
	new_line(f);
	assert_int_equal(feed(f, "x\n"), LINEEDIT_DONE);
}

static void test_backspace_both_codes(void **state)
{
	struct fixture *f = *state;
	feed(f, "abcd\x7f");
	assert_string_equal(lineedit_line(&f->le), "abc");
	feed(f, "\x08");
	assert_string_equal(lineedit_line(&f->le), "ab");
	feed(f, "\x7f\x7f");
	assert_string_equal(lineedit_line(&f->le), "");
	assert_int_equal(f->screen.bells, 0);
	feed(f, "\x7f");   /* nothing left: bell, no change */
	assert_int_equal(f->screen.bells, 1);
	assert_string_equal(lineedit_line(&f->le), "");
}

static void test_arrows_insert_and_delete_mid_line(void **state)
{
	struct fixture *f = *state;
	feed(f, "ac\x1b[Db");
	assert_string_equal(lineedit_line(&f->le), "abc");
	assert_int_equal(f->le.cursor, 2);
	feed(f, "\x1b[C\x1b[C");   /* right at the end: stays */
	assert_int_equal(f->le.cursor, 3);
	feed(f, "\x1b[D\x1b[D\x7f");   /* backspace in the middle removes 'a' */
	assert_string_equal(lineedit_line(&f->le), "bc");
	assert_int_equal(f->le.cursor, 0);
	feed(f, "\x1b[D");   /* left at the start: stays */
	assert_int_equal(f->le.cursor, 0);
	feed(f, "\x1b[3~");  /* Delete under the cursor */
	assert_string_equal(lineedit_line(&f->le), "c");
	feed(f, "\x1bOC\x1bODx");   /* SS3 arrows too */
	assert_string_equal(lineedit_line(&f->le), "xc");
}

static void test_home_and_end(void **state)
{
	struct fixture *f = *state;
	feed(f, "bc\x1b[Ha\x1b[Fd");
	assert_string_equal(lineedit_line(&f->le), "abcd");
	feed(f, "\x1b[1~<\x1b[4~>");
	assert_string_equal(lineedit_line(&f->le), "<abcd>");
	feed(f, "\x1bOH[\x1bOF]");
	assert_string_equal(lineedit_line(&f->le), "[<abcd>]");
	feed(f, "\x01(\x05)");   /* Ctrl-A, Ctrl-E */
	assert_string_equal(lineedit_line(&f->le), "([<abcd>])");
}

static void test_ctrl_c_and_ctrl_u(void **state)
{
	struct fixture *f = *state;
	feed(f, "destroy web");
	assert_int_equal(feed(f, "\x15"), LINEEDIT_EDITING);
	assert_string_equal(lineedit_line(&f->le), "");
	assert_int_equal(f->le.cursor, 0);
	feed(f, "list\x1b[D\x1b[D\x15ok");   /* Ctrl-U with the cursor mid-line */
	assert_string_equal(lineedit_line(&f->le), "ok");
	assert_int_equal(feed(f, "\x03"), LINEEDIT_CANCELLED);
	assert_int_equal(f->screen.newlines, 1);
	assert_null(lineedit_history(&f->le, 0));   /* cancelled lines are not remembered */
}

static void test_history_walk(void **state)
{
	struct fixture *f = *state;
	feed(f, "one\r");
	new_line(f);
	feed(f, "two\r");
	new_line(f);
	feed(f, "dr");
	feed(f, "\x1b[A");
	assert_string_equal(lineedit_line(&f->le), "two");
	feed(f, "\x1b[A");
	assert_string_equal(lineedit_line(&f->le), "one");
	assert_int_equal(f->screen.bells, 0);
	feed(f, "\x1b[A");   /* past the oldest: bell, unchanged */
	assert_int_equal(f->screen.bells, 1);
	assert_string_equal(lineedit_line(&f->le), "one");
	feed(f, "\x1b[B");
	assert_string_equal(lineedit_line(&f->le), "two");
	feed(f, "\x1b[B");   /* back to what was being typed */
	assert_string_equal(lineedit_line(&f->le), "dr");
	feed(f, "\x1b[B");
	assert_int_equal(f->screen.bells, 2);
	/* A recalled line can be edited and run; the history keeps the original too. */
	feed(f, "\x1b[A!\r");
	assert_string_equal(lineedit_line(&f->le), "two!");
	assert_string_equal(lineedit_history(&f->le, 0), "two!");
	assert_string_equal(lineedit_history(&f->le, 1), "two");
}

static void test_history_no_duplicates_or_blanks(void **state)
{
	struct fixture *f = *state;
	const char *lines[] = { "a\r", "a\r", "b\r", "a\r", "   \r", "\r" };
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(feed(f, lines[i]), LINEEDIT_DONE);
		new_line(f);
	}
	assert_int_equal(f->le.history_count, 3);
	assert_string_equal(lineedit_history(&f->le, 0), "a");
	assert_string_equal(lineedit_history(&f->le, 1), "b");
	assert_string_equal(lineedit_history(&f->le, 2), "a");
	assert_null(lineedit_history(&f->le, 3));
}

static void test_history_is_bounded(void **state)
{
	struct fixture *f = *state;
	char line[16];
	for (int i = 0; i < LINEEDIT_HISTORY + 8; i++) {
		snprintf(line, sizeof(line), "cmd%d\r", i);
		feed(f, line);
		new_line(f);
	}
	assert_int_equal(f->le.history_count, LINEEDIT_HISTORY);
	snprintf(line, sizeof(line), "cmd%d", LINEEDIT_HISTORY + 7);
	assert_string_equal(lineedit_history(&f->le, 0), line);
	snprintf(line, sizeof(line), "cmd%d", 8);   /* the oldest eight made room */
	assert_string_equal(lineedit_history(&f->le, LINEEDIT_HISTORY - 1), line);
	assert_null(lineedit_history(&f->le, LINEEDIT_HISTORY));
	for (int i = 0; i < LINEEDIT_HISTORY; i++)
		feed(f, "\x1b[A");
	assert_string_equal(lineedit_line(&f->le), line);
	assert_int_equal(f->screen.bells, 0);
	feed(f, "\x1b[A");
	assert_int_equal(f->screen.bells, 1);
}

static void test_overlong_line_is_refused(void **state)
{
	struct fixture *f = *state;
	char big[LINEEDIT_MAX + 20];
	memset(big, 'x', sizeof(big));
	feed_n(f, big, sizeof(big));
	assert_int_equal(strlen(lineedit_line(&f->le)), LINEEDIT_MAX);
	assert_int_equal(f->screen.bells, 20);
	feed(f, "\x1b[H");   /* inserting in the middle of a full line is refused too */
	feed(f, "y");
	assert_int_equal(f->screen.bells, 21);
	assert_int_equal(lineedit_line(&f->le)[0], 'x');
	/* Recalling a full line and editing it redraws within the output buffer. */
	feed(f, "\x1b[F\x7fz\r");
	new_line(f);
	feed(f, "short\x1b[A");
	assert_int_equal(strlen(lineedit_line(&f->le)), LINEEDIT_MAX);
	feed(f, "\x1b[B");
	assert_string_equal(lineedit_line(&f->le), "short");
}

static void test_unknown_escapes_and_controls_swallowed(void **state)
{
	struct fixture *f = *state;
	feed(f, "a\x1b[5~\x1b[Z\x1bx\x1b[1;5P\x1b[?25h\x1b[99999999999999999999~b");
	assert_string_equal(lineedit_line(&f->le), "ab");
	feed(f, "\x02\x04\x09\x0b\x0c\x1f\x80\xff\xe2");
	assert_string_equal(lineedit_line(&f->le), "ab");
	/* A control byte inside a sequence ends it and still acts. */
	assert_int_equal(feed(f, "\x1b[1\x03"), LINEEDIT_CANCELLED);
	new_line(f);
	assert_int_equal(feed(f, "q\x1b\r"), LINEEDIT_DONE);
	assert_string_equal(lineedit_line(&f->le), "q");
}

static void test_echo_of_mid_line_insert(void **state)
{
	struct fixture *f = *state;
	feed(f, "ac\x1b[D");
	assert_int_equal(lineedit_feed(&f->le, 'b'), LINEEDIT_EDITING);
	size_t len;
	const char *out = lineedit_output(&f->le, &len);
	/* The new byte, the rest of the line, erase to the end, and back over the rest. */
	assert_int_equal(len, strlen("bc\x1b[K\x1b[1D"));
	assert_memory_equal(out, "bc\x1b[K\x1b[1D", len);
}

/* Random keys, biased towards escape sequences and edits: the echo must always match the
 * line, the line never outgrows its buffer, and the editor never reads or writes outside it. */
static void test_random_input_keeps_screen_and_line_equal(void **state)
{
	struct fixture *f = *state;
	static const char alphabet[] = "\x1b\x1b[[[OA~B~CD0123HF4;~\x7f\x08\x03\x15\x01\x05\r\nab \"\x80";
	uint32_t seed = 12345;
	for (int i = 0; i < 200000; i++) {
		seed = seed * 1103515245u + 12345u;
		char byte = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		enum lineedit_result r = feed_n(f, &byte, 1);
		assert_true(f->le.len <= LINEEDIT_MAX);
		assert_true(f->le.cursor <= f->le.len);
		assert_int_equal(strlen(lineedit_line(&f->le)), f->le.len);
		assert_true(f->le.history_count <= LINEEDIT_HISTORY);
		if (r != LINEEDIT_EDITING)
			new_line(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_typing_and_enter, setup),
		cmocka_unit_test_setup(test_crlf_counts_once, setup),
		cmocka_unit_test_setup(test_backspace_both_codes, setup),
		cmocka_unit_test_setup(test_arrows_insert_and_delete_mid_line, setup),
		cmocka_unit_test_setup(test_home_and_end, setup),
		cmocka_unit_test_setup(test_ctrl_c_and_ctrl_u, setup),
		cmocka_unit_test_setup(test_history_walk, setup),
		cmocka_unit_test_setup(test_history_no_duplicates_or_blanks, setup),
		cmocka_unit_test_setup(test_history_is_bounded, setup),
		cmocka_unit_test_setup(test_overlong_line_is_refused, setup),
		cmocka_unit_test_setup(test_unknown_escapes_and_controls_swallowed, setup),
		cmocka_unit_test_setup(test_echo_of_mid_line_insert, setup),
		cmocka_unit_test_setup(test_random_input_keeps_screen_and_line_equal, setup),
	};
	return cmocka_run_group_tests_name("lineedit", tests, NULL, NULL);
}
