/* options.h: the hypervisor command line, parsed once at boot (documented in docs/cmdline.md). */
#ifndef KEEL_OPTIONS_H
#define KEEL_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "log.h"

enum after_boot { AFTER_BOOT_IDLE, AFTER_BOOT_POWEROFF, AFTER_BOOT_REBOOT };

struct boot_options {
	enum console_kind console;  /* console=com1|com2|none */
	enum log_level loglevel;    /* loglevel=err|warn|info|debug */
	unsigned int smp_max;       /* smp=N: at most N CPUs (0: all) */
	char debug_fault[8];        /* debug_fault=ud|gp|pf|de: raise it after the report */
	bool test_exit;             /* test_exit: end QEMU through isa-debug-exit */
	enum after_boot after_boot; /* after_boot=idle|poweroff|reboot */
	unsigned int sched_slice_ms;/* sched_slice_ms=N: the scheduler's time slice, 1..1000 */
	uint64_t bench_switch_floor;/* bench_switch_floor=N: time N bare world switches at boot (0: off) */
};

extern struct boot_options boot_options;

/* Parses the command line; complaints about bad values are logged later by options_report(). */
void options_parse(const char *cmdline);
void options_report(void);

#endif
