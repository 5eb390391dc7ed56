/* test_io_policy.c: which I/O ports each domain reaches without an exit (kernel/io_policy.c over the real bit layout of arch/x86_64/io_bitmap.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "domain.h"
#include "io_bitmap.h"
#include "io_policy.h"
#include "keel/abi.h"
#include "platform_irq_double.h"

/* ---- a backend whose bitmaps live in host memory ---- */
static unsigned int live_bitmaps;
static bool fail_create;

static struct io_bitmap *fake_create(void)
{
	if (fail_create)
		return NULL;
	uint8_t *bits = malloc(IO_PORTS / 8);
	memset(bits, 0xff, IO_PORTS / 8);
	live_bitmaps++;
	return (struct io_bitmap *)bits;   /* the policy never looks inside */
}
static void fake_destroy(struct io_bitmap *io) { live_bitmaps--; free(io); }
static void fake_allow(struct io_bitmap *io, uint16_t first, uint32_t count, bool allow)
{
	io_bits_set((uint8_t *)io, first, count, !allow);
}
static const struct virt_ops fake_virt = {
	.io_bitmap_create = fake_create, .io_bitmap_destroy = fake_destroy, .io_allow = fake_allow,
};
const struct virt_ops *virt = &fake_virt;

static struct domain dom;

static int setup(void **state)
{
	(void)state;
	double_platform_reset();
	memset(&dom, 0, sizeof(dom));
	fail_create = false;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	io_policy_domain_destroy(&dom);
	assert_int_equal(live_bitmaps, 0);
	return 0;
}

static bool passes(uint16_t port)
{
	return !io_bits_intercepted((const uint8_t *)dom.io_ports, port);
}

static void test_dom0_gets_all_but_the_kept(void **state)
{
	(void)state;
	dom.privileged = true;
	assert_int_equal(io_policy_domain_init(&dom), 0);
	assert_non_null(dom.io_ports);
	static const uint16_t kept[] = { 0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x3f8, 0x3fd, 0x3ff };
	for (unsigned int i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		assert_false(passes(kept[i]));
		assert_true(io_policy_port_kept(kept[i]));
	}
	static const uint16_t given[] = { 0, 0x1f, 0x22, 0x3f, 0x44, 0x60, 0x64, 0x70, 0x80, 0x9f, 0xa2,
					  0x2f8, 0x3f7, 0x400, 0xcf8, 0xcfc, 0xffff };
	unsigned int passed = 0;
	for (uint32_t port = 0; port < IO_PORTS; port++)
		passed += passes((uint16_t)port);
	assert_int_equal(passed, IO_PORTS - 2 - 2 - 4 - 8);
	for (unsigned int i = 0; i < sizeof(given) / sizeof(given[0]); i++) {
		assert_true(passes(given[i]));
		assert_false(io_policy_port_kept(given[i]));
	}
}

static void test_claim_gives_the_uart(void **state)
{
	(void)state;
	dom.privileged = true;
	assert_int_equal(io_policy_domain_init(&dom), 0);
	double_uart_kept = false;   /* console.c after the claim */
	io_policy_console_claimed(&dom, 0x3f8);
	for (uint16_t port = 0x3f8; port < 0x400; port++) {
		assert_true(passes(port));
		assert_false(io_policy_port_kept(port));
	}
	assert_false(passes(0x21));
	assert_false(passes(0x43));
}

static void test_no_console_keeps_no_uart(void **state)
{
	(void)state;
	double_uart_kept = false;   /* console=none */
	dom.privileged = true;
	assert_int_equal(io_policy_domain_init(&dom), 0);
	assert_true(passes(0x3f8));
	assert_false(passes(0x40));
}

static void test_domu_gets_nothing(void **state)
{
	(void)state;
	dom.privileged = false;
	assert_int_equal(io_policy_domain_init(&dom), 0);
	assert_null(dom.io_ports);   /* the backend's shared all-intercept bitmap */
	io_policy_console_claimed(&dom, 0x3f8);   /* nothing to change */
	assert_null(dom.io_ports);
}

static void test_no_memory(void **state)
{
	(void)state;
	dom.privileged = true;
	fail_create = true;
	assert_int_equal(io_policy_domain_init(&dom), -KEEL_ENOMEM);
	assert_null(dom.io_ports);
}

static void test_bits_clamp_at_the_top(void **state)
{
	(void)state;
	uint8_t *bits = calloc(1, IO_PORTS / 8 + 1);
	bits[IO_PORTS / 8] = 0;
	io_bits_set(bits, 0xfff0, 0x100, true);   /* runs past 0xffff: stops there */
	assert_true(io_bits_intercepted(bits, 0xffff));
	assert_true(io_bits_intercepted(bits, 0xfff0));
	assert_false(io_bits_intercepted(bits, 0xffef));
	assert_int_equal(bits[IO_PORTS / 8], 0);
	free(bits);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dom0_gets_all_but_the_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_gives_the_uart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_console_keeps_no_uart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domu_gets_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bits_clamp_at_the_top, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
