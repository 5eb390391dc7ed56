/* testctl.c: the privileged test controller: runs the scenarios named on its command line, one verdict each. */
#include "testctl.h"

#include <stdarg.h>
#include <stddef.h>

#include "builder.h"
#include "console.h"
#include "control.h"
#include "cpu.h"
#include "fmt.h"
#include "guest.h"
#include "string.h"

const struct keel_start_info *tc_si;
struct keel_sysctl_physinfo tc_phys;

static char reasons[240];
static size_t reasons_len;
static unsigned int failures;

void tc_fail(const char *fmt, ...)
{
	failures++;
	if (reasons_len + 3 >= sizeof(reasons))
		return;
	if (reasons_len) {
		reasons[reasons_len++] = ';';
		reasons[reasons_len++] = ' ';
	}
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(reasons + reasons_len, sizeof(reasons) - reasons_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		reasons_len += (size_t)n < sizeof(reasons) - reasons_len ? (size_t)n : sizeof(reasons) - reasons_len - 1;
}

bool tc_expect(const char *what, long got, long want)
{
	if (got == want)
		return true;
	tc_fail("%s: got %ld, want %ld", what, got, want);
	return false;
}

uint64_t tc_now_ms(void)
{
	return rdtsc() / (tc_phys.tsc_khz ? tc_phys.tsc_khz : 1000000);
}

void tc_sleep_ms(uint64_t ms)
{
	uint64_t end = tc_now_ms() + ms;
	while (tc_now_ms() < end)
		keel_sched_yield();
}

long tc_build(const char *module, const char *name, uint64_t memory_bytes, uint32_t nr_vcpus,
	      const char *cmdline, uint32_t *domid)
{
	const struct keel_boot_module *m = builder_find_module(tc_si, module);
	if (!m) {
		tc_fail("no boot module %s (add 'module = \\keel\\guests\\%s.elf' to keel.cfg)", module, module);
		return -KEEL_ENOENT;
	}
	struct builder_params p = {
		.name = name, .image = (const void *)(uintptr_t)m->gpa, .image_size = m->size,
		.memory_bytes = memory_bytes, .nr_vcpus = nr_vcpus, .cmdline = cmdline,
	};
	char error[120];
	struct builder_result built;
	long rc = builder_build(&p, &built, error, sizeof(error));
	if (rc)
		tc_fail("building %s: %s", name, error);
	else
		*domid = built.domid;
	return rc;
}

long tc_start(const char *module, const char *name, uint64_t memory_bytes, uint32_t nr_vcpus,
	      const char *cmdline, uint32_t *domid)
{
	long rc = tc_build(module, name, memory_bytes, nr_vcpus, cmdline, domid);
	if (rc)
		return rc;
	rc = domctl_simple(KEEL_DOMCTL_UNPAUSE, *domid);
	if (rc) {
		tc_fail("UNPAUSE %s: %ld", name, rc);
		tc_destroy(*domid);
	}
	return rc;
}

bool tc_wait_end(uint32_t domid, uint64_t timeout_ms, struct keel_domctl_info *info)
{
	uint64_t end = tc_now_ms() + timeout_ms;
	do {
		long rc = domctl_getinfo(domid, info);
		if (rc) {
			tc_fail("GETINFO dom%u: %ld", domid, rc);
			return false;
		}
		if (info->state == KEEL_DOMSTATE_SHUTDOWN || info->state == KEEL_DOMSTATE_CRASHED)
			return true;
		keel_sched_yield();
	} while (tc_now_ms() < end);
	tc_fail("dom%u (%.32s) still in state %u after %llu ms", domid, info->name, info->state,
		(unsigned long long)timeout_ms);
	return false;
}

void tc_expect_poweroff(uint32_t domid, const char *what, uint64_t timeout_ms)
{
	struct keel_domctl_info info;
	if (tc_wait_end(domid, timeout_ms, &info) &&
	    (info.state != KEEL_DOMSTATE_SHUTDOWN || info.shutdown_reason != KEEL_SHUTDOWN_POWEROFF))
		tc_fail("%s ended in state %u reason %u, want a poweroff (see its console lines)", what, info.state,
			info.shutdown_reason);
	tc_destroy(domid);
}

void tc_destroy(uint32_t domid)
{
	long rc = domctl_simple(KEEL_DOMCTL_DESTROY, domid);
	if (rc)
		tc_fail("DESTROY dom%u: %ld", domid, rc);
}

static const struct scenario *find_scenario(const char *name, size_t len)
{
	for (unsigned int i = 0; i < scenario_count; i++)
		if (strlen(scenarios[i].name) == len && !strncmp(scenarios[i].name, name, len))
			return &scenarios[i];
	return NULL;
}

/* Runs one scenario and prints its verdict; returns whether it passed. */
static bool run_one(const char *word, size_t len)
{
	const struct scenario *s = find_scenario(word, len);
	failures = 0;
	reasons_len = 0;
	reasons[0] = '\0';
	if (!s)
		tc_fail("no such scenario");
	else
		s->run();
	if (failures)
		gprintf("testctl: %.*s: FAIL %s\n", (int)len, word, reasons);
	else
		gprintf("testctl: %.*s: PASS\n", (int)len, word);
	return !failures;
}

static bool is_option(const char *word, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (word[i] == '=')
			return true;
	return false;
}

void guest_main(const struct keel_start_info *si)
{
	tc_si = si;
	if (!(si->flags & KEEL_SIF_PRIVILEGED) || sysctl_physinfo(&tc_phys) || builder_init(si)) {
		gprintf("testctl: not dom0, or the machine cannot be inspected: nothing to run\n");
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
	}
	gprintf("testctl: %u CPUs, %llu of %llu pages free, %u boot modules\n", tc_phys.cpus_online,
		(unsigned long long)tc_phys.free_pages, (unsigned long long)tc_phys.total_pages, si->nr_modules);

	/* Words of the command line name scenarios; key=value words are options for dom0 itself. */
	unsigned int passed = 0, failed = 0;
	const char *c = si->cmdline;
	while (*c) {
		while (*c == ' ' || *c == '\t')
			c++;
		const char *word = c;
		while (*c && *c != ' ' && *c != '\t')
			c++;
		size_t len = (size_t)(c - word);
		if (!len || is_option(word, len))
			continue;
		if (run_one(word, len))
			passed++;
		else
			failed++;
	}
	gprintf("testctl: done: %u passed, %u failed\n", passed, failed);
}
