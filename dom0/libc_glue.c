/* libc_glue.c: newlib's system calls for dom0: the terminal for stdio; the heap, descriptors and _exit are lib/newlib_*.c, shared with guests/libc. */
#include "libc_glue.h"

#include <stddef.h>
#include <unistd.h>

#include "newlib_fds.h"
#include "newlib_heap.h"
#include "tty.h"

/*
 * newlib (built with --disable-newlib-supplied-syscalls) calls these by their plain names,
 * except _exit. There are no files: descriptors 0, 1 and 2 are the terminal, and every
 * other descriptor is EBADF (lib/newlib_fds.c). sbrk is lib/newlib_heap.c; getpid, kill
 * and _exit are lib/newlib_process.c.
 */

void libc_glue_init(uint64_t start, uint64_t end)
{
	libc_heap_init(start, end);
}

_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len)
{
	if (newlib_output_fd(fd, &len))
		return -1;
	tty_write(buf, len);
	return (_READ_WRITE_RETURN_TYPE)len;
}

/* Blocks for the first byte, then takes what is already there: a terminal's read. */
_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len)
{
	if (newlib_input_fd(fd, &len))
		return -1;
	uint8_t *out = buf;
	size_t n = 0;
	while (n < len) {
		int c = tty_read_byte(n ? 1 : 0);   /* a deadline in the past: only what is queued */
		if (c < 0)
			break;
		out[n++] = (uint8_t)c;
	}
	return (_READ_WRITE_RETURN_TYPE)n;
}
