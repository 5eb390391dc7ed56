/* dir_modules.h: the files of a 'module_dir' directory become modules, sorted, deduplicated and bounded. */
#ifndef KEEL_BOOT_DIR_MODULES_H
#define KEEL_BOOT_DIR_MODULES_H

#include <stdint.h>

#include "config.h"

/* FAT's longest file name (255 characters) with its NUL. */
#define DIR_FILE_NAME_MAX      256
/* All 'module_dir' files together: dom0 receives every one of them in its RAM. */
#define DIR_MODULES_TOTAL_MAX  (512ull << 20)

/* One regular file of a directory, as the ESP listed it. */
struct dir_file {
	char name[DIR_FILE_NAME_MAX];  /* ASCII, no directory part; '?' for what ASCII lacks */
	uint64_t size;
};

/*
 * Appends files[0 .. count) of the ESP directory dir to config as
 * BOOT_MODULE_OTHER modules named 'dir\NAME', in name order ignoring case,
 * skipping paths config already lists. found is how many regular files the
 * directory holds (more than count when the listing ran out of room: then
 * there are surely too many). *total_bytes sums the files appended over every
 * call and may not pass DIR_MODULES_TOTAL_MAX. Sorts files in place. Returns
 * how many modules were appended; on error appends none and returns -1 with a
 * reason in why (that names the directory or the file).
 */
int dir_modules_add(struct boot_config *config, const char *dir, struct dir_file *files,
                    unsigned count, unsigned found, uint64_t *total_bytes,
                    char *why, size_t why_size);

#endif
