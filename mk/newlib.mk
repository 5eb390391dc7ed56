# newlib.mk: newlib (libc.a, libm.a, headers) for dom0, built from Debian's newlib-source by tools/build-newlib.sh.
#
# It lives in $(BUILD)/newlib by default, so every build directory is self-contained and
# `make clean` removes it too; the first build in a directory takes one to two and a half
# minutes. NEWLIB_DIR=... shares one copy between build directories (the script takes a
# lock, so concurrent builds wait for each other instead of racing).

NEWLIB_DIR     ?= $(BUILD)/newlib
NEWLIB_STAMP   := $(NEWLIB_DIR)/stamp
NEWLIB_INCLUDE := $(NEWLIB_DIR)/sysroot/include
NEWLIB_LIBDIR  := $(NEWLIB_DIR)/sysroot/lib

# The script decides whether anything changed (its stamp hashes the tarball, itself, the
# flags and the compiler), so it runs every time; it leaves the stamp's time alone when
# nothing changed, and then nothing that depends on the stamp is rebuilt.
$(NEWLIB_STAMP): FORCE
	@tools/build-newlib.sh $(NEWLIB_DIR)

.PHONY: newlib FORCE
newlib: $(NEWLIB_STAMP)
FORCE:
