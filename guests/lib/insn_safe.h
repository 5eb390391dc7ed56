/* insn_safe.h: privileged instructions run with their exception caught: each returns the vector raised, or TRAP_NONE. */
#ifndef GUEST_INSN_SAFE_H
#define GUEST_INSN_SAFE_H

#include <stdint.h>

#include "trap.h"

/* These need trap_init() first; without an IDT an exception is a triple fault. */

static inline int wrmsr_safe(uint32_t msr, uint64_t value)
{
	trap_expect();
	asm volatile("1: wrmsr\n2:\n\t" TRAP_EXTABLE(1b, 2b)
		     : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)) : "memory");
	return trap_caught.vector;
}

/* *value is left unchanged when the read faults. */
static inline int rdmsr_safe(uint32_t msr, uint64_t *value)
{
	uint32_t lo = (uint32_t)*value, hi = (uint32_t)(*value >> 32);
	trap_expect();
	asm volatile("1: rdmsr\n2:\n\t" TRAP_EXTABLE(1b, 2b)
		     : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*value = ((uint64_t)hi << 32) | lo;
	return trap_caught.vector;
}

static inline int outb_safe(uint16_t port, uint8_t value)
{
	trap_expect();
	asm volatile("1: outb %b0, %w1\n2:\n\t" TRAP_EXTABLE(1b, 2b)
		     : : "a"(value), "Nd"(port) : "memory");
	return trap_caught.vector;
}

/* *value is left unchanged when the read faults. */
static inline int inb_safe(uint16_t port, uint8_t *value)
{
	uint8_t v = *value;
	trap_expect();
	asm volatile("1: inb %w1, %b0\n2:\n\t" TRAP_EXTABLE(1b, 2b)
		     : "+a"(v) : "Nd"(port) : "memory");
	*value = v;
	return trap_caught.vector;
}

#endif
