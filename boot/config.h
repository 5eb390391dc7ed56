/* config.h: the meaning of keel.cfg (hypervisor, cmdline, dom0, guest, module) on top of lib/cfg. */
#ifndef KEEL_BOOT_CONFIG_H
#define KEEL_BOOT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keel/boot_info.h>

#define CONFIG_PATH          "\\keel\\keel.cfg"
#define CONFIG_DEFAULT_HV    "\\keel\\keel.elf"

/* One 'dom0 =', 'guest =' or 'module =' line: the file and the text after it. */
struct config_module {
	uint32_t kind;                     /* enum boot_module_kind */
	char path[BOOT_NAME_MAX];          /* absolute ESP path with '\' separators */
	char args[BOOT_CMDLINE_MAX];
};

struct boot_config {
	char hypervisor[BOOT_NAME_MAX];
	char cmdline[BOOT_CMDLINE_MAX];
	bool hypervisor_set, cmdline_set, dom0_set;
	unsigned module_count;
	struct config_module modules[BOOT_MODULES_MAX];
};

/*
 * Parses keel.cfg text into *config (defaults first). Returns 0, or -1 with
 * one message such as "line 3: unknown key 'hypervsor'" in error.
 */
int config_parse(const char *text, size_t len, struct boot_config *config,
                 char *error, size_t error_size);

#endif
