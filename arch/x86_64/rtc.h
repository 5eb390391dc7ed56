/* rtc.h: the CMOS real-time clock, read for the guests' wallclock. */
#ifndef KEEL_ARCH_RTC_H
#define KEEL_ARCH_RTC_H

#include <stdbool.h>
#include <stdint.h>

/* The RTC's current time as seconds since 1970-01-01 UTC (the RTC is assumed to keep UTC);
 * false if the clock does not answer with a valid date. Takes at most a few milliseconds. */
bool rtc_read_unix_seconds(uint64_t *seconds);

/* Days since 1970-01-01 of a proleptic Gregorian date (exposed for tests). */
int64_t rtc_days_from_civil(int64_t year, unsigned int month, unsigned int day);

#endif
