#!/bin/sh
# kvm-probe.sh: exits 0 if KVM can really boot a guest on this host; caches the verdict in $BUILD/kvm-probe.
#
# /dev/kvm existing proves little: on some hosts (nested setups without VMX/SVM passthrough)
# it opens fine but cannot run a guest. So boot OVMF for real and require serial output.
set -u
BUILD=${BUILD:-build}
cache="$BUILD/kvm-probe"
# The verdict holds until the kernel or QEMU changes.
key="$(uname -r) $(qemu-system-x86_64 --version 2>/dev/null | head -n 1)"

if [ -f "$cache" ] && [ "$(head -n 1 "$cache")" = "$key" ]; then
	[ "$(sed -n 2p "$cache")" = yes ]
	exit $?
fi

probe() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	log="$BUILD/kvm-probe.log" err="$BUILD/kvm-probe.err"
	rm -f "$log" "$err"
	qemu-system-x86_64 -machine q35 -accel kvm -cpu host -m 256M -smp 1 \
		-nodefaults -display none -vga none -no-reboot \
		-bios /usr/share/ovmf/OVMF.fd -serial "file:$log" >/dev/null 2>"$err" </dev/null &
	pid=$!
	# Up to 10 s: OVMF prints within a second or two under working KVM. Broken KVM
	# aborts (QEMU exits), reports an internal error and then hangs paused, or hangs silently.
	ok=1 tries=0
	while [ $tries -lt 50 ]; do
		if [ -s "$log" ]; then ok=0; break; fi
		kill -0 "$pid" 2>/dev/null || break
		grep -q -e 'KVM internal error' -e 'emulation failure' "$err" 2>/dev/null && break
		sleep 0.2
		tries=$((tries + 1))
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return $ok
}

mkdir -p "$BUILD"
if probe; then verdict=yes; else verdict=no; fi
printf '%s\n%s\n' "$key" "$verdict" >"$cache"
[ "$verdict" = yes ]
