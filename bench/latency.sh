#!/usr/bin/env bash
# Latency of the reference runtime (scalar kernels, forced with TRIT_ISA=ref, 1 thread) on every
# zoo model, measured with `trit bench`. Usage: bench/latency.sh [BUILD_DIR] (after `make build`)
set -euo pipefail
export TRIT_ISA=ref
build_dir=${1:-build/release}
trit="$build_dir/tools/trit/trit"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo
echo "| model | MACs | runs | median ms | p10 ms | p90 ms | GMAC/s | slowest op (share) |"
echo "|---|---|---|---|---|---|---|---|"
for spec in lenet5:200 mlp:200 resnet20:10 resnet44:5 convnet:10 alexnet:2; do
  model=${spec%%:*} runs=${spec##*:}
  "$trit" zoo "$model" -o "$work/$model.trit" >/dev/null
  macs=$("$trit" info --json "$work/$model.trit" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['totals']['macs'])")
  "$trit" bench "$work/$model.trit" --runs "$runs" --warmup 1 --json >"$work/bench.json"
  /usr/bin/python3 - "$model" "$macs" "$runs" "$work/bench.json" <<'PY'
import json, sys
model, macs, runs, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
b = json.load(open(path))
top = b["ops"][0]
print(f"| {model} | {macs:,} | {runs} | {b['median_ms']:.3f} | {b['p10_ms']:.3f} | {b['p90_ms']:.3f} "
      f"| {macs / b['median_ms'] / 1e6:.2f} | {top['node']} {top['kernel']} ({100 * top['share']:.0f}%) |")
PY
done
