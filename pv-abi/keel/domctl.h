/*
 * domctl.h: managing domains: dom0 only (KEEL_HC_DOMCTL).
 *
 *     long domctl(struct keel_domctl *op)
 *
 * Every caller but dom0 gets -KEEL_EPERM, whatever it asks. 'op' is read, the command's
 * OUT fields are written back, and the call returns 0 or a negated error:
 *   -KEEL_EPERM   not dom0, or the target is dom0 itself where that makes no sense
 *   -KEEL_EFAULT  'op' or a buffer it names is not mapped
 *   -KEEL_ESRCH   no domain 'domid'
 *   -KEEL_EINVAL  a bad field, or a command that does not fit the domain's state
 *   -KEEL_ENOMEM  not enough free memory
 *   -KEEL_ENOSYS  unknown cmd
 *
 * Building a domain takes five calls: CREATE, POPULATE, MAP_FOREIGN (to copy the image
 * and write start-info), SET_VCPU_CONTEXT, UNPAUSE. A domain stays paused from CREATE
 * until UNPAUSE. Domain states (GETINFO): see KEEL_DOMSTATE_*.
 */
#ifndef KEEL_PV_DOMCTL_H
#define KEEL_PV_DOMCTL_H

#include <stdint.h>

#include "keel/vcpu_op.h"

#define KEEL_DOMCTL_CREATE            0
#define KEEL_DOMCTL_DESTROY           1
#define KEEL_DOMCTL_PAUSE             2
#define KEEL_DOMCTL_UNPAUSE           3
#define KEEL_DOMCTL_GETINFO           4   /* the first domain with id >= domid */
#define KEEL_DOMCTL_SET_MAX_MEM       5
#define KEEL_DOMCTL_POPULATE          6
#define KEEL_DOMCTL_SET_VCPU_CONTEXT  7
#define KEEL_DOMCTL_SET_AFFINITY      8
#define KEEL_DOMCTL_SET_SCHED         9
#define KEEL_DOMCTL_MAP_FOREIGN      10
#define KEEL_DOMCTL_SHUTDOWN         11
#define KEEL_DOMCTL_DEVICE_CHANNEL   12   /* a device's page and port, for start-info */
#define KEEL_DOMCTL_REQUEST_SHUTDOWN 13   /* ask the guest to shut itself down */

#define KEEL_DOMSTATE_BUILDING  0
#define KEEL_DOMSTATE_PAUSED    1
#define KEEL_DOMSTATE_RUNNING   2   /* at least one vCPU runnable or running */
#define KEEL_DOMSTATE_BLOCKED   3   /* every vCPU up is blocked */
#define KEEL_DOMSTATE_SHUTDOWN  4   /* see shutdown_reason */
#define KEEL_DOMSTATE_CRASHED   5
#define KEEL_DOMSTATE_DYING     6

#define KEEL_DOMAIN_NAME_MAX   32

/* CREATE: a paused domain with no memory. -KEEL_EEXIST for a name in use. */
struct keel_domctl_create {
	char     name[KEEL_DOMAIN_NAME_MAX];   /* IN, NUL-terminated, [A-Za-z0-9_.-] */
	uint64_t max_pages;                    /* IN */
	uint32_t nr_vcpus;                     /* IN: 1..KEEL_MAX_VCPUS */
	uint32_t pad;
};

/* GETINFO: OUT everything; IN only domid (the search start). -KEEL_ESRCH past the last. */
struct keel_domctl_info {
	uint32_t state;                        /* KEEL_DOMSTATE_* */
	uint32_t shutdown_reason;              /* KEEL_SHUTDOWN_* (sched.h) */
	uint32_t nr_vcpus;
	uint32_t vcpus_up;
	uint64_t max_pages;
	uint64_t nr_pages;
	uint64_t cpu_time_ns;                  /* all vCPUs */
	char     name[KEEL_DOMAIN_NAME_MAX];
};

/* POPULATE: gives the domain nr_pages of zeroed RAM at GPA 0 (once). */
struct keel_domctl_populate {
	uint64_t nr_pages;                     /* IN */
};

/* SET_VCPU_CONTEXT: where vCPU 'vcpu' starts at UNPAUSE (64-bit mode, start_info.h). */
struct keel_domctl_vcpu_context {
	uint32_t vcpu;                         /* IN */
	uint32_t pad;
	struct keel_vcpu_context ctx;          /* IN */
};

/* SET_AFFINITY: the physical CPUs vCPU 'vcpu' may run on (bit n = CPU n). Not empty. */
struct keel_domctl_affinity {
	uint32_t vcpu;                         /* IN */
	uint32_t pad;
	uint64_t cpumask;                      /* IN */
};

/* SET_SCHED: weight 1..65535 (default 256): share relative to other domains;
 * cap 0 (none) or 1..100 x nr_vcpus: percent of one CPU the domain may use at most. */
struct keel_domctl_sched {
	uint32_t weight;                       /* IN */
	uint32_t cap;                          /* IN */
};

/*
 * MAP_FOREIGN: maps 'count' pages of the target domain's RAM, from target_gpa, at
 * local_gpa in dom0's own space (inside the foreign window). Only for a domain that is
 * still BUILDING. The mapping is removed by another MAP_FOREIGN with count 0 at
 * local_gpa, and in any case when the target is unpaused or destroyed.
 */
/* 256 GiB: above any domain's RAM, and below 2^39, the smallest physical address width of
 * x86-64 CPUs (and QEMU's qemu64 has 40): a guest page-table entry pointing at or above the
 * CPU's width is a reserved-bit page fault, so the window must stay under it. */
#define KEEL_FOREIGN_WINDOW_BASE 0x4000000000ull
#define KEEL_FOREIGN_WINDOW_SIZE 0x40000000ull      /* 1 GiB */
struct keel_domctl_map_foreign {
	uint64_t target_gpa;                   /* IN, page-aligned */
	uint64_t local_gpa;                    /* IN, page-aligned, inside the window */
	uint64_t count;                        /* IN: pages, 0 = unmap */
};

/*
 * DEVICE_CHANNEL: for a domain that is still BUILDING, makes the two things a split
 * device needs (start_info.h, "Devices"): it grants the target's page at 'gpa' to dom0,
 * read-write, exactly as if the target had called GRANT itself (so the grant rules of
 * grant_table.h apply, G6 included), and allocates a port of the target unbound for
 * dom0. dom0 then maps 'ref' and binds 'port' as usual. -KEEL_EINVAL: gpa is not a page
 * of the target's RAM, or the target is not BUILDING; -KEEL_ENOSPC (-KEEL_ENOMEM): no grant
 * or port left (a grant made before the port failed is taken back).
 */
struct keel_domctl_device_channel {
	uint64_t gpa;                          /* IN: page-aligned, in the target's RAM */
	uint32_t ref;                          /* OUT: the target's grant reference */
	uint32_t port;                         /* OUT: the target's port, unbound for dom0 */
};

/*
 * REQUEST_SHUTDOWN (no fields): a graceful request. Raises KEEL_VIRQ_SHUTDOWN on the
 * target's vCPU 0; a guest that bound that VIRQ is expected to finish what it is doing
 * and call sched_op SHUTDOWN itself (with POWEROFF). Nothing else changes: the caller
 * decides how long to wait before it forces the end with SHUTDOWN or DESTROY.
 * -KEEL_ENOENT: the target has not bound KEEL_VIRQ_SHUTDOWN, so it cannot act on a
 * request (force it at once); -KEEL_EINVAL: it has already shut down or crashed.
 */

struct keel_domctl {
	uint32_t cmd;                          /* IN: KEEL_DOMCTL_* */
	uint32_t domid;                        /* IN (CREATE: OUT; GETINFO: IN/OUT) */
	union {
		struct keel_domctl_create create;
		struct keel_domctl_info info;
		struct keel_domctl_populate populate;
		uint64_t max_pages;            /* SET_MAX_MEM */
		struct keel_domctl_vcpu_context vcpu_context;
		struct keel_domctl_affinity affinity;
		struct keel_domctl_sched sched;
		struct keel_domctl_map_foreign map_foreign;
		struct keel_domctl_device_channel device_channel;
		uint32_t shutdown_reason;      /* SHUTDOWN: asks the domain to end (KEEL_SHUTDOWN_*) */
		uint8_t pad[120];
	} u;
};

_Static_assert(sizeof(struct keel_domctl) == 128, "domctl is 128 bytes");

#endif
