#!/usr/bin/env bash
# Two builds of trit side by side on the zoo models of bench/models.sh (fp32, int8, ternary,
# ternary 70% pruned; BNN also binary): for a change that must not move latency, e.g. a
# refactor. Runs alternate between the builds on the same model files, ROUNDS rounds of
# `trit bench --runs N` each, and the table gives each build's median of its round medians and
# their ratio (B / A: below 1 is faster). One thread (THREADS=2 for two); MODELS="resnet44:100
# alexnet:10" (model:runs) for a subset.
# Usage: bench/models_ab.sh BUILD_A BUILD_B   (each a build dir with tools/trit/trit)
set -euo pipefail
trit_a="$1/tools/trit/trit"
trit_b="$2/tools/trit/trit"
rounds=${ROUNDS:-5}
threads=${THREADS:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/zoo_variants.sh"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo "A: $1, B: $2"
echo "rounds: $rounds, threads: $threads"
echo
echo "| model | weights | A median ms | B median ms | B / A |"
echo "|---|---|---|---|---|"
median() { /usr/bin/python3 -c "import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
for spec in ${MODELS:-convnet:200 resnet44:100 mobilenet:200 bnn:200 alexnet:10}; do
  model=${spec%%:*} runs=${spec##*:}
  zoo_variants "$trit_b" "$model" "$work"
  variants=(fp32 int8 ternary pruned)
  if [[ $model == bnn ]]; then
    "$trit_b" compress "$work/fp32.trit" -o "$work/binary.trit" --weights binary \
      --calib fashion-mnist:/usr/share/datasets/fashion-mnist --calib-samples 64 --acts uint8 >/dev/null
    variants+=(binary)
  fi
  for variant in "${variants[@]}"; do
    a=() b=()
    for ((r = 0; r < rounds; ++r)); do
      for side in a b; do
        bin=$trit_a
        [[ $side == b ]] && bin=$trit_b
        "$bin" bench "$work/$variant.trit" --threads "$threads" --runs "$runs" --warmup 3 --json \
          >"$work/bench.json"
        ms=$(/usr/bin/python3 -c "import json; print(json.load(open('$work/bench.json'))['median_ms'])")
        if [[ $side == a ]]; then a+=("$ms"); else b+=("$ms"); fi
      done
    done
    ma=$(median "${a[@]}") mb=$(median "${b[@]}")
    /usr/bin/python3 -c "print(f'| $model | $variant | {$ma:.3f} | {$mb:.3f} | {$mb / $ma:.3f} |')"
  done
done
