/* stream_message.h: the checksummed messages the ring benchmarks and the stress test stream, and the small response each one gets. */
#ifndef KEEL_BENCH_STREAM_MESSAGE_H
#define KEEL_BENCH_STREAM_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A message of 'bytes' bytes: its sequence number, a payload derived from it, a checksum. */
#define STREAM_DEFINE_MESSAGE(name, bytes)                                                 \
	struct name {                                                                      \
		uint64_t seq;                                                              \
		uint64_t payload[(bytes) / 8 - 2];                                         \
		uint64_t check;                                                            \
	};                                                                                 \
	_Static_assert(sizeof(struct name) == (bytes), #name " is " #bytes " bytes")

STREAM_DEFINE_MESSAGE(msg64, 64);
STREAM_DEFINE_MESSAGE(msg512, 512);

/* A consumer publishes its progress (responses, or a flag check) every this many messages. */
#define STREAM_PUSH_EVERY 32

struct stream_response {
	uint64_t seq;
	uint64_t check;
};

/* A cheap rotate-xor fold: catches stale, torn and reordered words. */
static inline uint64_t stream_fold(uint64_t seq, const uint64_t *payload, size_t words)
{
	uint64_t c = seq ^ 0x6b65656c72696e67ull;
	for (size_t i = 0; i < words; i++)
		c = ((c << 7) | (c >> 57)) ^ payload[i];
	return c;
}

/* Fills a message in place (in the ring slot); returns its checksum. */
static inline uint64_t stream_fill(uint64_t *seq_field, uint64_t *payload, size_t words, uint64_t *check, uint64_t seq)
{
	uint64_t base = seq * 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < words; i++)
		payload[i] = base + i;
	*seq_field = seq;
	*check = stream_fold(seq, payload, words);
	return *check;
}

static inline bool stream_verify(uint64_t seq, const uint64_t *payload, size_t words, uint64_t check, uint64_t expected_seq)
{
	return seq == expected_seq && stream_fold(seq, payload, words) == check;
}

#define STREAM_FILL(m, seq_no) \
	stream_fill(&(m)->seq, (m)->payload, sizeof((m)->payload) / 8, &(m)->check, (seq_no))
#define STREAM_VERIFY(m, expected) \
	stream_verify((m)->seq, (m)->payload, sizeof((m)->payload) / 8, (m)->check, (expected))

/* What one streaming run measured; the caller compares the sums and counts the errors. */
struct stream_result {
	uint64_t messages;
	uint64_t notifications;    /* both directions */
	uint64_t sleeps;
	uint64_t lost_wakeups;     /* sleeps ended by the timeout: a notification went missing */
	uint64_t bad_messages;     /* out of order or failing the checksum */
	uint64_t sum_sent;         /* of the producer's checksums */
	uint64_t sum_received;     /* of the consumer's, as received */
	int      protocol_error;   /* a ring check failed (never, between two honest threads) */
	double   seconds;
};

#endif
