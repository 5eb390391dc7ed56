/* newlib_heap.c: sbrk for newlib-based domains: a break that moves inside one fixed range of free RAM. */
#include "newlib_heap.h"

#include <errno.h>
#include <stddef.h>
#include <unistd.h>

static uint64_t heap_start, heap_end, heap_brk;

void libc_heap_init(uint64_t start, uint64_t end)
{
	heap_start = heap_brk = start;
	heap_end = end > start ? end : start;
}

uint64_t libc_heap_used(void)
{
	return heap_brk - heap_start;
}

uint64_t libc_heap_size(void)
{
	return heap_end - heap_start;
}

/*
 * malloc's only source of memory: it asks for more and may give some back, never below the
 * start. Callers serialise (newlib calls it under its malloc lock).
 */
void *sbrk(ptrdiff_t increment)
{
	uint64_t old = heap_brk;
	if (increment >= 0 ? (uint64_t)increment > heap_end - heap_brk
			   : (uint64_t)-increment > heap_brk - heap_start) {
		errno = ENOMEM;
		return (void *)-1;
	}
	heap_brk += (uint64_t)increment;
	return (void *)(uintptr_t)old;
}
