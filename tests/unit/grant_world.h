/* grant_world.h: the world test_grant*.c run grant tables in: three domains, and doubles of p2m, frames, heap and guest copies. */
#ifndef TEST_GRANT_WORLD_H
#define TEST_GRANT_WORLD_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "domain.h"
#include "frame.h"
#include "grant.h"
#include "guest_access.h"
#include "hc_grant.h"
#include "heap.h"
#include "keel/abi.h"
#include "keel/event_channel.h"
#include "keel/grant_table.h"
#include "log.h"
#include "vcpu.h"

/*
 * "Host memory" is an arena; domain n's RAM is the 2 MiB order-9 block at hpa n * 2 MiB,
 * at guest-physical 0. Domain ids are 1, 2, 3 (A, B, C).
 */
#define DOM_PAGES   512
#define DOM_BYTES   (DOM_PAGES * 4096ull)
#define NR_DOMS     3
#define ARENA_BYTES ((NR_DOMS + 1) * DOM_BYTES)
#define ARENA_PAGES (ARENA_BYTES / 4096)
#define WIN         KEEL_GRANT_WINDOW_BASE

static uint8_t *arena;
uint64_t mm_direct_map_offset;

static struct domain doms[NR_DOMS];
static struct vcpu vcpus[NR_DOMS];
static bool alive[NR_DOMS];
#define A (&doms[0])
#define B (&doms[1])
#define C (&doms[2])

static paddr_t ram_of(const struct domain *d) { return (paddr_t)(d - doms + 1) * DOM_BYTES; }

/* ---- doubles ---- */

struct domain *domain_find(uint32_t id)
{
	for (int i = 0; i < NR_DOMS; i++)
		if (alive[i] && doms[i].id == id)
			return &doms[i];
	return NULL;
}

/* C's RAM has one more page, at RAM_IN_WINDOW: as if it were large enough to reach the window. */
#define RAM_IN_WINDOW (KEEL_GRANT_WINDOW_BASE + 0x7000)
paddr_t domain_gpa_to_hpa(const struct domain *d, uint64_t gpa)
{
	if (d == &doms[2] && gpa == RAM_IN_WINDOW)
		return ram_of(d) + 0x7000;
	return gpa < DOM_BYTES ? ram_of(d) + gpa : FRAME_NONE;
}

/* Every frame freed, by page: each must be freed exactly once, and never while mapped. */
static unsigned int freed[ARENA_PAGES];
static unsigned int nr_frees;

/* The order of p2m unmaps, flushes and frees, e.g. "U F f": what must happen before what. */
static char events[256];
static void event(char c)
{
	size_t n = strlen(events);
	if (n + 2 < sizeof(events)) {
		events[n] = c;
		events[n + 1] = '\0';
	}
}

/*
 * The doubles run under the grant lock, so they must not fail an assertion there (the lock
 * would stay taken and the next test hang): they count misuse, and the tests check the count.
 */
static unsigned int misuse;
static void expect_double(bool ok, const char *what)
{
	if (!ok) {
		misuse++;
		fprintf(stderr, "double misused: %s\n", what);
	}
}

/* A p2m double: the leaves of all domains in one small table. */
struct leaf {
	const struct p2m *p2m;
	uint64_t gpa;
	paddr_t hpa;
	unsigned int perms;
};
static struct leaf leaves[512];
static unsigned int nr_leaves, flushes;
static int p2m_map_result;

static struct leaf *leaf_at(const struct p2m *p2m, uint64_t gpa)
{
	for (unsigned int i = 0; i < nr_leaves; i++)
		if (leaves[i].p2m == p2m && leaves[i].gpa == gpa)
			return &leaves[i];
	return NULL;
}

static int fake_map(struct p2m *p2m, uint64_t gpa, paddr_t hpa, unsigned int order, unsigned int perms)
{
	expect_double(order == 0 && !leaf_at(p2m, gpa) && nr_leaves < 512, "p2m_map of a mapped gpa");
	if (p2m_map_result || misuse)
		return p2m_map_result ? p2m_map_result : -KEEL_EINVAL;
	leaves[nr_leaves++] = (struct leaf){ p2m, gpa, hpa, perms };
	return 0;
}

static void fake_unmap(struct p2m *p2m, uint64_t gpa, unsigned int order)
{
	struct leaf *l = leaf_at(p2m, gpa);
	expect_double(order == 0 && l, "p2m_unmap of an unmapped gpa");
	if (l)
		*l = leaves[--nr_leaves];
	event('U');
}

static void fake_flush(struct p2m *p2m, uint16_t asid)
{
	(void)p2m, (void)asid;
	flushes++;
	event('F');
}

static const struct virt_ops fake_virt = { .p2m_map = fake_map, .p2m_unmap = fake_unmap, .p2m_flush = fake_flush };
const struct virt_ops *virt = &fake_virt;

void frame_free(paddr_t pa, unsigned order)
{
	expect_double(pa % (4096ull << order) == 0 && pa + (4096ull << order) <= ARENA_BYTES, "frame_free range");
	for (uint64_t p = pa / 4096; p < pa / 4096 + (1ull << order) && p < ARENA_PAGES; p++) {
		for (unsigned int i = 0; i < nr_leaves; i++)
			expect_double(leaves[i].hpa / 4096 != p, "frame freed while a p2m maps it");
		expect_double(!freed[p], "frame freed twice");
		freed[p]++;
	}
	nr_frees++;
	event('f');
}

/* The heap: malloc, with a switch to make the next allocation fail. */
static bool fail_alloc;
void *kmalloc(size_t size) { return fail_alloc ? NULL : malloc(size); }
void *kzalloc(size_t size) { return fail_alloc ? NULL : calloc(1, size); }
void *kcalloc(size_t count, size_t size) { return fail_alloc ? NULL : calloc(count, size); }
void kfree(void *ptr) { free(ptr); }

void log_printf(enum log_level level, const char *fmt, ...) { (void)level, (void)fmt; }

/*
 * Guest-virtual addresses are host pointers. Of the three pages of 'gmem', the middle one
 * stands for an unmapped page and the last for a read-only one.
 */
static uint8_t gmem[3 * 4096] __attribute__((aligned(4096)));
static uint8_t *const fault_page = gmem + 4096;
static uint8_t *const ro_page = gmem + 2 * 4096;
static bool overlaps(uint64_t gva, size_t len, const uint8_t *page)
{
	uint64_t start = (uint64_t)(uintptr_t)page;
	return gva < start + 4096 && gva + len > start;
}
int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
	(void)v;
	if (overlaps(gva, len, fault_page))
		return -KEEL_EFAULT;
	memcpy(dst, (void *)(uintptr_t)gva, len);
	return 0;
}
int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	(void)v;
	if (overlaps(gva, len, fault_page) || overlaps(gva, len, ro_page))
		return -KEEL_EFAULT;
	memcpy((void *)(uintptr_t)gva, src, len);
	return 0;
}

/* ---- helpers ---- */

static int setup(void **state)
{
	(void)state;
	arena = aligned_alloc(4096, ARENA_BYTES);
	memset(arena, 0, ARENA_BYTES);
	mm_direct_map_offset = (uint64_t)(uintptr_t)arena;
	for (int i = 0; i < NR_DOMS; i++) {
		memset(&doms[i], 0, sizeof(doms[i]));
		memset(&vcpus[i], 0, sizeof(vcpus[i]));
		doms[i].id = (uint32_t)i + 1;
		doms[i].vcpus[0] = &vcpus[i];
		vcpus[i].domain = &doms[i];
		vcpus[i].asid = (uint16_t)(i + 1);
		alive[i] = true;
	}
	memset(freed, 0, sizeof(freed));
	nr_frees = nr_leaves = flushes = 0;
	events[0] = '\0';
	p2m_map_result = 0;
	fail_alloc = false;
	misuse = 0;
	return 0;
}

/* What domain_destroy() does, in its order. */
static void destroy(struct domain *d)
{
	alive[d - doms] = false;   /* unlinked first */
	d->vcpus[0] = NULL;
	grant_domain_teardown(d);
	grant_free_frames(d, ram_of(d), 9);
	grant_domain_release(d);
	assert_null(d->grants);
}

static void assert_stats(uint64_t grants, uint64_t maps, uint64_t zombie_frames, uint64_t zombies)
{
	assert_int_equal(misuse, 0);
	struct grant_stats s;
	grant_get_stats(&s);
	assert_int_equal(s.grants, grants);
	assert_int_equal(s.maps, maps);
	assert_int_equal(s.zombie_frames, zombie_frames);
	assert_int_equal(s.zombies, zombies);
}

/* Everything gone: destroys the domains still alive and checks each of their frames came back once. */
static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NR_DOMS; i++)
		if (alive[i])
			destroy(&doms[i]);
	assert_stats(0, 0, 0, 0);
	assert_int_equal(nr_leaves, 0);
	for (uint64_t p = 0; p < ARENA_PAGES; p++)
		assert_int_equal(freed[p], p >= DOM_PAGES ? 1 : 0);
	free(arena);
	return 0;
}

static inline uint32_t grant(struct domain *from, uint64_t gpa, uint32_t to, uint32_t flags)
{
	uint32_t ref = ~0u;
	assert_int_equal(grant_create(from, gpa, to, flags, &ref), 0);
	return ref;
}

static inline uint32_t map(struct domain *d, uint32_t granter, uint32_t ref, uint64_t host_gpa, uint32_t flags)
{
	uint32_t handle = ~0u;
	assert_int_equal(grant_map(d, granter, ref, host_gpa, flags, &handle), 0);
	return handle;
}

#endif
