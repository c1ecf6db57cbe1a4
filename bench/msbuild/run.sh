#!/usr/bin/env bash
# Incremental-build figures of Ktap.Targets: a full build of the sample firmware project
# (samples/firmware, 3 scripts, after `dotnet clean`) against a no-op build (nothing changed),
# both with the package, measured in the same run. Also a build after touching one script.
# Prints the median of N runs of each (wall time of `dotnet build`, and the time of the
# KtapCompile target alone from MSBuild's performance summary) and the ratios against the
# full build. The wall time includes the C# compile of the sample's one source file.
# Usage: bash bench/msbuild/run.sh [runs]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
runs=${1:-5}
work=$(mktemp -d /tmp/ktap-bench-msbuild.XXXXXX)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

dotnet pack toolchain/Ktap.Targets/Ktap.Targets.csproj -c Release -o "$work/feed" --nologo -v q >/dev/null
cp -r samples/firmware "$work/firmware"
rm -rf "$work/firmware/bin" "$work/firmware/obj"
cat > "$work/firmware/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="bench-feed" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="bench-feed"><package pattern="Ktap.Targets" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
export NUGET_PACKAGES="$work/nuget-packages"
project="$work/firmware/Firmware.csproj"
# No compiler server: nothing is left running after the benchmark.
build() { dotnet build "$project" --no-restore --nologo -tl:off -v:q -nodeReuse:false -p:UseSharedCompilation=false -clp:PerformanceSummary "$@" >"$work/build.log"; }
# Milliseconds of the KtapCompile target in the last build (Target Performance Summary).
ktap_ms() { awk '/Target Performance Summary/ {t=1} /Task Performance Summary/ {t=0} t && $3 == "KtapCompile" {print $1}' "$work/build.log"; }
dotnet restore "$project" --nologo -v q >/dev/null
build   # warm the disk cache and the SDK once; not counted

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
full=(); noop=(); touched=(); kfull=(); knoop=(); ktouched=()
for _ in $(seq "$runs"); do
    dotnet clean "$project" --nologo -v q -nodeReuse:false >/dev/null
    t0=$(now_ms); build; t1=$(now_ms); full+=($((t1 - t0))); kfull+=($(ktap_ms))
    t0=$(now_ms); build; t1=$(now_ms); noop+=($((t1 - t0))); knoop+=($(ktap_ms))
    touch "$work/firmware/probes/opens.kp"
    t0=$(now_ms); build; t1=$(now_ms); touched+=($((t1 - t0))); ktouched+=($(ktap_ms))
done
# Check that the no-op build really skipped the scripts.
skip=$(dotnet build "$project" --no-restore --nologo -tl:off -v:n -nodeReuse:false | grep -c 'Skipping target "KtapCompile"' || true)
[ "$skip" -ge 1 ] || { echo "no-op build did not skip KtapCompile"; exit 1; }

med() { printf '%s\n' "$@" | median; }
full_ms=$(med "${full[@]}"); noop_ms=$(med "${noop[@]}"); touched_ms=$(med "${touched[@]}")
kfull_ms=$(med "${kfull[@]}"); knoop_ms=$(med "${knoop[@]}"); ktouched_ms=$(med "${ktouched[@]}")
echo "sample firmware project, $(ls "$work/firmware/probes" | wc -l) scripts, $runs runs each (median), dotnet $(dotnet --version)"
echo "                           dotnet build     KtapCompile target"
printf 'full build (after clean):  %7d ms       %5d ms\n' "$full_ms" "$kfull_ms"
printf 'no-op build:               %7d ms       %5d ms\n' "$noop_ms" "$knoop_ms"
printf 'one script touched:        %7d ms       %5d ms\n' "$touched_ms" "$ktouched_ms"
echo "runs (build ms): full [${full[*]}] no-op [${noop[*]}] touched [${touched[*]}]"
awk -v f="$full_ms" -v n="$noop_ms" -v t="$touched_ms" -v kf="$kfull_ms" -v kn="$knoop_ms" -v kt="$ktouched_ms" 'BEGIN {
    printf "ratio no-op / full:        %.2f (build)   %.3f (KtapCompile)\n", n / f, kn / (kf > 0 ? kf : 1)
    printf "ratio one-touched / full:  %.2f (build)   %.3f (KtapCompile)\n", t / f, kt / (kf > 0 ? kf : 1) }'
