/* shell.c: minios's command line: put/get/del/list/sync over the kvstore, and commands that show the kernel at work. */
#include "shell.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demo.h"
#include "disk.h"
#include "kvstore.h"
#include "newlib_heap.h"
#include "sched.h"

struct command {
	const char *name;
	const char *usage;     /* arguments, for help and usage errors */
	int min_args, max_args;
	bool rest_is_one;      /* the last argument is the rest of the line (a value with spaces) */
	void (*run)(int argc, char **argv);
	const char *help;
};

static void report(enum kv_status st, const char *done)
{
	if (st == KV_OK)
		printf("%s\n", done);
	else
		printf("error: %s\n", kv_status_text(st));
}

static void cmd_put(int argc, char **argv)
{
	(void)argc;
	enum kv_status st = kvstore_put(argv[1], argv[2]);
	char done[KV_KEY_MAX + 16];
	snprintf(done, sizeof(done), "ok: put %s", argv[1]);
	report(st, done);
}

static void cmd_get(int argc, char **argv)
{
	(void)argc;
	char value[KV_VALUE_MAX + 1];
	enum kv_status st = kvstore_get(argv[1], value);
	if (st == KV_OK)
		printf("%s = %s\n", argv[1], value);
	else if (st == KV_NOT_FOUND)
		printf("error: no such key '%s'\n", argv[1]);
	else
		report(st, "");
}

static void cmd_del(int argc, char **argv)
{
	(void)argc;
	enum kv_status st = kvstore_del(argv[1]);
	if (st == KV_NOT_FOUND)
		printf("error: no such key '%s'\n", argv[1]);
	else {
		char done[KV_KEY_MAX + 16];
		snprintf(done, sizeof(done), "ok: deleted %s", argv[1]);
		report(st, done);
	}
}

static void print_pair(const char *key, const char *value, void *ctx)
{
	(*(size_t *)ctx)++;
	printf("  %s = %s\n", key, value);
}

static void cmd_list(int argc, char **argv)
{
	(void)argc, (void)argv;
	size_t n = 0;
	kvstore_each(print_pair, &n);
	printf("%zu key%s\n", n, n == 1 ? "" : "s");
}

static void cmd_sync(int argc, char **argv)
{
	(void)argc, (void)argv;
	enum kv_status st = kvstore_sync();
	struct kvstore_stats s;
	kvstore_stats(&s);
	char done[96];
	snprintf(done, sizeof(done), "ok: synced %zu keys (generation %llu, slot %u)", s.keys,
		 (unsigned long long)s.generation, s.slot);
	report(st, done);
}

static void cmd_info(int argc, char **argv)
{
	(void)argc, (void)argv;
	struct kvstore_stats s;
	kvstore_stats(&s);
	printf("disk: %llu bytes, %u-byte sectors%s\n", (unsigned long long)disk_bytes(), disk_sector_size(),
	       disk_read_only() ? ", read-only" : "");
	printf("store: %zu keys, %zu of %zu bytes, generation %llu in slot %u, %s, %llu syncs\n", s.keys, s.bytes,
	       s.capacity, (unsigned long long)s.generation, s.slot, s.dirty ? "dirty" : "clean",
	       (unsigned long long)s.syncs);
	printf("heap: %llu of %llu bytes taken by malloc\n", (unsigned long long)libc_heap_used(),
	       (unsigned long long)libc_heap_size());
	printf("preemptions: %llu\n", (unsigned long long)sched_preemptions());
}

static void cmd_uptime(int argc, char **argv)
{
	(void)argc, (void)argv;
	struct timespec mono, real;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char date[64];
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", &tm);
	printf("uptime: %lld.%03ld s since the hypervisor started; date %s (%lld)\n", (long long)mono.tv_sec,
	       mono.tv_nsec / 1000000, date, (long long)real.tv_sec);
}

static void cmd_threads(int argc, char **argv)
{
	(void)argc, (void)argv;
	thread_print_table();
}

static void cmd_spin(int argc, char **argv)
{
	int seconds = 3;
	if (argc > 1) {
		char *end;
		errno = 0;
		long n = strtol(argv[1], &end, 10);
		if (errno || *end || n < 1 || n > 60) {
			printf("error: spin takes whole seconds, 1..60, not '%s'\n", argv[1]);
			return;
		}
		seconds = (int)n;
	}
	if (demo_spin_start(seconds))
		printf("error: no room for another thread\n");
	else
		printf("ok: a thread spins for %d s without yielding; the shell keeps answering\n", seconds);
}

static void cmd_selftest(int argc, char **argv)
{
	(void)argc, (void)argv;
	demo_selftest();
}

static void cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "put", "KEY VALUE", 2, 2, true, cmd_put, "store VALUE (the rest of the line) under KEY" },
	{ "get", "KEY", 1, 1, false, cmd_get, "show KEY's value" },
	{ "del", "KEY", 1, 1, false, cmd_del, "remove KEY" },
	{ "list", "", 0, 0, false, cmd_list, "every key and value, in key order" },
	{ "sync", "", 0, 0, false, cmd_sync, "write the store to disk (crash-safe)" },
	{ "info", "", 0, 0, false, cmd_info, "disk, store and memory figures" },
	{ "uptime", "", 0, 0, false, cmd_uptime, "system time and the date" },
	{ "threads", "", 0, 0, false, cmd_threads, "the thread table" },
	{ "spin", "[SECONDS]", 0, 1, false, cmd_spin, "start a busy thread that never yields" },
	{ "selftest", "", 0, 0, false, cmd_selftest, "check preemption, sleeping, clocks, malloc, printf" },
	{ "help", "", 0, 0, false, cmd_help, "this list" },
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (size_t i = 0; i < NR_COMMANDS; i++)
		printf("  %-8s %-10s %s\n", commands[i].name, commands[i].usage, commands[i].help);
}

#define MAX_ARGS 4

/* Splits at spaces; with rest_is_one the last argument keeps the rest (trailing spaces cut). */
static int split(char *line, char **argv, int max, bool rest_is_one)
{
	int argc = 0;
	char *p = line;
	while (*p && argc < MAX_ARGS) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (rest_is_one && argc == max) {
			argv[argc++] = p;
			char *end = p + strlen(p);
			while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
				*--end = 0;
			p = end;
			break;
		}
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = 0;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	return *p ? MAX_ARGS + 1 : argc;   /* more words than anything takes */
}

void shell_run(char *line)
{
	for (char *c = line; *c; c++)
		if (!isprint((unsigned char)*c) && *c != '\t') {
			printf("error: the line has a control character (0x%02x)\n", (unsigned char)*c);
			return;
		}
	char *first = line + strspn(line, " \t");
	size_t name_len = strcspn(first, " \t");
	const struct command *cmd = NULL;
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (strlen(commands[i].name) == name_len && !strncmp(commands[i].name, first, name_len))
			cmd = &commands[i];
	if (!cmd) {
		printf("error: unknown command '%.*s' (try 'help')\n", (int)(name_len > 32 ? 32 : name_len), first);
		return;
	}
	char *argv[MAX_ARGS + 1] = { 0 };
	int argc = split(first, argv, cmd->max_args, cmd->rest_is_one);
	if (argc - 1 < cmd->min_args || argc - 1 > cmd->max_args) {
		printf("error: usage: %s %s\n", cmd->name, cmd->usage);
		return;
	}
	cmd->run(argc, argv);
}

/* One line from stdin: true with it in line; a line too long is read to its end and refused. */
static bool read_line(char *line, size_t size)
{
	size_t n = 0;
	bool too_long = false;
	for (;;) {
		int c = getchar();
		if (c == EOF) {
			/* No console input at all (no ring, or dom0 broke it): look again later, not in a tight loop. */
			clearerr(stdin);
			sched_sleep_ns(1000000000ull);
			continue;
		}
		if (c == '\r' || c == '\n') {
			if (n == 0 && !too_long)
				continue;   /* empty lines, and the \n of a \r\n */
			break;
		}
		if (n + 1 < size)
			line[n++] = (char)c;
		else
			too_long = true;
	}
	line[n] = 0;
	if (too_long)
		printf("error: line too long (at most %zu characters)\n", size - 1);
	return !too_long;
}

void shell_main(void *arg)
{
	(void)arg;
	static char line[SHELL_LINE_MAX + 1];
	printf("minios: shell ready; type 'help'\n");
	for (;;) {
		printf("minios> ");
		fflush(stdout);
		if (read_line(line, sizeof(line)))
			shell_run(line);
	}
}
