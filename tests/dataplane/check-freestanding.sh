#!/usr/bin/env bash
# The flow path builds for 32-bit freestanding targets (no libc, no OS, strict alignment, 32-bit
# atomics at most) with -Werror, and needs nothing from outside but memcpy/memset (the EABI's
# names for them on ARM). No Xtensa compiler here: ARMv7-M and RV32IMAC stand in for the ESP32's
# LX6 (32-bit, in-order, 32-bit compare-and-swap, no 64-bit atomics).
set -euo pipefail
clang=$1 include=$2; shift 2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for target in armv7m-none-eabi riscv32-unknown-elf; do
    objects=()
    for source in "$@"; do
        object="$work/$target-$(basename "$source" .c).o"
        "$clang" --target=$target -std=c11 -ffreestanding -fno-builtin-printf -O2 -Wall -Wextra -Wpedantic -Werror \
            -Wcast-align -I "$include" -c "$source" -o "$object"
        objects+=("$object")
    done
    defined=$(nm --defined-only "${objects[@]}" 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u)
    undefined=$(nm -u "${objects[@]}" 2>/dev/null | awk 'NF == 2 {print $2}' | sort -u)
    outside=$(comm -23 <(echo "$undefined") <(echo "$defined") | grep -vE '^(memcpy|memset|__aeabi_mem(cpy|set|clr)[48]?)$' || true)
    if [ -n "$outside" ]; then
        echo "$target needs: $outside"
        exit 1
    fi
    echo "$target: builds, needs only memcpy/memset"
done
