/* paging.c: building and editing the hypervisor's page tables. */
#include "paging.h"

#include "cpu.h"
#include "frame.h"
#include "layout.h"
#include "log.h"
#include "string.h"

#define MMIO_AREA_BASE 0xffffff8000000000ull   /* below the image, in the top PML4 slot */
#define MMIO_AREA_SIZE (1ull << 30)

extern char __hv_start[], __text_end[], __data_start[], __hv_end[];

uint64_t mm_direct_map_offset;   /* 0 until the direct map is live */

static paddr_t root;
static uint64_t mmio_next = MMIO_AREA_BASE;
static uint64_t image_phys_base, image_virt_base;

paddr_t paging_root(void)
{
	return root;
}

static paddr_t new_table(void)
{
	paddr_t pa = frame_alloc_zeroed(0);
	if (pa == FRAME_NONE)
		panic("out of memory for page tables");
	return pa;
}

/* Returns the entry for 'va' at 'level' (3 = PML4 ... 0 = PT), creating tables above it. */
static uint64_t *walk(uint64_t va, int level, bool create)
{
	uint64_t *table = phys_to_virt(root);
	for (int l = 3; l > level; l--) {
		uint64_t *e = &table[(va >> (12 + 9 * l)) & 511];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			/* Intermediate levels are permissive; the leaf decides W and NX. */
			*e = new_table() | PTE_P | PTE_W;
		} else if (*e & PTE_PS) {
			panic("paging: %#llx is inside a large page", (unsigned long long)va);
		}
		table = phys_to_virt(*e & PTE_ADDR);
	}
	return &table[(va >> (12 + 9 * level)) & 511];
}

int paging_map(uint64_t va, paddr_t pa, uint64_t flags)
{
	uint64_t *pte = walk(va, 0, true);
	*pte = (pa & PTE_ADDR) | flags | PTE_P;
	invlpg(va);
	return 0;
}

void paging_unmap(uint64_t va)
{
	uint64_t *pte = walk(va, 0, false);
	if (pte) {
		*pte = 0;
		invlpg(va);
	}
}

static void map_range(uint64_t va, uint64_t va_end, uint64_t flags)
{
	for (; va < va_end; va += PAGE_SIZE)
		paging_map(va, image_phys_base + (va - image_virt_base), flags);
}

static void map_direct(paddr_t top, bool gbpages)
{
	uint64_t step = gbpages ? (1ull << 30) : (1ull << 21);
	for (paddr_t pa = 0; pa < top; pa += step) {
		uint64_t *e = walk(DIRECT_MAP_BASE + pa, gbpages ? 2 : 1, true);
		*e = pa | PTE_P | PTE_W | PTE_PS | PTE_NX;
	}
}

uint64_t paging_map_cpu_slot(unsigned int n)
{
	static const struct { uint64_t offset, size; } stacks[] = {
		{ CPU_STACK_OFFSET, CPU_STACK_SIZE },
		{ CPU_IST_DF_OFFSET, CPU_IST_SIZE },
		{ CPU_IST_NMI_OFFSET, CPU_IST_SIZE },
		{ CPU_IST_MC_OFFSET, CPU_IST_SIZE },
	};
	uint64_t base = STACK_AREA_BASE + (uint64_t)n * CPU_SLOT_SIZE;
	for (unsigned int s = 0; s < sizeof(stacks) / sizeof(stacks[0]); s++) {
		for (uint64_t off = 0; off < stacks[s].size; off += PAGE_SIZE) {
			paddr_t pa = frame_alloc_zeroed(0);
			if (pa == FRAME_NONE)
				panic("out of memory for cpu %u stacks", n);
			paging_map(base + stacks[s].offset + off, pa, PTE_W | PTE_NX);
		}
	}
	return base;
}

void *paging_map_mmio(paddr_t pa, uint64_t size)
{
	paddr_t first = ALIGN_DOWN(pa, PAGE_SIZE);
	uint64_t len = ALIGN_UP(pa + size, PAGE_SIZE) - first;
	if (mmio_next + len > MMIO_AREA_BASE + MMIO_AREA_SIZE)
		return NULL;
	uint64_t va = mmio_next;
	mmio_next += len;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
		paging_map(va + off, first + off, PTE_W | PTE_NX | PTE_PCD | PTE_PWT);
	return (void *)(va + (pa - first));
}

static paddr_t direct_map_top(const struct boot_info *bi)
{
	const struct boot_mem_region *map = phys_to_virt(bi->memmap);
	paddr_t top = 4ull << 30;   /* always cover the 32-bit MMIO hole (APIC, IOAPIC, ECAM) */
	for (uint32_t i = 0; i < bi->memmap_count; i++)
		if (map[i].base + map[i].length > top)
			top = map[i].base + map[i].length;
	return ALIGN_UP(top, 1ull << 30);
}

void paging_init(const struct boot_info *bi)
{
	struct cpuid_regs ext = cpuid(0x80000001, 0);
	struct cpuid_regs leaf7 = cpuid(0, 0).eax >= 7 ? cpuid(7, 0) : (struct cpuid_regs){ 0 };
	bool gbpages = ext.edx & (1u << 26);

	if (!(ext.edx & (1u << 20)))
		panic("this CPU has no NX bit; Keel requires it");
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);

	image_phys_base = bi->hv_phys_base;
	image_virt_base = bi->hv_virt_base;
	root = new_table();

	map_direct(direct_map_top(bi), gbpages);
	map_range((uint64_t)__hv_start, (uint64_t)__text_end, 0);                 /* text: R X */
	map_range((uint64_t)__text_end, (uint64_t)__data_start, PTE_NX);          /* rodata: R */
	map_range((uint64_t)__data_start, (uint64_t)__hv_end, PTE_W | PTE_NX);    /* data, bss: RW */

	write_cr0(read_cr0() | CR0_WP);
	uint64_t cr4 = read_cr4();
	if (leaf7.ebx & (1u << 7))
		cr4 |= CR4_SMEP;
	if (leaf7.ebx & (1u << 20))
		cr4 |= CR4_SMAP;
	write_cr4(cr4);

	write_cr3(root);
	mm_direct_map_offset = DIRECT_MAP_BASE;
}
