#!/usr/bin/env python3
"""bundle_format.py - the bundle format for the Python test tools, read from its one
definition, runtime/ktapvm/ktap_bundle_format.def (the C and C# sides expand the same file).

  CONST["HEADER_SIZE"], CONST["NONE"], ...   the numbers of the format
  BYTES["MAGIC"], BYTES["TAIL"]              4-byte strings
  HEADER                                     {field: (offset, size)}
  SECTIONS                                   {name: (id, item_size, required, vm_reads)}
  ITEMS                                      {section: {field: (offset, size)}}
  ARCHES                                     {id: (spelling, word_size, byte_order)}
  ENUMS["EVENT_KIND"]["TRACE_END"], ...      the enums (CONST_KIND, FUNCTION_FLAG,
                                             EVENT_KIND, FETCH_SOURCE, FETCH_TYPE,
                                             FORMAT_KIND, LIMIT_KEY, BYTE_ORDER)
  pack(fields, size, order="<", **values)    an item or header: each value at its field's
                                             offset, in its field's width, the rest zero
  fix_checksum(blob, order="<")              recompute the header's CRC-32 in place

  python3 bundle_format.py is-bundle FILE    exit 0 when FILE starts with the bundle magic
"""
import os
import re
import struct
import sys
import zlib

DEF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "runtime", "ktapvm",
                   "ktap_bundle_format.def")

CONST, BYTES, HEADER, SECTIONS, ITEMS, ARCHES = {}, {}, {}, {}, {}, {}
ENUMS = {k: {} for k in ("CONST_KIND", "FUNCTION_FLAG", "EVENT_KIND", "FETCH_SOURCE",
                         "FETCH_TYPE", "FORMAT_KIND", "LIMIT_KEY", "BYTE_ORDER")}


def _args(text):
    return [a.strip() for a in re.findall(r'\s*"(?:[^"\\]|\\.)*"|[^,]+', text)]


def _num(text):
    return int(text, 0)


def def_rows(path):
    """(macro, [arguments]) of each row of a .def file of runtime/ktapvm, strings still quoted."""
    with open(path) as f:
        for line in f:
            m = re.match(r"(KTAP_[A-Z_]+)\((.*)\)\s*(/\*.*)?$", line.strip())
            if m and not line.startswith("#"):
                yield m.group(1), _args(m.group(2))


for _macro, _a in def_rows(DEF):
    if _macro in ("KTAP_BUNDLE_CONST", "KTAP_BUNDLE_WIDE"):
        CONST[_a[0]] = _num(_a[2])
    elif _macro == "KTAP_BUNDLE_BYTES":
        BYTES[_a[0]] = bytes(_num(x) for x in _a[2:6])
    elif _macro == "KTAP_HEADER_FIELD":
        HEADER[_a[0]] = (_num(_a[2]), _num(_a[3]))
    elif _macro == "KTAP_SECTION":
        SECTIONS[_a[1]] = (_num(_a[0]), _num(_a[3]), _num(_a[4]), _num(_a[5]))
    elif _macro == "KTAP_ITEM_FIELD":
        ITEMS.setdefault(_a[0], {})[_a[1]] = (_num(_a[3]), _num(_a[4]))
    elif _macro == "KTAP_ARCH":
        ARCHES[_num(_a[0])] = (_a[3].strip('"'), _num(_a[4]), _num(_a[5]))
    elif _macro[5:] in ENUMS:
        ENUMS[_macro[5:]][_a[1]] = _num(_a[0])
if not (CONST and HEADER and SECTIONS and ITEMS and ARCHES):
    raise SystemExit(f"bundle_format.py: {DEF} has none of the expected rows")

_WIDTH = {1: "B", 2: "H", 4: "I", 8: "Q"}


def pack(fields, size, order="<", **values):
    """An item (or the header) of SIZE bytes with each value at its field's offset."""
    blob = bytearray(size)
    for name, value in values.items():
        off, width = fields[name]
        if isinstance(value, (bytes, bytearray)):
            blob[off:off + width] = value.ljust(width, b"\0")
        else:
            struct.pack_into(order + _WIDTH[width], blob, off, value & ((1 << (8 * width)) - 1))
    return bytes(blob)


def fix_checksum(blob, order="<"):
    off, _ = HEADER["CHECKSUM"]
    struct.pack_into(order + "I", blob, off, 0)
    struct.pack_into(order + "I", blob, off, zlib.crc32(bytes(blob)) & 0xFFFFFFFF)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "is-bundle":
        with open(sys.argv[2], "rb") as f:
            sys.exit(0 if f.read(4) == BYTES["MAGIC"] else 1)
    print(__doc__, file=sys.stderr)
    sys.exit(2)
