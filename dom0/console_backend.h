/* console_backend.h: dom0's backend for every domain's console: the shared ring, console_io output, history, attach. */
#ifndef DOM0_CONSOLE_BACKEND_H
#define DOM0_CONSOLE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * For each domain it builds, dom0 maps the guest's console page (io/console.h) into its
 * grant window, binds the guest's port, and from then on a "console" thread moves the
 * guest's output into a 16 KiB history, merged with what the guest wrote through the
 * console_io hypercall (sysctl CONSOLE_READ on KEEL_VIRQ_CONSOLE). A guest that breaks
 * the ring protocol (rule C2) loses its ring with one line in dom0's log; its console_io
 * output is still kept.
 */

#define CONSOLE_BACKEND_MAX 64           /* DOMAINS_MAX: one per domain dom0 manages */
#define CONSOLE_DETACH_KEY  0x1d         /* Ctrl-] */

struct console_backend;

/* Binds KEEL_VIRQ_CONSOLE and starts the console thread. Once, before any connect. 0 or -KEEL_E*. */
long console_backend_init(void);

/*
 * Serves domain 'domid' (still BUILDING): maps grant 'ref' and binds 'guest_port' (what
 * builder_build returned). NULL with one line in 'err' if that fails; nothing is left
 * mapped or bound then.
 */
struct console_backend *console_backend_connect(uint32_t domid, uint32_t ref, uint32_t guest_port,
						char *err, size_t err_size);

/* Unmaps the ring, closes the port, forgets the history. The pointer is invalid afterwards. */
void console_backend_disconnect(struct console_backend *cb);

/*
 * The operator's 'console <dom>': prints the history, then live output, and sends what
 * the operator types to the guest, until Ctrl-] or until the console goes away (the
 * domain was destroyed or broke its ring). Runs in the calling (CLI) thread.
 */
void console_backend_attach(struct console_backend *cb);

/* True if the guest broke its ring (output then comes only through console_io). */
bool console_backend_broken(const struct console_backend *cb);

#endif
