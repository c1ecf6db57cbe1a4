#!/usr/bin/env bash
# Per-event handler cost of the user-space VM (ktapvm-run --bench: one probe fired N times
# in-process with the same event) against Debian's lua5.1 calling an equivalent Lua
# function N times, measured in the same run. Prints each ratio (goal <= 1.0x) and the
# memory per table entry of both.
#   bench/vm/run.sh [N]      (default N=1000000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=${1:-1000000}
runner=$root/out/runtime/native/ktapvm-run
ktapc=$root/toolchain/Ktapc/ktapc/bin/Release/net10.0/ktapc.dll
command -v lua5.1 >/dev/null || { echo "bench: lua5.1 not installed (scripts/deps/20-runtime.sh)"; exit 1; }
[ -x "$runner" ] || make -s -C "$root/runtime/ktapvm/user" VARIANT=native >/dev/null
[ -f "$ktapc" ] || (cd "$root" && dotnet build toolchain/Ktapc/ktapc/ktapc.csproj -c Release --nologo -v q >/dev/null)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/event.jsonl" <<'JSON'
{"event":"sched:sched_switch","ts":1000000,"cpu":0,"pid":42,"tid":42,"uid":0,"comm":"bash","fields":{"prev_comm":"bash","prev_pid":42,"prev_prio":120,"prev_state":1,"next_comm":"swapper/0","next_pid":0,"next_prio":120}}
JSON

# name, ktap handler body, Lua function body (ev holds the event's fields, like args.NAME)
names=("counter" "table count by string" "ptable aggregation" "concat + printf" "branchy filter")
kbodies=(
'n += 1'
't[args.prev_comm] += 1'
's[args.prev_comm] <<< args.prev_prio'
'printf("%s:%d\n", args.prev_comm .. "->" .. args.next_comm, args.prev_pid)'
'if (args.prev_pid > 40 && args.prev_comm == "bash" || args.next_prio < 100) { n += 1 } elseif (args.prev_state == 2) { n += 2 } else { n += 3 }'
)
lbodies=(
'n = n + 1'
'local k = ev.prev_comm; t[k] = (t[k] or 0) + 1'
'local k = ev.prev_comm; local v = ev.prev_prio; local c = s[k]; if not c then c = {count = 0, sum = 0, min = v, max = v}; s[k] = c end; c.count = c.count + 1; c.sum = c.sum + v; if v < c.min then c.min = v end; if v > c.max then c.max = v end'
'local line = string.format("%s:%d\n", ev.prev_comm .. "->" .. ev.next_comm, ev.prev_pid)'
'if (ev.prev_pid > 40 and ev.prev_comm == "bash") or ev.next_prio < 100 then n = n + 1 elseif ev.prev_state == 2 then n = n + 2 else n = n + 3 end'
)
printf "%-24s %12s %12s %8s\n" "handler (N=$n)" "ktapvm ns" "lua5.1 ns" "ratio"
for i in "${!names[@]}"; do
    name=${names[$i]}; kbody=${kbodies[$i]}; lbody=${lbodies[$i]}
    printf 'n = 0\nt = {}\ns = ptable()\ntrace sched:sched_switch { %s }\n' "$kbody" > "$work/h$i.kp"
    dotnet "$ktapc" --target x86_64 "$work/h$i.kp" -o "$work/h$i.kbc" 2>/dev/null
    k=$("$runner" "$work/h$i.kbc" --events "$work/event.jsonl" --bench "$n" 2>&1 >/dev/null | sed -n 's/.*runs, \([0-9.]*\) ns\/event.*/\1/p')
    cat > "$work/h$i.lua" <<LUA
n = 0; t = {}; s = {}
local ev = {prev_comm = "bash", prev_pid = 42, prev_prio = 120, prev_state = 1, next_comm = "swapper/0", next_pid = 0, next_prio = 120}
local function h() $lbody end
local t0 = os.clock()
for i = 1, $n do h() end
io.write(string.format("%.1f", (os.clock() - t0) * 1e9 / $n))
LUA
    l=$(lua5.1 "$work/h$i.lua")
    printf "%-24s %12s %12s %7.2fx\n" "$name" "$k" "$l" "$(awk -v a="$k" -v b="$l" 'BEGIN { print a / b }')"
done

# memory per table entry: a handler storing one new number key per run
m=100000
printf 'n = 0\nt = {}\ntrace sched:sched_switch { n += 1; t[n] = n }\n' > "$work/mem.kp"
dotnet "$ktapc" --target x86_64 "$work/mem.kp" -o "$work/mem.kbc" 2>/dev/null
kmem=$("$runner" "$work/mem.kbc" --events "$work/event.jsonl" --bench "$m" --limit table=200000 --limit memory=67108864 2>&1 >/dev/null | sed -n 's/.*memory \([0-9]*\) bytes.*/\1/p')
lmem=$(lua5.1 -e "collectgarbage(); local b = collectgarbage('count'); t = {}; local n = 0; for i = 1, $m do n = n + 1; t[n * 7919 % 1000003 + 1000000] = n end; collectgarbage(); io.write(string.format('%d', (collectgarbage('count') - b) * 1024))")
printf "memory per table entry (%d entries): ktapvm %.1f bytes, lua5.1 %.1f bytes (hash part)\n" "$m" "$(awk -v a="$kmem" -v b="$m" 'BEGIN { print a / b }')" "$(awk -v a="$lmem" -v b="$m" 'BEGIN { print a / b }')"
