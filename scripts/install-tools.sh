#!/usr/bin/env bash
# Installs the fast-starting tools in out/bin (issue 13, item 4):
#   ktapc  NativeAOT: one native executable, no JIT at start-up (out/tools/ktapc/ktapc)
#   ktap   ReadyToRun, framework-dependent: SSH.NET and YamlDotNet are not trimming-safe,
#          so ktap is precompiled instead of AOT-compiled (out/tools/ktap/ktap)
# out/bin/ktapc and out/bin/ktap are links to them. NativeAOT links with clang and zlib
# (scripts/deps/15-ktapc.sh installs them). bench/tools/run.sh measures the start-up gain.
set -euo pipefail
cd "$(dirname "$0")/.."
case "$(uname -m)" in x86_64) rid=linux-x64 ;; aarch64) rid=linux-arm64 ;; *) rid=linux-$(uname -m) ;; esac
mkdir -p out/tools out/bin
dotnet publish toolchain/Ktapc/ktapc/ktapc.csproj -c Release -r "$rid" -o out/tools/ktapc --nologo -v q \
    > out/tools/ktapc.log 2>&1 || { tail -n 20 out/tools/ktapc.log; echo "install-tools: ktapc NativeAOT publish failed" >&2; exit 1; }
dotnet publish toolchain/Ktap/ktap.csproj -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
    -o out/tools/ktap --nologo -v q > out/tools/ktap.log 2>&1 ||
    { tail -n 20 out/tools/ktap.log; echo "install-tools: ktap ReadyToRun publish failed" >&2; exit 1; }
ln -sfn ../tools/ktapc/ktapc out/bin/ktapc
ln -sfn ../tools/ktap/ktap out/bin/ktap
out/bin/ktapc --version > /dev/null && out/bin/ktap --help > /dev/null
echo "install-tools: out/bin/ktapc (NativeAOT, $rid) and out/bin/ktap (ReadyToRun)"
