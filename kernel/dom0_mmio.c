/* dom0_mmio.c: dom0's device memory: ECAM mapped at its build, PCI BARs on first touch, uncached, at GPA == MPA. */
#include "dom0_mmio.h"

#include "config.h"
#include "domain.h"
#include "keel/domctl.h"
#include "keel/grant_table.h"
#include "log.h"
#include "mm.h"
#include "mmio_policy.h"
#include "shared_info.h"
#include "spinlock.h"
#include "virt.h"

/*
 * Eager for ECAM, lazy for everything else. The ECAM windows are known (MCFG), always
 * used (dom0 enumerates PCI at start) and cheap to map (256 MiB is one page directory of
 * 2 MiB leaves), so dom0_mmio_setup maps them and says so in one line. Where the BARs are
 * is not known to the hypervisor: the 32-bit hole could be derived from the memory map,
 * but the 64-bit window is only in the DSDT's _CRS (AML Keel does not interpret), and
 * mapping "everything that is not RAM" up to the physical address width would take
 * gigabytes of tables. So the first touch of any other device address is an EPT/NPT
 * violation, and dom0_mmio_fault maps the 2 MiB block around it (or only the 4 KiB page
 * when something the policy refuses shares the block) after checking it against
 * mmio_policy.h. A driver touches a few BARs, so that is a handful of exits per boot.
 */

#define BLOCK_2M        (2ull << 20)
#define ORDER_2M        9
#define KEPT_MAX        (2 + MAX_IOAPICS + 4)   /* platform_mmio_kept: APIC range and page, IOAPICs, 4 ACPI registers */
#define LAZY_LOG_MAX    32   /* lines about first-touch mappings; dom0 is trusted, the log is not infinite */

static struct domain *mmio_domain;
static spinlock_t mmio_lock = SPINLOCK_INIT;   /* one p2m edit at a time, whichever vCPU faults */
static struct mmio_policy policy;
static struct platform_mmio_range kept[KEPT_MAX];
static struct platform_mmio_range ecam_ranges[MAX_PCI_SEGMENTS];
static struct platform_ecam ecam_windows[MAX_PCI_SEGMENTS];   /* those mapped, in MCFG order */
static unsigned int ecam_mapped;
static struct platform_mmio_range gpa_used[3];
static unsigned int lazy_logged;

static bool ram_overlaps(const void *ctx, uint64_t base, uint64_t size)
{
	const struct domain *d = ctx;
	for (unsigned int i = 0; i < d->nr_extents; i++) {
		const struct mem_extent *e = &d->extents[i];
		uint64_t bytes = (PAGE_SIZE << e->order);
		if (base < e->gpa + bytes && e->gpa < base + size)
			return true;
	}
	return false;
}

/* The order of the leaf that maps 'at' when [base, base + size) is mapped: 2 MiB where aligned. */
static unsigned int leaf_order(uint64_t at, uint64_t end)
{
	return !(at & (BLOCK_2M - 1)) && end - at >= BLOCK_2M ? ORDER_2M : 0;
}

static void unmap_range(struct domain *d, uint64_t base, uint64_t size)
{
	for (uint64_t at = base; at < base + size; at += PAGE_SIZE << leaf_order(at, base + size))
		virt->p2m_unmap(&d->p2m, at, leaf_order(at, base + size));
}

/* Maps [base, base + size) (page-aligned) at GPA == MPA uncached; all or nothing. */
static int map_uncached(struct domain *d, uint64_t base, uint64_t size)
{
	for (uint64_t at = base; at < base + size; at += PAGE_SIZE << leaf_order(at, base + size)) {
		int rc = virt->p2m_map(&d->p2m, at, at, leaf_order(at, base + size), P2M_READ | P2M_WRITE | P2M_UNCACHED);
		if (rc < 0) {
			unmap_range(d, base, at - base);
			return rc;
		}
	}
	return 0;
}

/* false when the hypervisor's own devices could not all be listed: then dom0 gets no MMIO at all. */
static bool setup_policy(struct domain *d, const struct boot_info *bi)
{
	unsigned int n = platform_mmio_kept(kept, KEPT_MAX);
	if (n > KEPT_MAX) {
		pr_err("dom0: %u device ranges kept by the hypervisor, room for %u: dom0 gets no device memory\n",
		       n, KEPT_MAX);
		return false;
	}
	policy.memmap = phys_to_virt(bi->memmap);   /* boot-info memory is never reclaimed */
	policy.memmap_count = bi->memmap_count;
	policy.kept = kept;
	policy.kept_count = n;
	gpa_used[0] = (struct platform_mmio_range){ shared_info_gpa(d), PAGE_SIZE, "dom0's shared-info page" };
	gpa_used[1] = (struct platform_mmio_range){ KEEL_GRANT_WINDOW_BASE, KEEL_GRANT_WINDOW_SIZE, "dom0's grant window" };
	gpa_used[2] = (struct platform_mmio_range){ KEEL_FOREIGN_WINDOW_BASE, KEEL_FOREIGN_WINDOW_SIZE,
						   "dom0's foreign window" };
	policy.gpa_used = gpa_used;
	policy.gpa_used_count = 3;
	policy.ram_overlaps = ram_overlaps;
	policy.ram_ctx = d;
	policy.phys_limit = 1ull << platform_phys_addr_bits();

	/* Every window's bus range counts as device memory before any is mapped. */
	struct platform_ecam w;
	unsigned int count = 0;
	while (count < MAX_PCI_SEGMENTS && platform_ecam_window(count, &w)) {
		ecam_ranges[count] = (struct platform_mmio_range){
			w.base + ((uint64_t)w.start_bus << 20), ((uint64_t)w.end_bus - w.start_bus + 1) << 20, "ECAM" };
		count++;
	}
	policy.ecam = ecam_ranges;
	policy.ecam_count = count;
	return true;
}

void dom0_mmio_setup(struct domain *d, const struct boot_info *bi)
{
	if (!setup_policy(d, bi))
		return;
	struct platform_ecam w;
	for (unsigned int i = 0; i < policy.ecam_count && platform_ecam_window(i, &w); i++) {
		uint64_t base = ecam_ranges[i].base, size = ecam_ranges[i].size;
		/* A window is mapped whole or not at all: dom0 learns only of whole ones (sysctl PCI_ECAM). */
		const char *why = mmio_policy_refuses(&policy, base, size);
		if (why || map_uncached(d, base, size) < 0) {
			pr_warn("dom0: ECAM segment %u at %#llx not mapped: %s\n", w.segment, (unsigned long long)base,
				why ? why : "out of memory for the tables");
			continue;
		}
		ecam_windows[ecam_mapped++] = w;
		pr_info("dom0: ECAM segment %u buses %02x-%02x at %#llx-%#llx mapped uncached, GPA == MPA\n", w.segment,
			w.start_bus, w.end_bus, (unsigned long long)base, (unsigned long long)(base + size - 1));
	}
	if (!policy.ecam_count)
		pr_info("dom0: no ECAM (MCFG): PCI config space only through ports 0xcf8/0xcfc\n");
	pr_info("dom0: other device memory mapped uncached on first touch (2 MiB blocks, never RAM or the APICs)\n");
	mmio_domain = d;
}

bool dom0_mmio_fault(struct domain *d, uint64_t gpa, uint32_t access)
{
	if (d != mmio_domain || d != dom0 || (access & VIRT_ACCESS_EXEC))
		return false;   /* device memory is never executed */
	uint64_t page = ALIGN_DOWN(gpa, PAGE_SIZE), block = ALIGN_DOWN(gpa, BLOCK_2M);
	const char *why = NULL;
	uint64_t base = 0, size = 0;
	bool handled;
	paddr_t hpa;
	unsigned int perms;

	spin_lock(&mmio_lock);
	if (virt->p2m_lookup(&d->p2m, gpa, &hpa, &perms) == 0) {
		/* Another vCPU mapped it after this one faulted; anything else is a real violation. */
		handled = (perms & P2M_UNCACHED) && hpa == gpa && (perms & P2M_WRITE);
		spin_unlock(&mmio_lock);
		return handled;
	}
	if (!mmio_policy_refuses(&policy, block, BLOCK_2M)) {
		base = block;
		size = BLOCK_2M;
	} else if (!(why = mmio_policy_refuses(&policy, page, PAGE_SIZE))) {
		base = page;
		size = PAGE_SIZE;
	}
	int rc = size ? map_uncached(d, base, size) : 0;
	handled = size && rc == 0;
	bool log_it = handled && lazy_logged < LAZY_LOG_MAX;
	if (log_it)
		lazy_logged++;
	spin_unlock(&mmio_lock);

	if (log_it)
		pr_info("dom0: MMIO %#llx-%#llx mapped uncached on first touch (%s of %#llx)%s\n",
			(unsigned long long)base, (unsigned long long)(base + size - 1),
			(access & VIRT_ACCESS_WRITE) ? "write" : "read", (unsigned long long)gpa,
			lazy_logged == LAZY_LOG_MAX ? "; further ones not logged" : "");
	else if (!handled)
		pr_warn("dom0: no device memory at %#llx: %s\n", (unsigned long long)gpa,
			why ? why : "out of memory for the tables");
	return handled;
}

unsigned int dom0_mmio_ecam(unsigned int index, struct platform_ecam *out)
{
	if (index < ecam_mapped)
		*out = ecam_windows[index];
	return ecam_mapped;
}
