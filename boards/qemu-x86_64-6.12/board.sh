# Sourced by boards/qemu/*.sh: what makes the qemu-x86_64-6.12 board: qemu-x86_64's machine
# with trixie's 6.12 kernel and trixie's userland.
# The module is built against this kernel's own headers (make-module.sh tree 6.12-amd64).
# Everything else (machine, NIC, console, userland architecture) is qemu-x86_64's.
source "$(dirname "${BASH_SOURCE[0]}")/../qemu-x86_64/board.sh"
board_default_port=10163
board_suite=trixie
board_headers_flavour=6.12-amd64
board_tree=$board_headers_flavour
board_image_flavour=amd64
