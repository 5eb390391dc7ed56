/* test_domctl.c: domctl and sysctl privilege and argument validation, against doubles of the domain layer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "domain.h"
#include "domctl.h"
#include "evtchn.h"
#include "grant.h"
#include "foreign_map.h"
#include "frame.h"
#include "guest_access.h"
#include "keel/abi.h"
#include "console_capture.h"
#include "dom0_mmio.h"
#include "keel/domctl.h"
#include "keel/sched.h"
#include "keel/sysctl.h"
#include "log.h"
#include "sysctl.h"
#include "vcpu.h"

uint64_t mm_direct_map_offset;

/* The caller's memory: one struct at a fixed "guest address"; anything else faults. */
#define OP_GVA 0x10000
static uint8_t guest_buf[256];
static unsigned int guest_reads, guest_writes;
static bool guest_read_only;

/* dom0 (the caller), a domU under construction, a running domU. */
static struct domain dom0_d, building, running;
static struct vcpu caller, domu_vcpu, run_vcpu;
struct domain *dom0;
static unsigned int creates, destroys, pauses, populates, vcpu_creates, maps, unmaps, shutdowns;
static int create_result;

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
	(void)v;
	guest_reads++;
	if (gva != OP_GVA || len > sizeof(guest_buf))
		return -KEEL_EFAULT;
	memcpy(dst, guest_buf, len);
	return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	(void)v;
	guest_writes++;
	if (gva != OP_GVA || len > sizeof(guest_buf) || guest_read_only)
		return -KEEL_EFAULT;
	memcpy(guest_buf, src, len);
	return 0;
}

static struct domain *all[] = { &dom0_d, &building, &running };

struct domain *domain_find_next(uint32_t id)
{
	struct domain *best = NULL;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i]->id >= id && (!best || all[i]->id < best->id))
			best = all[i];
	return best;
}

struct domain *domain_find(uint32_t id)
{
	struct domain *d = domain_find_next(id);
	return d && d->id == id ? d : NULL;
}

struct domain *domain_create(const char *name, uint64_t max_pages, unsigned int nr_vcpus, bool privileged,
			     int *error)
{
	(void)max_pages, (void)nr_vcpus;
	assert_false(privileged);
	creates++;
	if (create_result) {
		*error = create_result;
		return NULL;
	}
	snprintf(building.name, sizeof(building.name), "%s", name);
	return &building;
}

int domain_populate(struct domain *d, uint64_t nr_pages) { (void)d, (void)nr_pages; populates++; return 0; }
int domain_pause(struct domain *d) { (void)d; pauses++; return 0; }
int domain_unpause(struct domain *d) { (void)d; return 0; }
void domain_destroy(struct domain *d) { (void)d; destroys++; }
void domain_shutdown(struct domain *d, unsigned int reason) { d->state = DOMAIN_SHUTDOWN; d->shutdown_reason = reason; shutdowns++; }
unsigned int domain_vcpus_up(const struct domain *d) { (void)d; return 1; }
unsigned int domain_count_live(void) { return 3; }
uint64_t frame_free_count(void) { return 1000; }
uint64_t frame_total_count(void) { return 2000; }
uint32_t evtchn_ports_allocated(void) { return 7; }
/* DEVICE_CHANNEL's two halves: what they were asked, and a port failure on demand. */
static unsigned int grants_made, grants_ended;
static uint64_t granted_gpa;
static int port_result;
int grant_create(struct domain *d, uint64_t gpa, uint32_t grantee, uint32_t flags, uint32_t *ref)
{
	assert_ptr_equal(d, &building);
	assert_int_equal(grantee, 0);
	assert_int_equal(flags, 0);   /* read-write */
	if (gpa % 4096 || gpa >= d->nr_pages * 4096)
		return -KEEL_EINVAL;
	granted_gpa = gpa;
	*ref = 40 + grants_made++;
	return 0;
}
int grant_end(struct domain *d, uint32_t ref) { (void)d, (void)ref; grants_ended++; return 0; }
int evtchn_alloc_unbound(struct domain *d, uint32_t remote, uint32_t *port)
{
	assert_ptr_equal(d, &building);
	assert_int_equal(remote, 0);
	*port = 9;
	return port_result;
}
/* REQUEST_SHUTDOWN: which VIRQs were raised, and whether the target bound it. */
static unsigned int shutdown_virqs;
static bool shutdown_virq_bound;
bool evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
	assert_int_equal(virq, KEEL_VIRQ_SHUTDOWN);
	assert_ptr_equal(v, &run_vcpu);
	shutdown_virqs += shutdown_virq_bound;
	return shutdown_virq_bound;
}
void grant_get_stats(struct grant_stats *out) { *out = (struct grant_stats){ .grants = 2, .maps = 1 }; }
int foreign_map_add(struct domain *m, struct domain *t, uint64_t l, uint64_t tg, uint64_t c)
{
	(void)m, (void)t, (void)l, (void)tg, (void)c;
	maps++;
	return 0;
}
int foreign_map_remove(struct domain *m, uint64_t l) { (void)m, (void)l; unmaps++; return 0; }
void sched_vcpu_pause(struct vcpu *v) { (void)v; }
void sched_kill(struct vcpu *v) { (void)v; }
int sched_set_affinity(struct vcpu *v, uint64_t mask) { (void)v; return mask ? 0 : -KEEL_EINVAL; }
int sched_set_params(struct domain *d, uint32_t w, uint32_t c) { (void)d, (void)c; return w ? 0 : -KEEL_EINVAL; }
struct vcpu *vcpu_create(struct domain *d, unsigned int id, const struct vcpu_boot_state *boot,
			 const struct vcpu_regs *regs, int *error)
{
	(void)boot, (void)regs, (void)error;
	vcpu_creates++;
	d->vcpus[id] = &domu_vcpu;
	return &domu_vcpu;
}
int vcpu_reset(struct vcpu *v, const struct vcpu_boot_state *b, const struct vcpu_regs *r) { (void)v, (void)b, (void)r; return 0; }
uint64_t vcpu_cpu_time_ns(const struct vcpu *v) { (void)v; return 5; }
/* lib/string.c would clash with the host's libc; this is all domctl needs of it. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
size_t log_read(size_t offset, char *buf, size_t size)
{
	static const char text[] = "hello log\n";
	size_t n = 0;
	while (n < size && offset + n < sizeof(text) - 1) {
		buf[n] = text[offset + n];
		n++;
	}
	return n;
}
void log_printf(enum log_level level, const char *fmt, ...) { (void)level, (void)fmt; }
unsigned int arch_cpus_online(void) { return 4; }
uint64_t arch_guest_cpus(void) { return 0xe; }   /* as under QEMU TCG: the boot CPU runs none */
uint64_t arch_tsc_khz(void) { return 2600000; }
uint64_t arch_time_ns(void) { return 123; }
/* One ECAM window mapped for dom0, as kernel/dom0_mmio.c would report it. */
unsigned int dom0_mmio_ecam(unsigned int index, struct platform_ecam *out)
{
	if (index == 0)
		*out = (struct platform_ecam){ .base = 0xb0000000, .segment = 0, .start_bus = 0, .end_bus = 0xff };
	return 1;
}
const struct virt_ops svm_ops, vmx_ops;
const struct virt_ops *virt = &svm_ops;

static int setup(void **state)
{
	(void)state;
	memset(&dom0_d, 0, sizeof(dom0_d));
	memset(&building, 0, sizeof(building));
	memset(&running, 0, sizeof(running));
	memset(&caller, 0, sizeof(caller));
	memset(&domu_vcpu, 0, sizeof(domu_vcpu));
	memset(&run_vcpu, 0, sizeof(run_vcpu));
	dom0_d.id = 0;
	dom0_d.privileged = true;
	dom0_d.state = DOMAIN_RUNNING;
	snprintf(dom0_d.name, sizeof(dom0_d.name), "dom0");
	building.id = 1;
	building.state = DOMAIN_BUILDING;
	building.nr_vcpus = 2;
	building.nr_pages = 256;
	running.id = 2;
	running.state = DOMAIN_RUNNING;
	running.started = true;
	running.nr_vcpus = 1;
	running.nr_pages = 256;
	running.vcpus[0] = &run_vcpu;
	run_vcpu.domain = &running;
	run_vcpu.up = true;
	run_vcpu.state = VCPU_BLOCKED;
	caller.domain = &dom0_d;
	dom0 = &dom0_d;
	guest_reads = guest_writes = 0;
	guest_read_only = false;
	creates = destroys = pauses = populates = vcpu_creates = maps = unmaps = shutdowns = 0;
	create_result = 0;
	memset(guest_buf, 0, sizeof(guest_buf));
	return 0;
}

static struct keel_domctl *op(void)
{
	return (struct keel_domctl *)guest_buf;
}

static int64_t domctl(uint32_t cmd, uint32_t domid)
{
	op()->cmd = cmd;
	op()->domid = domid;
	return hc_domctl(&caller, OP_GVA, 0, 0, 0, 0);
}

static void test_unprivileged_gets_eperm_before_reading(void **state)
{
	(void)state;
	caller.domain = &running;
	for (uint32_t cmd = 0; cmd < 14; cmd++) {
		assert_int_equal(domctl(cmd, 0), -KEEL_EPERM);
		assert_int_equal(hc_sysctl(&caller, OP_GVA, 0, 0, 0, 0), -KEEL_EPERM);
	}
	assert_int_equal(hc_domctl(&caller, 0xdead000, 0, 0, 0, 0), -KEEL_EPERM);
	assert_int_equal(hc_sysctl(&caller, ~0ull, 0, 0, 0, 0), -KEEL_EPERM);
	assert_int_equal(guest_reads, 0);
	assert_int_equal(guest_writes, 0);
	assert_int_equal(creates + destroys + pauses + populates, 0);
}

static void test_bad_pointers_and_commands(void **state)
{
	(void)state;
	assert_int_equal(hc_domctl(&caller, 0xdead000, 0, 0, 0, 0), -KEEL_EFAULT);
	assert_int_equal(hc_sysctl(&caller, 0xdead000, 0, 0, 0, 0), -KEEL_EFAULT);
	assert_int_equal(domctl(KEEL_DOMCTL_REQUEST_SHUTDOWN + 1, 1), -KEEL_ENOSYS);
	assert_int_equal(domctl(~0u, 1), -KEEL_ENOSYS);
	op()->cmd = 9;
	assert_int_equal(hc_sysctl(&caller, OP_GVA, 0, 0, 0, 0), -KEEL_ENOSYS);
}

static int64_t create(const char *name, uint64_t pages, uint32_t vcpus)
{
	memset(guest_buf, 0, sizeof(guest_buf));
	memcpy(op()->u.create.name, name, strnlen(name, KEEL_DOMAIN_NAME_MAX));
	op()->u.create.max_pages = pages;
	op()->u.create.nr_vcpus = vcpus;
	return domctl(KEEL_DOMCTL_CREATE, 0);
}

static void test_create_validation(void **state)
{
	(void)state;
	assert_int_equal(create("", 10, 1), -KEEL_EINVAL);
	assert_int_equal(create("has space", 10, 1), -KEEL_EINVAL);
	assert_int_equal(create("slash/no", 10, 1), -KEEL_EINVAL);
	assert_int_equal(create("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 10, 1), -KEEL_EINVAL);   /* no NUL in 32 */
	assert_int_equal(create("ok", 10, 0), -KEEL_EINVAL);
	assert_int_equal(create("ok", 10, 17), -KEEL_EINVAL);
	assert_int_equal(create("ok", 0, 1), -KEEL_EINVAL);
	assert_int_equal(create("ok", 1001, 1), -KEEL_ENOMEM);
	assert_int_equal(creates, 0);
	create_result = -KEEL_EEXIST;
	assert_int_equal(create("dup", 10, 1), -KEEL_EEXIST);
	create_result = 0;
	assert_int_equal(create("Good_name-1.x", 1000, 16), 0);
	assert_int_equal(op()->domid, building.id);
	/* An OUT buffer that cannot be written: nothing is created. */
	guest_read_only = true;
	creates = 0;
	assert_int_equal(create("ro", 10, 1), -KEEL_EFAULT);
	assert_int_equal(creates, 0);
}

static void test_targets(void **state)
{
	(void)state;
	static const uint32_t cmds[] = { KEEL_DOMCTL_DESTROY, KEEL_DOMCTL_PAUSE, KEEL_DOMCTL_UNPAUSE,
					 KEEL_DOMCTL_POPULATE, KEEL_DOMCTL_SET_VCPU_CONTEXT, KEEL_DOMCTL_SHUTDOWN,
					 KEEL_DOMCTL_MAP_FOREIGN, KEEL_DOMCTL_SET_AFFINITY, KEEL_DOMCTL_SET_SCHED,
					 KEEL_DOMCTL_SET_MAX_MEM };
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		memset(guest_buf, 0, sizeof(guest_buf));
		op()->u.map_foreign.count = 1;
		assert_int_equal(domctl(cmds[i], 77), -KEEL_ESRCH);
	}
	/* dom0 (also the caller itself) cannot be destroyed, paused, built or ended. */
	static const uint32_t refused[] = { KEEL_DOMCTL_DESTROY, KEEL_DOMCTL_PAUSE, KEEL_DOMCTL_UNPAUSE,
					    KEEL_DOMCTL_POPULATE, KEEL_DOMCTL_SET_VCPU_CONTEXT, KEEL_DOMCTL_SHUTDOWN };
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_int_equal(domctl(refused[i], 0), -KEEL_EPERM);
	assert_int_equal(destroys + pauses + populates + shutdowns, 0);
	memset(guest_buf, 0, sizeof(guest_buf));
	op()->u.sched.weight = 512;
	assert_int_equal(domctl(KEEL_DOMCTL_SET_SCHED, 0), 0);
	assert_int_equal(domctl(KEEL_DOMCTL_DESTROY, 2), 0);
	assert_int_equal(destroys, 1);
	assert_int_equal(running.state, DOMAIN_DYING);
}

static void test_vcpu_context(void **state)
{
	(void)state;
	struct keel_domctl_vcpu_context *c = &op()->u.vcpu_context;
	struct keel_vcpu_context good = { .rip = 0x100000, .rsp = 0x80000, .cr3 = 0x1000, .gdt_gpa = 0x2000 };
	struct {
		uint32_t vcpu;
		struct keel_vcpu_context ctx;
	} bad[] = {
		{ 2, good },                                                            /* vcpu >= nr_vcpus */
		{ 0, { .rip = 0x0000800000000000ull, .rsp = 0x80000, .cr3 = 0x1000, .gdt_gpa = 0x2000 } },
		{ 0, { .rip = 0x100000, .rsp = 0xffff7fffffffffffull, .cr3 = 0x1000, .gdt_gpa = 0x2000 } },
		{ 0, { .rip = 0x100000, .rsp = 0x80000, .cr3 = 0x1008, .gdt_gpa = 0x2000 } },
		{ 0, { .rip = 0x100000, .rsp = 0x80000, .cr3 = 256 * 4096, .gdt_gpa = 0x2000 } },   /* outside RAM */
		{ 0, { .rip = 0x100000, .rsp = 0x80000, .cr3 = 0x1000, .gdt_gpa = 0 } },          /* no GDT known */
		{ 0, { .rip = 0x100000, .rsp = 0x80000, .cr3 = 0x1000, .gdt_gpa = 256 * 4096 - 8 } },
		{ 0, { .rip = 0x100000, .rsp = 0x80000, .cr3 = 0x1000, .gdt_gpa = 0x2000, .reserved = { 0, 1, 0 } } },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(guest_buf, 0, sizeof(guest_buf));
		c->vcpu = bad[i].vcpu;
		c->ctx = bad[i].ctx;
		assert_int_equal(domctl(KEEL_DOMCTL_SET_VCPU_CONTEXT, 1), -KEEL_EINVAL);
	}
	assert_int_equal(vcpu_creates, 0);
	memset(guest_buf, 0, sizeof(guest_buf));
	c->ctx = good;
	assert_int_equal(domctl(KEEL_DOMCTL_SET_VCPU_CONTEXT, 2), -KEEL_EINVAL);   /* running: too late */
	assert_int_equal(domctl(KEEL_DOMCTL_SET_VCPU_CONTEXT, 1), 0);
	assert_int_equal(vcpu_creates, 1);
	assert_true(domu_vcpu.up);
	assert_int_equal(building.boot_gdt_gpa, 0x2000);
}

static void test_map_foreign_and_shutdown(void **state)
{
	(void)state;
	op()->u.map_foreign.count = 4;
	assert_int_equal(domctl(KEEL_DOMCTL_MAP_FOREIGN, 2), -KEEL_EINVAL);   /* running */
	assert_int_equal(domctl(KEEL_DOMCTL_MAP_FOREIGN, 0), -KEEL_EPERM);    /* dom0 itself */
	assert_int_equal(domctl(KEEL_DOMCTL_MAP_FOREIGN, 1), 0);
	assert_int_equal(maps, 1);
	op()->u.map_foreign.count = 0;
	assert_int_equal(domctl(KEEL_DOMCTL_MAP_FOREIGN, 77), 0);             /* unmap needs no target */
	assert_int_equal(unmaps, 1);

	memset(guest_buf, 0, sizeof(guest_buf));
	op()->u.shutdown_reason = 3;
	assert_int_equal(domctl(KEEL_DOMCTL_SHUTDOWN, 2), -KEEL_EINVAL);
	op()->u.shutdown_reason = KEEL_SHUTDOWN_REBOOT;
	assert_int_equal(domctl(KEEL_DOMCTL_SHUTDOWN, 2), 0);
	assert_int_equal(running.shutdown_reason, KEEL_SHUTDOWN_REBOOT);
	assert_int_equal(domctl(KEEL_DOMCTL_SHUTDOWN, 2), -KEEL_EINVAL);      /* already ended */
	assert_int_equal(shutdowns, 1);
}

static void test_request_shutdown(void **state)
{
	(void)state;
	memset(guest_buf, 0, sizeof(guest_buf));
	shutdown_virq_bound = false;
	assert_int_equal(domctl(KEEL_DOMCTL_REQUEST_SHUTDOWN, 2), -KEEL_ENOENT);   /* nobody listens */
	shutdown_virq_bound = true;
	assert_int_equal(domctl(KEEL_DOMCTL_REQUEST_SHUTDOWN, 2), 0);
	assert_int_equal(shutdown_virqs, 1);
	assert_int_equal(running.state, DOMAIN_RUNNING);                           /* only asked */
	assert_int_equal(domctl(KEEL_DOMCTL_REQUEST_SHUTDOWN, 1), -KEEL_EINVAL);   /* still building */
	assert_int_equal(domctl(KEEL_DOMCTL_REQUEST_SHUTDOWN, 0), -KEEL_EPERM);    /* dom0 itself */
	assert_int_equal(domctl(KEEL_DOMCTL_REQUEST_SHUTDOWN, 9), -KEEL_ESRCH);
	running.state = DOMAIN_CRASHED;
	assert_int_equal(domctl(KEEL_DOMCTL_REQUEST_SHUTDOWN, 2), -KEEL_EINVAL);   /* already ended */
	assert_int_equal(shutdown_virqs, 1);
}

static void test_getinfo(void **state)
{
	(void)state;
	assert_int_equal(domctl(KEEL_DOMCTL_GETINFO, 2), 0);
	assert_int_equal(op()->domid, 2);
	assert_int_equal(op()->u.info.state, KEEL_DOMSTATE_BLOCKED);   /* its only vCPU up is blocked */
	run_vcpu.state = VCPU_RUNNING;
	assert_int_equal(domctl(KEEL_DOMCTL_GETINFO, 2), 0);
	assert_int_equal(op()->u.info.state, KEEL_DOMSTATE_RUNNING);
	assert_int_equal(op()->u.info.cpu_time_ns, 5);
	assert_int_equal(domctl(KEEL_DOMCTL_GETINFO, 1), 0);
	assert_int_equal(op()->u.info.state, KEEL_DOMSTATE_BUILDING);
	assert_int_equal(domctl(KEEL_DOMCTL_GETINFO, 0), 0);
	assert_string_equal(op()->u.info.name, "dom0");
	assert_int_equal(domctl(KEEL_DOMCTL_GETINFO, 3), -KEEL_ESRCH);
}

static void test_sysctl(void **state)
{
	(void)state;
	struct keel_sysctl *s = (struct keel_sysctl *)guest_buf;
	s->cmd = KEEL_SYSCTL_PHYSINFO;
	assert_int_equal(hc_sysctl(&caller, OP_GVA, 0, 0, 0, 0), 0);
	assert_int_equal(s->u.physinfo.cpus_online, 4);
	assert_int_equal(s->u.physinfo.guest_cpus, 3);   /* counted from arch_guest_cpus() */
	assert_int_equal(s->u.physinfo.virt, 2);
	assert_int_equal(s->u.physinfo.free_pages, 1000);
	assert_int_equal(s->u.physinfo.domains, 3);
	assert_int_equal(s->u.physinfo.evtchn_ports, 7);
	assert_int_equal(s->u.physinfo.grants, 3);   /* entries plus mappings */

	memset(guest_buf, 0, sizeof(guest_buf));
	s->cmd = KEEL_SYSCTL_VCPU_INFO;
	s->u.vcpu_info.domid = 2;
	s->u.vcpu_info.vcpu = 1;
	assert_int_equal(hc_sysctl(&caller, OP_GVA, 0, 0, 0, 0), -KEEL_ESRCH);
	s->u.vcpu_info.domid = 9;
	s->u.vcpu_info.vcpu = 0;
	assert_int_equal(hc_sysctl(&caller, OP_GVA, 0, 0, 0, 0), -KEEL_ESRCH);
	s->u.vcpu_info.domid = 2;
	assert_int_equal(hc_sysctl(&caller, OP_GVA, 0, 0, 0, 0), 0);
	assert_int_equal(s->u.vcpu_info.state, 3);   /* blocked */

	/* READ_LOG into the same buffer, past the struct: a GVA this double does not know faults. */
	memset(guest_buf, 0, sizeof(guest_buf));
	s->cmd = KEEL_SYSCTL_READ_LOG;
	s->u.read_log.buf = 0xdead000;
	s->u.read_log.size = 4;
	assert_int_equal(hc_sysctl(&caller, OP_GVA, 0, 0, 0, 0), -KEEL_EFAULT);
	s->u.read_log.size = 1ull << 40;
	assert_int_equal(hc_sysctl(&caller, OP_GVA, 0, 0, 0, 0), -KEEL_EINVAL);

	memset(guest_buf, 0, sizeof(guest_buf));
	s->cmd = KEEL_SYSCTL_PCI_ECAM;
	assert_int_equal(hc_sysctl(&caller, OP_GVA, 0, 0, 0, 0), 0);
	assert_int_equal(s->u.pci_ecam.count, 1);
	assert_int_equal(s->u.pci_ecam.base, 0xb0000000);
	assert_int_equal(s->u.pci_ecam.end_bus, 0xff);
	s->u.pci_ecam.index = 1;
	assert_int_equal(hc_sysctl(&caller, OP_GVA, 0, 0, 0, 0), -KEEL_ENOENT);
}

static void test_device_channel(void **state)
{
	(void)state;
	grants_made = grants_ended = 0;
	port_result = 0;
	op()->u.device_channel.gpa = 255 * 4096;
	assert_int_equal(domctl(KEEL_DOMCTL_DEVICE_CHANNEL, 1), 0);
	assert_int_equal(granted_gpa, 255 * 4096);
	assert_int_equal(op()->u.device_channel.ref, 40);
	assert_int_equal(op()->u.device_channel.port, 9);
	op()->u.device_channel.gpa = 256 * 4096;   /* past its RAM */
	assert_int_equal(domctl(KEEL_DOMCTL_DEVICE_CHANNEL, 1), -KEEL_EINVAL);
	op()->u.device_channel.gpa = 0;
	assert_int_equal(domctl(KEEL_DOMCTL_DEVICE_CHANNEL, 2), -KEEL_EINVAL);   /* running */
	assert_int_equal(domctl(KEEL_DOMCTL_DEVICE_CHANNEL, 0), -KEEL_EPERM);    /* dom0 itself */
	assert_int_equal(domctl(KEEL_DOMCTL_DEVICE_CHANNEL, 7), -KEEL_ESRCH);
	assert_int_equal(grants_made, 1);
	/* No port left: the grant is taken back, nothing half-made stays. */
	port_result = -KEEL_ENOSPC;
	assert_int_equal(domctl(KEEL_DOMCTL_DEVICE_CHANNEL, 1), -KEEL_ENOSPC);
	assert_int_equal(grants_made, 2);
	assert_int_equal(grants_ended, 1);
	/* OUT fields that cannot be written: refused before anything is made. */
	guest_read_only = true;
	assert_int_equal(domctl(KEEL_DOMCTL_DEVICE_CHANNEL, 1), -KEEL_EFAULT);
	assert_int_equal(grants_made, 2);
}

static void test_console_read(void **state)
{
	(void)state;
	struct keel_sysctl *s = (struct keel_sysctl *)guest_buf;
	/* A buffer the caller cannot provide faults; one this double knows is OP_GVA itself, so
	 * the text lands over the struct and only the OUT fields written back are checked. */
	console_capture_put(&running.console_capture, "abcdefgh", 8);
	s->cmd = KEEL_SYSCTL_CONSOLE_READ;
	s->u.console_read = (struct keel_sysctl_console_read){ .domid = 2, .buf = 0xdead000, .pos = 0, .size = 4 };
	assert_int_equal(hc_sysctl(&caller, OP_GVA, 0, 0, 0, 0), -KEEL_EFAULT);
	s->cmd = KEEL_SYSCTL_CONSOLE_READ;
	s->u.console_read = (struct keel_sysctl_console_read){ .domid = 2, .buf = 0xdead000, .pos = 8, .size = 4 };
	assert_int_equal(hc_sysctl(&caller, OP_GVA, 0, 0, 0, 0), 0);   /* nothing new: nothing copied */
	assert_int_equal(s->u.console_read.pos, 8);
	assert_int_equal(s->u.console_read.size, 0);
	s->u.console_read = (struct keel_sysctl_console_read){ .domid = 2, .buf = 0xdead000, .pos = 50, .size = 1ull << 40 };
	assert_int_equal(hc_sysctl(&caller, OP_GVA, 0, 0, 0, 0), 0);   /* the future is the end */
	assert_int_equal(s->u.console_read.pos, 8);
	assert_int_equal(s->u.console_read.size, 0);
	s->u.console_read = (struct keel_sysctl_console_read){ .domid = 9, .buf = OP_GVA, .size = 4 };
	assert_int_equal(hc_sysctl(&caller, OP_GVA, 0, 0, 0, 0), -KEEL_ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_unprivileged_gets_eperm_before_reading, setup),
		cmocka_unit_test_setup(test_bad_pointers_and_commands, setup),
		cmocka_unit_test_setup(test_create_validation, setup),
		cmocka_unit_test_setup(test_targets, setup),
		cmocka_unit_test_setup(test_vcpu_context, setup),
		cmocka_unit_test_setup(test_map_foreign_and_shutdown, setup),
		cmocka_unit_test_setup(test_request_shutdown, setup),
		cmocka_unit_test_setup(test_getinfo, setup),
		cmocka_unit_test_setup(test_sysctl, setup),
		cmocka_unit_test_setup(test_device_channel, setup),
		cmocka_unit_test_setup(test_console_read, setup),
	};
	return cmocka_run_group_tests_name("domctl", tests, NULL, NULL);
}
