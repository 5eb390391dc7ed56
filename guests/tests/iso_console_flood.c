/* iso_console_flood.c: isolation attack: console_io with huge lengths and bad pointers, then a flood of output (bytes= on the command line). */
#include <keel/console_io.h>
#include <keel/grant_table.h>

#include "cmdline.h"
#include "hypercall.h"
#include "iso_attack.h"

const char xtf_test_name[] = "iso_console_flood";

#define DEFAULT_FLOOD_BYTES (256 * 1024)   /* four times the hypervisor's log ring */
#define LINE 128

static char chunk[KEEL_CONSOLE_IO_MAX];

static long console_io(uint64_t cmd, uint64_t len, uint64_t buf)
{
	return hypercall3(KEEL_HC_CONSOLE_IO, cmd, len, buf);
}

void test_main(const struct keel_start_info *si)
{
	const uint64_t mem_end = si->nr_pages * 4096;
	const uint64_t good = (uintptr_t)chunk;

	/* Huge lengths from a good buffer: refused whole, nothing printed. */
	static const uint64_t huge[] = { KEEL_CONSOLE_IO_MAX + 1, 1ull << 20, 1ull << 40, 1ull << 63, ~0ull };
	for (unsigned int i = 0; i < sizeof huge / sizeof huge[0]; i++)
		iso_expect("console_io with a huge length", console_io(KEEL_CONSOLE_WRITE, huge[i], good), -KEEL_EINVAL);

	/* Bad pointers: beyond RAM, the shared-info page, straddling, non-canonical, wrapping, the grant window. */
	static const struct { uint64_t off; int from_end; uint64_t len; } bad[] = {
		{ 0, 1, 1 }, { 0, 1, KEEL_CONSOLE_IO_MAX }, { 16, 0, 32 }, { 0x100000, 1, 8 },
	};
	for (unsigned int i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint64_t buf = bad[i].from_end ? mem_end + bad[i].off : mem_end - bad[i].off;
		iso_expect("console_io from outside RAM", console_io(KEEL_CONSOLE_WRITE, bad[i].len, buf), -KEEL_EFAULT);
	}
	static const uint64_t wild[] = { 0x8000000000000000ull, 0x0000800000000000ull, 0xfffffffffffff000ull,
					 KEEL_GRANT_WINDOW_BASE, 0x1000000000000ull - 8 };
	for (unsigned int i = 0; i < sizeof wild / sizeof wild[0]; i++)
		iso_expect("console_io from a wild pointer", console_io(KEEL_CONSOLE_WRITE, 64, wild[i]), -KEEL_EFAULT);

	/* The flood: full-size writes of short lines, each accepted whole. */
	unsigned long long bytes = DEFAULT_FLOOD_BYTES;
	char arg[24];
	if (cmdline_get(si->cmdline, "bytes", arg, sizeof arg) && !cmdline_parse_u64(arg, &bytes))
		xtf_failure("bad bytes= '%s'", arg);
	for (unsigned int i = 0; i < sizeof chunk; i++)
		chunk[i] = (i % LINE == LINE - 1) ? '\n' : (char)('a' + i % 26);
	unsigned long calls = 0;
	for (unsigned long long done = 0; done < bytes; done += sizeof chunk, calls++)
		iso_expect("console_io flood", console_io(KEEL_CONSOLE_WRITE, sizeof chunk, good), (long)sizeof chunk);
	gprintf("iso: %s: flooded %lu writes of %u bytes\n", xtf_test_name, calls, (unsigned int)sizeof chunk);
	iso_report();
}
