/* kvstore.h: the demo application's key/value store: an in-memory sorted table, committed to the virtual disk by kvstore_sync. */
#ifndef MINIOS_KVSTORE_H
#define MINIOS_KVSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KV_KEY_MAX   64    /* bytes: printable ASCII without spaces */
#define KV_VALUE_MAX 256   /* bytes: printable ASCII, spaces allowed */

enum kv_status {
	KV_OK = 0,
	KV_NOT_FOUND,
	KV_BAD_KEY,          /* empty, or a byte that is not printable non-space ASCII */
	KV_BAD_VALUE,        /* empty, or a byte that is not printable ASCII */
	KV_KEY_TOO_LONG,
	KV_VALUE_TOO_LONG,
	KV_DISK_FULL,        /* the store would no longer fit in one on-disk slot */
	KV_NO_MEMORY,
	KV_IO_ERROR,
	KV_NO_DISK,
};

/* Words for a status, for the shell's error lines. */
const char *kv_status_text(enum kv_status s);

/*
 * Caps the store's size on disk below what a slot holds (the cmdline's quota=BYTES): put
 * answers KV_DISK_FULL past it. 0 lifts the cap.
 */
void kvstore_set_quota(size_t bytes);

/* Loads the newest valid snapshot from the disk (an empty store on a blank disk). */
enum kv_status kvstore_open(void);

/* put/del change memory and mark the store dirty; kvstore_sync makes it durable. */
enum kv_status kvstore_put(const char *key, const char *value);
enum kv_status kvstore_del(const char *key);
/* Copies the value (NUL-terminated) into out[KV_VALUE_MAX + 1]. */
enum kv_status kvstore_get(const char *key, char *out);

/* Calls fn for each pair in key order, under the store's lock (fn must not call kvstore). */
void kvstore_each(void (*fn)(const char *key, const char *value, void *ctx), void *ctx);

/* Writes the store to disk if it changed since the last sync (crash-safe: kvstore_disk.h). */
enum kv_status kvstore_sync(void);

struct kvstore_stats {
	size_t keys;
	bool dirty;
	uint64_t generation;     /* of the snapshot on disk */
	unsigned int slot;       /* where that snapshot is */
	size_t bytes;            /* the store's size on disk */
	size_t capacity;         /* the most the store may take: a slot, or the quota */
	uint64_t syncs;
};
void kvstore_stats(struct kvstore_stats *out);

#endif
