#!/usr/bin/env bash
# Installs the Debian packages trit needs; skips what is already present. Idempotent and quiet.
# The AArch64 cross build needs Debian's cross compiler, qemu-user to run its tests, and the
# target's zlib and GoogleTest from the arm64 architecture (multiarch, added here once). The
# Cortex-M builds need the bare-metal cross compiler with newlib, and qemu-system-arm to run them.
# --bench adds what the peer benchmarks need: oneDNN for the kernel benchmarks; node and npm
# for the ONNX Runtime peer (bench/peers/run.sh).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format
  libgtest-dev libgmock-dev libbenchmark-dev
  libflatbuffers-dev flatbuffers-compiler
  libcli11-dev nlohmann-json3-dev zlib1g-dev
  dataset-fashion-mnist libtorch-dev libopenblas0-pthread
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  python3 python3-numpy python3-onnx python3-torch python3-torchvision
  time
  g++-aarch64-linux-gnu qemu-user zlib1g-dev:arm64 libgtest-dev:arm64 libgmock-dev:arm64
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm
)
if [[ ${1:-} == --bench ]]; then
  packages+=(libdnnl-dev)
  # Any node with npm will do (a NodeSource nodejs carries its own npm).
  command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=sudo
else
  sudo_cmd=
fi
export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo_cmd dpkg --add-architecture arm64
fi
$sudo_cmd apt-get update -qq >/dev/null
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
