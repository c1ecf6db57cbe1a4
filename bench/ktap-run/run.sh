#!/usr/bin/env bash
# ktap run latency and throughput on a running board (default qemu-x86_64, or $KTAP_BOARD).
#  1. time from starting `ktap run -e 'print("ready") exit()'` to its first output line,
#     against a bare `ssh board true` measured in the same run (goal: at most 3x);
#  2. sustained records per second from board to terminal: one record per write(2) of
#     `dd bs=1 count=N` on the board, N records expected, lost records reported by the board.
# Needs: the board running with ktapvm deployed (ktap board start; ktap deploy).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
board=${KTAP_BOARD:-qemu-x86_64}
runs=${RUNS:-5}
state=${KTAP_STATE_DIR:-$HOME/.cache/ktap}/boards/$board
# ReadyToRun, as a user would install it: JIT time is most of a cold start otherwise.
dotnet publish "$root/toolchain/Ktap/ktap.csproj" -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$root/out/bench/ktap" --nologo -v q >/dev/null
ktap="$root/out/bench/ktap/ktap"
port=$(cat "$state/port")
ssh_cmd=(ssh -i "$state/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile="$state/known_hosts"
         -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR -p "$port" root@127.0.0.1)
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

"$ktap" run --board "$board" -e 'print("warm-up") exit()' >/dev/null  # caches the catalog, starts nothing new
ssh_times=(); ktap_times=()
for _ in $(seq "$runs"); do
    t0=$(now); "${ssh_cmd[@]}" true; t1=$(now)
    ssh_times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
    t0=$(now)
    "$ktap" run --board "$board" -e 'print("ready") exit()' | { read -r _; t1=$(now); echo "$t1" > /tmp/ktap-bench-first.$$; cat >/dev/null; }
    t1=$(cat /tmp/ktap-bench-first.$$)
    ktap_times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
done
rm -f /tmp/ktap-bench-first.$$
ssh_med=$(printf '%s\n' "${ssh_times[@]}" | median)
ktap_med=$(printf '%s\n' "${ktap_times[@]}" | median)
echo "ssh $board true:                  median $ssh_med s over $runs runs"
echo "ktap run to first output line:    median $ktap_med s over $runs runs"
awk -v k="$ktap_med" -v s="$ssh_med" 'BEGIN {printf "ratio ktap-run/ssh-true:          %.2fx (goal <= 3x)\n", k / s}'

for n in ${RECORDS:-20000 100000}; do
    err=$(mktemp)
    t0=$(now)
    got=$("$ktap" run --board "$board" -e 'trace syscalls:sys_enter_write { if (execname() == "dd") { print(1) } }' \
          -- dd if=/dev/zero of=/dev/null bs=1 count="$n" 2>"$err" | wc -l)
    t1=$(now)
    lost=$(grep -oE '[0-9]+ output records lost' "$err" | cut -d' ' -f1 || true)
    rm -f "$err"
    awk -v n="$n" -v g="$got" -v l="${lost:-0}" -v a="$t0" -v b="$t1" \
        'BEGIN {printf "records: %d expected, %d received, %d lost, %.1f s, %.0f records/s\n", n, g, l, b - a, g / (b - a)}'
done
