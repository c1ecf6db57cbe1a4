#!/usr/bin/env bash
# Usage: make-module.sh <tree> <module-dir> [make arguments...]
# Builds the out-of-tree module in <module-dir> (its Kbuild/Makefile) against one kernel
# tree, fetching/preparing the tree first (cached), with the tree's ARCH/CROSS_COMPILE:
#   headers flavours: 6.1-amd64 6.1-rt-amd64 5.10-amd64 6.12-amd64 6.1-armmp 6.1-686
#   configured 6.1 source trees: src-x86 src-x86_64 src-arm src-powerpc
#   kernels built from source for a board: kernel-powerpc (build-kernel.sh)
# Extra arguments go to make (e.g. clean, or W=1). The default target is `modules`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=${1:-}; mod=${2:-}
[ -n "$tree" ] && [ -n "$mod" ] || { sed -n '2,8p' "$0" >&2; exit 2; }
[ -d "$mod" ] || { echo "make-module.sh: $mod: no such directory" >&2; exit 2; }
shift 2
case "$tree" in
    src-*) dir=$("$here/source-tree.sh" "${tree#src-}"); args=$(cat "$dir/make-args") ;;
    kernel-*) dir=$("$here/build-kernel.sh" "${tree#kernel-}"); args=$(cat "$dir/make-args") ;;
    *)     dir=$("$here/headers.sh" "$tree"); args=$(cat "$(dirname "$dir")/make-args") ;;
esac
[ $# -gt 0 ] || set -- modules
# shellcheck disable=SC2086
exec make -C "$dir" M="$(cd "$mod" && pwd)" $args "$@"
