/* blkback.c: serving guests' block rings from GPT partitions: connect, the blkback thread, protocol errors, teardown. */
#include "blkback.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <io/blkif.h>
#include <keel/abi.h>
#include <keel/event_channel.h>
#include <keel/grant_table.h>

#include "blkback_check.h"
#include "cli.h"
#include "console_backend.h"
#include "dma.h"
#include "domcfg.h"
#include "events.h"
#include "grant.h"
#include "hypercall.h"
#include "paging.h"
#include "thread.h"
#include "timer.h"
#include "virtio_blk.h"

/*
 * Ring pages live in the grant window right above the console backend's slots (the
 * console backend takes pages 0..CONSOLE_BACKEND_MAX-1, console_backend.c, and maps the
 * window's first 2 MiB into our page tables at init), one page per blkback slot. Keeping
 * the slot index as the page index means no two backends ever hand out the same page.
 */
#define BLKBACK_WINDOW_BASE (KEEL_GRANT_WINDOW_BASE + CONSOLE_BACKEND_MAX * 4096ull)
_Static_assert(CONSOLE_BACKEND_MAX * 4096ull + BLKBACK_MAX * 4096ull <= PAGE_SIZE_2M,
	       "console and block slots share the 2 MiB of the grant window console_backend_init maps");

#define BATCH          KEEL_BLKIF_RING_SIZE   /* requests served per disk before the others get a turn */
#define BOUNCE_BYTES   (KEEL_BLKIF_MAX_SEGMENTS * 4096u)
#define NS_PER_S       1000000000ull

struct blkback {
	bool in_use;
	bool null_disk;                 /* disk = null:SIZE: no device behind it (blkback.h) */
	bool closing;                   /* disconnect asked while a request was on the disk */
	bool ring_up;                   /* page mapped, port bound */
	bool busy;                      /* the thread is doing this disk's I/O right now */
	volatile bool pending;          /* set by the port's handler */
	uint32_t domid;
	unsigned int disk;
	struct gpt_partition part;
	struct blkback_disk_view view;
	uint32_t map_handle;
	uint32_t port;                  /* our end */
	struct keel_ring_back ring;
	uint64_t requests, errors;
	uint64_t events_in;             /* upcalls on our port: the frontend's notifications */
	uint64_t events_out;            /* notifications we sent */
};

static struct blkback slots[BLKBACK_MAX];
static struct waitq blkback_wq = WAITQ_INIT;
static uint8_t *bounce;                 /* DMA memory, one request's data: the thread serves one at a time */
static uint8_t *zeros;                  /* what a null disk's READs copy out; never written */

static uint64_t slot_gpa(const struct blkback *bb)
{
	return BLKBACK_WINDOW_BASE + (uint64_t)(bb - slots) * 4096ull;
}

static struct keel_blkif_info *info_of(const struct blkback *bb)
{
	return (struct keel_blkif_info *)(uintptr_t)(slot_gpa(bb) + KEEL_BLKIF_INFO_OFFSET);
}

/* Upcall context: record and wake (thread.h). */
static void on_ring_event(uint32_t port, void *arg)
{
	struct blkback *bb = arg;
	(void)port;
	bb->events_in++;
	bb->pending = true;
	waitq_wake_all(&blkback_wq);
}

static void ring_down(struct blkback *bb)
{
	if (!bb->ring_up)
		return;
	bb->ring_up = false;
	events_set_handler(bb->port, NULL, NULL);
	evtchn_close(bb->port);
	grant_unmap(bb->map_handle);
}

/* One line on the operator's console and the same in the hypervisor's log (console_io). */
static void log_both(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_both(const char *fmt, ...)
{
	char line[200];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	cli_notice("%s", line);
	line[n] = '\n';
	keel_console_write(line, (size_t)n + 1);
}

static void protocol_error(struct blkback *bb)
{
	log_both("dom0: blkback: domain %u broke its block ring (part:%s, index out of range); disk disconnected",
		 bb->domid, bb->part.name);
	ring_down(bb);
}

/* Moves a checked READ/WRITE's data between 'buffer' and the guest in one batched COPY; false on a bad grant. */
static bool copy_data(struct blkback *bb, const struct keel_blkif_request *req, const uint8_t *buffer)
{
	struct keel_gnttab_copy ops[BLKBACK_COPY_OPS_MAX];
	unsigned int n = blkback_copy_plan(req, bb->domid, (uintptr_t)buffer, ops);
	if (grant_copy(ops, n))
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (ops[i].status)
			return false;
	return true;
}

/*
 * A null disk (like Linux's null_blk) does everything a real one does except the device
 * I/O: the request was checked the same way, a WRITE's data is still copied in through its
 * grants (and dropped), a READ's copied out from a zero buffer. What is left to time is the
 * ring, the grants, the event channel and the copy.
 */
static int do_null_io(struct blkback *bb, const struct keel_blkif_request *req)
{
	if (req->op == KEEL_BLKIF_OP_FLUSH)
		return KEEL_BLKIF_RSP_OKAY;
	const uint8_t *buffer = req->op == KEEL_BLKIF_OP_READ ? zeros : bounce;
	return copy_data(bb, req, buffer) ? KEEL_BLKIF_RSP_OKAY : KEEL_BLKIF_RSP_ERROR;
}

static int do_io(struct blkback *bb, const struct keel_blkif_request *req, uint32_t sectors)
{
	if (bb->null_disk)
		return do_null_io(bb, req);
	uint64_t disk_sector = bb->part.first_lba + req->sector_number;
	long rc;
	switch (req->op) {
	case KEEL_BLKIF_OP_FLUSH:
		rc = virtio_blk_flush(bb->disk);
		return rc == 0 || rc == -KEEL_ENOSYS ? KEEL_BLKIF_RSP_OKAY : KEEL_BLKIF_RSP_ERROR;
	case KEEL_BLKIF_OP_WRITE:
		if (!copy_data(bb, req, bounce))
			return KEEL_BLKIF_RSP_ERROR;
		rc = virtio_blk_write(bb->disk, disk_sector, bounce, sectors);
		return rc ? KEEL_BLKIF_RSP_ERROR : KEEL_BLKIF_RSP_OKAY;
	default:   /* READ: blkback_check_request let nothing else through */
		rc = virtio_blk_read(bb->disk, disk_sector, bounce, sectors);
		if (rc || !copy_data(bb, req, bounce))
			return KEEL_BLKIF_RSP_ERROR;
		return KEEL_BLKIF_RSP_OKAY;
	}
}

static void respond(struct blkback *bb, const struct keel_blkif_request *req, int status)
{
	struct keel_blkif_response *rsp = keel_blkif_back_next_response(&bb->ring);
	if (!rsp)
		return;   /* cannot happen: every taken request has its slot (R2) */
	*rsp = (struct keel_blkif_response){ .id = req->id, .op = req->op, .status = (int16_t)status };
	bb->requests++;
	if (status != KEEL_BLKIF_RSP_OKAY)
		bb->errors++;
}

/* Finishes a disconnect asked for while the disk was busy; true if the slot is gone. */
static bool finish_closing(struct blkback *bb)
{
	if (!bb->closing)
		return false;
	ring_down(bb);
	bb->closing = false;
	bb->in_use = false;
	return true;
}

/* Up to BATCH requests of one disk, then one push (and at most one notification, R5). */
static void serve(struct blkback *bb)
{
	bb->pending = false;
	for (unsigned int done = 0; bb->ring_up;) {
		int64_t ready = done < BATCH ? keel_ring_back_poll_requests(&bb->ring) : 0;
		if (ready < 0) {
			protocol_error(bb);
			return;
		}
		if (ready == 0) {
			if (keel_ring_back_push(&bb->ring)) {
				evtchn_send(bb->port);
				bb->events_out++;
			}
			if (done >= BATCH) {
				bb->pending = true;   /* more may wait: come back after the other disks */
				return;
			}
			ready = keel_ring_back_final_check(&bb->ring);
			if (ready < 0)
				protocol_error(bb);
			if (ready <= 0)
				return;
		}
		struct keel_blkif_request req;
		if (!keel_blkif_back_take_request(&bb->ring, &req))
			continue;
		uint32_t sectors;
		int status = blkback_check_request(&req, &bb->view, &sectors);
		if (status == KEEL_BLKIF_RSP_OKAY) {
			bb->busy = true;
			status = do_io(bb, &req, sectors);
			bb->busy = false;
			if (finish_closing(bb))
				return;   /* the domain went while its request was on the disk */
		}
		respond(bb, &req, status);
		done++;
	}
}

static bool work_pending(void)
{
	for (unsigned int i = 0; i < BLKBACK_MAX; i++)
		if (slots[i].in_use && slots[i].ring_up && slots[i].pending)
			return true;
	return false;
}

static void blkback_thread(void *arg)
{
	(void)arg;
	for (;;) {
		/* The deadline is a safety net for an event that lands between the check and the wait. */
		while (!work_pending())
			waitq_wait(&blkback_wq, time_now_ns() + NS_PER_S);
		for (unsigned int i = 0; i < BLKBACK_MAX; i++)
			if (slots[i].in_use && slots[i].ring_up && slots[i].pending)
				serve(&slots[i]);
		thread_yield();   /* a guest that keeps its ring full still leaves dom0 to the others */
	}
}

long blkback_init(void)
{
	bounce = dma_alloc(BOUNCE_BYTES, 4096);
	zeros = dma_alloc(BOUNCE_BYTES, 4096);
	if (!bounce || !zeros)
		return -KEEL_ENOMEM;
	memset(zeros, 0, BOUNCE_BYTES);
	if (!thread_create("blkback", blkback_thread, NULL))
		return -KEEL_ENOMEM;
	return 0;
}

static int read_disk(void *ctx, uint64_t lba, void *buf, uint32_t count)
{
	return virtio_blk_read(*(const unsigned int *)ctx, lba, buf, count) ? -1 : 0;
}

/* "null:SIZE" (domcfg.h): a partition of the size asked for, on no disk. */
static long null_partition(const char *label, unsigned int *disk, struct gpt_partition *part, char *err,
			   size_t err_size)
{
	uint64_t sectors;
	if (!domcfg_null_disk_sectors(label, &sectors) || strlen(label) >= sizeof(part->name)) {
		snprintf(err, err_size, "bad null disk '%s' (null:SIZE, 4K..1T)", label);
		return -KEEL_EINVAL;
	}
	*part = (struct gpt_partition){ .first_lba = 0, .last_lba = sectors - 1 };
	memcpy(part->name, label, strlen(label) + 1);
	*disk = BLKBACK_NULL_DISK;
	return 0;
}

long blkback_find_partition(const char *label, unsigned int *disk, struct gpt_partition *part, char *err,
			    size_t err_size)
{
	if (strncmp(label, DOMCFG_NULL_PREFIX, sizeof(DOMCFG_NULL_PREFIX) - 1) == 0)
		return null_partition(label, disk, part, err, err_size);
	/* Per call: the CLI and autostart threads may both look while the other waits on a disk. */
	void *scratch = dma_alloc(GPT_ARRAY_MAX_BYTES, 4096);
	if (!scratch) {
		snprintf(err, err_size, "no memory to read partition tables");
		return -KEEL_ENOMEM;
	}
	long rc = -KEEL_ENOENT;
	for (unsigned int d = 0; d < virtio_blk_count() && rc; d++) {
		const struct virtio_blk_info *info = virtio_blk_info(d);
		char why[96];
		if (!info || info->failed)
			continue;
		/* A 4096-byte disk's GPT counts 4096-byte blocks; 'part' comes back in 512-byte sectors. */
		if (gpt_find_partition_blocks(read_disk, &d, info->sectors, info->block_size, label, scratch, part, why,
					      sizeof(why)) == 1) {
			*disk = d;
			rc = 0;
		}
	}
	free(scratch);
	if (rc)
		snprintf(err, err_size, "no partition labelled '%s' on any disk", label);
	return rc;
}

bool blkback_partition_busy(unsigned int disk, uint64_t first_lba, bool read_only, uint32_t *domid)
{
	for (unsigned int i = 0; i < BLKBACK_MAX; i++) {
		const struct blkback *bb = &slots[i];
		/* Null disks hold no data: each user has its own, none is ever busy. */
		if (bb->in_use && !bb->closing && !bb->null_disk && disk != BLKBACK_NULL_DISK && bb->disk == disk &&
		    bb->part.first_lba == first_lba &&
		    (!read_only || !bb->view.read_only)) {
			*domid = bb->domid;
			return true;
		}
	}
	return false;
}

static void fill_info(struct blkback *bb)
{
	struct keel_blkif_info *info = info_of(bb);
	memset(info, 0, sizeof(*info));
	info->version = KEEL_BLKIF_VERSION;
	info->capacity_sectors = bb->view.capacity_sectors;
	info->sector_size = bb->view.sector_size;
	info->features = KEEL_BLKIF_F_FLUSH;
	info->read_only = bb->view.read_only;
	info->max_segments = KEEL_BLKIF_MAX_SEGMENTS;
	info->ring_size = KEEL_BLKIF_RING_SIZE;
	snprintf(info->name, sizeof(info->name), "%s%s", bb->null_disk ? "" : "part:", bb->part.name);
	keel_ring_wmb();
	info->magic = KEEL_BLKIF_INFO_MAGIC;   /* last: "the rest is valid" */
}

struct blkback *blkback_connect(uint32_t domid, uint32_t ref, uint32_t guest_port, unsigned int disk,
				const struct gpt_partition *part, bool read_only, char *err, size_t err_size)
{
	bool null_disk = disk == BLKBACK_NULL_DISK;
	const struct virtio_blk_info *dinfo = null_disk ? NULL : virtio_blk_info(disk);
	struct blkback *bb = NULL;
	for (unsigned int i = 0; i < BLKBACK_MAX && !bb; i++)
		if (!slots[i].in_use)
			bb = &slots[i];
	if (!bounce || (!dinfo && !null_disk)) {
		snprintf(err, err_size, "block backend not running");
		return NULL;
	}
	if (!bb) {
		snprintf(err, err_size, "no block backend slot left (%d in use)", BLKBACK_MAX);
		return NULL;
	}
	/* io/blkif.h B1 knows 512 and 4096 only; serving another size as 512 would let through
	 * requests the disk refuses (virtio-blk requests must be whole logical blocks). */
	if (dinfo && dinfo->block_size != 512 && dinfo->block_size != 4096) {
		snprintf(err, err_size, "block: disk %u has %u-byte blocks; only 512 and 4096 are served", disk,
			 dinfo->block_size);
		return NULL;
	}
	memset(bb, 0, sizeof(*bb));
	bb->domid = domid;
	bb->disk = disk;
	bb->null_disk = null_disk;
	bb->part = *part;
	bb->view = (struct blkback_disk_view){
		.capacity_sectors = part->last_lba - part->first_lba + 1,
		.sector_size = dinfo ? dinfo->block_size : KEEL_BLKIF_SECTOR,
		.read_only = read_only || (dinfo && dinfo->read_only),
		.can_flush = true,   /* a disk without a write cache needs none: FLUSH succeeds at once */
	};

	long rc = grant_map(domid, ref, slot_gpa(bb), 0, &bb->map_handle);
	if (rc) {
		snprintf(err, err_size, "block: mapping the ring page failed (%ld)", rc);
		return NULL;
	}
	rc = evtchn_bind_interdomain(domid, guest_port, &bb->port);
	if (rc) {
		grant_unmap(bb->map_handle);
		snprintf(err, err_size, "block: binding its port failed (%ld)", rc);
		return NULL;
	}
	/* The builder set the header up (R1); a bad one here is a broken guest already. */
	if (keel_blkif_back_init(&bb->ring, (struct keel_blkif_sring *)(uintptr_t)slot_gpa(bb),
				 KEEL_BLKIF_RING_BYTES)) {
		evtchn_close(bb->port);
		grant_unmap(bb->map_handle);
		snprintf(err, err_size, "block: the ring header is not initialised");
		return NULL;
	}
	fill_info(bb);
	bb->ring_up = true;
	bb->in_use = true;
	events_set_handler(bb->port, on_ring_event, bb);
	evtchn_unmask(bb->port);
	return bb;
}

void blkback_disconnect(struct blkback *bb)
{
	if (!bb || !bb->in_use)
		return;
	if (bb->busy) {   /* its request is on the disk: the thread tears down when it returns */
		bb->closing = true;
		return;
	}
	ring_down(bb);
	bb->in_use = false;
}

bool blkback_status(unsigned int *cursor, struct blkback_status *out)
{
	for (; *cursor < BLKBACK_MAX; (*cursor)++) {
		const struct blkback *bb = &slots[*cursor];
		if (!bb->in_use || bb->closing)
			continue;
		*out = (struct blkback_status){
			.domid = bb->domid, .disk = bb->disk, .first_lba = bb->part.first_lba,
			.sectors = bb->view.capacity_sectors, .read_only = bb->view.read_only,
			.requests = bb->requests, .errors = bb->errors, .null_disk = bb->null_disk,
			.events_in = bb->events_in, .events_out = bb->events_out,
			.state = bb->ring_up ? "connected" : "disconnected",
		};
		memcpy(out->label, bb->part.name, sizeof(out->label));
		(*cursor)++;
		return true;
	}
	return false;
}
