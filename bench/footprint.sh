#!/usr/bin/env bash
# Memory and size footprint of the runtime: binary sizes and peak RSS (/usr/bin/time -v) of
# `trit run` and of examples/embed.c (dynamic, and statically linked as a device would be)
# on zoo models, and of `trit run` on ternary models beside int8.
# Usage: bench/footprint.sh [BUILD_DIR]   (after `make build`)
set -euo pipefail
build_dir=${1:-build/release}
trit="$build_dir/tools/trit/trit"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gcc -O2 -static -Iinclude examples/embed.c "$build_dir/src/api/libtrit.a" -lstdc++ -lm \
  -lpthread -o "$work/embed_static" 2>/dev/null
strip -o "$work/embed_static_stripped" "$work/embed_static"
strip -o "$work/embed_stripped" "$build_dir/examples/trit_embed"

rss_kib() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk '/Maximum resident/ {print $6}'; }

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo
echo "| binary | bytes | stripped bytes |"
echo "|---|---|---|"
echo "| trit_embed (dynamic libstdc++) | $(stat -c %s "$build_dir/examples/trit_embed") | $(stat -c %s "$work/embed_stripped") |"
echo "| trit_embed (static) | $(stat -c %s "$work/embed_static") | $(stat -c %s "$work/embed_static_stripped") |"
echo "| trit CLI | $(stat -c %s "$trit") | - |"
echo
echo "| model | file bytes | arena bytes | trit run RSS KiB | embed RSS KiB | static embed RSS KiB |"
echo "|---|---|---|---|---|---|"
for model in lenet5 mlp resnet20 resnet44 convnet; do
  "$trit" zoo "$model" -o "$work/$model.trit" >/dev/null
  arena=$("$trit" info --json "$work/$model.trit" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['totals']['arena_bytes'])")
  echo "| $model | $(stat -c %s "$work/$model.trit") | $arena | $(rss_kib "$trit" run "$work/$model.trit") | $(rss_kib "$build_dir/examples/trit_embed" "$work/$model.trit") | $(rss_kib "$work/embed_static" "$work/$model.trit") |"
done

# Low-bit models (issue 23): file, arena and peak RSS of `trit run`, int8 beside ternary, and
# the goal "file + arena + code", where code is the peak RSS of the CLI with its libraries
# loaded and no model (`trit --help`). Calibration: 16 Fashion-MNIST training images, u8
# activations.
code_kib=$(rss_kib "$trit" --help)
echo
echo "code: trit --help peak RSS $code_kib KiB"
echo
echo "| model | weights | file bytes | arena bytes | trit run RSS KiB | file + arena + code KiB |"
echo "|---|---|---|---|---|---|"
calib=(--calib fashion-mnist:/usr/share/datasets/fashion-mnist --calib-samples 16 --acts uint8)
for model in convnet resnet44 alexnet; do
  "$trit" zoo "$model" -o "$work/$model.fp32.trit" >/dev/null
  for weights in int8 ternary; do
    file="$work/$model.$weights.trit"
    "$trit" compress "$work/$model.fp32.trit" -o "$file" --weights "$weights" "${calib[@]}" >/dev/null
    arena=$("$trit" info --json "$file" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['totals']['arena_bytes'])")
    bytes=$(stat -c %s "$file")
    echo "| $model | $weights | $bytes | $arena | $(rss_kib "$trit" run "$file") | $(((bytes + arena) / 1024 + code_kib)) |"
  done
  rm -f "$work/$model".*.trit
done
