#!/usr/bin/env bash
# Installs what building and testing need, by running scripts/deps/*.sh in order. Each
# part's file installs only its own packages and is quick when they are already there.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export SUDO
# apt-get update once per run, and only when some part needs a package that is missing.
ktap_apt_install() {
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ -z "${KTAP_APT_UPDATED:-}" ]; then $SUDO apt-get update -qq; KTAP_APT_UPDATED=1; fi
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
export -f ktap_apt_install
for part in scripts/deps/*.sh; do
    [ -e "$part" ] || continue
    echo "deps: $(basename "$part" .sh)"
    source "$part"
done
