/* intercept_maps.c: the MSR and I/O permission maps that decide which guest accesses exit. */
#include "svm/svm.h"

#include "cpu.h"
#include "io_bitmap.h"
#include "string.h"

/*
 * MSRPM (APM 15.11): two bits per MSR, read then write, set = intercept. Three 2 KiB
 * blocks cover MSRs 0000_0000-0000_1fff, c000_0000-c000_1fff and c001_0000-c001_1fff;
 * an MSR outside them always exits.
 */
#define MSRPM_BLOCK_BYTES 0x800
#define MSRPM_BLOCK_MSRS  0x2000

static const uint32_t msrpm_block_base[] = { 0x00000000, 0xc0000000, 0xc0010000 };

#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_CSTAR          0xc0000083
#define MSR_SFMASK         0xc0000084
#define MSR_SYSENTER_CS    0x00000174
#define MSR_SYSENTER_ESP   0x00000175
#define MSR_SYSENTER_EIP   0x00000176

/*
 * Exactly the MSRs whose guest values live in the VMCB and travel with VMLOAD/VMSAVE
 * (APM 15.5.2): the guest owns them, so reading and writing them needs no hypervisor.
 * Everything else - EFER above all, whose SVME bit VMRUN requires - exits.
 */
static const uint32_t passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
	MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
};

/* Bit position of the MSR's read bit in the map, or -1 when the map cannot express it. */
static long msrpm_bit(uint32_t msr)
{
	for (unsigned int b = 0; b < sizeof msrpm_block_base / sizeof msrpm_block_base[0]; b++) {
		uint32_t offset = msr - msrpm_block_base[b];
		if (msr >= msrpm_block_base[b] && offset < MSRPM_BLOCK_MSRS)
			return (long)b * MSRPM_BLOCK_BYTES * 8 + (long)offset * 2;
	}
	return -1;
}

void svm_msrpm_build(uint8_t *msrpm)
{
	memset(msrpm, 0xff, SVM_MSRPM_SIZE);
	for (unsigned int i = 0; i < sizeof passthrough_msrs / sizeof passthrough_msrs[0]; i++) {
		long bit = msrpm_bit(passthrough_msrs[i]);
		/* Clear the read and the write bit (they are adjacent, in the same byte). */
		msrpm[bit / 8] &= (uint8_t)~(3u << (bit % 8));
	}
}

bool svm_msrpm_passes(const uint8_t *msrpm, uint32_t msr, bool write)
{
	long bit = msrpm_bit(msr);
	if (bit < 0)
		return false;
	bit += write;
	return !(msrpm[bit / 8] & (1u << (bit % 8)));
}

/*
 * IOPM (APM 15.10.1): one bit per port, 64 Ki ports in 8 KiB, plus the bits of a third
 * page that a multi-byte access starting near port 0xffff checks. The shared map lets no
 * port through: unprivileged guests have no devices, only hypercalls.
 */
void svm_iopm_build(uint8_t *iopm)
{
	memset(iopm, 0xff, SVM_IOPM_SIZE);
}

#ifndef KEEL_HOST_TEST
struct io_bitmap *svm_io_bitmap_create(void)
{
	/* All three pages set: the third stays so, whatever io_allow does to the first two. */
	return io_bitmap_alloc(SVM_IOPM_ORDER, SVM_IOPM_SIZE);
}
#endif
