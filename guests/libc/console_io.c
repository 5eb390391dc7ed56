/* console_io.c: newlib's read and write for guests: the terminal is the console frontend (guests/lib/console.c). */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "console.h"
#include "irq_flags.h"
#include "libc_port.h"
#include "newlib_fds.h"
#include "timer.h"

/*
 * The console frontend keeps one line buffer and is not reentrant, and its wait for room
 * on a full ring borrows the vCPU's one-shot timer when interrupts are on. Both calls
 * therefore run with interrupts off: no upcall (and so no preemption by a threaded guest)
 * lands in the middle, and a full ring is waited out by yielding, leaving the guest's own
 * timer alone.
 */
_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len)
{
	if (newlib_output_fd(fd, &len))
		return -1;
	const char *p = buf;
	uint64_t flags = irq_save();
	/* %.*s stops at a NUL, so NUL bytes go out one by one with %c. */
	for (size_t done = 0; done < len;) {
		size_t run = 0;
		while (done + run < len && p[done + run] && run < INT_MAX)
			run++;
		if (run)
			gprintf("%.*s", (int)run, p + done);
		else
			gprintf("%c", 0);
		done += run ? run : 1;
	}
	irq_restore(flags);
	return (_READ_WRITE_RETURN_TYPE)len;
}

/*
 * A terminal's read: blocks (through the wait_input hook, entered with interrupts off right
 * after finding nothing, so input arriving in between still ends the wait) until at least
 * one byte is there, then takes what is queued, up to len. A console without input is EIO.
 */
_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len)
{
	if (newlib_input_fd(fd, &len))
		return -1;
	if (len == 0)
		return 0;
	for (;;) {
		uint64_t flags = irq_save();
		int n = console_read(buf, len);
		if (n == 0)
			libc_port_threads.wait_input(time_now_ns() + 1000000000ull);
		irq_restore(flags);
		if (n > 0)
			return n;
		if (n < 0) {
			errno = EIO;
			return -1;
		}
	}
}
