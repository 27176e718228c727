#!/usr/bin/env bash
# The x86 GEMM kernels beside oneDNN on the zoo models' layer shapes and square GEMMs, on 1 and
# 2 threads: one markdown table (GMAC/s, share of the measured one-core peak, ratio to oneDNN),
# the median of 5 repetitions of each.
# Usage: bench/kernels.sh [BUILD_DIR]   (after `make build`; oneDNN needs libdnnl-dev)
set -euo pipefail
build_dir=${1:-build/release}
bench="$build_dir/bench/trit_gemm_bench"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
for threads in 1 2; do
  OMP_NUM_THREADS=$threads "$bench" --benchmark_filter="threads:$threads/" \
    --benchmark_min_time=0.3 --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_format=json >"$work/t$threads.json" 2>/dev/null
done
/usr/bin/python3 - "$work/t1.json" "$work/t2.json" <<'PY'
import json, sys
rows = {}
for path in sys.argv[1:]:
    for b in json.load(open(path))["benchmarks"]:
        if "error_occurred" in b or b.get("aggregate_name") != "median":
            continue
        name = b["run_name"]  # BM_TritQ8/avx512vnni/shape:0/threads:1/real_time
        kind = "/".join(name.split("/")[:2])
        threads = int(name.split("threads:")[1].split("/")[0])
        key = (b["label"], threads)
        rows.setdefault(key, {})[kind] = (b["GMAC/s"], b.get("peak%"))
def cell(r, kind):
    v = r.get(kind)
    return f"{v[0]:.1f} ({v[1]:.0f}%)" if v and v[1] is not None else (f"{v[0]:.1f}" if v else "-")
def ratio(r, a, b):
    return f"{r[a][0] / r[b][0]:.2f}" if a in r and b in r else "-"
peaks = {}
for (label, threads), r in rows.items():
    for kind, name in (("BM_TritQ8/avx512vnni", "VPDPBUSD"), ("BM_TritF32/avx512", "FMA")):
        if threads == 1 and kind in r and r[kind][1]:
            peaks[name] = r[kind][0] * 100 / r[kind][1]
print("measured one-core peaks: " + ", ".join(f"{k} {v:.1f} GMAC/s" for k, v in peaks.items()))
print("(percentages: of the one-core peak times the threads)")
print()
print("| shape | threads | trit int8 VNNI | oneDNN u8s8 | trit / oneDNN | trit int8 AVX2 | trit fp32 | oneDNN fp32 | trit / oneDNN |")
print("|---|---|---|---|---|---|---|---|---|")
for (label, threads), r in rows.items():
    print(f"| {label} | {threads} | {cell(r, 'BM_TritQ8/avx512vnni')} | {cell(r, 'BM_OneDnn/u8s8')} "
          f"| {ratio(r, 'BM_TritQ8/avx512vnni', 'BM_OneDnn/u8s8')} | {cell(r, 'BM_TritQ8/avx2')} "
          f"| {cell(r, 'BM_TritF32/avx512')} | {cell(r, 'BM_OneDnn/f32')} "
          f"| {ratio(r, 'BM_TritF32/avx512', 'BM_OneDnn/f32')} |")
PY
