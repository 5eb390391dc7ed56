/* esp_file.c: whole-file reads and directory listings through the Simple File System protocol of the loader's own device. */
#include "esp_file.h"

#include <stdbool.h>

#include "console.h"
#include "string.h"

#define EFI_PAGE_BYTES 4096ull
/* FAT's longest path is 260 UCS-2 characters; config paths are far shorter. */
#define PATH16_MAX 261

static EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static EFI_GUID file_system_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static EFI_GUID file_info_guid = EFI_FILE_INFO_ID;

EFI_STATUS esp_open_root(EFI_HANDLE image, EFI_BOOT_SERVICES *bs, EFI_FILE_HANDLE *root)
{
	EFI_LOADED_IMAGE *loaded = NULL;
	EFI_STATUS status = bs->HandleProtocol(image, &loaded_image_guid, (void **)&loaded);
	if (EFI_ERROR(status) || !loaded) {
		boot_error("cannot find the loader's own image (%s 0x%llx)", efi_status_name(status),
		           (unsigned long long)status);
		return EFI_ERROR(status) ? status : EFI_LOAD_ERROR;
	}
	EFI_FILE_IO_INTERFACE *fs = NULL;
	status = bs->HandleProtocol(loaded->DeviceHandle, &file_system_guid, (void **)&fs);
	if (EFI_ERROR(status) || !fs) {
		boot_error("the boot device has no file system (%s 0x%llx)", efi_status_name(status),
		           (unsigned long long)status);
		return EFI_ERROR(status) ? status : EFI_UNSUPPORTED;
	}
	status = fs->OpenVolume(fs, root);
	if (EFI_ERROR(status)) {
		boot_error("cannot open the boot volume (%s 0x%llx)", efi_status_name(status),
		           (unsigned long long)status);
		return status;
	}
	return EFI_SUCCESS;
}

/* what ("file", "directory") only words the error. */
static EFI_STATUS open_path(EFI_FILE_HANDLE root, const char *path, const char *what,
                            EFI_FILE_HANDLE *file)
{
	CHAR16 path16[PATH16_MAX];
	size_t len = strlen(path);
	if (len >= PATH16_MAX) {
		boot_error("%s: path too long", path);
		return EFI_INVALID_PARAMETER;
	}
	for (size_t i = 0; i <= len; i++)
		path16[i] = (unsigned char)path[i];

	EFI_STATUS status = root->Open(root, file, path16, EFI_FILE_MODE_READ, 0);
	if (status == EFI_NOT_FOUND)
		boot_error("%s: %s not found", path, what);
	else if (EFI_ERROR(status))
		boot_error("%s: cannot open (%s 0x%llx)", path, efi_status_name(status),
		           (unsigned long long)status);
	return status;
}

/* EFI_FILE_INFO ends in the file name: leave room for a long one. */
union file_info_buffer {
	EFI_FILE_INFO info;
	uint8_t bytes[sizeof(EFI_FILE_INFO) + PATH16_MAX * sizeof(CHAR16)];
};

static EFI_STATUS file_size(EFI_FILE_HANDLE file, const char *path, uint64_t *size)
{
	union file_info_buffer buffer;
	UINTN buffer_size = sizeof buffer;
	EFI_STATUS status = file->GetInfo(file, &file_info_guid, &buffer_size, &buffer);
	if (EFI_ERROR(status)) {
		boot_error("%s: cannot query size (%s 0x%llx)", path, efi_status_name(status),
		           (unsigned long long)status);
		return status;
	}
	if (buffer.info.Attribute & EFI_FILE_DIRECTORY) {
		boot_error("%s: is a directory", path);
		return EFI_INVALID_PARAMETER;
	}
	*size = buffer.info.FileSize;
	return EFI_SUCCESS;
}

static EFI_STATUS allocate(EFI_BOOT_SERVICES *bs, enum esp_placement placement, uint64_t size,
                           void **data)
{
	if (placement == ESP_INTO_POOL)
		return bs->AllocatePool(EfiLoaderData, size, data);
	EFI_PHYSICAL_ADDRESS address = 0;
	EFI_STATUS status = bs->AllocatePages(AllocateAnyPages, EfiLoaderData,
	                                      (size + EFI_PAGE_BYTES - 1) / EFI_PAGE_BYTES, &address);
	*data = EFI_ERROR(status) ? NULL : (void *)(uintptr_t)address;
	return status;
}

void esp_free_file(EFI_BOOT_SERVICES *bs, enum esp_placement placement, void *data, uint64_t size)
{
	if (!data)
		return;
	if (placement == ESP_INTO_POOL)
		bs->FreePool(data);
	else
		bs->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)data,
		              (size + EFI_PAGE_BYTES - 1) / EFI_PAGE_BYTES);
}

/* Read may legally return fewer bytes than asked, so loop until done or no progress. */
static EFI_STATUS read_all(EFI_FILE_HANDLE file, const char *path, uint8_t *data, uint64_t size)
{
	uint64_t done = 0;
	while (done < size) {
		UINTN chunk = size - done;
		EFI_STATUS status = file->Read(file, &chunk, data + done);
		if (EFI_ERROR(status)) {
			boot_error("%s: read failed (%s 0x%llx)", path, efi_status_name(status),
			           (unsigned long long)status);
			return status;
		}
		if (chunk == 0) {
			boot_error("%s: file ended after %llu of %llu bytes", path,
			           (unsigned long long)done, (unsigned long long)size);
			return EFI_VOLUME_CORRUPTED;
		}
		done += chunk;
	}
	return EFI_SUCCESS;
}

EFI_STATUS esp_read_file(EFI_BOOT_SERVICES *bs, EFI_FILE_HANDLE root, const char *path,
                         enum esp_placement placement, uint64_t max_size,
                         void **data, uint64_t *size)
{
	*data = NULL;
	*size = 0;

	EFI_FILE_HANDLE file = NULL;
	EFI_STATUS status = open_path(root, path, "file", &file);
	if (EFI_ERROR(status))
		return status;

	uint64_t bytes = 0;
	status = file_size(file, path, &bytes);
	if (!EFI_ERROR(status) && bytes == 0) {
		boot_error("%s: file is empty", path);
		status = EFI_LOAD_ERROR;
	}
	if (!EFI_ERROR(status) && bytes > max_size) {
		boot_error("%s: file too large (%llu bytes, max %llu)", path,
		           (unsigned long long)bytes, (unsigned long long)max_size);
		status = EFI_BAD_BUFFER_SIZE;
	}
	void *buffer = NULL;
	if (!EFI_ERROR(status)) {
		status = allocate(bs, placement, bytes, &buffer);
		if (EFI_ERROR(status)) {
			boot_error("out of memory loading %s (%llu bytes)", path, (unsigned long long)bytes);
			buffer = NULL;
		}
	}
	if (!EFI_ERROR(status)) {
		status = read_all(file, path, buffer, bytes);
		if (EFI_ERROR(status)) {
			esp_free_file(bs, placement, buffer, bytes);
			buffer = NULL;
		}
	}
	file->Close(file);

	if (!EFI_ERROR(status)) {
		*data = buffer;
		*size = bytes;
	}
	return status;
}

/* UCS-2 to ASCII for names the loader passes on; what ASCII lacks becomes '?', which paths refuse. */
static void name_to_ascii(const CHAR16 *name, char *out, size_t out_size)
{
	size_t i = 0;
	for (; name[i] && i + 1 < out_size; i++)
		out[i] = (name[i] >= 0x20 && name[i] < 0x7f) ? (char)name[i] : '?';
	out[i] = '\0';
}

static bool is_dot_entry(const CHAR16 *name)
{
	return name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0));
}

EFI_STATUS esp_list_dir(EFI_FILE_HANDLE root, const char *path, struct dir_file *files,
                        unsigned max_files, unsigned *stored, unsigned *found)
{
	*stored = 0;
	*found = 0;
	EFI_FILE_HANDLE dir = NULL;
	EFI_STATUS status = open_path(root, path, "directory", &dir);
	if (EFI_ERROR(status))
		return status;

	union file_info_buffer buffer;
	UINTN size = sizeof buffer;
	status = dir->GetInfo(dir, &file_info_guid, &size, &buffer);
	if (EFI_ERROR(status)) {
		boot_error("%s: cannot query (%s 0x%llx)", path, efi_status_name(status),
		           (unsigned long long)status);
	} else if (!(buffer.info.Attribute & EFI_FILE_DIRECTORY)) {
		boot_error("%s: not a directory", path);
		status = EFI_INVALID_PARAMETER;
	}
	/* Reading a directory yields one EFI_FILE_INFO per call and 0 bytes at the end. */
	while (!EFI_ERROR(status)) {
		size = sizeof buffer;
		status = dir->Read(dir, &size, &buffer);
		if (EFI_ERROR(status)) {
			boot_error("%s: cannot list (%s 0x%llx)", path, efi_status_name(status),
			           (unsigned long long)status);
			break;
		}
		if (size == 0)
			break;
		if ((buffer.info.Attribute & EFI_FILE_DIRECTORY) || is_dot_entry(buffer.info.FileName))
			continue;
		(*found)++;
		if (*stored < max_files) {
			struct dir_file *f = &files[(*stored)++];
			name_to_ascii(buffer.info.FileName, f->name, sizeof f->name);
			f->size = buffer.info.FileSize;
		}
	}
	dir->Close(dir);
	return status;
}
