#!/usr/bin/env bash
# Installs and builds everything on a fresh Debian 12 machine, then runs a sample on the
# emulated x86_64 board (the default board when you have none):
#   1. packages (scripts/deps.sh), 2. the C# toolchain, 3. the user-space VM runner,
#   4. ktapvm.ko for the board's kernel, 5. the board image, 6. boot, deploy, run.
# Leaves `ktapc` and `ktap` in out/bin (add it to PATH) and the board running
# (`ktap board stop qemu-x86_64` stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
step() { printf '\n== %s\n' "$*"; }

step "installing packages (apt-get, NuGet)"
bash scripts/deps.sh

step "building the toolchain (ktapc, ktap, Ktap.Targets)"
dotnet build Ktap.sln -c Release --nologo -v q

step "building the user-space VM runner (ktap replay)"
make -C runtime/ktapvm/user -s

step "building ktapvm.ko for the emulated board's kernel (Debian 6.1 amd64)"
module=$(bash scripts/build-module.sh 6.1-amd64 | tail -n 1)

step "building the emulated board's image"
bash boards/qemu/build-image.sh qemu-x86_64 --module "$module"

step "installing ktapc (NativeAOT) and ktap (ReadyToRun) in out/bin"
bash scripts/install-tools.sh
export PATH=$root/out/bin:$PATH

step "booting the board, loading the module"
ktap board start qemu-x86_64
ktap deploy --board qemu-x86_64

step "running samples/syscalls/syscount.kp on the board while it runs dd"
ktap run --board qemu-x86_64 samples/syscalls/syscount.kp -- dd if=/dev/zero of=/dev/null bs=512 count=10000

cat <<DONE

Done. Add the tools to your PATH:   export PATH="$root/out/bin:\$PATH"
Try:   ktap run -e 'trace syscalls:sys_enter_openat { printf("%s %s\\n", execname(), user_string(arg3)) }' -- cat /etc/hostname
Stop the board:   ktap board stop qemu-x86_64
DONE
