/* tty.c: the operator's terminal: the 16550 UART dom0 claims from the hypervisor, driven by its interrupt. */
#include "tty.h"

#include <keel/physdev.h>
#include <stdio.h>

#include "events.h"
#include "hypercall.h"
#include "irq_flags.h"
#include "port_io.h"
#include "thread.h"
#include "timer.h"
#include "tty_ring.h"

/* 16550 registers (offsets from the base port) and the bits used here. */
#define UART_DATA   0   /* RBR on read, THR on write; DLL with LCR.DLAB */
#define UART_IER    1   /* DLM with LCR.DLAB */
#define UART_IIR    2   /* FCR on write */
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define UART_MSR    6
#define IER_RX      0x01
#define IER_THRE    0x02
#define IIR_NONE    0x01   /* no interrupt pending */
#define FCR_ENABLE_CLEAR 0x07   /* FIFOs on, both cleared, RX interrupt at 1 byte */
#define LCR_DLAB    0x80
#define LCR_8N1     0x03
#define MCR_DTR_RTS_OUT2 0x0b   /* OUT2 connects the UART's interrupt to the PC's IRQ line */
#define LSR_DR      0x01
#define LSR_THRE    0x20
#define UART_FIFO   16
#define BAUD_DIVISOR 1      /* 115200 baud */
/* Without an interrupt, the idle loop looks at the UART this often. */
#define POLL_PERIOD_NS 10000000ull
/* Bounds the event handler's loop should the UART never report "nothing pending". */
#define SERVICE_ROUNDS 64

enum tty_mode {
	TTY_CONSOLE_IO,   /* the hypervisor owns the UART: console_io output, no input */
	TTY_POLLED,       /* ours, but without its IRQ: polled output, input polled while idle */
	TTY_INTERRUPT,    /* ours, driven by its IRQ: the steady state */
};

static enum tty_mode mode = TTY_CONSOLE_IO;
static uint16_t base;
static uint32_t irq_port;
static uint8_t tx_storage[4096], rx_storage[1024];
static struct tty_ring tx, rx;
static struct waitq tx_space = WAITQ_INIT, rx_ready = WAITQ_INIT;
static volatile uint64_t dropped;

static long physdev_op(uint64_t cmd, void *arg)
{
	return hypercall2(KEEL_HC_PHYSDEV_OP, cmd, (uintptr_t)arg);
}

/*
 * THRE is enabled only while there is output to send: an empty transmitter holds its
 * interrupt condition, so with THRE always enabled an idle UART would interrupt forever.
 */
static void update_ier(bool sending)
{
	outb(base + UART_IER, IER_RX | (sending ? IER_THRE : 0));
}

/* Moves queued output into an empty FIFO; true if it sent anything. Interrupts off. */
static bool fill_fifo(void)
{
	if (!(inb(base + UART_LSR) & LSR_THRE))
		return false;
	uint8_t c;
	unsigned int n = 0;
	while (n < UART_FIFO && tty_ring_get(&tx, &c)) {
		outb(base + UART_DATA, c);
		n++;
	}
	return n > 0;
}

/* Drains input, refills output and wakes whoever waits for either. Interrupts off. */
static void uart_service(void)
{
	bool received = false, sent = false;
	for (unsigned int round = 0; round < SERVICE_ROUNDS; round++) {
		while (inb(base + UART_LSR) & LSR_DR) {
			uint8_t c = inb(base + UART_DATA);
			if (!tty_ring_put(&rx, c))
				dropped++;
			received = true;
		}
		if (fill_fifo())
			sent = true;
		/* Reading IIR also clears a THRE condition that has nothing left to send. */
		if (inb(base + UART_IIR) & IIR_NONE)
			break;
	}
	if (received)
		waitq_wake_all(&rx_ready);
	if (sent)
		waitq_wake_all(&tx_space);
}

/*
 * The IRQ's event. The line stays masked until IRQ_EOI (physdev.h P2), and COM1's line is
 * edge-triggered: a condition that arose after the service but before the EOI would never
 * make a new edge. Turning IER off and on after the EOI makes the UART raise its line again
 * for anything still pending.
 */
static void uart_event(uint32_t port, void *arg)
{
	(void)arg;
	uart_service();
	struct keel_physdev_irq_eoi eoi = { .port = port };
	physdev_op(KEEL_PHYSDEVOP_IRQ_EOI, &eoi);
	outb(base + UART_IER, 0);
	update_ier(tty_ring_used(&tx) > 0);
}

/* The idle loop's hook when the IRQ could not be bound. */
static void uart_poll(void)
{
	uint64_t flags = irq_save();
	uart_service();
	irq_restore(flags);
}

static void uart_program(void)
{
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, LCR_DLAB);
	outb(base + UART_DATA, BAUD_DIVISOR & 0xff);
	outb(base + UART_IER, BAUD_DIVISOR >> 8);
	outb(base + UART_LCR, LCR_8N1);
	outb(base + UART_IIR, FCR_ENABLE_CLEAR);
	outb(base + UART_MCR, MCR_DTR_RTS_OUT2);
	/* Stale conditions from before the claim would otherwise hold the line. */
	(void)inb(base + UART_LSR);
	(void)inb(base + UART_DATA);
	(void)inb(base + UART_IIR);
	(void)inb(base + UART_MSR);
}

long tty_init(void)
{
	if (mode != TTY_CONSOLE_IO)
		return 0;
	tty_ring_init(&tx, tx_storage, sizeof(tx_storage));
	tty_ring_init(&rx, rx_storage, sizeof(rx_storage));
	struct keel_physdev_console con = { 0 };
	long rc = physdev_op(KEEL_PHYSDEVOP_CLAIM_CONSOLE, &con);
	if (rc) {
		printf("tty: CLAIM_CONSOLE failed (%ld): output through console_io, no input\n", rc);
		return rc;
	}
	if (!con.base || con.base > 0xfff8) {
		printf("tty: CLAIM_CONSOLE returned port %#x: not a UART dom0 can use\n", con.base);
		return -KEEL_ENODEV;
	}
	base = con.base;
	uart_program();
	mode = TTY_POLLED;

	struct keel_physdev_bind_irq bind = { .irq = con.irq, .flags = 0, .vcpu = 0 };
	rc = physdev_op(KEEL_PHYSDEVOP_BIND_IRQ, &bind);
	if (rc) {
		thread_set_idle_poll(uart_poll, POLL_PERIOD_NS);
		printf("tty: UART at %#x; BIND_IRQ %u failed (%ld): polling it while idle\n", base, con.irq, rc);
		return 0;
	}
	irq_port = bind.port;
	uint64_t flags = irq_save();
	events_set_handler(irq_port, uart_event, NULL);
	mode = TTY_INTERRUPT;
	update_ier(false);
	irq_restore(flags);
	printf("tty: UART at %#x, IRQ %u on port %u\n", base, con.irq, irq_port);
	return 0;
}

bool tty_owns_uart(void)
{
	return mode != TTY_CONSOLE_IO;
}

/* Sends everything queued by polling the UART: before threads run, and in the polled mode. */
static void drain_polled(void)
{
	while (tty_ring_used(&tx)) {
		while (!(inb(base + UART_LSR) & LSR_THRE))
			asm volatile("pause");
		fill_fifo();
	}
}

void tty_write(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	if (mode == TTY_CONSOLE_IO) {
		keel_console_write((const char *)p, len);
		return;
	}
	/* Only a thread with interrupts on may wait; anything else (main, dom0_fatal) polls. */
	bool can_wait = mode == TTY_INTERRUPT && thread_can_wait();
	uint64_t flags = irq_save();
	while (len) {
		size_t n = tty_ring_put_text(&tx, p, len);
		p += n;
		len -= n;
		if (mode == TTY_INTERRUPT) {
			fill_fifo();
			/* THRE tells us when the FIFO has room for the rest. */
			update_ier(tty_ring_used(&tx) > 0);
		}
		if (!len)
			break;
		/* Interrupts stay off between the check and the wait, so the refill cannot be missed. */
		if (can_wait)
			waitq_wait(&tx_space, 0);
		else
			drain_polled();
	}
	if (!can_wait)
		drain_polled();
	irq_restore(flags);
}

int tty_read_byte(uint64_t deadline_ns)
{
	uint64_t flags = irq_save();
	int result = -1;
	for (;;) {
		uint8_t c;
		if (tty_ring_get(&rx, &c)) {
			result = c;
			break;
		}
		if (deadline_ns && time_now_ns() >= deadline_ns)
			break;
		/* Interrupts stay off from the check to the wait: a byte cannot slip in between. */
		waitq_wait(&rx_ready, deadline_ns);
	}
	irq_restore(flags);
	return result;
}

uint64_t tty_dropped_bytes(void)
{
	return dropped;
}
