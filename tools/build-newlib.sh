#!/bin/sh
# build-newlib.sh: builds newlib (libc.a, libm.a, headers) for dom0 from Debian's newlib-source, cached by a stamp.
#
# Usage: tools/build-newlib.sh OUTDIR
# Result: OUTDIR/sysroot/include, OUTDIR/sysroot/lib/{libc.a,libm.a}, OUTDIR/stamp.
# Silent when it succeeds; on failure it prints the end of the failing step's log
# (every log stays in OUTDIR/logs). The stamp holds a hash of everything the result
# depends on (the tarball, this script, the flags, the compiler), so a second run with
# nothing changed returns at once and any change rebuilds from scratch.
set -eu

OUTDIR=${1:?usage: tools/build-newlib.sh OUTDIR}
TARGET=x86_64-elf

# Flags for every newlib object. -fPIE makes the code position-independent, so the same
# archive links into dom0 at 1 MiB or into an image anywhere else (a static link relaxes
# the GOT loads away). SSE stays on: the x86-64 ABI passes doubles in xmm registers, and
# dom0's runtime enables SSE before any C runs.
TARGET_CFLAGS="-O2 -ffreestanding -fno-stack-protector -mno-red-zone -fPIE -ffunction-sections -fdata-sections"
# Full stdio (not nano, which ignores the C99 and long-long format options); the system
# calls are dom0's (dom0/libc_glue.c), and so are the locks (retargetable).
CONFIGURE_FLAGS="--disable-multilib --disable-newlib-supplied-syscalls --enable-newlib-io-long-long
 --enable-newlib-io-c99-formats --enable-newlib-retargetable-locking --disable-nls"

tarball=$(ls /usr/src/newlib/newlib-*.tar.* 2>/dev/null | head -n 1 || true)
if [ -z "$tarball" ]; then
	echo "build-newlib: no /usr/src/newlib/newlib-*.tar.*: install newlib-source (make deps)" >&2
	exit 1
fi

case "$OUTDIR" in
"" | / | /usr | /usr/* | "$HOME") echo "build-newlib: refusing OUTDIR=$OUTDIR (it is wiped)" >&2; exit 1 ;;
esac
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

# Two builds sharing OUTDIR (e.g. NEWLIB_DIR pointed at one cache) take turns.
exec 9>"$OUTDIR.lock"
flock 9

hash=$({
	sha256sum "$tarball" "$0" | cut -d' ' -f1
	printf '%s\n' "$TARGET_CFLAGS" "$CONFIGURE_FLAGS" "$(gcc --version | head -n 1)" "$(ld --version | head -n 1)"
} | sha256sum | cut -c1-32)
if [ -f "$OUTDIR/stamp" ] && [ "$(cat "$OUTDIR/stamp")" = "$hash" ]; then
	exit 0
fi

echo "  NEWLIB  $(basename "$tarball") -> $OUTDIR (takes a minute or two)"
# A stale or half-finished result goes first, so a failure never leaves a usable-looking one.
rm -rf "$OUTDIR/stamp" "$OUTDIR/sysroot" "$OUTDIR/work" "$OUTDIR/logs"
mkdir -p "$OUTDIR/work/bin" "$OUTDIR/work/src" "$OUTDIR/work/obj" "$OUTDIR/logs"
work=$OUTDIR/work

# The calling make's flags and jobserver must not leak into newlib's own makefiles.
unset MAKEFLAGS MFLAGS MAKELEVEL CFLAGS CPPFLAGS LDFLAGS CC 2>/dev/null || true

# newlib's configure looks for x86_64-elf-gcc, -ar, ... : name the host tools that way.
# The compiler must not see glibc's headers or Linux's predefined macros; gcc's own
# freestanding headers (stddef.h, stdarg.h, ...) come after newlib's.
gcc_include=$(gcc -print-file-name=include)
cat >"$work/bin/$TARGET-gcc" <<EOF
#!/bin/sh
exec gcc -nostdinc -idirafter $gcc_include -U__linux__ -U__linux -Ulinux -U__gnu_linux__ "\$@"
EOF
chmod +x "$work/bin/$TARGET-gcc"
ln -s "$TARGET-gcc" "$work/bin/$TARGET-cc"
for tool in ar as ld nm ranlib objcopy objdump readelf strip; do
	ln -s "$(command -v "$tool")" "$work/bin/$TARGET-$tool"
done
PATH=$work/bin:$PATH
export PATH

# step NAME COMMAND...: runs COMMAND with its output in logs/NAME.log; on failure shows its end.
step() {
	name=$1
	shift
	if ! "$@" >"$OUTDIR/logs/$name.log" 2>&1; then
		echo "build-newlib: $name failed; the end of $OUTDIR/logs/$name.log:" >&2
		tail -n 40 "$OUTDIR/logs/$name.log" >&2
		exit 1
	fi
}

step unpack tar -C "$work/src" -xf "$tarball"
src=$(ls -d "$work"/src/*/ | head -n 1)
cd "$work/obj"
# shellcheck disable=SC2086 # CONFIGURE_FLAGS is a list of words
step configure "$src/configure" --target=$TARGET --prefix="$work/install" $CONFIGURE_FLAGS \
	CFLAGS_FOR_TARGET="$TARGET_CFLAGS"
step make make -j"$(nproc)" all-target-newlib
step install make install-target-newlib

# Keep only what dom0 needs: the headers and the two archives (libg.a is a copy of libc.a).
mkdir -p "$OUTDIR/sysroot/lib"
cp -R "$work/install/$TARGET/include" "$OUTDIR/sysroot/include"
cp "$work/install/$TARGET/lib/libc.a" "$work/install/$TARGET/lib/libm.a" "$OUTDIR/sysroot/lib/"
cd "$OUTDIR"
rm -rf "$work"
echo "$hash" >"$OUTDIR/stamp"
