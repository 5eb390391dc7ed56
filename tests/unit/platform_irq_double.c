/* platform_irq_double.c: the IOAPIC, console, guest-CPU and log doubles of platform_irq_double.h. */
#include "platform_irq_double.h"

#include <string.h>

#include "arch.h"
#include "console.h"
#include "log.h"

struct double_line double_lines[DOUBLE_GSIS];
bool double_vectors_exhausted;
bool double_uart_kept;
struct double_msi double_msis[IOAPIC_VECTOR_COUNT];
uint32_t double_boot_apic_id;

void double_platform_reset(void)
{
	memset(double_lines, 0, sizeof(double_lines));
	for (unsigned int g = 0; g < DOUBLE_GSIS; g++)
		double_lines[g].masked = true;
	double_vectors_exhausted = false;
	double_uart_kept = true;
	memset(double_msis, 0, sizeof(double_msis));
	double_boot_apic_id = 0;
}

void double_fire(uint32_t gsi)
{
	struct double_line *l = &double_lines[gsi];
	if (!l->routed || l->masked)
		return;   /* a masked line does not interrupt */
	l->masked = true;
	l->fired(gsi);
}

int ioapic_resolve(uint32_t irq, struct irq_line *line)
{
	*line = (struct irq_line){ .gsi = irq == 0 ? 2 : irq, .level = irq >= 16, .active_low = irq >= 16 };
	return line->gsi < DOUBLE_GSIS ? 0 : -1;
}

int ioapic_route(const struct irq_line *line, irq_line_fired_fn fired)
{
	if (double_vectors_exhausted || line->gsi >= DOUBLE_GSIS)
		return -1;
	double_lines[line->gsi] = (struct double_line){ .routed = true, .masked = true, .line = *line, .fired = fired };
	return 0;
}

int ioapic_route_msi(uint32_t key, irq_line_fired_fn fired, uint64_t *address, uint32_t *data)
{
	if (double_boot_apic_id > 0xff)
		return -2;
	for (unsigned int n = 0; n < IOAPIC_VECTOR_COUNT && !double_vectors_exhausted; n++) {
		if (double_msis[n].routed)
			continue;
		double_msis[n] = (struct double_msi){ .routed = true, .key = key, .fired = fired };
		*address = 0xfee00000ull | ((uint64_t)double_boot_apic_id << 12);
		*data = IOAPIC_VECTOR_FIRST + n;
		return 0;
	}
	return -1;
}

void double_msi_message(uint32_t data)
{
	if (data < IOAPIC_VECTOR_FIRST || data >= IOAPIC_VECTOR_FIRST + IOAPIC_VECTOR_COUNT)
		return;
	struct double_msi *m = &double_msis[data - IOAPIC_VECTOR_FIRST];
	if (m->routed)
		m->fired(m->key);
}

/* An MSI key frees its vector; a GSI unroutes its line. */
void ioapic_unroute(uint32_t gsi)
{
	if (gsi >= IOAPIC_MSI_KEY_FIRST) {
		for (unsigned int n = 0; n < IOAPIC_VECTOR_COUNT; n++)
			if (double_msis[n].routed && double_msis[n].key == gsi)
				double_msis[n] = (struct double_msi){ .routed = false };
		return;
	}
	double_lines[gsi].routed = false;
	double_lines[gsi].masked = true;
}

void ioapic_unmask(uint32_t gsi)
{
	if (gsi >= DOUBLE_GSIS)
		return;   /* an MSI key: nothing to unmask (ioapic.h) */
	if (double_lines[gsi].routed)
		double_lines[gsi].masked = false;
}

bool console_uart_kept(uint16_t *base, uint16_t *irq)
{
	if (!double_uart_kept)
		return false;
	*base = 0x3f8;
	*irq = 4;
	return true;
}

/* The scheduler (linked beside evtchn and pirq) asks which CPUs run guests, and logs why. */
uint64_t arch_guest_cpus(void) { return 1; }
const char *arch_guest_cpus_reason(void) { return NULL; }
void log_printf(enum log_level level, const char *fmt, ...) { (void)level, (void)fmt; }
