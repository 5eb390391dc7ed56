/* hc_console.c: the console_io hypercall: guest text into the hypervisor log a line at a time, and into the domain's capture ring for dom0. */
#include "hc_console.h"

#include "arch.h"
#include "console_capture.h"
#include "domain.h"
#include "evtchn.h"
#include "guest_access.h"
#include "keel/abi.h"
#include "keel/console_io.h"
#include "log.h"
#include "vcpu.h"

#define COPY_CHUNK 256   /* bytes copied per step: bounded stack use whatever the guest asks */

/*
 * Emits the domain's pending line; lines are prefixed so the log says who spoke. An
 * unprivileged domain's lines are rate-limited (console_log_budget.h) so that a flood cannot
 * push everyone else's lines out of the log; the capture keeps them all for dom0.
 */
static void flush_line(struct domain *d)
{
	d->console_line[d->console_len] = '\0';
	d->console_len = 0;
	if (!d->privileged) {
		enum console_log_verdict verdict = console_log_budget_take(&d->console_log_budget, arch_time_ns());
		if (verdict == CONSOLE_LOG_FIRST_DROP)
			pr_info("(d%u) [console_io over the log's rate limit (a burst of %u lines, then %llu a second): "
				"the rest is not logged; dom0's 'console' has it all]\n",
				d->id, CONSOLE_LOG_BURST, 1000000000ull / CONSOLE_LOG_INTERVAL_NS);
		if (verdict != CONSOLE_LOG_LINE)
			return;
	}
	pr_info("(d%u) %s\n", d->id, d->console_line);
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

/* KEEL_VIRQ_CONSOLE on every vCPU of dom0 that bound it (event_channel.h); the domain list
 * lock keeps dom0 from being torn down meanwhile. */
static void notify_dom0(void)
{
	struct domain *privileged = domain_lookup_locked(0);   /* dom0 always has id 0 */
	if (!privileged)
		return;
	if (privileged->privileged)
		for (unsigned int i = 0; i < privileged->nr_vcpus; i++)
			if (privileged->vcpus[i])
				evtchn_send_virq(privileged->vcpus[i], KEEL_VIRQ_CONSOLE);
	domain_list_unlock();
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
		/* The capture keeps the bytes as written: dom0's console backend filters them for its
		 * terminal (console_text_sanitize), other readers may want them raw. */
		console_capture_put(&d->console_capture, chunk, (size_t)n);
		for (uint64_t i = 0; i < n; i++)
			put_char(d, chunk[i]);
	}
	spin_unlock(&d->lock);
	/* After the lock: dom0's event-channel lock is never taken under a domain lock. dom0's own
	 * writes raise nothing, or a console backend that logs what it reads would feed itself. */
	if (len && !d->privileged)
		notify_dom0();
	return (int64_t)len;
}
