/* foreign_map.h: a privileged domain's mappings of another domain's RAM (domctl MAP_FOREIGN). */
#ifndef KEEL_FOREIGN_MAP_H
#define KEEL_FOREIGN_MAP_H

#include <stdint.h>

struct domain;

/*
 * Maps 'count' pages of target's RAM from target_gpa at local_gpa in mapper's p2m (read-write,
 * never executable). local_gpa must be page-aligned inside KEEL_FOREIGN_WINDOW and not overlap
 * another mapping of the mapper; the target range must lie in target's RAM. 0, -KEEL_EINVAL,
 * -KEEL_EBUSY (overlap) or -KEEL_ENOMEM. The caller checks that target may be mapped at all.
 */
int foreign_map_add(struct domain *mapper, struct domain *target, uint64_t local_gpa, uint64_t target_gpa,
		    uint64_t count);
/* Removes the mapping that starts at local_gpa; 0 or -KEEL_EINVAL if there is none. */
int foreign_map_remove(struct domain *mapper, uint64_t local_gpa);
/* Removes every mapping of target's RAM (it starts running, or it is being destroyed). */
void foreign_map_release_target(struct domain *target);
/* Forgets every mapping mapper holds (it is being destroyed; its p2m goes with it). */
void foreign_map_release_mapper(struct domain *mapper);
/* Live mappings, for leak checks. */
unsigned int foreign_map_count(void);

#endif
