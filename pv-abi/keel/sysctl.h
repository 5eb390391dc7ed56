/*
 * sysctl.h: the whole machine: dom0 only (KEEL_HC_SYSCTL).
 *
 *     long sysctl(struct keel_sysctl *op)
 *
 * Every caller but dom0 gets -KEEL_EPERM. Returns 0 or a negated error: -KEEL_EFAULT
 * (op or a buffer unmapped), -KEEL_EINVAL (bad field), -KEEL_ESRCH (READ_VCPU of a
 * domain or vCPU that does not exist), -KEEL_ENOENT (PCI_ECAM index past the last
 * window), -KEEL_ENOSYS (unknown cmd). OUT fields are written only on success.
 */
#ifndef KEEL_PV_SYSCTL_H
#define KEEL_PV_SYSCTL_H

#include <stdint.h>

#define KEEL_SYSCTL_READ_LOG    0
#define KEEL_SYSCTL_PHYSINFO    1
#define KEEL_SYSCTL_VCPU_INFO   2
#define KEEL_SYSCTL_CONSOLE_READ 3
#define KEEL_SYSCTL_PCI_ECAM    4

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
	uint32_t guest_cpus;   /* 0.3: how many of the CPUs run guests: all, unless the
				* hypervisor keeps some out (docs/architecture.md); 0 before 0.3 */
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

/*
 * PCI_ECAM: where dom0 reaches PCI configuration space. Each window is one PCI segment's
 * enhanced configuration space from the ACPI MCFG table: bus B, device D, function F,
 * register R is at base + (B << 20 | D << 15 | F << 12 | R), for start_bus <= B <= end_bus.
 * The hypervisor maps a window into dom0 at guest-physical == machine-physical, uncached,
 * before dom0 runs, and lists only windows it mapped in full: dom0 may use every one it
 * is told of. Ask for index 0, 1, ... ; 'count' says how many there are, and an index at
 * or past it gets -KEEL_ENOENT (always, when there is no MCFG: then config space is
 * reachable only through ports 0xcf8/0xcfc, which dom0 owns).
 * Other device memory (PCI BARs) needs no call: dom0 simply accesses it at its machine
 * address, and the hypervisor maps it uncached at the first touch unless it is RAM, a
 * device the hypervisor keeps (local APIC, IOAPICs), or collides with dom0's own
 * guest-physical layout (RAM, shared info, grant and foreign windows); such an access
 * stays an EPT/NPT violation and crashes dom0, with the reason in the log.
 */
struct keel_sysctl_pci_ecam {
	uint32_t index;        /* IN */
	uint32_t count;        /* OUT: windows there are */
	uint64_t base;         /* OUT: address of bus 0 of the segment (even when start_bus > 0) */
	uint16_t segment;      /* OUT: PCI segment group */
	uint8_t  start_bus;    /* OUT: first bus decoded */
	uint8_t  end_bus;      /* OUT: last bus decoded */
	uint32_t pad;
};

struct keel_sysctl {
	uint32_t cmd;
	uint32_t pad;
	union {
		struct keel_sysctl_read_log read_log;
		struct keel_sysctl_physinfo physinfo;
		struct keel_sysctl_vcpu_info vcpu_info;
		struct keel_sysctl_console_read console_read;
		struct keel_sysctl_pci_ecam pci_ecam;
		uint8_t pad[56];
	} u;
};

_Static_assert(sizeof(struct keel_sysctl) == 64, "sysctl is 64 bytes");

#endif
