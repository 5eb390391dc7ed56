/* xtf.c: guest_main for test guests: runs test_main, then prints the single verdict line. */
#include "xtf.h"

#include <stdarg.h>
#include <stddef.h>

#include "console.h"
#include "fmt.h"
#include "guest.h"
#include "hypercall.h"

/* Every reason, "; "-separated; one verdict line must hold them all, so it is bounded. */
static char reasons[200];
static size_t reasons_len;
static unsigned int failures;

void xtf_failure(const char *fmt, ...)
{
	failures++;
	if (reasons_len + 2 >= sizeof reasons)
		return;
	if (reasons_len) {
		reasons[reasons_len++] = ';';
		reasons[reasons_len++] = ' ';
	}
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(reasons + reasons_len, sizeof reasons - reasons_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		reasons_len += (size_t)n < sizeof reasons - reasons_len ? (size_t)n : sizeof reasons - reasons_len - 1;
}

void xtf_about_to(const char *fmt, ...)
{
	char what[160];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	gprintf("xtf: %s: about to %s\n", xtf_test_name, what);
}

static void print_verdict(void)
{
	if (failures)
		gprintf("xtf: %s: FAIL %s\n", xtf_test_name, reasons);
	else
		gprintf("xtf: %s: PASS\n", xtf_test_name);
}

void xtf_unhandled_trap(const struct trap_frame *frame)
{
	xtf_failure("unexpected %s (error %#llx) at rip %#llx", trap_name((int)frame->vector),
		    (unsigned long long)frame->error_code, (unsigned long long)frame->rip);
	print_verdict();
	keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
}

void guest_main(const struct keel_start_info *si)
{
	test_main(si);
	print_verdict();
}
