/* after_exit.c: the one failure path left after ExitBootServices: raw COM1 output, then power off. */
#include "after_exit.h"

#include "cpu.h"

#define COM1_DATA       0x3f8
#define COM1_LINE_STATUS 0x3fd
#define LSR_THR_EMPTY   0x20
/* A missing UART reads 0xff; never wait forever for one. */
#define SPIN_LIMIT      100000

static void com1_put(char c)
{
	for (int spin = 0; spin < SPIN_LIMIT; spin++)
		if (inb(COM1_LINE_STATUS) & LSR_THR_EMPTY)
			break;
	outb(COM1_DATA, (uint8_t)c);
}

static void com1_write(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			com1_put('\r');
		com1_put(*s);
	}
}

void after_exit_fail(EFI_RUNTIME_SERVICES *rt, const char *message)
{
	com1_write("keel-boot: error: ");
	com1_write(message);
	com1_write("\n");
	if (rt)
		rt->ResetSystem(EfiResetShutdown, EFI_LOAD_ERROR, 0, NULL);
	/* ResetSystem should not return; if it does, an empty IDT turns int3 into a triple fault (a reset). */
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } empty_idt = { 0, 0 };
	__asm__ volatile("cli; lidt %0; int3" :: "m"(empty_idt));
	for (;;)
		__asm__ volatile("hlt");
}
