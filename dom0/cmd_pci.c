/* cmd_pci.c: the CLI's PCI command: lspci [-v], the functions pci_scan found at dom0's start. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pci.h"
#include "pci_config.h"

#define KIB (1ull << 10)

/* "BB:DD.F", with "SSSS:" in front outside segment 0, as lspci writes it. */
static void print_address(const struct pci_device *d)
{
	if (d->segment)
		printf("%04x:", d->segment);
	printf("%02x:%02x.%x", d->bus, d->dev, d->fn);
}

/* 16, 4K, 16M, 8G: the largest unit that divides the size. */
static void print_size(uint64_t size)
{
	static const char units[] = "KMGT";
	unsigned int unit = 0;
	while (unit < 4 && size >= KIB && !(size & (KIB - 1))) {
		size /= KIB;
		unit++;
	}
	if (unit)
		printf("%llu%c", (unsigned long long)size, units[unit - 1]);
	else
		printf("%llu", (unsigned long long)size);
}

static void print_bars(const struct pci_device *d)
{
	for (unsigned int i = 0; i < 6; i++) {
		if (!d->bar_size[i])
			continue;
		uint8_t f = d->bar_flags[i];
		if (f & PCI_BAR_IO)
			printf("\tBAR%u: I/O ports at %#llx [size=", i, (unsigned long long)d->bar[i]);
		else
			printf("\tBAR%u: Memory at %#llx (%s, %s) [size=", i, (unsigned long long)d->bar[i],
			       (f & PCI_BAR_64BIT) ? "64-bit" : "32-bit",
			       (f & PCI_BAR_PREFETCH) ? "prefetchable" : "non-prefetchable");
		print_size(d->bar_size[i]);
		printf("]\n");
	}
}

static uint8_t config_read8(const void *ctx, uint16_t offset)
{
	return pci_cfg_read8(ctx, offset);
}

static void print_capabilities(const struct pci_device *d)
{
	uint8_t offsets[PCI_CAP_MAX];
	unsigned int n = pci_cap_list(config_read8, d, pci_cfg_read16(d, PCI_STATUS), offsets);
	for (unsigned int i = 0; i < n; i++) {
		uint8_t id = pci_cfg_read8(d, offsets[i]);
		const char *name = pci_cap_name(id);
		if (name)
			printf("\tCapabilities: [%02x] %s\n", offsets[i], name);
		else
			printf("\tCapabilities: [%02x] id %#04x\n", offsets[i], id);
	}
}

static void print_device(const struct pci_device *d, bool verbose)
{
	const char *name = pci_class_name(d->class_code, d->subclass);
	print_address(d);
	printf(" %02x%02x %04x:%04x ", d->class_code, d->subclass, d->vendor, d->device);
	if (name)
		printf("%s", name);
	else
		printf("Class %02x%02x", d->class_code, d->subclass);
	if (d->revision)
		printf(" (rev %02x)", d->revision);
	printf("\n");
	if (!verbose)
		return;
	if (d->irq_pin && d->irq_pin <= 4)
		printf("\tInterrupt: pin %c routed to IRQ %u\n", 'A' + d->irq_pin - 1, d->irq_line);
	print_bars(d);
	print_capabilities(d);
}

static int cmd_lspci(int argc, char **argv)
{
	bool verbose = false;
	if (argc == 2 && !strcmp(argv[1], "-v"))
		verbose = true;
	else if (argc != 1)
		return cli_usage_error(argv[0]);
	if (verbose)
		printf("PCI configuration access: %s\n", pci_access_method());
	for (size_t i = 0; i < pci_count(); i++)
		print_device(pci_device_at(i), verbose);
	return 0;
}

const struct cli_command cmd_pci_commands[] = {
	{ "lspci", "lspci [-v]", "the PCI functions found at dom0's start",
	  "  Columns: BB:DD.F class vendor:device description. -v adds the interrupt pin, every BAR\n"
	  "  (address, 32/64-bit, prefetchable, size) and the capability list.",
	  cmd_lspci },
	{ 0 },
};
