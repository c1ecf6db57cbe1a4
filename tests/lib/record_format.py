#!/usr/bin/env python3
"""record_format.py - the output record stream for the Python test tools, read from its one
definition, runtime/ktapvm/ktap_record_format.def (the C and C# sides expand the same file).

  CONST["HEADER_SIZE"], CONST["HIST_BUCKETS"], ...   the numbers of the stream
  HEADER                                             {field: (offset, size)}
  KIND["SUMMARY"], KIND["TIME"], ...                 record kinds (the VM's and the reader's)
  TAG["NUMBER"], ...                                 value tags
  TAG_FIXED[tag]                                     bytes of a value's data after its tag,
                                                     what varies in it left empty
  SUMMARY                                            {field: (offset, size, smallest a)}
"""
import os

from bundle_format import def_rows

DEF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "runtime", "ktapvm",
                   "ktap_record_format.def")

CONST, HEADER, KIND, TAG, TAG_FIXED, SUMMARY = {}, {}, {}, {}, {}, {}

for _macro, _a in def_rows(DEF):
    if _macro == "KTAP_RECORD_CONST":
        CONST[_a[0]] = int(_a[2], 0)
    elif _macro == "KTAP_RECORD_HEADER":
        HEADER[_a[0]] = (int(_a[2]), int(_a[3]))
    elif _macro in ("KTAP_RECORD_KIND", "KTAP_TRANSPORT_RECORD"):
        KIND[_a[1]] = int(_a[0])
    elif _macro == "KTAP_VALUE_TAG":
        TAG[_a[1]] = int(_a[0])
        TAG_FIXED[int(_a[0])] = int(_a[3])
    elif _macro == "KTAP_SUMMARY_FIELD":
        SUMMARY[_a[0]] = (int(_a[2]), int(_a[3]), int(_a[4]))
if not (CONST and HEADER and KIND and TAG and SUMMARY):
    raise SystemExit(f"record_format.py: {DEF} has none of the expected rows")
