#!/bin/sh
# deps.sh: installs the Debian packages Keel needs to build, run and test; silent when all are present.
set -eu

# Toolchain, UEFI loader, emulators (QEMU for SVM, Bochs for VMX), disk images, unit tests,
# dom0's libc (newlib's source, an .xz tarball), the rings `make bench` compares Keel's
# with (Concurrency Kit's ck_ring, Xen's public io/ring.h), and clang with libFuzzer's
# runtime (libclang-rt-14-dev) for `make fuzz`.
PACKAGES="gcc libc6-dev binutils make gnu-efi qemu-system-x86 ovmf mtools dosfstools gdisk libcmocka-dev python3
bochs bochs-term bochsbios vgabios newlib-source xz-utils libck-dev libxen-dev clang-14 libclang-rt-14-dev"

# One batched `dpkg -s`; a package counts only when its status is "install ok installed"
# (a removed package whose config files remain is still listed, with another status).
# shellcheck disable=SC2086 # the lists are split into words on purpose
installed=$(dpkg -s $PACKAGES 2>/dev/null |
	awk '/^Package: /{p=$2} /^Status: install ok installed$/{print p}')
missing=""
for pkg in $PACKAGES; do
	echo "$installed" | grep -qx "$pkg" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0

# bochs-term is named so that apt satisfies bochs' GUI dependency with it, not with the large wx one.
install="DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root: apt-get update && $install" >&2
	exit 1
fi
echo "deps: installing$missing"
# A fresh machine has empty or stale package lists, so update once before installing.
apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
