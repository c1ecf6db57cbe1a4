# Sourced by the tests that cross-build programs with USDT markers (ktap-e2e.sh,
# samples-run.sh): systemtap-sdt-dev installs <sys/sdt.h> only under the host's multiarch
# include directory, and the header is the same for every target, so a folder of links to
# it is added to each cross compiler's search path (-idirafter).
#   sdt_include DIR      makes DIR/sys/{sdt.h,sdt-config.h} and prints DIR for -idirafter
sdt_include() {
    local arch
    arch=$(gcc -print-multiarch)
    mkdir -p "$1/sys"
    ln -sfn "/usr/include/$arch/sys/sdt.h" "/usr/include/$arch/sys/sdt-config.h" "$1/sys/"
    echo "$1"
}
