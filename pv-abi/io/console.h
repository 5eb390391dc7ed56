/*
 * io/console.h: a domain's text console, a pair of byte rings in one shared page.
 *
 * The builder (dom0) gives every domain it creates one console device: a page of the
 * guest's own RAM and an event-channel port, both named by a KEEL_DEVICE_CONSOLE entry
 * in the guest's start-info (start_info.h). dom0, the backend, maps the page through the
 * grant the builder made for it, and binds the other end of the port.
 *
 * Layout: one 4096-byte page, struct keel_console_ring below. 'out' carries the guest's
 * output to dom0, 'in' the operator's keystrokes to the guest. Each ring has a producer
 * and a consumer index: free-running uint32_t byte counts that wrap at 2^32; the byte at
 * index i is ring[i % size]. A ring holds prod - cons bytes (unsigned arithmetic); that
 * difference is never more than the ring's size.
 *
 * Protocol (the producer of a ring owns prod, its consumer owns cons):
 *  C1. The producer writes bytes, then a write barrier, then advances prod, then
 *      notifies the port. The consumer reads prod, then a read barrier, then the bytes,
 *      then (full barrier) advances cons, then notifies if it freed space the producer
 *      may be waiting for. On x86 the barriers only have to stop the compiler reordering
 *      (stores are not reordered with stores, loads not with loads); a weaker architecture
 *      needs real fences (smp_wmb/smp_rmb/smp_mb in Linux's terms).
 *  C2. A consumer never trusts the other side's index: if prod - cons exceeds the ring's
 *      size, the peer is broken. dom0 then stops serving that console (its output is
 *      dropped, with one line in dom0's log) and never crashes.
 *  C3. A guest with a full 'out' ring may wait for the event, or drop output; it must not
 *      spin forever, because dom0 may be paused.
 *  C4. The guest may also write with the console_io hypercall (early boot, panics): that
 *      text reaches dom0 through VIRQ_CONSOLE and is merged into the same console history.
 */
#ifndef KEEL_PV_IO_CONSOLE_H
#define KEEL_PV_IO_CONSOLE_H

#include <stdint.h>

#define KEEL_CONSOLE_IN_SIZE   1024
#define KEEL_CONSOLE_OUT_SIZE  2048

struct keel_console_ring {
	char     in[KEEL_CONSOLE_IN_SIZE];     /* dom0 -> guest */
	char     out[KEEL_CONSOLE_OUT_SIZE];   /* guest -> dom0 */
	uint32_t in_cons;                      /* written by the guest */
	uint32_t in_prod;                      /* written by dom0 */
	uint32_t out_cons;                     /* written by dom0 */
	uint32_t out_prod;                     /* written by the guest */
	uint8_t  reserved[4096 - KEEL_CONSOLE_IN_SIZE - KEEL_CONSOLE_OUT_SIZE - 16];
};

_Static_assert(sizeof(struct keel_console_ring) == 4096, "the console ring is one page");

#endif
