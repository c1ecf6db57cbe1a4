#!/usr/bin/env python3
"""The VM core's layering (issue 14): among runtime/ktapvm/core/*.c the one allowed
dependency circle is the interpreter and its built-ins (each calls the other by design);
any other circle means a helper sits in the wrong file. Also every external symbol a core
object defines starts with kvm_ or ktap_, so the core links into the kernel beside anything.

Reads `nm` of the native build's core objects (out/runtime/native/obj/core/*.o, made by
`make -C runtime/ktapvm/user VARIANT=native`); the kernel glue is not core and not checked.
Prints the object graph, and for a circle the symbols that close it.
Usage: core_deps.py [OBJ_DIR]"""
import os
import subprocess
import sys

ALLOWED_CIRCLES = [{"interp", "builtins"}]
PREFIXES = ("kvm_", "ktap_")


def symbols(path):
    """(defined external symbols, undefined symbols) of one object."""
    out = subprocess.run(["nm", "-P", path], check=True, capture_output=True, text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(name)
        elif kind in "TDBRGSVW" and kind.isupper():
            defined.add(name)
    return defined, undefined


def circles(graph):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(comp)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    objdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "out/runtime/native/obj/core")
    srcdir = os.path.join(root, "runtime/ktapvm/core")
    sources = sorted(f[:-2] for f in os.listdir(srcdir) if f.endswith(".c"))
    failures = 0
    objs = {}
    for name in sources:
        path = os.path.join(objdir, name + ".o")
        if not os.path.exists(path):
            print(f"FAIL core/{name}.c has no object {path}: build VARIANT=native first")
            failures += 1
            continue
        objs[name] = symbols(path)
    owner = {}
    for name, (defined, _) in objs.items():
        for sym in defined:
            if not sym.startswith(PREFIXES):
                print(f"FAIL core/{name}.c defines {sym}: core symbols start with {' or '.join(PREFIXES)}")
                failures += 1
            owner[sym] = name
    # uses[a][b]: the symbols a takes from b
    uses = {a: {} for a in objs}
    for a, (_, undefined) in objs.items():
        for sym in undefined:
            b = owner.get(sym)
            if b is not None and b != a:
                uses[a].setdefault(b, []).append(sym)
    for a in sorted(uses):
        print(f"{a} -> {' '.join(sorted(uses[a])) or '(none)'}")
    for comp in circles({a: set(uses[a]) for a in uses}):
        if comp in ALLOWED_CIRCLES:
            print(f"ok   allowed circle {{{', '.join(sorted(comp))}}}")
            continue
        failures += 1
        print(f"FAIL circle {{{', '.join(sorted(comp))}}}:")
        for a in sorted(comp):
            for b in sorted(uses[a]):
                if b in comp:
                    print(f"     {a} -> {b}: {' '.join(sorted(uses[a][b]))}")
    print(f"core objects: {len(objs)}, problems: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
