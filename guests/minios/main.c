/* main.c: minios's boot: its own IDT and page tables, events, the scheduler, newlib, the disk and the store; then the shell and flusher threads. */
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "console.h"
#include "devices.h"
#include "disk.h"
#include "events.h"
#include "guest.h"
#include "hypercall.h"
#include "idt.h"
#include "irq_flags.h"
#include "kvstore.h"
#include "libc_port.h"
#include "pagetable.h"
#include "sched.h"
#include "shell.h"
#include "thread.h"

/* How often the flusher commits a store that changed. */
#define FLUSH_INTERVAL_NS (5ull * 1000000000ull)

static uint32_t console_port = THREAD_NO_PORT;

static __attribute__((noreturn)) void boot_failed(const char *what, long rc)
{
	gprintf("minios: boot failed: %s (%ld)\n", what, rc);
	for (;;)
		keel_sched_shutdown(KEEL_SHUTDOWN_CRASH);
}

/* libc's hooks: locks belong to threads; a read with no input waits on the console's port. */
static void *libc_self(void)
{
	return sched_current();
}

static bool wait_console(uint64_t deadline_ns)
{
	return sched_wait(console_port, deadline_ns);
}

static const struct libc_threads libc_hooks = {
	.self = libc_self,
	.yield = sched_yield,
	.wait_input = wait_console,
};

/* Commits changes every few seconds, so a store nobody syncs by hand still reaches the disk. */
static void flusher_main(void *arg)
{
	(void)arg;
	for (;;) {
		sched_sleep_ns(FLUSH_INTERVAL_NS);
		enum kv_status st = kvstore_sync();
		if (st != KV_OK)
			printf("minios: flusher: sync failed: %s\n", kv_status_text(st));
	}
}

void guest_main(const struct keel_start_info *si)
{
	asm volatile("cli");
	uint64_t next_free = si->first_free_gpa, free_end = devices_free_end(si);

	/* events_init loads the runtime's IDT with its upcall gate; idt_init replaces it with ours. */
	long rc = events_init(si);
	if (rc)
		boot_failed("events_init", rc);
	idt_init();
	if (pagetable_init(si, &next_free, free_end))
		boot_failed("no room for page tables", -1);
	rc = sched_init();
	if (rc)
		boot_failed("binding VIRQ_TIMER", rc);
	const struct keel_device *console = devices_find(si, KEEL_DEVICE_CONSOLE, 0);
	if (console)
		console_port = console->port;

	libc_port_init(next_free, free_end, &libc_hooks);
	thread_init();
	irq_restore(RFLAGS_IF);

	printf("minios: up: domain %u '%s', %llu MiB RAM, own page tables and IDT, heap %llu KiB\n", si->domid,
	       si->name, (unsigned long long)(si->nr_pages * 4096 >> 20),
	       (unsigned long long)((free_end - next_free) >> 10));
	printf("minios: text %s, rodata %s, data %s, page 0 %s\n", pagetable_describe((uintptr_t)guest_main),
	       pagetable_describe((uintptr_t)"rodata"), pagetable_describe((uintptr_t)&console_port),
	       pagetable_describe(0));

	if (disk_open(si))
		printf("minios: no disk: %s; the store stays empty and cannot sync\n", disk_problem());
	else
		printf("minios: disk: %llu KiB, %u-byte sectors%s\n", (unsigned long long)(disk_bytes() >> 10),
		       disk_sector_size(), disk_read_only() ? ", read-only" : "");
	char quota_text[24];
	unsigned long long quota = 0;
	if (cmdline_get(si->cmdline, "quota", quota_text, sizeof(quota_text))) {
		if (cmdline_parse_u64(quota_text, &quota) && quota > 0)
			printf("kvstore: quota %llu bytes\n", quota);
		else
			printf("minios: ignoring quota='%s': not a positive number of bytes\n", quota_text);
		kvstore_set_quota((size_t)quota);
	}
	enum kv_status st = kvstore_open();
	struct kvstore_stats stats;
	kvstore_stats(&stats);
	if (st == KV_OK)
		printf("kvstore: loaded %zu keys (generation %llu, slot %u)\n", stats.keys,
		       (unsigned long long)stats.generation, stats.slot);
	else
		printf("kvstore: nothing loaded: %s\n", kv_status_text(st));

	if (!thread_create("shell", shell_main, NULL) || !thread_create("flusher", flusher_main, NULL))
		boot_failed("starting threads", -1);
	sched_idle();
}
