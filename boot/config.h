/* config.h: the meaning of keel.cfg (hypervisor, cmdline, dom0, guest, module) on top of lib/cfg. */
#ifndef KEEL_BOOT_CONFIG_H
#define KEEL_BOOT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keel/boot_info.h>

#define CONFIG_PATH          "\\keel\\keel.cfg"
#define CONFIG_DEFAULT_HV    "\\keel\\keel.elf"

/* 'module_dir =' lines a keel.cfg may hold. */
#define CONFIG_MODULE_DIRS_MAX     8
/* 'autostart =' names: dom0 starts at most this many domains, named as domctl allows
 * (KEEL_DOMAIN_NAME_MAX, 32 bytes with the NUL). */
#define CONFIG_AUTOSTART_MAX       16
#define CONFIG_AUTOSTART_NAME_MAX  31

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
	/* 'module_dir =' directories, absolute ESP paths without a trailing '\'. */
	unsigned module_dir_count;
	char module_dirs[CONFIG_MODULE_DIRS_MAX][BOOT_NAME_MAX];
	/* How many names 'autostart =' lists (0 without the line); only dom0 reads them. */
	unsigned autostart_count;
};

/*
 * Parses keel.cfg text into *config (defaults first). Returns 0, or -1 with
 * one message such as "line 3: unknown key 'hypervsor'" in error.
 */
int config_parse(const char *text, size_t len, struct boot_config *config,
                 char *error, size_t error_size);

/*
 * Appends one module without arguments, as the files of a 'module_dir' are.
 * The path is checked like a keel.cfg path. Returns 0, or -1 with a reason.
 */
int config_append_module(struct boot_config *config, uint32_t kind, const char *path,
                         char *why, size_t why_size);

/* ESP paths name the same FAT file when they match ignoring ASCII case. */
bool config_same_path(const char *a, const char *b);

/* Whether path is already one of config's modules (any kind). */
bool config_has_module(const struct boot_config *config, const char *path);

/*
 * With a 'dom0 =' line, appends keel.cfg itself (CONFIG_PATH) as a module for
 * dom0, which reads its 'autostart' list there; does nothing without dom0 or
 * when a line already names the file. Returns 0, or -1 with a reason in error.
 */
int config_add_self_for_dom0(struct boot_config *config, char *error, size_t error_size);

#endif
