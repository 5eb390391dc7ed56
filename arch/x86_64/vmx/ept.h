/* ept.h: extended page tables: a guest-physical address space as 4-level EPT (the p2m ops of the VMX backend). */
#ifndef KEEL_VMX_EPT_H
#define KEEL_VMX_EPT_H

#include <stdint.h>

#include "virt.h"

/* EPT paging-structure entry bits (SDM 29.3.2). */
#define EPT_READ          (1ull << 0)
#define EPT_WRITE         (1ull << 1)
#define EPT_EXEC          (1ull << 2)
#define EPT_RWX           (EPT_READ | EPT_WRITE | EPT_EXEC)
#define EPT_MEMTYPE_SHIFT 3
#define EPT_MEMTYPE_MASK  (7ull << EPT_MEMTYPE_SHIFT)
#define EPT_MEMTYPE_UC    (0ull << EPT_MEMTYPE_SHIFT)
#define EPT_MEMTYPE_WB    (6ull << EPT_MEMTYPE_SHIFT)
#define EPT_LARGE         (1ull << 7)
#define EPT_ADDR_MASK     0x000ffffffffff000ull

/* EPTP (SDM 24.6.11): memory type of the tables and the page-walk length minus one. */
#define EPTP_MEMTYPE_WB   6ull
#define EPTP_WALK_4       (3ull << 3)

/* A 4-level walk covers 48 bits of guest-physical address. */
#define EPT_GPA_LIMIT     (1ull << 48)

int  ept_init(struct p2m *p2m);
/* Maps [gpa, gpa + 4 KiB << order) to hpa with P2M_* perms (WB, or UC with P2M_UNCACHED),
 * using 2 MiB leaves where both line up. */
int  ept_map(struct p2m *p2m, uint64_t gpa, paddr_t hpa, unsigned int order, unsigned int perms);
void ept_unmap(struct p2m *p2m, uint64_t gpa, unsigned int order);
/* Frees every table; the memory the tables mapped is the caller's. */
void ept_destroy(struct p2m *p2m);

/* The EPTP that selects this address space. */
uint64_t ept_pointer(const struct p2m *p2m);

/* Looks gpa up: 0 and *hpa, *perms (P2M_*, P2M_UNCACHED for a UC leaf) when mapped, -1 when not. */
int ept_translate(const struct p2m *p2m, uint64_t gpa, paddr_t *hpa, unsigned int *perms);

#endif
