#!/usr/bin/env bash
# The batch-1 low-bit GEMV against the memory wall: each layer's weight bytes read per second
# beside a plain read of as many bytes (BM_ReadAtGemvSize, with the same software prefetch) and
# of 1 GiB (DRAM), in one run, 1 and 2 threads: a markdown table. The median of 3 repetitions.
# Usage: bench/gemv_wall.sh [BUILD_DIR]   (after `make build`; needs AVX-512 VNNI)
set -euo pipefail
build_dir=${1:-build/release}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
"$build_dir/bench/trit_gemm_bench" --benchmark_filter='BM_DramRead|BM_ReadAtGemvSize|BM_TritLowBit' \
  --benchmark_min_time=0.3 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$work/wall.json" 2>/dev/null
/usr/bin/python3 - "$work/wall.json" <<'PY'
import json, sys
names = {"4": "int4", "2": "int2", "3": "ternary (asymmetric)", "1": "ternary (symmetric)"}
dram, read, gemv = {}, {}, []
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if "error_occurred" in b or b.get("aggregate_name") != "median":
        continue
    parts = b["run_name"].split("/")
    f = dict(p.split(":") for p in parts if ":" in p)
    if parts[0] == "BM_DramRead":
        dram[f["threads"]] = b["GB/s"]
    elif parts[0] == "BM_ReadAtGemvSize":
        read[(f["shape"], f["threads"], f["bits"])] = b["GB/s"]
    elif parts[0] == "BM_TritLowBit":
        gemv.append((f, b))
for t, v in sorted(dram.items()):
    print(f"DRAM read (1 GiB): {v:.1f} GB/s on {t} thread(s)")
print()
print("| layer | threads | weights | GMAC/s | weight GB/s | read GB/s, same bytes | of that read | of DRAM |")
print("|---|---|---|---|---|---|---|---|")
for f, b in gemv:
    bits = "4" if f["codes"] == "4" else "2"
    same = read.get((f["shape"], f["threads"], bits))
    if not same:
        continue
    w = b["weight GB/s"]
    print(f"| {b['label']} | {f['threads']} | {names[f['codes']]} | {b['GMAC/s']:.1f} | {w:.1f} | "
          f"{same:.1f} | {100 * w / same:.0f}% | {100 * w / dram[f['threads']]:.0f}% |")
PY
