/* lineedit.h: the CLI's line editor as pure logic: bytes typed in, the line and the bytes to echo out. */
#ifndef DOM0_LINEEDIT_H
#define DOM0_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The editor does no I/O, so host unit tests can drive it byte by byte. The caller
 * prints the prompt, then feeds every byte the operator typed to lineedit_feed() and
 * sends lineedit_output() back to the terminal after each call. Output assumes a VT100
 * terminal and only ever moves the cursor relative to where it is, so the editor never
 * needs to know the prompt.
 *
 * Keys: printable ASCII inserts at the cursor; Backspace (0x7f, 0x08) deletes before it,
 * Delete (ESC [ 3 ~) under it; Left/Right (ESC [ D / C), Home (ESC [ H, ESC [ 1 ~,
 * ESC [ 7 ~, Ctrl-A), End (ESC [ F, ESC [ 4 ~, ESC [ 8 ~, Ctrl-E) move the cursor (the
 * ESC O forms of arrows, Home and End too); Up/Down (ESC [ A / B) walk the history;
 * Ctrl-U erases the line; Ctrl-C abandons it; CR, LF or CR LF end it. Any other escape
 * sequence and any other control byte is swallowed. A line never grows beyond
 * LINEEDIT_MAX bytes: a byte that does not fit rings the bell instead.
 */

#define LINEEDIT_MAX      255   /* bytes in a line, not counting the NUL */
#define LINEEDIT_HISTORY  32    /* lines remembered for Up/Down */
#define LINEEDIT_OUT_MAX  (LINEEDIT_MAX + 32)   /* the most one byte of input can echo */

enum lineedit_result {
	LINEEDIT_EDITING,    /* the line is not finished */
	LINEEDIT_DONE,       /* Enter: lineedit_line() holds the line */
	LINEEDIT_CANCELLED,  /* Ctrl-C: the line was abandoned */
};

enum lineedit_escape {
	ESCAPE_NONE,
	ESCAPE_START,        /* after ESC */
	ESCAPE_CSI,          /* after ESC [ : parameters until a final byte */
	ESCAPE_SS3,          /* after ESC O : one final byte */
};

struct lineedit {
	char line[LINEEDIT_MAX + 1];
	size_t len;
	size_t cursor;                        /* 0..len */
	enum lineedit_escape escape;
	uint32_t escape_param;                /* the first CSI parameter, saturated */
	bool escape_param_seen;
	bool after_cr;                        /* the last byte ended a line with CR */

	char history[LINEEDIT_HISTORY][LINEEDIT_MAX + 1];
	size_t history_count;                 /* lines held, at most LINEEDIT_HISTORY */
	size_t history_oldest;                /* ring index of the oldest line */
	size_t browse;                        /* lines back from the newest being shown; 0 = the draft */
	char draft[LINEEDIT_MAX + 1];         /* what was typed before Up was first pressed */

	char out[LINEEDIT_OUT_MAX];
	size_t out_len;
};

/* Empties the line and the history. */
void lineedit_init(struct lineedit *le);
/* Starts a new, empty line (after DONE or CANCELLED); the history is kept. */
void lineedit_reset_line(struct lineedit *le);
/* One byte typed by the operator. The output to echo is replaced by this call's. */
enum lineedit_result lineedit_feed(struct lineedit *le, uint8_t byte);
/* The line being edited, NUL-terminated. */
const char *lineedit_line(const struct lineedit *le);
/* The bytes to send to the terminal for the last lineedit_feed(). */
const char *lineedit_output(const struct lineedit *le, size_t *len);
/* History line 'back' steps from the newest (0 = newest), or NULL. */
const char *lineedit_history(const struct lineedit *le, size_t back);

#endif
