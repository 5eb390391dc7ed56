/* devices.c: looking up start-info's devices[] with every entry checked, and the free RAM below them. */
#include "devices.h"

#include <stddef.h>

#include <keel/shared_info.h>

#define PAGE 4096ull

/* The builder is trusted, but a guest must not scribble over whatever a bad entry points at. */
static int well_formed(const struct keel_start_info *si, const struct keel_device *dev)
{
	uint64_t ram_end = si->nr_pages * PAGE;
	return dev->ring_gpa % PAGE == 0 && dev->ring_gpa >= si->first_free_gpa && dev->ring_gpa < ram_end &&
	       dev->port && dev->port < KEEL_EVTCHN_PORTS;
}

static uint32_t device_count(const struct keel_start_info *si)
{
	return si->nr_devices < KEEL_MAX_DEVICES ? si->nr_devices : KEEL_MAX_DEVICES;
}

const struct keel_device *devices_find(const struct keel_start_info *si, uint16_t type, uint32_t index)
{
	for (uint32_t i = 0; i < device_count(si); i++) {
		const struct keel_device *dev = &si->devices[i];
		if (dev->type == type && dev->index == index && well_formed(si, dev))
			return dev;
	}
	return NULL;
}

uint64_t devices_free_end(const struct keel_start_info *si)
{
	uint64_t end = si->nr_pages * PAGE;
	/* Every listed page counts, well-formed or not: a page the backend may touch is never free. */
	for (uint32_t i = 0; i < device_count(si); i++) {
		uint64_t gpa = si->devices[i].ring_gpa & ~(PAGE - 1);
		if (gpa >= si->first_free_gpa && gpa < end)
			end = gpa;
	}
	return end;
}
