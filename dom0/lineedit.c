/* lineedit.c: the CLI's line editor: keys, cursor movement, history and the VT100 echo for each. */
#include "lineedit.h"

#include <string.h>

#define KEY_CTRL_A  0x01
#define KEY_CTRL_C  0x03
#define KEY_CTRL_E  0x05
#define KEY_BS      0x08
#define KEY_LF      0x0a
#define KEY_CR      0x0d
#define KEY_CTRL_U  0x15
#define KEY_ESC     0x1b
#define KEY_DEL     0x7f

/* A CSI parameter beyond this is no key we know; saturating keeps the arithmetic bounded. */
#define ESCAPE_PARAM_LIMIT 9999u

/* Appends to this feed's output; never past the buffer (sizes are chosen so it always fits). */
static void emit(struct lineedit *le, const char *bytes, size_t n)
{
	size_t room = sizeof(le->out) - le->out_len;
	if (n > room)
		n = room;
	memcpy(le->out + le->out_len, bytes, n);
	le->out_len += n;
}

static void emit_str(struct lineedit *le, const char *s)
{
	emit(le, s, strlen(s));
}

/* ESC [ n D or C: moves the terminal's cursor n columns, nothing for 0. */
static void emit_move(struct lineedit *le, size_t n, char direction)
{
	if (n == 0)
		return;
	char seq[16];
	size_t i = sizeof(seq);
	seq[--i] = direction;
	do {
		seq[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n && i > 2);
	seq[--i] = '[';
	seq[--i] = KEY_ESC;
	emit(le, seq + i, sizeof(seq) - i);
}

static void bell(struct lineedit *le)
{
	emit_str(le, "\a");
}

/* Rewrites the terminal from the cursor to the end of the line, erases what is left of
 * a longer old line, and puts the terminal's cursor back at le->cursor. */
static void redraw_tail(struct lineedit *le)
{
	emit(le, le->line + le->cursor, le->len - le->cursor);
	emit_str(le, "\x1b[K");
	emit_move(le, le->len - le->cursor, 'D');
}

/* Replaces the whole line (history recall), cursor at its end. */
static void replace_line(struct lineedit *le, const char *text)
{
	emit_move(le, le->cursor, 'D');
	size_t n = strlen(text);
	if (n > LINEEDIT_MAX)
		n = LINEEDIT_MAX;
	memcpy(le->line, text, n);
	le->line[n] = '\0';
	le->len = n;
	le->cursor = 0;
	redraw_tail(le);
	emit_move(le, n, 'C');
	le->cursor = n;
}

static void insert(struct lineedit *le, char c)
{
	if (le->len >= LINEEDIT_MAX) {
		bell(le);
		return;
	}
	memmove(le->line + le->cursor + 1, le->line + le->cursor, le->len - le->cursor);
	le->line[le->cursor] = c;
	le->len++;
	le->line[le->len] = '\0';
	emit(le, &c, 1);
	le->cursor++;
	if (le->cursor < le->len)
		redraw_tail(le);
}

/* Removes the byte at 'at' (< len) from the line. */
static void remove_at(struct lineedit *le, size_t at)
{
	memmove(le->line + at, le->line + at + 1, le->len - at - 1);
	le->len--;
	le->line[le->len] = '\0';
}

static void backspace(struct lineedit *le)
{
	if (le->cursor == 0) {
		bell(le);
		return;
	}
	le->cursor--;
	remove_at(le, le->cursor);
	emit_str(le, "\b");
	redraw_tail(le);
}

static void delete_under(struct lineedit *le)
{
	if (le->cursor == le->len) {
		bell(le);
		return;
	}
	remove_at(le, le->cursor);
	redraw_tail(le);
}

static void move_to(struct lineedit *le, size_t to)
{
	if (to < le->cursor)
		emit_move(le, le->cursor - to, 'D');
	else
		emit_move(le, to - le->cursor, 'C');
	le->cursor = to;
}

static void kill_line(struct lineedit *le)
{
	move_to(le, 0);
	le->len = 0;
	le->line[0] = '\0';
	emit_str(le, "\x1b[K");
}

const char *lineedit_history(const struct lineedit *le, size_t back)
{
	if (back >= le->history_count)
		return NULL;
	size_t newest = (le->history_oldest + le->history_count - 1) % LINEEDIT_HISTORY;
	return le->history[(newest + LINEEDIT_HISTORY - back) % LINEEDIT_HISTORY];
}

static void history_up(struct lineedit *le)
{
	if (le->browse >= le->history_count) {
		bell(le);
		return;
	}
	if (le->browse == 0)
		memcpy(le->draft, le->line, le->len + 1);
	le->browse++;
	replace_line(le, lineedit_history(le, le->browse - 1));
}

static void history_down(struct lineedit *le)
{
	if (le->browse == 0) {
		bell(le);
		return;
	}
	le->browse--;
	replace_line(le, le->browse == 0 ? le->draft : lineedit_history(le, le->browse - 1));
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* Remembers a finished line, unless it is blank or repeats the newest one. */
static void history_add(struct lineedit *le)
{
	if (blank(le->line))
		return;
	const char *newest = lineedit_history(le, 0);
	if (newest && strcmp(newest, le->line) == 0)
		return;
	size_t slot;
	if (le->history_count < LINEEDIT_HISTORY) {
		slot = (le->history_oldest + le->history_count) % LINEEDIT_HISTORY;
		le->history_count++;
	} else {
		slot = le->history_oldest;   /* full: the oldest line makes room */
		le->history_oldest = (le->history_oldest + 1) % LINEEDIT_HISTORY;
	}
	memcpy(le->history[slot], le->line, le->len + 1);
}

/* The key a complete escape sequence names; unknown ones do nothing. */
static void escape_key(struct lineedit *le, char final)
{
	uint32_t p = le->escape_param_seen ? le->escape_param : 0;
	switch (final) {
	case 'A': history_up(le); break;
	case 'B': history_down(le); break;
	case 'C':
		if (le->cursor < le->len)
			move_to(le, le->cursor + 1);
		break;
	case 'D':
		if (le->cursor > 0)
			move_to(le, le->cursor - 1);
		break;
	case 'H': move_to(le, 0); break;
	case 'F': move_to(le, le->len); break;
	case '~':
		if (p == 1 || p == 7)
			move_to(le, 0);
		else if (p == 4 || p == 8)
			move_to(le, le->len);
		else if (p == 3)
			delete_under(le);
		break;
	default:
		break;
	}
}

/* One byte inside an escape sequence. Returns false if the byte ended the sequence
 * without belonging to it (a control byte), so the caller handles it as a key. */
static bool escape_byte(struct lineedit *le, uint8_t byte)
{
	switch (le->escape) {
	case ESCAPE_START:
		if (byte == '[') {
			le->escape = ESCAPE_CSI;
			le->escape_param = 0;
			le->escape_param_seen = false;
			return true;
		}
		if (byte == 'O') {
			le->escape = ESCAPE_SS3;
			le->escape_param_seen = false;
			return true;
		}
		le->escape = ESCAPE_NONE;
		return byte >= 0x20;   /* ESC x (Alt-x) is swallowed; ESC then Ctrl-C is Ctrl-C */
	case ESCAPE_CSI:
		if (byte >= '0' && byte <= '9') {
			if (le->escape_param <= ESCAPE_PARAM_LIMIT)
				le->escape_param = le->escape_param * 10 + (byte - '0');
			le->escape_param_seen = true;
			return true;
		}
		if (byte >= 0x20 && byte <= 0x3f)
			return true;   /* ';', '?', further parameters: ignored */
		le->escape = ESCAPE_NONE;
		if (byte >= 0x40 && byte <= 0x7e) {
			escape_key(le, (char)byte);
			return true;
		}
		return false;
	case ESCAPE_SS3:
		le->escape = ESCAPE_NONE;
		if (byte >= 0x40 && byte <= 0x7e) {
			escape_key(le, (char)byte);
			return true;
		}
		return false;
	case ESCAPE_NONE:
		break;
	}
	return false;
}

void lineedit_reset_line(struct lineedit *le)
{
	le->line[0] = '\0';
	le->len = 0;
	le->cursor = 0;
	le->escape = ESCAPE_NONE;
	le->browse = 0;
}

void lineedit_init(struct lineedit *le)
{
	memset(le, 0, sizeof(*le));
	lineedit_reset_line(le);
}

enum lineedit_result lineedit_feed(struct lineedit *le, uint8_t byte)
{
	le->out_len = 0;
	bool after_cr = le->after_cr;
	le->after_cr = false;

	if (le->escape != ESCAPE_NONE && escape_byte(le, byte))
		return LINEEDIT_EDITING;

	switch (byte) {
	case KEY_LF:
		if (after_cr)
			return LINEEDIT_EDITING;   /* the LF of a CR LF: the line already ended */
		/* fall through */
	case KEY_CR:
		le->after_cr = byte == KEY_CR;
		emit_str(le, "\r\n");
		history_add(le);
		le->browse = 0;
		return LINEEDIT_DONE;
	case KEY_CTRL_C:
		emit_str(le, "^C\r\n");
		return LINEEDIT_CANCELLED;
	case KEY_CTRL_U:
		kill_line(le);
		return LINEEDIT_EDITING;
	case KEY_CTRL_A:
		move_to(le, 0);
		return LINEEDIT_EDITING;
	case KEY_CTRL_E:
		move_to(le, le->len);
		return LINEEDIT_EDITING;
	case KEY_BS:
	case KEY_DEL:
		backspace(le);
		return LINEEDIT_EDITING;
	case KEY_ESC:
		le->escape = ESCAPE_START;
		return LINEEDIT_EDITING;
	default:
		if (byte >= 0x20 && byte < 0x7f)
			insert(le, (char)byte);
		return LINEEDIT_EDITING;   /* other control bytes and non-ASCII: swallowed */
	}
}

const char *lineedit_line(const struct lineedit *le)
{
	return le->line;
}

const char *lineedit_output(const struct lineedit *le, size_t *len)
{
	*len = le->out_len;
	return le->out;
}
