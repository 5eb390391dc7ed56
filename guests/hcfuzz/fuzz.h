/* fuzz.h: hcfuzz's state and the pieces its hypercall fuzzers share: argument pointers, plausible values, what must stay intact. */
#ifndef GUEST_HCFUZZ_FUZZ_H
#define GUEST_HCFUZZ_FUZZ_H

#include <stdbool.h>
#include <stdint.h>

#include <keel/start_info.h>

#include "prng.h"

/* The scratch RAM whose addresses hcfuzz passes as "inside its memory" (see pointers.c). */
#define FUZZ_ARENA_PAGES 16
#define FUZZ_ARENA_BYTES (FUZZ_ARENA_PAGES * 4096)

/* The first MiB of a guest's RAM stays free (guest.ld): hcfuzz may let the hypervisor write there. */
#define FUZZ_LOW_RAM_END 0x100000ull

/* Ports the fuzzer never closes or moves: without them hcfuzz could not report or wait. */
#define FUZZ_PROTECTED_PORTS 3

/* Grant references and map handles it made recently, so END, UNMAP and COPY hit real ones. */
#define FUZZ_RECENT 16

struct fuzz {
	struct prng prng;
	uint32_t domid;
	uint32_t nr_vcpus;
	uint64_t mem_end;              /* nr_pages * 4096: the first byte beyond RAM */
	uint8_t *arena;                /* FUZZ_ARENA_BYTES, page-aligned */
	unsigned long long call;       /* which call is in progress, from 1 (for crash reports) */
	unsigned int calling;          /* the hypercall number being fuzzed: its stub must stay intact */
	uint32_t protected_ports[FUZZ_PROTECTED_PORTS];
	uint32_t recent_refs[FUZZ_RECENT];
	uint32_t recent_handles[FUZZ_RECENT];
	bool hypercall_page_touched;   /* an argument pointed into it: the hypervisor may have written there */
	bool upcall_touched;           /* SET_UPCALL ran with fuzzed input: restore the vector */
	uint64_t violations;           /* results the ABI rules out, each printed */
};

/*
 * What an argument pointer may be. CONTROLLED: the arena (filled by the caller) or an address
 * that cannot be read at all, for commands whose input, if read from memory hcfuzz does not
 * control, could make hcfuzz legitimately hurt itself (close its console port, grant its code
 * to itself and copy over it, start a vCPU at garbage). ANY adds low RAM nobody uses and the
 * hypercall page, whose bytes are whatever they are.
 */
enum fuzz_ptr_kind { FUZZ_PTR_CONTROLLED, FUZZ_PTR_ANY };

/* A pointer for 'len' bytes of argument; when it is in the arena, the bytes are random. */
uint64_t fuzz_pointer(struct fuzz *f, uint64_t len, enum fuzz_ptr_kind kind);
/* Whether [p, p + len) lies inside the arena (the caller may then fill it with plausible fields). */
bool fuzz_in_arena(const struct fuzz *f, uint64_t p, uint64_t len);
/* A page-aligned arena page: the only own RAM hcfuzz grants or copies into. */
uint64_t fuzz_arena_page(struct fuzz *f);

/* Plausible values, mixed with garbage: ports, domain ids, vCPU ids, lengths, GPAs. */
uint32_t fuzz_port(struct fuzz *f);
uint32_t fuzz_domid(struct fuzz *f);
uint64_t fuzz_vcpu(struct fuzz *f);
uint64_t fuzz_len(struct fuzz *f, uint64_t max);
uint64_t fuzz_window_gpa(struct fuzz *f);    /* mostly page-aligned inside the grant window */
uint64_t fuzz_u64(struct fuzz *f);           /* 0, ~0, small, powers of two, or random */

bool fuzz_port_protected(const struct fuzz *f, uint32_t port);
void fuzz_remember(uint32_t *recent, uint32_t value, struct fuzz *f);
uint32_t fuzz_recent(struct fuzz *f, const uint32_t *recent);

/* Records a result the ABI rules out: printed with the seed state, counted in the done line. */
void fuzz_violation(struct fuzz *f, const char *what, long rc);

/* One fuzzed call of each hypercall; each returns the hypercall's result. */
long fuzz_console_io(struct fuzz *f);
long fuzz_sched_op(struct fuzz *f);
long fuzz_set_timer(struct fuzz *f);
long fuzz_vcpu_op(struct fuzz *f);
long fuzz_event_channel_op(struct fuzz *f);
long fuzz_grant_table_op(struct fuzz *f);
long fuzz_privileged(struct fuzz *f, unsigned int nr);   /* domctl, sysctl, physdev_op: -EPERM for a domU */
long fuzz_unknown(struct fuzz *f, unsigned int nr);      /* numbers with no hypercall: -ENOSYS */

/* Puts vCPU 1 (if the domain has one) back to its parking loop; used by fuzz_vcpu_op. */
long fuzz_start_parked_vcpu(struct fuzz *f, unsigned int id);

#endif
