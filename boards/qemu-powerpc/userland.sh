#!/usr/bin/env bash
# Usage: userland.sh
# Debian has no 32-bit powerpc userland, but serves the sources: builds busybox and dropbear
# (Debian bookworm's sources with Debian's patches) statically with powerpc-linux-gnu-gcc.
# Cached under $KTAP_STATE_DIR/userland/bookworm-powerpc/ ; prints that directory
# (root/ holds bin/busybox and usr/sbin/dropbear, versions lists what was built).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/scripts/kernel-trees/apt.sh"
cross=powerpc-linux-gnu-
command -v "${cross}gcc" >/dev/null || { echo "userland.sh: ${cross}gcc not found" >&2; exit 1; }
out=$KTAP_STATE_DIR/userland/bookworm-powerpc
stamp=$(sha256sum < "$0" | cut -c1-16)
if [ "$(cat "$out/ready" 2>/dev/null)" = "$stamp" ]; then echo "$out"; exit 0; fi
rm -rf "$out"; mkdir -p "$out/src" "$out/root/bin" "$out/root/usr/sbin"
( cd "$out/src" && ktap_apt bookworm-src apt-get source -qq --download-only busybox dropbear ) ||
    { echo "userland.sh: cannot download the busybox and dropbear sources" >&2; exit 1; }

# Unpacks <name>'s upstream tarball and applies Debian's patch series.
unpack() {
    local name=$1 dir=$out/src/$1 dsc
    dsc=$(ls "$out/src/${name}_"*.dsc | head -n 1)
    mkdir -p "$dir"
    tar -C "$dir" --strip-components=1 -xf "$(ls "$out/src/${name}_"*.orig.tar.* | grep -v '\.asc$' | head -n 1)"
    tar -C "$dir" -xf "$(ls "$out/src/${name}_"*.debian.tar.* | head -n 1)"
    grep -v '^#' "$dir/debian/patches/series" | grep -v '^$' | while read -r p; do
        patch -s -p1 -d "$dir" < "$dir/debian/patches/$p" ||
            { echo "userland.sh: $name: patch $p does not apply" >&2; exit 1; }
    done
    basename "$dsc" .dsc | sed 's/_/ /' >> "$out/versions"
}

unpack busybox
( cd "$out/src/busybox"
  make -s CROSS_COMPILE=$cross defconfig >/dev/null
  # Static; tc does not build against current kernel headers and no board needs it.
  sed -i 's/^# CONFIG_STATIC is not set/CONFIG_STATIC=y/; s/^CONFIG_TC=y/# CONFIG_TC is not set/' .config
  make -s -j2 CROSS_COMPILE=$cross >build.log 2>&1 ) ||
    { tail -n 20 "$out/src/busybox/build.log" >&2; echo "userland.sh: busybox build failed" >&2; exit 1; }
cp "$out/src/busybox/busybox" "$out/root/bin/busybox"

unpack dropbear
( cd "$out/src/dropbear"
  # Keys only: no password (and so no crypt()) on the board.
  printf '#define DROPBEAR_SVR_PASSWORD_AUTH 0\n#define DROPBEAR_SVR_PAM_AUTH 0\n' > localoptions.h
  CC=${cross}gcc AR=${cross}ar RANLIB=${cross}ranlib ./configure -q --host=powerpc-linux-gnu \
      --enable-static --disable-zlib --enable-bundled-libtom --disable-pam --disable-lastlog \
      --disable-utmp --disable-utmpx --disable-wtmp --disable-wtmpx >build.log 2>&1
  make -s -j2 PROGRAMS=dropbear STATIC=1 >>build.log 2>&1 ) ||
    { tail -n 20 "$out/src/dropbear/build.log" >&2; echo "userland.sh: dropbear build failed" >&2; exit 1; }
cp "$out/src/dropbear/dropbear" "$out/root/usr/sbin/dropbear"
${cross}strip "$out/root/usr/sbin/dropbear"
rm -rf "$out/src"
echo "$stamp" > "$out/ready"
echo "$out"
