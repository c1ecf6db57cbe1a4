#!/usr/bin/env bash
# bench/tools/run.sh [ROUNDS] - start-up of the tools scripts/install-tools.sh installs in
# out/bin (ktapc NativeAOT, ktap ReadyToRun) against the same tools run as `dotnet X.dll`
# (the JIT, what out/bin held before), measured in the same run: ROUNDS (default 20)
# interleaved rounds, each timing once
#   ktapc -t x86_64 -e 'trace syscalls:sys_enter_read { print(1) }' -o FILE   (a cold compile)
#   ktap boards                                                              (no board needed)
# with date +%s%N, and /bin/true as the floor of a process start. Prints the medians and
# the ratios JIT/installed (how many times faster the installed tool starts). Not a test.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-20}
out=out/bench/tools
mkdir -p "$out"
[ -x out/tools/ktapc/ktapc ] && [ -x out/tools/ktap/ktap ] || bash scripts/install-tools.sh
dotnet build toolchain/Ktap/ktap.csproj -c Release --nologo -v q > "$out/build.log" 2>&1   # the JIT baseline (builds ktapc too)
jit_ktapc=toolchain/Ktapc/ktapc/bin/Release/net10.0/ktapc.dll
jit_ktap=toolchain/Ktap/bin/Release/net10.0/ktap.dll
script='trace syscalls:sys_enter_read { print(1) }'
declare -A runs
one() { # one NAME CMD...: appends the wall time in microseconds to runs[NAME]
    local name=$1 s e; shift
    s=$(date +%s%N); "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; e=$(date +%s%N)
    runs[$name]+="$(( (e - s) / 1000 )) "
}
for _ in $(seq 1 "$rounds"); do
    one true /bin/true
    one ktapc-aot out/tools/ktapc/ktapc -t x86_64 -e "$script" -o "$out/a.kbc"
    one ktapc-jit dotnet "$jit_ktapc" -t x86_64 -e "$script" -o "$out/b.kbc"
    one ktap-r2r out/tools/ktap/ktap boards
    one ktap-jit dotnet "$jit_ktap" boards
done
cmp -s "$out/a.kbc" "$out/b.kbc" || { echo "the two ktapc builds wrote different bundles" >&2; exit 1; }
median() { tr ' ' '\n' <<< "${runs[$1]}" | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
printf '%-28s %10s\n' "median of $rounds rounds" "ms"
for k in true ktapc-aot ktapc-jit ktap-r2r ktap-jit; do printf '%-28s %10.1f\n' "$k" "$(awk -v u="$(median $k)" 'BEGIN {print u / 1000}')"; done
awk -v a="$(median ktapc-aot)" -v j="$(median ktapc-jit)" -v r="$(median ktap-r2r)" -v k="$(median ktap-jit)" \
    'BEGIN { printf "ratio ktapc JIT/NativeAOT      %6.1f\nratio ktap  JIT/ReadyToRun     %6.1f\n", j / a, k / r }'
