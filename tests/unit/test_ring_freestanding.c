/* test_ring_freestanding.c: compiles pv-abi/io/ring.h as the hypervisor, guests and dom0 do (-ffreestanding, no libc headers); built, never run. */
#include "io/ring.h"

struct freestanding_request {
	uint64_t sector;
	uint8_t  data[120];
};

struct freestanding_response {
	uint64_t id;
	int32_t  status;
	uint32_t pad;
};

KEEL_RING_DEFINE(freestanding, struct freestanding_request, struct freestanding_response)

uint32_t freestanding_ring_round_trip(struct freestanding_sring *s, size_t bytes);

/* Every generated function in one path, so the compiler has to emit them all. */
uint32_t freestanding_ring_round_trip(struct freestanding_sring *s, size_t bytes)
{
	struct keel_ring_front f;
	struct keel_ring_back b;
	freestanding_sring_init(s);
	if (freestanding_front_init(&f, s, bytes) < 0 || freestanding_back_init(&b, s, bytes) < 0)
		return 0;
	struct freestanding_request *req = freestanding_front_next_request(&f);
	if (req == NULL)
		return 0;
	req->sector = 7;
	uint32_t notified = keel_ring_front_push(&f);
	struct freestanding_request copy;
	if (keel_ring_back_final_check(&b) <= 0 || !freestanding_back_take_request(&b, &copy))
		return 0;
	struct freestanding_response *rsp = freestanding_back_next_response(&b);
	rsp->id = copy.sector;
	notified += keel_ring_back_push(&b);
	struct freestanding_response out;
	if (keel_ring_front_final_check(&f, 1) <= 0 || !freestanding_front_take_response(&f, &out))
		return 0;
	return notified + (uint32_t)out.id + keel_ring_front_free(&f);
}
