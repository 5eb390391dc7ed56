#!/bin/sh
# mkdiskimg.sh: writes the guests' data disk: a 64 MiB GPT image whose partitions dom0 serves by name (disk = part:LABEL).
#
# usage: mkdiskimg.sh IMAGE              write a new, empty image
#        mkdiskimg.sh --if-outdated IMAGE keep IMAGE (and what guests wrote on it) if it has
#                                         this layout; otherwise write a new one
# Partitions (1 MiB-aligned, Linux data type): data1 8 MiB, data2 8 MiB, ro1 4 MiB, kvstore 32 MiB,
# minios 8 MiB (minios's key/value store). No root and no loop devices: sgdisk partitions the
# file. The partitions start out zeroed.
#
# The layout's version is written next to the image (IMAGE.layout). Bump LAYOUT whenever the
# partitions change: an image from an older layout lacks partitions its configs name, so
# --if-outdated replaces it (its data is lost; it was made for partitions that moved).
set -eu
LAYOUT=2

keep_current=0
if [ "${1:-}" = "--if-outdated" ]; then
	keep_current=1
	shift
fi
[ $# -eq 1 ] || { echo "usage: $0 [--if-outdated] IMAGE" >&2; exit 2; }
image=$1
stamp="$image.layout"

if [ $keep_current = 1 ] && [ -f "$image" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$LAYOUT" ]; then
	exit 0
fi
if [ -f "$image" ]; then
	echo "mkdiskimg: $image has an older partition layout; writing a new, empty one" >&2
fi

tmp="$image.tmp"
rm -f "$tmp" "$stamp"
truncate -s 64M "$tmp"
sgdisk --clear \
	--new=1:2048:+8M  --typecode=1:8300 --change-name=1:data1 \
	--new=2:0:+8M     --typecode=2:8300 --change-name=2:data2 \
	--new=3:0:+4M     --typecode=3:8300 --change-name=3:ro1 \
	--new=4:0:+32M    --typecode=4:8300 --change-name=4:kvstore \
	--new=5:0:+8M     --typecode=5:8300 --change-name=5:minios \
	"$tmp" >/dev/null
sgdisk --verify "$tmp" >/dev/null
mv -f "$tmp" "$image"
echo "$LAYOUT" > "$stamp"
