# Sourced by boards/qemu/*.sh: what makes the qemu-x86_64-5.10 board: qemu-x86_64's machine
# with bullseye's 5.10 kernel and bullseye's userland.
# The module is built against this kernel's own headers (make-module.sh tree 5.10-amd64).
# Everything else (machine, NIC, console, userland architecture) is qemu-x86_64's.
source "$(dirname "${BASH_SOURCE[0]}")/../qemu-x86_64/board.sh"
board_default_port=10162
board_suite=bullseye
board_headers_flavour=5.10-amd64
board_tree=$board_headers_flavour
board_image_flavour=amd64
