/* newlib_process.c: the process calls of newlib-based domains: the domain is the only process, and its end is a shutdown hypercall. */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "hypercall.h"

pid_t getpid(void)
{
	return 1;
}

/* A signal to itself (abort()) ends the domain like a crash; there is nobody else to signal. */
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

/* exit(0) powers the domain off; any other status is reported to dom0 as a crash. */
void _exit(int status)
{
	for (;;)
		keel_sched_shutdown(status == 0 ? KEEL_SHUTDOWN_POWEROFF : KEEL_SHUTDOWN_CRASH);
}
