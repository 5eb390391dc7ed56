/*
 * console_io.h: the early, synchronous console hypercall (KEEL_HC_CONSOLE_IO).
 *
 *     long console_io(uint64_t cmd, uint64_t len, const char *buf)
 *
 * cmd KEEL_CONSOLE_WRITE: writes 'len' bytes from the guest-virtual buffer 'buf' to the
 *     hypervisor console. Output is line-buffered per domain and each complete line is
 *     printed as "(dN) text" (N = the domain id), so lines of different domains never
 *     interleave. Control characters other than tab and newline are shown as '?'.
 *     Returns the number of bytes written (== len) or:
 *       -KEEL_EINVAL  unknown cmd, or len > KEEL_CONSOLE_IO_MAX
 *       -KEEL_EFAULT  some byte of [buf, buf+len) is not mapped readable guest memory
 *     A zero length returns 0 and reads nothing.
 *
 * It is meant for early boot and debugging: it costs an exit per call. The console ring
 * (a later io/console.h) is the steady-state path.
 */
#ifndef KEEL_PV_CONSOLE_IO_H
#define KEEL_PV_CONSOLE_IO_H

#define KEEL_CONSOLE_WRITE   0
#define KEEL_CONSOLE_IO_MAX  4096   /* bytes per call */

#endif
