#!/usr/bin/env bash
# The qemu-x86_64 board end to end (see board-smoke.sh).
exec bash "$(dirname "$0")/board-smoke.sh" qemu-x86_64
