#!/usr/bin/env bash
# The firmware links no heap, no exception machinery and no stdio: the freestanding runtime's
# promise, checked on the linked image. Usage: no_heap.sh FIRMWARE.elf
set -euo pipefail
symbols=$(arm-none-eabi-nm "$1")
forbidden='malloc|_malloc_r|_sbrk|_Znwj|_Znaj|__cxa_allocate_exception|__cxa_throw|_printf_r|_vfprintf_r'
if found=$(grep -E " ($forbidden)\$" <<<"$symbols"); then
  echo "$1 links what a freestanding build must not:"
  echo "$found"
  exit 1
fi
echo "$1: no heap, no exceptions, no stdio"
