/* cmd_block.c: the CLI's 'block-list' and 'block-stats': the virtual disks blkback serves, their partitions, request and notification counts. */
#include <stdio.h>

#include <keel/domctl.h>

#include "blkback.h"
#include "cli.h"
#include "control.h"

/* The domain's name from GETINFO, or "-" if it is gone meanwhile. */
static void domain_name(uint32_t domid, char *out, size_t size)
{
	struct keel_domctl_info info;
	if (domctl_getinfo(domid, &info) == 0)
		snprintf(out, size, "%.*s", KEEL_DOMAIN_NAME_MAX, info.name);
	else
		snprintf(out, size, "-");
}

/* One 'block-list' row. */
static void print_list_row(const char *name, const struct blkback_status *st)
{
	char disk[12];
	/* A null disk is on no virtio-blk disk: '-' keeps the column count for parsers. */
	snprintf(disk, sizeof(disk), st->null_disk ? "-" : "%u", st->disk);
	printf("%-16s %5u %-16s %4s %10llu %10llu %2s %9llu %7llu %s\n", name, st->domid, st->label, disk,
	       (unsigned long long)st->first_lba, (unsigned long long)st->sectors, st->read_only ? "ro" : "rw",
	       (unsigned long long)st->requests, (unsigned long long)st->errors, st->state);
}

/* Per thousand requests in tenths, rounded: integers, so it prints the same whatever printf supports. */
static unsigned long long per_mille_tenths(uint64_t count, uint64_t requests)
{
	return requests ? (unsigned long long)((count * 10000 + requests / 2) / requests) : 0;
}

/* One 'block-stats' row. */
static void print_stats_row(const char *name, const struct blkback_status *st)
{
	unsigned long long tenths = per_mille_tenths(st->events_in + st->events_out, st->requests);
	printf("%-16s %5u %-16s %9llu %9llu %9llu %7llu.%llu\n", name, st->domid, st->label,
	       (unsigned long long)st->requests, (unsigned long long)st->events_in, (unsigned long long)st->events_out,
	       tenths / 10, tenths % 10);
}

/* Every disk blkback serves, one row each, named after its domain. */
static void print_rows(void (*row)(const char *name, const struct blkback_status *st))
{
	struct blkback_status st;
	unsigned int cursor = 0;
	while (blkback_status(&cursor, &st)) {
		char name[KEEL_DOMAIN_NAME_MAX + 1];
		domain_name(st.domid, name, sizeof(name));
		row(name, &st);
	}
}

static int cmd_block_list(int argc, char **argv)
{
	if (argc != 1)
		return cli_usage_error(argv[0]);
	printf("%-16s %5s %-16s %4s %10s %10s %2s %9s %7s %s\n", "Domain", "ID", "Label", "Disk", "Start", "Sectors",
	       "Mo", "Requests", "Errors", "State");
	print_rows(print_list_row);
	return 0;
}

static int cmd_block_stats(int argc, char **argv)
{
	if (argc != 1)
		return cli_usage_error(argv[0]);
	printf("%-16s %5s %-16s %9s %9s %9s %9s\n", "Domain", "ID", "Label", "Requests", "EventsIn", "EventsOut",
	       "Per1000");
	print_rows(print_stats_row);
	return 0;
}

const struct cli_command cmd_block_commands[] = {
	{ "block-list", "block-list", "the guests' virtual disks: partition, size, mode, requests served, state",
	  "  Columns: Domain ID Label Disk Start Sectors Mo Requests Errors State. Label is the GPT\n"
	  "  partition name (or null:SIZE), Disk the virtio-blk disk ('disks'; '-' for a null disk),\n"
	  "  Start its first sector there, Sectors\n"
	  "  its size (512 bytes each), Mo rw or ro. Requests counts answered requests, Errors those\n"
	  "  answered with an error. State is 'connected', or 'disconnected' after the guest broke its\n"
	  "  ring (the line in dmesg says when).",
	  cmd_block_list },
	{ "block-stats", "block-stats", "the guests' virtual disks: requests and event-channel notifications each way",
	  "  Columns: Domain ID Label Requests EventsIn EventsOut Per1000. EventsIn counts the\n"
	  "  frontend's notifications as dom0 took them (upcalls on the disk's port: two sent while\n"
	  "  one is pending arrive as one), EventsOut those blkback sent. Per1000 is both together\n"
	  "  per 1000 requests answered: io/ring.h R5's suppression keeps it low while a guest streams.",
	  cmd_block_stats },
	{ 0 },
};
