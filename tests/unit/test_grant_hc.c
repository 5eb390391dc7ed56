/* test_grant_hc.c: the grant_table_op hypercall (kernel/hc_grant.c): guest arguments, OUT fields and COPY batches. */
#include "grant_world.h"

/* ---- the hypercall ---- */

static int64_t hc(struct domain *d, uint64_t cmd, void *arg, uint64_t count)
{
	return hc_grant_table_op(d->vcpus[0], cmd, (uint64_t)(uintptr_t)arg, count, 0, 0);
}

static void test_hypercall_grant_map_unmap_end(void **state)
{
	(void)state;
	struct keel_gnttab_grant g = { .gpa = 0x5000, .grantee = B->id, .ref = 77 };
	assert_int_equal(hc(A, KEEL_GNTTABOP_GRANT, &g, 0), 0);
	assert_int_equal(g.ref, 0);
	struct keel_gnttab_map m = { .granter = A->id, .ref = g.ref, .host_gpa = WIN + 0x9000, .handle = 77 };
	assert_int_equal(hc(B, KEEL_GNTTABOP_MAP, &m, 0), 0);
	assert_int_equal(m.handle, 0);
	struct keel_gnttab_end e = { .ref = g.ref };
	assert_int_equal(hc(A, KEEL_GNTTABOP_END, &e, 0), -KEEL_EBUSY);
	struct keel_gnttab_unmap u = { .handle = m.handle };
	assert_int_equal(hc(B, KEEL_GNTTABOP_UNMAP, &u, 0), 0);
	assert_int_equal(hc(A, KEEL_GNTTABOP_END, &e, 0), 0);

	assert_int_equal(hc(A, 5, &e, 0), -KEEL_ENOSYS);
	assert_int_equal(hc(A, ~0ull, &e, 0), -KEEL_ENOSYS);
	for (uint64_t cmd = KEEL_GNTTABOP_GRANT; cmd <= KEEL_GNTTABOP_UNMAP; cmd++)
		assert_int_equal(hc(A, cmd, fault_page, 0), -KEEL_EFAULT);
	assert_stats(0, 0, 0, 0);
}

static void test_hypercall_out_fields_unwritable(void **state)
{
	(void)state;
	/* Readable but not writable: the operation is undone, since the caller cannot learn its result. */
	struct keel_gnttab_grant g = { .gpa = 0x5000, .grantee = B->id };
	memcpy(ro_page, &g, sizeof(g));
	assert_int_equal(hc(A, KEEL_GNTTABOP_GRANT, ro_page, 0), -KEEL_EFAULT);
	assert_stats(0, 0, 0, 0);
	assert_int_equal(hc(A, KEEL_GNTTABOP_GRANT, &g, 0), 0);
	struct keel_gnttab_map m = { .granter = A->id, .ref = g.ref, .host_gpa = WIN };
	memcpy(ro_page, &m, sizeof(m));
	assert_int_equal(hc(B, KEEL_GNTTABOP_MAP, ro_page, 0), -KEEL_EFAULT);
	assert_stats(1, 0, 0, 0);
	assert_int_equal(nr_leaves, 0);
	struct keel_gnttab_end e = { .ref = g.ref };
	memcpy(ro_page, &e, sizeof(e));
	assert_int_equal(hc(A, KEEL_GNTTABOP_END, ro_page, 0), 0);   /* END has no OUT field */
	assert_stats(0, 0, 0, 0);
}

static void test_hypercall_copy_batch(void **state)
{
	(void)state;
	struct keel_gnttab_grant g = { .gpa = 0x1000, .grantee = B->id, .flags = KEEL_GNTF_READONLY };
	assert_int_equal(hc(A, KEEL_GNTTABOP_GRANT, &g, 0), 0);
	memcpy(arena + ram_of(A) + 0x1000, "0123456789", 10);

	struct keel_gnttab_copy ops[KEEL_GRANT_COPY_MAX];
	memset(ops, 0, sizeof(ops));
	for (int i = 0; i < KEEL_GRANT_COPY_MAX; i++) {
		ops[i].src = (struct keel_gnttab_copy_ptr){ .domid = A->id, .ref = g.ref, .offset = (uint32_t)(i % 10) };
		ops[i].dst = (struct keel_gnttab_copy_ptr){ .domid = KEEL_DOMID_SELF, .gpa = 0x8000, .offset = (uint32_t)i };
		ops[i].len = 1;
		ops[i].status = 12345;
	}
	ops[1].len = 0;                                           /* bad */
	ops[2].dst.domid = A->id;                                 /* into a read-only grant */
	ops[2].dst.ref = g.ref;
	ops[3].src.ref = 999;                                     /* forged */
	ops[9].dst.gpa = DOM_BYTES;                               /* outside B */
	ops[63].src.offset = 4096;                                /* past the page */
	assert_int_equal(hc(B, KEEL_GNTTABOP_COPY, ops, KEEL_GRANT_COPY_MAX), 0);
	const int32_t want[] = { [1] = -KEEL_EINVAL, [2] = -KEEL_EPERM, [3] = -KEEL_EINVAL, [9] = -KEEL_EFAULT };
	for (int i = 0; i < KEEL_GRANT_COPY_MAX; i++)
		assert_int_equal(ops[i].status, i < 10 ? want[i] : i == 63 ? -KEEL_EINVAL : 0);
	/* The failed entries did not stop the rest (G7). */
	const uint8_t *out = arena + ram_of(B) + 0x8000;
	assert_int_equal(out[0], '0');
	assert_int_equal(out[1], 0);
	assert_int_equal(out[4], '4');
	assert_int_equal(out[62], '2');
	assert_int_equal(out[63], 0);
	assert_string_equal((char *)arena + ram_of(A) + 0x1000, "0123456789");

	assert_int_equal(hc(B, KEEL_GNTTABOP_COPY, ops, KEEL_GRANT_COPY_MAX + 1), -KEEL_E2BIG);
	assert_int_equal(hc(B, KEEL_GNTTABOP_COPY, ops, ~0ull), -KEEL_E2BIG);
	assert_int_equal(hc(B, KEEL_GNTTABOP_COPY, fault_page, 0), 0);           /* nothing to read */

	/* A batch that runs into an unmapped or read-only page: refused as a whole, nothing copied. */
	struct keel_gnttab_copy *tail = (struct keel_gnttab_copy *)fault_page - 2;
	memset(arena + ram_of(B) + 0x8000, 0, 64);
	for (int i = 0; i < 2; i++) {
		tail[i] = ops[0];
		tail[i].status = 7;
	}
	assert_int_equal(hc(B, KEEL_GNTTABOP_COPY, tail, 3), -KEEL_EFAULT);
	assert_int_equal(out[0], 0);
	assert_int_equal(tail[0].status, 7);
	memcpy(ro_page, ops, sizeof(ops[0]));
	assert_int_equal(hc(B, KEEL_GNTTABOP_COPY, ro_page, 1), -KEEL_EFAULT);
	assert_int_equal(out[0], 0);
	assert_int_equal(hc(B, KEEL_GNTTABOP_COPY, tail, 2), 0);
	assert_int_equal(out[0], '0');
	assert_int_equal(tail[0].status, 0);
	assert_int_equal(tail[1].status, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hypercall_grant_map_unmap_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hypercall_out_fields_unwritable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hypercall_copy_batch, setup, teardown),
	};
	return cmocka_run_group_tests_name("grant_table_op", tests, NULL, NULL);
}
