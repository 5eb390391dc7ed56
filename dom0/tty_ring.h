/* tty_ring.h: the terminal's byte queues: a ring buffer, and queuing output with '\n' sent as "\r\n". */
#ifndef DOM0_TTY_RING_H
#define DOM0_TTY_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One producer and one consumer; the caller serialises them (tty.c disables interrupts
 * around every call, since its event handler is the other side). 'head' and 'tail' run
 * freely and wrap modulo 2^32; the storage size must be a power of two.
 */
struct tty_ring {
	uint8_t *buf;
	uint32_t size;     /* a power of two */
	uint32_t head;     /* next byte written at buf[head % size] */
	uint32_t tail;     /* next byte read from buf[tail % size] */
};

/* false if 'size' is not a power of two (the ring is unusable then). */
bool tty_ring_init(struct tty_ring *r, uint8_t *buf, uint32_t size);
uint32_t tty_ring_used(const struct tty_ring *r);
uint32_t tty_ring_free(const struct tty_ring *r);
/* false if full. */
bool tty_ring_put(struct tty_ring *r, uint8_t byte);
/* false if empty. */
bool tty_ring_get(struct tty_ring *r, uint8_t *byte);

/*
 * Queues as much of 'buf' as fits, each '\n' as "\r\n" (both or neither, so a line end is
 * never split between calls). Returns how many bytes of 'buf' were consumed.
 */
size_t tty_ring_put_text(struct tty_ring *r, const uint8_t *buf, size_t len);

#endif
