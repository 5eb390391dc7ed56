/* sc_domu_domctl.c: an unprivileged domain's domctl and sysctl calls are all refused with EPERM. */
#include "testctl.h"

void sc_domu_domctl(void)
{
	uint32_t domid;
	/* tc-eperm checks every answer itself and powers off only if each was -KEEL_EPERM. */
	if (tc_start("tc-eperm", "tc-eperm", 2ull << 20, 1, "", &domid) == 0)
		tc_expect_poweroff(domid, "tc-eperm", 20000);
}
