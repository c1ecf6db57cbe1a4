#!/usr/bin/env python3
"""kbc.py - a small bundle assembler and record reader for the kernel module's tests.

It writes bundles exactly as docs/bundle-format.md describes them (little-endian,
x86_64 by default), with the layout, opcode and built-in numbers read from their one
definitions (runtime/ktapvm/ktap_bundle_format.def through tests/lib/bundle_format.py,
ktap_opcodes.def, ktap_builtins.def). The end-to-end tests use it for
programs ktapc cannot compile yet and for deliberately damaged bundles.

  kbc.py build PROGRAM [key=value...] > OUT.kbc            assemble a test program
  kbc.py corrupt IN OUT                                     flip one code byte (CRC stays)
  kbc.py retarget IN OUT ARCH                               set the arch byte, fix the CRC
  kbc.py records FILE                                       print records, one line each
                                                            (PRINT values; ERROR code and
                                                            message; SUMMARY counters)
  kbc.py mutants IN DIR N SEED                              N copies of IN with random bytes
                                                            changed, CRC fixed (DIR/m0000..)
  Any program takes limits=KEY:VALUE,... (the LIMITS section).
"""
import os
import re
import struct
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import bundle_format as F  # noqa: E402  the format's one definition (ktap_bundle_format.def)
import record_format as R  # noqa: E402  the output records' (ktap_record_format.def)

NONE = F.CONST["NONE"]
EV = F.ENUMS["EVENT_KIND"]


def read_def(name, pattern):
    table = {}
    with open(os.path.join(ROOT, "runtime", "ktapvm", name)) as f:
        for line in f:
            m = re.match(pattern, line)
            if m:
                table[m.group(2)] = int(m.group(1))
    if not table:  # the .def's row format changed: say so rather than fail later on a name
        raise SystemExit(f"kbc.py: no row of {name} matches {pattern}")
    return table


OPS = {}
with open(os.path.join(ROOT, "runtime", "ktapvm", "ktap_opcodes.def")) as _f:
    for _line in _f:
        _m = re.match(r"KTAP_OP\((\w+),\s*(\d+),", _line)
        if _m:
            OPS[_m.group(1)] = int(_m.group(2))
BUILTINS = read_def("ktap_builtins.def", r'KTAP_BUILTIN\(\s*(\d+),\s*\w+,\s*"([\w.]+)"')


def abc(op, a, b=0, c=0):
    return OPS[op] | (a << 6) | (c << 14) | (b << 23)


def abx(op, a, bx):
    return OPS[op] | (a << 6) | (bx << 14)


def asbx(op, a, sbx):
    return abx(op, a, sbx + 131071)


K = 256  # RK operand: constant index + 256


class Bundle:
    def __init__(self, arch=2):
        self.arch = arch
        self.strings, self.consts, self.funcs, self.code = [], [], [], []
        self.events, self.fetchargs, self.formats, self.globals = [], [], [], []
        self.limits = []  # (key, value): the LIMITS section

    def s(self, text):
        if text not in self.strings:
            self.strings.append(text)
        return self.strings.index(text)

    def k(self, value):
        key = (type(value).__name__, value)
        for i, c in enumerate(self.consts):
            if c == key:
                return i
        self.consts.append(key)
        return len(self.consts) - 1

    def g(self, name):
        if name not in self.globals:
            self.globals.append(name)
        return self.globals.index(name)

    def func(self, name, insns, frame=8, flags=0, nup=0):
        # nup: upvalue count (FUNCTIONS byte 28); any function with one makes the bundle format 3
        self.funcs.append((name, len(self.code), len(insns), frame, flags, nup))
        self.code.extend(insns)
        return len(self.funcs) - 1

    def event(self, kind, handler, spec, target=None, filt=None, value=0, fetchargs=()):
        first = len(self.fetchargs) if fetchargs else NONE
        for name, source, typ, reg, off in fetchargs:
            self.fetchargs.append((name, source, typ, reg, off))
        self.events.append((kind, len(fetchargs), handler, spec, target, filt, value, first))

    def bytes(self):
        def pad4(b):
            return b + b"\0" * (-len(b) % 4)

        def items(section, rows):
            fields, size = F.ITEMS[section], F.SECTIONS[section][1]
            return b"".join(F.pack(fields, size, **row) for row in rows)
        ck = F.ENUMS["CONST_KIND"]
        crows = []
        for kind, v in self.consts:
            if kind == "int":
                crows.append(dict(KIND=ck["NUMBER"], VALUE=v))
            elif kind == "str":
                crows.append(dict(KIND=ck["STRING"], VALUE=self.s(v)))
            elif kind == "bool":
                crows.append(dict(KIND=ck["TRUE"] if v else ck["FALSE"]))
            else:
                crows.append(dict(KIND=ck["NIL"]))
        consts = items("CONSTANTS", crows)
        funcs = items("FUNCTIONS", [dict(NAME=self.s(n) if n else NONE, CODE_START=start,
                                         CODE_COUNT=cnt, FRAME=frame, FIRST_LINE=1,
                                         LAST_LINE=1, FLAGS=flags, UPVALUES=nup)
                                    for n, start, cnt, frame, flags, nup in self.funcs])
        version = F.CONST["FORMAT_VERSION_UPVALUES"] if any(f[5] for f in self.funcs) else F.CONST["FORMAT_VERSION"]
        code = b"".join(struct.pack("<I", i) for i in self.code)
        lines = b"".join(struct.pack("<I", 1) for _ in self.code)
        events = items("EVENTS", [dict(KIND=kind, FETCHARG_COUNT=nfa, HANDLER=h, SPEC=self.s(spec),
                                       TARGET=self.s(t) if t else NONE,
                                       FILTER=self.s(f) if f else NONE, VALUE=v,
                                       FIRST_FETCHARG=first)
                                  for kind, nfa, h, spec, t, f, v, first in self.events])
        fas = items("FETCHARGS", [dict(NAME=self.s(n), SOURCE=src, TYPE=typ, REG=reg, OFFSET=off)
                                  for n, src, typ, reg, off in self.fetchargs])
        globs = b"".join(struct.pack("<I", self.s(n)) for n in self.globals)
        # last: constants, events, fetchargs and globals may have added strings
        strs = b"".join(pad4(struct.pack("<I", len(t.encode())) + t.encode() + b"\0")
                        for t in self.strings)
        sid = {name: row[0] for name, row in F.SECTIONS.items()}
        sections = [(sid["STRINGS"], strs, len(self.strings)), (sid["CONSTANTS"], consts, len(self.consts)),
                    (sid["FUNCTIONS"], funcs, len(self.funcs)), (sid["CODE"], code, len(self.code)),
                    (sid["LINES"], lines, len(self.code)), (sid["EVENTS"], events, len(self.events)),
                    (sid["FETCHARGS"], fas, len(self.fetchargs)), (sid["FORMATS"], b"", 0),
                    (sid["GLOBALS"], globs, len(self.globals))]
        if self.limits:
            sections.append((sid["LIMITS"], items("LIMITS", [dict(KEY=k, VALUE=v) for k, v in self.limits]),
                             len(self.limits)))
        off = F.CONST["HEADER_SIZE"] + F.CONST["SECTION_ENTRY_SIZE"] * len(sections)
        table, body = b"", b""
        for i, data, count in sections:
            table += F.pack(F.ITEMS["SECTION_TABLE"], F.CONST["SECTION_ENTRY_SIZE"],
                            ID=i, OFFSET=off + len(body), SIZE=len(data), COUNT=count)
            body += pad4(data)
        main = next(i for i, f in enumerate(self.funcs) if f[4] & F.ENUMS["FUNCTION_FLAG"]["MAIN"])
        header = F.pack(F.HEADER, F.CONST["HEADER_SIZE"], MAGIC=F.BYTES["MAGIC"],
                        FORMAT_VERSION=version,
                        BYTE_ORDER=F.ENUMS["BYTE_ORDER"]["LITTLE_ENDIAN"],
                        WORD_SIZE=F.ARCHES[self.arch][1], ARCH=self.arch,
                        ENDIAN_CHECK=F.CONST["ENDIAN_CHECK"], RUNTIME_ABI=F.CONST["RUNTIME_ABI"],
                        HEADER_SIZE=F.CONST["HEADER_SIZE"], INT_CHECK=F.CONST["INT_CHECK"],
                        TOTAL_SIZE=off + len(body), SECTION_COUNT=len(sections),
                        MAIN_FUNCTION=main, GLOBAL_COUNT=len(self.globals), SOURCE_NAME=NONE,
                        COMPILER_VERSION=0x000100, TAIL=F.BYTES["TAIL"])
        blob = bytearray(header + table + body)
        F.fix_checksum(blob)
        return bytes(blob)


RET0 = abc("RETURN", 0, 1)


def main_chunk(b, insns):
    return b.func("main", insns + [RET0], flags=1)


def handler(b, name, insns):
    return b.func(name, insns + [RET0], flags=2)


def count_into(b, gname):
    """t[execname()] += 1 where t is global gname."""
    return [abx("LOADBUILTIN", 0, BUILTINS["execname"]), abc("CALL", 0, 1, 2),
            abx("GETGLOBAL", 1, b.g(gname)), abc("INCRTABLE", 1, 0, K + b.k(1))]


def print_key(b, gname, key):
    """print(key, t[key])"""
    return [abx("GETGLOBAL", 0, b.g(gname)), abx("LOADK", 1, b.k(key)),
            abc("GETTABLE", 2, 0, K + b.k(key)), abc("PRINT", 1, 2)]


def new_table_global(b, gname):
    return [abc("NEWTABLE", 0), abx("SETGLOBAL", 0, b.g(gname))]


# ---- the test programs ----------------------------------------------------------------

def prog_count(b, p):
    """count calls of event SPEC by execname; at trace_end print(COMM, t[COMM])"""
    main_chunk(b, new_table_global(b, "t"))
    h = handler(b, "on_event", count_into(b, "t"))
    kind = int(p.get("kind", 1))
    fas = []
    if "fa" in p:  # one register fetch-arg NAME:REG, for filters
        name, reg = p["fa"].split(":")
        fas = [(name, 1, 1, int(reg), 0)]
    b.event(kind, h, p["spec"], p.get("target"), p.get("filter"), int(p.get("value", 0)),
            fetchargs=fas)
    e = handler(b, "trace_end", print_key(b, "t", p["comm"]))
    b.event(EV["TRACE_END"], e, "trace_end")


def prog_args(b, p):
    """kprobe TARGET with fetch-args a (REG1) b (REG2) and kretprobe TARGET with $retval:
    print("entry", arg2, arg3) and print("return", arg2) when execname() == COMM
    (arg1 is the probe address)"""
    main_chunk(b, [])
    # EQ skips the JMP (over the prints) when execname() == COMM
    comm_test = [abx("LOADBUILTIN", 0, BUILTINS["execname"]), abc("CALL", 0, 1, 2),
                 abc("EQ", 0, 0, K + b.k(p["comm"]))]
    entry = comm_test + [asbx("JMP", 0, 4), abx("LOADK", 1, b.k("entry")),
                              abc("EVARG", 2, 2), abc("EVARG", 3, 3), abc("PRINT", 1, 3)]
    h1 = handler(b, "on_entry", entry)
    ret = comm_test + [asbx("JMP", 0, 3), abx("LOADK", 1, b.k("return")),
                            abc("EVARG", 2, 2), abc("PRINT", 1, 2)]
    h2 = handler(b, "on_return", ret)
    b.event(EV["KPROBE"], h1, "kprobe:" + p["target"], p["target"],
            fetchargs=[("a", 1, 1, int(p["reg1"]), 0), ("b", 1, 1, int(p["reg2"]), 0)])
    ret_target = p.get("ret_target", p["target"])
    b.event(EV["KRETPROBE"], h2, "kretprobe:" + ret_target, ret_target,
            fetchargs=[("ret", 4, 1, 0, 0)])


def prog_describe(b, p):
    """kprobe TARGET with fetch-arg off (REG) and FILTER: print(argname, argevent)"""
    main_chunk(b, [])
    h = handler(b, "on_event", [abc("EVINFO", 0, 1), abc("EVINFO", 1, 0),
                                abc("PRINT", 0, 2)])
    b.event(EV["KPROBE"], h, "kprobe:" + p["target"], p["target"], p.get("filter"),
            fetchargs=[("off", 1, 1, int(p["reg"]), 0)])


def prog_tick(b, p):
    """tick-INTERVAL counts into g; trace_end prints("ticks", g)"""
    main_chunk(b, [abx("LOADK", 0, b.k(0)), abx("SETGLOBAL", 0, b.g("n"))])
    h = handler(b, "on_tick", [abx("LOADK", 0, b.k(1)), abx("ADDGLOBAL", 0, b.g("n"))])
    kind = int(p.get("kind", EV["TICK"]))  # EV["PROFILE"]: profile-N
    b.event(kind, h, ("profile-" if kind == EV["PROFILE"] else "tick-") + p["ms"] + "ms",
            value=int(p["ms"]) * 1000000)
    e = handler(b, "trace_end", [abx("LOADK", 0, b.k("ticks")),
                                 abx("GETGLOBAL", 1, b.g("n")), abc("PRINT", 0, 2)])
    b.event(EV["TRACE_END"], e, "trace_end")


def prog_tally(b, p):
    """every event of SPEC (TARGET, KIND 1) counts into global n; trace_end prints("n", n)"""
    main_chunk(b, [abx("LOADK", 0, b.k(0)), abx("SETGLOBAL", 0, b.g("n"))])
    h = handler(b, "on_event", [abx("LOADK", 0, b.k(1)), abx("ADDGLOBAL", 0, b.g("n"))])
    b.event(int(p.get("kind", 1)), h, p["spec"], p.get("target", p["spec"]), p.get("filter"))
    e = handler(b, "trace_end", [abx("LOADK", 0, b.k("n")),
                                 abx("GETGLOBAL", 1, b.g("n")), abc("PRINT", 0, 2)])
    b.event(EV["TRACE_END"], e, "trace_end")


def prog_spin(b, p):
    """an endless loop (JMP -1) in main (WHERE=main) or in the handler of SPEC (TARGET);
    trace_end prints("end", 1) when it gets to run"""
    loop = [asbx("JMP", 0, -1)]
    if p.get("where", "handler") == "main":
        main_chunk(b, loop)
    else:
        main_chunk(b, [])
        h = handler(b, "on_event", loop)
        b.event(int(p.get("kind", 1)), h, p["spec"], p.get("target", p["spec"]))
    e = handler(b, "trace_end", [abx("LOADK", 0, b.k("end")), abx("LOADK", 1, b.k(1)),
                                 abc("PRINT", 0, 2)])
    b.event(EV["TRACE_END"], e, "trace_end")


def prog_endspin(b, p):
    """the handler of SPEC calls exit() (EXIT=1) or does nothing; trace_end loops for ever"""
    main_chunk(b, [])
    body = [abx("LOADBUILTIN", 0, BUILTINS["exit"]), abc("CALL", 0, 1, 1)] \
        if p.get("exit", "1") == "1" else []
    h = handler(b, "on_event", body)
    b.event(EV["TRACEPOINT"], h, p["spec"], p.get("target", p["spec"]))
    e = handler(b, "trace_end", [asbx("JMP", 0, -1)])
    b.event(EV["TRACE_END"], e, "trace_end")


def prog_hello(b, p):
    """main prints("hello", 42): nothing armed"""
    main_chunk(b, [abx("LOADK", 0, b.k("hello")), abx("LOADK", 1, b.k(42)),
                   abc("PRINT", 0, 2)])


PROGRAMS = {"count": prog_count, "tally": prog_tally, "spin": prog_spin, "endspin": prog_endspin, "args": prog_args, "tick": prog_tick, "hello": prog_hello,
            "describe": prog_describe}


def records(data):
    """Yield (kind, a, values) for each record; values decoded for PRINT (numbers, strings)."""
    pos, hdr = 0, R.CONST["HEADER_SIZE"]
    while pos + hdr <= len(data):
        (length,) = struct.unpack_from("<I", data, pos + R.HEADER["LENGTH"][0])
        (kind,) = struct.unpack_from("<H", data, pos + R.HEADER["KIND"][0])
        (a,) = struct.unpack_from("<I", data, pos + R.HEADER["A"][0])
        if length < hdr or pos + length > len(data):
            raise ValueError(f"bad record at {pos}: length {length}")
        body, vals, q = data[pos + hdr:pos + length], [], 0
        if kind == R.KIND["ERROR"]:  # function, instruction, line, message
            n = struct.unpack_from("<I", body, 12)[0]
            yield kind, a, [a, body[16:16 + n].decode(errors="replace")]
            pos += length
            continue
        if kind == R.KIND["SUMMARY"]:  # u64 fields, then (a = 1) the script's exit code, an i64
            end = R.SUMMARY["EXIT_CODE"][0]
            vals = list(struct.unpack_from(f"<{end // 8}Q", body, 0))
            if a == 1:
                vals.append(struct.unpack_from("<q", body, end)[0])
            yield kind, a, vals
            pos += length
            continue
        while q < len(body):
            tag = body[q]
            q += 1
            if tag == R.TAG["NUMBER"]:
                vals.append(struct.unpack_from("<q", body, q)[0])
                q += R.TAG_FIXED[tag]
            elif tag in (R.TAG["STRING"], R.TAG["EVENT"]):  # event (argevent) rendered as text
                n = struct.unpack_from("<I", body, q)[0]
                vals.append(body[q + 4:q + 4 + n].decode(errors="replace"))
                q += R.TAG_FIXED[tag] + n
            elif tag == R.TAG["USTACK"]:  # u32 N, N u64 addresses (named on the host)
                n = struct.unpack_from("<I", body, q)[0]
                if n > 64 or q + 4 + 8 * n > len(body):
                    raise ValueError(f"bad user stack of {n} frames at {pos}")
                vals.append(list(struct.unpack_from(f"<{n}Q", body, q + 4)))
                q += R.TAG_FIXED[tag] + 8 * n
            elif tag == R.TAG["NIL"]:
                continue  # nil or padding
            else:
                vals.append(f"<tag {tag}>")
                break
        yield kind, a, vals
        pos += length


def main(argv):
    if len(argv) >= 3 and argv[0] == "build":
        params = dict(x.split("=", 1) for x in argv[2:] if "=" in x)
        b = Bundle(int(params.get("arch", 2)))
        if "limits" in params:  # KEY:VALUE,... (docs/bundle-format.md LIMITS keys)
            b.limits = [tuple(int(v, 0) for v in kv.split(":")) for kv in params["limits"].split(",")]
        PROGRAMS[argv[1]](b, params)
        sys.stdout.buffer.write(b.bytes())
    elif len(argv) == 3 and argv[0] == "corrupt":
        blob = bytearray(open(argv[1], "rb").read())
        blob[-8] ^= 0x5A
        open(argv[2], "wb").write(blob)
    elif len(argv) == 4 and argv[0] == "retarget":
        blob = bytearray(open(argv[1], "rb").read())
        blob[F.HEADER["ARCH"][0]] = int(argv[3])
        blob[F.HEADER["WORD_SIZE"][0]] = F.ARCHES[int(argv[3])][1]
        F.fix_checksum(blob)
        open(argv[2], "wb").write(blob)
    elif len(argv) == 5 and argv[0] == "mutants":
        import random
        rnd = random.Random(int(argv[4]))
        blob = open(argv[1], "rb").read()
        os.makedirs(argv[2], exist_ok=True)
        for i in range(int(argv[3])):
            m = bytearray(blob)
            for _ in range(rnd.randint(1, 8)):  # past the header's magic, size and checksum
                at = rnd.randrange(F.HEADER["MAIN_FUNCTION"][0], len(m))
                m[at] = rnd.choice([0, 0xFF, 0x7F, 0x80, rnd.randrange(256), m[at] ^ 1])
            F.fix_checksum(m)
            open(os.path.join(argv[2], "m%04d" % i), "wb").write(m)
    elif len(argv) == 2 and argv[0] == "records":
        for kind, a, vals in records(open(argv[1], "rb").read()):
            print(kind, *vals, sep="\t")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
