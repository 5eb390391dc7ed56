/* time.c: newlib's clocks for guests: the wallclock and system time from shared info (guests/lib/timer.c). */
#include <errno.h>
#include <sys/time.h>
#include <time.h>

#include "timer.h"

/* time() and friends end here. The timezone is always UTC. */
int gettimeofday(struct timeval *tv, void *tz)
{
	(void)tz;
	if (tv) {
		uint64_t sec;
		uint32_t nsec;
		wallclock_now(&sec, &nsec);
		tv->tv_sec = (time_t)sec;
		tv->tv_usec = (suseconds_t)(nsec / 1000);
	}
	return 0;
}

/* CLOCK_REALTIME is the wallclock; CLOCK_MONOTONIC is system time, which never goes back. */
int clock_gettime(clockid_t clock, struct timespec *ts)
{
	if (!ts) {
		errno = EFAULT;
		return -1;
	}
	if (clock == CLOCK_REALTIME) {
		uint64_t sec;
		uint32_t nsec;
		wallclock_now(&sec, &nsec);
		ts->tv_sec = (time_t)sec;
		ts->tv_nsec = (long)nsec;
		return 0;
	}
	if (clock == CLOCK_MONOTONIC) {
		uint64_t now = time_now_ns();
		ts->tv_sec = (time_t)(now / 1000000000ull);
		ts->tv_nsec = (long)(now % 1000000000ull);
		return 0;
	}
	errno = EINVAL;
	return -1;
}

/* Both clocks tick in nanoseconds (TSC-derived). */
int clock_getres(clockid_t clock, struct timespec *res)
{
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) {
		errno = EINVAL;
		return -1;
	}
	if (res)
		*res = (struct timespec){ .tv_sec = 0, .tv_nsec = 1 };
	return 0;
}
