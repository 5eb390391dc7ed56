/* panic_assert.c: the hypervisor's panic() for host tests: a cmocka assertion failure, so tests can expect it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "log.h"

void panic(const char *fmt, ...)
{
	/* Static: cmocka keeps the pointer past the longjmp that leaves this frame. */
	static char message[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	mock_assert(0, message, __FILE__, __LINE__);
	abort();   /* mock_assert never returns with a false result */
}
