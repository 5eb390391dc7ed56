/* domain.h: a domain: its identity, state, memory (guest-physical RAM) and vCPUs. */
#ifndef KEEL_DOMAIN_H
#define KEEL_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

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

	unsigned int nr_vcpus;
	struct vcpu *vcpus[DOMAIN_MAX_VCPUS];

	spinlock_t lock;
	bool reaping;                   /* claimed for teardown (under sched_lock) */
	struct sched_domain sched;
	char console_line[DOMAIN_CONSOLE_LINE];   /* console_io output waiting for its newline */
	unsigned int console_len;

	struct domain *next;            /* in the global list */
};

/* The privileged domain, once it exists; until then ended domains are freed at once. */
extern struct domain *dom0;

/* Creates an empty domain (no memory, no vCPUs yet); NULL and *error set on failure. */
struct domain *domain_create(const char *name, uint64_t max_pages, unsigned int nr_vcpus,
			     bool privileged, int *error);
/* Gives the domain nr_pages of zeroed RAM at guest-physical 0; 0 or -KEEL_E*. */
int domain_populate(struct domain *d, uint64_t nr_pages);
/* Host-physical address backing a guest-physical one, or FRAME_NONE. */
paddr_t domain_gpa_to_hpa(const struct domain *d, uint64_t gpa);
/* Makes the domain's vCPUs runnable. */
void domain_unpause(struct domain *d);
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
