/* cmd_disk.c: the CLI's disk commands: 'disks' lists the virtio-blk devices, 'disk-read' dumps a sector. */
#include <ctype.h>
#include <stdio.h>

#include "cli.h"
#include "cli_args.h"
#include "virtio_blk.h"

#define DUMP_ROW 16

static int cmd_disks(int argc, char **argv)
{
	if (argc != 1)
		return cli_usage_error(argv[0]);
	unsigned int n = virtio_blk_count();
	if (n == 0) {
		printf("no virtio-blk disks\n");
		return 0;
	}
	printf("%-4s %-8s %-6s %12s %10s %6s %-5s %s\n", "Disk", "PCI", "Id", "Sectors", "Size(MiB)", "Block",
	       "Irq", "Flags");
	for (unsigned int i = 0; i < n; i++) {
		const struct virtio_blk_info *d = virtio_blk_info(i);
		printf("%-4u %02x:%02x.%x  %04x   %12llu %10llu %6u %-5s %s%s%s\n", i, d->bus, d->dev, d->fn,
		       d->device_id, (unsigned long long)d->sectors,
		       (unsigned long long)(d->sectors * VIRTIO_BLK_SECTOR >> 20), d->block_size,
		       d->msix ? "msix" : "intx", d->read_only ? "ro" : "rw", d->can_flush ? ",flush" : "",
		       d->failed ? ",failed" : "");
	}
	return 0;
}

/* 16 bytes a row: offset, hex, and the printable characters. */
static void hex_dump(const unsigned char *p, unsigned int len)
{
	for (unsigned int row = 0; row < len; row += DUMP_ROW) {
		printf("%04x: ", row);
		for (unsigned int i = 0; i < DUMP_ROW; i++)
			printf(i == DUMP_ROW / 2 ? " %02x " : "%02x ", p[row + i]);   /* a gap after 8 */
		printf(" |");
		for (unsigned int i = 0; i < DUMP_ROW; i++)
			putchar(isprint(p[row + i]) ? p[row + i] : '.');
		printf("|\n");
	}
}

static int cmd_disk_read(int argc, char **argv)
{
	/* Static: dom0's threads have small stacks; the CLI runs one command at a time. */
	static unsigned char block[4096];
	if (argc != 3)
		return cli_usage_error(argv[0]);
	uint64_t disk, lba;
	unsigned int n = virtio_blk_count();
	if (n == 0) {
		cli_error("no virtio-blk disks");
		return 1;
	}
	if (!cli_number_arg("disk", argv[1], 0, n - 1, &disk))
		return 1;
	const struct virtio_blk_info *d = virtio_blk_info((unsigned int)disk);
	if (d->sectors == 0) {
		cli_error("disk %llu is empty", (unsigned long long)disk);
		return 1;
	}
	if (!cli_number_arg("lba", argv[2], 0, d->sectors - 1, &lba))
		return 1;
	/* The device reads whole logical blocks only: read the one holding the sector. */
	uint32_t per_block = d->block_size / VIRTIO_BLK_SECTOR;
	if (d->block_size > sizeof(block)) {
		cli_error("disk %llu has %u-byte blocks; disk-read reads up to %zu", (unsigned long long)disk,
			  d->block_size, sizeof(block));
		return 1;
	}
	long rc = virtio_blk_read((unsigned int)disk, lba - lba % per_block, block, per_block);
	if (rc) {
		cli_error("reading disk %llu sector %llu failed: %s", (unsigned long long)disk,
			  (unsigned long long)lba, cli_error_name(rc));
		return 1;
	}
	printf("disk %llu sector %llu:\n", (unsigned long long)disk, (unsigned long long)lba);
	hex_dump(block + (lba % per_block) * VIRTIO_BLK_SECTOR, VIRTIO_BLK_SECTOR);
	return 0;
}

const struct cli_command cmd_disk_commands[] = {
	{ "disks", "disks", "the virtio-blk disks: PCI address, capacity, block size, interrupt, flags",
	  "  Columns: Disk PCI Id Sectors Size(MiB) Block Irq Flags. Sectors are 512 bytes; Block is the\n"
	  "  device's logical block size (requests are whole blocks). Flags: rw/ro, flush (it has a write cache), failed (it misbehaved).",
	  cmd_disks },
	{ "disk-read", "disk-read <disk> <lba>", "hex-dump one 512-byte sector of a disk",
	  "  <disk> is a number from 'disks', <lba> a sector number (decimal or 0x hex).", cmd_disk_read },
	{ 0 },
};
