#!/usr/bin/env bash
# The x86 GEMM kernels beside oneDNN on the zoo models' layer shapes and square GEMMs, on 1 and
# 2 threads: markdown tables (GMAC/s, share of the measured one-core peak, ratio to oneDNN; the
# GEMVs; binary against int8; sparse against dense ternary), the median of 5 repetitions of each.
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
results = {}  # (kind, label, threads, extra) -> benchmark
for path in sys.argv[1:]:
    for b in json.load(open(path))["benchmarks"]:
        if "error_occurred" in b or b.get("aggregate_name") != "median":
            continue
        parts = b["run_name"].split("/")  # BM_TritQ8/avx512vnni/shape:0/threads:1/real_time
        kind = parts[0] if parts[1].startswith("shape") else parts[0] + "/" + parts[1]
        fields = dict(p.split(":") for p in parts if ":" in p)
        results[(kind, b["label"], int(fields["threads"]), fields.get("sparsity") or fields.get("codes"))] = b
labels = []
for (kind, label, threads, extra) in results:
    if label not in labels:
        labels.append(label)
def get(kind, label, threads, extra=None):
    return results.get((kind, label, threads, extra))
def cell(b, key="GMAC/s"):
    if not b:
        return "-"
    return f"{b[key]:.1f} ({b['peak%']:.0f}%)" if key == "GMAC/s" and "peak%" in b else f"{b[key]:.1f}"
def ratio(a, b):
    return f"{a['GMAC/s'] / b['GMAC/s']:.2f}" if a and b else "-"
peaks = {}
for name, kind in (("VPDPBUSD", "BM_TritQ8/avx512vnni"), ("FMA", "BM_TritF32/avx512")):
    for label in labels:
        b = get(kind, label, 1)
        if b and b.get("peak%"):
            peaks[name] = b["GMAC/s"] * 100 / b["peak%"]
print("measured one-core peaks: " + ", ".join(f"{k} {v:.1f} GMAC/s" for k, v in peaks.items()))
dram = [get("BM_DramRead", "dram_read_1GiB", t) for t in (1, 2)]
print("measured DRAM read: " + ", ".join(f"{b['GB/s']:.1f} GB/s on {t} thread(s)" for t, b in zip((1, 2), dram) if b))
print("(percentages: of the one-core peak times the threads)")
print()
print("| shape | threads | trit int8 VNNI | oneDNN u8s8 | trit / oneDNN | trit int8 AVX2 | trit fp32 | oneDNN fp32 | trit / oneDNN |")
print("|---|---|---|---|---|---|---|---|---|")
for threads in (1, 2):
    for label in labels:
        q8 = get("BM_TritQ8/avx512vnni", label, threads)
        if not q8:
            continue
        dq, f32, df = get("BM_OneDnn/u8s8", label, threads), get("BM_TritF32/avx512", label, threads), get("BM_OneDnn/f32", label, threads)
        print(f"| {label} | {threads} | {cell(q8)} | {cell(dq)} | {ratio(q8, dq)} | {cell(get('BM_TritQ8/avx2', label, threads))} "
              f"| {cell(f32)} | {cell(df)} | {ratio(f32, df)} |")
print()
print("Batch-1 Dense (GEMV): GMAC/s and weight bytes read per second")
print()
print("| shape | threads | trit int8 VNNI | weight GB/s | trit ternary 2-bit | weight GB/s | ternary / int8 | trit int4 | weight GB/s | int4 / int8 | trit int2 | weight GB/s | int2 / int8 | oneDNN u8s8 |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for threads in (1, 2):
    for label in labels:
        t2 = get("BM_TritLowBit", label, threads, "3")
        if not t2:
            continue
        q8 = get("BM_TritQ8/avx512vnni", label, threads)
        q4, q2 = get("BM_TritLowBit", label, threads, "4"), get("BM_TritLowBit", label, threads, "2")
        print(f"| {label} | {threads} | {cell(q8)} | {cell(q8, 'weight GB/s')} | {cell(t2)} | {cell(t2, 'weight GB/s')} "
              f"| {ratio(t2, q8)} | {cell(q4)} | {cell(q4, 'weight GB/s')} | {ratio(q4, q8)} "
              f"| {cell(q2)} | {cell(q2, 'weight GB/s')} | {ratio(q2, q8)} | {cell(get('BM_OneDnn/u8s8', label, threads))} |")
print()
print("Binary activations x binary weights (xor + popcount) against int8 on the same shape")
print()
print("| shape | threads | trit binary GMAC/s | x the VPDPBUSD peak | trit int8 VNNI GMAC/s | binary / int8 |")
print("|---|---|---|---|---|---|")
for threads in (1, 2):
    for label in labels:
        b1 = get("BM_TritB1/avx512vpopcntdq", label, threads)
        if not b1:
            continue
        q8 = get("BM_TritQ8/avx512vnni", label, threads)
        print(f"| {label} | {threads} | {b1['GMAC/s']:.1f} | {b1['x VNNI peak']:.2f} | {cell(q8)} | {ratio(b1, q8)} |")
print()
print("The same at AVX2 (PSHUFB nibble popcount) against the AVX2 int8 GEMM")
print()
print("| shape | threads | trit binary AVX2 GMAC/s | trit int8 AVX2 GMAC/s | binary / int8 |")
print("|---|---|---|---|---|")
for threads in (1, 2):
    for label in labels:
        b1 = get("BM_TritB1/avx2", label, threads)
        if not b1:
            continue
        q8 = get("BM_TritQ8/avx2", label, threads)
        print(f"| {label} | {threads} | {b1['GMAC/s']:.1f} | {cell(q8)} | {ratio(b1, q8)} |")
print()
print("Ternary codes: asymmetric (+37 / -23 per channel, two dot products) and symmetric (+-37, one)")
print()
print("| shape | threads | asymmetric GMAC/s | symmetric GMAC/s |")
print("|---|---|---|---|")
for threads in (1, 2):
    for label in labels:
        asym, sym = get("BM_TritLowBit", label, threads, "3"), get("BM_TritLowBit", label, threads, "1")
        if asym and sym:
            print(f"| {label} | {threads} | {asym['GMAC/s']:.1f} | {sym['GMAC/s']:.1f} |")
print()
print("Pruned ternary, batch 1, 1 thread: the index-list kernel against the 2-bit GEMV (asymmetric codes; time ratio)")
print()
print("| shape | zero weights | sparse GMAC/s (dense-equivalent) | 2-bit GEMV GMAC/s | sparse / 2-bit |")
print("|---|---|---|---|---|")
for label in labels:
    t2 = get("BM_TritLowBit", label, 1, "3")
    for sparsity in ("50", "70", "90", "95", "98"):
        sp = get("BM_SparseT", label, 1, sparsity)
        if sp and t2:
            print(f"| {label} | {sparsity}% | {sp['GMAC/s']:.1f} | {t2['GMAC/s']:.1f} | {sp['GMAC/s'] / t2['GMAC/s']:.2f} |")
PY
