/* platform_irq_double.c: the IOAPIC and console doubles of platform_irq_double.h. */
#include "platform_irq_double.h"

#include <string.h>

#include "console.h"

struct double_line double_lines[DOUBLE_GSIS];
bool double_vectors_exhausted;
bool double_uart_kept;

void double_platform_reset(void)
{
	memset(double_lines, 0, sizeof(double_lines));
	for (unsigned int g = 0; g < DOUBLE_GSIS; g++)
		double_lines[g].masked = true;
	double_vectors_exhausted = false;
	double_uart_kept = true;
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

void ioapic_unroute(uint32_t gsi)
{
	double_lines[gsi].routed = false;
	double_lines[gsi].masked = true;
}

void ioapic_unmask(uint32_t gsi)
{
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
