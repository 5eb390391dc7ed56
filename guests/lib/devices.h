/* devices.h: the devices start-info lists (pv-abi/keel/start_info.h, "Devices"), and the RAM they leave the guest. */
#ifndef GUEST_DEVICES_H
#define GUEST_DEVICES_H

#include <stdint.h>

#include <keel/start_info.h>

/*
 * A device's page is the guest's RAM but not the guest's to use: the backend maps it and
 * reads and writes it at any time. A guest that takes memory for itself takes it from
 * [first_free_gpa, devices_free_end(si)), never up to nr_pages * 4096.
 */

/* Entry 'index' of 'type' if start-info lists it well-formed (a page of RAM, a port), else NULL. */
const struct keel_device *devices_find(const struct keel_start_info *si, uint16_t type, uint32_t index);

/* Where the guest's free RAM ends: the lowest device page, or the end of RAM without devices. */
uint64_t devices_free_end(const struct keel_start_info *si);

#endif
