/* arch_time_fixed.c: arch_time_ns for unit tests of code that only needs some current time (hc_console.c's log budget). */
#include <stdint.h>

uint64_t arch_time_ns(void);

uint64_t arch_time_ns(void)
{
	return 1000000000ull;   /* one second after boot, for ever */
}
