#!/usr/bin/env bash
# Incremental-build figures of Ktap.Targets: a full build of the sample firmware project
# (samples/firmware, 3 scripts, after `dotnet clean`) against a no-op build (nothing changed),
# both with the package, measured in the same run. Also a build after touching one script.
# Prints the median of N runs of each and the ratios against the full build.
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
</configuration>
XML
export NUGET_PACKAGES="$work/nuget-packages"
project="$work/firmware/Firmware.csproj"
# No compiler server: nothing is left running after the benchmark.
build() { dotnet build "$project" --no-restore --nologo -tl:off -v:q -nodeReuse:false -p:UseSharedCompilation=false "$@" >/dev/null; }
dotnet restore "$project" --nologo -v q >/dev/null
build   # warm the disk cache and the SDK once; not counted

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
full=(); noop=(); touched=()
for _ in $(seq "$runs"); do
    dotnet clean "$project" --nologo -v q -nodeReuse:false >/dev/null
    t0=$(now_ms); build; t1=$(now_ms); full+=($((t1 - t0)))
    t0=$(now_ms); build; t1=$(now_ms); noop+=($((t1 - t0)))
    touch "$work/firmware/probes/opens.kp"
    t0=$(now_ms); build; t1=$(now_ms); touched+=($((t1 - t0)))
done
# Check that the no-op build really skipped the scripts.
skip=$(dotnet build "$project" --no-restore --nologo -tl:off -v:n -nodeReuse:false | grep -c 'Skipping target "KtapCompile"' || true)
[ "$skip" -ge 1 ] || { echo "no-op build did not skip KtapCompile"; exit 1; }

full_ms=$(printf '%s\n' "${full[@]}" | median)
noop_ms=$(printf '%s\n' "${noop[@]}" | median)
touched_ms=$(printf '%s\n' "${touched[@]}" | median)
echo "sample firmware project, $(ls "$work/firmware/probes" | wc -l) scripts, $runs runs each (median), dotnet $(dotnet --version)"
echo "full build (after clean):  ${full_ms} ms   [${full[*]}]"
echo "no-op build:               ${noop_ms} ms   [${noop[*]}]"
echo "one script touched:        ${touched_ms} ms   [${touched[*]}]"
awk -v f="$full_ms" -v n="$noop_ms" -v t="$touched_ms" 'BEGIN {
    printf "ratio no-op / full:        %.2f\n", n / f
    printf "ratio one-touched / full:  %.2f\n", t / f }'
