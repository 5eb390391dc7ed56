/* disk.h: minios's block device: disk 0 of start-info through blkfront, with the calling thread (not the vCPU) blocked while the backend works. */
#ifndef MINIOS_DISK_H
#define MINIOS_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keel/start_info.h>

/* How long one request may take before the disk counts as failed. */
#define DISK_TIMEOUT_NS (30ull * 1000000000ull)

/* Attaches disk 0. 0, or -1 with the reason in disk_problem(). */
int disk_open(const struct keel_start_info *si);
const char *disk_problem(void);

bool disk_ready(void);
uint32_t disk_sector_size(void);   /* 512 or 4096 */
uint64_t disk_bytes(void);
bool disk_read_only(void);

/*
 * Byte-addressed I/O in whole disk sectors: offset and bytes must be multiples of
 * disk_sector_size(). Only one thread may do disk I/O at a time (the caller serialises).
 * 0, or -1 with errno: EINVAL (range, alignment), EIO (the backend failed or timed out),
 * EROFS (write to a read-only disk), ENODEV (no disk).
 */
int disk_read(uint64_t offset, void *buf, size_t bytes);
int disk_write(uint64_t offset, const void *buf, size_t bytes);

/* Waits until completed writes are on stable storage (a no-op when the backend has no FLUSH). */
int disk_flush(void);

#endif
