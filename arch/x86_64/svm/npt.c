/* npt.c: AMD nested page tables: the guest-physical to host-physical map of a domain. */
#include "svm/svm.h"

#include "frame.h"
#include "keel/abi.h"

/*
 * Nested tables use the ordinary x86-64 long-mode format (APM 15.25.5). Two rules differ
 * from the host's own tables: every guest access is checked as a user access, so every
 * level needs U/S; and NX is only legal when the host ran VMRUN with EFER.NXE set,
 * otherwise the bit is reserved and would turn every access into a nested page fault.
 *
 * Memory types (APM vol 2, 15.25.8 "Combining memory types"): the leaf's PAT/PCD/PWT
 * select an entry of the host's PAT, and that type is combined with the guest's own (its
 * page tables and g_PAT); UC wins any combination. RAM leaves select entry 0 (WB); device
 * leaves (P2M_UNCACHED) set PCD|PWT, entry 3, which is UC in the power-on PAT the host
 * keeps (Keel never rewrites the PAT MSR). The guest's PAT is left as it is.
 */
#define NPT_P     (1ull << 0)
#define NPT_RW    (1ull << 1)
#define NPT_US    (1ull << 2)
#define NPT_PWT   (1ull << 3)
#define NPT_PCD   (1ull << 4)
#define NPT_PS    (1ull << 7)
#define NPT_NX    (1ull << 63)
#define NPT_ADDR  0x000ffffffffff000ull
#define NPT_ADDR_2M 0x000fffffffe00000ull

/* Intermediate entries grant everything; the leaf alone decides. */
#define NPT_TABLE_FLAGS (NPT_P | NPT_RW | NPT_US)

#define NPT_LEVELS     4
#define NPT_ENTRIES    512
#define NPT_GPA_LIMIT  (1ull << 48)
#define NPT_ORDER_2M   9

bool npt_use_nx = true;

static uint64_t *table_at(paddr_t pa)
{
	return phys_to_virt(pa);
}

/* Index of gpa in the table at 'level' (4 = PML4 ... 1 = PT). */
static unsigned int index_at(uint64_t gpa, int level)
{
	return (unsigned int)(gpa >> (PAGE_SHIFT + 9 * (level - 1))) & (NPT_ENTRIES - 1);
}

static uint64_t leaf_flags(unsigned int perms)
{
	uint64_t flags = NPT_P | NPT_US;
	if (perms & P2M_WRITE)
		flags |= NPT_RW;
	if (!(perms & P2M_EXEC) && npt_use_nx)
		flags |= NPT_NX;
	if (perms & P2M_UNCACHED)
		flags |= NPT_PCD | NPT_PWT;
	return flags;
}

static unsigned int entry_perms(uint64_t e)
{
	unsigned int perms = P2M_READ;
	if (e & NPT_RW)
		perms |= P2M_WRITE;
	if (!(e & NPT_NX))
		perms |= P2M_EXEC;
	if (e & NPT_PCD)
		perms |= P2M_UNCACHED;
	return perms;
}

static paddr_t table_alloc(struct p2m *p2m)
{
	paddr_t pa = frame_alloc_zeroed(0);
	if (pa != FRAME_NONE)
		p2m->table_pages++;
	return pa;
}

/* Frees the table at 'pa' (at 'level') and every table below it; leaves are guest RAM. */
static void table_free(struct p2m *p2m, paddr_t pa, int level)
{
	if (level > 1) {
		uint64_t *t = table_at(pa);
		for (unsigned int i = 0; i < NPT_ENTRIES; i++)
			if ((t[i] & NPT_P) && !(t[i] & NPT_PS))
				table_free(p2m, t[i] & NPT_ADDR, level - 1);
	}
	frame_free(pa, 0);
	p2m->table_pages--;
}

/* Replaces a 2 MiB leaf by a page table of 512 4 KiB leaves with the same map and rights. */
static int split_2m(struct p2m *p2m, uint64_t *pde)
{
	paddr_t pt = table_alloc(p2m);
	if (pt == FRAME_NONE)
		return -KEEL_ENOMEM;
	uint64_t *t = table_at(pt);
	paddr_t base = *pde & NPT_ADDR_2M;
	uint64_t flags = *pde & (NPT_P | NPT_RW | NPT_US | NPT_NX | NPT_PCD | NPT_PWT);
	for (unsigned int i = 0; i < NPT_ENTRIES; i++)
		t[i] = (base + ((uint64_t)i << PAGE_SHIFT)) | flags;
	*pde = pt | NPT_TABLE_FLAGS;
	return 0;
}

/*
 * The entry for gpa in the table at 'target_level', creating missing tables on the way
 * (and splitting a 2 MiB leaf that is in the way when create is set); NULL when a table
 * is missing and create is clear, or when memory runs out.
 */
static uint64_t *walk(struct p2m *p2m, uint64_t gpa, int target_level, bool create, int *error)
{
	uint64_t *t = table_at(p2m->root);
	for (int level = NPT_LEVELS; level > target_level; level--) {
		uint64_t *e = &t[index_at(gpa, level)];
		if ((*e & NPT_P) && (*e & NPT_PS)) {
			/* A 2 MiB leaf above the level we want: split it so 4 KiB edits are exact. */
			if (!create)
				return NULL;
			*error = split_2m(p2m, e);
			if (*error)
				return NULL;
		} else if (!(*e & NPT_P)) {
			if (!create)
				return NULL;
			paddr_t next = table_alloc(p2m);
			if (next == FRAME_NONE) {
				*error = -KEEL_ENOMEM;
				return NULL;
			}
			*e = next | NPT_TABLE_FLAGS;
		}
		t = table_at(*e & NPT_ADDR);
	}
	return &t[index_at(gpa, target_level)];
}

int npt_init(struct p2m *p2m)
{
	p2m->table_pages = 0;
	p2m->root = table_alloc(p2m);
	return p2m->root == FRAME_NONE ? -KEEL_ENOMEM : 0;
}

static int map_one(struct p2m *p2m, uint64_t gpa, paddr_t hpa, int level, unsigned int perms)
{
	int error = 0;
	uint64_t *e = walk(p2m, gpa, level, true, &error);
	if (!e)
		return error ? error : -KEEL_ENOMEM;
	/* A 2 MiB leaf replaces whatever page table was there. */
	if (level == 2 && (*e & NPT_P) && !(*e & NPT_PS))
		table_free(p2m, *e & NPT_ADDR, 1);
	*e = hpa | leaf_flags(perms) | (level == 2 ? NPT_PS : 0);
	return 0;
}

/*
 * Maps 2^order pages. Orders of 9 and more use 2 MiB leaves, smaller ones 4 KiB leaves.
 * Both addresses must be aligned to the mapping's size. Guest reads cannot be revoked
 * without unmapping (a present NPT entry is always readable), so P2M_READ is required.
 */
int npt_map(struct p2m *p2m, uint64_t gpa, paddr_t hpa, unsigned int order, unsigned int perms)
{
	if (order >= 64 - PAGE_SHIFT || !(perms & P2M_READ) || (perms & ~(P2M_RWX | P2M_UNCACHED)))
		return -KEEL_EINVAL;
	uint64_t size = PAGE_SIZE << order;
	if ((gpa | hpa) & (size - 1) || gpa + size > NPT_GPA_LIMIT || gpa + size < gpa ||
	    hpa + size > FRAME_PHYS_LIMIT || hpa + size < hpa)
		return -KEEL_EINVAL;

	bool big = order >= NPT_ORDER_2M;
	uint64_t step = big ? (PAGE_SIZE << NPT_ORDER_2M) : PAGE_SIZE;
	for (uint64_t off = 0; off < size; off += step) {
		int rc = map_one(p2m, gpa + off, hpa + off, big ? 2 : 1, perms);
		if (rc)
			return rc;
	}
	return 0;
}

static bool table_empty(const uint64_t *t)
{
	for (unsigned int i = 0; i < NPT_ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

/* Clears the leaf for gpa at 'level' and frees the tables that become empty on the way up. */
static void unmap_one(struct p2m *p2m, uint64_t gpa, int level)
{
	uint64_t *path[NPT_LEVELS + 1];
	uint64_t *t = table_at(p2m->root);
	int l;
	for (l = NPT_LEVELS; l > level; l--) {
		uint64_t *e = &t[index_at(gpa, l)];
		path[l] = e;
		if (!(*e & NPT_P))
			return;
		if (*e & NPT_PS) {
			/* Part of a 2 MiB leaf: keep the rest of it mapped. */
			int error = split_2m(p2m, e);
			if (error)
				return;   /* out of memory: the caller's unmap cannot fail, keep it whole */
		}
		t = table_at(*e & NPT_ADDR);
	}
	uint64_t *leaf = &t[index_at(gpa, level)];
	if (level == 2 && (*leaf & NPT_P) && !(*leaf & NPT_PS))
		table_free(p2m, *leaf & NPT_ADDR, 1);
	*leaf = 0;

	/* Walk back up: a table with no entries left goes (the root always stays). */
	for (l = level; l < NPT_LEVELS; l++) {
		uint64_t *entry = path[l + 1];
		paddr_t table = *entry & NPT_ADDR;
		if (!table_empty(table_at(table)))
			break;
		table_free(p2m, table, l);
		*entry = 0;
	}
}

void npt_unmap(struct p2m *p2m, uint64_t gpa, unsigned int order)
{
	if (order >= 64 - PAGE_SHIFT)
		return;
	uint64_t size = PAGE_SIZE << order;
	if (gpa & (size - 1) || gpa + size > NPT_GPA_LIMIT)
		return;
	bool big = order >= NPT_ORDER_2M;
	uint64_t step = big ? (PAGE_SIZE << NPT_ORDER_2M) : PAGE_SIZE;
	for (uint64_t off = 0; off < size; off += step)
		unmap_one(p2m, gpa + off, big ? 2 : 1);
}

void npt_destroy(struct p2m *p2m)
{
	if (p2m->root == FRAME_NONE || !p2m->table_pages)
		return;
	table_free(p2m, p2m->root, NPT_LEVELS);
	p2m->root = FRAME_NONE;
}

int npt_lookup(const struct p2m *p2m, uint64_t gpa, paddr_t *hpa, unsigned int *perms)
{
	if (gpa >= NPT_GPA_LIMIT)
		return -1;
	const uint64_t *t = table_at(p2m->root);
	for (int level = NPT_LEVELS; level >= 1; level--) {
		uint64_t e = t[index_at(gpa, level)];
		if (!(e & NPT_P))
			return -1;
		if (level == 1 || (level == 2 && (e & NPT_PS))) {
			uint64_t page_mask = level == 2 ? (PAGE_SIZE << NPT_ORDER_2M) - 1 : PAGE_SIZE - 1;
			*hpa = (e & NPT_ADDR & ~page_mask) | (gpa & page_mask);
			*perms = entry_perms(e);
			return 0;
		}
		t = table_at(e & NPT_ADDR);
	}
	return -1;
}
