/* crc32.c: table-driven CRC-32 (the polynomial of zlib and Ethernet), the table built on first use. */
#include "crc32.h"

#include <stdbool.h>

static uint32_t table[256];
static bool table_ready;

static void build_table(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[n] = c;
	}
	table_ready = true;
}

uint32_t crc32(uint32_t crc, const void *data, size_t len)
{
	if (!table_ready)
		build_table();   /* idempotent: two threads racing here write the same values */
	const uint8_t *p = data;
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
