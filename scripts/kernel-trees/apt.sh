# Sourced. A private apt configuration per Debian suite, kept under the ktap state directory,
# so that kernel packages of bookworm (amd64, armhf, i386), bullseye and trixie can be listed
# and downloaded without touching the host's sources, lists or dpkg database.
#   ktap_apt <suite> apt-get|apt-cache ARGS...   runs the command against that suite's lists
#   ktap_apt_fetch <suite> <dest-dir> PKG[=VER]...  downloads .deb files into dest-dir (cached)
# bookworm lists amd64, armhf, i386 and arm64 (the qemu-arm64 board's kernel, headers and
# userland); the other suites amd64 only (the x86_64 boards of their kernels).

KTAP_STATE_DIR=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
KTAP_DEBIAN_MIRROR=${KTAP_DEBIAN_MIRROR:-http://deb.debian.org}

ktap_apt_archs() {
    case "$1" in
        bookworm) echo "amd64 armhf i386 arm64" ;;
        *) echo "amd64" ;;
    esac
}

ktap_apt_setup() {
    local suite=$1 dir=$KTAP_STATE_DIR/apt/$1
    local archs keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    archs=$(ktap_apt_archs "$suite")
    # A configuration made for another set of architectures (a cache from before arm64 was
    # listed) is remade, and its lists updated on next use.
    if [ -f "$dir/apt.conf" ]; then
        [ "$(cat "$dir/archs" 2>/dev/null)" = "$archs" ] && return 0
        rm -f "$dir/apt.conf" "$dir/updated"
    fi
    mkdir -p "$dir"/{etc/apt.conf.d,etc/preferences.d,etc/sources.list.d,lists/partial,cache/archives/partial,state}
    : > "$dir/state/status"
    local a=${archs// /,}
    case "$suite" in
        *-src)  # source packages only (e.g. bookworm-src), for userlands Debian does not build
            local dist=${suite%-src}
            cat > "$dir/etc/sources.list" <<SRC
deb-src [signed-by=$keyring] $KTAP_DEBIAN_MIRROR/debian $dist main
deb-src [signed-by=$keyring] $KTAP_DEBIAN_MIRROR/debian-security $dist-security main
SRC
            ;;
        *)
            cat > "$dir/etc/sources.list" <<SRC
deb [arch=$a signed-by=$keyring] $KTAP_DEBIAN_MIRROR/debian $suite main
deb [arch=$a signed-by=$keyring] $KTAP_DEBIAN_MIRROR/debian $suite-updates main
deb [arch=$a signed-by=$keyring] $KTAP_DEBIAN_MIRROR/debian-security $suite-security main
SRC
            ;;
    esac
    {
        echo "Dir::Etc \"$dir/etc\";"
        echo "Dir::State \"$dir/state\";"
        echo "Dir::State::Lists \"$dir/lists\";"
        echo "Dir::State::status \"$dir/state/status\";"
        echo "Dir::Cache \"$dir/cache\";"
        echo "APT::Architecture \"amd64\";"
        echo -n "APT::Architectures {"; for x in $archs; do echo -n " \"$x\";"; done; echo " };"
        echo "Acquire::Languages \"none\";"
        echo "APT::Sandbox::User \"root\";"
    } > "$dir/apt.conf.tmp"
    echo "$archs" > "$dir/archs"
    mv "$dir/apt.conf.tmp" "$dir/apt.conf"
}

ktap_apt_update() {
    local suite=$1 dir=$KTAP_STATE_DIR/apt/$1
    ktap_apt_setup "$suite"
    # The mirror's security indexes are sometimes mid-sync for one architecture; what was
    # fetched is still usable (pinned versions then come from the main archive).
    local try
    for try in 1 2; do
        APT_CONFIG=$dir/apt.conf apt-get update -qq >"$dir/update.log" 2>&1 && break
    done
    if [ "$try" = 2 ] && grep -q '^E:' "$dir/update.log"; then
        compgen -G "$dir/lists/*_${suite%-src}_main_binary-amd64_Packages*" >/dev/null ||
            compgen -G "$dir/lists/*_${suite%-src}_main_source_Sources*" >/dev/null ||
            { cat "$dir/update.log" >&2; echo "apt: cannot update the $suite lists" >&2; return 1; }
        echo "apt: warning: some $suite indexes failed to download; using the others:" >&2
        grep '^E: Failed' "$dir/update.log" | sed 's/^/  /' >&2
    fi
    date +%s > "$dir/updated"
}

# Updates the suite's lists when they are missing or older than a day.
ktap_apt_fresh() {
    local suite=$1 dir=$KTAP_STATE_DIR/apt/$1 now
    ktap_apt_setup "$suite"
    now=$(date +%s)
    if [ ! -f "$dir/updated" ] || [ $((now - $(cat "$dir/updated"))) -gt 86400 ]; then
        ktap_apt_update "$suite"
    fi
}

# One apt command per suite at a time, waiting for the others: apt-get and apt-cache take
# their locks (lists, archives, the package cache) without waiting and fail at once, and
# two callers meet whenever boards are built side by side (CI builds the powerpc board in
# the background while the tests build theirs: tests/lib/background-board.sh).
ktap_apt() {
    local suite=$1; shift
    mkdir -p "$KTAP_STATE_DIR/apt"
    (
        flock 7
        ktap_apt_fresh "$suite" || exit 1
        APT_CONFIG=$KTAP_STATE_DIR/apt/$suite/apt.conf "$@"
    ) 7> "$KTAP_STATE_DIR/apt/$suite.lock"
}

# The package a virtual/meta package depends on first, e.g. linux-image-amd64 ->
# linux-image-6.1.0-56-amd64.
ktap_apt_first_dep() {
    local suite=$1 pkg=$2 dep
    dep=$(ktap_apt "$suite" apt-cache depends "$pkg" 2>/dev/null | awk '/Depends:/ {print $2; exit}')
    [ -n "$dep" ] || { echo "apt: $suite has no package $pkg" >&2; return 1; }
    echo "$dep"
}

ktap_apt_version() {
    local suite=$1 pkg=$2 v
    v=$(ktap_apt "$suite" apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')
    [ -n "$v" ] && [ "$v" != "(none)" ] || { echo "apt: $suite has no candidate for $pkg" >&2; return 1; }
    echo "$v"
}

# Downloads packages (PKG or PKG=VER, PKG:ARCH allowed) into dest; keeps what is there.
ktap_apt_fetch() {
    local suite=$1 dest=$2; shift 2
    mkdir -p "$dest"
    # Pinned packages already downloaded need no apt at all (and stay fetchable from the
    # cache after the archive has moved on to a newer version).
    local spec name ver missing=0
    for spec in "$@"; do
        case "$spec" in *=*) ;; *) missing=1; break ;; esac
        name=${spec%%=*}; name=${name%%:*}; ver=${spec#*=}
        compgen -G "$dest/${name}_${ver//:/%3a}_*.deb" >/dev/null || { missing=1; break; }
    done
    [ "$missing" -eq 1 ] || return 0
    ( cd "$dest" && ktap_apt "$suite" apt-get download -qq "$@" >/dev/null ) ||
        { echo "apt: cannot download from $suite: $*" >&2; return 1; }
}
