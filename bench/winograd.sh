#!/usr/bin/env bash
# Winograd F(2x2) and F(4x4) against the direct fp32 GEMM on 3x3 stride-1 layers (Cin = Cout,
# padding 1, batch 1, one thread), at AVX-512 and AVX2: a markdown table of milliseconds (median
# of 3 repetitions) and each Winograd's speedup over the direct GEMM of the same level.
# Usage: bench/winograd.sh [BUILD_DIR]   (after `make build`, or a build of trit_winograd_bench)
set -euo pipefail
build_dir=${1:-build/release}
bench="$build_dir/bench/trit_winograd_bench"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
"$bench" --benchmark_min_time=0.1 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$work/w.json" 2>/dev/null
/usr/bin/python3 - "$work/w.json" <<'PY'
import json, sys
ms = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if "error_occurred" in b or b.get("aggregate_name") != "median":
        continue
    f = dict(p.split(":") for p in b["run_name"].split("/") if ":" in p)
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]
    ms[(f["isa"], int(f["channels"]), int(f["side"]), f["algorithm"])] = b["real_time"] * scale
isas = [i for i in ("512", "256") if any(k[0] == i for k in ms)]
head = "| channels | side |"
line = "|---|---|"
for isa in isas:
    name = "AVX-512" if isa == "512" else "AVX2"
    head += f" {name} direct ms | F(2x2) ms | F(4x4) ms | F(2x2) x | F(4x4) x |"
    line += "---|---|---|---|---|"
print(head)
print(line)
for c in sorted({k[1] for k in ms}):
    for s in sorted({k[2] for k in ms}):
        row = f"| {c} | {s} |"
        for isa in isas:
            d, f2, f4 = (ms.get((isa, c, s, a)) for a in ("0", "2", "4"))
            if not (d and f2 and f4):
                row += " - | - | - | - | - |"
                continue
            row += f" {d:.3f} | {f2:.3f} | {f4:.3f} | {d / f2:.2f} | {d / f4:.2f} |"
        print(row)
PY
