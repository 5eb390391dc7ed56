/* byte_history.c: the newest bytes of a stream in a power-of-two ring (byte_history.h). */
#include "byte_history.h"

#include "string.h"

void byte_history_put(char *buf, size_t size, uint64_t *written, const void *src, size_t n)
{
	const char *s = src;
	/* Only the last 'size' bytes of a long write can survive it. */
	if (n > size) {
		*written += n - size;
		s += n - size;
		n = size;
	}
	size_t at = (size_t)(*written & (size - 1));
	size_t first = size - at < n ? size - at : n;
	memcpy(buf + at, s, first);
	memcpy(buf, s + first, n - first);
	*written += n;
}

size_t byte_history_read(const char *buf, size_t size, uint64_t written, uint64_t *pos, void *dst, size_t len)
{
	uint64_t oldest = written > size ? written - size : 0;
	uint64_t from = *pos < oldest ? oldest : *pos > written ? written : *pos;
	uint64_t avail = written - from;
	size_t n = avail < len ? (size_t)avail : len;
	size_t at = (size_t)(from & (size - 1));
	size_t first = size - at < n ? size - at : n;
	char *d = dst;
	memcpy(d, buf + at, first);
	memcpy(d + first, buf, n - first);
	*pos = from;
	return n;
}
