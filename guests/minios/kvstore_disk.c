/* kvstore_disk.c: reading and writing kvstore's two snapshot slots (the format is in kvstore_disk.h). */
#include "kvstore_disk.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crc32.h"
#include "disk.h"
#include "kvstore.h"

struct kv_header {
	char     magic[8];
	uint32_t version;
	uint32_t sector_size;
	uint64_t generation;
	uint32_t records;
	uint32_t payload_bytes;
	uint32_t payload_crc;
	uint32_t header_crc;
};
_Static_assert(sizeof(struct kv_header) == 40, "the header layout of kvstore_disk.h");

static uint64_t slot_bytes(void)
{
	uint32_t ss = disk_sector_size();
	return disk_ready() ? disk_bytes() / 2 / ss * ss : 0;
}

size_t kv_disk_capacity(void)
{
	uint64_t slot = slot_bytes();
	uint64_t cap = slot > disk_sector_size() ? slot - disk_sector_size() : 0;
	return cap > UINT32_MAX ? UINT32_MAX : (size_t)cap;
}

static uint64_t round_up(uint64_t n, uint32_t to)
{
	return (n + to - 1) / to * to;
}

static bool printable(char c, bool space_ok)
{
	return (c > ' ' && c < 0x7f) || (space_ok && c == ' ');
}

int kv_payload_walk(const uint8_t *payload, uint32_t bytes, uint32_t records,
		    int (*fn)(const char *key, const char *value, void *ctx), void *ctx)
{
	char key[KV_KEY_MAX + 1], value[KV_VALUE_MAX + 1], prev[KV_KEY_MAX + 1] = "";
	uint32_t at = 0;
	for (uint32_t r = 0; r < records; r++) {
		if (bytes - at < KV_RECORD_OVERHEAD)
			return -1;
		uint32_t klen = payload[at], vlen = payload[at + 1] | (uint32_t)payload[at + 2] << 8;
		at += KV_RECORD_OVERHEAD;
		if (klen == 0 || klen > KV_KEY_MAX || vlen == 0 || vlen > KV_VALUE_MAX || bytes - at < klen + vlen)
			return -1;
		memcpy(key, payload + at, klen);
		key[klen] = 0;
		memcpy(value, payload + at + klen, vlen);
		value[vlen] = 0;
		at += klen + vlen;
		for (uint32_t i = 0; i < klen; i++)
			if (!printable(key[i], false))
				return -1;
		for (uint32_t i = 0; i < vlen; i++)
			if (!printable(value[i], true))
				return -1;
		if (r > 0 && strcmp(prev, key) >= 0)   /* written sorted and unique: anything else is damage */
			return -1;
		strcpy(prev, key);
		if (fn && fn(key, value, ctx))
			return -1;
	}
	return at == bytes ? 0 : -1;
}

/* Slot i's header if it is valid; false for anything else (never written, torn, foreign). */
static bool read_header(unsigned int slot, struct kv_header *h, uint8_t *sector)
{
	uint32_t ss = disk_sector_size();
	if (disk_read(slot * slot_bytes(), sector, ss))
		return false;
	memcpy(h, sector, sizeof(*h));
	return memcmp(h->magic, KV_DISK_MAGIC, 8) == 0 && h->version == KV_DISK_VERSION &&
	       h->sector_size == ss && h->generation != 0 &&
	       h->header_crc == crc32(0, h, offsetof(struct kv_header, header_crc)) &&
	       h->payload_bytes <= kv_disk_capacity();
}

/* The payload of a valid header, checked; NULL if it does not match (or on I/O errors). */
static uint8_t *read_payload(unsigned int slot, const struct kv_header *h)
{
	uint32_t ss = disk_sector_size();
	uint64_t len = round_up(h->payload_bytes, ss);
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		return NULL;
	if ((len && disk_read(slot * slot_bytes() + ss, buf, len)) ||
	    crc32(0, buf, h->payload_bytes) != h->payload_crc ||
	    kv_payload_walk(buf, h->payload_bytes, h->records, NULL, NULL)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int kv_disk_load(struct kv_snapshot *snap)
{
	*snap = (struct kv_snapshot){ .slot = 1 };   /* a blank disk's first sync goes to slot 0 */
	if (!disk_ready()) {
		errno = ENODEV;
		return -1;
	}
	uint32_t ss = disk_sector_size();
	uint8_t *sector = malloc(ss);
	if (!sector) {
		errno = ENOMEM;
		return -1;
	}
	struct kv_header h[2];
	bool valid[2];
	for (unsigned int s = 0; s < 2; s++)
		valid[s] = read_header(s, &h[s], sector);
	free(sector);
	/* Newest first; if its payload is damaged, the older snapshot is the next best. */
	unsigned int order[2] = { 0, 1 };
	if (valid[1] && (!valid[0] || h[1].generation > h[0].generation))
		order[0] = 1, order[1] = 0;
	for (unsigned int k = 0; k < 2; k++) {
		unsigned int s = order[k];
		if (!valid[s])
			continue;
		uint8_t *payload = read_payload(s, &h[s]);
		if (payload) {
			*snap = (struct kv_snapshot){ .payload = payload, .payload_bytes = h[s].payload_bytes,
						      .records = h[s].records, .generation = h[s].generation, .slot = s };
			return 0;
		}
	}
	return 0;
}

int kv_disk_store(const struct kv_snapshot *snap)
{
	uint32_t ss = disk_sector_size();
	if (!disk_ready() || snap->slot > 1) {
		errno = ENODEV;
		return -1;
	}
	if (snap->payload_bytes > kv_disk_capacity()) {
		errno = ENOSPC;
		return -1;
	}
	uint64_t len = round_up(snap->payload_bytes, ss);
	uint8_t *buf = calloc(1, len > ss ? len : ss);
	if (!buf) {
		errno = ENOMEM;
		return -1;
	}
	uint64_t base = snap->slot * slot_bytes();
	int rc = 0;
	if (len) {
		memcpy(buf, snap->payload, snap->payload_bytes);
		rc = disk_write(base + ss, buf, len);
	}
	/* The payload must be on stable storage before a header that vouches for it. */
	if (!rc)
		rc = disk_flush();
	if (!rc) {
		struct kv_header h = { .version = KV_DISK_VERSION, .sector_size = ss, .generation = snap->generation,
				       .records = snap->records, .payload_bytes = snap->payload_bytes,
				       .payload_crc = crc32(0, snap->payload, snap->payload_bytes) };
		memcpy(h.magic, KV_DISK_MAGIC, 8);
		h.header_crc = crc32(0, &h, offsetof(struct kv_header, header_crc));
		memset(buf, 0, ss);
		memcpy(buf, &h, sizeof(h));
		rc = disk_write(base, buf, ss);
	}
	if (!rc)
		rc = disk_flush();
	free(buf);
	return rc;
}
