/* cli.c: the operator's command line: prompt, line editing over the tty, word splitting and dispatch. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli_args.h"
#include "domains.h"
#include "lineedit.h"
#include "thread.h"
#include "tty.h"

#define PROMPT "keel> "
#define ERROR_LINE_MAX 160
#define RETRY_DELAY_NS 100000000ull   /* if the tty fails a blocking read, don't spin */

/* Every table of commands; help lists them in this order. */
static const struct cli_command *const command_tables[] = {
	cmd_domain_commands,
	cmd_system_commands,
	cmd_pci_commands,
	cmd_disk_commands,
	cmd_block_commands,
	cmd_bench_commands,
};
#define NR_TABLES (sizeof(command_tables) / sizeof(command_tables[0]))

/* Static, not on the thread's stack: the history alone is 8 KiB. */
static struct lineedit editor;
static const struct keel_start_info *start_info;
/* The CLI is waiting at the prompt, so a notice must not be glued onto the typed line. */
static bool at_prompt;

void cli_notice(const char *fmt, ...)
{
	char text[ERROR_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!at_prompt) {
		printf("%s\n", text);
		fflush(stdout);
		return;
	}
	/* Erase the prompt line, print the notice, then draw the prompt and the half-typed
	 * line again with the cursor where it was: the operator loses nothing. */
	size_t back = editor.len - editor.cursor;
	printf("\r\033[K%s\n" PROMPT "%s", text, lineedit_line(&editor));
	if (back)
		printf("\033[%zuD", back);
	fflush(stdout);
}

void cli_error(const char *fmt, ...)
{
	char line[ERROR_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One line whatever the message holds: a newline inside it would split it. */
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	printf("error: %s\n", line);
}

const struct cli_command *cli_next_command(const struct cli_command *prev)
{
	size_t table = 0;
	const struct cli_command *next = command_tables[0];
	if (prev) {
		for (table = 0; table < NR_TABLES; table++) {
			const struct cli_command *c = command_tables[table];
			while (c->name && c != prev)
				c++;
			if (c == prev) {
				next = prev + 1;
				break;
			}
		}
		if (table == NR_TABLES)
			return NULL;   /* not one of ours */
	}
	while (!next->name) {
		if (++table == NR_TABLES)
			return NULL;
		next = command_tables[table];
	}
	return next;
}

const struct cli_command *cli_find_command(const char *name)
{
	for (const struct cli_command *c = cli_next_command(NULL); c; c = cli_next_command(c))
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int cli_usage_error(const char *command)
{
	const struct cli_command *c = cli_find_command(command);
	cli_error("usage: %s", c ? c->usage : command);
	return 1;
}

bool cli_domain_arg(const char *text, uint32_t *domid)
{
	char err[ERROR_LINE_MAX];
	err[0] = '\0';
	if (domains_resolve(text, domid, err, sizeof(err)))
		return true;
	if (err[0])
		cli_error("%s", err);
	else
		cli_error("no domain '%s'", text);
	return false;
}

bool cli_number_arg(const char *what, const char *text, uint64_t min, uint64_t max, uint64_t *value)
{
	char err[ERROR_LINE_MAX];
	if (cli_parse_u64(what, text, min, max, value, err, sizeof(err)))
		return true;
	cli_error("%s", err);
	return false;
}

const struct keel_start_info *cli_start_info(void)
{
	return start_info;
}

/* Splits one finished line and runs the command it names. */
static void run_line(const char *text)
{
	char line[LINEEDIT_MAX + 1];
	char *words[CLI_MAX_WORDS];
	char err[ERROR_LINE_MAX];
	strncpy(line, text, sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';

	int count = cli_split_words(line, words, CLI_MAX_WORDS, err, sizeof(err));
	if (count < 0) {
		cli_error("%s", err);
		return;
	}
	if (count == 0)
		return;
	const struct cli_command *c = cli_find_command(words[0]);
	if (!c) {
		cli_error("unknown command '%s' (try 'help')", words[0]);
		return;
	}
	c->run(count, words);
}

/* Reads and edits one line; true when it was finished with Enter. */
static bool read_line(void)
{
	lineedit_reset_line(&editor);
	for (;;) {
		int byte = tty_read_byte(0);
		if (byte < 0) {
			thread_sleep_ns(RETRY_DELAY_NS);
			continue;
		}
		enum lineedit_result result = lineedit_feed(&editor, (uint8_t)byte);
		size_t len;
		const char *echo = lineedit_output(&editor, &len);
		if (len)
			tty_write(echo, len);
		if (result == LINEEDIT_DONE)
			return true;
		if (result == LINEEDIT_CANCELLED)
			return false;
	}
}

void cli_thread(void *arg)
{
	start_info = arg;
	lineedit_init(&editor);
	for (;;) {
		printf(PROMPT);
		fflush(stdout);   /* the prompt has no newline; echo goes around stdio */
		at_prompt = true;
		bool done = read_line();
		at_prompt = false;
		if (done)
			run_line(lineedit_line(&editor));
		fflush(stdout);
	}
}
