/* sc_physdev.c: dom0's device access (physdev.h): which ports it reaches, which IRQs it may bind, and COM1's interrupt as an event. */
#include "testctl.h"

#include <stdarg.h>

#include "events.h"
#include "fmt.h"
#include "hypercall.h"
#include "insn_safe.h"
#include "keel/physdev.h"
#include "trap.h"

#define VECTOR_GP 13
#define COM1 0x3f8
#define COM1_IRQ 4
enum { UART_DATA = 0, UART_IER = 1, UART_IIR = 2, UART_MCR = 4, UART_LSR = 5 };
#define UART_IER_THRE     0x02
#define UART_MCR_DTR_RTS_OUT2 0x0b   /* OUT2 gates the UART's interrupt onto the bus on PCs */
#define UART_LSR_THRE     0x20
/* An ISA line nothing drives on QEMU's q35 or Bochs: binding it cannot catch a stray interrupt. */
#define QUIET_IRQ 5

static long physdev_op(uint64_t cmd, void *arg)
{
	return hypercall2(KEEL_HC_PHYSDEV_OP, cmd, (uintptr_t)arg);
}

static long bind_irq(uint32_t irq, uint32_t *port)
{
	struct keel_physdev_bind_irq b = { .irq = irq };
	long rc = physdev_op(KEEL_PHYSDEVOP_BIND_IRQ, &b);
	if (!rc)
		*port = b.port;
	return rc;
}

static long irq_eoi(uint32_t port)
{
	struct keel_physdev_irq_eoi e = { .port = port };
	return physdev_op(KEEL_PHYSDEVOP_IRQ_EOI, &e);
}

static void expect_vector(const char *what, int got, int want)
{
	if (got != want)
		tc_fail("%s: vector %d, want %d", what, got, want);
}

/* A PIRQ port must say so in STATUS, with the IRQ it was bound to. */
static void expect_pirq_status(uint32_t port, uint32_t irq)
{
	struct keel_evtchn_status st;
	if (tc_expect("STATUS of the PIRQ port", evtchn_status(port, &st), 0)) {
		tc_expect("its status", st.status, KEEL_EVTCHNSTAT_PIRQ);
		tc_expect("its irq", st.virq, irq);
		tc_expect("its vcpu", st.vcpu, 0);
	}
}

/* Before any claim: ports kept and ports passed through, and the refusals that need no IOAPIC. */
void sc_physdev_ports(void)
{
	trap_init(NULL);
	uint8_t value = 0;
	/* Kept: the PICs, the PIT and the (unclaimed) log UART raise #GP. */
	expect_vector("inb 0x21 (PIC)", inb_safe(0x21, &value), VECTOR_GP);
	expect_vector("inb 0xa1 (PIC)", inb_safe(0xa1, &value), VECTOR_GP);
	expect_vector("inb 0x40 (PIT)", inb_safe(0x40, &value), VECTOR_GP);
	expect_vector("inb COM1 LSR (log UART)", inb_safe(COM1 + UART_LSR, &value), VECTOR_GP);
	/* Everything else is dom0's, without an exit. */
	expect_vector("inb 0x64 (keyboard controller)", inb_safe(0x64, &value), TRAP_NONE);
	expect_vector("outb 0x80 (POST code)", outb_safe(0x80, 0x42), TRAP_NONE);
	expect_vector("inb 0x22 (next to the PIC)", inb_safe(0x22, &value), TRAP_NONE);

	uint32_t port = 0;
	tc_expect("BIND_IRQ 0 (the PIT)", bind_irq(0, &port), -KEEL_EINVAL);
	tc_expect("BIND_IRQ 4 (the log UART, unclaimed)", bind_irq(COM1_IRQ, &port), -KEEL_EINVAL);
	tc_expect("BIND_IRQ 100000 (no IOAPIC has it)", bind_irq(100000, &port), -KEEL_EINVAL);
	struct keel_physdev_bind_irq bad_flags = { .irq = QUIET_IRQ, .flags = 1u << 31 };
	tc_expect("BIND_IRQ with unknown flags", physdev_op(KEEL_PHYSDEVOP_BIND_IRQ, &bad_flags), -KEEL_EINVAL);
	struct keel_physdev_bind_irq bad_vcpu = { .irq = QUIET_IRQ, .vcpu = 16 };
	tc_expect("BIND_IRQ to vCPU 16", physdev_op(KEEL_PHYSDEVOP_BIND_IRQ, &bad_vcpu), -KEEL_EINVAL);
	tc_expect("IRQ_EOI of port 0", irq_eoi(0), -KEEL_EBADF);
	tc_expect("unknown physdev_op", physdev_op(0x7fff, &port), -KEEL_ENOSYS);   /* far above any command */
}

/* The binding rules on a quiet line (needs an IOAPIC: Bochs boots without ACPI tables, so QEMU only). */
void sc_physdev_bind(void)
{
	uint32_t port = 0, again = 0;
	if (!tc_expect("BIND_IRQ 5", bind_irq(QUIET_IRQ, &port), 0))
		return;
	expect_pirq_status(port, QUIET_IRQ);
	tc_expect("second BIND_IRQ 5", bind_irq(QUIET_IRQ, &again), -KEEL_EBUSY);
	tc_expect("IRQ_EOI of the bound port", irq_eoi(port), 0);
	tc_expect("SEND on a PIRQ port", evtchn_send(port), -KEEL_EBADF);
	tc_expect("CLOSE", evtchn_close(port), 0);
	tc_expect("IRQ_EOI after CLOSE", irq_eoi(port), -KEEL_EBADF);
	if (tc_expect("BIND_IRQ 5 after CLOSE", bind_irq(QUIET_IRQ, &again), 0))
		tc_expect("CLOSE again", evtchn_close(again), 0);
}

/* ---- after CLAIM_CONSOLE the log no longer reaches the serial line: the verdict goes straight to COM1 ---- */

static unsigned int irq_failures;
static char first_failure[160];

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	char text[160];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!irq_failures++)
		fmt_snprintf(first_failure, sizeof(first_failure), "%s", text);
	tc_fail("%s", text);
}

static void check(const char *what, long got, long want)
{
	if (got != want)
		fail("%s: got %ld, want %ld", what, got, want);
}

/* Port I/O once the port is ours (the claim succeeded): a #GP would be caught, not fatal. */
static uint8_t inb(uint16_t port)
{
	uint8_t value = 0xff;
	(void)inb_safe(port, &value);
	return value;
}

static void outb(uint16_t port, uint8_t value)
{
	(void)outb_safe(port, value);
}

static void com1_write(const char *s)
{
	for (; *s; s++) {
		for (unsigned int spins = 0; spins < 100000 && !(inb(COM1 + UART_LSR) & UART_LSR_THRE); spins++)
			__builtin_ia32_pause();
		outb(COM1 + UART_DATA, (uint8_t)*s);
	}
}

static bool wait_pending(uint32_t port, uint64_t ms)
{
	uint64_t end = tc_now_ms() + ms;
	while (!evtchn_is_pending(port) && tc_now_ms() < end)
		keel_sched_yield();
	return evtchn_is_pending(port);
}

/* Makes COM1 raise its THRE interrupt (the transmitter is idle, so enabling it is enough). */
static void com1_raise(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_MCR, UART_MCR_DTR_RTS_OUT2);
	outb(COM1 + UART_IER, UART_IER_THRE);
}

/* The device side of a handler: reading IIR acknowledges THRE; then interrupts off. */
static void com1_quiet(void)
{
	(void)inb(COM1 + UART_IIR);
	outb(COM1 + UART_IER, 0);
}

static void irq_checks(void)
{
	uint32_t port = 0, again = 0;
	uint8_t value = 0;
	struct keel_physdev_console con = { 0 };
	check("BIND_IRQ 4 before the claim", bind_irq(COM1_IRQ, &port), -KEEL_EINVAL);
	check("CLAIM_CONSOLE", physdev_op(KEEL_PHYSDEVOP_CLAIM_CONSOLE, &con), 0);
	check("its base", con.base, COM1);
	check("its irq", con.irq, COM1_IRQ);
	con = (struct keel_physdev_console){ 0 };
	check("second CLAIM_CONSOLE", physdev_op(KEEL_PHYSDEVOP_CLAIM_CONSOLE, &con), 0);
	check("its base", con.base, COM1);
	check("inb COM1 LSR after the claim: vector", inb_safe(COM1 + UART_LSR, &value), TRAP_NONE);
	check("inb 0x21 (PIC) still: vector", inb_safe(0x21, &value), VECTOR_GP);
	check("BIND_IRQ 0 (the PIT)", bind_irq(0, &again), -KEEL_EINVAL);

	if (bind_irq(COM1_IRQ, &port)) {
		fail("BIND_IRQ 4 after the claim failed");
		return;
	}
	struct keel_evtchn_status st;
	check("STATUS", evtchn_status(port, &st), 0);
	check("STATUS: status", st.status, KEEL_EVTCHNSTAT_PIRQ);
	check("STATUS: irq", st.virq, COM1_IRQ);
	check("second BIND_IRQ 4", bind_irq(COM1_IRQ, &again), -KEEL_EBUSY);

	com1_raise();
	if (!wait_pending(port, 2000))
		fail("COM1's THRE interrupt did not make port %u pending", port);
	com1_quiet();
	__atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
	/* P2: until IRQ_EOI the line stays masked, so a second interrupt is not delivered yet. */
	com1_raise();
	if (wait_pending(port, 200))
		fail("port %u pending again before IRQ_EOI", port);
	com1_quiet();
	check("IRQ_EOI", irq_eoi(port), 0);
	com1_raise();
	if (!wait_pending(port, 2000))
		fail("no interrupt after IRQ_EOI");
	com1_quiet();
	check("IRQ_EOI", irq_eoi(port), 0);

	check("CLOSE", evtchn_close(port), 0);
	check("STATUS after CLOSE", evtchn_status(port, &st), 0);
	check("STATUS after CLOSE: status", st.status, KEEL_EVTCHNSTAT_CLOSED);
	if (!bind_irq(COM1_IRQ, &again))
		check("CLOSE of the second binding", evtchn_close(again), 0);
	else
		fail("BIND_IRQ 4 after CLOSE failed");
}

void sc_physdev_irq(void)
{
	trap_init(NULL);
	if (events_init(tc_si)) {
		tc_fail("events_init failed");
		return;
	}
	irq_failures = 0;
	irq_checks();
	char verdict[220];
	if (irq_failures)
		fmt_snprintf(verdict, sizeof(verdict), "\ntestctl: physdev_irq: FAIL %u failures, first: %s\n",
			     irq_failures, first_failure);
	else
		fmt_snprintf(verdict, sizeof(verdict), "\ntestctl: physdev_irq: PASS\n");
	/* COM1 is ours now; its IRQ line was unbound by the CLOSEs, so polled output it is. */
	com1_write(verdict);
}
