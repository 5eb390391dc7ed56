/* cmd_system.c: the CLI's machine-wide commands: help, info, dmesg, top, vcpu-list, vcpu-pin, sched-weight, images. */
#include <stdio.h>
#include <string.h>

#include <keel/abi.h>
#include <keel/start_info.h>

#include "cli.h"
#include "cli_args.h"
#include "control.h"
#include "hypercall.h"
#include "timer.h"
#include "tty.h"

#define NS_PER_SEC       1000000000ull
#define PAGES_PER_MIB    256ull          /* 4 KiB pages */
#define TOP_PERIOD_NS    NS_PER_SEC
#define TOP_MAX_DOMAINS  64              /* rows one frame of 'top' shows */
#define WALK_MAX_DOMAINS 4096            /* bounds a GETINFO walk even if ids misbehave */
#define DRAIN_NS         50000000ull     /* the rest of a multi-byte key after 'top' ends */
#define LOG_CHUNK        4096
#define LOG_MAX_BYTES    (64ull << 20)   /* dmesg stops here even if the log keeps growing */
#define MAX_VCPUS        16              /* KEEL_MAX_VCPUS */
#define CPUS_TEXT_MAX    200             /* "0,2,4,...": 64 CPUs fit */

/* ---- help ---- */

static int cmd_help(int argc, char **argv)
{
	if (argc > 2)
		return cli_usage_error(argv[0]);
	if (argc == 2) {
		const struct cli_command *c = cli_find_command(argv[1]);
		if (!c) {
			cli_error("unknown command '%s' (try 'help')", argv[1]);
			return 1;
		}
		printf("usage: %s\n%s\n", c->usage, c->summary);
		if (c->help)
			printf("%s\n", c->help);
		return 0;
	}
	for (const struct cli_command *c = cli_next_command(NULL); c; c = cli_next_command(c))
		printf("  %-14s %s\n", c->name, c->summary);
	printf("Type 'help <command>' for its usage and details.\n");
	return 0;
}

/* ---- helpers ---- */

/* Seconds with one decimal, from nanoseconds, without floating point. */
static void print_seconds(int width, uint64_t ns)
{
	char text[32];
	snprintf(text, sizeof(text), "%llu.%llu", (unsigned long long)(ns / NS_PER_SEC),
		 (unsigned long long)(ns % NS_PER_SEC / (NS_PER_SEC / 10)));
	printf("%*s", width, text);
}

static unsigned int cpus_online(void)
{
	struct keel_sysctl_physinfo p;
	return sysctl_physinfo(&p) == 0 ? p.cpus_online : 0;
}

/* "<dom>" to its id and GETINFO; prints the error itself. */
static bool domain_info_arg(const char *text, uint32_t *domid, struct keel_domctl_info *info)
{
	if (!cli_domain_arg(text, domid))
		return false;
	long rc = domctl_getinfo(*domid, info);
	if (rc) {
		cli_error("domain %u: %s", *domid, cli_error_name(rc));
		return false;
	}
	return true;
}

/* ---- info ---- */

static const char *virt_name(uint32_t virt)
{
	switch (virt) {
	case 1:  return "VMX with EPT";
	case 2:  return "SVM with NPT";
	default: return "unknown";
	}
}

static int cmd_info(int argc, char **argv)
{
	if (argc != 1)
		return cli_usage_error(argv[0]);
	struct keel_sysctl_physinfo p;
	long rc = sysctl_physinfo(&p);
	if (rc) {
		cli_error("sysctl PHYSINFO failed: %s", cli_error_name(rc));
		return 1;
	}
	long version = hypercall0(KEEL_HC_VERSION);
	printf("hypervisor      : Keel, ABI %ld.%ld\n", (version >> 16) & 0xffff, version & 0xffff);
	printf("virtualization  : %s\n", virt_name(p.virt));
	printf("nr_cpus         : %u\n", p.cpus_online);
	printf("guest_cpus      : %u\n", p.guest_cpus);
	printf("total_memory    : %llu MiB\n", (unsigned long long)(p.total_pages / PAGES_PER_MIB));
	printf("free_memory     : %llu MiB\n", (unsigned long long)(p.free_pages / PAGES_PER_MIB));
	printf("tsc_khz         : %llu\n", (unsigned long long)p.tsc_khz);
	printf("uptime          : ");
	print_seconds(0, p.uptime_ns);
	printf(" s\n");
	printf("domains         : %u\n", p.domains);
	printf("event_channels  : %u\n", p.evtchn_ports);
	printf("grants          : %u\n", p.grants);
	printf("tty_dropped     : %llu bytes\n", (unsigned long long)tty_dropped_bytes());
	return 0;
}

/* ---- dmesg ---- */

static int cmd_dmesg(int argc, char **argv)
{
	static char chunk[LOG_CHUNK];   /* static: dom0's threads have small stacks */
	if (argc != 1)
		return cli_usage_error(argv[0]);
	uint64_t offset = 0;
	while (offset < LOG_MAX_BYTES) {
		uint64_t size = sizeof(chunk);
		long rc = sysctl_read_log(offset, chunk, &size);
		if (rc) {
			cli_error("sysctl READ_LOG failed: %s", cli_error_name(rc));
			return 1;
		}
		if (size == 0 || size > sizeof(chunk))
			break;
		fwrite(chunk, 1, (size_t)size, stdout);
		offset += size;
	}
	fflush(stdout);
	return 0;
}

/* ---- top ---- */

struct top_sample {
	uint32_t domid;
	struct keel_domctl_info info;
};

/* Every domain's GETINFO, up to 'max'; returns how many (more are counted in *missed). */
static size_t sample_domains(struct top_sample *out, size_t max, size_t *missed)
{
	size_t n = 0;
	*missed = 0;
	uint32_t from = 0;
	for (unsigned int walked = 0; walked < WALK_MAX_DOMAINS; walked++) {
		uint32_t domid;
		struct keel_domctl_info info;
		if (domctl_getinfo_next(from, &domid, &info))
			break;
		if (n < max) {
			out[n].domid = domid;
			out[n].info = info;
			n++;
		} else {
			(*missed)++;
		}
		if (domid == UINT32_MAX)
			break;
		from = domid + 1;
	}
	return n;
}

static const struct top_sample *find_sample(const struct top_sample *s, size_t n, uint32_t domid)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].domid == domid)
			return &s[i];
	return NULL;
}

/* NUL-terminated copy of a GETINFO name, whatever the hypervisor wrote. */
static void info_name(const struct keel_domctl_info *info, char *out, size_t size)
{
	size_t n = strnlen(info->name, sizeof(info->name));
	if (n >= size)
		n = size - 1;
	memcpy(out, info->name, n);
	out[n] = '\0';
}

static void top_frame(const struct top_sample *now, size_t n, size_t missed,
		      const struct top_sample *before, size_t n_before, uint64_t elapsed_ns)
{
	struct keel_sysctl_physinfo p;
	if (sysctl_physinfo(&p))
		memset(&p, 0, sizeof(p));
	printf("\x1b[H\x1b[2J");   /* home and clear: each frame replaces the last */
	printf("keel top: %u CPUs, %llu of %llu MiB free, %zu domains (press any key to stop)\n",
	       p.cpus_online, (unsigned long long)(p.free_pages / PAGES_PER_MIB),
	       (unsigned long long)(p.total_pages / PAGES_PER_MIB), n + missed);
	printf("%5s  %-20s %-9s %5s %7s %9s\n", "ID", "Name", "State", "VCPUs", "CPU%", "Mem(MiB)");
	for (size_t i = 0; i < n; i++) {
		const struct keel_domctl_info *info = &now[i].info;
		const struct top_sample *old = find_sample(before, n_before, now[i].domid);
		char name[KEEL_DOMAIN_NAME_MAX];
		char cpu[24];
		info_name(info, name, sizeof(name));
		if (old && old->info.cpu_time_ns <= info->cpu_time_ns && elapsed_ns) {
			/* Per mille of one CPU; above 100% when several vCPUs run, as in xl top. */
			uint64_t permille = (info->cpu_time_ns - old->info.cpu_time_ns) * 1000 / elapsed_ns;
			snprintf(cpu, sizeof(cpu), "%llu.%llu", (unsigned long long)(permille / 10),
				 (unsigned long long)(permille % 10));
		} else {
			snprintf(cpu, sizeof(cpu), "-");   /* new since the last frame */
		}
		printf("%5u  %-20s %-9s %5u %7s %9llu\n", now[i].domid, name,
		       cli_domain_state_name(info->state), info->nr_vcpus, cpu,
		       (unsigned long long)(info->nr_pages / PAGES_PER_MIB));
	}
	if (missed)
		printf("(%zu more domains not shown)\n", missed);
	fflush(stdout);
}

static int cmd_top(int argc, char **argv)
{
	/* Static: two frames of samples are too big for a thread's stack. */
	static struct top_sample samples[2][TOP_MAX_DOMAINS];
	if (argc != 1)
		return cli_usage_error(argv[0]);
	size_t missed;
	size_t count[2];
	unsigned int cur = 0;
	count[cur] = sample_domains(samples[cur], TOP_MAX_DOMAINS, &missed);
	uint64_t taken = time_now_ns();
	for (;;) {
		/* Any key ends it; the wait is the refresh period. */
		if (tty_read_byte(taken + TOP_PERIOD_NS) >= 0)
			break;
		unsigned int prev = cur;
		cur ^= 1;
		count[cur] = sample_domains(samples[cur], TOP_MAX_DOMAINS, &missed);
		uint64_t now = time_now_ns();
		top_frame(samples[cur], count[cur], missed, samples[prev], count[prev], now - taken);
		taken = now;
	}
	/* An arrow key is several bytes: the rest must not reach the prompt as text. */
	while (tty_read_byte(time_now_ns() + DRAIN_NS) >= 0)
		;
	return 0;
}

/* ---- vcpu-list, vcpu-pin ---- */

static void vcpu_rows(uint32_t domid, const struct keel_domctl_info *info, unsigned int nr_cpus)
{
	char name[KEEL_DOMAIN_NAME_MAX];
	info_name(info, name, sizeof(name));
	for (uint32_t v = 0; v < info->nr_vcpus && v < MAX_VCPUS; v++) {
		struct keel_sysctl_vcpu_info vi;
		if (sysctl_vcpu_info(domid, v, &vi))
			continue;   /* the domain went away while it was listed */
		char cpus[CPUS_TEXT_MAX];
		cli_format_cpus(vi.affinity, nr_cpus, cpus, sizeof(cpus));
		printf("%-20s %5u %4u  %-9s %3u  %-12s", name, domid, v, cli_vcpu_state_name(vi.state),
		       vi.cpu, cpus);
		print_seconds(9, vi.cpu_time_ns);
		printf("\n");
	}
}

static int cmd_vcpu_list(int argc, char **argv)
{
	if (argc > 2)
		return cli_usage_error(argv[0]);
	unsigned int nr_cpus = cpus_online();
	uint32_t only = 0;
	struct keel_domctl_info info;
	if (argc == 2 && !domain_info_arg(argv[1], &only, &info))
		return 1;
	printf("%-20s %5s %4s  %-9s %3s  %-12s %9s\n", "Name", "ID", "VCPU", "State", "CPU", "Affinity", "Time(s)");
	if (argc == 2) {
		vcpu_rows(only, &info, nr_cpus);
		return 0;
	}
	uint32_t from = 0, domid;
	for (unsigned int walked = 0; walked < WALK_MAX_DOMAINS; walked++) {
		if (domctl_getinfo_next(from, &domid, &info))
			break;
		vcpu_rows(domid, &info, nr_cpus);
		if (domid == UINT32_MAX)
			break;
		from = domid + 1;
	}
	return 0;
}

static int cmd_vcpu_pin(int argc, char **argv)
{
	if (argc != 4)
		return cli_usage_error(argv[0]);
	uint32_t domid;
	struct keel_domctl_info info;
	if (!domain_info_arg(argv[1], &domid, &info))
		return 1;
	if (info.nr_vcpus == 0) {
		cli_error("domain %u has no vCPUs", domid);
		return 1;
	}
	uint32_t first = 0, last = info.nr_vcpus - 1;
	if (strcmp(argv[2], "all") != 0) {
		uint64_t v;
		if (!cli_number_arg("vcpu", argv[2], 0, info.nr_vcpus - 1, &v))
			return 1;
		first = last = (uint32_t)v;
	}
	unsigned int nr_cpus = cpus_online();
	uint64_t mask;
	char err[160];
	if (!cli_parse_cpus(argv[3], nr_cpus, &mask, err, sizeof(err))) {
		cli_error("%s", err);
		return 1;
	}
	for (uint32_t v = first; v <= last && v < MAX_VCPUS; v++) {
		long rc = domctl_set_affinity(domid, v, mask);
		if (rc == -KEEL_EINVAL) {
			cli_error("no CPU in '%s' runs guests on this machine (see 'info': guest_cpus)", argv[3]);
			return 1;
		}
		if (rc) {
			cli_error("domctl SET_AFFINITY of vCPU %u failed: %s", v, cli_error_name(rc));
			return 1;
		}
	}
	char cpus[CPUS_TEXT_MAX];
	cli_format_cpus(mask, nr_cpus, cpus, sizeof(cpus));
	if (first == last)
		printf("domain %u vCPU %u: affinity %s\n", domid, first, cpus);
	else
		printf("domain %u vCPUs 0-%u: affinity %s\n", domid, last, cpus);
	return 0;
}

/* ---- sched-weight ---- */

#define SCHED_WEIGHT_MAX 65535

static int cmd_sched_weight(int argc, char **argv)
{
	if (argc != 3 && argc != 4)
		return cli_usage_error(argv[0]);
	uint32_t domid;
	struct keel_domctl_info info;
	if (!domain_info_arg(argv[1], &domid, &info))
		return 1;
	uint64_t weight, cap = 0;
	if (!cli_number_arg("weight", argv[2], 1, SCHED_WEIGHT_MAX, &weight))
		return 1;
	if (argc == 4 && !cli_number_arg("cap", argv[3], 0, 100ull * info.nr_vcpus, &cap))
		return 1;
	long rc = domctl_set_sched(domid, (uint32_t)weight, (uint32_t)cap);
	if (rc) {
		cli_error("domctl SET_SCHED failed: %s", cli_error_name(rc));
		return 1;
	}
	if (cap)
		printf("domain %u: weight %llu, cap %llu%%\n", domid, (unsigned long long)weight,
		       (unsigned long long)cap);
	else
		printf("domain %u: weight %llu, no cap\n", domid, (unsigned long long)weight);
	return 0;
}

/* ---- images ---- */

#define IMAGE_SUFFIX ".elf"

static int cmd_images(int argc, char **argv)
{
	if (argc != 1)
		return cli_usage_error(argv[0]);
	const struct keel_start_info *si = cli_start_info();
	if (!si || (si->nr_modules && !si->modules_gpa)) {
		cli_error("dom0's boot modules are unknown (no start-info)");
		return 1;
	}
	const struct keel_boot_module *mods = (const struct keel_boot_module *)(uintptr_t)si->modules_gpa;
	printf("%-20s %10s  %s\n", "Name", "Size", "Path");
	for (uint32_t i = 0; i < si->nr_modules; i++) {
		char path[KEEL_MODULE_NAME_MAX];
		size_t len = strnlen(mods[i].name, sizeof(mods[i].name));
		if (len >= sizeof(path))
			len = sizeof(path) - 1;
		memcpy(path, mods[i].name, len);
		path[len] = '\0';
		size_t suffix = strlen(IMAGE_SUFFIX);
		if (len <= suffix || strcmp(path + len - suffix, IMAGE_SUFFIX) != 0)
			continue;   /* keel.cfg 'module =' files that are not guest images */
		/* The name 'create' takes: no directories, no .elf (builder_find_module's rule). */
		const char *base = path;
		for (const char *p = path; *p; p++)
			if (*p == '\\' || *p == '/')
				base = p + 1;
		printf("%-20.*s %10llu  %s\n", (int)(path + len - suffix - base), base,
		       (unsigned long long)mods[i].size, path);
	}
	return 0;
}

const struct cli_command cmd_system_commands[] = {
	{ "help", "help [<command>]", "list the commands, or show one command's usage", NULL, cmd_help },
	{ "info", "info", "the machine: CPUs, memory, hypervisor version, virtualization",
	  "  Columns: key : value, one per line (nr_cpus, total_memory, free_memory in MiB, ...).",
	  cmd_info },
	{ "dmesg", "dmesg", "print the hypervisor's log, oldest line first", NULL, cmd_dmesg },
	{ "top", "top", "domains and their CPU use, refreshed every second until a key is pressed",
	  "  Columns: ID Name State VCPUs CPU% Mem(MiB). CPU% is over the last second; 100 is one CPU.",
	  cmd_top },
	{ "vcpu-list", "vcpu-list [<dom>]", "every vCPU (of one domain): state, CPU, affinity, CPU time",
	  "  Columns: Name ID VCPU State CPU Affinity Time(s). State: down, runnable, running, blocked.",
	  cmd_vcpu_list },
	{ "vcpu-pin", "vcpu-pin <dom> <vcpu|all> <cpus>", "restrict a vCPU to some physical CPUs",
	  "  <cpus> is 'all' or a list like 0, 0-2, 1,3. <dom> is a domain id or name.", cmd_vcpu_pin },
	{ "sched-weight", "sched-weight <dom> <weight> [<cap>]", "set a domain's CPU share (and cap)",
	  "  weight 1..65535 (default 256) is relative to other domains; cap is a percentage of one\n"
	  "  CPU (up to 100 x vCPUs), 0 or left out for none: setting the weight also sets the cap.",
	  cmd_sched_weight },
	{ "images", "images", "the guest images dom0 has (boot modules ending in .elf)",
	  "  Columns: Name Size Path. 'create <Name>' builds a domain from one.", cmd_images },
	{ 0 },
};
