#!/usr/bin/env bash
# bench/ktapc/run.sh - how fast ktapc is, measured against /bin/true in the same run.
#  1. publishes ktapc NativeAOT (as users run it);
#  2. cold start: `ktapc --target x86_64 samples/sched/schedtimes.kp` vs `/bin/true`
#     (goal: <= 50 ms wall);
#  3. generated scripts of 1k, 10k and 100k lines (goal: 10k <= 1 s), with the ratios
#     10k/1k and 100k/10k (about 10 each when the cost grows linearly).
# Uses hyperfine when installed (scripts/deps/15-ktapc.sh installs it), else a loop
# timed with date +%s%N. Prints the figures; not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=$root/out/bench/ktapc
mkdir -p "$out"

# NativeAOT links with clang and needs zlib's development files.
if ! command -v clang >/dev/null || ! dpkg -s zlib1g-dev >/dev/null 2>&1; then
    echo "NativeAOT publishing needs clang and zlib1g-dev: apt-get install clang zlib1g-dev"
    exit 1
fi
echo "== publishing ktapc (NativeAOT, linux-x64)"
dotnet publish toolchain/Ktapc/ktapc/ktapc.csproj -c Release -r linux-x64 -o "$out/bin" --nologo -v q >"$out/publish.log" 2>&1 \
    || { cat "$out/publish.log"; echo "publish failed"; exit 1; }
ktapc=$out/bin/ktapc
sample=samples/sched/schedtimes.kp
for n in 1000 10000 100000; do bash bench/ktapc/gen-script.sh $n >"$out/gen-$n.kp"; done

# Everything timed must succeed, or the figures would time an error path.
"$ktapc" --target x86_64 "$sample" -o "$out/sample.kbc"
for n in 1000 10000 100000; do
    "$ktapc" --target x86_64 "$out/gen-$n.kp" -o "$out/gen-$n.kbc" 2>"$out/gen-$n.err" \
        || { head -5 "$out/gen-$n.err"; echo "generated $n-line script does not compile"; exit 1; }
done

# time_ms RUNS CMD... : "MEAN MIN CPU": mean and min wall time and mean user+system CPU
# time of CMD in milliseconds (CPU is "-" without hyperfine). On a busy machine the wall
# time includes waiting for a CPU; the CPU time does not.
time_ms() {
    local runs=$1; shift
    if command -v hyperfine >/dev/null; then
        hyperfine -N --style none --warmup 3 --runs "$runs" --export-csv "$out/h.csv" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
        awk -F, 'NR == 2 { printf "%.3f %.3f %.1f\n", $2 * 1000, $7 * 1000, ($5 + $6) * 1000 }' "$out/h.csv"
    else
        local i s e d total=0 min=
        for i in 1 2 3; do "$@" >/dev/null 2>&1 || true; done
        for ((i = 0; i < runs; i++)); do
            s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
            d=$((e - s)); total=$((total + d)); [ -z "$min" ] || [ "$d" -lt "$min" ] && min=$d
        done
        awk -v t="$total" -v n="$runs" -v m="$min" 'BEGIN { printf "%.3f %.3f -\n", t / n / 1e6, m / 1e6 }'
    fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v v="$1" -v g="$2" 'BEGIN { print (v <= g) ? "met" : "NOT met" }'; }

tool=$(command -v hyperfine >/dev/null && echo "hyperfine $(hyperfine --version | cut -d' ' -f2)" || echo "date +%s%N loop")
echo "== timing with $tool on $(nproc) CPUs ($(uname -m))"
read -r true_ms true_min true_cpu < <(time_ms 50 /bin/true)
read -r cold_ms cold_min cold_cpu < <(time_ms 30 "$ktapc" --target x86_64 "$sample" -o "$out/sample.kbc")
read -r l1k l1k_min l1k_cpu < <(time_ms 20 "$ktapc" --target x86_64 "$out/gen-1000.kp" -o "$out/gen-1000.kbc")
read -r l10k l10k_min l10k_cpu < <(time_ms 10 "$ktapc" --target x86_64 "$out/gen-10000.kp" -o "$out/gen-10000.kbc")
read -r l100k l100k_min l100k_cpu < <(time_ms 5 "$ktapc" --target x86_64 "$out/gen-100000.kp" -o "$out/gen-100000.kbc")

echo
printf "%-44s %10s %10s %12s %10s\n" "measurement" "mean ms" "min ms" "mean/true" "cpu ms"
printf "%-44s %10s %10s %12s %10s\n" "/bin/true (baseline)" "$true_ms" "$true_min" "1.00" "$true_cpu"
printf "%-44s %10s %10s %12s %10s\n" "ktapc cold, $sample" "$cold_ms" "$cold_min" "$(ratio "$cold_ms" "$true_ms")" "$cold_cpu"
printf "%-44s %10s %10s %12s %10s\n" "ktapc, generated 1,000 lines" "$l1k" "$l1k_min" "$(ratio "$l1k" "$true_ms")" "$l1k_cpu"
printf "%-44s %10s %10s %12s %10s\n" "ktapc, generated 10,000 lines" "$l10k" "$l10k_min" "$(ratio "$l10k" "$true_ms")" "$l10k_cpu"
printf "%-44s %10s %10s %12s %10s\n" "ktapc, generated 100,000 lines" "$l100k" "$l100k_min" "$(ratio "$l100k" "$true_ms")" "$l100k_cpu"
echo
echo "growth (wall) 10k/1k = $(ratio "$l10k" "$l1k"), 100k/10k = $(ratio "$l100k" "$l10k") (10 = linear; below 10 while start-up dominates)"
[ "$l1k_cpu" != - ] && echo "growth (cpu)  10k/1k = $(ratio "$l10k_cpu" "$l1k_cpu"), 100k/10k = $(ratio "$l100k_cpu" "$l10k_cpu")"
echo "goal cold start <= 50 ms: $(verdict "$cold_ms" 50) ($cold_ms ms)"
echo "goal 10k lines <= 1000 ms: $(verdict "$l10k" 1000) ($l10k ms)"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (other work on the machine inflates the long runs most)"
