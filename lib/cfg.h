/* cfg.h: a freestanding parser for line-oriented 'key = value' configuration text. */
#ifndef KEEL_CFG_H
#define KEEL_CFG_H

#include <stddef.h>

/*
 * Syntax, one entry per line:
 *     key = value            # a comment may follow after whitespace
 *     key = "value # kept"   # double quotes keep whitespace and '#' verbatim
 *     # a whole-line comment
 * Keys are [A-Za-z0-9_.-]+. Whitespace around keys and values is trimmed.
 * Lines end in LF or CRLF. Values may be empty; there are no escape sequences.
 * The parser knows no keys: it hands each entry to the caller's handler.
 */

/* Longest line a caller normally needs; the caller chooses the real limit. */
#define CFG_LINE_MAX 512

/*
 * Called once per entry, in file order. key and value are NUL-terminated and
 * live in the caller's line buffer until the handler returns. To reject the
 * entry, write a short reason into why (why_size bytes) and return non-zero;
 * parsing then stops and the reason becomes the error message.
 */
typedef int (*cfg_entry_fn)(void *ctx, const char *key, const char *value,
                            unsigned line_no, char *why, size_t why_size);

/*
 * Parses len bytes of text (not necessarily NUL-terminated). line_buf is
 * scratch space of line_buf_size bytes; a line longer than line_buf_size - 1
 * is an error. Returns 0 on success. On failure returns -1 and writes one
 * message such as "line 3: unknown key 'hypervsor'" into error.
 */
int cfg_parse(const char *text, size_t len, char *line_buf, size_t line_buf_size,
              cfg_entry_fn on_entry, void *ctx, char *error, size_t error_size);

/*
 * Checks a value that lists names separated by blanks ('hello counter'), as
 * domain names in an 'autostart' entry: each name is [A-Za-z0-9_-]+ and at
 * most max_len characters, there are 1..max_count of them, none twice.
 * Returns how many there are, or -1 with a short reason in why.
 */
int cfg_check_name_list(const char *value, unsigned max_count, size_t max_len,
                        char *why, size_t why_size);

#endif
