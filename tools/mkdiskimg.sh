#!/bin/sh
# mkdiskimg.sh: writes the guests' data disk: a 64 MiB GPT image whose partitions dom0 serves by name (disk = part:LABEL).
#
# usage: mkdiskimg.sh IMAGE
# Partitions (1 MiB-aligned, Linux data type): data1 8 MiB, data2 8 MiB, ro1 4 MiB, kvstore 32 MiB.
# No root and no loop devices: sgdisk partitions the file. The partitions start out zeroed.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 IMAGE" >&2; exit 2; }
image=$1
tmp="$image.tmp"
rm -f "$tmp"
truncate -s 64M "$tmp"
sgdisk --clear \
	--new=1:2048:+8M  --typecode=1:8300 --change-name=1:data1 \
	--new=2:0:+8M     --typecode=2:8300 --change-name=2:data2 \
	--new=3:0:+4M     --typecode=3:8300 --change-name=3:ro1 \
	--new=4:0:+32M    --typecode=4:8300 --change-name=4:kvstore \
	"$tmp" >/dev/null
sgdisk --verify "$tmp" >/dev/null
mv -f "$tmp" "$image"
