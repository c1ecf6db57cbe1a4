#!/usr/bin/env python3
"""Every EVENTS kind of the bundle has one probe provider in the kernel module.

Reads the kinds from their one definition (runtime/ktapvm/ktap_bundle_format.def, through
tests/lib/bundle_format.py; C's enum ktap_probe_kind is expanded from it), the
providers from the module's sources: each `const struct kt_provider NAME = {...}` with its
`.kinds = ARRAY`, each `static const u8 ARRAY[] = { KTAP_PROBE_..., 0 }`, and the table
kt_providers[] of kernel/providers.c. Fails when a kind has no provider in the table or
two, when a provider serves a kind the enum lacks, when a provider is defined but not in
the table, when docs/bundle-format.md's list of kinds disagrees with the enum, or when
docs/kernel-module.md does not name a provider's file.

  providers.py [ROOT]     prints one line per problem, then RESULT passed=N failed=M
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
vm = os.path.join(root, "runtime", "ktapvm")
kernel = os.path.join(vm, "kernel")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def strip_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)


checks = []  # (ok, what)


def check(ok, what):
    checks.append((bool(ok), what))


# the kinds
sys.path.insert(0, os.path.join(root, "tests", "lib"))
import bundle_format  # noqa: E402  the kinds' one definition, runtime/ktapvm/ktap_bundle_format.def
kinds = {"KTAP_PROBE_" + name: value for name, value in bundle_format.ENUMS["EVENT_KIND"].items()}
check(kinds, "ktap_bundle_format.def lists the EVENTS kinds")

# the providers: file, kinds arrays, definitions
arrays, providers = {}, {}  # array -> [kinds]; provider -> (file, [kinds])
sources = {}
for fn in sorted(os.listdir(kernel)):
    if fn.endswith(".c"):
        sources[fn] = strip_comments(read(os.path.join(kernel, fn)))
for fn, text in sources.items():
    for arr, body in re.findall(r"static\s+const\s+u8\s+(\w+)\s*\[\s*\]\s*=\s*\{([^}]*)\}", text):
        arrays[arr] = re.findall(r"KTAP_PROBE_\w+", body)
for fn, text in sources.items():
    for name, body in re.findall(r"^const\s+struct\s+kt_provider\s+(\w+)\s*=\s*\{(.*?)^\};", text, re.S | re.M):
        km = re.search(r"\.kinds\s*=\s*(\w+)", body)
        served = arrays.get(km.group(1)) if km else None
        check(served, f"provider {name} ({fn}) has a .kinds list")
        providers[name] = (fn, served or [])
check(providers, "provider definitions found in runtime/ktapvm/kernel")

table_text = sources.get("providers.c", "")
tm = re.search(r"kt_providers\s*\[\s*\]\s*=\s*\{(.*?)\};", table_text, re.S)
check(tm, "kt_providers[] found in kernel/providers.c")
table = re.findall(r"&(\w+)", tm.group(1)) if tm else []

for name in providers:
    check(name in table, f"provider {name} is in the table kt_providers[]")
for name in table:
    check(name in providers, f"table entry {name} is a provider defined in kernel/*.c")

served_by = {}
for name in table:
    for kind in providers.get(name, ("", []))[1]:
        served_by.setdefault(kind, []).append(name)
for kind in sorted(kinds, key=kinds.get):
    check(len(served_by.get(kind, [])) == 1,
          f"kind {kinds[kind]} {kind} has one provider (has: {', '.join(served_by.get(kind, [])) or 'none'})")
for kind in served_by:
    check(kind in kinds, f"{kind}, served by {', '.join(served_by[kind])}, is a kind of the enum")

# the docs
fmt = read(os.path.join(root, "docs", "bundle-format.md"))
dm = re.search(r"\| kind: (1 [^|]*)\|", fmt)
check(dm, "docs/bundle-format.md lists the EVENTS kinds")
if dm:
    numbers = [int(n) for n in re.findall(r"(?:^|, )(\d+) ", dm.group(1))]
    check(numbers == sorted(kinds.values()),
          f"docs/bundle-format.md's kinds {numbers} are the enum's {sorted(kinds.values())}")
module_doc = read(os.path.join(root, "docs", "kernel-module.md"))
for name, (fn, _) in providers.items():
    check(f"`kernel/{fn}`" in module_doc or f"`{fn}`" in module_doc,
          f"docs/kernel-module.md names {fn} (provider {name})")

failed = [what for ok, what in checks if not ok]
for what in failed:
    print("FAIL " + what)
print(f"{len(providers)} providers, {len(kinds)} kinds")
print(f"RESULT passed={len(checks) - len(failed)} failed={len(failed)}")
sys.exit(1 if failed else 0)
