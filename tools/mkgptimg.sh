#!/bin/sh
# mkgptimg.sh: writes a GPT disk image with one EFI System Partition holding a directory tree (for USB sticks).
#
# usage: mkgptimg.sh DIR IMAGE [ESP_SIZE_MIB]
# No root and no loop devices: sgdisk partitions the file, mtools formats the partition in place.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 DIR IMAGE [ESP_SIZE_MIB]" >&2; exit 2; }
dir=$1 image=$2 esp_mib=${3:-64}

# The partition starts at 1 MiB (the usual alignment) and the backup GPT needs the last 33 sectors.
start_sector=2048
esp_sectors=$((esp_mib * 2048))
export MTOOLS_SKIP_CHECK=1
tmp="$image.tmp"
rm -f "$tmp"
truncate -s $((1 + esp_mib + 1))M "$tmp"
sgdisk --clear "--new=1:$start_sector:+${esp_mib}M" --typecode=1:ef00 --change-name=1:"EFI System" "$tmp" >/dev/null

# FAT32, as the UEFI spec asks of an ESP on a fixed disk (FAT16 is only guaranteed on removable
# media); hidden sectors = the partition's start, as the BPB of a partitioned disk must say.
part="$tmp@@$((start_sector * 512))"
mformat -i "$part" -F -T "$esp_sectors" -H "$start_sector" -h 64 -s 32 -v KEEL ::
for entry in "$dir"/*; do
	[ -e "$entry" ] && mcopy -s -Q -i "$part" "$entry" ::/
done
sgdisk --verify "$tmp" >/dev/null
mv -f "$tmp" "$image"
