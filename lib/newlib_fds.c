/* newlib_fds.c: the file-descriptor calls of newlib-based domains, which have no files: 0, 1 and 2 are the terminal, every other descriptor is EBADF. */
#include "newlib_fds.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

/* Each domain supplies its own read and write (terminal, console ring), starting with these checks. */

static int fd_check(bool ok, size_t *len)
{
	if (!ok) {
		errno = EBADF;
		return -1;
	}
	if (*len > INT_MAX)   /* the result is an int: move no more than it can report */
		*len = INT_MAX;
	return 0;
}

int newlib_output_fd(int fd, size_t *len)
{
	return fd_check(fd == STDOUT_FILENO || fd == STDERR_FILENO, len);
}

int newlib_input_fd(int fd, size_t *len)
{
	return fd_check(fd == STDIN_FILENO, len);
}

static bool is_terminal(int fd)
{
	return fd >= 0 && fd <= 2;
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
