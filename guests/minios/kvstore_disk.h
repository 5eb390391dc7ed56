/* kvstore_disk.h: kvstore's crash-safe on-disk format: two alternating snapshot slots, each a checksummed header sector and a checksummed payload. */
#ifndef MINIOS_KVSTORE_DISK_H
#define MINIOS_KVSTORE_DISK_H

#include <stddef.h>
#include <stdint.h>

/*
 * The disk is cut in two equal slots of whole sectors (sector size from blkfront: 512 or
 * 4096). A slot is one header sector, then the payload from the next sector on:
 *
 *   header (little-endian, the rest of the sector zero)
 *     0  char[8]  magic "MINIOSKV"
 *     8  u32      format version (1)
 *    12  u32      sector size it was written with
 *    16  u64      generation: 1 for the first sync, +1 each sync after
 *    24  u32      records in the payload
 *    28  u32      payload bytes
 *    32  u32      CRC-32 of the payload bytes
 *    36  u32      CRC-32 of bytes 0..35 of the header
 *   payload: records back to back: u8 key length (1..64), u16 value length (1..256),
 *            the key's bytes, the value's bytes
 *
 * A sync writes the slot NOT holding the newest snapshot: payload, flush, header, flush.
 * A crash before the header is on disk leaves the old slot the newest valid one; a torn
 * header fails its CRC. Loading reads both headers and takes the valid one (magic,
 * version, sector size, CRCs, every record well-formed, keys strictly increasing) with
 * the higher generation.
 */
#define KV_DISK_MAGIC   "MINIOSKV"
#define KV_DISK_VERSION 1u
#define KV_RECORD_OVERHEAD 3u   /* key length (1) + value length (2) */

/* A snapshot's records, as loaded or to be written. */
struct kv_snapshot {
	uint8_t *payload;       /* records, as on disk (malloc'd by kv_disk_load) */
	uint32_t payload_bytes;
	uint32_t records;
	uint64_t generation;    /* 0: none on disk */
	unsigned int slot;      /* 0 or 1 */
};

/* The payload bytes a slot holds on this disk (0 without a usable disk). */
size_t kv_disk_capacity(void);

/*
 * Finds the newest valid snapshot: 0 with *snap filled (generation 0 and no payload on a
 * blank disk; free snap->payload), or -1 on an I/O error (errno set).
 */
int kv_disk_load(struct kv_snapshot *snap);

/*
 * Writes snap->payload as generation snap->generation into slot snap->slot, in the order
 * that keeps the previous snapshot valid until the new one is complete. 0 or -1 (errno).
 */
int kv_disk_store(const struct kv_snapshot *snap);

/*
 * Walks a payload: calls fn for each record (key and value NUL-terminated copies); -1 if
 * a record is malformed or the count is wrong, else 0.
 */
int kv_payload_walk(const uint8_t *payload, uint32_t bytes, uint32_t records,
		    int (*fn)(const char *key, const char *value, void *ctx), void *ctx);

#endif
