/* control.c: one-line wrappers around domctl and sysctl commands. */
#include "control.h"

#include "string.h"

long domctl_create(const char *name, uint64_t max_pages, uint32_t nr_vcpus, uint32_t *domid)
{
	struct keel_domctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_DOMCTL_CREATE;
	strlcpy(op.u.create.name, name, sizeof(op.u.create.name));
	op.u.create.max_pages = max_pages;
	op.u.create.nr_vcpus = nr_vcpus;
	long rc = keel_domctl(&op);
	if (rc == 0 && domid)
		*domid = op.domid;
	return rc;
}

long domctl_simple(uint32_t cmd, uint32_t domid)
{
	struct keel_domctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.domid = domid;
	return keel_domctl(&op);
}

long domctl_populate(uint32_t domid, uint64_t nr_pages)
{
	struct keel_domctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_DOMCTL_POPULATE;
	op.domid = domid;
	op.u.populate.nr_pages = nr_pages;
	return keel_domctl(&op);
}

long domctl_getinfo(uint32_t domid, struct keel_domctl_info *info)
{
	struct keel_domctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_DOMCTL_GETINFO;
	op.domid = domid;
	long rc = keel_domctl(&op);
	if (rc == 0 && op.domid != domid)
		rc = -KEEL_ESRCH;   /* GETINFO returns the next domain up: this one is gone */
	if (rc == 0)
		*info = op.u.info;
	return rc;
}

long domctl_getinfo_next(uint32_t from, uint32_t *domid, struct keel_domctl_info *info)
{
	struct keel_domctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_DOMCTL_GETINFO;
	op.domid = from;
	long rc = keel_domctl(&op);
	if (rc == 0 && op.domid < from)
		rc = -KEEL_EINVAL;   /* never goes backwards: a caller's walk must end */
	if (rc == 0) {
		*domid = op.domid;
		*info = op.u.info;
	}
	return rc;
}

long domctl_map_foreign(uint32_t domid, uint64_t target_gpa, uint64_t local_gpa, uint64_t count)
{
	struct keel_domctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_DOMCTL_MAP_FOREIGN;
	op.domid = domid;
	op.u.map_foreign.target_gpa = target_gpa;
	op.u.map_foreign.local_gpa = local_gpa;
	op.u.map_foreign.count = count;
	return keel_domctl(&op);
}

long domctl_set_vcpu_context(uint32_t domid, uint32_t vcpu, const struct keel_vcpu_context *ctx)
{
	struct keel_domctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_DOMCTL_SET_VCPU_CONTEXT;
	op.domid = domid;
	op.u.vcpu_context.vcpu = vcpu;
	op.u.vcpu_context.ctx = *ctx;
	return keel_domctl(&op);
}

long domctl_set_affinity(uint32_t domid, uint32_t vcpu, uint64_t cpumask)
{
	struct keel_domctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_DOMCTL_SET_AFFINITY;
	op.domid = domid;
	op.u.affinity.vcpu = vcpu;
	op.u.affinity.cpumask = cpumask;
	return keel_domctl(&op);
}

long domctl_set_sched(uint32_t domid, uint32_t weight, uint32_t cap)
{
	struct keel_domctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_DOMCTL_SET_SCHED;
	op.domid = domid;
	op.u.sched.weight = weight;
	op.u.sched.cap = cap;
	return keel_domctl(&op);
}

long domctl_shutdown(uint32_t domid, uint32_t reason)
{
	struct keel_domctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_DOMCTL_SHUTDOWN;
	op.domid = domid;
	op.u.shutdown_reason = reason;
	return keel_domctl(&op);
}

long sysctl_physinfo(struct keel_sysctl_physinfo *info)
{
	struct keel_sysctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_SYSCTL_PHYSINFO;
	long rc = keel_sysctl(&op);
	if (rc == 0)
		*info = op.u.physinfo;
	return rc;
}

long sysctl_read_log(uint64_t offset, void *buf, uint64_t *size)
{
	struct keel_sysctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_SYSCTL_READ_LOG;
	op.u.read_log.buf = (uintptr_t)buf;
	op.u.read_log.offset = offset;
	op.u.read_log.size = *size;
	long rc = keel_sysctl(&op);
	*size = rc == 0 ? op.u.read_log.size : 0;
	return rc;
}

long sysctl_vcpu_info(uint32_t domid, uint32_t vcpu, struct keel_sysctl_vcpu_info *info)
{
	struct keel_sysctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_SYSCTL_VCPU_INFO;
	op.u.vcpu_info.domid = domid;
	op.u.vcpu_info.vcpu = vcpu;
	long rc = keel_sysctl(&op);
	if (rc == 0)
		*info = op.u.vcpu_info;
	return rc;
}
