/* elf64.c: ELF64 executable validation; every field is checked before it is trusted. */
#include "elf64.h"

#include <stdbool.h>

#include "fmt.h"
#include "string.h"

/* The on-disk structures, declared here so no host or firmware header is needed. */
struct elf64_ehdr {
	unsigned char ident[16];
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint64_t entry;
	uint64_t phoff;
	uint64_t shoff;
	uint32_t flags;
	uint16_t ehsize;
	uint16_t phentsize;
	uint16_t phnum;
	uint16_t shentsize;
	uint16_t shnum;
	uint16_t shstrndx;
};

struct elf64_phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header is 64 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header is 56 bytes");

#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define EV_CURRENT    1
#define ET_EXEC       2
#define EM_X86_64     62
#define PT_LOAD       1

static const unsigned char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

static int fail(char *error, size_t error_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *error, size_t error_size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(error, error_size, fmt, ap);
	va_end(ap);
	return -1;
}

#define NOT_EXEC "not an ELF64 x86-64 executable"

/* The identification checks: is this the kind of file we load at all? */
static int check_header(const unsigned char *bytes, size_t size, struct elf64_ehdr *eh,
                        char *error, size_t error_size)
{
	size_t magic_seen = size < sizeof elf_magic ? size : sizeof elf_magic;
	if (memcmp(bytes, elf_magic, magic_seen) != 0)
		return fail(error, error_size, NOT_EXEC " (bad magic)");
	if (size < sizeof *eh)
		return fail(error, error_size, "truncated file (%zu bytes, the ELF header alone is %zu)",
		            size, sizeof *eh);
	memcpy(eh, bytes, sizeof *eh); /* the file buffer may be unaligned */

	if (eh->ident[EI_CLASS] != ELFCLASS64)
		return fail(error, error_size, NOT_EXEC " (class %u, not 64-bit)", eh->ident[EI_CLASS]);
	if (eh->ident[EI_DATA] != ELFDATA2LSB)
		return fail(error, error_size, NOT_EXEC " (not little-endian)");
	if (eh->ident[EI_VERSION] != EV_CURRENT || eh->version != EV_CURRENT)
		return fail(error, error_size, NOT_EXEC " (unknown ELF version)");
	if (eh->machine != EM_X86_64)
		return fail(error, error_size, NOT_EXEC " (machine %u, not x86-64)", eh->machine);
	if (eh->type != ET_EXEC)
		return fail(error, error_size, NOT_EXEC " (type %u, not ET_EXEC)", eh->type);
	if (eh->phentsize != sizeof(struct elf64_phdr))
		return fail(error, error_size, "bad program header size %u (expected %zu)",
		            eh->phentsize, sizeof(struct elf64_phdr));
	if (eh->phnum == 0)
		return fail(error, error_size, "no PT_LOAD segment");
	uint64_t table_size = (uint64_t)eh->phnum * sizeof(struct elf64_phdr);
	if (eh->phoff > size || table_size > size - eh->phoff)
		return fail(error, error_size, "program headers outside the file");
	return 0;
}

/* The per-segment checks that do not depend on other segments. */
static int check_segment(const struct elf64_phdr *ph, unsigned index, size_t size,
                         const struct elf64_limits *limits, char *error, size_t error_size)
{
	if (ph->filesz > ph->memsz)
		return fail(error, error_size,
		            "segment %u: file size 0x%llx exceeds memory size 0x%llx", index,
		            (unsigned long long)ph->filesz, (unsigned long long)ph->memsz);
	if (ph->offset > size || ph->filesz > size - ph->offset)
		return fail(error, error_size,
		            "segment %u: file range 0x%llx+0x%llx outside the file (%zu bytes)", index,
		            (unsigned long long)ph->offset, (unsigned long long)ph->filesz, size);
	uint64_t last = ph->vaddr + (ph->memsz - 1);
	if (last < ph->vaddr || last == UINT64_MAX)
		return fail(error, error_size, "segment %u: address overflow (0x%llx+0x%llx)", index,
		            (unsigned long long)ph->vaddr, (unsigned long long)ph->memsz);
	if (ph->vaddr < limits->vaddr_min || last > limits->vaddr_max)
		return fail(error, error_size,
		            "segment %u: 0x%llx-0x%llx outside the allowed range 0x%llx-0x%llx", index,
		            (unsigned long long)ph->vaddr, (unsigned long long)last,
		            (unsigned long long)limits->vaddr_min,
		            (unsigned long long)limits->vaddr_max);
	return 0;
}

int elf64_validate(const void *file, size_t size, const struct elf64_limits *limits,
                   struct elf64_image *out, char *error, size_t error_size)
{
	if (error && error_size)
		error[0] = '\0';
	if (!file || !limits || !out)
		return fail(error, error_size, "invalid arguments");
	if (limits->vaddr_min > limits->vaddr_max || limits->max_segments == 0 ||
	    limits->max_segments > ELF64_SEGMENTS_MAX)
		return fail(error, error_size, "invalid limits");

	const unsigned char *bytes = file;
	struct elf64_ehdr eh;
	if (check_header(bytes, size, &eh, error, error_size))
		return -1;

	memset(out, 0, sizeof *out);
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct elf64_phdr ph;
		memcpy(&ph, bytes + eh.phoff + (uint64_t)i * sizeof ph, sizeof ph);
		if (ph.type != PT_LOAD || ph.memsz == 0) {
			if (ph.type == PT_LOAD && ph.filesz)
				return fail(error, error_size,
				            "segment %u: file size 0x%llx exceeds memory size 0", i,
				            (unsigned long long)ph.filesz);
			continue;
		}
		if (check_segment(&ph, i, size, limits, error, error_size))
			return -1;
		if (out->segment_count == limits->max_segments)
			return fail(error, error_size, "too many PT_LOAD segments (max %u)",
			            limits->max_segments);

		uint64_t end = ph.vaddr + ph.memsz;
		for (unsigned j = 0; j < out->segment_count; j++) {
			const struct elf64_segment *other = &out->segments[j];
			if (ph.vaddr < other->vaddr + other->memsz && other->vaddr < end)
				return fail(error, error_size,
				            "segments overlap (0x%llx-0x%llx and 0x%llx-0x%llx)",
				            (unsigned long long)other->vaddr,
				            (unsigned long long)(other->vaddr + other->memsz - 1),
				            (unsigned long long)ph.vaddr, (unsigned long long)(end - 1));
		}

		struct elf64_segment *seg = &out->segments[out->segment_count++];
		seg->vaddr = ph.vaddr;
		seg->memsz = ph.memsz;
		seg->offset = ph.offset;
		seg->filesz = ph.filesz;
		seg->flags = ph.flags & (ELF64_PF_R | ELF64_PF_W | ELF64_PF_X);
		if (out->segment_count == 1 || ph.vaddr < out->vaddr_low)
			out->vaddr_low = ph.vaddr;
		if (end > out->vaddr_high)
			out->vaddr_high = end;
	}
	if (out->segment_count == 0)
		return fail(error, error_size, "no PT_LOAD segment");

	bool entry_ok = false;
	for (unsigned i = 0; i < out->segment_count; i++) {
		const struct elf64_segment *seg = &out->segments[i];
		if ((seg->flags & ELF64_PF_X) && eh.entry >= seg->vaddr &&
		    eh.entry - seg->vaddr < seg->memsz)
			entry_ok = true;
	}
	if (!entry_ok)
		return fail(error, error_size, "entry point 0x%llx not inside an executable segment",
		            (unsigned long long)eh.entry);
	out->entry = eh.entry;
	return 0;
}
