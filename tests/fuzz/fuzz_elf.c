/* fuzz_elf.c: libFuzzer target for the guest-image path: lib/elf64.c validation, then lib/guest_layout.c planning and a builder's writes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf64.h"
#include "fuzz_check.h"
#include "guest_layout.h"
#include "keel/start_info.h"

/*
 * The input is the ELF file itself, so seeds are ordinary executables. Two header fields
 * the validator ignores steer the rest of the path, as a domain config would:
 * e_shnum picks the domain's memory (1..1024 MiB) and the low byte of e_flags the extra
 * boot pages (dom0's modules). A valid image then goes where dom0's builder puts it
 * (guests/lib/builder.c): segments, page tables, GDT and start-info page into a RAM
 * buffer of exactly the domain's size, so ASan sees any write outside it.
 */

#define OFF_FLAGS 48   /* e_flags */
#define OFF_SHNUM 60   /* e_shnum */
#define OFF_PHOFF 32
#define OFF_PHNUM 56
#define PHDR_SIZE 56
#define PT_LOAD   1
#define MIB       (1ull << 20)
#define RAM_WRITE_MAX (4 * MIB)   /* above this only the plan is checked: allocation would dominate */
#define HV_VIRT_MIN 0xffffffff80000000ull   /* the loader's limit for keel.elf (boot/hv_image.h) */

/* lib/string.c's strlcpy (guest_layout.c uses it); glibc 2.36 has none. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static uint64_t read_le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* The error contract: empty on success, one NUL-terminated non-empty message on failure. */
static void check_error(int rc, const char *error, size_t error_size)
{
	size_t len = strnlen(error, error_size);
	FUZZ_CHECK(len < error_size, "error message not terminated");
	if (rc == 0)
		FUZZ_CHECK(len == 0, "success with message '%s'", error);
	else
		FUZZ_CHECK(rc == -1 && len > 0, "failure %d without a message", rc);
}

/* What an accepted image promises: every segment inside the file, inside the limits, disjoint. */
static void check_image(const uint8_t *data, size_t size, const struct elf64_limits *limits,
			const struct elf64_image *img)
{
	FUZZ_CHECK(img->segment_count >= 1 && img->segment_count <= limits->max_segments,
		   "%u segments", img->segment_count);
	uint64_t low = UINT64_MAX, high = 0;
	bool entry_ok = false;
	for (unsigned i = 0; i < img->segment_count; i++) {
		const struct elf64_segment *s = &img->segments[i];
		FUZZ_CHECK(s->memsz > 0 && s->filesz <= s->memsz, "segment %u sizes", i);
		FUZZ_CHECK(s->offset <= size && s->filesz <= size - s->offset, "segment %u outside the file", i);
		FUZZ_CHECK(s->vaddr >= limits->vaddr_min, "segment %u below the limit", i);
		FUZZ_CHECK(s->memsz - 1 <= UINT64_MAX - s->vaddr, "segment %u wraps", i);
		FUZZ_CHECK(s->vaddr + (s->memsz - 1) <= limits->vaddr_max, "segment %u above the limit", i);
		FUZZ_CHECK((s->flags & ~(uint32_t)(ELF64_PF_R | ELF64_PF_W | ELF64_PF_X)) == 0, "flags %#x", s->flags);
		for (unsigned j = 0; j < i; j++) {
			const struct elf64_segment *o = &img->segments[j];
			FUZZ_CHECK(s->vaddr + (s->memsz - 1) < o->vaddr || o->vaddr + (o->memsz - 1) < s->vaddr,
				   "segments %u and %u overlap", j, i);
		}
		if (s->vaddr < low)
			low = s->vaddr;
		if (s->vaddr + s->memsz > high)
			high = s->vaddr + s->memsz;
		if ((s->flags & ELF64_PF_X) && img->entry >= s->vaddr && img->entry - s->vaddr < s->memsz)
			entry_ok = true;
	}
	FUZZ_CHECK(img->vaddr_low == low && img->vaddr_high == high, "bounds %#llx-%#llx",
		   (unsigned long long)img->vaddr_low, (unsigned long long)img->vaddr_high);
	FUZZ_CHECK(entry_ok, "entry %#llx outside every executable segment", (unsigned long long)img->entry);

	/* The summary holds exactly the file's non-empty PT_LOAD headers, in order. */
	uint64_t phoff = read_le(data + OFF_PHOFF, 8);
	unsigned phnum = (unsigned)read_le(data + OFF_PHNUM, 2);
	unsigned seen = 0;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = data + phoff + (uint64_t)i * PHDR_SIZE;
		if (read_le(ph, 4) != PT_LOAD || read_le(ph + 40, 8) == 0)
			continue;
		FUZZ_CHECK(seen < img->segment_count, "PT_LOAD %u missing from the summary", i);
		const struct elf64_segment *s = &img->segments[seen++];
		FUZZ_CHECK(s->offset == read_le(ph + 8, 8) && s->vaddr == read_le(ph + 16, 8) &&
			   s->filesz == read_le(ph + 32, 8) && s->memsz == read_le(ph + 40, 8),
			   "PT_LOAD %u summarized wrongly", i);
	}
	FUZZ_CHECK(seen == img->segment_count, "summary has %u segments, the file %u", img->segment_count, seen);
}

/* The boot pages follow the image in start_info.h's order and fit the domain's memory. */
static void check_layout(const struct elf64_image *img, uint64_t memory, uint64_t extra, const struct guest_layout *l)
{
	FUZZ_CHECK(l->start_info >= img->vaddr_high && l->start_info % GUEST_LAYOUT_PAGE == 0, "start_info %#llx",
		   (unsigned long long)l->start_info);
	FUZZ_CHECK(l->page_tables == l->start_info + GUEST_LAYOUT_PAGE, "page tables");
	FUZZ_CHECK(l->pt_pages >= 3 && l->gdt == l->page_tables + l->pt_pages * GUEST_LAYOUT_PAGE, "gdt");
	FUZZ_CHECK(l->stack_top > l->gdt && l->extra == l->stack_top && l->extra_pages == extra, "stack");
	FUZZ_CHECK(l->first_free == l->extra + extra * GUEST_LAYOUT_PAGE && l->first_free <= memory,
		   "first_free %#llx of %#llx", (unsigned long long)l->first_free, (unsigned long long)memory);
}

/* What guests/lib/builder.c's write_domain does, into RAM of exactly 'memory' bytes. */
static void write_domain(const uint8_t *data, const struct elf64_image *img, uint64_t memory,
			 const struct guest_layout *l)
{
	uint8_t *ram = calloc(1, memory);
	FUZZ_CHECK(ram != NULL, "out of memory");
	for (unsigned i = 0; i < img->segment_count; i++) {
		const struct elf64_segment *s = &img->segments[i];
		memcpy(ram + s->vaddr, data + s->offset, s->filesz);
	}
	uint64_t large_pages = (memory + GUEST_LAYOUT_PAGE + (2 * MIB) - 1) / (2 * MIB);
	for (uint64_t i = 0; i < l->pt_pages; i++) {
		uint64_t *page = (uint64_t *)(ram + l->page_tables + i * GUEST_LAYOUT_PAGE);
		guest_layout_page_table(l, memory, i, page);
		/* Every entry points at a page table inside the plan or at RAM (plus shared info). */
		for (unsigned e = 0; e < 512; e++) {
			uint64_t target = page[e] & ~0xfffull;
			if (!page[e])
				continue;
			if (i < 2)
				FUZZ_CHECK(target > l->page_tables && target < l->gdt, "table %llu entry %u",
					   (unsigned long long)i, e);
			else
				FUZZ_CHECK(target < large_pages * 2 * MIB, "PD %llu entry %u maps %#llx",
					   (unsigned long long)i, e, (unsigned long long)target);
		}
	}
	memcpy(ram + l->gdt, guest_layout_gdt, sizeof(guest_layout_gdt));
	const struct guest_identity id = {
		.domid = 1, .nr_vcpus = 1, .abi_version = 1, .nr_pages = memory / GUEST_LAYOUT_PAGE,
		.name = "fuzz", .cmdline = "console=hvc0",
	};
	guest_layout_start_info(l, &id, (struct keel_start_info *)(ram + l->start_info));
	free(ram);
}

static void guest_path(const uint8_t *data, size_t size)
{
	uint64_t memory = (1 + read_le(data + OFF_SHNUM, 2) % 1024) * MIB;
	uint64_t extra = read_le(data + OFF_FLAGS, 1);
	const struct elf64_limits limits = { KEEL_GUEST_IMAGE_MIN, memory - 1, ELF64_SEGMENTS_MAX };
	struct elf64_image img;
	char error[160];
	int rc = elf64_validate(data, size, &limits, &img, error, sizeof error);
	check_error(rc, error, sizeof error);
	if (rc)
		return;
	check_image(data, size, &limits, &img);

	struct guest_layout l;
	if (guest_layout_plan(img.vaddr_high, memory, extra, &l))
		return;
	check_layout(&img, memory, extra, &l);
	if (memory <= RAM_WRITE_MAX)
		write_domain(data, &img, memory, &l);
}

/* The loader's view of the same bytes as keel.elf: the top 2 GiB, a few segments. */
static void hypervisor_path(const uint8_t *data, size_t size)
{
	const struct elf64_limits limits = { HV_VIRT_MIN, UINT64_MAX, 1 + data[OFF_FLAGS + 1] % ELF64_SEGMENTS_MAX };
	struct elf64_image img;
	char error[48];   /* short: messages must be cut, not overflow */
	int rc = elf64_validate(data, size, &limits, &img, error, sizeof error);
	check_error(rc, error, sizeof error);
	if (rc == 0)
		check_image(data, size, &limits, &img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: ASan then catches a read one byte past the file. */
	uint8_t *file = malloc(size ? size : 1);
	if (!file)
		return 0;
	memcpy(file, data, size);
	if (size < 64) {
		struct elf64_image img;
		char error[160];
		const struct elf64_limits limits = { KEEL_GUEST_IMAGE_MIN, MIB - 1, ELF64_SEGMENTS_MAX };
		int rc = elf64_validate(file, size, &limits, &img, error, sizeof error);
		FUZZ_CHECK(rc == -1, "a %zu-byte file accepted", size);
		check_error(rc, error, sizeof error);
	} else {
		guest_path(file, size);
		hypervisor_path(file, size);
	}
	free(file);
	return 0;
}
