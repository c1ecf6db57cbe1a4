#!/usr/bin/env bash
# The qemu-arm-v7 board end to end (see board-smoke.sh).
exec bash "$(dirname "$0")/board-smoke.sh" qemu-arm-v7
