#!/usr/bin/env bash
# Per-event handler cost of the user-space VM (ktapvm-run --bench: one probe fired N times
# in-process with the same event) against Debian's lua5.1 calling an equivalent Lua
# function N times, measured in the same run. Prints each ratio (goal <= 1.0x) and the
# memory per table entry of both.
#   bench/vm/run.sh [N]                                (default N=1000000)
#   bench/vm/run.sh [N] --against COMMIT [--rounds R]  (default R=5)
# --against COMMIT also builds COMMIT's runner (`git archive` of its runtime/ into a temp
# dir: core, platform and runner as they were; the platform interface has changed since, so
# the current runner cannot take an old core) and times the SAME bundles (this tree's ktapc)
# on both, so the difference is the VM's alone. The machine may be shared: each workload
# runs R rounds of before, after, lua5.1 interleaved, and the table gives per workload the
# medians of before and after ns/event, the median of the per-round after/before ratios with
# their spread (min-max), and the median lua5.1 ratio of each. Ratios, not absolute timings,
# are what to compare. Before the safety work: --against 4df0ee8 (the core before the
# run-time checks, as in tests/runtime/ktapvm/hostile-before.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=1000000 against= rounds=5
while [ $# -gt 0 ]; do
    case $1 in
        --against) against=${2:?--against needs a commit}; shift 2 ;;
        --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
        *) n=$1; shift ;;
    esac
done
runner=$root/out/runtime/native/ktapvm-run
ktapc=$root/toolchain/Ktapc/ktapc/bin/Release/net10.0/ktapc.dll
command -v lua5.1 >/dev/null || { echo "bench: lua5.1 not installed (scripts/deps/20-runtime.sh)"; exit 1; }
[ -x "$runner" ] || make -s -C "$root/runtime/ktapvm/user" VARIANT=native >/dev/null
[ -f "$ktapc" ] || (cd "$root" && dotnet build toolchain/Ktapc/ktapc/ktapc.csproj -c Release --nologo -v q >/dev/null)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "$against" ]; then
    mkdir -p "$work/before"
    git -C "$root" archive "$against" runtime | tar -x -C "$work/before"
    # only the runner: that commit's unit tests live outside runtime/
    make -s -C "$work/before/runtime/ktapvm/user" VARIANT=native "$work/before/out/runtime/native/ktapvm-run" >/dev/null ||
        { echo "bench: building the runner of $against failed"; exit 1; }
    before=$work/before/out/runtime/native/ktapvm-run
fi
cat > "$work/event.jsonl" <<'JSON'
{"event":"sched:sched_switch","ts":1000000,"cpu":0,"pid":42,"tid":42,"uid":0,"comm":"bash","fields":{"prev_comm":"bash","prev_pid":42,"prev_prio":120,"prev_state":1,"next_comm":"swapper/0","next_pid":0,"next_prio":120}}
JSON
# the runner reads the stream ktap replay writes (docs/replay-format.md); a runner from
# before that stream (it still had user/json.c) reads the JSON itself
(cd "$root" && dotnet build toolchain/Ktap/ktap.csproj -c Release --nologo -v q >/dev/null) &&
    dotnet "$root/toolchain/Ktap/bin/Release/net10.0/ktap.dll" replay-events "$work/event.jsonl" -o "$work/event.krs" ||
    { echo "bench: ktap replay-events failed"; exit 1; }
if [ -n "$against" ]; then
    before_events=$work/event.krs
    [ -f "$work/before/runtime/ktapvm/user/json.c" ] && before_events=$work/event.jsonl
fi

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
# ns/event of RUNNER on bundle $1 (empty when the runner refused it: the message goes to stderr)
ktap_ns() {
    local out ns events=$work/event.krs
    [ "$1" = "${before:-}" ] && events=$before_events
    out=$("$1" "$2" --events "$events" --bench "$n" 2>&1 >/dev/null) || true
    ns=$(sed -n 's/.*runs, \([0-9.]*\) ns\/event.*/\1/p' <<<"$out")
    [ -n "$ns" ] || echo "bench: $1 on $2: $(head -3 <<<"$out")" >&2
    echo "$ns"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
if [ -z "$against" ]; then
    printf "%-24s %12s %12s %8s\n" "handler (N=$n)" "ktapvm ns" "lua5.1 ns" "ratio"
else
    echo "before = $against ($(git -C "$root" rev-parse --short "$against")), after = this tree ($(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- runtime || echo ', modified')); N=$n, $rounds interleaved rounds, medians"
    printf "%-22s %10s %10s %9s %15s %10s %10s %9s\n" "handler" "before ns" "after ns" "aft/bef" "(min-max)" "lua5.1 ns" "bef/lua" "aft/lua"
fi
for i in "${!names[@]}"; do
    name=${names[$i]}; kbody=${kbodies[$i]}; lbody=${lbodies[$i]}
    printf 'n = 0\nt = {}\ns = ptable()\ntrace sched:sched_switch { %s }\n' "$kbody" > "$work/h$i.kp"
    dotnet "$ktapc" --target x86_64 "$work/h$i.kp" -o "$work/h$i.kbc" 2>/dev/null
    cat > "$work/h$i.lua" <<LUA
n = 0; t = {}; s = {}
local ev = {prev_comm = "bash", prev_pid = 42, prev_prio = 120, prev_state = 1, next_comm = "swapper/0", next_pid = 0, next_prio = 120}
local function h() $lbody end
local t0 = os.clock()
for i = 1, $n do h() end
io.write(string.format("%.1f", (os.clock() - t0) * 1e9 / $n))
LUA
    if [ -z "$against" ]; then
        k=$(ktap_ns "$runner" "$work/h$i.kbc")
        l=$(lua5.1 "$work/h$i.lua")
        printf "%-24s %12s %12s %7.2fx\n" "$name" "$k" "$l" "$(ratio "$k" "$l")"
        continue
    fi
    : > "$work/r$i"
    for ((r = 0; r < rounds; r++)); do
        b=$(ktap_ns "$before" "$work/h$i.kbc")
        a=$(ktap_ns "$runner" "$work/h$i.kbc")
        l=$(lua5.1 "$work/h$i.lua")
        [ -n "$b" ] && [ -n "$a" ] || { echo "bench: $name: a runner refused the bundle (above)"; continue 2; }
        echo "$b $a $l $(ratio "$a" "$b") $(ratio "$b" "$l") $(ratio "$a" "$l")" >> "$work/r$i"
    done
    col() { awk -v c="$1" '{ print $c }' "$work/r$i"; }
    printf "%-22s %10s %10s %8sx %15s %10s %8sx %8sx\n" "$name" "$(col 1 | median)" "$(col 2 | median)" "$(col 4 | median)" \
        "($(col 4 | sort -g | head -1)-$(col 4 | sort -g | tail -1))" "$(col 3 | median)" "$(col 5 | median)" "$(col 6 | median)"
done
[ -n "$against" ] && exit 0

# memory per table entry: a handler storing one new number key per run
m=100000
printf 'n = 0\nt = {}\ntrace sched:sched_switch { n += 1; t[n] = n }\n' > "$work/mem.kp"
dotnet "$ktapc" --target x86_64 "$work/mem.kp" -o "$work/mem.kbc" 2>/dev/null
kmem=$("$runner" "$work/mem.kbc" --events "$work/event.krs" --bench "$m" --limit table=200000 --limit memory=67108864 2>&1 >/dev/null | sed -n 's/.*memory \([0-9]*\) bytes.*/\1/p')
lmem=$(lua5.1 -e "collectgarbage(); local b = collectgarbage('count'); t = {}; local n = 0; for i = 1, $m do n = n + 1; t[n * 7919 % 1000003 + 1000000] = n end; collectgarbage(); io.write(string.format('%d', (collectgarbage('count') - b) * 1024))")
printf "memory per table entry (%d entries): ktapvm %.1f bytes, lua5.1 %.1f bytes (hash part)\n" "$m" "$(awk -v a="$kmem" -v b="$m" 'BEGIN { print a / b }')" "$(awk -v a="$lmem" -v b="$m" 'BEGIN { print a / b }')"
