/* console_bad_ptr.c: console_io rejects buffers outside the guest's memory, oversized lengths and unknown commands. */
#include "hypercall.h"
#include "xtf.h"

const char xtf_test_name[] = "console_bad_ptr";

static long console_io(uint64_t cmd, uint64_t len, uint64_t buf)
{
	return hypercall3(KEEL_HC_CONSOLE_IO, cmd, len, buf);
}

static void expect(const char *what, long got, long want)
{
	if (got != want)
		xtf_failure("%s returned %ld, want %ld", what, got, want);
}

void test_main(const struct keel_start_info *si)
{
	static const char text[] = "console_bad_ptr: this line must not appear\n";
	uint64_t mem_end = si->nr_pages * 4096;

	/* Buffers with at least one byte outside guest memory: nothing may be printed. */
	expect("write at the first byte beyond memory",
	       console_io(KEEL_CONSOLE_WRITE, 8, mem_end), -KEEL_EFAULT);
	expect("write straddling the end of memory",
	       console_io(KEEL_CONSOLE_WRITE, 8, mem_end - 4), -KEEL_EFAULT);
	expect("write 1 GiB beyond memory",
	       console_io(KEEL_CONSOLE_WRITE, 8, mem_end + (1ull << 30)), -KEEL_EFAULT);
	expect("write at a non-canonical address",
	       console_io(KEEL_CONSOLE_WRITE, 8, 0x8000000000000000ull), -KEEL_EFAULT);
	expect("write wrapping around the address space",
	       console_io(KEEL_CONSOLE_WRITE, 32, 0xfffffffffffffff0ull), -KEEL_EFAULT);

	/* Lengths over the limit, from a perfectly good buffer. */
	expect("write of KEEL_CONSOLE_IO_MAX + 1 bytes",
	       console_io(KEEL_CONSOLE_WRITE, KEEL_CONSOLE_IO_MAX + 1, (uintptr_t)text), -KEEL_EINVAL);
	expect("write of ~0 bytes",
	       console_io(KEEL_CONSOLE_WRITE, ~0ull, (uintptr_t)text), -KEEL_EINVAL);

	/* Commands nobody defined. */
	expect("cmd 1", console_io(1, sizeof text - 1, (uintptr_t)text), -KEEL_EINVAL);
	expect("cmd ~0", console_io(~0ull, sizeof text - 1, (uintptr_t)text), -KEEL_EINVAL);

	/* A zero length reads nothing, so any pointer will do. */
	expect("write of 0 bytes from a non-canonical address",
	       console_io(KEEL_CONSOLE_WRITE, 0, 0x8000000000000000ull), 0);
}
