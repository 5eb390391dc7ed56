/* newlib_fds.h: the descriptor checks every newlib-based domain's read and write begin with (lib/newlib_fds.c). */
#ifndef KEEL_NEWLIB_FDS_H
#define KEEL_NEWLIB_FDS_H

#include <stddef.h>

/*
 * For write(): 0 if fd is stdout or stderr, with *len cut to what write's int result can
 * report; else -1 with errno EBADF.
 */
int newlib_output_fd(int fd, size_t *len);

/* For read(): 0 if fd is stdin, with *len cut the same way; else -1 with errno EBADF. */
int newlib_input_fd(int fd, size_t *len);

#endif
