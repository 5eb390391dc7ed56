/* domain.h: a domain: its identity, state, memory (guest-physical RAM) and vCPUs. */
#ifndef KEEL_DOMAIN_H
#define KEEL_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "console_capture.h"
#include "console_log_budget.h"
#include "evtchn.h"
#include "keel/shared_info.h"
#include "mm.h"
#include "sched.h"
#include "spinlock.h"
#include "virt.h"

#define DOMAIN_NAME_MAX       32
#define DOMAIN_MAX_VCPUS      16
#define DOMAIN_CONSOLE_LINE   160

enum domain_state {
	DOMAIN_BUILDING,    /* being constructed; never scheduled */
	DOMAIN_PAUSED,      /* built or paused by the operator; not scheduled */
	DOMAIN_RUNNING,     /* its vCPUs may run (each may still be blocked) */
	DOMAIN_SHUTDOWN,    /* ended by its own request: see shutdown_reason */
	DOMAIN_CRASHED,     /* ended by the hypervisor because of something it did */
	DOMAIN_DYING,       /* being torn down */
};

/* One physically contiguous piece of a domain's RAM. */
struct mem_extent {
	uint64_t gpa;
	paddr_t hpa;
	unsigned int order;   /* 2^order pages */
};

struct vcpu;
struct grant_table;

struct domain {
	uint32_t id;
	char name[DOMAIN_NAME_MAX];
	bool privileged;
	enum domain_state state;
	unsigned int shutdown_reason;   /* KEEL_SHUTDOWN_* when state == DOMAIN_SHUTDOWN */

	uint64_t max_pages;             /* reservation */
	uint64_t nr_pages;              /* populated: guest-physical 0 .. nr_pages * 4 KiB */
	struct mem_extent *extents;     /* sorted by gpa, contiguous in guest-physical space */
	unsigned int nr_extents;
	struct p2m p2m;
	struct io_bitmap *io_ports;     /* dom0's I/O port permissions; NULL: every port exits (io_policy.h) */

	unsigned int nr_vcpus;
	struct vcpu *vcpus[DOMAIN_MAX_VCPUS];
	struct grant_table *grants;     /* NULL until it grants or maps (grant.h) */
	uint64_t boot_gdt_gpa;          /* the builder's GDT: a start context with gdt_gpa 0 uses it */
	bool started;                   /* unpaused at least once (BUILDING/first PAUSED is over) */
	struct keel_shared_info *shared_info;   /* NULL until it has RAM (shared_info.h) */
	paddr_t shared_info_pa;
	struct evtchn_domain evtchn;    /* its event-channel ports (evtchn.h) */
	spinlock_t vcpu_op_lock;        /* one vcpu_op UP or DOWN at a time (taken with trylock) */

	spinlock_t lock;
	bool reaping;                   /* claimed for teardown (under sched_lock) */
	struct sched_domain sched;
	char console_line[DOMAIN_CONSOLE_LINE];   /* console_io output waiting for its newline */
	unsigned int console_len;
	struct console_capture console_capture;   /* console_io history for dom0 (sysctl CONSOLE_READ), under lock */
	struct console_log_budget console_log_budget;   /* its lines' share of the hypervisor log, under lock */

	struct domain *next;            /* in the global list */
};

/* The privileged domain, once it exists; until then ended domains are freed at once. */
extern struct domain *dom0;

/* Creates an empty domain (no memory, no vCPUs yet); NULL and *error set on failure. */
struct domain *domain_create(const char *name, uint64_t max_pages, unsigned int nr_vcpus,
			     bool privileged, int *error);
/* Gives the domain nr_pages of zeroed RAM at guest-physical 0; 0 or -KEEL_E*. */
int domain_populate(struct domain *d, uint64_t nr_pages);
/* domain_populate with one machine-contiguous run (dom0's DMA-able RAM, start_info.h machine_base):
 * host-physical = *machine_base + guest-physical. -KEEL_ENOMEM when no run that long is free. */
int domain_populate_contiguous(struct domain *d, uint64_t nr_pages, paddr_t *machine_base);
/* Host-physical address backing a guest-physical one, or FRAME_NONE. */
paddr_t domain_gpa_to_hpa(const struct domain *d, uint64_t gpa);
/* Starts a built domain (its vCPUs that are up run), or resumes a paused one; 0 or -KEEL_EINVAL. */
int domain_unpause(struct domain *d);
/* Stops a running domain: when this returns none of its vCPUs is on a CPU; 0 or -KEEL_EINVAL. */
int domain_pause(struct domain *d);
/* The domain with this id, or NULL; the first with an id >= 'id' for domain_find_next. Callers
 * must hold off destruction (dom0's domctl calls are serialized, and only they destroy). */
struct domain *domain_find(uint32_t id);
struct domain *domain_find_next(uint32_t id);
/* The live domain with this id with the domain list locked, so it cannot start being destroyed
 * until domain_list_unlock(); NULL (and the list unlocked) if there is none. */
struct domain *domain_lookup_locked(uint32_t id);
void domain_list_unlock(void);
/* vCPUs started and not brought down. */
unsigned int domain_vcpus_up(const struct domain *d);
/* Ends the domain on its own request (KEEL_SHUTDOWN_*). */
void domain_shutdown(struct domain *d, unsigned int reason);
/* Ends the domain because of what it did; the reason is logged with its name. */
void domain_crash(struct domain *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees an ended domain that no CPU runs any more and logs it (the scheduler decides when). */
void domain_reap(struct domain *d);
/* Frees everything the domain owns; it must have no running vCPU. */
void domain_destroy(struct domain *d);

/* Logs every vCPU that is blocked with nothing to wake it. */
void domain_report_blocked(void);

/* Counts of live domains, for boot-time orchestration and tests. */
unsigned int domain_count_live(void);

#endif
