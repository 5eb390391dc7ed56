/*
 * shared_info.h: the page the hypervisor shares with each domain: per-vCPU event and time
 * data, the domain's event-channel bitmaps, and the wallclock.
 *
 * The page is hypervisor memory, mapped read-write into the domain at the guest-physical
 * address start_info.shared_info_gpa (the first page after the domain's RAM; the initial
 * page tables already map it). It survives for the domain's lifetime.
 *
 * Layout: 4096 bytes, little-endian, all fields naturally aligned.
 *   0x000  struct keel_vcpu_info vcpu_info[KEEL_MAX_VCPUS]     (16 x 64 bytes)
 *   0x400  uint64_t evtchn_pending[KEEL_EVTCHN_WORDS]          (1024 bits)
 *   0x480  uint64_t evtchn_mask[KEEL_EVTCHN_WORDS]             (1024 bits)
 *   0x500  the wallclock
 *
 * ---------------------------------------------------------------------------------
 * Event delivery (the 2-level scheme)
 * ---------------------------------------------------------------------------------
 * To make port P pending for the vCPU it is bound to, the hypervisor
 *   1. sets bit P in evtchn_pending (atomic OR); if it was already set, stops;
 *   2. if bit P in evtchn_mask is clear: sets bit P/64 in that vCPU's evtchn_pending_sel,
 *      then upcall_pending = 1 (both atomic, in this order);
 *   3. wakes the vCPU if it is blocked, and interrupts it if it is running elsewhere.
 * Whenever upcall_pending == 1 and upcall_mask == 0 and the vCPU's RFLAGS.IF == 1, the
 * hypervisor delivers the domain's upcall vector (event_channel.h, SET_UPCALL) through
 * the guest's IDT, as an external interrupt. The handler should
 *   a. clear upcall_pending, then
 *   b. atomically exchange evtchn_pending_sel with 0, and for each set bit W,
 *      take evtchn_pending[W] & ~evtchn_mask[W], and for each set bit clear it in
 *      evtchn_pending (atomic AND) before handling port W*64+b.
 * An event that arrives during the handler sets upcall_pending again and is delivered
 * after the handler returns (IF=0 during an interrupt gate). Clearing upcall_mask does not
 * by itself deliver anything already pending: call event_channel_op UNMASK for a port, or
 * re-check upcall_pending after clearing the mask.
 *
 * Rules that make sched_op BLOCK safe (no lost wake-up):
 *   R1. BLOCK marks the vCPU blocked first, then re-reads upcall_pending; if it is 1 the
 *       vCPU is made runnable again before BLOCK returns.
 *   R2. Step 1-2 above happen-before step 3, with full barriers.
 *   So an event sent at any moment either is seen by R1 or finds the vCPU blocked and
 *   wakes it. BLOCK returns 0 in both cases; the guest then handles what is pending.
 *
 * ---------------------------------------------------------------------------------
 * Time
 * ---------------------------------------------------------------------------------
 * System time is nanoseconds since the hypervisor booted, from the TSC. Each vCPU's
 * keel_vcpu_time_info lets the guest compute it without an exit:
 *   do {
 *       v = version;  (rmb)
 *       t = system_time + (((rdtsc() - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32
 *         (a negative tsc_shift is a right shift; the product needs 96 bits: use __int128)
 *       (rmb)
 *   } while ((v & 1) || v != version);
 * The hypervisor makes version odd while it updates the record, and even afterwards.
 * The wallclock is the UTC time at system time 0: wc_sec seconds and wc_nsec
 * nanoseconds since 1970-01-01, read with the same wc_version protocol.
 */
#ifndef KEEL_PV_SHARED_INFO_H
#define KEEL_PV_SHARED_INFO_H

#include <stdint.h>

#define KEEL_MAX_VCPUS     16
#define KEEL_EVTCHN_PORTS  1024
#define KEEL_EVTCHN_WORDS  (KEEL_EVTCHN_PORTS / 64)

struct keel_vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;      /* TSC at the moment system_time was taken */
	uint64_t system_time;        /* ns */
	uint32_t tsc_to_system_mul;  /* 32.32 fixed point: ns per (TSC tick << tsc_shift) */
	int8_t   tsc_shift;
	uint8_t  pad1[3];
};                                   /* 32 bytes */

struct keel_vcpu_info {
	uint8_t  upcall_pending;     /* written by the hypervisor (set) and the guest (clear) */
	uint8_t  upcall_mask;        /* written by the guest: 1 = do not deliver the upcall */
	uint8_t  pad0[6];
	uint64_t evtchn_pending_sel; /* bit W: evtchn_pending[W] may have work */
	struct keel_vcpu_time_info time;
	uint8_t  pad1[16];
};                                   /* 64 bytes */

struct keel_shared_info {
	struct keel_vcpu_info vcpu_info[KEEL_MAX_VCPUS];
	uint64_t evtchn_pending[KEEL_EVTCHN_WORDS];
	uint64_t evtchn_mask[KEEL_EVTCHN_WORDS];
	uint32_t wc_version;
	uint32_t wc_nsec;
	uint64_t wc_sec;
	uint8_t  reserved[4096 - 0x500 - 16];
};

_Static_assert(sizeof(struct keel_vcpu_info) == 64, "vcpu_info is 64 bytes");
_Static_assert(sizeof(struct keel_shared_info) == 4096, "shared_info is one page");

#endif
