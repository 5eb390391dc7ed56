# debug.mk: `make debug` starts QEMU paused with a gdb stub on :1234; tools/keel.gdb attaches gdb with symbols.

.PHONY: debug
# TCG only: gdb's breakpoints and single steps behave the same on every host.
debug: deps
	@$(MAKE) --no-print-directory all esp
	@echo "debug: QEMU waits for gdb on localhost:1234. In another terminal run:"
	@echo "  gdb -x tools/keel.gdb"
	@ACCEL=tcg tools/run-qemu.sh -s -S $(RUN_ARGS)
