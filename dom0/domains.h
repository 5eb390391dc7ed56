/* domains.h: dom0's table of the domains it manages: configs, building, lifecycle, on_crash. */
#ifndef DOM0_DOMAINS_H
#define DOM0_DOMAINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keel/start_info.h>

#include "domcfg.h"
#include "restart_policy.h"

/*
 * Every domain dom0 built is tracked here with the config it was built from (for
 * 'reboot' and on_crash=restart), its console (console_backend.h) and its virtual disk
 * (blkback.h: 'disk = part:LABEL[,rw|,ro]' is a GPT partition found by name; one
 * partition is never given to two live domains unless all of them have it read-only). Domains that
 * exist but dom0 did not build are still listed by 'list' from GETINFO.
 *
 * When a domain ends by itself (KEEL_VIRQ_DOM_EXC), its config's on_crash, on_poweroff
 * or on_reboot decides: destroy reaps it, preserve keeps it listed (and its console
 * history readable) until 'destroy', restart builds it again after the back-off of
 * restart_policy.h. Each such event prints one line in dom0's log.
 *
 * Errors: each call returns 0 or a negated KEEL_E* and, on failure, writes one line
 * for the operator into 'err' (no trailing newline), e.g. "domain 'web' already exists".
 * A failed call leaves nothing behind: no half-built domain, no mapped page, no port.
 */

#define DOMAINS_MAX 64
#define DOMAINS_SHUTDOWN_GRACE_NS 5000000000ull   /* 'shutdown' and 'reboot' wait this long */

enum managed_state {
	MANAGED_RUNNING,          /* built and unpaused (the guest may have paused it since) */
	MANAGED_STOPPING,         /* the operator's shutdown/destroy is in progress: no on_* action */
	MANAGED_PRESERVED,        /* ended, kept by on_*=preserve */
	MANAGED_RESTART_WAIT,     /* ended and destroyed; rebuilt at restart_at_ns */
};

struct managed_domain {
	bool in_use;
	enum managed_state state;
	uint32_t domid;                  /* RESTART_WAIT: the id it had */
	struct domcfg cfg;               /* what it was built from, overrides included */
	uint64_t started_ns;             /* when it was last unpaused */
	struct restart_backoff backoff;  /* on_*=restart: the crash-loop brake */
	uint64_t restart_at_ns;          /* RESTART_WAIT: not rebuilt before this time */
	struct console_backend *console; /* NULL once disconnected */
	struct blkback *disk;            /* its 'disk =' (blkback.h), NULL if none or disconnected */
};

/*
 * Once at start, after builder_init and the heap, before anything else here: starts the
 * console backend, binds KEEL_VIRQ_DOM_EXC and starts the "domains" thread that applies
 * on_* actions and restarts. 'si' (dom0's start-info) gives the boot modules. 0 or -KEEL_E*.
 */
long domains_init(const struct keel_start_info *si);

/* Reads keel.cfg's 'autostart' (from the boot module \keel\keel.cfg) and starts each one. */
void domains_autostart(void);

/*
 * Builds and unpauses a domain. 'what' is a config name (\keel\domains\NAME.cfg), a
 * config path, or a guest image (name or path, from the boot modules); 'overrides' are
 * "key=value" strings applied on top of the config (the CLI's extra words).
 */
long domains_create(const char *what, const char *const *overrides, size_t nr_overrides,
		    uint32_t *domid, char *err, size_t err_size);

long domains_destroy(uint32_t domid, char *err, size_t err_size);
long domains_pause(uint32_t domid, char *err, size_t err_size);
long domains_unpause(uint32_t domid, char *err, size_t err_size);
/* Ends the guest (see domains.c on why this is not yet a request) and reaps it; waits up to 'grace_ns'. */
long domains_shutdown(uint32_t domid, uint64_t grace_ns, char *err, size_t err_size);
/* Shutdown, then create again from the same config; *new_domid is the new domain's id. */
long domains_reboot(uint32_t domid, uint32_t *new_domid, char *err, size_t err_size);

/* Resolves "<dom>": a decimal id or a name. false with a message in err if none matches. */
bool domains_resolve(const char *id_or_name, uint32_t *domid, char *err, size_t err_size);
/* The managed entry for a domid, or NULL (dom0 itself, or a domain dom0 did not build). */
struct managed_domain *domains_find(uint32_t domid);
/* Walks the managed entries: NULL starts, NULL after the last (for 'list'). */
struct managed_domain *domains_next(struct managed_domain *prev);

#endif
