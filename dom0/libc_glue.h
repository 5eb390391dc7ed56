/* libc_glue.h: what dom0's newlib system calls need from main(), and what they report. */
#ifndef DOM0_LIBC_GLUE_H
#define DOM0_LIBC_GLUE_H

#include <stdint.h>

/*
 * Gives malloc the RAM in [heap_start, heap_end) (page-aligned, identity-mapped). Called
 * once by main() before anything allocates; until then sbrk fails with ENOMEM.
 */
void libc_glue_init(uint64_t heap_start, uint64_t heap_end);

/* Bytes sbrk has handed out, and the heap's size, for 'info'. */
uint64_t libc_heap_used(void);
uint64_t libc_heap_size(void);

#endif
