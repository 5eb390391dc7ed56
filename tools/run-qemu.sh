#!/bin/sh
# run-qemu.sh: boots Keel's ESP image in QEMU (q35 + OVMF) with the serial console on this terminal.
#
# Environment: SMP (CPUs, default 4), MEM (default 2G), ESP_IMG (default build/esp.img),
# DISK_IMG (default build/disk.img, the guests' data disk from mk/disk.mk: attached when it
# exists, written in place so guests' data survives the next run),
# ACCEL (auto|kvm|tcg, default auto), CPU (overrides the -cpu model). Arguments go to QEMU as they are.
set -eu
BUILD=${BUILD:-build}
ESP_IMG=${ESP_IMG:-$BUILD/esp.img}
DISK_IMG=${DISK_IMG:-$BUILD/disk.img}
SMP=${SMP:-4}
MEM=${MEM:-2G}
ACCEL=${ACCEL:-auto}
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd

[ -f "$ESP_IMG" ] || { echo "run-qemu: $ESP_IMG missing; run 'make esp' first" >&2; exit 1; }

if [ "$ACCEL" = auto ]; then
	if BUILD=$BUILD tools/kvm-probe.sh; then
		ACCEL=kvm
	else
		ACCEL=tcg
		echo "run-qemu: KVM cannot run guests on this host (see $BUILD/kvm-probe.err); using TCG"
	fi
fi
# Under TCG, QEMU emulates AMD SVM with nested paging; under KVM the guest sees the host CPU,
# which needs nested virtualization enabled on the host (see docs/booting.md).
if [ "$ACCEL" = kvm ]; then CPU=${CPU:-host}; else CPU=${CPU:-qemu64,+svm,+npt}; fi

# A fresh variable store on every boot, so no earlier run's boot entries change what boots.
mkdir -p "$BUILD/run"
vars="$BUILD/run/OVMF_VARS.fd"
cp "$OVMF_VARS" "$vars"

# The data disk: modern-only virtio-blk, like the e2e tests' extra disks; no snapshot. It goes
# in front of the caller's arguments, so it stays the second disk whatever they add.
if [ -f "$DISK_IMG" ]; then
	set -- -drive "if=none,id=data,format=raw,file=$DISK_IMG" -device virtio-blk-pci,drive=data,disable-legacy=on "$@"
fi

echo "run-qemu: q35, $SMP CPUs, $MEM, $ACCEL (-cpu $CPU), $ESP_IMG; quit with Ctrl-A X"
# -no-reboot: a reset (or triple fault) ends QEMU instead of silently booting again.
# isa-debug-exit: the hypervisor's test_exit option ends QEMU with a status a script can read.
exec qemu-system-x86_64 -machine q35 -accel "$ACCEL" -cpu "$CPU" -smp "$SMP" -m "$MEM" \
	-nodefaults -display none -vga none -no-reboot \
	-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE" \
	-drive "if=pflash,format=raw,unit=1,file=$vars" \
	-drive "if=none,id=esp,format=raw,file=$ESP_IMG" -device virtio-blk-pci,drive=esp \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-serial mon:stdio "$@"
