/* crc32.h: the CRC-32 (IEEE 802.3, reflected 0xEDB88320) that checks kvstore's on-disk headers and payloads. */
#ifndef MINIOS_CRC32_H
#define MINIOS_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* crc32(0, data, len) for one buffer; feed the result back in to continue over the next. */
uint32_t crc32(uint32_t crc, const void *data, size_t len);

#endif
