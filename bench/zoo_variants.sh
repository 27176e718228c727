# Sourced by the benchmark scripts: zoo_variants TRIT MODEL DIR writes DIR/fp32.trit (the zoo
# model, random weights) and its PTQ variants DIR/int8.trit, DIR/ternary.trit and
# DIR/pruned.trit (ternary, 70% of the weights pruned); 64 Fashion-MNIST calibration images,
# u8 activations.
zoo_variants() {
  local trit=$1 model=$2 dir=$3
  local common=(--calib fashion-mnist:/usr/share/datasets/fashion-mnist --calib-samples 64 --acts uint8)
  "$trit" zoo "$model" -o "$dir/fp32.trit" >/dev/null
  "$trit" compress "$dir/fp32.trit" -o "$dir/int8.trit" --weights int8 "${common[@]}" >/dev/null
  "$trit" compress "$dir/fp32.trit" -o "$dir/ternary.trit" --weights ternary "${common[@]}" >/dev/null
  "$trit" compress "$dir/fp32.trit" -o "$dir/pruned.trit" --weights ternary --prune 0.7 \
    "${common[@]}" >/dev/null
}
