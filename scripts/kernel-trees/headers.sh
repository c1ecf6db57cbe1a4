#!/usr/bin/env bash
# Usage: headers.sh <flavour>
# Fetches Debian's kernel headers of one flavour (headers, -common and the amd64 kbuild tools
# of the same version), unpacks them with dpkg-deb -x under
# $KTAP_STATE_DIR/headers/<flavour>/, points their Makefile at the unpacked tree and prints
# the directory to pass to `make -C`. Cached: a second run only prints the directory.
# Flavours: 6.1-amd64 6.1-rt-amd64 5.10-amd64 6.12-amd64 6.1-armmp 6.1-686 6.1-arm64
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/apt.sh"

flavour=${1:-}
case "$flavour" in
    6.1-amd64)    suite=bookworm; meta=linux-headers-amd64 ;;
    6.1-rt-amd64) suite=bookworm; meta=linux-headers-rt-amd64 ;;
    5.10-amd64)   suite=bullseye; meta=linux-headers-amd64 ;;
    6.12-amd64)   suite=trixie;   meta=linux-headers-amd64 ;;
    6.1-armmp)    suite=bookworm; meta=linux-headers-armmp:armhf ;;
    6.1-686)      suite=bookworm; meta=linux-headers-686:i386 ;;
    6.1-arm64)    suite=bookworm; meta=linux-headers-arm64:arm64 ;;
    *) echo "headers.sh: unknown flavour '${flavour}'; known: 6.1-amd64 6.1-rt-amd64 5.10-amd64 6.12-amd64 6.1-armmp 6.1-686 6.1-arm64" >&2
       exit 2 ;;
esac

dir=$KTAP_STATE_DIR/headers/$flavour
# The stamp changes with this script, so a tree prepared by an older version is redone.
stamp=$(sha256sum < "$0" | cut -c1-16)
# One preparation at a time per flavour: a module build that read a tree another process
# was still unpacking failed with missing asm/ headers (two test runs sharing the cache).
mkdir -p "$(dirname "$dir")"
exec 9> "$dir.lock"
flock 9
if [ "$(cat "$dir/ready" 2>/dev/null)" = "$stamp" ]; then
    echo "$dir/build"
    exit 0
fi

arch_suffix=
case "$meta" in *:*) arch_suffix=:${meta#*:} ;; esac
pkg=$(ktap_apt_first_dep "$suite" "$meta")
pkg=${pkg%%:*}
version=$(ktap_apt_version "$suite" "$pkg$arch_suffix")
# The headers package depends on its -common package(s) and on linux-kbuild-X.Y; take the
# same version of each, and the kbuild tools for the host (amd64), which run the build.
deps=$(ktap_apt "$suite" apt-cache depends "$pkg$arch_suffix" |
    awk '/Depends:/ {gsub(/[<>]/, "", $2); sub(/:.*/, "", $2); print $2}' |
    grep -E '^linux-(headers|kbuild)-' | sort -u)
wanted=("$pkg$arch_suffix=$version")
for d in $deps; do
    case "$d" in
        linux-kbuild-*) wanted+=("$d:amd64=$version") ;;
        *) wanted+=("$d=$version") ;;   # -common packages are architecture-independent
    esac
done

debs=$KTAP_STATE_DIR/debs/$suite
ktap_apt_fetch "$suite" "$debs" "${wanted[@]}"

rm -rf "$dir"
mkdir -p "$dir/root"
for w in "${wanted[@]}"; do
    name=${w%%=*}; name=${name%%:*}
    deb=$(ls "$debs/${name}_${version//:/%3a}_"*.deb 2>/dev/null | head -n 1)
    [ -n "$deb" ] || { echo "headers.sh: downloaded package $name $version not found in $debs" >&2; exit 1; }
    dpkg-deb -x "$deb" "$dir/root"
done

build=$dir/root/usr/src/$pkg
[ -f "$build/Makefile" ] || { echo "headers.sh: $build/Makefile missing after unpacking" >&2; exit 1; }
# Debian's per-flavour Makefile includes the -common tree by its installed, absolute path.
sed -i "s#^include /usr/src/#include $dir/root/usr/src/#" "$build/Makefile"
# The headers name the compiler Debian built them with (gcc-12, gcc-14...). When this host
# lacks it, use the host's own gcc of the same target (5.10 and 6.12 headers, see
# docs/kernel-versions.md).
kv=$build/.kernelvariables
if [ -f "$kv" ]; then
    cc=$(sed -n 's/^CC = .*(CROSS_COMPILE)\(gcc-[0-9]*\).*/\1/p' "$kv")
    if [ -n "$cc" ] && ! command -v "$cc" >/dev/null && ! command -v "x86_64-linux-gnu-$cc" >/dev/null; then
        sed -i "s/(CROSS_COMPILE)$cc/(CROSS_COMPILE)gcc/" "$kv"
        echo "headers.sh: $flavour was built with $cc, which this host lacks: using gcc" >&2
    fi
fi
# Options the headers' configuration assumes of gcc-14 that the host's gcc lacks.
auto=$build/include/config/auto.conf
if grep -q '^CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=y' "$auto" &&
   ! gcc -fmin-function-alignment=16 -x c -c /dev/null -o /dev/null 2>/dev/null; then
    sed -i 's/^CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=y/# CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT is not set/' "$auto"
    echo "headers.sh: $flavour: host gcc lacks -fmin-function-alignment: using -falign-functions" >&2
fi
# BTF for modules needs a pahole as new as the one the kernel was built with (trixie's 1.28+).
want_pahole=$(sed -n 's/^CONFIG_PAHOLE_VERSION=//p' "$auto")
have_pahole=$(pahole --version 2>/dev/null | tr -dc '0-9' || true)
if grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$auto" && [ -f "$build/vmlinux" ] &&
   [ "${have_pahole:-0}" -lt "${want_pahole:-0}" ]; then
    sed -i 's/^CONFIG_DEBUG_INFO_BTF_MODULES=y/# CONFIG_DEBUG_INFO_BTF_MODULES is not set/' "$auto"
    echo "headers.sh: $flavour: host pahole (${have_pahole:-none}) older than $want_pahole: modules built without BTF" >&2
fi
# The unpacked kbuild tools (modpost, objtool...) of a newer suite may need a newer glibc
# than the host's (trixie's need 2.38): run them with that suite's own libc6, unpacked
# beside them, through its dynamic loader.
kbuild_dir=$(cd -P "$build/scripts/.." && pwd)
host_glibc=$(ldd --version | awk 'NR == 1 {print $NF}')
needs_newer() {
    local v
    v=$(readelf -V "$1" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1)
    [ -n "$v" ] && [ "$(printf '%s\n%s\n' "$v" "$host_glibc" | sort -V | tail -n 1)" != "$host_glibc" ]
}
newer=()
while read -r f; do
    [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] && needs_newer "$f" && newer+=("$f")
done < <(find "$kbuild_dir/" -type f -perm -u+x)
if [ ${#newer[@]} -gt 0 ]; then
    libc_version=$(ktap_apt_version "$suite" libc6)
    ktap_apt_fetch "$suite" "$debs" "libc6:amd64=$libc_version"
    dpkg-deb -x "$(ls "$debs/libc6_${libc_version//:/%3a}_amd64.deb")" "$dir/glibc"
    loader=$(ls "$dir"/glibc/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$dir"/glibc/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 2>/dev/null | head -n 1 || true)
    libdir=$(dirname "$loader")
    for f in "${newer[@]}"; do
        mv "$f" "$f.elf"
        printf '#!/bin/sh\n# Runs with %s glibc (headers.sh).\nexec %s --library-path %s "$0.elf" "$@"\n' \
            "$suite's" "$loader" "$libdir" > "$f"
        chmod +x "$f"
    done
    echo "headers.sh: $flavour: ${#newer[@]} kbuild tools need glibc > $host_glibc: they run with $suite's libc6 $libc_version" >&2
fi
# Extra make arguments for this tree (make-module.sh passes them): the cross compiler.
make_args=
case "$flavour" in *armmp) make_args="ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-" ;;
                   *686) make_args="ARCH=x86 CROSS_COMPILE=i686-linux-gnu-" ;;
                   *arm64) make_args="ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" ;; esac
echo "$make_args" > "$dir/make-args"
ln -sfn "$build" "$dir/build"
echo "$version" > "$dir/version"
echo "${pkg#linux-headers-}" > "$dir/release"
echo "$stamp" > "$dir/ready"
echo "$dir/build"
