/* console.c: formats loader messages with lib/fmt and writes them through ConOut as UCS-2. */
#include "console.h"

#include <stdarg.h>

#include "fmt.h"

#define LINE_MAX_CHARS 400

static SIMPLE_TEXT_OUTPUT_INTERFACE *con_out;

void console_init(EFI_SYSTEM_TABLE *system_table)
{
	con_out = system_table ? system_table->ConOut : NULL;
}

/* ConOut wants UCS-2 and CRLF; messages are ASCII, anything else shows as '?'. */
static void write_line(const char *prefix, const char *fmt, va_list ap)
{
	char text[LINE_MAX_CHARS];
	int n = fmt_snprintf(text, sizeof text, "%s", prefix);
	if (n < 0 || (size_t)n >= sizeof text)
		n = 0;
	fmt_vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);

	CHAR16 wide[LINE_MAX_CHARS + 3];
	size_t w = 0;
	for (const char *p = text; *p && w < LINE_MAX_CHARS; p++) {
		unsigned char c = (unsigned char)*p;
		wide[w++] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	wide[w++] = '\r';
	wide[w++] = '\n';
	wide[w] = 0;
	if (con_out)
		con_out->OutputString(con_out, wide);
}

void boot_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	write_line("keel-boot: ", fmt, ap);
	va_end(ap);
}

void boot_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	write_line("keel-boot: error: ", fmt, ap);
	va_end(ap);
}

const char *efi_status_name(EFI_STATUS status)
{
	switch (status) {
	case EFI_NOT_FOUND:          return "EFI_NOT_FOUND";
	case EFI_OUT_OF_RESOURCES:   return "EFI_OUT_OF_RESOURCES";
	case EFI_DEVICE_ERROR:       return "EFI_DEVICE_ERROR";
	case EFI_VOLUME_CORRUPTED:   return "EFI_VOLUME_CORRUPTED";
	case EFI_ACCESS_DENIED:      return "EFI_ACCESS_DENIED";
	case EFI_UNSUPPORTED:        return "EFI_UNSUPPORTED";
	case EFI_INVALID_PARAMETER:  return "EFI_INVALID_PARAMETER";
	case EFI_BUFFER_TOO_SMALL:   return "EFI_BUFFER_TOO_SMALL";
	case EFI_NO_MEDIA:           return "EFI_NO_MEDIA";
	case EFI_LOAD_ERROR:         return "EFI_LOAD_ERROR";
	default:                     return "EFI status";
	}
}
