/* exit.h: what the hypervisor does when a vCPU stops running (vendor-neutral). */
#ifndef KEEL_EXIT_H
#define KEEL_EXIT_H

#include "virt.h"

struct vcpu;

/* Handles one decoded exit of the running vCPU v. Never touches a VMCS or VMCB. */
void vcpu_handle_exit(struct vcpu *v, const struct virt_exit *exit);

#endif
