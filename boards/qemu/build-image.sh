#!/usr/bin/env bash
# Usage: build-image.sh <board> [--module PATH.ko]...
# Builds the board's kernel image and initramfs under $KTAP_STATE_DIR/boards/<board>/:
# Debian's kernel (the same version as the board's headers flavour), busybox-static and
# dropbear from Debian packages of the board's architecture, the NIC/RNG modules, the
# client key in root's authorized_keys and a host key generated once here (pinned in
# known_hosts). Modules given with --module go to /lib/modules/ktap/ on the board.
# Cached: rebuilds only when an input changed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$ktap_repo/scripts/kernel-trees/apt.sh"

modules=()
board_arg=
while [ $# -gt 0 ]; do
    case "$1" in
        --module) [ $# -ge 2 ] || ktap_die "--module needs a path"
                  [ -f "$2" ] || ktap_die "--module $2: no such file"
                  case "$2" in *.ko) ;; *) ktap_die "--module $2: not a .ko file" ;; esac
                  modules+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift 2 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        -*) ktap_die "unknown option $1" ;;
        *) [ -z "$board_arg" ] || ktap_die "one board only (got '$board_arg' and '$1')"
           board_arg=$1; shift ;;
    esac
done
ktap_board_load "$board_arg"
mkdir -p "$board_dir"
# One build of a board's image at a time: two callers (a test fixture and a `ktap run` that
# found the board down, or two terminals on a new machine) would write the same keys and
# staging folder. The second waits, then finds the image up to date.
exec 8> "$board_dir.build-image.lock"
flock 8

# 1. Kernel: Debian's image package of the release the headers flavour resolved to, or a
#    kernel built from linux-source-6.1 (boards Debian ships no kernel for).
if [ -n "${board_kernel_build:-}" ]; then
    kernel_out=$("$ktap_repo/scripts/kernel-trees/build-kernel.sh" "$board_kernel_build")
    release=$(cat "$kernel_out/include/config/kernel.release")
    version="built $(basename "$kernel_out")"
    kernel_image=$kernel_out/$board_kernel_file
    moddir=
else
    "$ktap_repo/scripts/kernel-trees/headers.sh" "$board_headers_flavour" >/dev/null
    hdr=$KTAP_STATE_DIR/headers/$board_headers_flavour
    release=$(cat "$hdr/release"); version=$(cat "$hdr/version")
    kernel_root=$KTAP_STATE_DIR/kernels/$release
    if [ ! -f "$kernel_root/ready" ]; then
        debs=$KTAP_STATE_DIR/debs/$board_suite
        ktap_apt_fetch "$board_suite" "$debs" "linux-image-$release:$board_deb_arch=$version"
        deb=$(ls "$debs/linux-image-${release}_${version}_"*.deb | head -n 1)
        rm -rf "$kernel_root"; mkdir -p "$kernel_root"
        dpkg-deb -x "$deb" "$kernel_root"
        # trixie's packages (merged /usr) put the modules under usr/lib/modules; depmod -b
        # and this script look under lib/modules.
        if [ ! -d "$kernel_root/lib/modules" ] && [ -d "$kernel_root/usr/lib/modules" ]; then
            mkdir -p "$kernel_root/lib" && ln -s ../usr/lib/modules "$kernel_root/lib/modules"
        fi
        # Debian generates modules.dep at install time; do it for the unpacked tree.
        depmod -b "$kernel_root" "$release"
        touch "$kernel_root/ready"
    fi
    kernel_image=$kernel_root/boot/vmlinuz-$release
    moddir=$kernel_root/lib/modules/$release
fi

# 2. Userland: busybox-static, dropbear and its libraries for the board's architecture.
if [ -n "${board_userland_build:-}" ]; then
    # Built from source by the board's own script (no Debian userland for this architecture).
    userland=$("$board_def/$board_userland_build")
else
    userland=$KTAP_STATE_DIR/userland/$board_suite-$board_deb_arch
    userland_pkgs="busybox-static dropbear-bin libc6 libcrypt1 libgmp10 libtomcrypt1 libtommath1 zlib1g"
    if [ ! -f "$userland/ready" ]; then
        debs=$KTAP_STATE_DIR/debs/$board_suite
        wanted=()
        for p in $userland_pkgs; do wanted+=("$p:$board_deb_arch"); done
        ktap_apt_fetch "$board_suite" "$debs" "${wanted[@]}"
        rm -rf "$userland"; mkdir -p "$userland/root"
        for p in $userland_pkgs; do
            v=$(ktap_apt_version "$board_suite" "$p:$board_deb_arch")
            deb=$(ls "$debs/${p}_${v//:/%3a}_${board_deb_arch}.deb" 2>/dev/null | head -n 1)
            [ -n "$deb" ] || ktap_die "downloaded $p $v ($board_deb_arch) not found in $debs"
            dpkg-deb -x "$deb" "$userland/root"
            echo "$p $v" >> "$userland/versions"
        done
        # What a board never uses: documentation, locales, character set converters.
        rm -rf "$userland/root/usr/share" "$userland/root"/usr/lib/*/gconv "$userland/root"/etc
        touch "$userland/ready"
    fi
fi

# 3. Keys, made once per board: the client key and the board's own host key.
[ -f "$board_dir/id_ed25519" ] ||
    ssh-keygen -q -t ed25519 -N '' -C "ktap@$board" -f "$board_dir/id_ed25519"
if [ ! -f "$board_dir/dropbear_ed25519_host_key" ]; then
    dropbearkey -t ed25519 -f "$board_dir/dropbear_ed25519_host_key" >/dev/null 2>&1
    dropbearkey -y -f "$board_dir/dropbear_ed25519_host_key" |
        awk '/^ssh-ed25519 / {print $1, $2}' > "$board_dir/host_key.pub"
    # Any port on the loopback address: the board may be started with --port.
    echo "[127.0.0.1]:* $(cat "$board_dir/host_key.pub")" > "$board_dir/known_hosts"
    ssh-keygen -l -E sha256 -f "$board_dir/host_key.pub" | awk '{print $2}' \
        > "$board_dir/host_key.fingerprint"
fi

# 4. Skip the rest when nothing changed.
inputs_hash=$( {
    python3 "$(dirname "$0")/facts.py" "$board"; cat "$0" "$(dirname "$0")/rc" "$(dirname "$0")/inittab"
    echo "$release $version"; cat "$userland/versions"
    cat "$board_dir/id_ed25519.pub" "$board_dir/host_key.pub"
    for m in "${modules[@]}"; do echo "$m"; sha256sum < "$m"; done
} | sha256sum | cut -d' ' -f1)
if [ -f "$board_dir/initramfs.cpio.gz" ] && [ -f "$board_dir/vmlinuz" ] &&
   [ "$(cat "$board_dir/image.hash" 2>/dev/null)" = "$inputs_hash" ]; then
    echo "$board: image up to date ($board_dir)"
    exit 0
fi

# 5. Stage the root file system.
stage=$board_dir/stage
rm -rf "$stage"; mkdir -p "$stage"
cp -a "$userland/root/." "$stage/"
# Merged-/usr userlands (trixie) ship only usr/bin, usr/lib...: make the top-level links a
# Debian system gets from base-files (/init is bin/busybox, dropbear's loader /lib64/...).
for d in bin sbin lib lib64; do
    if [ -d "$stage/usr/$d" ] && [ ! -e "$stage/$d" ]; then ln -s "usr/$d" "$stage/$d"; fi
done
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,var,root/.ssh,etc/dropbear,etc/ktap}
mkdir -p "$stage/lib/modules/ktap"
ln -sfn ../run "$stage/var/run"
ln -sfn busybox "$stage/bin/sh"
ln -sfn bin/busybox "$stage/init"
# The applet links are made at boot (busybox --install -s): the board's busybox may not
# run on this host.
cp "$(dirname "$0")/rc" "$stage/etc/ktap/rc"; chmod 755 "$stage/etc/ktap/rc"
sed -i '/^export PATH/a /bin/busybox --install -s' "$stage/etc/ktap/rc"
cp "$(dirname "$0")/inittab" "$stage/etc/inittab"
echo "${board_dropbear_args--s}" > "$stage/etc/ktap/dropbear-args"
echo "$board" > "$stage/etc/hostname"
echo "root:x:0:0:root:/root:/bin/sh" > "$stage/etc/passwd"
echo "root:x:0:" > "$stage/etc/group"
echo "/bin/sh" > "$stage/etc/shells"
cp "$board_dir/dropbear_ed25519_host_key" "$stage/etc/dropbear/"
cp "$board_dir/id_ed25519.pub" "$stage/root/.ssh/authorized_keys"
chmod 700 "$stage/root" "$stage/root/.ssh"; chmod 600 "$stage/root/.ssh/authorized_keys"

# Kernel modules the board needs, in dependency order (modules.dep lists each module's
# dependencies; load those first).
declare -A seen=()
ordered=()
visit() {
    local rel=$1 dep
    [ -n "${seen[$rel]:-}" ] && return 0
    seen[$rel]=1
    for dep in $(awk -v m="$rel:" '$1 == m {$1 = ""; print}' "$moddir/modules.dep"); do
        visit "$dep"
    done
    ordered+=("$rel")
}
for name in $board_modules; do
    # trixie compresses its modules (.ko.xz): compare the name without that suffix.
    rel=$(awk -v n="/$name.ko" '{m = substr($1, 1, length($1) - 1); b = m; sub(/\.(xz|zst|gz)$/, "", b)}
        substr(b, length(b) - length(n) + 1) == n {print m; exit}' "$moddir/modules.dep")
    if [ -z "$rel" ]; then
        # Built into the kernel: nothing to load.
        grep -q "/$name.ko\$" "$moddir/modules.builtin" || ktap_die "module $name is not in kernel $release"
        continue
    fi
    visit "$rel"
done
: > "$stage/etc/ktap/modules"
for rel in "${ordered[@]}"; do
    mkdir -p "$stage/lib/modules/$release/$(dirname "$rel")"
    # Compressed modules are unpacked here: the board's busybox insmod takes plain .ko files.
    case "$rel" in
        *.ko.xz)  xz -dc "$moddir/$rel" > "$stage/lib/modules/$release/${rel%.xz}"; rel=${rel%.xz} ;;
        *.ko.zst) zstd -qdc "$moddir/$rel" > "$stage/lib/modules/$release/${rel%.zst}"; rel=${rel%.zst} ;;
        *.ko.gz)  gzip -dc "$moddir/$rel" > "$stage/lib/modules/$release/${rel%.gz}"; rel=${rel%.gz} ;;
        *)        cp "$moddir/$rel" "$stage/lib/modules/$release/$rel" ;;
    esac
    echo "/lib/modules/$release/$rel" >> "$stage/etc/ktap/modules"
done
for m in "${modules[@]}"; do cp "$m" "$stage/lib/modules/ktap/"; done

# 6. Pack, and put the kernel beside it.
( cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet ) | gzip -6 > "$board_dir/initramfs.cpio.gz.tmp"
mv "$board_dir/initramfs.cpio.gz.tmp" "$board_dir/initramfs.cpio.gz"
cp "$kernel_image" "$board_dir/vmlinuz"
echo "$release" > "$board_dir/kernel-release"
echo "$version" > "$board_dir/kernel-version"
echo "$inputs_hash" > "$board_dir/image.hash"
rm -rf "$stage"
echo "$board: built $board_dir/initramfs.cpio.gz ($(du -k "$board_dir/initramfs.cpio.gz" | cut -f1) KB), kernel $release ($version)"
