/* heap.c: kmalloc/kfree: size-class slabs in single frames and whole-block allocations above them. */
#include "heap.h"

#include <stdbool.h>

#include "frame.h"
#include "log.h"
#include "mm.h"
#include "spinlock.h"
#include "string.h"

#define NR_CLASSES 7              /* 16, 32, ..., 1024 */
#define CLASS_SHIFT_MIN 4         /* log2(HEAP_SLAB_MIN) */
#define SLAB_MAX_OBJECTS ((PAGE_SIZE - HEAP_HEADER_SIZE) / HEAP_SLAB_MIN)

#define HEAP_SLAB_MAGIC  0x42414c53u /* "SLAB" */
#define HEAP_LARGE_MAGIC 0x45475242u /* "BRGE": a big block */

/*
 * The first HEAP_HEADER_SIZE bytes of every heap frame (the first frame of a
 * large block). kfree() finds it by rounding the pointer down to its frame, so
 * no per-frame side table is needed. Offsets and physical links keep it valid
 * however the direct map is placed.
 */
struct heap_page {
	uint32_t magic;
	uint16_t size_class;      /* slab: index into the classes */
	uint16_t order;           /* large: frame order of the block */
	uint16_t used;            /* slab: live objects */
	uint16_t capacity;        /* slab: objects that fit */
	uint16_t free_offset;     /* slab: first free object's offset in the frame, 0 if none */
	uint16_t reserved;
	paddr_t  next;            /* slab: neighbours on the class's partial list */
	paddr_t  prev;
	uint64_t in_use[(SLAB_MAX_OBJECTS + 63) / 64]; /* slab: bit per live object */
};

_Static_assert(sizeof(struct heap_page) == HEAP_HEADER_SIZE, "heap header must fill HEAP_HEADER_SIZE");
_Static_assert(HEAP_SLAB_MAX == HEAP_SLAB_MIN << (NR_CLASSES - 1), "classes must span MIN..MAX");

static struct {
	spinlock_t lock;
	paddr_t    partial[NR_CLASSES]; /* slabs with at least one free object */
	struct heap_stats stats;
} heap = { .lock = SPINLOCK_INIT, .partial = { [0 ... NR_CLASSES - 1] = FRAME_NONE } };

/* Misuse is caught before anything changes, so the heap stays usable past the panic in tests. */
#define heap_bug(...) do { spin_unlock(&heap.lock); panic(__VA_ARGS__); } while (0)

static size_t class_size(unsigned size_class) { return (size_t)HEAP_SLAB_MIN << size_class; }

static unsigned class_for(size_t size)
{
	unsigned size_class = 0;
	while (class_size(size_class) < size)
		size_class++;
	return size_class;
}

static struct heap_page *page_at(paddr_t pa) { return phys_to_virt(pa); }

static bool object_live(const struct heap_page *page, unsigned index)
{
	return (page->in_use[index / 64] >> (index % 64)) & 1;
}

static void partial_push(unsigned size_class, paddr_t pa)
{
	struct heap_page *page = page_at(pa);
	page->prev = FRAME_NONE;
	page->next = heap.partial[size_class];
	if (page->next != FRAME_NONE)
		page_at(page->next)->prev = pa;
	heap.partial[size_class] = pa;
}

static void partial_remove(unsigned size_class, paddr_t pa)
{
	struct heap_page *page = page_at(pa);
	if (page->prev == FRAME_NONE)
		heap.partial[size_class] = page->next;
	else
		page_at(page->prev)->next = page->next;
	if (page->next != FRAME_NONE)
		page_at(page->next)->prev = page->prev;
}

/* A fresh frame with every object chained on its free list, lowest address first. */
static paddr_t slab_create(unsigned size_class)
{
	paddr_t pa = frame_alloc(0);
	if (pa == FRAME_NONE)
		return FRAME_NONE;

	struct heap_page *page = page_at(pa);
	size_t size = class_size(size_class);
	memset(page, 0, sizeof(*page));
	page->magic = HEAP_SLAB_MAGIC;
	page->size_class = (uint16_t)size_class;
	page->capacity = (uint16_t)((PAGE_SIZE - HEAP_HEADER_SIZE) / size);
	page->free_offset = HEAP_HEADER_SIZE;
	for (unsigned i = 0; i < page->capacity; i++) {
		size_t offset = HEAP_HEADER_SIZE + i * size;
		uint16_t next = i + 1 < page->capacity ? (uint16_t)(offset + size) : 0;
		memcpy((char *)page + offset, &next, sizeof(next));
	}
	partial_push(size_class, pa);
	heap.stats.slab_frames++;
	return pa;
}

static void *slab_alloc(size_t size)
{
	unsigned size_class = class_for(size);

	spin_lock(&heap.lock);
	paddr_t pa = heap.partial[size_class];
	if (pa == FRAME_NONE)
		pa = slab_create(size_class);
	if (pa == FRAME_NONE) {
		spin_unlock(&heap.lock);
		return NULL;
	}

	struct heap_page *page = page_at(pa);
	uint16_t offset = page->free_offset;
	unsigned index = (offset - HEAP_HEADER_SIZE) / class_size(size_class);
	if (page->magic != HEAP_SLAB_MAGIC || offset < HEAP_HEADER_SIZE || index >= page->capacity ||
	    object_live(page, index))
		heap_bug("kmalloc: slab at %#llx corrupted (use after free?)", (unsigned long long)pa);

	char *object = (char *)page + offset;
	memcpy(&page->free_offset, object, sizeof(page->free_offset));
	page->in_use[index / 64] |= 1ull << (index % 64);
	if (++page->used == page->capacity)
		partial_remove(size_class, pa);
	heap.stats.allocs_live++;
	heap.stats.bytes_in_use += class_size(size_class);
	spin_unlock(&heap.lock);
	return object;
}

static void *large_alloc(size_t size)
{
	unsigned order = 0;
	while (order <= FRAME_MAX_ORDER && (PAGE_SIZE << order) - HEAP_HEADER_SIZE < size)
		order++;
	if (order > FRAME_MAX_ORDER)
		return NULL;

	paddr_t pa = frame_alloc(order);
	if (pa == FRAME_NONE)
		return NULL;

	struct heap_page *page = page_at(pa);
	memset(page, 0, sizeof(*page));
	page->magic = HEAP_LARGE_MAGIC;
	page->order = (uint16_t)order;

	spin_lock(&heap.lock);
	heap.stats.allocs_live++;
	heap.stats.bytes_in_use += (PAGE_SIZE << order) - HEAP_HEADER_SIZE;
	heap.stats.large_frames += 1ull << order;
	spin_unlock(&heap.lock);
	return (char *)page + HEAP_HEADER_SIZE;
}

void heap_init(void)
{
	spin_lock(&heap.lock);
	for (unsigned size_class = 0; size_class < NR_CLASSES; size_class++)
		heap.partial[size_class] = FRAME_NONE;
	memset(&heap.stats, 0, sizeof(heap.stats));
	spin_unlock(&heap.lock);
}

void *kmalloc(size_t size)
{
	if (size == 0)
		return NULL;
	return size <= HEAP_SLAB_MAX ? slab_alloc(size) : large_alloc(size);
}

void *kzalloc(size_t size)
{
	void *ptr = kmalloc(size);
	if (ptr)
		memset(ptr, 0, size);
	return ptr;
}

void *kcalloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	return kzalloc(count * size);
}

static void slab_free(paddr_t pa, struct heap_page *page, size_t offset, const void *ptr)
{
	unsigned size_class = page->size_class;
	if (size_class >= NR_CLASSES)
		heap_bug("kfree(%p): slab header corrupted", ptr);
	size_t size = class_size(size_class);
	if (offset < HEAP_HEADER_SIZE || (offset - HEAP_HEADER_SIZE) % size)
		heap_bug("kfree(%p): not the start of a %zu-byte object", ptr, size);
	unsigned index = (unsigned)((offset - HEAP_HEADER_SIZE) / size);
	if (index >= page->capacity || !object_live(page, index))
		heap_bug("kfree(%p): double free", ptr);

	page->in_use[index / 64] &= ~(1ull << (index % 64));
	uint16_t next = page->free_offset;
	memcpy((char *)page + offset, &next, sizeof(next));
	page->free_offset = (uint16_t)offset;
	if (page->used-- == page->capacity)
		partial_push(size_class, pa);
	heap.stats.allocs_live--;
	heap.stats.bytes_in_use -= size;

	/* Empty slabs go straight back, so frame counts return exactly to baseline after a leak test. */
	if (page->used == 0) {
		partial_remove(size_class, pa);
		page->magic = 0;
		heap.stats.slab_frames--;
		frame_free(pa, 0);
	}
}

static void large_free(paddr_t pa, struct heap_page *page, size_t offset, const void *ptr)
{
	unsigned order = page->order;
	if (offset != HEAP_HEADER_SIZE || order > FRAME_MAX_ORDER)
		heap_bug("kfree(%p): not the start of a large allocation", ptr);

	/* Cleared so a second kfree of the same pointer is recognised as foreign. */
	page->magic = 0;
	heap.stats.allocs_live--;
	heap.stats.bytes_in_use -= (PAGE_SIZE << order) - HEAP_HEADER_SIZE;
	heap.stats.large_frames -= 1ull << order;
	frame_free(pa, order);
}

void kfree(void *ptr)
{
	if (!ptr)
		return;
	if ((uintptr_t)ptr % HEAP_ALIGN)
		panic("kfree(%p): misaligned, not from kmalloc", ptr);

	paddr_t pa = virt_to_phys(ptr);
	paddr_t page_pa = pa & PAGE_MASK;
	/* Checked before the header is read: a stray pointer may not even be mapped. */
	if (!frame_is_managed(page_pa))
		panic("kfree(%p): not heap memory", ptr);

	struct heap_page *page = page_at(page_pa);
	size_t offset = (size_t)(pa - page_pa);

	spin_lock(&heap.lock);
	if (page->magic == HEAP_SLAB_MAGIC)
		slab_free(page_pa, page, offset, ptr);
	else if (page->magic == HEAP_LARGE_MAGIC)
		large_free(page_pa, page, offset, ptr);
	else
		heap_bug("kfree(%p): not a live heap allocation (double free?)", ptr);
	spin_unlock(&heap.lock);
}

void heap_get_stats(struct heap_stats *out)
{
	if (!out)
		return;
	spin_lock(&heap.lock);
	*out = heap.stats;
	spin_unlock(&heap.lock);
}
