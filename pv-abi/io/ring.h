/*
 * io/ring.h: a generic request/response ring in shared pages, the transport of split drivers.
 *
 * A frontend (the guest using a device) sends fixed-size requests to a backend (the
 * domain serving it, usually dom0) and gets fixed-size responses back through the same
 * slots. The frontend allocates the pages, grants them to the backend (grant_table.h) and
 * gives it the grant references and an event-channel port through the device's own
 * protocol; both sides map the pages contiguously in their address spaces.
 *
 * Layout: 'bytes' = N * 4096 bytes (N >= 1), starting on a page boundary.
 *
 *     offset  size  field       written by   meaning
 *          0     4  req_prod    frontend     requests published so far
 *          4     4  req_event   backend      "notify me when req_prod passes this"
 *          8     4  rsp_prod    backend      responses published so far
 *         12     4  rsp_event   frontend     "notify me when rsp_prod passes this"
 *         16    48  reserved    nobody       zero; pads the header to one cache line
 *         64     -  entries     both         'size' slots, each a union of request and response
 *
 * 'size' = the largest power of two with 64 + size * sizeof(entry) <= bytes, computed by
 * keel_ring_entries() from the page count and the entry size alone, so both sides agree
 * without asking each other. A ring that cannot hold one entry is not a ring (size 0).
 * All indices are uint32_t, little-endian, free-running: they count messages since the
 * ring was set up and wrap at 2^32; message i lives in slot i & (size - 1). Because size
 * divides 2^32 the slot sequence stays continuous across the wrap, and unsigned
 * differences such as prod - cons are right across it too.
 *
 * Rules (numbered so code and tests can cite them):
 *  R1. The frontend initialises the header (keel_ring_shared_init: all indices 0, both
 *      events 1) before it grants the pages. Each side then keeps private state
 *      (struct keel_ring_front / keel_ring_back) and writes only its own fields above.
 *  R2. Slot ownership: slots from rsp_cons up to req_prod_pvt belong to requests in
 *      flight. The frontend may fill a slot only while req_prod_pvt - rsp_cons < size; the
 *      backend writes response i into the slot of request i, after it copied that
 *      request out. So a ring never holds more than size messages in flight.
 *  R3. Producing: write the entries, a write barrier, then publish the producer index
 *      (req_prod or rsp_prod). Batches are normal: fill many entries, publish once.
 *  R4. Consuming: read the producer index once, a read barrier, then read the entries.
 *      Copy an entry out of the shared page before validating its fields: the peer can
 *      change it at any time, so a value checked in place may change after the check.
 *  R5. Notification suppression (the event index): a consumer about to sleep writes
 *      'event' = its consumer index + k (k >= 1: "wake me after k more messages"), a full
 *      barrier, then checks the producer index once more, and sleeps only if that still
 *      shows nothing new. A producer that moved its index from 'old' to 'new' publishes,
 *      issues a full barrier, reads 'event', and notifies the event channel only if
 *      old < event <= new (modulo 2^32: new - event < new - old). A consumer that keeps
 *      finding work never re-arms its event, so steady streaming costs no notifications.
 *      The full barrier orders a store before a later load, the one reordering x86 does.
 *  R6. A consumer never trusts the peer's indices. Impossible values are a protocol
 *      error: requests beyond size not yet answered (req_prod - rsp_prod_pvt > size),
 *      indices that run backwards, or responses to requests never made
 *      (rsp_prod - rsp_cons > req_prod_pvt - rsp_cons). The check functions return -1,
 *      the private state stays broken (every later call returns -1 or fails) and the
 *      caller disconnects the peer: it stops serving the ring, unmaps it and closes the
 *      port. Nothing in this file ever indexes outside the ring on a peer's word.
 *  R7. A side never reads back its own published index from the shared page (it keeps a
 *      private copy), and nothing here reads the reserved bytes: a peer scribbling on
 *      the header can only cost itself notifications or its connection.
 *
 * Barriers: on x86-64 stores are not reordered with stores and loads not with loads, so
 * the write (R3) and read (R4) barriers only have to stop the compiler; the full barrier
 * of R5 is a locked instruction. A weaker architecture needs real fences in all three:
 * on arm64 "dmb ishst" (write), "dmb ishld" (read), "dmb ish" (full); on RISC-V
 * "fence w,w", "fence r,r", "fence rw,rw"; on POWER lwsync, lwsync, sync. Only
 * keel_ring_wmb/rmb/mb below change.
 *
 * Use: KEEL_RING_DEFINE(blk, struct blk_request, struct blk_response) defines
 * union blk_ring_entry, struct blk_sring (the shared layout above) and typed accessors:
 *     blk_ring_entries(bytes), blk_sring_init(s),
 *     blk_front_init(f, s, bytes), blk_front_next_request(f), blk_front_take_response(f, out)
 *     blk_back_init(b, s, bytes),  blk_back_take_request(b, out), blk_back_next_response(b)
 * next_* return the slot to fill (NULL when R2 forbids it); push makes them visible. The
 * generic keel_ring_front_* / keel_ring_back_* functions below publish, poll and check.
 *
 * Everything is static inline and freestanding (stdint/stddef/stdbool only); a struct
 * copy may compile to memcpy, which every Keel image provides.
 */
#ifndef KEEL_PV_IO_RING_H
#define KEEL_PV_IO_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEEL_RING_PAGE_SIZE    4096u
#define KEEL_RING_HEADER_SIZE  64u

#if defined(__x86_64__)
#define keel_ring_wmb()  __asm__ __volatile__("" ::: "memory")
#define keel_ring_rmb()  __asm__ __volatile__("" ::: "memory")
/* A locked read-modify-write of the stack's top word: a full fence, cheaper than mfence. */
#define keel_ring_mb()   __asm__ __volatile__("lock; orl $0, (%%rsp)" ::: "memory", "cc")
#else
#error "io/ring.h: add this architecture's fences (see 'Barriers' above)"
#endif

/* The first 64 bytes of the shared area; the entries follow. */
struct keel_ring_header {
	uint32_t req_prod;     /* frontend */
	uint32_t req_event;    /* backend */
	uint32_t rsp_prod;     /* backend */
	uint32_t rsp_event;    /* frontend */
	uint8_t  reserved[KEEL_RING_HEADER_SIZE - 16];
};

_Static_assert(sizeof(struct keel_ring_header) == KEEL_RING_HEADER_SIZE, "one cache line");

/* The frontend's private state: it sends requests and consumes responses. */
struct keel_ring_front {
	struct keel_ring_header *shared;
	uint32_t size;           /* entries, a power of two */
	uint32_t req_prod_pvt;   /* requests filled, published or not */
	uint32_t req_pushed;     /* requests published: our own copy, never read back (R7) */
	uint32_t rsp_cons;       /* responses consumed */
	uint32_t rsp_seen;       /* rsp_prod as last validated (R6) */
	bool     broken;         /* a protocol error was seen (R6) */
};

/* The backend's private state: it consumes requests and sends responses. */
struct keel_ring_back {
	struct keel_ring_header *shared;
	uint32_t size;
	uint32_t req_cons;       /* requests consumed */
	uint32_t req_seen;       /* req_prod as last validated (R6) */
	uint32_t rsp_prod_pvt;   /* responses filled, published or not */
	uint32_t rsp_pushed;     /* responses published */
	bool     broken;
};

/* The entry count for 'bytes' of shared memory and entries of 'entry_size' (0: too small). */
static inline uint32_t keel_ring_entries(size_t bytes, size_t entry_size)
{
	if (entry_size == 0 || bytes < KEEL_RING_HEADER_SIZE + entry_size)
		return 0;
	size_t fit = (bytes - KEEL_RING_HEADER_SIZE) / entry_size;
	uint32_t size = 1;
	while ((size_t)size * 2 <= fit && size < 0x80000000u)
		size *= 2;
	return size;
}

/* R1: the frontend sets up the header before it shares the pages. */
static inline void keel_ring_shared_init(struct keel_ring_header *shared)
{
	shared->req_prod = 0;
	shared->rsp_prod = 0;
	shared->req_event = 1;
	shared->rsp_event = 1;
	for (size_t i = 0; i < sizeof(shared->reserved); i++)
		shared->reserved[i] = 0;
}

static inline uint32_t keel_ring_read_index(const uint32_t *index)
{
	return __atomic_load_n(index, __ATOMIC_RELAXED);   /* one untorn load, never re-read */
}

static inline void keel_ring_write_index(uint32_t *index, uint32_t value)
{
	__atomic_store_n(index, value, __ATOMIC_RELAXED);
}

/* R5: does moving a producer index from 'old' to 'now' pass the consumer's event? */
static inline bool keel_ring_need_notify(uint32_t old, uint32_t now, uint32_t event)
{
	return (uint32_t)(now - event) < (uint32_t)(now - old);
}

/* Both init functions return -1 when 'bytes' holds no entry; the caller must not use the ring. */
static inline int keel_ring_front_init(struct keel_ring_front *f, struct keel_ring_header *shared, uint32_t size)
{
	*f = (struct keel_ring_front){ .shared = shared, .size = size, .broken = size == 0 };
	return size == 0 ? -1 : 0;
}

/*
 * The backend starts from the indices as it finds them (a frontend may reconnect a ring
 * that was used before), so it validates them first (R6).
 */
static inline int keel_ring_back_init(struct keel_ring_back *b, struct keel_ring_header *shared, uint32_t size)
{
	*b = (struct keel_ring_back){ .shared = shared, .size = size, .broken = size == 0 };
	if (size == 0)
		return -1;
	uint32_t rsp = keel_ring_read_index(&shared->rsp_prod);
	uint32_t req = keel_ring_read_index(&shared->req_prod);
	if ((uint32_t)(req - rsp) > size) {
		b->broken = true;
		return -1;
	}
	b->req_cons = b->req_seen = b->rsp_prod_pvt = b->rsp_pushed = rsp;
	return 0;
}

/* R2: request slots the frontend may still fill. */
static inline uint32_t keel_ring_front_free(const struct keel_ring_front *f)
{
	return f->broken ? 0 : f->size - (f->req_prod_pvt - f->rsp_cons);
}

/* R3 + R5: publishes the requests filled since the last push; true = notify the backend. */
static inline bool keel_ring_front_push(struct keel_ring_front *f)
{
	uint32_t old = f->req_pushed, now = f->req_prod_pvt;
	if (f->broken || old == now)
		return false;
	keel_ring_wmb();
	keel_ring_write_index(&f->shared->req_prod, now);
	f->req_pushed = now;
	keel_ring_mb();
	return keel_ring_need_notify(old, now, keel_ring_read_index(&f->shared->req_event));
}

/* R3 + R5: publishes the responses filled since the last push; true = notify the frontend. */
static inline bool keel_ring_back_push(struct keel_ring_back *b)
{
	uint32_t old = b->rsp_pushed, now = b->rsp_prod_pvt;
	if (b->broken || old == now)
		return false;
	keel_ring_wmb();
	keel_ring_write_index(&b->shared->rsp_prod, now);
	b->rsp_pushed = now;
	keel_ring_mb();
	return keel_ring_need_notify(old, now, keel_ring_read_index(&b->shared->rsp_event));
}

/* R4 + R6: responses ready to take, or -1 (protocol error: disconnect the backend). */
static inline int64_t keel_ring_front_poll_responses(struct keel_ring_front *f)
{
	if (f->broken)
		return -1;
	uint32_t prod = keel_ring_read_index(&f->shared->rsp_prod);
	keel_ring_rmb();
	/* Responses may answer published requests only; seen..prod must not run backwards. */
	if ((uint32_t)(prod - f->rsp_cons) > (uint32_t)(f->req_pushed - f->rsp_cons) ||
	    (uint32_t)(prod - f->rsp_cons) < (uint32_t)(f->rsp_seen - f->rsp_cons)) {
		f->broken = true;
		return -1;
	}
	f->rsp_seen = prod;
	return prod - f->rsp_cons;
}

/* R4 + R6: requests ready to take, or -1 (protocol error: disconnect the frontend). */
static inline int64_t keel_ring_back_poll_requests(struct keel_ring_back *b)
{
	if (b->broken)
		return -1;
	uint32_t prod = keel_ring_read_index(&b->shared->req_prod);
	keel_ring_rmb();
	/* At most 'size' requests unanswered, and seen..prod must not run backwards. */
	if ((uint32_t)(prod - b->rsp_prod_pvt) > b->size ||
	    (uint32_t)(prod - b->rsp_prod_pvt) < (uint32_t)(b->req_seen - b->rsp_prod_pvt)) {
		b->broken = true;
		return -1;
	}
	b->req_seen = prod;
	return prod - b->req_cons;
}

/*
 * R5, before the frontend sleeps: asks to be notified once 'after' more responses are
 * published (clamped to 1 .. the requests in flight), then polls again. 0 = safe to sleep.
 */
static inline int64_t keel_ring_front_final_check(struct keel_ring_front *f, uint32_t after)
{
	int64_t ready = keel_ring_front_poll_responses(f);
	if (ready != 0)
		return ready;
	uint32_t in_flight = f->req_pushed - f->rsp_cons;
	if (after > in_flight)
		after = in_flight;
	if (after == 0)
		after = 1;
	keel_ring_write_index(&f->shared->rsp_event, f->rsp_cons + after);
	keel_ring_mb();
	return keel_ring_front_poll_responses(f);
}

/* R5, before the backend sleeps: asks to be notified of the next request, then polls again. */
static inline int64_t keel_ring_back_final_check(struct keel_ring_back *b)
{
	int64_t ready = keel_ring_back_poll_requests(b);
	if (ready != 0)
		return ready;
	keel_ring_write_index(&b->shared->req_event, b->req_cons + 1);
	keel_ring_mb();
	return keel_ring_back_poll_requests(b);
}

/*
 * The typed ring for a (request, response) pair. The entry pointers index the ring only
 * with private, validated counters masked by size - 1 (R6).
 */
#define KEEL_RING_DEFINE(name, req_type, rsp_type)                                          \
	union name##_ring_entry {                                                           \
		req_type req;                                                               \
		rsp_type rsp;                                                               \
	};                                                                                  \
	struct name##_sring {                                                               \
		struct keel_ring_header header;                                             \
		union name##_ring_entry ring[];                                             \
	};                                                                                  \
	_Static_assert(offsetof(struct name##_sring, ring) == KEEL_RING_HEADER_SIZE,        \
		       #name ": entries start right after the 64-byte header");             \
	static inline uint32_t name##_ring_entries(size_t bytes)                            \
	{                                                                                   \
		return keel_ring_entries(bytes, sizeof(union name##_ring_entry));           \
	}                                                                                   \
	static inline void name##_sring_init(struct name##_sring *s)                        \
	{                                                                                   \
		keel_ring_shared_init(&s->header);                                          \
	}                                                                                   \
	static inline int name##_front_init(struct keel_ring_front *f, struct name##_sring *s, \
					    size_t bytes)                                   \
	{                                                                                   \
		return keel_ring_front_init(f, &s->header, name##_ring_entries(bytes));     \
	}                                                                                   \
	static inline int name##_back_init(struct keel_ring_back *b, struct name##_sring *s, \
					   size_t bytes)                                    \
	{                                                                                   \
		return keel_ring_back_init(b, &s->header, name##_ring_entries(bytes));      \
	}                                                                                   \
	static inline union name##_ring_entry *name##_ring_slot(struct keel_ring_header *h, \
								 uint32_t size, uint32_t i) \
	{                                                                                   \
		return &((struct name##_sring *)(void *)h)->ring[i & (size - 1)];           \
	}                                                                                   \
	/* R2: the next request slot to fill, counted as filled; NULL when the ring is full. */ \
	static inline req_type *name##_front_next_request(struct keel_ring_front *f)        \
	{                                                                                   \
		if (keel_ring_front_free(f) == 0)                                           \
			return NULL;                                                        \
		return &name##_ring_slot(f->shared, f->size, f->req_prod_pvt++)->req;       \
	}                                                                                   \
	/* Copies the next validated response out (R4); false when none is ready. */       \
	static inline bool name##_front_take_response(struct keel_ring_front *f, rsp_type *out) \
	{                                                                                   \
		if (f->broken || f->rsp_cons == f->rsp_seen)                                \
			return false;                                                       \
		*out = name##_ring_slot(f->shared, f->size, f->rsp_cons++)->rsp;            \
		return true;                                                                \
	}                                                                                   \
	/* Copies the next validated request out (R4); false when none is ready. */        \
	static inline bool name##_back_take_request(struct keel_ring_back *b, req_type *out) \
	{                                                                                   \
		if (b->broken || b->req_cons == b->req_seen)                                \
			return false;                                                       \
		*out = name##_ring_slot(b->shared, b->size, b->req_cons++)->req;            \
		return true;                                                                \
	}                                                                                   \
	/* R2: the slot for the response to the oldest unanswered request; NULL if none. */ \
	static inline rsp_type *name##_back_next_response(struct keel_ring_back *b)         \
	{                                                                                   \
		if (b->broken || b->rsp_prod_pvt == b->req_cons)                            \
			return NULL;                                                        \
		return &name##_ring_slot(b->shared, b->size, b->rsp_prod_pvt++)->rsp;       \
	}

#endif
