/* guest_access.c: copying to and from guest memory through validated translations. */
#include "guest_access.h"

#include <stdbool.h>

#include "domain.h"
#include "frame.h"
#include "guest_walk.h"
#include "keel/abi.h"
#include "mm.h"
#include "string.h"
#include "vcpu.h"

/*
 * Copies within one guest page at a time: pages need not be contiguous in host memory.
 * buf == NULL only checks that every page is there: a write into the guest checks the whole
 * range first, so a range that runs off the guest's memory fails with nothing written (found
 * by guests/hcfuzz: an OUT struct straddling the end of RAM had its first bytes written into
 * the console ring page before -KEEL_EFAULT).
 */
static int copy_phys(struct domain *d, uint64_t gpa, void *buf, size_t len, bool to_guest)
{
	while (len) {
		size_t chunk = PAGE_SIZE - (gpa & (PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		paddr_t hpa = domain_gpa_to_hpa(d, gpa);
		if (hpa == FRAME_NONE)
			return -KEEL_EFAULT;
		if (buf && to_guest)
			memcpy(phys_to_virt(hpa), buf, chunk);
		else if (buf)
			memcpy(buf, phys_to_virt(hpa), chunk);
		gpa += chunk;
		if (buf)
			buf = (char *)buf + chunk;
		len -= chunk;
	}
	return 0;
}

int copy_to_guest_phys(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
	int rc = copy_phys(d, gpa, NULL, len, true);
	return rc ? rc : copy_phys(d, gpa, (void *)src, len, true);
}

int copy_from_guest_phys(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
	return copy_phys(d, gpa, dst, len, false);
}

static bool read_guest_pte(void *ctx, uint64_t gpa, uint64_t *entry)
{
	struct domain *d = ctx;
	if (gpa & 7)
		return false;
	return copy_phys(d, gpa, entry, sizeof(*entry), false) == 0;
}

static int copy_virt(struct vcpu *v, uint64_t gva, void *buf, size_t len, bool to_guest)
{
	uint64_t cr3 = virt->guest_cr3(v->arch);
	if (gva + len < gva)
		return -KEEL_EFAULT;   /* wraps around the address space */
	while (len) {
		size_t chunk = PAGE_SIZE - (gva & (PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		uint64_t gpa;
		if (guest_walk(cr3, gva, to_guest, read_guest_pte, v->domain, &gpa) != GUEST_WALK_OK)
			return -KEEL_EFAULT;
		int rc = copy_phys(v->domain, gpa, buf, chunk, to_guest);
		if (rc)
			return rc;
		gva += chunk;
		if (buf)
			buf = (char *)buf + chunk;
		len -= chunk;
	}
	return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
	return copy_virt(v, gva, dst, len, false);
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	/* Walked twice: the first pass only checks (see copy_phys), so a fault writes nothing. */
	int rc = copy_virt(v, gva, NULL, len, true);
	return rc ? rc : copy_virt(v, gva, (void *)src, len, true);
}
