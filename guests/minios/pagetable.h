/* pagetable.h: minios's own page tables: built at boot from free RAM, 4 KiB pages with per-section permissions, loaded into CR3. */
#ifndef MINIOS_PAGETABLE_H
#define MINIOS_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>

#include <keel/start_info.h>

/*
 * Builds an identity map of the domain's RAM and its shared-info page with 4 KiB pages,
 * taking the tables from free RAM at *next_free (advanced past them), and loads it:
 *   page 0                    not present (a NULL dereference faults)
 *   the image's text          read-only, executable
 *   the image's rodata        read-only, not executable
 *   everything else           read-write, not executable
 * The builder's tables are not used afterwards. 0, or -1 if the tables do not fit below
 * free_end (nothing is loaded then).
 */
int pagetable_init(const struct keel_start_info *si, uint64_t *next_free, uint64_t free_end);

/* Makes the 4 KiB page at va not present (guard = true) or read-write again (false). */
void pagetable_set_guard(uint64_t va, bool guard);

/* The permissions of va's page as the tables say: a short text like "r-x", or "unmapped". */
const char *pagetable_describe(uint64_t va);

#endif
