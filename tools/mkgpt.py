#!/usr/bin/env python3
"""mkgpt.py: writes a GPT disk image for any logical sector size (512, 4096, ...), no root or loop devices.

sgdisk on a plain file always assumes 512-byte sectors, so a disk that a virtual machine
shows with 4096-byte logical sectors (QEMU's logical_block_size=4096) needs its GPT laid out
by hand: every LBA in the table counts logical sectors, the header sits at byte SECTOR (LBA 1),
not 512. This tool writes, per the UEFI specification (2.x, chapter 5):

  LBA 0                 protective MBR: one partition of type 0xee covering the disk
  LBA 1                 primary GPT header (92 bytes, rest of the sector zero)
  LBA 2 ..              primary partition entry array (128 entries of 128 bytes)
  first_usable ..       the partitions, each aligned to 1 MiB
  .. last_usable
  last - array sectors  backup partition entry array (same bytes as the primary)
  last LBA              backup GPT header (my_lba and alternate_lba swapped, array LBA its own)

The header CRC32 covers header_size bytes with its own CRC field zero; the array CRC32
covers nr_entries * entry_size bytes. Both are zlib's CRC32 (the same polynomial UEFI uses).
Partition data is left zero (the file is sparse).

usage: mkgpt.py [--sector-size N] [--size SIZE] [--seed S] IMAGE NAME:SIZE[:TYPE] ...
  SIZE takes K, M or G suffixes (binary). TYPE is a GUID or "linux" (the default), "efi".
  --seed makes the disk and partition GUIDs reproducible (default: random).
  --dump IMAGE --sector-size N parses an image back and prints its partitions (a check).
"""
import argparse
import random
import struct
import sys
import uuid
import zlib

MIB = 1 << 20
ENTRY_SIZE = 128
NR_ENTRIES = 128
HEADER_SIZE = 92
REVISION_1_0 = 0x00010000
TYPES = {
    "linux": uuid.UUID("0fc63daf-8483-4772-8e79-3d69d8477de4"),
    "efi": uuid.UUID("c12a7328-f81f-11d2-ba4b-00a0c93ec93b"),
}


def parse_size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if text[-1:].upper() in units:
        return int(text[:-1]) * units[text[-1].upper()]
    return int(text)


def protective_mbr(sector_size, total_lbas):
    """LBA 0: boot code zero, one entry of type 0xee from LBA 1 to the end (capped at 2^32-1)."""
    mbr = bytearray(sector_size)
    size = min(total_lbas - 1, 0xFFFFFFFF)
    # status, CHS first (0/0/2), type, CHS last (all ones: "beyond CHS"), first LBA, LBA count
    mbr[446:462] = struct.pack("<B3sB3sII", 0, b"\x00\x02\x00", 0xEE, b"\xff\xff\xff", 1, size)
    mbr[510:512] = b"\x55\xaa"
    return bytes(mbr)


def entry_bytes(type_guid, unique_guid, first, last, name):
    encoded = name.encode("utf-16-le")
    if len(encoded) > 72:
        raise SystemExit(f"mkgpt: partition name '{name}' is longer than 36 UTF-16 units")
    # GUIDs are stored mixed-endian, which is what uuid's bytes_le gives.
    return struct.pack("<16s16sQQQ72s", type_guid.bytes_le, unique_guid.bytes_le, first, last, 0, encoded)


def header_bytes(sector_size, my_lba, alternate_lba, first_usable, last_usable, disk_guid, array_lba, array_crc):
    fields = [b"EFI PART", REVISION_1_0, HEADER_SIZE, 0, 0, my_lba, alternate_lba, first_usable, last_usable,
              disk_guid.bytes_le, array_lba, NR_ENTRIES, ENTRY_SIZE, array_crc]
    layout = "<8sIIIIQQQQ16sQIII"
    crc = zlib.crc32(struct.pack(layout, *fields))   # with the CRC field (index 3) still zero
    fields[3] = crc
    return struct.pack(layout, *fields).ljust(sector_size, b"\0")


def build(path, sector_size, disk_bytes, partitions, rng):
    if sector_size < 512 or sector_size & (sector_size - 1):
        raise SystemExit(f"mkgpt: sector size {sector_size} is not a power of two >= 512")
    if disk_bytes % sector_size:
        raise SystemExit("mkgpt: the disk size is not whole sectors")
    total = disk_bytes // sector_size
    array_sectors = (NR_ENTRIES * ENTRY_SIZE + sector_size - 1) // sector_size
    first_usable = 2 + array_sectors
    last_usable = total - 2 - array_sectors
    align = max(MIB // sector_size, 1)
    guid = lambda: uuid.UUID(int=rng.getrandbits(128), version=4)

    entries = bytearray(NR_ENTRIES * ENTRY_SIZE)
    next_lba = (first_usable + align - 1) // align * align
    for i, (name, size, type_guid) in enumerate(partitions):
        if size % sector_size or size == 0:
            raise SystemExit(f"mkgpt: partition {name}'s size is not whole sectors")
        last = next_lba + size // sector_size - 1
        if last > last_usable:
            raise SystemExit(f"mkgpt: partition {name} does not fit on the disk")
        entries[i * ENTRY_SIZE:(i + 1) * ENTRY_SIZE] = entry_bytes(type_guid, guid(), next_lba, last, name)
        next_lba = (last + 1 + align - 1) // align * align
    array_crc = zlib.crc32(entries)
    disk_guid = guid()
    backup_array_lba = total - 1 - array_sectors

    with open(path, "wb") as f:
        f.truncate(disk_bytes)
        f.write(protective_mbr(sector_size, total))
        f.write(header_bytes(sector_size, 1, total - 1, first_usable, last_usable, disk_guid, 2, array_crc))
        f.write(entries)
        f.seek(backup_array_lba * sector_size)
        f.write(entries)
        f.seek((total - 1) * sector_size)
        f.write(header_bytes(sector_size, total - 1, 1, first_usable, last_usable, disk_guid, backup_array_lba,
                             array_crc))


def check_header(data, lba, sector_size):
    """One header at LBA 'lba', its CRCs checked; returns its fields."""
    raw = data[lba * sector_size:lba * sector_size + HEADER_SIZE]
    fields = struct.unpack("<8sIIIIQQQQ16sQIII", raw)
    if fields[0] != b"EFI PART":
        raise SystemExit(f"mkgpt: no GPT signature at LBA {lba}")
    zeroed = raw[:16] + b"\0\0\0\0" + raw[20:]
    if zlib.crc32(zeroed) != fields[3] or fields[5] != lba:
        raise SystemExit(f"mkgpt: header at LBA {lba} has a bad CRC or my_lba")
    array_lba, count, size, array_crc = fields[10:14]
    array = data[array_lba * sector_size:array_lba * sector_size + count * size]
    if zlib.crc32(array) != array_crc:
        raise SystemExit(f"mkgpt: the entry array of the header at LBA {lba} has a bad CRC")
    return fields, array


def dump(path, sector_size):
    """Parses an image back (both headers and arrays must agree) and prints one line per partition."""
    data = open(path, "rb").read()
    if data[510:512] != b"\x55\xaa" or data[446 + 4] != 0xEE:
        raise SystemExit("mkgpt: no protective MBR")
    primary, array = check_header(data, 1, sector_size)
    backup, backup_array = check_header(data, primary[6], sector_size)
    if backup[6] != 1 or array != backup_array:
        raise SystemExit("mkgpt: the backup GPT does not match the primary")
    print(f"disk {len(data) // sector_size} sectors of {sector_size}, usable {primary[7]}..{primary[8]}")
    for i in range(primary[11]):
        e = array[i * primary[12]:(i + 1) * primary[12]]
        type_guid, _, first, last, _, name = struct.unpack("<16s16sQQQ72s", e[:128])
        if any(type_guid):
            label = name.decode("utf-16-le").split("\0")[0]
            print(f"{i + 1} {label} {first} {last} {uuid.UUID(bytes_le=type_guid)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sector-size", type=int, default=512)
    ap.add_argument("--size", default="16M", help="the whole disk (default 16M)")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--dump", action="store_true", help="parse IMAGE back instead of writing it")
    ap.add_argument("image")
    ap.add_argument("partitions", nargs="*", help="NAME:SIZE[:TYPE]")
    args = ap.parse_args()
    if args.dump:
        dump(args.image, args.sector_size)
        return
    parts = []
    for spec in args.partitions:
        name, size, *kind = spec.split(":", 2)
        type_guid = (TYPES.get(kind[0]) or uuid.UUID(kind[0])) if kind else TYPES["linux"]
        parts.append((name, parse_size(size), type_guid))
    rng = random.Random(args.seed) if args.seed is not None else random.SystemRandom()
    build(args.image, args.sector_size, parse_size(args.size), parts, rng)


if __name__ == "__main__":
    sys.exit(main())
