/* prng.h: splitmix64, the small seeded generator behind hcfuzz's choices and victim's memory pattern. */
#ifndef GUEST_HCFUZZ_PRNG_H
#define GUEST_HCFUZZ_PRNG_H

#include <stdint.h>

/*
 * splitmix64 (Steele, Lea, Flood 2014): a 64-bit counter run through a bijective mixer. Every
 * seed, 0 included, gives a full-period stream, and the mixer alone is a good hash of one
 * word, which victim uses to derive each word of its pattern from (seed, address).
 */
static inline uint64_t prng_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

struct prng {
	uint64_t state;
};

static inline uint64_t prng_next(struct prng *p)
{
	p->state += 0x9e3779b97f4a7c15ull;
	return prng_mix(p->state);
}

/* A value in [0, n); n > 0. The modulo bias is irrelevant for fuzzing with small n. */
static inline uint64_t prng_below(struct prng *p, uint64_t n)
{
	return prng_next(p) % n;
}

/* True with probability percent/100. */
static inline int prng_chance(struct prng *p, unsigned int percent)
{
	return prng_below(p, 100) < percent;
}

#endif
