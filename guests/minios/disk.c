/* disk.c: minios's block I/O: blkfront's asynchronous requests, collected by a thread that sleeps on the disk's event port. */
#include "disk.h"

#include <errno.h>

#include <keel/abi.h>

#include "blkfront.h"
#include "irq_flags.h"
#include "sched.h"
#include "timer.h"

static struct blkfront bf;
static const char *problem = "not opened";

int disk_open(const struct keel_start_info *si)
{
	long rc = blkfront_open(si, 0, &bf);
	if (rc) {
		problem = bf.problem ? bf.problem : "blkfront_open failed";
		return -1;
	}
	problem = NULL;
	return 0;
}

const char *disk_problem(void)
{
	return problem ? problem : (blkfront_broken(&bf) ? bf.problem : "none");
}

bool disk_ready(void)
{
	return bf.open && !blkfront_broken(&bf);
}

uint32_t disk_sector_size(void)
{
	return blkfront_sector_size(&bf);
}

uint64_t disk_bytes(void)
{
	return blkfront_capacity(&bf) * KEEL_BLKIF_SECTOR;
}

bool disk_read_only(void)
{
	return blkfront_read_only(&bf);
}

/*
 * One completion: 1 (in *done), 0 (nothing in flight) or -1 (the backend stayed silent
 * past the deadline). Between looks the thread waits on the disk's port; io/ring.h R5's
 * final check re-arms rsp_event first, so the backend notifies for the next response,
 * and it runs with interrupts off, so that notification cannot slip in before the wait.
 */
static int collect(struct blkfront_done *done, uint64_t deadline)
{
	for (;;) {
		long c = blkfront_complete(&bf, done, 0);
		if (c != -KEEL_EAGAIN)
			return c == 1 ? 1 : 0;
		if (time_now_ns() >= deadline)
			return -1;
		uint64_t flags = irq_save();
		if (!blkfront_broken(&bf) && keel_ring_front_final_check(&bf.ring, 1) == 0)
			sched_wait(bf.port, deadline);
		irq_restore(flags);
	}
}

static int check_range(uint64_t offset, size_t bytes)
{
	if (!bf.open) {
		errno = ENODEV;
		return -1;
	}
	uint32_t ss = disk_sector_size();
	if (offset % ss || bytes % ss || offset > disk_bytes() || bytes > disk_bytes() - offset) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* As many requests in flight as blkfront has room for; every one collected before returning. */
static int transfer(uint8_t op, uint64_t offset, uint8_t *buf, size_t bytes)
{
	if (check_range(offset, bytes))
		return -1;
	uint64_t sector = offset / KEEL_BLKIF_SECTOR, total = bytes / KEEL_BLKIF_SECTOR, sent = 0;
	int error = 0;
	while (sent < total || blkfront_in_flight(&bf)) {
		while (sent < total && !error) {
			uint64_t left = total - sent;
			uint32_t n = left < BLKFRONT_MAX_REQUEST_SECTORS ? (uint32_t)left : BLKFRONT_MAX_REQUEST_SECTORS;
			long rc = blkfront_submit(&bf, op, sector + sent, buf + sent * KEEL_BLKIF_SECTOR, n, 0);
			if (rc == -KEEL_EAGAIN)
				break;
			if (rc) {
				error = EIO;
				break;
			}
			sent += n;
		}
		struct blkfront_done done;
		int c = collect(&done, time_now_ns() + DISK_TIMEOUT_NS);
		if (c < 0)
			error = EIO;   /* the disk stays unusable: later calls fail at submit */
		if (c < 0 || (c == 0 && sent < total && error))
			break;
		if (c == 1 && done.rc && !error)
			error = EIO;
	}
	if (error) {
		errno = op == KEEL_BLKIF_OP_WRITE && disk_read_only() ? EROFS : error;
		return -1;
	}
	return 0;
}

int disk_read(uint64_t offset, void *buf, size_t bytes)
{
	return transfer(KEEL_BLKIF_OP_READ, offset, buf, bytes);
}

int disk_write(uint64_t offset, const void *buf, size_t bytes)
{
	/* blkfront copies a WRITE's data at submit and never writes to buf. */
	return transfer(KEEL_BLKIF_OP_WRITE, offset, (uint8_t *)(uintptr_t)buf, bytes);
}

int disk_flush(void)
{
	if (!bf.open) {
		errno = ENODEV;
		return -1;
	}
	if (!blkfront_has_flush(&bf))
		return 0;
	if (blkfront_submit(&bf, KEEL_BLKIF_OP_FLUSH, 0, NULL, 0, 0)) {
		errno = EIO;
		return -1;
	}
	struct blkfront_done done;
	if (collect(&done, time_now_ns() + DISK_TIMEOUT_NS) != 1 || done.rc) {
		errno = EIO;
		return -1;
	}
	return 0;
}
