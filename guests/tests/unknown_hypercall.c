/* unknown_hypercall.c: hypercall numbers nobody defined return -KEEL_ENOSYS instead of doing anything. */
#include "hypercall.h"
#include "xtf.h"

const char xtf_test_name[] = "unknown_hypercall";

static void expect_enosys(unsigned int nr)
{
	/* Arguments that would be harmful if some handler did run with them. */
	long ret = hypercall5(nr, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull);
	if (ret != -KEEL_ENOSYS)
		xtf_failure("hypercall %u returned %ld, want %d", nr, ret, -KEEL_ENOSYS);
}

void test_main(const struct keel_start_info *si)
{
	(void)si;
	expect_enosys(100);
	/* The last stub in the page: the bound the hypervisor must check is < KEEL_HYPERCALL_MAX. */
	expect_enosys(KEEL_HYPERCALL_MAX - 1);
}
