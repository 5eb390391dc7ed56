/* test_hypercall.c: hypercall dispatch and argument validation against a fake guest's memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "domain.h"
#include "frame.h"
#include "guest_access.h"
#include "hypercall.h"
#include "keel/abi.h"
#include "log.h"
#include "keel/console_io.h"
#include "keel/sched.h"
#include "vcpu.h"

/* Guest RAM doubles as "host physical memory": hpa == gpa inside the arena. */
#define GUEST_RAM (4u << 20)
static uint8_t *ram;
uint64_t mm_direct_map_offset;

static struct domain dom;
static struct vcpu vcpu;
static char logged[4096];
static unsigned int shutdowns, last_reason, blocks, yields;

/* ---- doubles for what the code under test calls ---- */
paddr_t domain_gpa_to_hpa(const struct domain *d, uint64_t gpa)
{
	(void)d;
	return gpa < GUEST_RAM ? gpa : FRAME_NONE;
}
void domain_shutdown(struct domain *d, unsigned int reason) { (void)d; shutdowns++; last_reason = reason; }
void sched_block(struct vcpu *v) { (void)v; blocks++; }
void sched_yield_vcpu(struct vcpu *v) { (void)v; yields++; }
/* console_io raises KEEL_VIRQ_CONSOLE on dom0 (found under the domain-list lock): counted here. */
static struct domain fake_dom0 = { .id = 0, .privileged = true, .nr_vcpus = 1 };
static struct vcpu fake_dom0_vcpu = { .domain = &fake_dom0 };
static unsigned int console_virqs, list_locks;
struct domain *domain_lookup_locked(uint32_t id)
{
	assert_int_equal(id, 0);
	list_locks++;
	fake_dom0.vcpus[0] = &fake_dom0_vcpu;
	return &fake_dom0;
}
void domain_list_unlock(void) { list_locks--; }
bool evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
	assert_ptr_equal(v, &fake_dom0_vcpu);
	assert_int_equal(list_locks, 1);
	console_virqs += virq == KEEL_VIRQ_CONSOLE;
	return true;
}
/* grant_table_op is tested in test_grant.c; here only that dispatch reaches it with its arguments. */
static uint64_t grant_args[3];
int64_t hc_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t count, uint64_t a4, uint64_t a5)
{
	(void)v, (void)a4, (void)a5;
	grant_args[0] = cmd, grant_args[1] = arg, grant_args[2] = count;
	return -KEEL_EBUSY;
}
/* event_channel_op and set_timer are tested in test_evtchn.c and e2e; here only that dispatch reaches them. */
static uint64_t event_calls[2];
int64_t hc_event_channel_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)v, (void)arg, (void)a3, (void)a4, (void)a5;
	event_calls[0] = cmd;
	return -KEEL_EBADF;
}
int64_t hc_set_timer(struct vcpu *v, uint64_t deadline, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)v, (void)a2, (void)a3, (void)a4, (void)a5;
	event_calls[1] = deadline;
	return 0;
}
/* vcpu_op, domctl and sysctl are tested in test_domctl.c and e2e; here only that dispatch reaches them. */
static uint64_t control_calls[3], control_arg;
int64_t hc_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t id, uint64_t arg, uint64_t a4, uint64_t a5)
{
	(void)v, (void)id, (void)arg, (void)a4, (void)a5;
	control_calls[0]++, control_arg = cmd;
	return -KEEL_EEXIST;
}
int64_t hc_domctl(struct vcpu *v, uint64_t op, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)v, (void)a2, (void)a3, (void)a4, (void)a5;
	control_calls[1]++, control_arg = op;
	return -KEEL_EPERM;
}
int64_t hc_sysctl(struct vcpu *v, uint64_t op, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)v, (void)a2, (void)a3, (void)a4, (void)a5;
	control_calls[2]++, control_arg = op;
	return -KEEL_EPERM;
}
/* physdev_op is tested in test_pirq.c, test_io_policy.c and e2e; here only that dispatch reaches it. */
static uint64_t physdev_cmd;
int64_t hc_physdev_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)v, (void)arg, (void)a3, (void)a4, (void)a5;
	physdev_cmd = cmd;
	return -KEEL_ENODEV;
}
paddr_t frame_alloc(unsigned order) { (void)order; return GUEST_RAM - 4096; }   /* a scratch page */
void frame_free(paddr_t pa, unsigned order) { (void)pa; (void)order; }
void log_printf(enum log_level level, const char *fmt, ...)
{
	(void)level;
	va_list ap;
	va_start(ap, fmt);
	size_t used = strlen(logged);
	vsnprintf(logged + used, sizeof(logged) - used, fmt, ap);
	va_end(ap);
}
static uint64_t fake_cr3(struct vcpu_arch *va) { (void)va; return 0x1000; }
static void fake_stubs(void *page) { memset(page, 0xcc, 4096); }
static const struct virt_ops fake_virt = { .guest_cr3 = fake_cr3, .write_hypercall_page = fake_stubs };
const struct virt_ops *virt = &fake_virt;

/* Page tables: GVA 0..2 MiB -> GPA 0..2 MiB (2 MiB page, writable); GVA 0x400000 -> GPA 0x300000
 * read-only 4 KiB; GVA 0x401000 -> GPA 0x40000000 (outside RAM); PML4[1] points outside RAM. */
static void put(uint64_t gpa, uint64_t v) { memcpy(ram + gpa, &v, 8); }

static int setup(void **state)
{
	(void)state;
	ram = aligned_alloc(4096, GUEST_RAM);
	memset(ram, 0, GUEST_RAM);
	mm_direct_map_offset = (uint64_t)(uintptr_t)ram;
	put(0x1000, 0x2000 | 3);                 /* PML4[0] -> PDPT */
	put(0x1008, 0x7fff000000ull | 3);        /* PML4[1] -> not RAM */
	put(0x2000, 0x3000 | 3);                 /* PDPT[0] -> PD */
	put(0x3000, 0x0 | 0x83);                 /* PD[0]: 2 MiB at 0, writable */
	put(0x3010, 0x4000 | 3);                 /* PD[2] (GVA 0x400000) -> PT */
	put(0x4000, 0x300000 | 1);               /* PT[0]: read-only page at GPA 0x300000 */
	put(0x4008, 0x40000000ull | 3);          /* PT[1]: beyond RAM */
	memset(&dom, 0, sizeof(dom));
	dom.id = 1;
	dom.nr_pages = GUEST_RAM / 4096;
	memset(&vcpu, 0, sizeof(vcpu));
	vcpu.domain = &dom;
	logged[0] = '\0';
	shutdowns = blocks = yields = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

static int64_t call(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	vcpu.regs.rax = nr;
	vcpu.regs.rdi = a1;
	vcpu.regs.rsi = a2;
	vcpu.regs.rdx = a3;
	return hypercall_dispatch(&vcpu);
}

static void test_unknown_numbers(void **state)
{
	(void)state;
	assert_int_equal(call(100, 0, 0, 0), -KEEL_ENOSYS);
	assert_int_equal(call(KEEL_HYPERCALL_MAX - 1, 0, 0, 0), -KEEL_ENOSYS);
	assert_int_equal(call(~0ull, 0, 0, 0), -KEEL_ENOSYS);
	assert_int_equal(call(1ull << 32, 0, 0, 0), -KEEL_ENOSYS);   /* high bits are not ignored */
	assert_int_equal(call(KEEL_HC_VERSION, 0, 0, 0), KEEL_ABI_VERSION);
	assert_int_equal(call(KEEL_HC_FEATURES, 0, 0, 0), hypercall_features());
	assert_true(hypercall_features() & KEEL_FEATURE_GRANT_TABLE);
	assert_int_equal(call(KEEL_HC_GRANT_TABLE_OP, 4, 0x1234, 64), -KEEL_EBUSY);
	assert_int_equal(grant_args[0], 4);
	assert_int_equal(grant_args[1], 0x1234);
	assert_int_equal(grant_args[2], 64);
	assert_true(hypercall_features() & KEEL_FEATURE_EVENT_CHANNEL);
	assert_true(hypercall_features() & KEEL_FEATURE_SET_TIMER);
	assert_int_equal(call(KEEL_HC_EVENT_CHANNEL_OP, 6, 0, 0), -KEEL_EBADF);
	assert_int_equal(event_calls[0], 6);
	assert_int_equal(call(KEEL_HC_SET_TIMER, 123456789, 0, 0), 0);
	assert_int_equal(event_calls[1], 123456789);
	assert_int_equal(call(KEEL_HC_VCPU_OP, 2, 0, 0), -KEEL_EEXIST);
	assert_int_equal(control_arg, 2);
	assert_int_equal(call(KEEL_HC_DOMCTL, 0x5000, 0, 0), -KEEL_EPERM);
	assert_int_equal(control_arg, 0x5000);
	assert_int_equal(call(KEEL_HC_SYSCTL, 0x6000, 0, 0), -KEEL_EPERM);
	assert_int_equal(control_arg, 0x6000);
	assert_int_equal(control_calls[0] + control_calls[1] + control_calls[2], 3);
	assert_int_equal(call(KEEL_HC_PHYSDEV_OP, 2, 0, 0), -KEEL_ENODEV);
	assert_int_equal(physdev_cmd, 2);
}

static void test_console_write(void **state)
{
	(void)state;
	memcpy(ram + 0x100000, "hello\x1b[2J\n", 10);
	assert_int_equal(call(KEEL_HC_CONSOLE_IO, KEEL_CONSOLE_WRITE, 10, 0x100000), 10);
	assert_string_equal(logged, "(d1) hello?[2J\n");   /* the escape is neutralised */
	assert_int_equal(call(KEEL_HC_CONSOLE_IO, KEEL_CONSOLE_WRITE, 0, 0xdead00000000ull), 0);
	/* A read-only page is fine to read from. */
	memcpy(ram + 0x300000, "ro\n", 3);
	logged[0] = '\0';
	assert_int_equal(call(KEEL_HC_CONSOLE_IO, KEEL_CONSOLE_WRITE, 3, 0x400000), 3);
	assert_string_equal(logged, "(d1) ro\n");
	/* Every byte is captured as written (the escape too) and dom0 hears of each non-empty write. */
	char captured[32];
	uint64_t pos = 0;
	size_t n = console_capture_read(&dom.console_capture, &pos, captured, sizeof(captured));
	assert_int_equal(n, 13);
	assert_memory_equal(captured, "hello\x1b[2J\nro\n", 13);
	assert_int_equal(console_virqs, 2);
	assert_int_equal(list_locks, 0);
	/* dom0's own writes are captured but raise nothing. */
	dom.privileged = true;
	assert_int_equal(call(KEEL_HC_CONSOLE_IO, KEEL_CONSOLE_WRITE, 3, 0x400000), 3);
	assert_int_equal(dom.console_capture.written, 16);
	assert_int_equal(console_virqs, 2);
}

static void test_console_bad_arguments(void **state)
{
	(void)state;
	static const uint64_t bad_pointers[] = {
		0x800000,                  /* not mapped by the guest */
		0x401000,                  /* mapped to a GPA outside its RAM */
		0x8000000000ull,           /* PML4[1]: table outside RAM */
		0x0000800000000000ull,     /* non-canonical */
		0xffffffffffffff00ull,     /* wraps past the top */
	};
	for (size_t i = 0; i < sizeof(bad_pointers) / sizeof(bad_pointers[0]); i++)
		assert_int_equal(call(KEEL_HC_CONSOLE_IO, KEEL_CONSOLE_WRITE, 0x200, bad_pointers[i]), -KEEL_EFAULT);
	/* Straddling the end of the mapping: nothing at all is printed. */
	assert_int_equal(call(KEEL_HC_CONSOLE_IO, KEEL_CONSOLE_WRITE, 0x20, 0x1ffff0), -KEEL_EFAULT);
	assert_int_equal(call(KEEL_HC_CONSOLE_IO, KEEL_CONSOLE_WRITE, 0x10, 0x400ff8), -KEEL_EFAULT);
	assert_string_equal(logged, "");
	assert_int_equal(call(KEEL_HC_CONSOLE_IO, KEEL_CONSOLE_WRITE, KEEL_CONSOLE_IO_MAX + 1, 0x100000), -KEEL_EINVAL);
	assert_int_equal(call(KEEL_HC_CONSOLE_IO, KEEL_CONSOLE_WRITE, ~0ull, 0x100000), -KEEL_EINVAL);
	assert_int_equal(call(KEEL_HC_CONSOLE_IO, 7, 4, 0x100000), -KEEL_EINVAL);
	/* The largest allowed write works and long lines are split, never overflowed. */
	memset(ram + 0x100000, 'x', KEEL_CONSOLE_IO_MAX);
	assert_int_equal(call(KEEL_HC_CONSOLE_IO, KEEL_CONSOLE_WRITE, KEEL_CONSOLE_IO_MAX, 0x100000),
			 KEEL_CONSOLE_IO_MAX);
}

static void test_copy_to_guest_respects_write_protection(void **state)
{
	(void)state;
	assert_int_equal(copy_to_guest(&vcpu, 0x400000, "x", 1), -KEEL_EFAULT);
	assert_int_equal(copy_to_guest(&vcpu, 0x100000, "x", 1), 0);
	assert_int_equal(ram[0x100000], 'x');
	assert_int_equal(copy_to_guest_phys(&dom, GUEST_RAM - 2, "abcd", 4), -KEEL_EFAULT);
}

static void test_sched_op(void **state)
{
	(void)state;
	assert_int_equal(call(KEEL_HC_SCHED_OP, KEEL_SCHED_YIELD, 0, 0), 0);
	assert_int_equal(yields, 1);
	assert_int_equal(call(KEEL_HC_SCHED_OP, KEEL_SCHED_BLOCK, 0, 0), 0);
	assert_int_equal(blocks, 1);
	assert_int_equal(call(KEEL_HC_SCHED_OP, KEEL_SCHED_SHUTDOWN, 3, 0), -KEEL_EINVAL);
	assert_int_equal(call(KEEL_HC_SCHED_OP, KEEL_SCHED_SHUTDOWN, ~0ull, 0), -KEEL_EINVAL);
	assert_int_equal(shutdowns, 0);
	assert_int_equal(call(KEEL_HC_SCHED_OP, KEEL_SCHED_SHUTDOWN, KEEL_SHUTDOWN_CRASH, 0), 0);
	assert_int_equal(shutdowns, 1);
	assert_int_equal(last_reason, KEEL_SHUTDOWN_CRASH);
	assert_int_equal(call(KEEL_HC_SCHED_OP, 99, 0, 0), -KEEL_ENOSYS);
}

static void test_hypercall_page_install(void **state)
{
	(void)state;
	assert_int_equal(hypercall_page_install(&dom, 0x105000), 0);
	assert_int_equal(ram[0x105000], 0xcc);
	assert_int_equal(ram[0x105fff], 0xcc);
	assert_int_equal(hypercall_page_install(&dom, GUEST_RAM), -KEEL_EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unknown_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_to_guest_respects_write_protection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sched_op, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hypercall_page_install, setup, teardown),
	};
	return cmocka_run_group_tests_name("hypercalls", tests, NULL, NULL);
}
