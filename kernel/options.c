/* options.c: turns the hypervisor command line into struct boot_options. */
#include "options.h"

#include "cmdline.h"
#include "sched.h"
#include "string.h"

struct boot_options boot_options = {
	.console = CONSOLE_COM1,
	.loglevel = LOG_INFO,
	.sched_slice_ms = SCHED_SLICE_MS_DEFAULT,
};

/* Bad values are remembered and logged once the console is up. */
static const char *bad_option;

static int pick(const char *value, const char *const *names, int count)
{
	for (int i = 0; i < count; i++)
		if (!strcmp(value, names[i]))
			return i;
	return -1;
}

void options_parse(const char *cmdline)
{
	static const char *const consoles[] = { "com1", "com2", "none" };
	static const char *const levels[] = { "err", "warn", "info", "debug" };
	static const char *const afters[] = { "idle", "poweroff", "reboot" };
	char value[32];
	int i;

	if (cmdline_get(cmdline, "console", value, sizeof(value))) {
		if ((i = pick(value, consoles, 3)) >= 0)
			boot_options.console = (enum console_kind)i;
		else
			bad_option = "console";
	}
	if (cmdline_get(cmdline, "loglevel", value, sizeof(value))) {
		if ((i = pick(value, levels, 4)) >= 0)
			boot_options.loglevel = (enum log_level)i;
		else
			bad_option = "loglevel";
	}
	if (cmdline_get(cmdline, "smp", value, sizeof(value))) {
		unsigned long long n;
		if (cmdline_parse_u64(value, &n) && n >= 1 && n <= 4096)
			boot_options.smp_max = (unsigned int)n;
		else
			bad_option = "smp";
	}
	if (cmdline_get(cmdline, "after_boot", value, sizeof(value))) {
		if ((i = pick(value, afters, 3)) >= 0)
			boot_options.after_boot = (enum after_boot)i;
		else
			bad_option = "after_boot";
	}
	if (cmdline_get(cmdline, "sched_slice_ms", value, sizeof(value))) {
		unsigned long long n;
		if (cmdline_parse_u64(value, &n) && n >= 1 && n <= 1000)
			boot_options.sched_slice_ms = (unsigned int)n;
		else
			bad_option = "sched_slice_ms";
	}
	if (cmdline_get(cmdline, "bench_switch_floor", value, sizeof(value))) {
		unsigned long long n;
		if (cmdline_parse_u64(value, &n) && n >= 1 && n <= 100000000)
			boot_options.bench_switch_floor = n;
		else
			bad_option = "bench_switch_floor";
	}
	cmdline_get(cmdline, "debug_fault", boot_options.debug_fault, sizeof(boot_options.debug_fault));
	boot_options.test_exit = cmdline_has(cmdline, "test_exit");
}

void options_report(void)
{
	if (bad_option)
		pr_warn("keel: warning: ignoring bad value of command-line option '%s'\n", bad_option);
}
