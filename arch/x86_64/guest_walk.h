/* guest_walk.h: translating guest-virtual addresses through a guest's own 4-level page tables. */
#ifndef KEEL_ARCH_GUEST_WALK_H
#define KEEL_ARCH_GUEST_WALK_H

#include <stdbool.h>
#include <stdint.h>

/* Reads the 8-byte entry at guest-physical 'gpa'; false if that is not guest RAM. */
typedef bool (*guest_pte_reader)(void *ctx, uint64_t gpa, uint64_t *entry);

#define GUEST_WALK_OK        0
#define GUEST_WALK_FAULT    -1   /* not present, not writable, non-canonical or not RAM */

/*
 * Walks the long-mode tables rooted at 'cr3' for 'gva' the way a supervisor-mode
 * access would (CR0.WP=1: a write needs R/W at every level). Large pages at the
 * PDPT (1 GiB) and PD (2 MiB) levels are honoured. Every table entry is read through
 * 'read', so a guest can only point the walk at its own memory.
 */
int guest_walk(uint64_t cr3, uint64_t gva, bool write, guest_pte_reader read, void *ctx, uint64_t *gpa);

#endif
