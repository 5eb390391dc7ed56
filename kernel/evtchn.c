/* evtchn.c: event channels: the port state machine, interdomain connections and 2-level delivery. */
#include "evtchn.h"

#include "domain.h"
#include "heap.h"
#include "keel/abi.h"
#include "pirq.h"
#include "sched.h"
#include "vcpu.h"
#include "virt.h"

/* evtchn.h states the lock order and why a connected peer cannot vanish under our lock. */

static uint32_t ports_total;

uint32_t evtchn_ports_allocated(void)
{
	return __atomic_load_n(&ports_total, __ATOMIC_RELAXED);
}

static uint32_t domid_of(const struct domain *d, uint32_t domid)
{
	return domid == KEEL_DOMID_SELF ? d->id : domid;
}

/* The port's entry if its bucket exists (any state), else NULL. */
static struct evtchn_port *port_entry(struct domain *d, uint32_t port)
{
	if (port >= KEEL_EVTCHN_PORTS)
		return NULL;
	struct evtchn_port *bucket = d->evtchn.buckets[port / EVTCHN_PORTS_PER_BUCKET];
	return bucket ? &bucket[port % EVTCHN_PORTS_PER_BUCKET] : NULL;
}

/* The allocated port's entry (caller holds the lock), or NULL with *err set as event_channel.h says. */
static struct evtchn_port *port_in_use(struct domain *d, uint32_t port, int *err)
{
	if (port >= KEEL_EVTCHN_PORTS) {
		*err = -KEEL_EINVAL;
		return NULL;
	}
	struct evtchn_port *p = port_entry(d, port);
	if (!p || p->state == EVTCHN_FREE || p->state == EVTCHN_RESERVED || d->evtchn.dead) {
		*err = -KEEL_EBADF;
		return NULL;
	}
	return p;
}

static void pending_clear(struct domain *d, uint32_t port)
{
	if (d->shared_info)
		__atomic_fetch_and(&d->shared_info->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
}

/* The lowest free port, allocating a bucket when all existing ones are full. Caller holds the lock. */
static int port_alloc(struct domain *d, uint32_t *out)
{
	struct evtchn_domain *t = &d->evtchn;
	if (t->dead)
		return -KEEL_ESRCH;
	for (unsigned int b = 0; b < EVTCHN_BUCKETS; b++) {
		if (!t->buckets[b]) {
			struct evtchn_port *bucket = kcalloc(EVTCHN_PORTS_PER_BUCKET, sizeof(*bucket));
			if (!bucket)
				return -KEEL_ENOMEM;
			if (b == 0)
				bucket[0].state = EVTCHN_RESERVED;   /* port 0 is never allocated */
			t->buckets[b] = bucket;
		}
		for (unsigned int i = 0; i < EVTCHN_PORTS_PER_BUCKET; i++) {
			struct evtchn_port *p = &t->buckets[b][i];
			if (p->state != EVTCHN_FREE)
				continue;
			uint32_t port = b * EVTCHN_PORTS_PER_BUCKET + i;
			*p = (struct evtchn_port){ .state = EVTCHN_UNBOUND };
			/* A new port starts unmasked and not pending, whatever the guest left in the bitmaps. */
			if (d->shared_info) {
				uint64_t bit = 1ull << (port % 64);
				__atomic_fetch_and(&d->shared_info->evtchn_mask[port / 64], ~bit, __ATOMIC_SEQ_CST);
				__atomic_fetch_and(&d->shared_info->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST);
			}
			t->ports_in_use++;
			__atomic_fetch_add(&ports_total, 1, __ATOMIC_RELAXED);
			*out = port;
			return 0;
		}
	}
	return -KEEL_ENOSPC;
}

/* Returns a port to the free state and clears its pending bit. Caller holds the lock. */
static void port_free(struct domain *d, uint32_t port, struct evtchn_port *p)
{
	if (p->state == EVTCHN_VIRQ && d->evtchn.virq_port[p->vcpu][p->virq] == port)
		d->evtchn.virq_port[p->vcpu][p->virq] = 0;
	*p = (struct evtchn_port){ .state = EVTCHN_FREE };
	pending_clear(d, port);
	d->evtchn.ports_in_use--;
	__atomic_fetch_sub(&ports_total, 1, __ATOMIC_RELAXED);
}

/*
 * Steps 1-3 of shared_info.h for port 'port' of d, bound to vCPU 'vcpu'. The caller holds
 * a lock that keeps d alive (its own, or a connected peer's). Sequentially consistent
 * atomics are the full barriers R2 asks for: the bits are visible before the wake-up.
 */
static void deliver(struct domain *d, uint32_t port, unsigned int vcpu)
{
	struct keel_shared_info *si = d->shared_info;
	if (!si || vcpu >= KEEL_MAX_VCPUS)
		return;
	unsigned int word = port / 64;
	uint64_t bit = 1ull << (port % 64);
	if (__atomic_fetch_or(&si->evtchn_pending[word], bit, __ATOMIC_SEQ_CST) & bit)
		return;
	if (__atomic_load_n(&si->evtchn_mask[word], __ATOMIC_SEQ_CST) & bit)
		return;
	struct keel_vcpu_info *vi = &si->vcpu_info[vcpu];
	__atomic_fetch_or(&vi->evtchn_pending_sel, 1ull << word, __ATOMIC_SEQ_CST);
	__atomic_store_n(&vi->upcall_pending, 1, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	struct vcpu *v = vcpu < d->nr_vcpus ? d->vcpus[vcpu] : NULL;
	if (v)
		sched_kick(v);
}

/*
 * Locks d and, if 'port' is connected to another domain, that domain too; the lower id
 * is locked first, or the other one is only tried (and everything retried) so that two
 * CPUs closing both ends at once cannot deadlock. Returns the locked peer or NULL.
 */
static struct domain *lock_with_peer(struct domain *d, uint32_t port)
{
	for (;;) {
		spin_lock(&d->evtchn.lock);
		struct evtchn_port *p = port_entry(d, port);
		if (!p || p->state != EVTCHN_INTERDOMAIN || p->remote == d)
			return NULL;
		struct domain *r = p->remote;
		if (r->id > d->id) {
			spin_lock(&r->evtchn.lock);
			return r;
		}
		if (spin_trylock(&r->evtchn.lock))
			return r;
		spin_unlock(&d->evtchn.lock);
		__builtin_ia32_pause();
	}
}

static void unlock_with_peer(struct domain *d, struct domain *peer)
{
	if (peer)
		spin_unlock(&peer->evtchn.lock);
	spin_unlock(&d->evtchn.lock);
}

/* Both domains' locks in id order (or the one lock when they are the same domain). */
static void lock_pair(struct domain *a, struct domain *b)
{
	if (a == b) {
		spin_lock(&a->evtchn.lock);
		return;
	}
	struct domain *first = a->id < b->id ? a : b;
	spin_lock(&first->evtchn.lock);
	spin_lock(&(first == a ? b : a)->evtchn.lock);
}

static void unlock_pair(struct domain *a, struct domain *b)
{
	if (a != b)
		spin_unlock(&b->evtchn.lock);
	spin_unlock(&a->evtchn.lock);
}

int evtchn_alloc_unbound(struct domain *d, uint32_t remote_dom, uint32_t *port)
{
	uint32_t remote = domid_of(d, remote_dom);
	if (remote != d->id) {
		/* Only checks that it exists now: if it dies, the port simply never connects. */
		struct domain *r = domain_lookup_locked(remote);
		if (!r)
			return -KEEL_ESRCH;
		domain_list_unlock();
	}
	if (remote > UINT16_MAX)
		return -KEEL_ESRCH;
	spin_lock(&d->evtchn.lock);
	int rc = port_alloc(d, port);
	if (rc == 0)
		port_entry(d, *port)->remote_domid = (uint16_t)remote;
	spin_unlock(&d->evtchn.lock);
	return rc;
}

/* Connects a new port of d to r's unbound port; both locks held. */
static int connect(struct domain *d, struct domain *r, uint32_t remote_port, uint32_t *local_port)
{
	if (remote_port >= KEEL_EVTCHN_PORTS)
		return -KEEL_EINVAL;
	if (r->evtchn.dead)
		return -KEEL_ESRCH;
	struct evtchn_port *rp = port_entry(r, remote_port);
	if (!rp || rp->state != EVTCHN_UNBOUND || rp->remote_domid != d->id)
		return -KEEL_EBADF;
	int rc = port_alloc(d, local_port);
	if (rc)
		return rc;
	/* port_alloc may have added a bucket to r itself (r == d): look the remote entry up again. */
	rp = port_entry(r, remote_port);
	struct evtchn_port *lp = port_entry(d, *local_port);
	lp->state = EVTCHN_INTERDOMAIN;
	lp->remote = r;
	lp->remote_port = (uint16_t)remote_port;
	rp->state = EVTCHN_INTERDOMAIN;
	rp->remote = d;
	rp->remote_port = (uint16_t)*local_port;
	return 0;
}

int evtchn_bind_interdomain(struct domain *d, uint32_t remote_dom, uint32_t remote_port, uint32_t *local_port)
{
	uint32_t remote = domid_of(d, remote_dom);
	if (remote_port >= KEEL_EVTCHN_PORTS)
		return -KEEL_EINVAL;
	if (remote == d->id) {
		spin_lock(&d->evtchn.lock);
		int rc = connect(d, d, remote_port, local_port);
		spin_unlock(&d->evtchn.lock);
		return rc;
	}
	/* The domain list lock keeps r from starting its teardown until we hold its port lock. */
	struct domain *r = domain_lookup_locked(remote);
	if (!r)
		return -KEEL_ESRCH;
	lock_pair(d, r);
	domain_list_unlock();
	int rc = connect(d, r, remote_port, local_port);
	unlock_pair(d, r);
	return rc;
}

int evtchn_bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu, uint32_t *port)
{
	if (virq >= KEEL_VIRQ_COUNT || vcpu >= d->nr_vcpus)
		return -KEEL_EINVAL;
	if ((virq == KEEL_VIRQ_DOM_EXC || virq == KEEL_VIRQ_CONSOLE) && !d->privileged)
		return -KEEL_EPERM;
	spin_lock(&d->evtchn.lock);
	int rc = -KEEL_EEXIST;
	if (!d->evtchn.virq_port[vcpu][virq])
		rc = port_alloc(d, port);
	if (rc == 0) {
		struct evtchn_port *p = port_entry(d, *port);
		p->state = EVTCHN_VIRQ;
		p->vcpu = (uint8_t)vcpu;
		p->virq = (uint8_t)virq;
		d->evtchn.virq_port[vcpu][virq] = (uint16_t)*port;
	}
	spin_unlock(&d->evtchn.lock);
	return rc;
}

int evtchn_bind_ipi(struct domain *d, uint32_t vcpu, uint32_t *port)
{
	if (vcpu >= d->nr_vcpus)
		return -KEEL_EINVAL;
	spin_lock(&d->evtchn.lock);
	int rc = port_alloc(d, port);
	if (rc == 0) {
		struct evtchn_port *p = port_entry(d, *port);
		p->state = EVTCHN_IPI;
		p->vcpu = (uint8_t)vcpu;
	}
	spin_unlock(&d->evtchn.lock);
	return rc;
}

int evtchn_close(struct domain *d, uint32_t port)
{
	int rc = 0;
	struct domain *peer = lock_with_peer(d, port);
	struct evtchn_port *p = port_in_use(d, port, &rc);
	if (p && p->state == EVTCHN_INTERDOMAIN) {
		/* The other end waits for us again, so the peer can tell with STATUS. */
		struct domain *r = p->remote;
		struct evtchn_port *rp = port_entry(r, p->remote_port);
		*rp = (struct evtchn_port){ .state = EVTCHN_UNBOUND, .vcpu = rp->vcpu, .remote_domid = (uint16_t)d->id };
	}
	bool was_pirq = p && p->state == EVTCHN_PIRQ;
	if (p)
		port_free(d, port, p);
	unlock_with_peer(d, peer);
	/* After our lock: pirq_lock comes first in the lock order (P3: the line is masked and unbound). */
	if (was_pirq)
		pirq_port_closed(d, port);
	return rc;
}

int evtchn_bind_pirq(struct domain *d, uint32_t irq, uint32_t vcpu, uint32_t *port)
{
	if (vcpu >= d->nr_vcpus || vcpu >= KEEL_MAX_VCPUS || irq > UINT16_MAX)
		return -KEEL_EINVAL;
	spin_lock(&d->evtchn.lock);
	int rc = port_alloc(d, port);
	if (!rc) {
		struct evtchn_port *p = port_entry(d, *port);
		p->state = EVTCHN_PIRQ;
		p->vcpu = (uint8_t)vcpu;
		p->pirq = (uint16_t)irq;
	}
	spin_unlock(&d->evtchn.lock);
	return rc;
}

int evtchn_pirq_of(struct domain *d, uint32_t port, uint32_t *irq)
{
	int rc = 0;
	spin_lock(&d->evtchn.lock);
	struct evtchn_port *p = port_in_use(d, port, &rc);
	if (p && p->state == EVTCHN_PIRQ)
		*irq = p->pirq;
	else
		rc = -KEEL_EBADF;
	spin_unlock(&d->evtchn.lock);
	return rc;
}

void evtchn_raise_pirq(struct domain *d, uint32_t port, uint32_t irq)
{
	spin_lock(&d->evtchn.lock);
	struct evtchn_port *p = port_entry(d, port);
	if (p && p->state == EVTCHN_PIRQ && p->pirq == irq && !d->evtchn.dead)
		deliver(d, port, p->vcpu);
	spin_unlock(&d->evtchn.lock);
}

int evtchn_send(struct domain *d, uint32_t port)
{
	int rc = 0;
	spin_lock(&d->evtchn.lock);
	struct evtchn_port *p = port_in_use(d, port, &rc);
	if (p) {
		switch (p->state) {
		case EVTCHN_INTERDOMAIN: {
			/* The peer's binding may change under its own lock: any one vCPU will do. */
			struct evtchn_port *rp = port_entry(p->remote, p->remote_port);
			deliver(p->remote, p->remote_port, __atomic_load_n(&rp->vcpu, __ATOMIC_RELAXED));
			break;
		}
		case EVTCHN_IPI:
			deliver(d, port, p->vcpu);
			break;
		case EVTCHN_UNBOUND:
			break;   /* nobody at the other end yet: a no-op (event_channel.h) */
		default:
			rc = -KEEL_EBADF;   /* VIRQ ports are sent by the hypervisor only */
			break;
		}
	}
	spin_unlock(&d->evtchn.lock);
	return rc;
}

int evtchn_status(struct domain *d, struct keel_evtchn_status *st)
{
	static const uint32_t status_of[] = {
		[EVTCHN_FREE] = KEEL_EVTCHNSTAT_CLOSED, [EVTCHN_UNBOUND] = KEEL_EVTCHNSTAT_UNBOUND,
		[EVTCHN_INTERDOMAIN] = KEEL_EVTCHNSTAT_INTERDOMAIN, [EVTCHN_VIRQ] = KEEL_EVTCHNSTAT_VIRQ,
		[EVTCHN_IPI] = KEEL_EVTCHNSTAT_IPI, [EVTCHN_RESERVED] = KEEL_EVTCHNSTAT_CLOSED,
		[EVTCHN_PIRQ] = KEEL_EVTCHNSTAT_PIRQ,
	};
	if (st->port >= KEEL_EVTCHN_PORTS)
		return -KEEL_EINVAL;
	spin_lock(&d->evtchn.lock);
	struct evtchn_port *p = port_entry(d, st->port);
	struct evtchn_port none = { .state = EVTCHN_FREE };
	if (!p || d->evtchn.dead)
		p = &none;
	st->status = status_of[p->state];
	st->vcpu = p->vcpu;
	st->remote_dom = p->state == EVTCHN_UNBOUND ? p->remote_domid
		       : p->state == EVTCHN_INTERDOMAIN ? p->remote->id : 0;
	st->remote_port = p->state == EVTCHN_INTERDOMAIN ? p->remote_port : 0;
	st->virq = p->state == EVTCHN_VIRQ ? p->virq : p->state == EVTCHN_PIRQ ? p->pirq : 0;
	spin_unlock(&d->evtchn.lock);
	return 0;
}

int evtchn_unmask(struct domain *d, uint32_t port)
{
	int rc = 0;
	spin_lock(&d->evtchn.lock);
	struct evtchn_port *p = port_in_use(d, port, &rc);
	struct keel_shared_info *si = d->shared_info;
	if (p && si) {
		unsigned int word = port / 64;
		uint64_t bit = 1ull << (port % 64);
		__atomic_fetch_and(&si->evtchn_mask[word], ~bit, __ATOMIC_SEQ_CST);
		/* Whatever arrived while it was masked is delivered now (steps 2-3 of shared_info.h). */
		if (__atomic_load_n(&si->evtchn_pending[word], __ATOMIC_SEQ_CST) & bit && p->vcpu < KEEL_MAX_VCPUS) {
			struct keel_vcpu_info *vi = &si->vcpu_info[p->vcpu];
			__atomic_fetch_or(&vi->evtchn_pending_sel, 1ull << word, __ATOMIC_SEQ_CST);
			__atomic_store_n(&vi->upcall_pending, 1, __ATOMIC_SEQ_CST);
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (p->vcpu < d->nr_vcpus && d->vcpus[p->vcpu])
				sched_kick(d->vcpus[p->vcpu]);
		}
	}
	spin_unlock(&d->evtchn.lock);
	return rc;
}

int evtchn_bind_vcpu(struct domain *d, uint32_t port, uint32_t vcpu)
{
	if (port >= KEEL_EVTCHN_PORTS || vcpu >= d->nr_vcpus)
		return -KEEL_EINVAL;
	int rc = 0;
	spin_lock(&d->evtchn.lock);
	struct evtchn_port *p = port_in_use(d, port, &rc);
	if (p && p->state == EVTCHN_VIRQ)
		rc = -KEEL_EBADF;   /* a VIRQ belongs to the vCPU it was bound on */
	else if (p)
		__atomic_store_n(&p->vcpu, (uint8_t)vcpu, __ATOMIC_RELAXED);
	spin_unlock(&d->evtchn.lock);
	return rc;
}

int evtchn_set_upcall(struct domain *d, uint32_t vector)
{
	if (vector < 32 || vector > 255)
		return -KEEL_EINVAL;
	__atomic_store_n(&d->evtchn.upcall_vector, (uint8_t)vector, __ATOMIC_RELEASE);
	return 0;
}

bool evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
	struct domain *d = v->domain;
	if (virq >= KEEL_VIRQ_COUNT)
		return false;
	spin_lock(&d->evtchn.lock);
	uint32_t port = d->evtchn.virq_port[v->id][virq];
	bool bound = port && !d->evtchn.dead;
	if (bound)
		deliver(d, port, v->id);
	spin_unlock(&d->evtchn.lock);
	return bound;
}

void evtchn_notify_domain_ended(const struct domain *d)
{
	struct domain *privileged = domain_lookup_locked(0);   /* dom0 always has id 0 */
	if (!privileged)
		return;
	if (privileged != d && privileged->privileged) {
		spin_lock(&privileged->evtchn.lock);
		for (unsigned int i = 0; i < privileged->nr_vcpus && i < KEEL_MAX_VCPUS; i++) {
			uint32_t port = privileged->evtchn.virq_port[i][KEEL_VIRQ_DOM_EXC];
			if (port && !privileged->evtchn.dead)
				deliver(privileged, port, i);
		}
		spin_unlock(&privileged->evtchn.lock);
	}
	domain_list_unlock();
}

bool evtchn_upcall_pending(const struct vcpu *v)
{
	const struct keel_shared_info *si = v->domain->shared_info;
	return si && __atomic_load_n(&si->vcpu_info[v->id].upcall_pending, __ATOMIC_SEQ_CST);
}

void evtchn_upcall_before_entry(struct vcpu *v)
{
	const struct keel_shared_info *si = v->domain->shared_info;
	uint8_t vector = __atomic_load_n(&v->domain->evtchn.upcall_vector, __ATOMIC_ACQUIRE);
	if (!si || !vector)
		return;
	const struct keel_vcpu_info *vi = &si->vcpu_info[v->id];
	/* The guest writes both bytes at any time: this is a snapshot, re-taken before every entry. */
	bool due = __atomic_load_n(&vi->upcall_pending, __ATOMIC_SEQ_CST) &&
		   !__atomic_load_n(&vi->upcall_mask, __ATOMIC_SEQ_CST);
	virt->set_upcall(v->arch, vector, due);
}

void evtchn_domain_destroy(struct domain *d)
{
	/* Its physical lines first (P3), while nothing else holds our lock: pirq_lock comes first. */
	pirq_domain_destroy(d);

	/* No new connections from now on; peers still reach us until their end is unbound below. */
	spin_lock(&d->evtchn.lock);
	d->evtchn.dead = true;
	spin_unlock(&d->evtchn.lock);

	for (uint32_t port = 1; port < KEEL_EVTCHN_PORTS; port++) {
		struct domain *peer = lock_with_peer(d, port);
		struct evtchn_port *p = port_entry(d, port);
		if (p && p->state == EVTCHN_INTERDOMAIN && p->remote != d) {
			struct evtchn_port *rp = port_entry(p->remote, p->remote_port);
			*rp = (struct evtchn_port){ .state = EVTCHN_UNBOUND, .vcpu = rp->vcpu, .remote_domid = (uint16_t)d->id };
		}
		if (p && p->state != EVTCHN_FREE && p->state != EVTCHN_RESERVED)
			port_free(d, port, p);
		unlock_with_peer(d, peer);
	}

	spin_lock(&d->evtchn.lock);
	for (unsigned int b = 0; b < EVTCHN_BUCKETS; b++) {
		kfree(d->evtchn.buckets[b]);
		d->evtchn.buckets[b] = NULL;
	}
	spin_unlock(&d->evtchn.lock);
}
