/* hc_grant.c: the grant_table_op hypercall: guest arguments in and out, the work in grant.c. */
#include "hc_grant.h"

#include <stddef.h>

#include "domain.h"
#include "grant.h"
#include "guest_access.h"
#include "keel/abi.h"
#include "keel/grant_table.h"
#include "vcpu.h"

/* COPY entries read per step: bounded stack use whatever the batch size. */
#define COPY_CHUNK 8

static int64_t op_grant(struct vcpu *v, uint64_t arg)
{
	struct keel_gnttab_grant g;
	if (copy_from_guest(v, &g, arg, sizeof(g)))
		return -KEEL_EFAULT;
	int rc = grant_create(v->domain, g.gpa, g.grantee, g.flags, &g.ref);
	if (rc)
		return rc;
	if (copy_to_guest(v, arg, &g, sizeof(g))) {
		/* The caller cannot learn the ref: take it back (nobody can have mapped it unless they guessed). */
		grant_end(v->domain, g.ref);
		return -KEEL_EFAULT;
	}
	return 0;
}

static int64_t op_end(struct vcpu *v, uint64_t arg)
{
	struct keel_gnttab_end e;
	if (copy_from_guest(v, &e, arg, sizeof(e)))
		return -KEEL_EFAULT;
	return grant_end(v->domain, e.ref);
}

static int64_t op_map(struct vcpu *v, uint64_t arg)
{
	struct keel_gnttab_map m;
	if (copy_from_guest(v, &m, arg, sizeof(m)))
		return -KEEL_EFAULT;
	int rc = grant_map(v->domain, m.granter, m.ref, m.host_gpa, m.flags, &m.handle);
	if (rc)
		return rc;
	if (copy_to_guest(v, arg, &m, sizeof(m))) {
		grant_unmap(v->domain, m.handle);   /* a mapping the caller cannot name would leak */
		return -KEEL_EFAULT;
	}
	return 0;
}

static int64_t op_unmap(struct vcpu *v, uint64_t arg)
{
	struct keel_gnttab_unmap u;
	if (copy_from_guest(v, &u, arg, sizeof(u)))
		return -KEEL_EFAULT;
	return grant_unmap(v->domain, u.handle);
}

static struct grant_copy_side side_of(const struct keel_gnttab_copy_ptr *p)
{
	return (struct grant_copy_side){ .domid = p->domid, .ref = p->ref, .gpa = p->gpa, .offset = p->offset };
}

/*
 * G7. The whole batch is checked readable and writable before any copy, so a bad 'arg'
 * fails with nothing done. Only a vCPU of the caller changing its own mappings during the
 * call can make the status write-back fail afterwards; that is -KEEL_EFAULT too.
 */
static int64_t op_copy(struct vcpu *v, uint64_t arg, uint64_t count)
{
	struct keel_gnttab_copy ops[COPY_CHUNK];
	if (count > KEEL_GRANT_COPY_MAX)
		return -KEEL_E2BIG;
	uint64_t bytes = count * sizeof(ops[0]);
	for (uint64_t done = 0; done < bytes; done += sizeof(ops)) {
		uint64_t n = bytes - done < sizeof(ops) ? bytes - done : sizeof(ops);
		if (copy_from_guest(v, ops, arg + done, n) || copy_to_guest(v, arg + done, ops, n))
			return -KEEL_EFAULT;
	}
	for (uint64_t first = 0; first < count; first += COPY_CHUNK) {
		uint64_t n = count - first < COPY_CHUNK ? count - first : COPY_CHUNK;
		uint64_t at = arg + first * sizeof(ops[0]);
		if (copy_from_guest(v, ops, at, n * sizeof(ops[0])))
			return -KEEL_EFAULT;
		for (uint64_t i = 0; i < n; i++) {
			struct grant_copy_side src = side_of(&ops[i].src), dst = side_of(&ops[i].dst);
			int32_t status = grant_copy(v->domain, &src, &dst, ops[i].len);
			/* Only the OUT field: a copy may have landed in the batch itself. */
			if (copy_to_guest(v, at + i * sizeof(ops[0]) + offsetof(struct keel_gnttab_copy, status),
					  &status, sizeof(status)))
				return -KEEL_EFAULT;
		}
	}
	return 0;
}

int64_t hc_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t count, uint64_t a4, uint64_t a5)
{
	(void)a4, (void)a5;
	switch (cmd) {
	case KEEL_GNTTABOP_GRANT:
		return op_grant(v, arg);
	case KEEL_GNTTABOP_END:
		return op_end(v, arg);
	case KEEL_GNTTABOP_MAP:
		return op_map(v, arg);
	case KEEL_GNTTABOP_UNMAP:
		return op_unmap(v, arg);
	case KEEL_GNTTABOP_COPY:
		return op_copy(v, arg, count);
	default:
		return -KEEL_ENOSYS;
	}
}
