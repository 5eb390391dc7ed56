/* hc_console.c: the console_io hypercall: guest text into the hypervisor log, a line at a time. */
#include "hc_console.h"

#include "domain.h"
#include "guest_access.h"
#include "keel/abi.h"
#include "keel/console_io.h"
#include "log.h"
#include "vcpu.h"

#define COPY_CHUNK 256   /* bytes copied per step: bounded stack use whatever the guest asks */

/* Emits the domain's pending line; lines are prefixed so the log says who spoke. */
static void flush_line(struct domain *d)
{
	d->console_line[d->console_len] = '\0';
	pr_info("(d%u) %s\n", d->id, d->console_line);
	d->console_len = 0;
}

static void put_char(struct domain *d, char c)
{
	if (c == '\n') {
		flush_line(d);
		return;
	}
	if (c == '\r')
		return;
	/* Control characters could drive the operator's terminal: show them as '?'. */
	if ((unsigned char)c < 0x20 && c != '\t')
		c = '?';
	d->console_line[d->console_len++] = c;
	if (d->console_len == DOMAIN_CONSOLE_LINE - 1)
		flush_line(d);
}

int64_t hc_console_io(struct vcpu *v, uint64_t cmd, uint64_t len, uint64_t buf, uint64_t a4, uint64_t a5)
{
	(void)a4, (void)a5;
	char chunk[COPY_CHUNK];

	if (cmd != KEEL_CONSOLE_WRITE || len > KEEL_CONSOLE_IO_MAX)
		return -KEEL_EINVAL;
	/* Validate the whole range before printing any of it: all or nothing. */
	for (uint64_t done = 0; done < len; done += COPY_CHUNK) {
		uint64_t n = len - done < COPY_CHUNK ? len - done : COPY_CHUNK;
		if (copy_from_guest(v, chunk, buf + done, n))
			return -KEEL_EFAULT;
	}
	struct domain *d = v->domain;
	spin_lock(&d->lock);
	for (uint64_t done = 0; done < len; done += COPY_CHUNK) {
		uint64_t n = len - done < COPY_CHUNK ? len - done : COPY_CHUNK;
		if (copy_from_guest(v, chunk, buf + done, n)) {
			spin_unlock(&d->lock);
			return -KEEL_EFAULT;   /* another vCPU changed the mapping meanwhile */
		}
		for (uint64_t i = 0; i < n; i++)
			put_char(d, chunk[i]);
	}
	spin_unlock(&d->lock);
	return (int64_t)len;
}
