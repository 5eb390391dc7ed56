/* tty_ring.c: the terminal's byte queues: a power-of-two ring, and output text with "\r\n" line ends. */
#include "tty_ring.h"

bool tty_ring_init(struct tty_ring *r, uint8_t *buf, uint32_t size)
{
	r->buf = buf;
	r->size = size;
	r->head = r->tail = 0;
	return size && !(size & (size - 1));
}

uint32_t tty_ring_used(const struct tty_ring *r)
{
	return r->head - r->tail;
}

uint32_t tty_ring_free(const struct tty_ring *r)
{
	return r->size - tty_ring_used(r);
}

bool tty_ring_put(struct tty_ring *r, uint8_t byte)
{
	if (!tty_ring_free(r))
		return false;
	r->buf[r->head & (r->size - 1)] = byte;
	r->head++;
	return true;
}

bool tty_ring_get(struct tty_ring *r, uint8_t *byte)
{
	if (!tty_ring_used(r))
		return false;
	*byte = r->buf[r->tail & (r->size - 1)];
	r->tail++;
	return true;
}

size_t tty_ring_put_text(struct tty_ring *r, const uint8_t *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		uint8_t c = buf[done];
		if (c == '\n') {
			if (tty_ring_free(r) < 2)
				break;
			tty_ring_put(r, '\r');
		}
		if (!tty_ring_put(r, c))
			break;
		done++;
	}
	return done;
}
