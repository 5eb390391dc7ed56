/* test_pirq.c: physical lines and MSI vectors bound to event-channel ports (kernel/pirq.c with the real kernel/evtchn.c): physdev.h P1-P3, M1-M3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "domain.h"
#include "evtchn.h"
#include "keel/abi.h"
#include "keel/physdev.h"
#include "pirq.h"
#include "platform_irq_double.h"
#include "sched.h"
#include "sched_internal.h"
#include "vcpu.h"

/* ---- doubles: one CPU, the heap, no domain registry, the backend's upcall op ---- */
struct domain *dom0;
unsigned int arch_cpus_online(void) { return 1; }
unsigned int arch_cpu_id(void) { return 0; }
void arch_kick_cpu(unsigned int cpu) { (void)cpu; }
void arch_delay_us(uint64_t us) { (void)us; }
void *kzalloc(size_t size) { return calloc(1, size); }
void *kcalloc(size_t count, size_t size) { return calloc(count, size); }
void kfree(void *p) { free(p); }
struct domain *domain_lookup_locked(uint32_t id) { (void)id; return NULL; }
void domain_list_unlock(void) {}
static void no_upcall(struct vcpu_arch *va, uint8_t vector, bool pending) { (void)va, (void)vector, (void)pending; }
static const struct virt_ops fake_virt = { .set_upcall = no_upcall };
const struct virt_ops *virt = &fake_virt;

static struct domain d0;
static struct vcpu d0_vcpus[2];

static int setup(void **state)
{
	(void)state;
	double_platform_reset();
	memset(sched_cpus, 0, sizeof(sched_cpus));
	sched_init(10);
	memset(&d0, 0, sizeof(d0));
	d0.privileged = true;
	d0.nr_vcpus = 2;
	d0.shared_info = aligned_alloc(4096, 4096);
	memset(d0.shared_info, 0, 4096);
	sched_domain_init(&d0);
	for (unsigned int v = 0; v < 2; v++) {
		memset(&d0_vcpus[v], 0, sizeof(d0_vcpus[v]));
		d0_vcpus[v].domain = &d0;
		d0_vcpus[v].id = v;
		d0_vcpus[v].state = VCPU_DOWN;
		sched_vcpu_init(&d0_vcpus[v]);
		d0.vcpus[v] = &d0_vcpus[v];
	}
	dom0 = &d0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	evtchn_domain_destroy(&d0);
	free(d0.shared_info);
	assert_int_equal(pirq_bound_count(), 0);   /* dying unbinds everything (P3) */
	assert_int_equal(evtchn_ports_allocated(), 0);
	return 0;
}

static bool pending(uint32_t port)
{
	return d0.shared_info->evtchn_pending[port / 64] & (1ull << (port % 64));
}

static void clear_pending(uint32_t port)
{
	d0.shared_info->evtchn_pending[port / 64] &= ~(1ull << (port % 64));
}

static void test_bind_reports_pirq_and_unmasks(void **state)
{
	(void)state;
	uint32_t port;
	assert_int_equal(pirq_bind(&d0, 5, 0, 1, &port), 0);
	assert_true(double_lines[5].routed);
	assert_false(double_lines[5].masked);
	assert_false(double_lines[5].line.level);   /* an ISA line's own: edge */
	struct keel_evtchn_status st = { .port = port };
	assert_int_equal(evtchn_status(&d0, &st), 0);
	assert_int_equal(st.status, KEEL_EVTCHNSTAT_PIRQ);
	assert_int_equal(st.virq, 5);
	assert_int_equal(st.vcpu, 1);
	assert_int_equal(pirq_bound_count(), 1);
}

static void test_explicit_flags(void **state)
{
	(void)state;
	uint32_t port;
	assert_int_equal(pirq_bind(&d0, 10, KEEL_PIRQF_EXPLICIT | KEEL_PIRQF_LEVEL | KEEL_PIRQF_ACTIVE_LOW, 0, &port), 0);
	assert_true(double_lines[10].line.level);
	assert_true(double_lines[10].line.active_low);
	/* LEVEL without EXPLICIT: the line's own settings stand. */
	assert_int_equal(pirq_bind(&d0, 11, KEEL_PIRQF_LEVEL, 0, &port), 0);
	assert_false(double_lines[11].line.level);
}

static void test_refusals(void **state)
{
	(void)state;
	uint32_t port, again;
	assert_int_equal(pirq_bind(&d0, 0, 0, 0, &port), -KEEL_EINVAL);    /* the PIT */
	assert_int_equal(pirq_bind(&d0, 2, 0, 0, &port), -KEEL_EINVAL);    /* the PIT's GSI by another name */
	assert_int_equal(pirq_bind(&d0, 4, 0, 0, &port), -KEEL_EINVAL);    /* the log UART, unclaimed */
	assert_int_equal(pirq_bind(&d0, 99, 0, 0, &port), -KEEL_EINVAL);   /* no IOAPIC serves it */
	assert_int_equal(pirq_bind(&d0, 5, 1u << 30, 0, &port), -KEEL_EINVAL);
	assert_int_equal(pirq_bind(&d0, 5, 0, 2, &port), -KEEL_EINVAL);    /* no vCPU 2 */
	double_vectors_exhausted = true;
	assert_int_equal(pirq_bind(&d0, 5, 0, 0, &port), -KEEL_ENOSPC);
	double_vectors_exhausted = false;
	assert_int_equal(evtchn_ports_allocated(), 0);                     /* no refusal leaves a port */
	assert_int_equal(pirq_bound_count(), 0);

	assert_int_equal(pirq_bind(&d0, 5, 0, 0, &port), 0);
	assert_int_equal(pirq_bind(&d0, 5, 0, 0, &again), -KEEL_EBUSY);
	/* Once claimed, the UART's line is dom0's. */
	double_uart_kept = false;
	assert_int_equal(pirq_bind(&d0, 4, 0, 0, &again), 0);
	assert_int_equal(pirq_bind(&d0, 0, 0, 0, &again), -KEEL_EINVAL);   /* the PIT stays kept */
}

static void test_fire_masks_until_eoi(void **state)
{
	(void)state;
	uint32_t port;
	assert_int_equal(pirq_bind(&d0, 7, 0, 0, &port), 0);
	double_fire(7);
	assert_true(pending(port));
	assert_true(double_lines[7].masked);
	assert_true(d0.shared_info->vcpu_info[0].upcall_pending);
	clear_pending(port);
	double_fire(7);   /* masked: nothing arrives (P2) */
	assert_false(pending(port));
	assert_int_equal(pirq_eoi(&d0, port), 0);
	assert_false(double_lines[7].masked);
	double_fire(7);
	assert_true(pending(port));

	uint32_t ipi;
	assert_int_equal(evtchn_bind_ipi(&d0, 0, &ipi), 0);
	assert_int_equal(pirq_eoi(&d0, ipi), -KEEL_EBADF);   /* not a PIRQ port */
	assert_int_equal(pirq_eoi(&d0, 999), -KEEL_EBADF);
	assert_int_equal(evtchn_send(&d0, port), -KEEL_EBADF);   /* only the line raises it */
}

static void test_close_unbinds(void **state)
{
	(void)state;
	uint32_t port, again;
	assert_int_equal(pirq_bind(&d0, 6, 0, 0, &port), 0);
	assert_int_equal(evtchn_close(&d0, port), 0);
	assert_false(double_lines[6].routed);
	assert_true(double_lines[6].masked);
	assert_int_equal(pirq_bound_count(), 0);
	assert_int_equal(pirq_eoi(&d0, port), -KEEL_EBADF);
	assert_int_equal(pirq_bind(&d0, 6, 0, 0, &again), 0);
	assert_int_equal(pirq_bound_count(), 1);
}

static void test_port_reused_after_close_is_not_raised(void **state)
{
	(void)state;
	uint32_t port, ipi;
	assert_int_equal(pirq_bind(&d0, 9, 0, 0, &port), 0);
	assert_int_equal(evtchn_close(&d0, port), 0);
	assert_int_equal(evtchn_bind_ipi(&d0, 0, &ipi), 0);
	assert_int_equal(ipi, port);   /* the lowest free port again */
	/* A raise that raced with the close names the old binding: the new port must not see it. */
	evtchn_raise_pirq(&d0, port, 9);
	assert_false(pending(ipi));
}

static void test_domain_death_unbinds_all(void **state)
{
	(void)state;
	uint32_t a, b;
	assert_int_equal(pirq_bind(&d0, 3, 0, 0, &a), 0);
	assert_int_equal(pirq_bind(&d0, 20, 0, 0, &b), 0);
	assert_true(double_lines[20].line.level);   /* a GSI's own: level, active low */
	assert_int_equal(pirq_bound_count(), 2);
	evtchn_domain_destroy(&d0);
	assert_int_equal(pirq_bound_count(), 0);
	assert_false(double_lines[3].routed);
	assert_false(double_lines[20].routed);
	double_fire(3);   /* nothing is routed: no handler, no crash */
	/* teardown destroys it again: harmless. */
}

static void test_msi_message_raises_port_without_masking(void **state)
{
	(void)state;
	uint32_t port, data;
	uint64_t address;
	double_boot_apic_id = 3;
	assert_int_equal(pirq_map_msi(&d0, 1, 0, &port, &address, &data), 0);
	assert_int_equal(address, 0xfee03000ull);   /* destination APIC ID in bits 12-19 */
	assert_true(data >= IOAPIC_VECTOR_FIRST && data < IOAPIC_VECTOR_FIRST + IOAPIC_VECTOR_COUNT);
	assert_int_equal(data & ~0xffu, 0);          /* fixed delivery, edge: only the vector */
	struct keel_evtchn_status st = { .port = port };
	assert_int_equal(evtchn_status(&d0, &st), 0);
	assert_int_equal(st.status, KEEL_EVTCHNSTAT_PIRQ);
	assert_true(st.virq >= KEEL_PIRQ_MSI_FIRST && st.virq < KEEL_PIRQ_MSI_FIRST + PIRQ_MAX_BINDINGS);
	assert_int_equal(st.vcpu, 1);

	double_msi_message(data);
	assert_true(pending(port));
	assert_true(d0.shared_info->vcpu_info[1].upcall_pending);
	clear_pending(port);
	double_msi_message(data);   /* edge: no EOI needed before the next message (M2) */
	assert_true(pending(port));
	assert_int_equal(pirq_eoi(&d0, port), 0);   /* accepted, does nothing */
	assert_int_equal(evtchn_send(&d0, port), -KEEL_EBADF);
	assert_int_equal(pirq_bound_count(), 1);
}

static void test_msi_refusals(void **state)
{
	(void)state;
	uint32_t port, data;
	uint64_t address;
	assert_int_equal(pirq_map_msi(&d0, 0, 1, &port, &address, &data), -KEEL_EINVAL);   /* flags */
	assert_int_equal(pirq_map_msi(&d0, 2, 0, &port, &address, &data), -KEEL_EINVAL);   /* no vCPU 2 */
	double_vectors_exhausted = true;
	assert_int_equal(pirq_map_msi(&d0, 0, 0, &port, &address, &data), -KEEL_ENOSPC);
	double_vectors_exhausted = false;
	double_boot_apic_id = 256;   /* x2APIC-only: no xAPIC message can name it */
	assert_int_equal(pirq_map_msi(&d0, 0, 0, &port, &address, &data), -KEEL_ENODEV);
	double_boot_apic_id = 0;
	assert_int_equal(evtchn_ports_allocated(), 0);   /* no refusal leaves a port or a vector */
	assert_int_equal(pirq_bound_count(), 0);
	for (unsigned int n = 0; n < IOAPIC_VECTOR_COUNT; n++)
		assert_false(double_msis[n].routed);
}

static void test_msi_close_frees_vector(void **state)
{
	(void)state;
	uint32_t port, data, again, data_again;
	uint64_t address;
	assert_int_equal(pirq_map_msi(&d0, 0, 0, &port, &address, &data), 0);
	assert_int_equal(evtchn_close(&d0, port), 0);
	assert_false(double_msis[data - IOAPIC_VECTOR_FIRST].routed);
	assert_int_equal(pirq_bound_count(), 0);
	assert_int_equal(pirq_eoi(&d0, port), -KEEL_EBADF);
	double_msi_message(data);   /* a late message hits a free vector: nothing is raised */
	assert_false(pending(port));
	/* The freed vector and binding are reused. */
	assert_int_equal(pirq_map_msi(&d0, 0, 0, &again, &address, &data_again), 0);
	assert_int_equal(data_again, data);
	assert_int_equal(pirq_bound_count(), 1);
}

static void test_msi_and_lines_share_bindings(void **state)
{
	(void)state;
	uint32_t port, data, first_data = 0;
	uint64_t address;
	for (unsigned int n = 0; n < PIRQ_MAX_BINDINGS; n++) {
		assert_int_equal(pirq_map_msi(&d0, 0, 0, &port, &address, &data), 0);
		if (n == 0)
			first_data = data;
	}
	assert_int_equal(pirq_map_msi(&d0, 0, 0, &port, &address, &data), -KEEL_ENOSPC);
	assert_int_equal(pirq_bind(&d0, 5, 0, 0, &port), -KEEL_ENOSPC);
	/* A BIND_IRQ naming an MSI's STATUS number is not a line (P1). */
	assert_int_equal(pirq_bind(&d0, KEEL_PIRQ_MSI_FIRST, 0, 0, &port), -KEEL_EINVAL);
	evtchn_domain_destroy(&d0);   /* dom0's death frees every vector (M3) */
	assert_int_equal(pirq_bound_count(), 0);
	assert_false(double_msis[first_data - IOAPIC_VECTOR_FIRST].routed);
	double_msi_message(first_data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bind_reports_pirq_and_unmasks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explicit_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fire_masks_until_eoi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_unbinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_reused_after_close_is_not_raised, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domain_death_unbinds_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msi_message_raises_port_without_masking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msi_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msi_close_frees_vector, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msi_and_lines_share_bindings, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
