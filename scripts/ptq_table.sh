#!/bin/sh
# Post-training compression of a trained model for every weight type x pruning level: accuracy
# by the trit runtime on the test split, file bytes, compression factor. Prints a markdown table
# (docs/results.md). Usage: scripts/ptq_table.sh MODEL.trit DATA [ACTS] [PRUNE_LEVELS...]
#   e.g. scripts/ptq_table.sh convnet.trit fashion-mnist:/usr/share/datasets/fashion-mnist int8 0 0.5 0.8
# WEIGHTS="int4 ternary" limits the weight types; THREADS sets eval's threads (default 2).
set -eu
model=$1
data=$2
acts=${3:-int8}
shift 3 2>/dev/null || shift $#
levels=${*:-0 0.5 0.8}
trit=${TRIT:-build/release/tools/trit/trit}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

echo "| weights | pruned | top-1 | file bytes | smaller than fp32 |"
echo "|---|---|---|---|---|"
for weights in ${WEIGHTS:-fp32 int8 int4 int2 ternary binary}; do
  for prune in $levels; do
    out=$work/$weights-$prune.trit
    "$trit" compress "$model" -o "$out" --weights "$weights" --acts "$acts" --calib "$data" \
      --prune "$prune" --json > "$work/report.json"
    "$trit" eval "$out" --data "$data" --threads "${THREADS:-2}" --json > "$work/eval.json"
    top1=$(field "$work/eval.json" top1)
    bytes=$(field "$work/report.json" file_bytes)
    factor=$(field "$work/report.json" compression)
    printf '| %s | %s | %.2f%% | %s | %.1fx |\n' "$weights" "$prune" \
      "$(python3 -c "print(100*$top1)")" "$bytes" "$factor"
  done
done
