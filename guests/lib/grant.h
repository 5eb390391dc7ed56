/* grant.h: the grant_table_op calls (pv-abi/keel/grant_table.h), one typed wrapper per command. */
#ifndef GUEST_GRANT_H
#define GUEST_GRANT_H

#include <stdint.h>

#include <keel/event_channel.h>
#include <keel/grant_table.h>

/* Each returns 0 or a negated KEEL_E*; the OUT value is stored only on success. */
long grant_access(uint64_t gpa, uint32_t grantee, uint32_t flags, uint32_t *ref);
long grant_end(uint32_t ref);
long grant_map(uint32_t granter, uint32_t ref, uint64_t host_gpa, uint32_t flags, uint32_t *handle);
long grant_unmap(uint32_t handle);
/* 'count' entries at 'ops'; each gets its own status (G7). */
long grant_copy(struct keel_gnttab_copy *ops, uint64_t count);

#endif
