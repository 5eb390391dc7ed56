/* config.h: compile-time limits of the hypervisor. */
#ifndef KEEL_CONFIG_H
#define KEEL_CONFIG_H

#define KEEL_VERSION_STRING "0.1.0"
#define MAX_CPUS            64   /* logical CPUs the hypervisor will bring up */
#define MAX_IOAPICS         8
#define MAX_IRQ_OVERRIDES   16
#define MAX_PCI_SEGMENTS    4

#endif
