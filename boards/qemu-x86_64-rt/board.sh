# Sourced by boards/qemu/*.sh: what makes the qemu-x86_64-rt board: qemu-x86_64's machine
# with bookworm's PREEMPT_RT kernel (linux-image-6.1.0-*-rt-amd64).
# The module is built against this kernel's own headers (make-module.sh tree 6.1-rt-amd64).
# Everything else (machine, NIC, console, userland architecture) is qemu-x86_64's.
source "$(dirname "${BASH_SOURCE[0]}")/../qemu-x86_64/board.sh"
board_default_port=10161
board_suite=bookworm
board_headers_flavour=6.1-rt-amd64
board_tree=$board_headers_flavour
board_image_flavour=rt-amd64
