/* cmd_domain.c: the CLI's domain commands: list, create, destroy, pause, unpause, shutdown, reboot, console. */
#include <stdio.h>

#include <keel/domctl.h>

#include "cli.h"
#include "cli_args.h"
#include "console_backend.h"
#include "control.h"
#include "domains.h"
#include "timer.h"

#define NS_PER_SEC       1000000000ull
#define PAGES_PER_MIB    256ull
#define WALK_MAX_DOMAINS 4096    /* bounds a GETINFO walk even if ids misbehave */
#define ERR_MAX          200

static int cmd_list(int argc, char **argv)
{
	if (argc != 1)
		return cli_usage_error(argv[0]);
	printf("%-20s %5s %9s %5s  %-9s %9s\n", "Name", "ID", "Mem(MiB)", "VCPUs", "State", "Time(s)");
	struct keel_domctl op;
	uint32_t next = 0;
	for (unsigned n = 0; n < WALK_MAX_DOMAINS; n++, next = op.domid + 1) {
		op = (struct keel_domctl){ .cmd = KEEL_DOMCTL_GETINFO, .domid = next };
		if (keel_domctl(&op))
			break;
		const struct keel_domctl_info *info = &op.u.info;
		printf("%-20.*s %5u %9llu %5u  %-9s %9llu\n", KEEL_DOMAIN_NAME_MAX, info->name, op.domid,
		       (unsigned long long)(info->nr_pages / PAGES_PER_MIB), info->nr_vcpus,
		       cli_domain_state_name(info->state), (unsigned long long)(info->cpu_time_ns / NS_PER_SEC));
	}
	/* Domains between a crash and their restart exist only here. */
	uint64_t now = time_now_ns();
	for (struct managed_domain *m = domains_next(NULL); m; m = domains_next(m)) {
		if (m->state != MANAGED_RESTART_WAIT)
			continue;
		uint64_t left = m->restart_at_ns > now ? m->restart_at_ns - now : 0;
		printf("%-20s %5s %9llu %5u  restarting in %llu s\n", m->cfg.name, "-",
		       (unsigned long long)(m->cfg.memory_bytes >> 20), m->cfg.vcpus,
		       (unsigned long long)((left + NS_PER_SEC - 1) / NS_PER_SEC));
	}
	return 0;
}

static int cmd_create(int argc, char **argv)
{
	char err[ERR_MAX];
	uint32_t domid;
	if (argc < 2)
		return cli_usage_error(argv[0]);
	if (domains_create(argv[1], (const char *const *)&argv[2], (size_t)(argc - 2), &domid, err, sizeof(err))) {
		cli_error("%s", err);
		return 1;
	}
	struct managed_domain *m = domains_find(domid);
	printf("created domain %u (%s)\n", domid, m ? m->cfg.name : argv[1]);
	return 0;
}

/* The commands that take exactly one <dom> and call one domains_* function. */
static int one_domain(int argc, char **argv, uint32_t *domid)
{
	if (argc != 2) {
		cli_usage_error(argv[0]);
		return 1;
	}
	return cli_domain_arg(argv[1], domid) ? 0 : 1;
}

static int report(long rc, const char *err, const char *done, uint32_t domid)
{
	if (rc) {
		cli_error("%s", err);
		return 1;
	}
	printf("domain %u %s\n", domid, done);
	return 0;
}

static int cmd_destroy(int argc, char **argv)
{
	char err[ERR_MAX];
	uint32_t domid;
	if (one_domain(argc, argv, &domid))
		return 1;
	return report(domains_destroy(domid, err, sizeof(err)), err, "destroyed", domid);
}

static int cmd_pause(int argc, char **argv)
{
	char err[ERR_MAX];
	uint32_t domid;
	if (one_domain(argc, argv, &domid))
		return 1;
	return report(domains_pause(domid, err, sizeof(err)), err, "paused", domid);
}

static int cmd_unpause(int argc, char **argv)
{
	char err[ERR_MAX];
	uint32_t domid;
	if (one_domain(argc, argv, &domid))
		return 1;
	return report(domains_unpause(domid, err, sizeof(err)), err, "unpaused", domid);
}

static int cmd_shutdown(int argc, char **argv)
{
	char err[ERR_MAX];
	uint32_t domid;
	if (one_domain(argc, argv, &domid))
		return 1;
	return report(domains_shutdown(domid, DOMAINS_SHUTDOWN_GRACE_NS, err, sizeof(err)), err, "shut down", domid);
}

static int cmd_reboot(int argc, char **argv)
{
	char err[ERR_MAX];
	uint32_t domid, new_domid;
	if (one_domain(argc, argv, &domid))
		return 1;
	if (domains_reboot(domid, &new_domid, err, sizeof(err))) {
		cli_error("%s", err);
		return 1;
	}
	printf("domain %u rebooted as domain %u\n", domid, new_domid);
	return 0;
}

static int cmd_console(int argc, char **argv)
{
	uint32_t domid;
	if (one_domain(argc, argv, &domid))
		return 1;
	struct managed_domain *m = domains_find(domid);
	if (!m || !m->console) {
		cli_error("domain %u has no console dom0 serves", domid);
		return 1;
	}
	if (console_backend_broken(m->console))
		printf("(its ring is broken: only its console_io output is shown, typing goes nowhere)\n");
	printf("connected to domain %u (%s); Ctrl-] returns to the prompt\n", domid, m->cfg.name);
	fflush(stdout);   /* the console writes to the tty directly, not through stdio */
	console_backend_attach(m->console);
	printf("\n");
	return 0;
}

const struct cli_command cmd_domain_commands[] = {
	{ "list", "list", "the domains: name, id, memory, vCPUs, state, CPU time", NULL, cmd_list },
	{ "create", "create <name|path> [key=value ...]", "build and start a domain from a config or an image",
	  "  <name>: \\keel\\domains\\<name>.cfg, or else the image <name>.elf with 16 MiB and 1 vCPU.\n"
	  "  <path>: a config (.cfg) or an image among the boot modules.\n"
	  "  key=value: name, kernel, memory, vcpus, cmdline, on_crash, on_poweroff, on_reboot, disk\n"
	  "  override the config, e.g. 'create hello memory=32M vcpus=2'.\n"
	  "  disk=part:LABEL[,rw|,ro] serves a GPT partition; disk=null:SIZE a disk of zeros\n"
	  "  that discards writes (ring benchmarks).",
	  cmd_create },
	{ "destroy", "destroy <dom>", "end a domain at once and free everything it held", NULL, cmd_destroy },
	{ "pause", "pause <dom>", "stop a domain's vCPUs from running", NULL, cmd_pause },
	{ "unpause", "unpause <dom>", "let a paused domain run again", NULL, cmd_unpause },
	{ "shutdown", "shutdown <dom>", "power a domain off and reap it",
	  "  The ABI has no clean-shutdown request yet, so the guest is ended at once (reason poweroff).", cmd_shutdown },
	{ "reboot", "reboot <dom>", "shut a domain down and build it again from its config", NULL, cmd_reboot },
	{ "console", "console <dom>", "attach to a domain's console (Ctrl-] detaches)",
	  "  Shows the last 16 KiB it printed, then live output; what you type goes to the guest.", cmd_console },
	{ 0 },
};
