#!/usr/bin/env bash
# The cost of ktap on the emulated x86_64 board, against a native module, in one run:
# N getpid() calls timed in the workload (tests/kernel/workload.c) with no probe, with a
# ktap session counting syscalls:sys_enter_getpid into a table keyed by execname, and with
# native/native_count.ko doing the same in C through the same event delivery. Each is
# the best of KTAP_BENCH_RUNS (3) runs. Prints ktap's added cost / native's added cost
# (goal: at most 3) and the module's .text per kernel tree already built in out/module
# (tests/kernel/compile-check.sh builds them all). KTAP_BENCH_N calls (100000).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
board=qemu-x86_64
# The first free port of the kernel range (10030-10039) unless KTAP_BENCH_PORT is given:
# other sessions may share the machine.
port=${KTAP_BENCH_PORT:-}
if [ -z "$port" ]; then
    for p in $(seq 10031 10039); do
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { port=$p; break; }
    done
    port=${port:-10031}
fi
n=${KTAP_BENCH_N:-100000}
runs=${KTAP_BENCH_RUNS:-3}
work=$root/out/bench/kernel
mkdir -p "$work"
kbc() { python3 "$root/tests/kernel/kbc.py" "$@"; }
on_board() { timeout 300 bash "$root/boards/qemu/ssh.sh" "$board" "$@"; }

ko=${KTAP_KERNEL_KO:-$(bash "$root/scripts/build-module.sh" 6.1-amd64)}
rm -rf "$work/native"; cp -r "$here/native" "$work/native"
bash "$root/scripts/kernel-trees/make-module.sh" 6.1-amd64 "$work/native" >"$work/native.log" 2>&1 ||
    { cat "$work/native.log" >&2; exit 1; }
gcc -static -O2 -o "$work/ktapwl" "$root/tests/kernel/workload.c"
kbc build count spec=syscalls:sys_enter_getpid target=syscalls:sys_enter_getpid \
    comm=ktapwl > "$work/count.kbc"
bash "$root/boards/qemu/build-image.sh" "$board" >/dev/null
bash "$root/boards/qemu/start.sh" "$board" --port "$port" >/dev/null
trap 'bash "$root/boards/qemu/stop.sh" "$board" >/dev/null 2>&1' EXIT
for f in "$ko:/tmp/ktapvm.ko" "$work/native/native_count.ko:/tmp/native.ko" \
         "$work/ktapwl:/tmp/ktapwl" "$work/count.kbc:/tmp/count.kbc"; do
    on_board "cat > ${f#*:}" < "${f%%:*}"
done
on_board 'chmod +x /tmp/ktapwl; insmod /tmp/ktapvm.ko'

best() { sort -n | head -n 1; }
base=$(for _ in $(seq "$runs"); do on_board "/tmp/ktapwl getpid $n"; done | best)
ktap=$(for _ in $(seq "$runs"); do
    on_board "exec 3<>/dev/ktap; cat /tmp/count.kbc >&3 || exit 1
              cat <&3 > /tmp/records & r=\$!; /tmp/ktapwl getpid $n > /tmp/t; echo stop >&3; wait \$r; cat /tmp/t"
done | best)
on_board 'cat /tmp/records' > "$work/records"
counted=$(kbc records "$work/records" | awk -F'\t' '$1 == 1 {print $3}')
native=$(for _ in $(seq "$runs"); do
    on_board "insmod /tmp/native.ko && /tmp/ktapwl getpid $n; rmmod native_count"
done | best)
native_counted=$(on_board 'dmesg | grep "native_count: ktapwl" | tail -n 1' | awk '{print $NF}')

echo "getpid calls per run: $n (best of $runs runs, ns per call)"
awk -v b="$base" -v k="$ktap" -v c="$native" -v n="$n" 'BEGIN {
    printf "  no probe          %8.0f\n", b / n
    printf "  ktap (table)      %8.0f   added %6.0f\n", k / n, (k - b) / n
    printf "  native C module   %8.0f   added %6.0f\n", c / n, (c - b) / n
    if (c > b) printf "ktap added cost / native added cost: %.2f (goal <= 3)\n", (k - b) / (c - b)
    else print "native added cost not measurable"
}'
echo "counted: ktap $counted, native $native_counted (expected $n each)"
echo ".text of ktapvm.ko per kernel tree (size, bytes):"
for k in "$root"/out/module/*/ktapvm.ko; do
    [ -f "$k" ] && printf '  %-14s %s\n' "$(basename "$(dirname "$k")")" "$(size "$k" | awk 'NR == 2 {print $1}')"
done
