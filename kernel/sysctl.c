/* sysctl.c: the sysctl hypercall: the hypervisor log, the machine's resources, one vCPU's state, a domain's console_io history, and the ECAM windows. */
#include "sysctl.h"

#include <stdbool.h>

#include "arch.h"
#include "dom0_mmio.h"
#include "domain.h"
#include "evtchn.h"
#include "grant.h"
#include "domctl.h"
#include "frame.h"
#include "guest_access.h"
#include "keel/abi.h"
#include "keel/sysctl.h"
#include "log.h"
#include "string.h"
#include "vcpu.h"
#include "virt.h"

#define LOG_CHUNK 256   /* bytes per copy: bounded stack use whatever size the caller asks */

static int read_log(struct vcpu *v, struct keel_sysctl_read_log *r)
{
	char chunk[LOG_CHUNK];
	uint64_t done = 0;
	if (r->offset > (1ull << 32) || r->size > (1ull << 32))
		return -KEEL_EINVAL;   /* far beyond any ring: a caller's arithmetic went wrong */
	while (done < r->size) {
		uint64_t want = r->size - done < LOG_CHUNK ? r->size - done : LOG_CHUNK;
		size_t n = log_read((size_t)(r->offset + done), chunk, (size_t)want);
		if (n == 0)
			break;
		if (copy_to_guest(v, r->buf + done, chunk, n))
			return -KEEL_EFAULT;
		done += n;
	}
	r->size = done;
	return 0;
}

/*
 * A chunk at a time: copied out of the ring under the domain's lock (console_io appends
 * under it), then to dom0 with no lock held. domctl_lock keeps the domain alive throughout.
 */
static int console_read(struct vcpu *v, struct keel_sysctl_console_read *r)
{
	char chunk[LOG_CHUNK];
	if (r->size > KEEL_CONSOLE_CAPTURE)
		r->size = KEEL_CONSOLE_CAPTURE;   /* never more than the ring holds */
	domctl_lock();
	struct domain *d = domain_find(r->domid);
	if (!d) {
		domctl_unlock();
		return -KEEL_ESRCH;
	}
	uint64_t first = r->pos, done = 0;
	int rc = 0;
	while (done < r->size) {
		uint64_t pos = first + done;
		size_t want = r->size - done < LOG_CHUNK ? (size_t)(r->size - done) : LOG_CHUNK;
		spin_lock(&d->lock);
		size_t n = console_capture_read(&d->console_capture, &pos, chunk, want);
		spin_unlock(&d->lock);
		if (done == 0)
			first = pos;   /* where the copy really starts (the oldest kept byte, or the end) */
		else if (pos != first + done)
			break;         /* the domain wrote so much meanwhile that the rest fell out: stop here */
		if (n == 0)
			break;
		if (copy_to_guest(v, r->buf + done, chunk, n)) {
			rc = -KEEL_EFAULT;
			break;
		}
		done += n;
	}
	domctl_unlock();
	r->pos = first;
	r->size = done;
	return rc;
}

static void physinfo(struct keel_sysctl_physinfo *p)
{
	memset(p, 0, sizeof(*p));
	p->cpus_online = arch_cpus_online();
	for (uint64_t m = arch_guest_cpus(); m; m &= m - 1)
		p->guest_cpus++;
	p->virt = virt == &vmx_ops ? 1 : virt == &svm_ops ? 2 : 0;
	p->total_pages = frame_total_count();
	p->free_pages = frame_free_count();
	p->tsc_khz = arch_tsc_khz();
	p->uptime_ns = arch_time_ns();
	p->domains = domain_count_live();
	struct grant_stats gs;
	grant_get_stats(&gs);
	p->evtchn_ports = evtchn_ports_allocated();
	p->grants = (uint32_t)(gs.grants + gs.maps);   /* entries and mappings: both must return to zero */
}

static int pci_ecam(struct keel_sysctl_pci_ecam *w)
{
	struct platform_ecam e;
	unsigned int count = dom0_mmio_ecam(w->index, &e);
	if (w->index >= count)
		return -KEEL_ENOENT;
	w->count = count;
	w->base = e.base;
	w->segment = e.segment;
	w->start_bus = e.start_bus;
	w->end_bus = e.end_bus;
	w->pad = 0;
	return 0;
}

static int vcpu_info(struct keel_sysctl_vcpu_info *info)
{
	domctl_lock();   /* keeps the domain from being destroyed while it is read */
	struct domain *d = domain_find(info->domid);
	struct vcpu *v = d && info->vcpu < d->nr_vcpus ? d->vcpus[info->vcpu] : NULL;
	if (!v) {
		domctl_unlock();
		return -KEEL_ESRCH;
	}
	static const uint32_t states[] = {
		[VCPU_DOWN] = 0, [VCPU_RUNNABLE] = 1, [VCPU_RUNNING] = 2, [VCPU_BLOCKED] = 3, [VCPU_DEAD] = 0,
	};
	enum vcpu_state state = __atomic_load_n(&v->state, __ATOMIC_RELAXED);
	info->state = v->up && (unsigned int)state < sizeof(states) / sizeof(states[0]) ? states[state] : 0;
	info->cpu = __atomic_load_n(&v->sched.last_cpu, __ATOMIC_RELAXED);
	info->cpu_time_ns = vcpu_cpu_time_ns(v);
	info->affinity = v->sched.affinity;
	domctl_unlock();
	return 0;
}

int64_t hc_sysctl(struct vcpu *v, uint64_t op_gva, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)a2, (void)a3, (void)a4, (void)a5;
	if (!v->domain->privileged)
		return -KEEL_EPERM;   /* before reading anything */

	struct keel_sysctl op;
	if (copy_from_guest(v, &op, op_gva, sizeof(op)))
		return -KEEL_EFAULT;
	int rc;
	switch (op.cmd) {
	case KEEL_SYSCTL_READ_LOG:
		rc = read_log(v, &op.u.read_log);
		break;
	case KEEL_SYSCTL_PHYSINFO:
		physinfo(&op.u.physinfo);
		rc = 0;
		break;
	case KEEL_SYSCTL_VCPU_INFO:
		rc = vcpu_info(&op.u.vcpu_info);
		break;
	case KEEL_SYSCTL_CONSOLE_READ:
		rc = console_read(v, &op.u.console_read);
		break;
	case KEEL_SYSCTL_PCI_ECAM:
		rc = pci_ecam(&op.u.pci_ecam);
		break;
	default:
		return -KEEL_ENOSYS;
	}
	if (rc == 0 && copy_to_guest(v, op_gva, &op, sizeof(op)))
		rc = -KEEL_EFAULT;
	return rc;
}
