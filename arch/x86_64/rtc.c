/* rtc.c: reading the CMOS real-time clock: BCD or binary, 12- or 24-hour, the update-in-progress flag, the ACPI century. */
#include "rtc.h"

#include "cpu.h"
#include "percpu.h"
#include "platform.h"
#include "spinlock.h"
#include "string.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

enum {
	RTC_SECONDS = 0x00, RTC_MINUTES = 0x02, RTC_HOURS = 0x04, RTC_DAY = 0x07, RTC_MONTH = 0x08,
	RTC_YEAR = 0x09, RTC_STATUS_A = 0x0a, RTC_STATUS_B = 0x0b,
};
#define STATUS_A_UPDATE_IN_PROGRESS 0x80
#define STATUS_B_24_HOUR            0x02
#define STATUS_B_BINARY             0x04
#define HOUR_PM                     0x80

/* The index/data pair is one shared register window: one reader at a time. */
static spinlock_t cmos_lock = SPINLOCK_INIT;

static uint8_t cmos_read(uint8_t reg)
{
	/* Bit 7 of the index would mask NMIs: keep it clear. */
	outb(CMOS_INDEX, reg & 0x7f);
	return inb(CMOS_DATA);
}

struct rtc_time {
	uint8_t sec, min, hour, day, month, year, century, status_b;
};

/* One snapshot, started outside an update cycle (the clock changes its registers for ~2 ms each second). */
static bool read_raw(struct rtc_time *t)
{
	unsigned int spins = 0;
	while (cmos_read(RTC_STATUS_A) & STATUS_A_UPDATE_IN_PROGRESS)
		if (++spins > 1000000)
			return false;   /* no clock, or one that never finishes an update */
	uint8_t century_index = platform_acpi.century_cmos_index;
	t->sec = cmos_read(RTC_SECONDS);
	t->min = cmos_read(RTC_MINUTES);
	t->hour = cmos_read(RTC_HOURS);
	t->day = cmos_read(RTC_DAY);
	t->month = cmos_read(RTC_MONTH);
	t->year = cmos_read(RTC_YEAR);
	t->century = century_index ? cmos_read(century_index) : 0;
	t->status_b = cmos_read(RTC_STATUS_B);
	return true;
}

static uint8_t from_bcd(uint8_t v)
{
	return (uint8_t)((v >> 4) * 10 + (v & 0x0f));
}

int64_t rtc_days_from_civil(int64_t year, unsigned int month, unsigned int day)
{
	/* Howard Hinnant's days_from_civil: eras of 400 years, March-based months. */
	year -= month <= 2;
	int64_t era = (year >= 0 ? year : year - 399) / 400;
	int64_t yoe = year - era * 400;
	int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool rtc_read_unix_seconds(uint64_t *seconds)
{
	struct rtc_time a, b;
	bool ok = false;
	spin_lock(&cmos_lock);
	/* Two equal snapshots in a row: no update happened in the middle of one. */
	if (read_raw(&a)) {
		for (int tries = 0; tries < 10; tries++) {
			if (!read_raw(&b))
				break;
			if (!memcmp(&a, &b, sizeof(a))) {
				ok = true;
				break;
			}
			a = b;
		}
	}
	spin_unlock(&cmos_lock);
	if (!ok)
		return false;

	bool pm = a.hour & HOUR_PM;
	a.hour &= (uint8_t)~HOUR_PM;
	if (!(a.status_b & STATUS_B_BINARY)) {
		a.sec = from_bcd(a.sec);
		a.min = from_bcd(a.min);
		a.hour = from_bcd(a.hour);
		a.day = from_bcd(a.day);
		a.month = from_bcd(a.month);
		a.year = from_bcd(a.year);
		a.century = from_bcd(a.century);
	}
	if (!(a.status_b & STATUS_B_24_HOUR))
		a.hour = (uint8_t)(a.hour % 12 + (pm ? 12 : 0));   /* 12 AM is 0:xx, 12 PM is 12:xx */
	/* Without an ACPI century register the RTC's two digits are taken as 20xx. */
	unsigned int century = a.century >= 19 && a.century <= 99 ? a.century : 20;
	if (a.sec > 59 || a.min > 59 || a.hour > 23 || a.day < 1 || a.day > 31 || a.month < 1 || a.month > 12 ||
	    a.year > 99)
		return false;
	int64_t days = rtc_days_from_civil((int64_t)century * 100 + a.year, a.month, a.day);
	if (days < 0)
		return false;
	*seconds = (uint64_t)days * 86400 + a.hour * 3600u + a.min * 60u + a.sec;
	return true;
}
