#!/usr/bin/env bash
# Runs an AArch64 Linux binary under qemu-user with Debian's arm64 libraries. The CPU comes from
# QEMU_CPU (qemu-user reads it itself); cortex-a53 when unset, the lowest level trit supports.
export QEMU_LD_PREFIX=${QEMU_LD_PREFIX:-/usr/aarch64-linux-gnu}
export QEMU_CPU=${QEMU_CPU:-cortex-a53}
exec qemu-aarch64 "$@"
