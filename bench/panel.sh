#!/usr/bin/env bash
# Low-bit weights kept packed against decoded to int8 at load: the x86 int8 GEMM on the zoo
# models' layer shapes, each layer both ways in one run (BM_TritQ8Codes), one thread: a
# markdown table of GMAC/s, the ratio packed / decoded, and the weight bytes each form keeps.
# The median of 3 repetitions. Usage: bench/panel.sh [BUILD_DIR]   (after `make build`)
set -euo pipefail
build_dir=${1:-build/release}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
"$build_dir/bench/trit_gemm_bench" --benchmark_filter='BM_TritQ8Codes' \
  --benchmark_min_time=0.2 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$work/codes.json" 2>/dev/null
/usr/bin/python3 - "$work/codes.json" <<'PY'
import json, sys
names = {"4": "int4", "2": "int2", "3": "ternary", "1": "binary"}
rows = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if "error_occurred" in b or b.get("aggregate_name") != "median":
        continue
    parts = b["run_name"].split("/")  # BM_TritQ8Codes/avx512vnni/shape:9/codes:3/panel:1/real_time
    fields = dict(p.split(":") for p in parts if ":" in p)
    rows.setdefault((parts[1], b["label"], fields["codes"]), {})[fields["panel"]] = b
ratios = {}
for isa in ("avx512vnni", "avx2"):
    keys = [k for k in rows if k[0] == isa]
    if not keys:
        continue
    print(f"\n{isa}:\n")
    print("| layer | weights | decoded GMAC/s | packed GMAC/s | packed / decoded | decoded KiB | packed KiB |")
    print("|---|---|---|---|---|---|---|")
    for key in keys:
        d, p = rows[key].get("0"), rows[key].get("1")
        if not d or not p:
            continue
        r = p["GMAC/s"] / d["GMAC/s"]
        ratios.setdefault(isa, []).append(r)
        print(f"| {key[1]} | {names[key[2]]} | {d['GMAC/s']:.1f} | {p['GMAC/s']:.1f} | {r:.2f} | "
              f"{d['weight KiB']:.1f} | {p['weight KiB']:.1f} |")
for isa, rs in ratios.items():
    print(f"\n{isa}: packed / decoded from {min(rs):.2f} to {max(rs):.2f}, "
          f"geometric mean {(__import__('math').prod(rs)) ** (1 / len(rs)):.3f}")
PY
