/*
 * sched.h: giving up the CPU and ending the domain (KEEL_HC_SCHED_OP).
 *
 *     long sched_op(uint64_t cmd, uint64_t arg)
 *
 * KEEL_SCHED_YIELD     Lets other runnable vCPUs run first. Returns 0.
 * KEEL_SCHED_BLOCK     Blocks the calling vCPU until an event is pending for it; returns 0
 *                      at once if one already is. (Events arrive with the event-channel
 *                      interface; until then the only wake-up is the end of the domain.)
 * KEEL_SCHED_SHUTDOWN  Ends the whole domain; 'arg' is the reason: KEEL_SHUTDOWN_POWEROFF,
 *                      KEEL_SHUTDOWN_REBOOT or KEEL_SHUTDOWN_CRASH. Does not return.
 *                      An unknown reason returns -KEEL_EINVAL.
 * Any other cmd returns -KEEL_ENOSYS.
 */
#ifndef KEEL_PV_SCHED_H
#define KEEL_PV_SCHED_H

#define KEEL_SCHED_YIELD     0
#define KEEL_SCHED_BLOCK     1
#define KEEL_SCHED_SHUTDOWN  2

#define KEEL_SHUTDOWN_POWEROFF 0
#define KEEL_SHUTDOWN_REBOOT   1
#define KEEL_SHUTDOWN_CRASH    2

#endif
