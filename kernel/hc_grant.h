/* hc_grant.h: the grant_table_op hypercall (pv-abi/keel/grant_table.h). */
#ifndef KEEL_HC_GRANT_H
#define KEEL_HC_GRANT_H

#include <stdint.h>

struct vcpu;

int64_t hc_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t count, uint64_t a4, uint64_t a5);

#endif
