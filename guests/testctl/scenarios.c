/* scenarios.c: every scenario the test controller knows, by the name used on its command line. */
#include "testctl.h"

const struct scenario scenarios[] = {
	{ "domu_domctl", sc_domu_domctl },
	{ "lifecycle",   sc_lifecycle },
	{ "leak_1000",   sc_leak_1000 },
	{ "vcpus_4",     sc_vcpus_4 },
	{ "scrub",       sc_scrub },
	{ "sched_fair",  sc_sched_fair },
	{ "sched_weight", sc_sched_weight },
	{ "sched_pin",   sc_sched_pin },
	{ "fpu_exact",   sc_fpu_exact },
	{ "pingpong",    sc_pingpong },
	{ "grant_pair",  sc_grant_pair },
	{ "grant_orphan", sc_grant_orphan },
	{ "boot_modules", sc_boot_modules },
	{ "console",     sc_console },
	{ "physdev_ports", sc_physdev_ports },
	{ "physdev_bind", sc_physdev_bind },
	{ "physdev_irq", sc_physdev_irq },
};

const unsigned int scenario_count = sizeof(scenarios) / sizeof(scenarios[0]);
