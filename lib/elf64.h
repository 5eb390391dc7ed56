/* elf64.h: validation of an in-memory ELF64 x86-64 executable against caller-supplied limits. */
#ifndef KEEL_ELF64_H
#define KEEL_ELF64_H

#include <stddef.h>
#include <stdint.h>

/* The most PT_LOAD segments a summary can hold; limits may ask for fewer. */
#define ELF64_SEGMENTS_MAX 16

/* Segment permission flags, as in p_flags. */
#define ELF64_PF_X 1u
#define ELF64_PF_W 2u
#define ELF64_PF_R 4u

struct elf64_limits {
	uint64_t vaddr_min;       /* lowest virtual address a segment may occupy */
	uint64_t vaddr_max;       /* highest byte address a segment may occupy (inclusive) */
	unsigned max_segments;    /* at most ELF64_SEGMENTS_MAX */
};

struct elf64_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;          /* file offset of the first byte */
	uint64_t filesz;          /* bytes from the file; the rest up to memsz is zero */
	uint32_t flags;           /* ELF64_PF_* */
};

struct elf64_image {
	uint64_t entry;
	uint64_t vaddr_low;       /* lowest vaddr of any PT_LOAD segment */
	uint64_t vaddr_high;      /* end (exclusive) of the highest PT_LOAD segment */
	unsigned segment_count;
	struct elf64_segment segments[ELF64_SEGMENTS_MAX]; /* in program-header order */
};

/*
 * Checks that the size bytes at file form a little-endian ELF64 x86-64 ET_EXEC
 * whose PT_LOAD segments lie inside the file and inside the allowed range,
 * do not overlap, and contain the entry point in an executable segment.
 * Segments with memsz 0 are ignored. On success fills *out and returns 0.
 * On failure returns -1 and writes one message into error, e.g.
 * "not an ELF64 x86-64 executable (bad magic)".
 */
int elf64_validate(const void *file, size_t size, const struct elf64_limits *limits,
                   struct elf64_image *out, char *error, size_t error_size);

#endif
