#!/usr/bin/env python3
"""elf_entry_offset.py ELF - print the file offset of the ELF's entry point (where a
uprobe on it is placed). busybox-static is stripped, so its entry is the one symbol the
test can resolve on the host; this is the host-side resolution the module relies on."""
import struct
import sys

data = open(sys.argv[1], "rb").read()
if data[:4] != b"\x7fELF":
    sys.exit(f"{sys.argv[1]}: not an ELF file")
is64, order = data[4] == 2, "<" if data[5] == 1 else ">"
if is64:
    entry, phoff = struct.unpack_from(order + "QQ", data, 24)
    phentsize, phnum = struct.unpack_from(order + "HH", data, 54)
else:
    entry, phoff = struct.unpack_from(order + "II", data, 24)
    phentsize, phnum = struct.unpack_from(order + "HH", data, 42)
for i in range(phnum):
    at = phoff + i * phentsize
    if is64:
        ptype, flags, off, vaddr, _, filesz = struct.unpack_from(order + "IIQQQQ", data, at)
    else:
        ptype, off, vaddr, _, filesz, _, flags = struct.unpack_from(order + "IIIIIII", data, at)
    if ptype == 1 and vaddr <= entry < vaddr + filesz:
        print(entry - vaddr + off)
        sys.exit(0)
sys.exit(f"{sys.argv[1]}: entry point 0x{entry:x} is in no loadable segment")
