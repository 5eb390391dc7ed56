/* pointers.c: hcfuzz's argument pointers (inside its RAM, just outside, in the windows, non-canonical, the hypercall page) and plausible values. */
#include "fuzz.h"

#include <keel/domctl.h>
#include <keel/event_channel.h>
#include <keel/grant_table.h>
#include <keel/shared_info.h>

#include "console.h"
#include "hypercall.h"


bool fuzz_in_arena(const struct fuzz *f, uint64_t p, uint64_t len)
{
	uint64_t base = (uintptr_t)f->arena;
	return p >= base && len <= FUZZ_ARENA_BYTES && p - base <= FUZZ_ARENA_BYTES - len;
}

uint64_t fuzz_arena_page(struct fuzz *f)
{
	return (uintptr_t)f->arena + prng_below(&f->prng, FUZZ_ARENA_PAGES) * 4096;
}

/* Somewhere in the arena with room for len bytes (all of it when len is larger), bytes randomised. */
static uint64_t arena_pointer(struct fuzz *f, uint64_t len)
{
	uint64_t room = len < FUZZ_ARENA_BYTES ? FUZZ_ARENA_BYTES - len : 0;
	uint64_t off = prng_below(&f->prng, room + 1);
	if (prng_chance(&f->prng, 70))
		off &= ~7ull;   /* mostly aligned, as a real caller's would be */
	uint64_t fill = len < FUZZ_ARENA_BYTES - off ? len : FUZZ_ARENA_BYTES - off;
	for (uint64_t i = 0; i < fill; i += 8) {
		uint64_t r = prng_next(&f->prng);
		for (uint64_t b = 0; b < 8 && i + b < fill; b++)
			f->arena[off + i + b] = (uint8_t)(r >> (8 * b));
	}
	return (uintptr_t)f->arena + off;
}

/* Addresses no read can succeed at: past RAM (the shared-info page is not RAM), the grant and
 * foreign windows (not in hcfuzz's page tables), the kernel half, non-canonical, wrapping. */
static uint64_t unreadable_pointer(struct fuzz *f, uint64_t len)
{
	struct prng *p = &f->prng;
	switch (prng_below(p, 8)) {
	case 0:   /* straddling the end of RAM: the first bytes are the console ring's page */
		return f->mem_end - 1 - prng_below(p, len > 1 ? len - 1 : 1);
	case 1:
		return f->mem_end + prng_below(p, 3 * 4096);
	case 2:
		return KEEL_GRANT_WINDOW_BASE + (prng_below(p, KEEL_GRANT_WINDOW_SIZE) & ~7ull);
	case 3:
		return KEEL_FOREIGN_WINDOW_BASE + prng_below(p, KEEL_FOREIGN_WINDOW_SIZE);
	case 4:
		return 0xffff800000000000ull + (prng_next(p) & 0x7fffffffffffull);
	case 5:
		return 0x0000800000000000ull - prng_below(p, 16);   /* the canonical edge */
	case 6:
		return 0xffffffffffffffffull - prng_below(p, 64);   /* wraps */
	default:
		return 0x8000000000000000ull | prng_next(p);   /* non-canonical */
	}
}

/*
 * Inside the hypercall page, all 'len' bytes of it (the next page is hcfuzz's own rodata), but
 * clear of the stub of the call in progress: an OUT field written over its vmmcall/ret would
 * be what the CPU executes on the way back, before repair() can have the page rewritten.
 */
static uint64_t hypercall_page_pointer(struct fuzz *f, uint64_t len)
{
	uint64_t span = len < 4096 ? len : 4096;
	uint64_t off = prng_below(&f->prng, 4096 - span + 1);
	uint64_t stub = (uint64_t)f->calling * KEEL_HYPERCALL_STUB_SIZE;
	if (span && off < stub + KEEL_HYPERCALL_STUB_SIZE && off + span > stub) {
		/* Just after the stub, or just before it when nothing fits after it. */
		if (stub + KEEL_HYPERCALL_STUB_SIZE + span <= 4096)
			off = stub + KEEL_HYPERCALL_STUB_SIZE;
		else if (span <= stub)
			off = stub - span;
		else
			return unreadable_pointer(f, len);   /* no room on either side: point elsewhere */
	}
	f->hypercall_page_touched = true;
	return (uintptr_t)hypercall_page + off;
}

uint64_t fuzz_pointer(struct fuzz *f, uint64_t len, enum fuzz_ptr_kind kind)
{
	struct prng *p = &f->prng;
	unsigned int pick = (unsigned int)prng_below(p, 100);
	if (pick < 45)
		return arena_pointer(f, len);
	if (pick < 75)
		return unreadable_pointer(f, len);
	if (pick < 80) {
		/* Random: where it lands in RAM outside the arena (the image, the console ring) it is
		 * moved into the arena, since a successful call writes its OUT fields there. */
		uint64_t r = prng_next(p);
		if (prng_chance(p, 50))
			r &= f->mem_end * 2 - 1;
		if (r < f->mem_end && !(r + len <= FUZZ_LOW_RAM_END && kind == FUZZ_PTR_ANY))
			return arena_pointer(f, len);
		return r;
	}
	if (kind == FUZZ_PTR_CONTROLLED)
		return pick < 90 ? arena_pointer(f, len) : unreadable_pointer(f, len);
	if (pick < 90)
		return hypercall_page_pointer(f, len);
	return prng_below(p, FUZZ_LOW_RAM_END - (len < FUZZ_LOW_RAM_END ? len : 0));   /* NULL and low RAM */
}

uint32_t fuzz_port(struct fuzz *f)
{
	struct prng *p = &f->prng;
	switch (prng_below(p, 10)) {
	case 0:
		return f->protected_ports[prng_below(p, FUZZ_PROTECTED_PORTS)];
	case 1:
		return KEEL_EVTCHN_PORTS - 2 + (uint32_t)prng_below(p, 4);
	case 2:
		return (uint32_t)prng_next(p);
	default:
		return (uint32_t)prng_below(p, 64);
	}
}

uint32_t fuzz_domid(struct fuzz *f)
{
	struct prng *p = &f->prng;
	switch (prng_below(p, 8)) {
	case 0:
		return 0;
	case 1:
	case 2:
		return f->domid;
	case 3:
		return KEEL_DOMID_SELF;
	case 4:
		return KEEL_DOMID_SELF - 1 + (uint32_t)prng_below(p, 3);
	case 5:
		return (uint32_t)prng_next(p);
	default:
		return (uint32_t)prng_below(p, 12);   /* dom0, the victim, the hogs, ids not in use */
	}
}

uint64_t fuzz_vcpu(struct fuzz *f)
{
	struct prng *p = &f->prng;
	switch (prng_below(p, 6)) {
	case 0:
		return KEEL_MAX_VCPUS - 1 + prng_below(p, 3);
	case 1:
		return prng_next(p);
	default:
		return prng_below(p, f->nr_vcpus + 1);
	}
}

uint64_t fuzz_len(struct fuzz *f, uint64_t max)
{
	struct prng *p = &f->prng;
	switch (prng_below(p, 8)) {
	case 0:
		return 0;
	case 1:
		return max + prng_below(p, 2);
	case 2:
		return prng_next(p);
	default:
		return 1 + prng_below(p, max < 96 ? max : 96);
	}
}

uint64_t fuzz_window_gpa(struct fuzz *f)
{
	struct prng *p = &f->prng;
	switch (prng_below(p, 6)) {
	case 0:
		return fuzz_pointer(f, 4096, FUZZ_PTR_CONTROLLED);   /* not in the window at all */
	case 1:
		return KEEL_GRANT_WINDOW_BASE + KEEL_GRANT_WINDOW_SIZE - 4096 * prng_below(p, 2);
	case 2:
		return KEEL_GRANT_WINDOW_BASE + prng_below(p, KEEL_GRANT_WINDOW_SIZE);   /* unaligned */
	default:
		/* A few pages only, so MAPs collide (EEXIST) and reuse freed slots. */
		return KEEL_GRANT_WINDOW_BASE + 4096 * prng_below(p, 32);
	}
}

uint64_t fuzz_u64(struct fuzz *f)
{
	struct prng *p = &f->prng;
	switch (prng_below(p, 6)) {
	case 0:
		return 0;
	case 1:
		return ~0ull - prng_below(p, 2);
	case 2:
		return prng_below(p, 16);
	case 3:
		return 1ull << prng_below(p, 64);
	default:
		return prng_next(p);
	}
}

bool fuzz_port_protected(const struct fuzz *f, uint32_t port)
{
	for (unsigned int i = 0; i < FUZZ_PROTECTED_PORTS; i++)
		if (f->protected_ports[i] == port)
			return true;
	return false;
}

void fuzz_remember(uint32_t *recent, uint32_t value, struct fuzz *f)
{
	recent[prng_below(&f->prng, FUZZ_RECENT)] = value;
}

uint32_t fuzz_recent(struct fuzz *f, const uint32_t *recent)
{
	return recent[prng_below(&f->prng, FUZZ_RECENT)];
}

void fuzz_violation(struct fuzz *f, const char *what, long rc)
{
	f->violations++;
	gprintf("hcfuzz: VIOLATION: %s returned %ld\n", what, rc);
}
