#!/bin/sh
# mkfatimg.sh: writes a whole-disk FAT image ("superfloppy") holding a directory tree, with mtools (no root needed).
#
# usage: mkfatimg.sh DIR IMAGE SIZE_MIB [LABEL]
#   CHS=1 rounds the size down to whole 16-head x 63-sector cylinders, because
#   Bochs derives a flat disk's geometry from its size and refuses other sizes.
set -eu
[ $# -ge 3 ] || { echo "usage: $0 DIR IMAGE SIZE_MIB [LABEL]" >&2; exit 2; }
dir=$1 image=$2 size_mib=$3 label=${4:-KEEL}

# mtools checks geometry against the BPB by default; our images have none to match.
export MTOOLS_SKIP_CHECK=1
tmp="$image.tmp"
rm -f "$tmp"
if [ "${CHS:-0}" = 1 ]; then
	cylinders=$((size_mib * 1024 * 1024 / (16 * 63 * 512)))
	truncate -s $((cylinders * 16 * 63 * 512)) "$tmp"
	mformat -i "$tmp" -h 16 -s 63 -t "$cylinders" -v "$label" ::
else
	truncate -s "${size_mib}M" "$tmp"
	mformat -i "$tmp" -v "$label" ::
fi
# Copy the top-level entries recursively (-s), so EFI/ and keel/ keep their layout.
for entry in "$dir"/*; do
	[ -e "$entry" ] && mcopy -s -Q -i "$tmp" "$entry" ::/
done
# Replace atomically, so an interrupted build never leaves a half-written image behind.
mv -f "$tmp" "$image"
