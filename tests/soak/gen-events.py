#!/usr/bin/env python3
"""Writes the soak's replay file (docs/replay-format.md) to stdout: EVENTS events, in
rounds of THREADS openat entries (one per thread) then their THREADS exits, so at most
THREADS opens are live at any time.  usage: gen-events.py EVENTS THREADS"""
import sys

def main():
    events, threads = int(sys.argv[1]), int(sys.argv[2])
    out = sys.stdout
    ts, made = 1000, 0
    enter = '{"event":"syscalls:sys_enter_openat","ts":%d,"pid":%d,"tid":%d}\n'
    leave = '{"event":"syscalls:sys_exit_openat","ts":%d,"pid":%d,"tid":%d,"fields":{"ret":3}}\n'
    while made < events:
        batch = min(threads, (events - made) // 2) or 1
        lines = []
        for t in range(batch):
            ts += 1000
            lines.append(enter % (ts, 500, 1000 + t))
        for t in range(batch):
            ts += 1000
            lines.append(leave % (ts, 500, 1000 + t))
        out.write("".join(lines))
        made += 2 * batch
    return 0

if __name__ == "__main__":
    sys.exit(main())
