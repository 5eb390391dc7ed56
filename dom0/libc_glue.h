/* libc_glue.h: what dom0's newlib system calls need from main(). */
#ifndef DOM0_LIBC_GLUE_H
#define DOM0_LIBC_GLUE_H

#include <stdint.h>

/*
 * Gives malloc the RAM in [heap_start, heap_end) (page-aligned, identity-mapped). Called
 * once by main() before anything allocates; until then sbrk fails with ENOMEM. The heap's
 * figures are lib/newlib_heap.h's libc_heap_used() and libc_heap_size().
 */
void libc_glue_init(uint64_t heap_start, uint64_t heap_end);

#endif
