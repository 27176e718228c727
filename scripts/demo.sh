#!/usr/bin/env bash
# The main job end to end: build zoo models into .trit files, inspect them, run them,
# benchmark them. Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail
build_dir=${1:-build/release}
trit="$build_dir/tools/trit/trit"
out=out/demo
mkdir -p "$out"

section() { printf '\n==== %s ====\n' "$1"; }

section "the model zoo"
"$trit" zoo --list

section "build the DeepChip ConvNet and ResNet-44 as .trit files"
"$trit" zoo convnet -o "$out/convnet.trit"
"$trit" zoo resnet44 -o "$out/resnet44.trit"
ls -l "$out"/*.trit

section "trit info convnet.trit"
"$trit" info "$out/convnet.trit"

section "trit run convnet.trit (random input, output written as NPY)"
"$trit" run "$out/convnet.trit" --output "$out/convnet_output.npy"

section "trit bench convnet.trit"
"$trit" bench "$out/convnet.trit" --runs 20 --warmup 3 --top 10

section "trit bench resnet44.trit"
"$trit" bench "$out/resnet44.trit" --runs 5 --warmup 1 --top 5

section "train the ConvNet on Fashion-MNIST (short run: 1 epoch on 6,000 images)"
# Fashion-MNIST's 28x28 grey images are zero-padded to the ConvNet's 40x40 input and the grey
# channel is repeated to its 3 channels.
data=fashion-mnist:/usr/share/datasets/fashion-mnist
"$build_dir/tools/trit/trit" train --model convnet --data "$data" --epochs 1 --limit 6000 \
  --batch 64 --lr 0.02 --seed 1 -o "$out/convnet_fmnist.trit"

section "trit eval: accuracy measured by the trit runtime on the exported file (first 2,000 test images)"
"$trit" eval "$out/convnet_fmnist.trit" --data "$data" --limit 2000

section "trit info convnet_fmnist.trit"
"$trit" info "$out/convnet_fmnist.trit" | tail -n 7

section "quantization-aware training: ternary weights, power-of-two 8-bit activations"
# Starts from the fp32 model above; first and last layer get int8 weights, the others 50% zeros
# per channel, distilled from the fp32 model (the recipe of docs/results.md). The report
# compares every layer with the fp32 model (short run: 1 epoch on 3,000 images).
echo '{"default": {"weights": "ternary", "sparsity": 0.5}}' >"$out/ternary.json"
"$trit" train --model "$out/convnet_fmnist.trit" --data "$data" --quant ternary --acts pow2 \
  --config "$out/ternary.json" --teacher "$out/convnet_fmnist.trit" \
  --epochs 1 --limit 3000 --batch 64 --optimizer adam --lr 0.0001 --seed 1 \
  -o "$out/convnet_ternary.trit"

section "trit eval --compare: the ternary model beside the fp32 one (first 2,000 test images)"
"$trit" eval "$out/convnet_ternary.trit" --data "$data" --limit 2000 \
  --compare "$out/convnet_fmnist.trit"

section "trit deploy: the ternary ConvNet on a Cortex-M7 (1 MB flash, 320 KB SRAM), run in QEMU"
# The fit report, then the firmware project (model in flash, weights packed); --validate builds
# it with arm-none-eabi-gcc, runs it in qemu-system-arm and compares its output with the host's.
rm -rf "$out/convnet_m7"
"$trit" deploy "$out/convnet_ternary.trit" --target cortex-m7 --flash 1M --ram 320K \
  -o "$out/convnet_m7" --validate

section "the C API alone (examples/embed.c)"
"$build_dir/examples/trit_embed" "$out/convnet.trit"

printf '\ndemo done: models and outputs are in %s\n' "$out"
