/* cmd_block.c: the CLI's 'block-list': the virtual disks blkback serves, their partitions and request counts. */
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

static int cmd_block_list(int argc, char **argv)
{
	if (argc != 1)
		return cli_usage_error(argv[0]);
	struct blkback_status st;
	unsigned int cursor = 0;
	printf("%-16s %5s %-16s %4s %10s %10s %2s %9s %7s %s\n", "Domain", "ID", "Label", "Disk", "Start", "Sectors",
	       "Mo", "Requests", "Errors", "State");
	while (blkback_status(&cursor, &st)) {
		char name[KEEL_DOMAIN_NAME_MAX + 1];
		domain_name(st.domid, name, sizeof(name));
		printf("%-16s %5u %-16s %4u %10llu %10llu %2s %9llu %7llu %s\n", name, st.domid, st.label, st.disk,
		       (unsigned long long)st.first_lba, (unsigned long long)st.sectors, st.read_only ? "ro" : "rw",
		       (unsigned long long)st.requests, (unsigned long long)st.errors, st.state);
	}
	return 0;
}

const struct cli_command cmd_block_commands[] = {
	{ "block-list", "block-list", "the guests' virtual disks: partition, size, mode, requests served, state",
	  "  Columns: Domain ID Label Disk Start Sectors Mo Requests Errors State. Label is the GPT\n"
	  "  partition name, Disk the virtio-blk disk ('disks'), Start its first sector there, Sectors\n"
	  "  its size (512 bytes each), Mo rw or ro. Requests counts answered requests, Errors those\n"
	  "  answered with an error. State is 'connected', or 'disconnected' after the guest broke its\n"
	  "  ring (the line in dmesg says when).",
	  cmd_block_list },
	{ 0 },
};
