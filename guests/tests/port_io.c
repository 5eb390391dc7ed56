/* port_io.c: a guest has no I/O ports: IN and OUT raise #GP instead of reaching a device. */
#include "insn_safe.h"
#include "xtf.h"

const char xtf_test_name[] = "port_io";

#define PORT_POST_CODE     0x80   /* harmless on real hardware, the classic I/O delay port */
#define PORT_PS2_DATA      0x60

static void expect_gp(const char *what, int vector)
{
	if (vector != X86_EXC_GP)
		xtf_failure("%s raised %s, want #GP", what, trap_name(vector));
}

void test_main(const struct keel_start_info *si)
{
	(void)si;
	trap_init(xtf_unhandled_trap);

	expect_gp("outb to port 0x80", outb_safe(PORT_POST_CODE, 0x42));
	uint8_t value = 0;
	expect_gp("inb from port 0x60", inb_safe(PORT_PS2_DATA, &value));
}
