/* ept.c: building, editing and freeing 4-level extended page tables with 4 KiB and 2 MiB leaves (WB RAM, UC devices). */
#include "ept.h"

#include <stdbool.h>

#include "frame.h"
#include "keel/abi.h"
#include "log.h"
#include "mm.h"
#include "vmx.h"

#define ENTRIES       512
#define SIZE_4K       (1ull << 12)
#define SIZE_2M       (1ull << 21)
/* Level 4 is the PML4, level 1 the page table; a level-n entry spans 4 KiB << 9 * (n - 1). */
#define LEVEL_SHIFT(level) (12 + 9 * ((level) - 1))
#define INDEX(gpa, level)  (((gpa) >> LEVEL_SHIFT(level)) & (ENTRIES - 1))

static uint64_t *table_at(paddr_t pa)
{
	return phys_to_virt(pa);
}

/* An entry maps or references something when any of R, W, X is set (SDM 29.3.2). */
static bool present(uint64_t e)
{
	return e & EPT_RWX;
}

static bool is_leaf(uint64_t e, unsigned int level)
{
	return level == 1 || (e & EPT_LARGE);
}

static paddr_t table_alloc(struct p2m *p2m)
{
	paddr_t pa = frame_alloc_zeroed(0);
	if (pa != FRAME_NONE)
		p2m->table_pages++;
	return pa;
}

static void table_free(struct p2m *p2m, paddr_t pa)
{
	frame_free(pa, 0);
	p2m->table_pages--;
}

/* Frees the table at pa and every table below it (level is the table's own level). */
static void free_tree(struct p2m *p2m, paddr_t pa, unsigned int level)
{
	uint64_t *t = table_at(pa);
	if (level > 1) {
		for (unsigned int i = 0; i < ENTRIES; i++)
			if (present(t[i]) && !is_leaf(t[i], level))
				free_tree(p2m, t[i] & EPT_ADDR_MASK, level - 1);
	}
	table_free(p2m, pa);
}

/*
 * RAM is write-back; device registers (P2M_UNCACHED) are UC. IPAT stays clear, so the
 * guest's PAT type is combined with the leaf's as with an MTRR type (SDM 29.3.7.2): a UC
 * leaf makes every access UC whatever the guest chose, a WB leaf lets the guest's type rule.
 */
static uint64_t leaf_bits(unsigned int perms)
{
	return ((perms & P2M_READ) ? EPT_READ : 0) | ((perms & P2M_WRITE) ? EPT_WRITE : 0) |
	       ((perms & P2M_EXEC) ? EPT_EXEC : 0) | ((perms & P2M_UNCACHED) ? EPT_MEMTYPE_UC : EPT_MEMTYPE_WB);
}

/* Replaces a 2 MiB leaf by a page table of 512 equivalent 4 KiB leaves; false when out of memory. */
static bool split_large(struct p2m *p2m, uint64_t *entry)
{
	paddr_t pt = table_alloc(p2m);
	if (pt == FRAME_NONE)
		return false;
	uint64_t *t = table_at(pt);
	uint64_t base = *entry & EPT_ADDR_MASK;
	uint64_t bits = *entry & ~(EPT_ADDR_MASK | EPT_LARGE);
	for (unsigned int i = 0; i < ENTRIES; i++)
		t[i] = (base + i * SIZE_4K) | bits;
	*entry = pt | EPT_RWX;
	return true;
}

/*
 * The entry for gpa at 'level', creating (or splitting large leaves into) the tables above
 * it when 'create' is set. NULL when a table is missing and not created, or out of memory.
 */
static uint64_t *walk(struct p2m *p2m, uint64_t gpa, unsigned int level, bool create)
{
	uint64_t *t = table_at(p2m->root);
	for (unsigned int l = 4; l > level; l--) {
		uint64_t *e = &t[INDEX(gpa, l)];
		if (!present(*e)) {
			if (!create)
				return NULL;
			paddr_t next = table_alloc(p2m);
			if (next == FRAME_NONE)
				return NULL;
			/* Non-leaf entries grant everything; the leaf decides (SDM 29.3.3). */
			*e = next | EPT_RWX;
		} else if (is_leaf(*e, l)) {
			if (!create || !split_large(p2m, e))
				return NULL;
		}
		t = table_at(*e & EPT_ADDR_MASK);
	}
	return &t[INDEX(gpa, level)];
}

int ept_init(struct p2m *p2m)
{
	p2m->table_pages = 0;
	paddr_t root = table_alloc(p2m);
	if (root == FRAME_NONE)
		return -KEEL_ENOMEM;
	p2m->root = root;
	return 0;
}

uint64_t ept_pointer(const struct p2m *p2m)
{
	/* Accessed/dirty flags stay off: nothing in Keel reads them. */
	return p2m->root | EPTP_MEMTYPE_WB | EPTP_WALK_4;
}

int ept_map(struct p2m *p2m, uint64_t gpa, paddr_t hpa, unsigned int order, unsigned int perms)
{
	if (order > 30 || (gpa | hpa) & (SIZE_4K - 1) || (perms & ~(P2M_RWX | P2M_UNCACHED)))
		return -KEEL_EINVAL;
	/* Write without read is a misconfiguration; execute-only needs a capability Keel does not use. */
	if (!(perms & P2M_READ))
		return -KEEL_EINVAL;
	uint64_t size = SIZE_4K << order;
	if (gpa >= EPT_GPA_LIMIT || size > EPT_GPA_LIMIT - gpa || hpa >= FRAME_PHYS_LIMIT ||
	    size > FRAME_PHYS_LIMIT - hpa)
		return -KEEL_EINVAL;

	uint64_t bits = leaf_bits(perms);
	for (uint64_t done = 0; done < size;) {
		uint64_t g = gpa + done, h = hpa + done;
		bool large = vmx_config.ept_2m && !((g | h) & (SIZE_2M - 1)) && size - done >= SIZE_2M;
		unsigned int level = large ? 2 : 1;
		uint64_t *e = walk(p2m, g, level, true);
		if (!e)
			return -KEEL_ENOMEM;
		if (large && present(*e) && !is_leaf(*e, 2))
			free_tree(p2m, *e & EPT_ADDR_MASK, 1);   /* a 2 MiB leaf replaces a page table */
		*e = h | bits | (large ? EPT_LARGE : 0);
		done += large ? SIZE_2M : SIZE_4K;
	}
	return 0;
}

void ept_unmap(struct p2m *p2m, uint64_t gpa, unsigned int order)
{
	if (order > 30 || gpa >= EPT_GPA_LIMIT)
		return;
	uint64_t size = SIZE_4K << order;
	uint64_t end = size > EPT_GPA_LIMIT - gpa ? EPT_GPA_LIMIT : gpa + size;
	gpa = ALIGN_DOWN(gpa, SIZE_4K);

	while (gpa < end) {
		/* Find the level of whatever maps gpa; skip a whole region that has no table. */
		uint64_t *t = table_at(p2m->root);
		unsigned int l = 4;
		uint64_t *e = &t[INDEX(gpa, 4)];
		while (present(*e) && !is_leaf(*e, l)) {
			t = table_at(*e & EPT_ADDR_MASK);
			l--;
			e = &t[INDEX(gpa, l)];
		}
		uint64_t span = 1ull << LEVEL_SHIFT(l);
		uint64_t next = ALIGN_DOWN(gpa, span) + span;
		if (!present(*e)) {
			gpa = next;
			continue;
		}
		if (l == 1 || (gpa == ALIGN_DOWN(gpa, span) && next <= end)) {
			*e = 0;
			gpa = next;
			continue;
		}
		/* Part of a large leaf: split it so the rest stays mapped. */
		if (!split_large(p2m, e)) {
			pr_warn("ept: out of memory splitting a large page; unmapping all %#llx bytes of it\n",
				(unsigned long long)span);
			*e = 0;
			gpa = next;
		}
	}
}

void ept_destroy(struct p2m *p2m)
{
	if (!p2m->root)
		return;
	free_tree(p2m, p2m->root, 4);
	p2m->root = 0;
}

int ept_translate(const struct p2m *p2m, uint64_t gpa, paddr_t *hpa, unsigned int *perms)
{
	if (gpa >= EPT_GPA_LIMIT)
		return -1;
	const uint64_t *t = table_at(p2m->root);
	for (unsigned int l = 4; l >= 1; l--) {
		uint64_t e = t[INDEX(gpa, l)];
		if (!present(e))
			return -1;
		if (is_leaf(e, l)) {
			uint64_t span = 1ull << LEVEL_SHIFT(l);
			*hpa = (e & EPT_ADDR_MASK & ~(span - 1)) + (gpa & (span - 1));
			*perms = ((e & EPT_READ) ? P2M_READ : 0) | ((e & EPT_WRITE) ? P2M_WRITE : 0) |
				 ((e & EPT_EXEC) ? P2M_EXEC : 0) |
				 ((e & EPT_MEMTYPE_MASK) == EPT_MEMTYPE_UC ? P2M_UNCACHED : 0);
			return 0;
		}
		t = table_at(e & EPT_ADDR_MASK);
	}
	return -1;
}
