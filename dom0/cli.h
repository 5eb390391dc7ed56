/* cli.h: the operator's command line on the serial console (commands in cmd_*.c). */
#ifndef DOM0_CLI_H
#define DOM0_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keel_start_info;

/*
 * The CLI thread: prompt, line editing, history, dispatch; runs forever. 'arg' is dom0's
 * const struct keel_start_info * (for 'images': the boot modules), or NULL if unknown.
 */
void cli_thread(void *arg);

/*
 * A command. 'argv[0]' is the command's name; handlers print their output with printf
 * and report a bad argument with cli_error(), one line. Returns 0 on success, nonzero
 * on error (the 'status' the e2e tests see in nothing but the output).
 */
struct cli_command {
	const char *name;
	const char *usage;     /* "create <name|path> [key=value ...]" */
	const char *summary;   /* one line for 'help' */
	const char *help;      /* more lines for 'help <cmd>', or NULL */
	int (*run)(int argc, char **argv);
};

/* Prints "error: ..." as one line. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints one line the operator did not ask for (a domain crashed, ...). If the CLI sits
 * at its prompt, the prompt and the half-typed line are drawn again below the notice. */
void cli_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Argument helpers for handlers; each prints its own one-line error and returns false.
 *   cli_usage_error: "error: usage: <the command's usage>"; returns 1 (a handler's status).
 *   cli_domain_arg:  "<dom>", an id or a name, through domains_resolve.
 *   cli_number_arg:  a strict decimal or 0x hex number in [min, max] (cli_args.h).
 */
int cli_usage_error(const char *command);
bool cli_domain_arg(const char *text, uint32_t *domid);
bool cli_number_arg(const char *what, const char *text, uint64_t min, uint64_t max, uint64_t *value);

/* Every command of every table, for 'help': NULL starts, NULL after the last. */
const struct cli_command *cli_next_command(const struct cli_command *prev);
/* The command called 'name', or NULL. */
const struct cli_command *cli_find_command(const char *name);

/* dom0's start-info as cli_thread received it, or NULL. */
const struct keel_start_info *cli_start_info(void);

/* The command tables, one per cmd_*.c file, each ended by a zeroed entry. */
extern const struct cli_command cmd_domain_commands[];   /* list, create, destroy, ... */
extern const struct cli_command cmd_system_commands[];   /* info, dmesg, top, ... */
extern const struct cli_command cmd_pci_commands[];      /* lspci */
extern const struct cli_command cmd_disk_commands[];     /* disks, disk-read */
extern const struct cli_command cmd_block_commands[];    /* block-list */
extern const struct cli_command cmd_bench_commands[];    /* bench (make bench) */

#endif
