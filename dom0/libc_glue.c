/* libc_glue.c: newlib's system calls for dom0: the terminal for stdio, its free RAM for malloc, shutdown for _exit. */
#include "libc_glue.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hypercall.h"
#include "tty.h"

/*
 * newlib (built with --disable-newlib-supplied-syscalls) calls these by their plain names,
 * except _exit. There are no files: descriptors 0, 1 and 2 are the terminal, and every
 * other descriptor is EBADF.
 */

static uint64_t heap_start, heap_end, heap_brk;

void libc_glue_init(uint64_t start, uint64_t end)
{
	heap_start = heap_brk = start;
	heap_end = end > start ? end : start;
}

uint64_t libc_heap_used(void)
{
	return heap_brk - heap_start;
}

uint64_t libc_heap_size(void)
{
	return heap_end - heap_start;
}

/* malloc's only source of memory: it asks for more and never gives any back below the start. */
void *sbrk(ptrdiff_t increment)
{
	uint64_t old = heap_brk;
	if (increment >= 0 ? (uint64_t)increment > heap_end - heap_brk
			   : (uint64_t)-increment > heap_brk - heap_start) {
		errno = ENOMEM;
		return (void *)-1;
	}
	heap_brk += (uint64_t)increment;
	return (void *)(uintptr_t)old;
}

static bool is_terminal(int fd)
{
	return fd >= 0 && fd <= 2;
}

_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len)
{
	if (fd != STDOUT_FILENO && fd != STDERR_FILENO) {
		errno = EBADF;
		return -1;
	}
	if (len > INT_MAX)   /* the return type is int: report no more than fits */
		len = INT_MAX;
	tty_write(buf, len);
	return (_READ_WRITE_RETURN_TYPE)len;
}

/* Blocks for the first byte, then takes what is already there: a terminal's read. */
_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len)
{
	if (fd != STDIN_FILENO) {
		errno = EBADF;
		return -1;
	}
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

int close(int fd)
{
	if (!is_terminal(fd)) {
		errno = EBADF;
		return -1;
	}
	return 0;
}

int fstat(int fd, struct stat *st)
{
	if (!is_terminal(fd)) {
		errno = EBADF;
		return -1;
	}
	*st = (struct stat){ .st_mode = S_IFCHR };   /* a character device: stdio line-buffers it */
	return 0;
}

int isatty(int fd)
{
	if (!is_terminal(fd)) {
		errno = EBADF;
		return 0;
	}
	return 1;
}

off_t lseek(int fd, off_t offset, int whence)
{
	(void)offset, (void)whence;
	errno = is_terminal(fd) ? ESPIPE : EBADF;
	return -1;
}

/* dom0 is the only process; a signal to itself (abort()) ends it like a crash. */
int kill(pid_t pid, int sig)
{
	if (pid != getpid()) {
		errno = ESRCH;
		return -1;
	}
	(void)sig;
	for (;;)
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
}

pid_t getpid(void)
{
	return 1;
}

void _exit(int status)
{
	for (;;)
		keel_sched_shutdown(status == 0 ? KEEL_SHUTDOWN_POWEROFF : KEEL_SHUTDOWN_CRASH);
}
