/* domcfg.h: a domain's configuration (the xl.cfg-like NAME.cfg files), parsed and validated without side effects. */
#ifndef DOM0_DOMCFG_H
#define DOM0_DOMCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Syntax (lib/cfg.h): one 'key = value' per line, '#' comments, "quoted values".
 *   name     = web                   required; [A-Za-z0-9_.-], at most 31 characters
 *   kernel   = hello                 required; an image name (\keel\guests\hello.elf) or
 *                                    an ESP path such as \keel\guests\hello.elf
 *   memory   = 16                    MiB; or with a K, M or G suffix (16M, 512K, 1G)
 *   vcpus    = 1                     1..16
 *   cmdline  = "greeting text"       the guest's command line
 *   on_crash    = destroy|restart|preserve   when the guest crashes    (default destroy)
 *   on_poweroff = destroy|restart|preserve   when it powers itself off (default destroy)
 *   on_reboot   = destroy|restart|preserve   when it asks to reboot    (default restart)
 *   disk     = part:LABEL[,rw|,ro]   a block device for the guest: a GPT partition of a disk
 *   disk     = null:SIZE[,rw|,ro]    or a null disk (reads give zeros, writes are dropped)
 *                                    of SIZE bytes (K/M/G suffix), to measure the ring alone
 * A key may appear once per file. Overrides ("key=value" words on the CLI) replace what
 * the file said and go through the same checks.
 */

#define DOMCFG_NAME_MAX     32    /* KEEL_DOMAIN_NAME_MAX, NUL included */
#define DOMCFG_KERNEL_MAX   64    /* KEEL_MODULE_NAME_MAX, NUL included */
#define DOMCFG_CMDLINE_MAX  256
#define DOMCFG_DISK_MAX     64
#define DOMCFG_MEMORY_DEFAULT (16ull << 20)
#define DOMCFG_MEMORY_MIN     (1ull << 20)
#define DOMCFG_MEMORY_MAX     (1ull << 30)   /* the builder's foreign window */
#define DOMCFG_VCPUS_MAX      16             /* KEEL_MAX_VCPUS */

enum domcfg_action {
	DOMCFG_DESTROY,    /* reap the domain */
	DOMCFG_RESTART,    /* build it again from this config */
	DOMCFG_PRESERVE,   /* leave it listed, ended, for inspection */
};

struct domcfg {
	char name[DOMCFG_NAME_MAX];
	char kernel[DOMCFG_KERNEL_MAX];
	uint64_t memory_bytes;
	uint32_t vcpus;
	char cmdline[DOMCFG_CMDLINE_MAX];
	enum domcfg_action on_crash;
	enum domcfg_action on_poweroff;
	enum domcfg_action on_reboot;
	bool has_disk;
	bool disk_readonly;
	char disk_label[DOMCFG_DISK_MAX];   /* part:LABEL's LABEL, or the whole "null:SIZE" */
	uint32_t keys_seen;                 /* bit per key: duplicate detection while parsing */
};

/* The defaults: no name or kernel, 16 MiB, 1 vCPU, destroy on crash and poweroff, restart on reboot. */
void domcfg_init(struct domcfg *cfg);

/*
 * Parses a config file's text on top of what 'cfg' holds (call domcfg_init first). On
 * failure returns -1 and writes one line such as "line 3: unknown key 'memroy'" to err.
 * Does not check that name and kernel are present: domcfg_check does.
 */
int domcfg_parse(struct domcfg *cfg, const char *text, size_t len, char *err, size_t err_size);

/* Applies one "key=value" override. -1 with e.g. "override 'vcpus=0': ..." in err. */
int domcfg_override(struct domcfg *cfg, const char *word, char *err, size_t err_size);

/* Sets one key from its text value (the file and override paths both end here). -1 with a reason. */
int domcfg_set(struct domcfg *cfg, const char *key, const char *value, char *why, size_t why_size);

/* The final check before building: name and kernel present. -1 with a reason. */
int domcfg_check(const struct domcfg *cfg, char *err, size_t err_size);

/* "destroy", "restart", "preserve". */
const char *domcfg_action_name(enum domcfg_action action);

#define DOMCFG_NULL_PREFIX "null:"
#define DOMCFG_NULL_MIN    4096ull
#define DOMCFG_NULL_MAX    (1ull << 40)

/*
 * A disk label of the form "null:SIZE" (SIZE in bytes, K/M/G suffix, 4K..1T, whole 4 KiB
 * pages): true with its size in 512-byte sectors. False for anything else, partition
 * labels included.
 */
bool domcfg_null_disk_sectors(const char *label, uint64_t *sectors);

/* True for a valid domain name: 1..31 characters of [A-Za-z0-9_.-]. */
bool domcfg_name_valid(const char *name);

#endif
