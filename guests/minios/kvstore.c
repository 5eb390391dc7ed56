/* kvstore.c: the key/value store's table (sorted, in memory) and its commit to disk through kvstore_disk. */
#include "kvstore.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kvstore_disk.h"
#include "sched.h"

struct kv_pair {
	char *key;
	char *value;
};

/* The shell and the flusher thread share the table: every entry point takes the lock. */
static struct mutex lock;
static struct kv_pair *pairs;
static size_t count, allocated;
static size_t disk_bytes_used;   /* the payload size of the table as it is now */
static bool dirty;
static uint64_t generation, syncs;
static unsigned int slot = 1;
static size_t quota;

void kvstore_set_quota(size_t bytes)
{
	quota = bytes;
}

/* What the store may take on disk: a slot's payload, or less under a quota. */
static size_t capacity(void)
{
	size_t slot_payload = kv_disk_capacity();
	return quota && quota < slot_payload ? quota : slot_payload;
}

const char *kv_status_text(enum kv_status s)
{
	switch (s) {
	case KV_OK:             return "ok";
	case KV_NOT_FOUND:      return "no such key";
	case KV_BAD_KEY:        return "a key is 1 or more printable characters without spaces";
	case KV_BAD_VALUE:      return "a value is 1 or more printable characters";
	case KV_KEY_TOO_LONG:   return "key too long (at most 64 bytes)";
	case KV_VALUE_TOO_LONG: return "value too long (at most 256 bytes)";
	case KV_DISK_FULL:      return "disk full: the store would not fit in its space on disk";
	case KV_NO_MEMORY:      return "out of memory";
	case KV_IO_ERROR:       return "disk I/O error";
	case KV_NO_DISK:        return "no disk";
	}
	return "unknown error";
}

static size_t record_bytes(const char *key, const char *value)
{
	return KV_RECORD_OVERHEAD + strlen(key) + strlen(value);
}

/* The index of key, or where it would go (with *found false). */
static size_t find(const char *key, bool *found)
{
	size_t lo = 0, hi = count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(pairs[mid].key, key);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static enum kv_status check_text(const char *s, size_t max, bool spaces, enum kv_status bad, enum kv_status too_long)
{
	size_t n = strlen(s);
	if (n == 0)
		return bad;
	if (n > max)
		return too_long;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] > ' ' && s[i] < 0x7f) || (spaces && s[i] == ' ')))
			return bad;
	return KV_OK;
}

static enum kv_status check_key(const char *key)
{
	return check_text(key, KV_KEY_MAX, false, KV_BAD_KEY, KV_KEY_TOO_LONG);
}

/* Inserts or replaces without the lock or any size check (loading and put share it). */
static enum kv_status set_locked(const char *key, const char *value)
{
	bool found;
	size_t at = find(key, &found);
	char *v = strdup(value);
	if (!v)
		return KV_NO_MEMORY;
	if (found) {
		disk_bytes_used -= strlen(pairs[at].value);
		disk_bytes_used += strlen(v);
		free(pairs[at].value);
		pairs[at].value = v;
		return KV_OK;
	}
	char *k = strdup(key);
	if (!k) {
		free(v);
		return KV_NO_MEMORY;
	}
	if (count == allocated) {
		size_t more = allocated ? allocated * 2 : 64;
		struct kv_pair *p = realloc(pairs, more * sizeof(*p));
		if (!p) {
			free(k);
			free(v);
			return KV_NO_MEMORY;
		}
		pairs = p;
		allocated = more;
	}
	memmove(&pairs[at + 1], &pairs[at], (count - at) * sizeof(*pairs));
	pairs[at] = (struct kv_pair){ k, v };
	count++;
	disk_bytes_used += record_bytes(k, v);
	return KV_OK;
}

static int load_one(const char *key, const char *value, void *ctx)
{
	(void)ctx;
	return set_locked(key, value) == KV_OK ? 0 : -1;
}

enum kv_status kvstore_open(void)
{
	struct kv_snapshot snap;
	mutex_lock(&lock);
	enum kv_status st = KV_OK;
	if (kv_disk_load(&snap))
		st = errno == ENODEV ? KV_NO_DISK : KV_IO_ERROR;
	else if (kv_payload_walk(snap.payload, snap.payload_bytes, snap.records, load_one, NULL))
		st = KV_NO_MEMORY;   /* the payload was checked when loaded: only memory can fail */
	if (st == KV_OK) {
		generation = snap.generation;
		slot = snap.slot;
	}
	free(snap.payload);
	mutex_unlock(&lock);
	return st;
}

enum kv_status kvstore_put(const char *key, const char *value)
{
	enum kv_status st = check_key(key);
	if (st == KV_OK)
		st = check_text(value, KV_VALUE_MAX, true, KV_BAD_VALUE, KV_VALUE_TOO_LONG);
	if (st != KV_OK)
		return st;
	mutex_lock(&lock);
	bool found;
	size_t at = find(key, &found);
	size_t after = disk_bytes_used + (found ? strlen(value) - strlen(pairs[at].value) : record_bytes(key, value));
	if (!kv_disk_capacity())
		st = KV_NO_DISK;
	else if (after > capacity())
		st = KV_DISK_FULL;
	else
		st = set_locked(key, value);
	if (st == KV_OK)
		dirty = true;
	mutex_unlock(&lock);
	return st;
}

/* Checks the key, takes the lock and looks the key up; on anything but KV_OK the lock is not held. */
static enum kv_status lock_and_find(const char *key, size_t *at, bool *found)
{
	enum kv_status st = check_key(key);
	if (st == KV_OK) {
		mutex_lock(&lock);
		*at = find(key, found);
	}
	return st;
}

enum kv_status kvstore_del(const char *key)
{
	size_t at;
	bool found;
	enum kv_status st = lock_and_find(key, &at, &found);
	if (st != KV_OK)
		return st;
	if (found) {
		disk_bytes_used -= record_bytes(pairs[at].key, pairs[at].value);
		free(pairs[at].key);
		free(pairs[at].value);
		memmove(&pairs[at], &pairs[at + 1], (count - at - 1) * sizeof(*pairs));
		count--;
		dirty = true;
	}
	mutex_unlock(&lock);
	return found ? KV_OK : KV_NOT_FOUND;
}

enum kv_status kvstore_get(const char *key, char *out)
{
	size_t at;
	bool found;
	enum kv_status st = lock_and_find(key, &at, &found);
	if (st == KV_OK && found)
		strcpy(out, pairs[at].value);
	if (st == KV_OK)
		mutex_unlock(&lock);
	return st != KV_OK ? st : found ? KV_OK : KV_NOT_FOUND;
}

void kvstore_each(void (*fn)(const char *key, const char *value, void *ctx), void *ctx)
{
	mutex_lock(&lock);
	for (size_t i = 0; i < count; i++)
		fn(pairs[i].key, pairs[i].value, ctx);
	mutex_unlock(&lock);
}

/* The table as kvstore_disk's records, in key order. */
static uint8_t *serialise(void)
{
	uint8_t *buf = malloc(disk_bytes_used ? disk_bytes_used : 1), *p = buf;
	if (!buf)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		size_t klen = strlen(pairs[i].key), vlen = strlen(pairs[i].value);
		*p++ = (uint8_t)klen;
		*p++ = (uint8_t)vlen;
		*p++ = (uint8_t)(vlen >> 8);
		memcpy(p, pairs[i].key, klen);
		memcpy(p + klen, pairs[i].value, vlen);
		p += klen + vlen;
	}
	return buf;
}

enum kv_status kvstore_sync(void)
{
	mutex_lock(&lock);
	enum kv_status st = KV_OK;
	if (dirty) {
		struct kv_snapshot snap = { .payload = serialise(), .payload_bytes = (uint32_t)disk_bytes_used,
					    .records = (uint32_t)count, .generation = generation + 1, .slot = slot ^ 1 };
		if (!snap.payload)
			st = KV_NO_MEMORY;
		else if (kv_disk_store(&snap))
			st = errno == ENOSPC ? KV_DISK_FULL : errno == ENODEV ? KV_NO_DISK : KV_IO_ERROR;
		if (st == KV_OK) {
			generation = snap.generation;
			slot = snap.slot;
			dirty = false;
			syncs++;
		}
		free(snap.payload);
	}
	mutex_unlock(&lock);
	return st;
}

void kvstore_stats(struct kvstore_stats *out)
{
	mutex_lock(&lock);
	*out = (struct kvstore_stats){ .keys = count, .dirty = dirty, .generation = generation, .slot = slot,
				       .bytes = disk_bytes_used, .capacity = capacity(), .syncs = syncs };
	mutex_unlock(&lock);
}
