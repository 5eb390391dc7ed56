/* iso_port_io.c: isolation attack: IN/OUT of every width, and string I/O, to the ports that matter (PIC, PIT, CMOS, COM1, PCI config, reset) all raise #GP. */
#include "insn_safe.h"
#include "iso_attack.h"
#include "hypercall.h"

const char xtf_test_name[] = "iso_port_io";

/*
 * The writes are ones that would be noticed if they reached the hardware: a reset through
 * 0xcf9, 0x92 and the keyboard controller, the PIT reprogrammed, the PICs unmasked, CMOS
 * shutdown status, COM1's divisor. Surviving them (and the e2e test's dom0 still answering
 * with the same uptime) is the check that they had no effect.
 */
static const struct { uint16_t port; uint8_t value; const char *what; } writes[] = {
	{ 0x20, 0x11, "PIC1 ICW1" }, { 0x21, 0x00, "PIC1 mask" }, { 0xa0, 0x11, "PIC2 ICW1" },
	{ 0xa1, 0x00, "PIC2 mask" }, { 0x43, 0x34, "PIT mode" }, { 0x40, 0x01, "PIT ch0" },
	{ 0x41, 0x01, "PIT ch1" }, { 0x42, 0x01, "PIT ch2" }, { 0x61, 0x03, "speaker gate" },
	{ 0x70, 0x0f, "CMOS index" }, { 0x71, 0x0a, "CMOS data" }, { 0x3f8, 'X', "COM1 THR" },
	{ 0x3f9, 0x00, "COM1 IER" }, { 0x3fb, 0x80, "COM1 LCR (DLAB)" }, { 0x3fc, 0x00, "COM1 MCR" },
	{ 0x2f8, 'X', "COM2 THR" }, { 0xcf8, 0x80, "PCI CONFIG_ADDRESS" }, { 0xcfc, 0xff, "PCI CONFIG_DATA" },
	{ 0x64, 0xfe, "i8042 reset" }, { 0x92, 0x01, "port 92 fast reset" }, { 0xcf9, 0x06, "0xcf9 reset" },
	{ 0x80, 0x42, "POST code" }, { 0x604, 0x20, "QEMU ACPI PM1a control" }, { 0xb2, 0x00, "APM/SMI command" },
};

/* The other widths and string forms on one port; 'N' constraint ports fit a byte, so use DX. */
static int outw_safe(uint16_t port, uint16_t v)
{
	trap_expect();
	asm volatile("1: outw %w0, %w1\n2:\n\t" TRAP_EXTABLE(1b, 2b) : : "a"(v), "d"(port) : "memory");
	return trap_caught.vector;
}

static int outl_safe(uint16_t port, uint32_t v)
{
	trap_expect();
	asm volatile("1: outl %0, %w1\n2:\n\t" TRAP_EXTABLE(1b, 2b) : : "a"(v), "d"(port) : "memory");
	return trap_caught.vector;
}

static int inl_safe(uint16_t port, uint32_t *v)
{
	uint32_t x = *v;
	trap_expect();
	asm volatile("1: inl %w1, %0\n2:\n\t" TRAP_EXTABLE(1b, 2b) : "+a"(x) : "d"(port) : "memory");
	*v = x;
	return trap_caught.vector;
}

static int outsb_safe(uint16_t port, const void *buf, uint64_t count)
{
	trap_expect();
	asm volatile("1: rep outsb\n2:\n\t" TRAP_EXTABLE(1b, 2b)
		     : "+S"(buf), "+c"(count) : "d"(port) : "memory");
	return trap_caught.vector;
}

static int insb_safe(uint16_t port, void *buf, uint64_t count)
{
	trap_expect();
	asm volatile("1: rep insb\n2:\n\t" TRAP_EXTABLE(1b, 2b)
		     : "+D"(buf), "+c"(count) : "d"(port) : "memory");
	return trap_caught.vector;
}

#define SENTINEL 0xa5

void test_main(const struct keel_start_info *si)
{
	(void)si;
	trap_init(xtf_unhandled_trap);
	static uint8_t buf[16];

	for (unsigned int i = 0; i < sizeof writes / sizeof writes[0]; i++) {
		uint16_t port = writes[i].port;
		iso_expect_gp(writes[i].what, outb_safe(port, writes[i].value));
		iso_expect_gp(writes[i].what, outw_safe(port, writes[i].value));
		iso_expect_gp(writes[i].what, outl_safe(port, writes[i].value));
		iso_expect_gp(writes[i].what, outsb_safe(port, "attack!", 7));
		/* A read that faults leaves the register as it was: nothing came from the device. */
		uint8_t b = SENTINEL;
		iso_expect_gp(writes[i].what, inb_safe(port, &b));
		uint32_t l = SENTINEL;
		iso_expect_gp(writes[i].what, inl_safe(port, &l));
		for (unsigned int k = 0; k < sizeof buf; k++)
			buf[k] = SENTINEL;
		iso_expect_gp(writes[i].what, insb_safe(port, buf, sizeof buf));
		iso_attempts++;
		if (b == SENTINEL && l == SENTINEL && buf[0] == SENTINEL && buf[15] == SENTINEL)
			iso_refused++;
		else
			xtf_failure("a faulting read from %s returned data (%#x, %#x, %#x)", writes[i].what, b, l, buf[0]);
	}

	/* The domain is as it was: hypercalls still work after every refused access. */
	if (keel_version() != KEEL_ABI_VERSION)
		xtf_failure("hypercalls broken after the refused port accesses");
	iso_report();
}
