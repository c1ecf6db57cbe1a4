#!/usr/bin/env bash
# The cost of ktap on the emulated x86_64 board, against a native module, in one run:
# N getpid() calls timed in the workload (tests/kernel/workload.c) with no probe, with a
# ktap session counting syscalls:sys_enter_getpid into a table keyed by execname, and with
# native/native_count.ko doing the same in C through the same event delivery. Each is
# the best of KTAP_BENCH_RUNS (3) runs. Prints ktap's added cost / native's added cost
# (goal: at most 3) and the module's .text per kernel tree already built in out/module
# (tests/kernel/compile-check.sh builds them all). KTAP_BENCH_N calls (100000).
# KTAP_BENCH_AGAINST=COMMIT also builds COMMIT's module (`git archive` of its runtime/ and
# scripts/ into a temp dir, built with its own build-module.sh against the same headers) and
# times the ktap session with both modules on the same board and the same bundle, in
# KTAP_BENCH_RUNS interleaved rounds (before, after, ...): it prints each module's added
# cost per call (median), the after/before ratio of the added costs (median of the
# rounds, with min-max) and each against the native module. Before the safety work:
# KTAP_BENCH_AGAINST=4df0ee8 (KTAP_BENCH_BEFORE_KO=PATH: that commit's module, already
# built). KTAP_BENCH_PORT picks the board's SSH port.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
board=qemu-x86_64
# The first free port of the kernel tests' range (boards/ports.tsv) unless KTAP_BENCH_PORT
# is given: other sessions may share the machine.
source "$root/boards/qemu/ports.sh"
port=${KTAP_BENCH_PORT:-$(ktap_free_port kernel-tests)} || exit 1
n=${KTAP_BENCH_N:-100000}
runs=${KTAP_BENCH_RUNS:-3}
work=$root/out/bench/kernel
mkdir -p "$work"
kbc() { python3 "$root/tests/kernel/kbc.py" "$@"; }
on_board() { timeout 300 bash "$root/boards/qemu/ssh.sh" "$board" "$@"; }

ko=${KTAP_KERNEL_KO:-$(bash "$root/scripts/build-module.sh" 6.1-amd64)}
against=${KTAP_BENCH_AGAINST:-}
if [ -n "$against" ] && [ -n "${KTAP_BENCH_BEFORE_KO:-}" ]; then
    cp "$KTAP_BENCH_BEFORE_KO" "$work/ktapvm-before.ko"   # COMMIT's module, already built
elif [ -n "$against" ]; then
    old=$(mktemp -d)
    git -C "$root" archive "$against" runtime scripts | tar -x -C "$old"
    oldko=$(bash "$old/scripts/build-module.sh" 6.1-amd64) || { echo "bench: the module of $against does not build"; exit 1; }
    cp "$oldko" "$work/ktapvm-before.ko"; rm -rf "$old"
fi
rm -rf "$work/native"; cp -r "$here/native" "$work/native"
bash "$root/scripts/kernel-trees/make-module.sh" 6.1-amd64 "$work/native" >"$work/native.log" 2>&1 ||
    { cat "$work/native.log" >&2; exit 1; }
gcc -static -O2 -o "$work/ktapwl" "$root/tests/kernel/workload.c"
kbc build count spec=syscalls:sys_enter_getpid target=syscalls:sys_enter_getpid \
    comm=ktapwl > "$work/count.kbc"
source "$root/tests/lib/board-up.sh"    # board_boot
source "$root/bench/lib/overhead.sh"    # native_best, overhead_report
board_boot "$board" "$port" || exit 1
for f in "$ko:/tmp/ktapvm.ko" "$work/native/native_count.ko:/tmp/native.ko" \
         "$work/ktapwl:/tmp/ktapwl" "$work/count.kbc:/tmp/count.kbc"; do
    on_board "cat > ${f#*:}" < "${f%%:*}"
done
[ -z "$against" ] || on_board "cat > /tmp/ktapvm-before.ko" < "$work/ktapvm-before.ko"
on_board 'chmod +x /tmp/ktapwl; insmod /tmp/ktapvm.ko'

best() { sort -n | head -n 1; }
# one ktap-counted workload run with the module loaded now: total ns
ktap_once() {
    on_board "exec 3<>/dev/ktap; cat /tmp/count.kbc >&3 || exit 1
              cat <&3 > /tmp/records & r=\$!; /tmp/ktapwl getpid $n > /tmp/t; echo stop >&3; wait \$r; cat /tmp/t"
}
if [ -n "$against" ]; then
    base=$(for _ in $(seq "$runs"); do on_board "/tmp/ktapwl getpid $n"; done | best)
    native=$(for _ in $(seq "$runs"); do
        on_board "insmod /tmp/native.ko && /tmp/ktapwl getpid $n; rmmod native_count"
    done | best)
    : > "$work/rounds"
    for _ in $(seq "$runs"); do
        on_board 'rmmod ktapvm && insmod /tmp/ktapvm-before.ko' || { echo "bench: the module of $against does not load"; exit 1; }
        b=$(ktap_once)
        on_board 'rmmod ktapvm && insmod /tmp/ktapvm.ko'
        a=$(ktap_once)
        echo "$b $a" >> "$work/rounds"
    done
    echo "before = $against, after = this tree ($(git -C "$root" rev-parse --short HEAD)); getpid calls per run: $n, $runs interleaved rounds"
    awk -v base="$base" -v c="$native" -v n="$n" '
        function med(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                       return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
        { k++; b[k] = ($1 - base) / n; a[k] = ($2 - base) / n; r[k] = a[k] / b[k]; r2[k] = r[k] }
        END {
            mb = med(b, k); ma = med(a, k); mr = med(r, k); lo = r2[1]; hi = r2[1]
            for (i = 2; i <= k; i++) { if (r2[i] < lo) lo = r2[i]; if (r2[i] > hi) hi = r2[i] }
            printf "  no probe %.0f ns/call (best); native added %.0f ns/call (best)\n", base / n, (c - base) / n
            printf "  ktap added ns/call: before %.0f, after %.0f (medians)\n", mb, ma
            printf "  after/before added cost: %.3f (min-max %.3f-%.3f)\n", mr, lo, hi
            if (c > base) printf "  ktap/native added cost: before %.2f, after %.2f\n", mb / ((c - base) / n), ma / ((c - base) / n)
        }' "$work/rounds"
    exit 0
fi
base=$(for _ in $(seq "$runs"); do on_board "/tmp/ktapwl getpid $n"; done | best)
ktap=$(for _ in $(seq "$runs"); do
    on_board "exec 3<>/dev/ktap; cat /tmp/count.kbc >&3 || exit 1
              cat <&3 > /tmp/records & r=\$!; /tmp/ktapwl getpid $n > /tmp/t; echo stop >&3; wait \$r; cat /tmp/t"
done | best)
on_board 'cat /tmp/records' > "$work/records"
counted=$(kbc records "$work/records" | awk -F'\t' '$1 == 1 {print $3}')
native_best "$runs" "$n" > "$work/native"; native=$(cat "$work/native")

echo "getpid calls per run: $n (best of $runs runs, ns per call)"
overhead_report "$n" "$base" "$ktap" "$native"
echo "counted: ktap $counted, native $native_counted (expected $n each)"
echo ".text of ktapvm.ko per kernel tree (size, bytes):"
for k in "$root"/out/module/*/ktapvm.ko; do
    [ -f "$k" ] && printf '  %-14s %s\n' "$(basename "$(dirname "$k")")" "$(size "$k" | awk 'NR == 2 {print $1}')"
done
