/*
 * grant_table.h: sharing pages between domains (KEEL_HC_GRANT_TABLE_OP).
 *
 *     long grant_table_op(uint64_t cmd, void *arg, uint64_t count)
 *
 * A domain (the granter) gives another (the grantee) access to one of its pages by
 * creating a grant: a reference number naming (page, grantee, read-only or read-write).
 * The grantee then maps the page into its own guest-physical space, or copies to and
 * from it, naming it by (granter, reference). Grant entries live in the hypervisor, so
 * neither side can change one behind the other's back; the granter creates and ends
 * them with hypercalls.
 *
 * Rules (numbered so code and tests can cite them):
 *  G1. A reference is valid from GRANT until END. References are small integers chosen
 *      by the hypervisor, 0 .. KEEL_GRANT_MAX_REFS-1, and may be reused after END.
 *  G2. Only the named grantee may map or copy through a grant; anyone else gets
 *      -KEEL_EPERM. A read-only grant can be mapped read-only and copied from, never
 *      written: a writable MAP or a COPY into it gets -KEEL_EPERM.
 *  G3. MAP places the granter's page at 'host_gpa' in the grantee's space. host_gpa must
 *      be page-aligned inside the grant window [KEEL_GRANT_WINDOW_BASE,
 *      KEEL_GRANT_WINDOW_BASE + KEEL_GRANT_WINDOW_SIZE) and not already in use. The
 *      grantee maps that GPA in its own page tables to use it.
 *  G4. While a grant is mapped, its page cannot be freed or handed to another domain:
 *      the hypervisor holds a reference on the frame. END of a mapped grant returns
 *      -KEEL_EBUSY and changes nothing; the granter retries after the grantee unmaps.
 *  G5. UNMAP takes the handle MAP returned; afterwards accesses to host_gpa fault (the
 *      grantee crashes if it touches it).
 *  G6. When the grantee dies, all its mappings are unmapped. When the granter dies while
 *      a grant is mapped elsewhere, its page stays allocated (and mapped in the grantee)
 *      until the grantee unmaps or dies; only then is it freed. No domain ever sees a
 *      page after it was freed or given to someone else.
 *  G7. COPY does up to KEEL_GRANT_COPY_MAX operations in one call, in order; each gets its
 *      own status, and a failed one does not stop the others. The call returns 0 if the
 *      batch was read, or an error for the batch itself (-KEEL_EFAULT, -KEEL_E2BIG).
 *  G8. A domain may have at most KEEL_GRANT_MAX_REFS grants and KEEL_GRANT_MAX_MAPS
 *      mappings at once (-KEEL_ENOSPC).
 */
#ifndef KEEL_PV_GRANT_TABLE_H
#define KEEL_PV_GRANT_TABLE_H

#include <stdint.h>

#define KEEL_GRANT_MAX_REFS     1024
#define KEEL_GRANT_MAX_MAPS     256
#define KEEL_GRANT_COPY_MAX     64
/*
 * The window lies right above the largest guest RAM (64 GiB) and below 2^37, so a guest's
 * page tables can reach it on any CPU with MAXPHYADDR >= 37: a GPA at or above 2^MAXPHYADDR
 * sets reserved bits in the guest's PTE (#PF), e.g. 1 TiB under QEMU's 40-bit qemu64.
 */
#define KEEL_GRANT_WINDOW_BASE  0x1000000000ull    /* 64 GiB */
#define KEEL_GRANT_WINDOW_SIZE  0x40000000ull      /* 1 GiB */

/* cmd values; 'count' is used by COPY only (the number of entries at 'arg'). */
#define KEEL_GNTTABOP_GRANT   0
#define KEEL_GNTTABOP_END     1
#define KEEL_GNTTABOP_MAP     2
#define KEEL_GNTTABOP_UNMAP   3
#define KEEL_GNTTABOP_COPY    4

#define KEEL_GNTF_READONLY    (1u << 0)

/* GRANT: -KEEL_EINVAL if gpa is not a page of the caller's RAM, -KEEL_ESRCH for no such grantee. */
struct keel_gnttab_grant {
	uint64_t gpa;          /* IN: the caller's page, page-aligned */
	uint32_t grantee;      /* IN: domid */
	uint32_t flags;        /* IN: KEEL_GNTF_* */
	uint32_t ref;          /* OUT */
	uint32_t pad;
};

/* END: -KEEL_EINVAL for a reference that is not granted, -KEEL_EBUSY while mapped (G4). */
struct keel_gnttab_end {
	uint32_t ref;          /* IN */
	uint32_t pad;
};

/* MAP: -KEEL_ESRCH, -KEEL_EINVAL (ref or host_gpa), -KEEL_EPERM (G2), -KEEL_EEXIST (host_gpa in use). */
struct keel_gnttab_map {
	uint32_t granter;      /* IN: domid */
	uint32_t ref;          /* IN */
	uint64_t host_gpa;     /* IN: where, inside the grant window (G3) */
	uint32_t flags;        /* IN: KEEL_GNTF_READONLY for a read-only mapping */
	uint32_t handle;       /* OUT: for UNMAP */
};

/* UNMAP: -KEEL_EINVAL for a handle that is not mapped. */
struct keel_gnttab_unmap {
	uint32_t handle;       /* IN */
	uint32_t pad;
};

/* One side of a copy: a granted page of another domain, or the caller's own GPA. */
struct keel_gnttab_copy_ptr {
	uint32_t domid;        /* KEEL_DOMID_SELF (event_channel.h): 'gpa' is the caller's own */
	uint32_t ref;          /* otherwise: the grant reference */
	uint64_t gpa;          /* own page (domid == SELF), page-aligned */
	uint32_t offset;       /* byte offset in the page */
	uint32_t pad;
};

/* COPY entry: offset + len must stay within one page on both sides. */
struct keel_gnttab_copy {
	struct keel_gnttab_copy_ptr src;   /* IN */
	struct keel_gnttab_copy_ptr dst;   /* IN */
	uint32_t len;                      /* IN: bytes, 1..4096 */
	int32_t  status;                   /* OUT: 0 or a negated KEEL_E* */
};

#endif
