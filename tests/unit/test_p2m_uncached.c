/* test_p2m_uncached.c: uncached (device) leaves in both second-level formats: EPT memory type UC, NPT PCD|PWT, kept across a 2 MiB split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frame.h"
#include "phys_arena.h"
#include "keel/abi.h"
#include "log.h"
#include "vmx/ept.h"
#include "vmx/vmx.h"

/* svm/svm.h and vmx/vmx.h each define the backend's struct vcpu_arch: the NPT half is declared here. */
extern bool npt_use_nx;
int npt_init(struct p2m *p2m);
int npt_map(struct p2m *p2m, uint64_t gpa, paddr_t hpa, unsigned int order, unsigned int perms);
void npt_unmap(struct p2m *p2m, uint64_t gpa, unsigned int order);
void npt_destroy(struct p2m *p2m);
int npt_lookup(const struct p2m *p2m, uint64_t gpa, paddr_t *hpa, unsigned int *perms);

uint64_t mm_direct_map_offset;
struct vmx_config vmx_config;
void log_printf(enum log_level level, const char *fmt, ...) { (void)level, (void)fmt; }

#define MIB (1ull << 20)
#define ARENA_SIZE (16 * MIB)
#define PHYS_BASE (4ull << 30)
#define MMIO_2M 0xe000000000ull   /* a 64-bit BAR window, as OVMF places it under q35 */
#define ECAM 0xb0000000ull

#define NPT_PWT (1ull << 3)
#define NPT_PCD (1ull << 4)
#define EPT_MEMTYPE(e) (((e) >> 3) & 7)

static void *arena;
static uint64_t free_at_start;

static int setup(void **state)
{
	(void)state;
	arena = phys_arena_setup(PHYS_BASE, ARENA_SIZE, -1, NULL);
	free_at_start = frame_free_count();
	vmx_config = (struct vmx_config){ .ept_2m = true };
	npt_use_nx = true;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(frame_free_count(), free_at_start);
	free(arena);
	return 0;
}

/* The leaf entry for gpa (4-level walk, 2 MiB leaves stop it), and its level. */
static uint64_t leaf(const struct p2m *p2m, uint64_t gpa, bool ept, int *level_out)
{
	const uint64_t *t = phys_to_virt(p2m->root);
	for (int level = 4; level >= 1; level--) {
		uint64_t e = t[(gpa >> (12 + 9 * (level - 1))) & 511];
		bool large = level == 2 && (e & (1ull << 7));
		if (level == 1 || large || !(ept ? (e & 7) : (e & 1))) {
			*level_out = level;
			return e;
		}
		t = phys_to_virt(e & 0x000ffffffffff000ull);
	}
	return 0;
}

static void test_ept_uncached_leaves(void **state)
{
	(void)state;
	struct p2m p2m;
	int level;
	assert_int_equal(ept_init(&p2m), 0);
	/* RAM stays write-back; device memory is UC, 2 MiB and 4 KiB alike. */
	assert_int_equal(ept_map(&p2m, 0x200000, PHYS_BASE, 9, P2M_RWX), 0);
	assert_int_equal(EPT_MEMTYPE(leaf(&p2m, 0x200000, true, &level)), 6);
	assert_int_equal(ept_map(&p2m, MMIO_2M, MMIO_2M, 9, P2M_READ | P2M_WRITE | P2M_UNCACHED), 0);
	uint64_t e = leaf(&p2m, MMIO_2M + 0x3000, true, &level);
	assert_int_equal(level, 2);
	assert_int_equal(EPT_MEMTYPE(e), 0);
	assert_int_equal(e & EPT_EXEC, 0);
	assert_int_equal(ept_map(&p2m, ECAM, ECAM, 0, P2M_READ | P2M_WRITE | P2M_UNCACHED), 0);
	assert_int_equal(EPT_MEMTYPE(leaf(&p2m, ECAM, true, &level)), 0);
	assert_int_equal(level, 1);

	paddr_t hpa;
	unsigned int perms;
	assert_int_equal(ept_translate(&p2m, MMIO_2M + 0x1234, &hpa, &perms), 0);
	assert_int_equal(hpa, MMIO_2M + 0x1234);
	assert_int_equal(perms, P2M_READ | P2M_WRITE | P2M_UNCACHED);
	assert_int_equal(ept_translate(&p2m, 0x200000, &hpa, &perms), 0);
	assert_int_equal(perms, P2M_RWX);

	/* Unmapping one page splits the 2 MiB leaf: the rest stays UC. */
	ept_unmap(&p2m, MMIO_2M, 0);
	assert_int_equal(ept_translate(&p2m, MMIO_2M, &hpa, &perms), -1);
	e = leaf(&p2m, MMIO_2M + 0x1000, true, &level);
	assert_int_equal(level, 1);
	assert_int_equal(EPT_MEMTYPE(e), 0);
	ept_destroy(&p2m);
}

static void test_npt_uncached_leaves(void **state)
{
	(void)state;
	struct p2m p2m;
	int level;
	assert_int_equal(npt_init(&p2m), 0);
	assert_int_equal(npt_map(&p2m, 0x200000, PHYS_BASE, 9, P2M_RWX), 0);
	assert_int_equal(leaf(&p2m, 0x200000, false, &level) & (NPT_PCD | NPT_PWT), 0);
	assert_int_equal(npt_map(&p2m, MMIO_2M, MMIO_2M, 9, P2M_READ | P2M_WRITE | P2M_UNCACHED), 0);
	uint64_t e = leaf(&p2m, MMIO_2M, false, &level);
	assert_int_equal(level, 2);
	assert_int_equal(e & (NPT_PCD | NPT_PWT), NPT_PCD | NPT_PWT);
	assert_int_equal(e & (1ull << 12), 0);   /* the large leaf's PAT bit stays clear: PAT entry 3 */

	paddr_t hpa;
	unsigned int perms;
	assert_int_equal(npt_lookup(&p2m, MMIO_2M + 0x5678, &hpa, &perms), 0);
	assert_int_equal(hpa, MMIO_2M + 0x5678);
	assert_int_equal(perms, P2M_READ | P2M_WRITE | P2M_UNCACHED);

	/* A split keeps the memory type of every 4 KiB piece. */
	npt_unmap(&p2m, MMIO_2M + 0x1ff000, 0);
	e = leaf(&p2m, MMIO_2M + 0x1000, false, &level);
	assert_int_equal(level, 1);
	assert_int_equal(e & (NPT_PCD | NPT_PWT), NPT_PCD | NPT_PWT);
	assert_int_equal(npt_lookup(&p2m, MMIO_2M + 0x1ff000, &hpa, &perms), -1);

	/* Unknown permission bits are still refused. */
	assert_int_equal(npt_map(&p2m, ECAM, ECAM, 0, P2M_READ | P2M_UNCACHED | (1u << 4)), -KEEL_EINVAL);
	npt_destroy(&p2m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ept_uncached_leaves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_npt_uncached_leaves, setup, teardown),
	};
	return cmocka_run_group_tests_name("p2m_uncached", tests, NULL, NULL);
}
