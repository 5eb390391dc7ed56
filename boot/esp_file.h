/* esp_file.h: reading whole files and listing directories on the EFI system partition the loader came from. */
#ifndef KEEL_BOOT_ESP_FILE_H
#define KEEL_BOOT_ESP_FILE_H

#include <efi.h>
#include <stdint.h>

#include "dir_modules.h"

/* Where a file's bytes go: pool memory (freed later) or whole EfiLoaderData pages (kept). */
enum esp_placement {
	ESP_INTO_POOL,
	ESP_INTO_PAGES,
};

/* Opens the root directory of the volume holding the loaded image. Prints its own error. */
EFI_STATUS esp_open_root(EFI_HANDLE image, EFI_BOOT_SERVICES *bs, EFI_FILE_HANDLE *root);

/*
 * Reads the file at the ASCII path (e.g. "\keel\keel.elf") into new memory.
 * Refuses empty files and files over max_size. On failure prints one line
 * ("<path>: file not found", "out of memory loading <path> (N bytes)", ...)
 * and returns the error; *data is then NULL.
 */
EFI_STATUS esp_read_file(EFI_BOOT_SERVICES *bs, EFI_FILE_HANDLE root, const char *path,
                         enum esp_placement placement, uint64_t max_size,
                         void **data, uint64_t *size);

/* Gives back memory esp_read_file returned. */
void esp_free_file(EFI_BOOT_SERVICES *bs, enum esp_placement placement, void *data, uint64_t size);

/*
 * Lists the regular files (not subdirectories) of the directory at path:
 * their names and sizes go to files[0 .. *stored), at most max_files of them;
 * *found counts them all. Prints its own error ("<path>: directory not found",
 * "<path>: not a directory", ...) and returns it.
 */
EFI_STATUS esp_list_dir(EFI_FILE_HANDLE root, const char *path, struct dir_file *files,
                        unsigned max_files, unsigned *stored, unsigned *found);

#endif
