/* domains.c: dom0's managed domains: finding configs and images, building, lifecycle, on_* actions, autostart. */
#include "domains.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <keel/abi.h>
#include <keel/domctl.h>
#include <keel/event_channel.h>
#include <keel/sched.h>

#include "blkback.h"
#include "builder.h"
#include "cfg.h"
#include "cli.h"
#include "console_backend.h"
#include "control.h"
#include "events.h"
#include "thread.h"
#include "timer.h"

#define CONFIG_DIR    "\\keel\\domains\\"
#define KEEL_CFG_PATH "\\keel\\keel.cfg"
#define POLL_NS       50000000ull   /* how often 'shutdown' looks whether the guest has gone */
#define NS_PER_S      1000000000ull

static const struct keel_start_info *self;
static struct managed_domain table[DOMAINS_MAX];
static struct waitq domains_wq = WAITQ_INIT;
static volatile bool dom_exc_pending;   /* KEEL_VIRQ_DOM_EXC arrived */

static long failure(long rc, char *err, size_t err_size, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static long failure(long rc, char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- boot modules: configs and images ---- */

static const struct keel_boot_module *module_by_path(const char *path)
{
	const struct keel_boot_module *mods = (const void *)(uintptr_t)self->modules_gpa;
	for (uint32_t i = 0; self->modules_gpa && i < self->nr_modules; i++)
		/* FAT names are case-insensitive, and so are the paths the operator types. */
		if (strncasecmp(mods[i].name, path, KEEL_MODULE_NAME_MAX) == 0)
			return &mods[i];
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* "\keel\guests\hello.elf" -> "hello": a default domain name from an image path or name. */
static void image_base_name(const char *what, char *out, size_t size)
{
	const char *base = what;
	for (const char *c = what; *c; c++)
		if (*c == '\\' || *c == '/')
			base = c + 1;
	size_t len = strlen(base);
	if (ends_with(base, ".elf"))
		len -= 4;
	snprintf(out, size, "%.*s", (int)len, base);
}

static const struct keel_boot_module *find_image(const char *kernel)
{
	if (kernel[0] == '\\')
		return module_by_path(kernel);
	char base[DOMCFG_KERNEL_MAX];
	image_base_name(kernel, base, sizeof(base));
	return builder_find_module(self, base);
}

/*
 * 'what' -> a config, before overrides: a config path (ends in .cfg), an image path, a
 * config name (\keel\domains\NAME.cfg), or else an image name with the defaults.
 */
static long load_config(const char *what, struct domcfg *cfg, char *err, size_t err_size)
{
	char path[KEEL_MODULE_NAME_MAX + 8];
	char line_err[160];
	const struct keel_boot_module *mod = NULL;
	bool is_path = what[0] == '\\' || what[0] == '/';

	domcfg_init(cfg);
	if (is_path && !ends_with(what, ".cfg")) {
		image_base_name(what, cfg->name, sizeof(cfg->name));
		return domcfg_set(cfg, "kernel", what, err, err_size) ? -KEEL_EINVAL : 0;
	}
	if (is_path) {
		snprintf(path, sizeof(path), "%s", what);
		for (char *c = path; *c; c++)
			if (*c == '/')
				*c = '\\';
	} else {
		snprintf(path, sizeof(path), CONFIG_DIR "%s.cfg", what);
	}
	mod = module_by_path(path);
	if (!mod && is_path)
		return failure(-KEEL_ENOENT, err, err_size, "no config %s among the boot modules", path);
	if (!mod) {
		if (!builder_find_module(self, what))
			return failure(-KEEL_ENOENT, err, err_size, "no config %s and no image '%s'", path, what);
		image_base_name(what, cfg->name, sizeof(cfg->name));
		if (!domcfg_name_valid(cfg->name))
			return failure(-KEEL_EINVAL, err, err_size, "'%s' is not a valid domain name", what);
		return domcfg_set(cfg, "kernel", what, err, err_size) ? -KEEL_EINVAL : 0;
	}
	if (domcfg_parse(cfg, (const char *)(uintptr_t)mod->gpa, mod->size, line_err, sizeof(line_err)))
		return failure(-KEEL_EINVAL, err, err_size, "%s: %s", path, line_err);
	return 0;
}

/* ---- the table ---- */

struct managed_domain *domains_find(uint32_t domid)
{
	for (unsigned i = 0; i < DOMAINS_MAX; i++)
		if (table[i].in_use && table[i].domid == domid)
			return &table[i];
	return NULL;
}

struct managed_domain *domains_next(struct managed_domain *prev)
{
	for (unsigned i = prev ? (unsigned)(prev - table) + 1 : 0; i < DOMAINS_MAX; i++)
		if (table[i].in_use)
			return &table[i];
	return NULL;
}

static struct managed_domain *find_by_name(const char *name)
{
	for (unsigned i = 0; i < DOMAINS_MAX; i++)
		if (table[i].in_use && strcmp(table[i].cfg.name, name) == 0)
			return &table[i];
	return NULL;
}

/* True if any live domain (managed or not, dom0 included) is called 'name'. */
static bool name_in_use(const char *name)
{
	struct keel_domctl op = { .cmd = KEEL_DOMCTL_GETINFO };
	for (uint32_t next = 0;; next = op.domid + 1) {
		op.cmd = KEEL_DOMCTL_GETINFO;
		op.domid = next;
		if (keel_domctl(&op))
			return false;
		if (strncmp(op.u.info.name, name, KEEL_DOMAIN_NAME_MAX) == 0)
			return true;
	}
}

/* Stops serving the domain's devices; its pages are unmapped and its ports closed. */
static void release_devices(struct managed_domain *m)
{
	console_backend_disconnect(m->console);
	m->console = NULL;
	blkback_disconnect(m->disk);
	m->disk = NULL;
}

static void forget(struct managed_domain *m)
{
	release_devices(m);
	m->in_use = false;
}

bool domains_resolve(const char *id_or_name, uint32_t *domid, char *err, size_t err_size)
{
	char *end;
	if (id_or_name[0] >= '0' && id_or_name[0] <= '9') {
		unsigned long id = strtoul(id_or_name, &end, 10);
		struct keel_domctl_info info;
		if (*end != '\0' || id > UINT32_MAX) {
			snprintf(err, err_size, "bad domain id '%s'", id_or_name);
			return false;
		}
		if (domctl_getinfo((uint32_t)id, &info) != 0 && !domains_find((uint32_t)id)) {
			snprintf(err, err_size, "no domain %lu", id);
			return false;
		}
		*domid = (uint32_t)id;
		return true;
	}
	struct managed_domain *m = find_by_name(id_or_name);
	if (m) {
		*domid = m->domid;
		return true;
	}
	struct keel_domctl op;
	for (uint32_t next = 0;; next = op.domid + 1) {
		op.cmd = KEEL_DOMCTL_GETINFO;
		op.domid = next;
		if (keel_domctl(&op))
			break;
		if (strncmp(op.u.info.name, id_or_name, KEEL_DOMAIN_NAME_MAX) == 0) {
			*domid = op.domid;
			return true;
		}
	}
	snprintf(err, err_size, "no domain '%s'", id_or_name);
	return false;
}

/* ---- building ---- */

/* Builds, connects the console and unpauses 'cfg' into table entry 'm' (in_use already). */
static long build_into(struct managed_domain *m, char *err, size_t err_size)
{
	const struct domcfg *cfg = &m->cfg;
	struct keel_sysctl_physinfo phys;
	char why[128];

	if (name_in_use(cfg->name))
		return failure(-KEEL_EEXIST, err, err_size, "domain '%s' already exists", cfg->name);
	const struct keel_boot_module *image = find_image(cfg->kernel);
	if (!image)
		return failure(-KEEL_ENOENT, err, err_size, "no image '%s' among the boot modules", cfg->kernel);
	uint64_t pages = cfg->memory_bytes / 4096;
	if (sysctl_physinfo(&phys) == 0 && phys.free_pages < pages)
		return failure(-KEEL_ENOMEM, err, err_size, "not enough free memory for '%s': %llu MiB asked, %llu MiB free",
			       cfg->name, (unsigned long long)(cfg->memory_bytes >> 20),
			       (unsigned long long)(phys.free_pages >> 8));

	/* The disk first: a missing or taken partition must not cost a half-built domain. */
	unsigned int disk = 0;
	struct gpt_partition part;
	const struct builder_block block = { .read_only = cfg->disk_readonly };
	if (cfg->has_disk) {
		uint32_t user;
		long rc = blkback_find_partition(cfg->disk_label, &disk, &part, err, err_size);
		if (rc)
			return rc;
		if (blkback_partition_busy(disk, part.first_lba, cfg->disk_readonly, &user))
			return failure(-KEEL_EBUSY, err, err_size, "partition '%s' is in use by domain %u", cfg->disk_label,
				       user);
	}

	const struct builder_params params = {
		.name = cfg->name, .image = (const void *)(uintptr_t)image->gpa, .image_size = image->size,
		.memory_bytes = cfg->memory_bytes, .nr_vcpus = cfg->vcpus, .cmdline = cfg->cmdline,
		.blocks = &block, .nr_blocks = cfg->has_disk ? 1 : 0,
	};
	struct builder_result built;
	long rc = builder_build(&params, &built, why, sizeof(why));
	if (rc == -KEEL_ENOMEM)
		return failure(rc, err, err_size, "not enough memory for '%s' (%s)", cfg->name, why);
	if (rc)
		return failure(rc, err, err_size, "building '%s': %s", cfg->name, why);

	m->domid = built.domid;
	m->console = console_backend_connect(built.domid, built.console_ref, built.console_port, why, sizeof(why));
	if (!m->console) {
		domctl_simple(KEEL_DOMCTL_DESTROY, built.domid);
		return failure(-KEEL_EIO, err, err_size, "domain '%s': %s", cfg->name, why);
	}
	if (cfg->has_disk) {
		m->disk = blkback_connect(built.domid, built.blocks[0].ref, built.blocks[0].port, disk, &part,
					  cfg->disk_readonly, why, sizeof(why));
		if (!m->disk) {
			release_devices(m);
			domctl_simple(KEEL_DOMCTL_DESTROY, built.domid);
			return failure(-KEEL_EIO, err, err_size, "domain '%s': %s", cfg->name, why);
		}
	}
	rc = domctl_simple(KEEL_DOMCTL_UNPAUSE, built.domid);
	if (rc) {
		release_devices(m);
		domctl_simple(KEEL_DOMCTL_DESTROY, built.domid);
		return failure(rc, err, err_size, "starting '%s' failed (%ld)", cfg->name, rc);
	}
	m->state = MANAGED_RUNNING;
	m->started_ns = time_now_ns();
	return 0;
}

static struct managed_domain *new_entry(const struct domcfg *cfg)
{
	for (unsigned i = 0; i < DOMAINS_MAX; i++) {
		if (!table[i].in_use) {
			memset(&table[i], 0, sizeof(table[i]));
			table[i].in_use = true;
			table[i].cfg = *cfg;
			return &table[i];
		}
	}
	return NULL;
}

static long create_from_cfg(const struct domcfg *cfg, uint32_t *domid, char *err, size_t err_size)
{
	if (find_by_name(cfg->name))
		return failure(-KEEL_EEXIST, err, err_size, "domain '%s' already exists", cfg->name);
	struct managed_domain *m = new_entry(cfg);
	if (!m)
		return failure(-KEEL_ENOSPC, err, err_size, "dom0 manages %d domains already", DOMAINS_MAX);
	long rc = build_into(m, err, err_size);
	if (rc) {
		m->in_use = false;
		return rc;
	}
	if (domid)
		*domid = m->domid;
	return 0;
}

long domains_create(const char *what, const char *const *overrides, size_t nr_overrides,
		    uint32_t *domid, char *err, size_t err_size)
{
	struct domcfg cfg;
	long rc = load_config(what, &cfg, err, err_size);
	if (rc)
		return rc;
	for (size_t i = 0; i < nr_overrides; i++)
		if (domcfg_override(&cfg, overrides[i], err, err_size))
			return -KEEL_EINVAL;
	if (domcfg_check(&cfg, err, err_size))
		return -KEEL_EINVAL;
	return create_from_cfg(&cfg, domid, err, err_size);
}

/* ---- lifecycle ---- */

/* dom0 never acts on itself through these commands. */
static long refuse_dom0(uint32_t domid, const char *verb, char *err, size_t err_size)
{
	if (domid == self->domid)
		return failure(-KEEL_EPERM, err, err_size, "dom0 cannot %s itself", verb);
	return 0;
}

long domains_destroy(uint32_t domid, char *err, size_t err_size)
{
	long rc = refuse_dom0(domid, "destroy", err, err_size);
	if (rc)
		return rc;
	struct managed_domain *m = domains_find(domid);
	if (m && m->state == MANAGED_RESTART_WAIT) {   /* already gone: cancel the restart */
		cli_notice("dom0: domain %u (%s): restart cancelled", domid, m->cfg.name);
		m->in_use = false;
		return 0;
	}
	if (m)
		m->state = MANAGED_STOPPING;
	rc = domctl_simple(KEEL_DOMCTL_DESTROY, domid);
	if (rc == -KEEL_ESRCH && m)
		rc = 0;   /* it went by itself meanwhile */
	if (m)
		forget(m);
	if (rc)
		return failure(rc, err, err_size, "destroying domain %u failed (%ld)", domid, rc);
	return 0;
}

static long simple_op(uint32_t cmd, uint32_t domid, const char *verb, char *err, size_t err_size)
{
	long rc = refuse_dom0(domid, verb, err, err_size);
	if (rc)
		return rc;
	rc = domctl_simple(cmd, domid);
	if (rc == -KEEL_EINVAL)
		return failure(rc, err, err_size, "domain %u cannot %s in its state", domid, verb);
	if (rc)
		return failure(rc, err, err_size, "%s of domain %u failed (%ld)", verb, domid, rc);
	return 0;
}

long domains_pause(uint32_t domid, char *err, size_t err_size)
{
	return simple_op(KEEL_DOMCTL_PAUSE, domid, "pause", err, err_size);
}

long domains_unpause(uint32_t domid, char *err, size_t err_size)
{
	return simple_op(KEEL_DOMCTL_UNPAUSE, domid, "unpause", err, err_size);
}

/*
 * Today's domctl SHUTDOWN is not a request: the hypervisor ends the domain at once
 * (kernel/domctl.c, "the request is the end itself"), and the ABI has no way yet to ask
 * a guest to stop cleanly. So 'shutdown' ends the guest with reason poweroff, waits for
 * it to be seen as ended, and reaps it; a domain that has not ended by the deadline
 * (it cannot happen with today's hypervisor) is destroyed. Once the ABI gains a request,
 * only the first step changes.
 */
long domains_shutdown(uint32_t domid, uint64_t grace_ns, char *err, size_t err_size)
{
	long rc = refuse_dom0(domid, "shut down", err, err_size);
	if (rc)
		return rc;
	struct managed_domain *m = domains_find(domid);
	if (m && m->state == MANAGED_RESTART_WAIT)
		return domains_destroy(domid, err, err_size);
	enum managed_state before = m ? m->state : MANAGED_RUNNING;
	if (m)
		m->state = MANAGED_STOPPING;   /* the ending is ours: no on_* action for it */
	/* Ask first (domctl.h REQUEST_SHUTDOWN); only a guest that listens is waited for. */
	rc = domctl_simple(KEEL_DOMCTL_REQUEST_SHUTDOWN, domid);
	if (rc && rc != -KEEL_ENOENT && rc != -KEEL_EINVAL) {   /* EINVAL: it had already ended */
		if (m)
			m->state = before;
		return failure(rc, err, err_size, "shutting down domain %u failed (%ld)", domid, rc);
	}
	if (rc == -KEEL_ENOENT)
		cli_notice("dom0: domain %u does not take shutdown requests; stopping it now", domid);
	bool ended = rc == -KEEL_EINVAL;
	uint64_t deadline = time_now_ns() + grace_ns;
	struct keel_domctl_info info;
	while (rc == 0 && !ended) {
		ended = domctl_getinfo(domid, &info) != 0 || info.state == KEEL_DOMSTATE_SHUTDOWN ||
			info.state == KEEL_DOMSTATE_CRASHED;
		if (!ended && time_now_ns() >= deadline) {
			cli_notice("dom0: domain %u did not shut down within %llu s; forcing it", domid,
				   (unsigned long long)(grace_ns / NS_PER_S));
			break;
		}
		if (!ended)
			thread_sleep_ns(POLL_NS);
	}
	return domains_destroy(domid, err, err_size);
}

long domains_reboot(uint32_t domid, uint32_t *new_domid, char *err, size_t err_size)
{
	struct managed_domain *m = domains_find(domid);
	if (!m)
		return failure(-KEEL_EINVAL, err, err_size, "domain %u was not built by dom0: no config to reboot it from",
			       domid);
	struct domcfg cfg = m->cfg;
	long rc = domains_shutdown(domid, DOMAINS_SHUTDOWN_GRACE_NS, err, err_size);
	if (rc)
		return rc;
	return create_from_cfg(&cfg, new_domid, err, err_size);
}

/* ---- domains that ended by themselves ---- */

static const char *end_description(const struct keel_domctl_info *info, enum domcfg_action *action,
				   const struct domcfg *cfg)
{
	if (info->state == KEEL_DOMSTATE_CRASHED || info->shutdown_reason == KEEL_SHUTDOWN_CRASH) {
		*action = cfg->on_crash;
		return "crashed";
	}
	if (info->shutdown_reason == KEEL_SHUTDOWN_REBOOT) {
		*action = cfg->on_reboot;
		return "asked to reboot";
	}
	*action = cfg->on_poweroff;
	return "powered off";
}

/* Applies on_crash / on_poweroff / on_reboot to a domain seen ended. One line per event. */
static void handle_end(struct managed_domain *m, const struct keel_domctl_info *info)
{
	enum domcfg_action action;
	const char *what = end_description(info, &action, &m->cfg);
	uint64_t now = time_now_ns();

	switch (action) {
	case DOMCFG_PRESERVE:
		cli_notice("dom0: domain %u (%s) %s; preserved", m->domid, m->cfg.name, what);
		m->state = MANAGED_PRESERVED;
		return;
	case DOMCFG_DESTROY:
		cli_notice("dom0: domain %u (%s) %s; destroyed", m->domid, m->cfg.name, what);
		m->state = MANAGED_STOPPING;
		domctl_simple(KEEL_DOMCTL_DESTROY, m->domid);
		forget(m);
		return;
	case DOMCFG_RESTART: {
		uint64_t delay = restart_backoff_next(&m->backoff, m->started_ns, now);
		cli_notice("dom0: domain %u (%s) %s; restarting in %llu s", m->domid, m->cfg.name, what,
		       (unsigned long long)(delay / NS_PER_S));
		/* Destroyed now, so its memory, name and partition are free for the rebuild. */
		release_devices(m);
		domctl_simple(KEEL_DOMCTL_DESTROY, m->domid);
		m->state = MANAGED_RESTART_WAIT;
		m->restart_at_ns = now + delay;
		return;
	}
	}
}

static void restart(struct managed_domain *m)
{
	char err[160];
	uint32_t old = m->domid;
	if (build_into(m, err, sizeof(err))) {
		cli_notice("dom0: restarting %s failed: %s; giving up", m->cfg.name, err);
		m->in_use = false;
		return;
	}
	cli_notice("dom0: domain %s restarted as domain %u (restart %u of this burst, was %u)", m->cfg.name,
	       m->domid, m->backoff.restarts, old);
}

/* Looks at every managed domain; returns the earliest pending restart time, 0 if none. */
static uint64_t scan(void)
{
	uint64_t earliest = 0;
	for (unsigned i = 0; i < DOMAINS_MAX; i++) {
		struct managed_domain *m = &table[i];
		if (!m->in_use)
			continue;
		if (m->state == MANAGED_RUNNING) {
			struct keel_domctl_info info;
			long rc = domctl_getinfo(m->domid, &info);
			if (rc == -KEEL_ESRCH) {   /* destroyed behind our back */
				cli_notice("dom0: domain %u (%s) disappeared", m->domid, m->cfg.name);
				forget(m);
			} else if (rc == 0 && (info.state == KEEL_DOMSTATE_SHUTDOWN || info.state == KEEL_DOMSTATE_CRASHED)) {
				handle_end(m, &info);
			}
		}
		if (m->in_use && m->state == MANAGED_RESTART_WAIT) {
			if (time_now_ns() >= m->restart_at_ns)
				restart(m);
			else if (!earliest || m->restart_at_ns < earliest)
				earliest = m->restart_at_ns;
		}
	}
	return earliest;
}

static void on_dom_exc(uint32_t port, void *arg)
{
	(void)port, (void)arg;
	dom_exc_pending = true;
	waitq_wake_all(&domains_wq);
}

static void domains_thread(void *arg)
{
	(void)arg;
	for (;;) {
		dom_exc_pending = false;
		uint64_t next_restart = scan();
		/* The periodic look (every 2 s at most) covers an event missed between scan and wait. */
		uint64_t deadline = time_now_ns() + 2 * NS_PER_S;
		if (next_restart && next_restart < deadline)
			deadline = next_restart;
		if (!dom_exc_pending)
			waitq_wait(&domains_wq, deadline);
	}
}

long domains_init(const struct keel_start_info *si)
{
	uint32_t port;
	self = si;
	long rc = console_backend_init();
	if (rc)
		return rc;
	/* After the console backend: it maps the grant window both use. Domains without disks
	 * do not need it, so a failure (no DMA memory) only disables 'disk ='. */
	rc = blkback_init();
	if (rc)
		printf("dom0: block backend unavailable (%ld): domains with a disk cannot start\n", rc);
	rc = evtchn_bind_virq(KEEL_VIRQ_DOM_EXC, 0, &port);
	if (rc)
		return rc;
	events_set_handler(port, on_dom_exc, NULL);
	evtchn_unmask(port);
	if (!thread_create("domains", domains_thread, NULL))
		return -KEEL_ENOMEM;
	return 0;
}

/* ---- autostart ---- */

struct autostart_list {
	char names[CFG_LINE_MAX];
};

static int take_autostart(void *ctx, const char *key, const char *value, unsigned line_no, char *why,
			  size_t why_size)
{
	struct autostart_list *list = ctx;
	(void)line_no, (void)why, (void)why_size;
	if (strcmp(key, "autostart") == 0)   /* the loader has checked keel.cfg; other keys are its own */
		snprintf(list->names, sizeof(list->names), "%s", value);
	return 0;
}

void domains_autostart(void)
{
	static struct autostart_list list;
	char line[CFG_LINE_MAX];
	char err[160];
	const struct keel_boot_module *mod = module_by_path(KEEL_CFG_PATH);
	if (!mod)
		return;
	list.names[0] = '\0';
	if (cfg_parse((const char *)(uintptr_t)mod->gpa, mod->size, line, sizeof(line), take_autostart, &list,
		      err, sizeof(err))) {
		cli_notice("dom0: keel.cfg: %s; no autostart", err);
		return;
	}
	for (char *name = strtok(list.names, " \t"); name; name = strtok(NULL, " \t")) {
		uint32_t domid;
		if (domains_create(name, NULL, 0, &domid, err, sizeof(err)))
			cli_notice("dom0: autostart %s: %s", name, err);
		else
			cli_notice("dom0: autostart %s: domain %u", name, domid);
	}
}
