#!/usr/bin/env bash
# Usage: headers.sh <flavour>
# Fetches Debian's kernel headers of one flavour (headers, -common and the amd64 kbuild tools
# of the same version), unpacks them with dpkg-deb -x under
# $KTAP_STATE_DIR/headers/<flavour>/, points their Makefile at the unpacked tree and prints
# the directory to pass to `make -C`. Cached: a second run only prints the directory.
# Flavours: 6.1-amd64 6.1-rt-amd64 5.10-amd64 6.12-amd64 6.1-armmp 6.1-686
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
    *) echo "headers.sh: unknown flavour '${flavour}'; known: 6.1-amd64 6.1-rt-amd64 5.10-amd64 6.12-amd64 6.1-armmp 6.1-686" >&2
       exit 2 ;;
esac

dir=$KTAP_STATE_DIR/headers/$flavour
if [ -f "$dir/ready" ]; then
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
ln -sfn "$build" "$dir/build"
echo "$version" > "$dir/version"
echo "${pkg#linux-headers-}" > "$dir/release"
touch "$dir/ready"
echo "$dir/build"
