#!/bin/sh
# Row-wise Fashion-MNIST (28 steps of 28 features, the standard sequence benchmark) with
# recurrent cells and structured weights (docs/results.md).
#
#   bench/rnn_fmnist.sh train OUT_DIR [VARIANT...]   trains each variant (default: all below)
#                                                    and measures its test accuracy with the
#                                                    trit runtime; long: 5-10 min per variant
#   bench/rnn_fmnist.sh table OUT_DIR                measures every trained variant's batch-1
#                                                    latency (1 thread) in one run (the best of
#                                                    ROUNDS=3 interleaved rounds' medians) and
#                                                    prints the markdown table
#
# A variant is CELL-HIDDEN-STRUCTURE-COMPRESSION: lstm-128-kron-20, gru-128-dense-1, and
# lstm-128-prune-20 (magnitude pruning of W and U to 1/20 of their weights, during training);
# with -wC (lstm-128-kron-20-w7.5), W gets its own compression C; with -int8
# (lstm-128-kron-20-int8), the trained fp32 variant fine-tuned to int8 W, U and head by
# quantization-aware training (3 epochs).
# EPOCHS (default 12), LR (Adam's, default 0.002), WD (weight decay, default 0.0005), THREADS
# (training threads, default 2), SEED (weights and shuffling, default 1), TRAIN_ARGS (more
# `trit train` options, e.g. "--mean 0.286 --std 0.353"), TRIT and DATA override defaults.
set -eu
stage=$1
out=$2
shift 2
trit=${TRIT:-build/release/tools/trit/trit}
data=${DATA:-fashion-mnist:/usr/share/datasets/fashion-mnist}
mkdir -p "$out"
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

if [ "$stage" = train ]; then
  variants=${*:-"lstm-128-dense-1 lstm-128-kron-20 lstm-128-hmd-4 lstm-128-kron-4
    lstm-128-lowrank-4 lstm-128-hybrid_kron-4 lstm-128-prune-4 lstm-128-hybrid_kron-20
    lstm-128-lowrank-20 lstm-128-prune-20 gru-128-dense-1 gru-128-kron-20 fastrnn-128-dense-1
    fastrnn-128-kron-20 fastgrnn-128-dense-1 fastgrnn-128-kron-20"}
  for variant in $variants; do
    cell=$(echo "$variant" | cut -d- -f1)
    hidden=$(echo "$variant" | cut -d- -f2)
    structure=$(echo "$variant" | cut -d- -f3)
    compression=$(echo "$variant" | cut -d- -f4)
    w_compression=$(echo "$variant" | cut -d- -f5 | sed -n 's/^w//p')
    if [ "${variant%-int8}" != "$variant" ]; then
      base=$out/${variant%-int8}.trit
      "$trit" train --model "$base" --data "$data" --quant int8 --acts int8 --epochs 3 \
        --batch 128 --optimizer adam --lr 0.0005 --seed "${SEED:-1}" --threads "${THREADS:-2}" \
        -o "$out/$variant.trit" > "$out/$variant.train.log"
      "$trit" eval "$out/$variant.trit" --data "$data" --threads 2 --json > "$out/$variant.eval.json"
      echo "$variant: top-1 $(field "$out/$variant.eval.json" "round(100 * d['top1'], 2)")%"
      continue
    fi
    layer="\"$cell\": $hidden"
    set --
    case $structure in
      dense) ;;
      prune) set -- --prune "$(python3 -c "print(1 - 1 / $compression)")" ;;
      *)
        if [ -n "$w_compression" ]; then
          layer="$layer, \"w\": {\"structure\": \"$structure\", \"compression\": $w_compression}"
          layer="$layer, \"u\": {\"structure\": \"$structure\", \"compression\": $compression}"
        else
          set -- --structure "$structure" --compression "$compression"
        fi ;;
    esac
    echo "{\"input\": [28, 28, 1], \"seed\": ${SEED:-1}, \"layers\": [{$layer}, {\"dense\": 10}]}" \
      > "$out/$variant.json"
    "$trit" train --model "$out/$variant.json" --data "$data" --epochs "${EPOCHS:-12}" \
      --batch 128 --optimizer adam --lr "${LR:-0.002}" --weight-decay "${WD:-0.0005}" \
      --seed "${SEED:-1}" --threads "${THREADS:-2}" ${TRAIN_ARGS:-} "$@" -o "$out/$variant.trit" \
      > "$out/$variant.train.log"
    "$trit" eval "$out/$variant.trit" --data "$data" --threads 2 --json > "$out/$variant.eval.json"
    echo "$variant: top-1 $(field "$out/$variant.eval.json" "round(100 * d['top1'], 2)")%"
  done
  exit 0
fi

[ "$stage" = table ] || { echo "usage: $0 train|table OUT_DIR [VARIANT...]" >&2; exit 2; }
echo "| cell | hidden | structure | compression asked | top-1 | parameters | weight bytes | file bytes | smaller | ms / sequence | vs dense |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for eval_json in "$out"/*.eval.json; do
  "$trit" info "${eval_json%.eval.json}.trit" --json > "${eval_json%.eval.json}.info.json"
done
# Latency: every model once per round, ROUNDS rounds (default 3), each model's best median kept:
# on a VM a model's median moves by 20-30% from one run to the next, more than between models.
for round in $(seq "${ROUNDS:-3}"); do
  for eval_json in "$out"/*.eval.json; do
    "$trit" bench "${eval_json%.eval.json}.trit" --threads 1 --runs 500 --warmup 50 --json \
      > "${eval_json%.eval.json}.bench.$round.json"
  done
done
for eval_json in "$out"/*.eval.json; do
  python3 - "${eval_json%.eval.json}" <<'PY'
import glob, json, sys
runs = [json.load(open(p)) for p in sorted(glob.glob(sys.argv[1] + ".bench.*.json"))]
json.dump(min(runs, key=lambda r: r["median_ms"]), open(sys.argv[1] + ".bench.json", "w"))
PY
done
for eval_json in "$out"/*.eval.json; do
  variant=$(basename "$eval_json" .eval.json)
  dense=$out/$(echo "$variant" | cut -d- -f1-2)-dense-1
  python3 - "$out/$variant" "$dense" "$variant" <<'PY'
import json, os, sys
base, dense, variant = sys.argv[1:]
load = lambda p, k: json.load(open(f"{p}.{k}.json"))
cell, hidden, structure, compression = variant.split("-")[:4]
compression += "x"
w = [f for f in variant.split("-")[4:] if f.startswith("w")]
if w:
    compression += f" (W {w[0][1:]}x)"
if variant.endswith("-int8"):
    structure += " int8"
ev, info, bench = load(base, "eval"), load(base, "info")["totals"], load(base, "bench")
smaller = speed = "-"
if os.path.exists(dense + ".bench.json"):
    smaller = "%.1fx" % (load(dense, "info")["totals"]["file_bytes"] / info["file_bytes"])
    speed = "%.2fx" % (load(dense, "bench")["median_ms"] / bench["median_ms"])
print(f"| {cell} | {hidden} | {structure} | {compression} | {100 * ev['top1']:.2f}% | "
      f"{info['parameters']:,} | {info['weight_bytes']:,} | {info['file_bytes']:,} | {smaller} | "
      f"{bench['median_ms']:.4f} | {speed} |")
PY
done
