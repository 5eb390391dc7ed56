/* stream_threads.h: runs a ring's producer and consumer on two threads and times them from start to both finished. */
#ifndef KEEL_BENCH_STREAM_THREADS_H
#define KEEL_BENCH_STREAM_THREADS_H

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "notify_model.h"
#include "stream_message.h"

static inline double stream_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Zeroed memory aligned to a cache line (the stream states hold cache-line-aligned members). */
static inline void *stream_alloc(size_t bytes)
{
	size_t rounded = (bytes + 63) & ~(size_t)63;
	void *p = aligned_alloc(64, rounded);
	if (p != NULL)
		memset(p, 0, rounded);
	return p;
}

/* Returns the elapsed seconds, or -1 if a thread could not be started. */
static inline double stream_run_threads(void *(*producer)(void *), void *(*consumer)(void *), void *arg)
{
	pthread_t p, c;
	double start = stream_now();
	if (pthread_create(&c, NULL, consumer, arg) != 0)
		return -1;
	if (pthread_create(&p, NULL, producer, arg) != 0) {
		pthread_cancel(c);
		pthread_join(c, NULL);
		return -1;
	}
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	return stream_now() - start;
}

/* Completes a run's result from the two channels' counters. */
static inline void stream_tally(struct stream_result *r, uint64_t count, const struct notify_channel *a,
				const struct notify_channel *b)
{
	r->messages = count;
	r->notifications = a->sent + b->sent;
	r->sleeps = a->sleeps + b->sleeps;
	r->lost_wakeups = a->lost + b->lost;
}

#endif
