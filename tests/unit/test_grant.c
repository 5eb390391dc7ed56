/* test_grant.c: grant tables (kernel/grant.c): reference counts, teardown order (G6) and validation, against doubles. */
#include "grant_world.h"

/* ---- reference counting ---- */

static void test_map_end_unmap_end(void **state)
{
	(void)state;
	uint32_t ref = grant(A, 0x3000, B->id, 0);
	assert_int_equal(ref, 0);
	assert_stats(1, 0, 0, 0);
	uint32_t h = map(B, A->id, ref, WIN + 0x5000, 0);
	struct leaf *l = leaf_at(&B->p2m, WIN + 0x5000);
	assert_non_null(l);
	assert_int_equal(l->hpa, ram_of(A) + 0x3000);
	assert_int_equal(l->perms, P2M_READ | P2M_WRITE);
	assert_stats(1, 1, 0, 0);

	assert_int_equal(grant_end(A, ref), -KEEL_EBUSY);   /* G4 */
	assert_int_equal(grant_unmap(B, h), 0);
	assert_null(leaf_at(&B->p2m, WIN + 0x5000));
	assert_string_equal(events, "UF");
	assert_int_equal(grant_unmap(B, h), -KEEL_EINVAL);   /* a handle is used once */
	assert_int_equal(grant_end(A, ref), 0);
	assert_int_equal(grant_end(A, ref), -KEEL_EINVAL);   /* G1: ended */
	assert_int_equal(grant_map(B, A->id, ref, WIN, 0, &h), -KEEL_EINVAL);
	assert_stats(0, 0, 0, 0);
	assert_int_equal(nr_frees, 0);
}

static void test_mapped_twice_and_self(void **state)
{
	(void)state;
	/* A grant mapped twice needs two unmaps; a domain may grant to itself. */
	uint32_t ref = grant(A, 0x1000, KEEL_DOMID_SELF, KEEL_GNTF_READONLY);
	uint32_t h1 = map(A, KEEL_DOMID_SELF, ref, WIN, KEEL_GNTF_READONLY);
	uint32_t h2 = map(A, A->id, ref, WIN + 0x1000, KEEL_GNTF_READONLY);
	assert_int_not_equal(h1, h2);
	assert_int_equal(leaf_at(&A->p2m, WIN)->perms, P2M_READ);
	assert_int_equal(grant_unmap(A, h1), 0);
	assert_int_equal(grant_end(A, ref), -KEEL_EBUSY);
	assert_int_equal(grant_unmap(A, h2), 0);
	assert_int_equal(grant_end(A, ref), 0);
}

/* ---- teardown (G6) ---- */

static void test_grantee_dies_with_mappings(void **state)
{
	(void)state;
	uint32_t r1 = grant(A, 0x1000, B->id, 0), r2 = grant(A, 0x2000, B->id, KEEL_GNTF_READONLY);
	map(B, A->id, r1, WIN, 0);
	map(B, A->id, r2, WIN + 0x1000, KEEL_GNTF_READONLY);
	uint32_t mine = grant(B, 0x4000, A->id, 0);   /* B is a granter too, unmapped */
	(void)mine;
	assert_stats(3, 2, 0, 0);
	destroy(B);
	/* Its mappings went out of its p2m and were flushed before anything was freed. */
	assert_int_equal(nr_leaves, 0);
	assert_string_equal(events, "UUFf");
	assert_stats(2, 0, 0, 0);
	assert_int_equal(grant_end(A, r1), 0);
	assert_int_equal(grant_end(A, r2), 0);
	/* A's frames were never freed; B's all were (teardown() checks the rest). */
	for (uint64_t p = 0; p < DOM_PAGES; p++)
		assert_int_equal(freed[ram_of(A) / 4096 + p], 0);
}

static void test_granter_dies_frame_kept_until_unmap(void **state)
{
	(void)state;
	uint32_t ref = grant(A, 0x7000, B->id, 0);
	grant(A, 0x8000, B->id, 0);                 /* unmapped: ends with A */
	uint32_t h = map(B, A->id, ref, WIN, 0);
	memcpy(arena + ram_of(A) + 0x7000, "still here", 11);

	destroy(A);
	paddr_t kept = ram_of(A) + 0x7000;
	assert_int_equal(freed[kept / 4096], 0);    /* still mapped in B */
	for (uint64_t p = 0; p < DOM_PAGES; p++)
		if (p != 7)
			assert_int_equal(freed[ram_of(A) / 4096 + p], 1);
	assert_stats(1, 1, 1, 1);
	assert_string_equal((char *)arena + kept, "still here");
	assert_int_equal(leaf_at(&B->p2m, WIN)->hpa, kept);

	/* A is gone: its refs are not findable, new mappings of it fail. */
	uint32_t h2;
	assert_int_equal(grant_map(B, A->id, ref, WIN + 0x1000, 0, &h2), -KEEL_ESRCH);

	events[0] = '\0';
	assert_int_equal(grant_unmap(B, h), 0);
	assert_string_equal(events, "UFf");          /* unmapped and flushed, then freed */
	assert_int_equal(freed[kept / 4096], 1);
	assert_stats(0, 0, 0, 0);
}

static void test_granter_dies_frame_granted_twice(void **state)
{
	(void)state;
	/* Two grants of one frame, both mapped: the frame goes with the last of them. */
	uint32_t r1 = grant(A, 0x9000, B->id, 0), r2 = grant(A, 0x9000, C->id, KEEL_GNTF_READONLY);
	uint32_t hb = map(B, A->id, r1, WIN, 0);
	map(C, A->id, r2, WIN + 0x3000, KEEL_GNTF_READONLY);
	destroy(A);
	assert_stats(2, 2, 1, 1);
	assert_int_equal(grant_unmap(B, hb), 0);
	assert_int_equal(freed[(ram_of(A) + 0x9000) / 4096], 0);
	assert_stats(1, 1, 1, 1);
	destroy(C);                                  /* the grantee dying is its unmap */
	assert_int_equal(freed[(ram_of(A) + 0x9000) / 4096], 1);
	assert_stats(0, 0, 0, 0);
}

static void test_unmap_while_granter_frees_its_ram(void **state)
{
	(void)state;
	/* The last unmap lands between the granter's teardown and the release of its RAM. */
	uint32_t ref = grant(A, 0x1ff000, B->id, 0);
	uint32_t h = map(B, A->id, ref, WIN, 0);
	alive[0] = false;
	A->vcpus[0] = NULL;
	grant_domain_teardown(A);
	assert_stats(1, 1, 1, 1);
	assert_int_equal(grant_unmap(B, h), 0);     /* frees the kept frame now */
	assert_int_equal(freed[(ram_of(A) + 0x1ff000) / 4096], 1);
	assert_stats(0, 0, 0, 1);                    /* the zombie waits for its owner */
	grant_free_frames(A, ram_of(A), 9);         /* must skip that frame: not freed twice */
	grant_domain_release(A);
	assert_stats(0, 0, 0, 0);
}

static void test_both_die_mapping_each_other(void **state)
{
	(void)state;
	uint32_t ra = grant(A, 0x2000, B->id, 0), rb = grant(B, 0x3000, A->id, 0);
	map(B, A->id, ra, WIN, 0);
	map(A, B->id, rb, WIN, 0);
	destroy(A);                                  /* A's page stays for B; B's is unmapped from A */
	assert_stats(2, 1, 1, 1);
	assert_int_equal(freed[(ram_of(A) + 0x2000) / 4096], 0);
	destroy(B);
	assert_stats(0, 0, 0, 0);
}

/* ---- validation ---- */

static void test_forged_refs_and_domains(void **state)
{
	(void)state;
	uint32_t ref, h;
	const uint32_t forged[] = { 0, 1, 15, 16, KEEL_GRANT_MAX_REFS - 1, KEEL_GRANT_MAX_REFS, ~0u };
	for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		assert_int_equal(grant_end(A, forged[i]), -KEEL_EINVAL);
		assert_int_equal(grant_map(B, A->id, forged[i], WIN, 0, &h), -KEEL_EINVAL);
	}
	grant(A, 0x1000, B->id, 0);                 /* ref 0 exists now, ref 1 still does not */
	assert_int_equal(grant_map(B, A->id, 1, WIN, 0, &h), -KEEL_EINVAL);
	assert_int_equal(grant_map(B, 99, 0, WIN, 0, &h), -KEEL_ESRCH);
	assert_int_equal(grant_map(B, KEEL_DOMID_SELF, 0, WIN, 0, &h), -KEEL_EINVAL);   /* B granted nothing */
	assert_int_equal(grant_create(A, 0x1000, 99, 0, &ref), -KEEL_ESRCH);
	assert_int_equal(grant_create(A, 0x1001, B->id, 0, &ref), -KEEL_EINVAL);
	assert_int_equal(grant_create(A, DOM_BYTES, B->id, 0, &ref), -KEEL_EINVAL);     /* not its RAM */
	assert_int_equal(grant_create(A, WIN, B->id, 0, &ref), -KEEL_EINVAL);           /* nor a mapped grant */
	assert_int_equal(grant_create(A, 0x1000, B->id, 2, &ref), -KEEL_EINVAL);
	assert_int_equal(grant_create(A, 0x1000, B->id, ~0u, &ref), -KEEL_EINVAL);
	assert_int_equal(grant_unmap(B, 0), -KEEL_EINVAL);                              /* nothing mapped */
	assert_int_equal(grant_unmap(B, ~0u), -KEEL_EINVAL);
	assert_stats(1, 0, 0, 0);
}

static void test_wrong_grantee(void **state)
{
	(void)state;
	uint32_t ref = grant(A, 0x1000, B->id, 0), h;
	assert_int_equal(grant_map(C, A->id, ref, WIN, 0, &h), -KEEL_EPERM);            /* G2 */
	assert_int_equal(grant_map(C, A->id, ref, WIN, KEEL_GNTF_READONLY, &h), -KEEL_EPERM);
	assert_int_equal(grant_map(A, KEEL_DOMID_SELF, ref, WIN, 0, &h), -KEEL_EPERM);  /* not even the granter */
	struct grant_copy_side theirs = { .domid = A->id, .ref = ref }, own = { .domid = KEEL_DOMID_SELF };
	assert_int_equal(grant_copy(C, &theirs, &own, 8), -KEEL_EPERM);
	assert_int_equal(grant_copy(C, &own, &theirs, 8), -KEEL_EPERM);
	assert_int_equal(nr_leaves, 0);
}

static void test_read_only(void **state)
{
	(void)state;
	uint32_t ref = grant(A, 0x1000, B->id, KEEL_GNTF_READONLY), h;
	assert_int_equal(grant_map(B, A->id, ref, WIN, 0, &h), -KEEL_EPERM);
	h = map(B, A->id, ref, WIN, KEEL_GNTF_READONLY);
	assert_int_equal(leaf_at(&B->p2m, WIN)->perms, P2M_READ);
	assert_int_equal(grant_map(B, A->id, ref, WIN + 0x1000, 4, &h), -KEEL_EINVAL);   /* unknown flag */

	memcpy(arena + ram_of(A) + 0x1000, "granted", 8);
	struct grant_copy_side theirs = { .domid = A->id, .ref = ref }, own = { .domid = KEEL_DOMID_SELF, .gpa = 0x6000 };
	assert_int_equal(grant_copy(B, &own, &theirs, 8), -KEEL_EPERM);   /* into it: never */
	assert_string_equal((char *)arena + ram_of(A) + 0x1000, "granted");
	assert_int_equal(grant_copy(B, &theirs, &own, 8), 0);             /* from it: fine */
	assert_string_equal((char *)arena + ram_of(B) + 0x6000, "granted");

	/* A writable grant may still be mapped read-only. */
	uint32_t rw = grant(A, 0x2000, B->id, 0);
	map(B, A->id, rw, WIN + 0x2000, KEEL_GNTF_READONLY);
	assert_int_equal(leaf_at(&B->p2m, WIN + 0x2000)->perms, P2M_READ);
}

static void test_host_gpa(void **state)
{
	(void)state;
	uint32_t ref = grant(A, 0x1000, B->id, 0), h;
	const uint64_t bad[] = {
		0, 0x1000, DOM_BYTES, WIN - 0x1000, WIN + 0x800, WIN + 1,
		WIN + KEEL_GRANT_WINDOW_SIZE, WIN + KEEL_GRANT_WINDOW_SIZE + 0x1000, ~0ull & ~0xfffull,
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(grant_map(B, A->id, ref, bad[i], 0, &h), -KEEL_EINVAL);
	uint64_t last = WIN + KEEL_GRANT_WINDOW_SIZE - 0x1000;
	h = map(B, A->id, ref, last, 0);
	assert_int_equal(grant_map(B, A->id, ref, last, 0, &h), -KEEL_EEXIST);        /* G3 */
	uint32_t other = grant(A, 0x2000, B->id, 0);
	assert_int_equal(grant_map(B, A->id, other, last, 0, &h), -KEEL_EEXIST);
	/* In use is per grantee: C may use the same GPA in its own space. */
	uint32_t for_c = grant(A, 0x2000, C->id, 0);
	map(C, A->id, for_c, last, 0);
	assert_int_equal(grant_map(C, A->id, for_c, RAM_IN_WINDOW, 0, &h), -KEEL_EINVAL);   /* RAM stays RAM */
	assert_int_equal(grant_map(B, A->id, ref, RAM_IN_WINDOW, 0, &h), 0);                /* B has none there */
	p2m_map_result = -KEEL_ENOMEM;
	assert_int_equal(grant_map(B, A->id, other, WIN, 0, &h), -KEEL_ENOMEM);
	assert_stats(3, 3, 0, 0);
}

static void test_exhaustion(void **state)
{
	(void)state;
	uint32_t ref, h;
	for (uint32_t i = 0; i < KEEL_GRANT_MAX_REFS; i++)
		assert_int_equal(grant(A, (i % DOM_PAGES) * 4096ull, B->id, 0), i);   /* G8 */
	assert_int_equal(grant_create(A, 0x1000, B->id, 0, &ref), -KEEL_ENOSPC);
	assert_int_equal(grant_end(A, 700), 0);
	assert_int_equal(grant(A, 0x1000, B->id, 0), 700);                        /* the freed ref */

	for (uint32_t i = 0; i < KEEL_GRANT_MAX_MAPS; i++)
		assert_int_equal(map(B, A->id, i, WIN + i * 4096ull, 0), i);
	assert_int_equal(grant_map(B, A->id, 300, WIN + 0x200000, 0, &h), -KEEL_ENOSPC);
	assert_int_equal(grant_unmap(B, 17), 0);
	assert_int_equal(map(B, A->id, 300, WIN + 0x200000, 0), 17);
	assert_stats(KEEL_GRANT_MAX_REFS, KEEL_GRANT_MAX_MAPS, 0, 0);
	destroy(B);
	assert_stats(KEEL_GRANT_MAX_REFS, 0, 0, 0);
}

static void test_out_of_memory(void **state)
{
	(void)state;
	uint32_t ref, h;
	fail_alloc = true;
	assert_int_equal(grant_create(A, 0x1000, B->id, 0, &ref), -KEEL_ENOMEM);
	fail_alloc = false;
	ref = grant(A, 0x1000, B->id, 0);
	for (uint32_t i = 1; i < 16; i++)
		grant(A, 0x1000, B->id, 0);
	fail_alloc = true;                                                          /* growing past 16 */
	assert_int_equal(grant_create(A, 0x1000, B->id, 0, &h), -KEEL_ENOMEM);
	assert_int_equal(grant_map(B, A->id, ref, WIN, 0, &h), -KEEL_ENOMEM);       /* B has no table yet */
	fail_alloc = false;
	assert_stats(16, 0, 0, 0);
	assert_int_equal(nr_leaves, 0);
}

static void test_copy_bounds(void **state)
{
	(void)state;
	uint32_t ref = grant(A, 0x1000, B->id, 0);
	struct grant_copy_side theirs = { .domid = A->id, .ref = ref }, own = { .domid = KEEL_DOMID_SELF, .gpa = 0x2000 };
	memset(arena + ram_of(B) + 0x2000, 'b', 4096);
	assert_int_equal(grant_copy(B, &own, &theirs, 4096), 0);
	assert_int_equal(arena[ram_of(A) + 0x1fff], 'b');
	assert_int_equal(grant_copy(B, &own, &theirs, 0), -KEEL_EINVAL);
	assert_int_equal(grant_copy(B, &own, &theirs, 4097), -KEEL_EINVAL);
	theirs.offset = 4095;
	assert_int_equal(grant_copy(B, &own, &theirs, 2), -KEEL_EINVAL);
	assert_int_equal(grant_copy(B, &own, &theirs, 1), 0);
	theirs.offset = ~0u;
	assert_int_equal(grant_copy(B, &own, &theirs, 1), -KEEL_EINVAL);
	theirs.offset = 0;
	own.offset = 4000;
	assert_int_equal(grant_copy(B, &own, &theirs, 97), -KEEL_EINVAL);
	own.offset = 0;
	own.gpa = 0x2008;
	assert_int_equal(grant_copy(B, &own, &theirs, 8), -KEEL_EINVAL);   /* own gpa is a page */
	own.gpa = DOM_BYTES;
	assert_int_equal(grant_copy(B, &own, &theirs, 8), -KEEL_EFAULT);   /* not B's RAM */
	theirs.domid = 99;
	own.gpa = 0;
	assert_int_equal(grant_copy(B, &own, &theirs, 8), -KEEL_ESRCH);
	theirs.domid = A->id;
	theirs.ref = 5;
	assert_int_equal(grant_copy(B, &own, &theirs, 8), -KEEL_EINVAL);
	/* Overlapping copy within one page of the caller's own. */
	memcpy(arena + ram_of(B) + 0x3000, "abcdef", 6);
	struct grant_copy_side s = { .domid = KEEL_DOMID_SELF, .gpa = 0x3000 }, d = s;
	d.offset = 2;
	assert_int_equal(grant_copy(B, &s, &d, 4), 0);
	assert_memory_equal(arena + ram_of(B) + 0x3000, "ababcd", 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map_end_unmap_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mapped_twice_and_self, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grantee_dies_with_mappings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_granter_dies_frame_kept_until_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_granter_dies_frame_granted_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_while_granter_frees_its_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_both_die_mapping_each_other, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_refs_and_domains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_grantee, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_gpa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_bounds, setup, teardown),
	};
	return cmocka_run_group_tests_name("grant tables", tests, NULL, NULL);
}
