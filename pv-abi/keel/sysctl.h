/*
 * sysctl.h: the whole machine: dom0 only (KEEL_HC_SYSCTL).
 *
 *     long sysctl(struct keel_sysctl *op)
 *
 * Every caller but dom0 gets -KEEL_EPERM. Returns 0 or a negated error: -KEEL_EFAULT
 * (op or a buffer unmapped), -KEEL_EINVAL (bad field), -KEEL_ESRCH (READ_VCPU of a
 * domain or vCPU that does not exist), -KEEL_ENOSYS (unknown cmd).
 */
#ifndef KEEL_PV_SYSCTL_H
#define KEEL_PV_SYSCTL_H

#include <stdint.h>

#define KEEL_SYSCTL_READ_LOG    0
#define KEEL_SYSCTL_PHYSINFO    1
#define KEEL_SYSCTL_VCPU_INFO   2
#define KEEL_SYSCTL_CONSOLE_READ 3

/* READ_LOG: copies up to 'size' bytes of the hypervisor log, starting 'offset' bytes
 * into what it still holds (oldest first); 'size' returns the bytes copied (0 = end). */
struct keel_sysctl_read_log {
	uint64_t buf;          /* IN: guest-virtual */
	uint64_t offset;       /* IN */
	uint64_t size;         /* IN/OUT */
};

/* PHYSINFO: the machine. */
struct keel_sysctl_physinfo {
	uint32_t cpus_online;
	uint32_t virt;         /* 1 VMX with EPT, 2 SVM with NPT */
	uint64_t total_pages;
	uint64_t free_pages;
	uint64_t tsc_khz;
	uint64_t uptime_ns;
	uint32_t domains;      /* live domains */
	uint32_t evtchn_ports; /* ports allocated in all domains */
	uint32_t grants;       /* grant entries in all domains */
	uint32_t pad;
};

/* VCPU_INFO: one vCPU of one domain. */
struct keel_sysctl_vcpu_info {
	uint32_t domid;        /* IN */
	uint32_t vcpu;         /* IN */
	uint32_t state;        /* OUT: 0 down, 1 runnable, 2 running, 3 blocked */
	uint32_t cpu;          /* OUT: last physical CPU */
	uint64_t cpu_time_ns;  /* OUT */
	uint64_t affinity;     /* OUT */
};

/* CONSOLE_READ: what a domain wrote with console_io. The hypervisor keeps the last
 * KEEL_CONSOLE_CAPTURE bytes of each domain's console_io output, numbered from 0 since
 * the domain was created. Copies up to 'size' bytes starting at byte 'pos'; if 'pos' is
 * older than what is kept it starts at the oldest kept byte, and if it is beyond the last
 * byte written it starts at the end ('size' 0). Returns in 'pos' the number
 * of the first byte copied and in 'size' how many were copied (0: nothing new); the next
 * read starts at pos + size. KEEL_VIRQ_CONSOLE tells dom0 that some domain wrote.
 * -KEEL_ESRCH: no such domain. */
#define KEEL_CONSOLE_CAPTURE 4096
struct keel_sysctl_console_read {
	uint32_t domid;        /* IN */
	uint32_t pad;
	uint64_t buf;          /* IN: guest-virtual */
	uint64_t pos;          /* IN/OUT */
	uint64_t size;         /* IN/OUT */
};

struct keel_sysctl {
	uint32_t cmd;
	uint32_t pad;
	union {
		struct keel_sysctl_read_log read_log;
		struct keel_sysctl_physinfo physinfo;
		struct keel_sysctl_vcpu_info vcpu_info;
		struct keel_sysctl_console_read console_read;
		uint8_t pad[56];
	} u;
};

_Static_assert(sizeof(struct keel_sysctl) == 64, "sysctl is 64 bytes");

#endif
